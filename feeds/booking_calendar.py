"""A calendar of booking openings (``/feeds/<id>-booking.ics``): for members who want to book
early, an all-day "Booking opens: <title>" on the day a page says booking opens, linked to the
event. Only a day the page gave is an entry; "opens in April" names no day to put in a calendar."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from icalendar import Event as VEvent

from events.identity import base_host
from events.normalise.urls import as_uri
from events.store import StoredEvent
from feeds.ical import calendar_head
from feeds.text import one_line, where
from feeds.wording import when_words
from feeds.zones import zone_component


def opening_day(item: StoredEvent) -> date | None:
    e = item.event
    if e.booking != "soon" or not e.booking_opens or len(e.booking_opens) != 10:
        return None
    try:
        return date.fromisoformat(e.booking_opens)
    except ValueError:
        return None


def build_booking_ical(
    title: str,
    items: Sequence[StoredEvent],
    *,
    base_url: str,
    timezone: str,
    refresh_seconds: int,
    uid_domain: str | None = None,
) -> bytes:
    cal = calendar_head(f"{one_line(title, 200)}: booking opens", refresh_seconds)
    cal.add("x-wr-timezone", timezone)  # Google shows a calendar in this zone; all-day entries, so the site's
    domain = uid_domain or base_host(base_url)
    for item in items:
        day = opening_day(item)
        if day is None:
            continue
        e = item.event
        link = as_uri(e.url) or f"{base_url}/events/{e.id}"
        ve = VEvent()
        ve.add("uid", f"{e.id}-booking@{domain}")  # not the event's UID: a client may hold both calendars
        ve.add("dtstamp", item.updated_at)
        ve.add("sequence", item.sequence)
        ve.add("summary", f"Booking opens: {one_line(e.title, 300)}")
        ve.add("dtstart", day)
        ve.add("dtend", day + timedelta(days=1))
        ve.add("transp", "TRANSPARENT")
        ve.add("url", link)
        lines = [f"The event: {when_words(e.start, e.end)}", where(e), f"Book: {link}"]
        ve.add("description", "\n".join(x for x in lines if x))
        cal.add_component(ve)
    if not cal.subcomponents:  # RFC 5545 wants one component: the site's zone, which clients ignore unused
        today = date.today()
        cal.add_component(zone_component(timezone, today, today + timedelta(days=365)))
    return bytes(cal.to_ical())
