"""A calendar of booking openings (``/feeds/<id>-booking.ics``): for members who want to book
early, an all-day "Booking opens: <title>" on the day a page says booking opens, linked to the
event. Only a day the page gave is an entry; "opens in April" names no day to put in a calendar. Once
booking has opened the entry stays, as history, while its event is in the feed (``events.reconcile.plan``
keeps the day on the event when the page stops naming it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from icalendar import Event as VEvent

from events.normalise.urls import as_uri
from events.store import StoredEvent
from events.store.uid_domain import base_host
from feeds.ical import calendar_head
from feeds.merging import published_id
from feeds.text import book_or_details, calendar_name, one_line, where
from feeds.wording import day_words, when_words
from feeds.zones import zone_component


def opening_day(item: StoredEvent, today: date) -> date | None:
    """The day booking opens, or opened: a coming day while booking is still to open, a past one after."""
    e = item.event
    if e.booking == "none" or not e.booking_opens or len(e.booking_opens) != 10:
        return None
    try:
        day = date.fromisoformat(e.booking_opens)
    except ValueError:
        return None
    return day if e.booking == "soon" or day <= today else None


def build_booking_ical(
    title: str,
    items: Sequence[StoredEvent],
    *,
    base_url: str,
    timezone: str,
    refresh_seconds: int,
    uid_domain: str | None = None,
    today: date | None = None,
    organisation: str = "",
) -> bytes:
    today = today or date.today()
    cal = calendar_head(f"{calendar_name(organisation, title)} — booking opens", refresh_seconds)
    cal.add("x-wr-timezone", timezone)  # Google shows a calendar in this zone; all-day entries, so the site's
    domain = uid_domain or base_host(base_url)
    for item in items:
        day = opening_day(item, today)
        if day is None:
            continue
        e = item.event
        link = as_uri(e.url) or f"{base_url}/events/{e.id}"
        ve = VEvent()
        ve.add("uid", f"{published_id(item)}-booking@{domain}")  # not the event's UID: a client may hold both calendars
        ve.add("dtstamp", item.updated_at)
        ve.add("sequence", item.sequence)
        ve.add("summary", f"Booking opens: {one_line(e.title, 300)}")
        ve.add("dtstart", day)
        ve.add("dtend", day + timedelta(days=1))
        ve.add("transp", "TRANSPARENT")
        ve.add("url", link)
        lines = [f"The event: {when_words(e.start, e.end)}", where(e), f"{book_or_details(e)}: {link}"]
        if e.booking != "soon":
            lines.insert(0, f"Booking opened on {day_words(day)}")
        ve.add("description", "\n".join(x for x in lines if x))
        cal.add_component(ve)
    if not cal.subcomponents:  # RFC 5545 wants one component: the site's zone, which clients ignore unused
        cal.add_component(zone_component(timezone, today, today + timedelta(days=365)))
    return bytes(cal.to_ical())
