"""An iCalendar (RFC 5545 / RFC 7986) subscription feed that Outlook, Google and Apple accept.

All-day events are ``VALUE=DATE`` with an exclusive DTEND; timed ones carry a TZID with its VTIMEZONE.
UID is stable for the event's life; SEQUENCE, LAST-MODIFIED and DTSTAMP move only when a subscriber
would see a difference, so an unchanged store yields byte-identical output (and the same ETag).
Every text value goes through ``icalendar`` (escaping) after control characters and line breaks
are taken out, so no page text can inject a property or a component.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, vDuration, vText
from icalendar import Event as VEvent

from events import __version__
from events.config import Feed, Source
from events.store import StoredEvent
from feeds.text import booking_words, headline, multi_line, one_line, where

PRODID = f"-//eventfeed//eventfeed {__version__}//EN"
_ICAL_STATUS = {
    "scheduled": "CONFIRMED",
    "rescheduled": "CONFIRMED",
    "postponed": "TENTATIVE",
    "cancelled": "CANCELLED",
}


def uid_domain(base_url: str) -> str:
    return urlsplit(base_url).hostname or "eventfeed.invalid"


def build_ical(
    feed: Feed,
    items: Sequence[StoredEvent],
    *,
    base_url: str,
    timezone: str,
    refresh_seconds: int,
    sources: dict[str, Source] | None = None,
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", vText(one_line(feed.title, 200)))
    cal.add("x-wr-calname", vText(one_line(feed.title, 200)))
    cal.add("x-wr-caldesc", vText(one_line(feed.description or feed.title, 1000)))
    cal.add("x-wr-timezone", timezone)
    refresh = timedelta(seconds=refresh_seconds)
    cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(refresh))
    domain = uid_domain(base_url)
    zones: dict[str, tuple[date, date]] = {}
    for item in items:
        cal.add_component(_vevent(item, domain, sources or {}))
        e = item.event
        if not e.all_day and isinstance(e.start.tzinfo, ZoneInfo):  # type: ignore[union-attr]
            tzid = e.start.tzinfo.key  # type: ignore[union-attr]
            first, last = zones.get(tzid, (e.first_day, e.last_day))
            zones[tzid] = (min(first, e.first_day), max(last, e.last_day))
    if not items:
        # RFC 5545 wants at least one component, and some parsers refuse a calendar without one: an
        # empty feed carries the feed's own zone, which every client ignores when nothing uses it.
        today = date.today()
        zones[timezone] = (today, today + timedelta(days=365))
    for tzid, (first, last) in sorted(zones.items()):
        cal.add_component(
            Timezone.from_tzid(tzid, first_date=first - timedelta(days=1), last_date=last + timedelta(days=1))
        )
    return cal.to_ical()


def _vevent(item: StoredEvent, domain: str, sources: dict[str, Source]) -> VEvent:
    e = item.event
    ve = VEvent()
    ve.add("uid", f"{e.id}@{domain}")
    ve.add("dtstamp", item.updated_at)
    ve.add("created", item.created_at)
    ve.add("last-modified", item.updated_at)
    ve.add("sequence", item.sequence)
    ve.add("summary", headline(e))
    # RFC 5546 wants an ORGANIZER on every published event; the source is who organises it.
    source = sources.get(e.source)
    ve.add(
        "organizer", f"mailto:noreply@{domain}", parameters={"CN": one_line(source.name if source else e.source, 100)}
    )
    if e.all_day:
        ve.add("dtstart", e.start)
        ve.add("dtend", e.last_day + timedelta(days=1))  # exclusive: the day after the last day
        ve.add("transp", "TRANSPARENT")
    else:
        ve.add("dtstart", _zoned(e.start))  # type: ignore[arg-type]
        if isinstance(e.end, datetime) and e.end > e.start:  # type: ignore[operator]
            ve.add("dtend", _zoned(e.end))
    ve.add("status", _ICAL_STATUS.get(e.event_status, "CONFIRMED"))
    location = where(e)
    if location:
        ve.add("location", location)
    if e.url:
        ve.add("url", e.url)
    ve.add("description", _description(item, sources.get(e.source)))
    categories = [one_line(c, 100) for c in e.categories if one_line(c, 100)]
    if categories:
        ve.add("categories", categories)
    return ve


def _zoned(moment: datetime) -> datetime:
    """A time with an IANA zone keeps it (TZID + VTIMEZONE); one with only an offset becomes UTC,
    because a TZID must name a VTIMEZONE and an offset is not a zone."""
    return moment if isinstance(moment.tzinfo, ZoneInfo) else moment.astimezone(UTC)


def _description(item: StoredEvent, source: Source | None) -> str:
    e = item.event
    lines = []
    booking = booking_words(e)
    if booking:
        lines.append(booking)
    if e.url and e.booking in ("open", "soon", "waitlist"):
        lines.append(f"Book: {e.url}")
    if e.description:
        lines.append(multi_line(e.description, 2000))
    if e.online:
        lines.append("Online event")
    name = source.name if source else e.source
    lines.append(f"Source: {one_line(name, 200)}" + (f" ({source.url})" if source else ""))
    return "\n".join(lines)
