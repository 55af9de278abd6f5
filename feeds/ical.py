"""An iCalendar (RFC 5545 / RFC 7986) subscription feed that Outlook, Google and Apple accept.

All-day events are ``VALUE=DATE`` with an exclusive DTEND; timed ones carry a TZID with its VTIMEZONE.
UID is stable for the event's life; SEQUENCE, LAST-MODIFIED and DTSTAMP move only when a subscriber
would see a difference, so an unchanged store yields byte-identical output (and the same ETag).
Every text value goes through ``icalendar`` (escaping) after control characters and line breaks
are taken out, so no page text can inject a property or a component.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from icalendar import Calendar, vDuration, vText

from events import __version__
from events.config.models import Feed, Source
from events.normalise.urls import as_uri
from events.record import Event
from events.store import StoredEvent
from events.store.uid_domain import base_host
from feeds import ical_lines
from feeds.ical_lines import Property
from feeds.merging import also_listed_by, published_id
from feeds.render_cache import Wanted, assemble, shared
from feeds.text import book_or_details, calendar_name, headline, multi_line, one_line, where
from feeds.wording import booking_words
from feeds.zones import transitions, zone_component

PRODID = f"-//eventfeed//eventfeed {__version__}//EN"
_ICAL_STATUS = {
    "scheduled": "CONFIRMED",
    "rescheduled": "CONFIRMED",
    "postponed": "TENTATIVE",
    "cancelled": "CANCELLED",
}


def ical_parts(
    feed: Feed,
    items: Sequence[StoredEvent],
    *,
    base_url: str,
    timezone: str,
    refresh_seconds: int,
    sources: dict[str, Source] | None = None,
    title: str | None = None,
    single: bool = False,
    uid_domain: str | None = None,
    organisation: str = "",
) -> Iterator[bytes | Wanted]:
    """The calendar as its own bytes and one piece per event, in order, made as they are asked for.
    ``title`` names a filtered feed ("All events — London"); the feed's own title otherwise.
    ``single``: one event to add, not a calendar to subscribe to, so nothing calendar-level (with
    X-WR-CALNAME Outlook desktop makes a new calendar of every click). ``organisation`` (the site's
    name) begins the calendar's name."""
    sources = sources or {}
    name = calendar_name(organisation, title or feed.title)
    cal = (
        _event_file_head()
        if single
        else calendar_head(name, refresh_seconds, one_line(feed.description or feed.title, 1000))
    )
    domain = uid_domain or base_host(base_url)  # the store's fixed domain (events.store.uid_domain)
    zones: dict[str, tuple[date, date]] = {}
    for item in items:
        e = item.event
        if not e.all_day and isinstance(e.start.tzinfo, ZoneInfo):  # type: ignore[union-attr]
            tzid = e.start.tzinfo.key  # type: ignore[union-attr]
            first_day, last_day = e.first_day, e.last_day
            first, last = zones.get(tzid, (first_day, last_day))
            zones[tzid] = (min(first, first_day), max(last, last_day))
    # a client's default zone for the calendar (Google shows the calendar in it): the service's, as
    # its pages show; every timed event names its own zone besides
    if not single:
        cal.add("x-wr-timezone", timezone)
    if not items:
        # RFC 5545 wants at least one component, and some parsers refuse a calendar without one: an
        # empty feed carries the feed's own zone, which every client ignores when nothing uses it.
        today = date.today()
        zones[timezone] = (today, today + timedelta(days=365))
    for tzid, (first, last) in sorted(zones.items()):
        cal.add_component(zone_component(tzid, first - timedelta(days=1), last + timedelta(days=1)))
    # the calendar as icalendar writes it, zones first, then each event's piece (icalendar's bytes too)
    head = cal.to_ical()
    assert head.endswith(_END)
    yield head[: -len(_END)]
    render = partial(_vevent_bytes, domain=domain, base_url=base_url, sources=sources)
    contexts: dict[str, Hashable] = {}  # a source's events share one context
    for item in items:  # made one at a time, as the file is written: never a list of 100,000
        context = contexts.get(item.event.source)
        if context is None:
            context = contexts[item.event.source] = shared((domain, base_url, sources.get(item.event.source), PRODID))
        if item.also:
            context = (context, *(sources.get(s) for s in item.also))
        yield Wanted(item, context, render)
    yield _END


_END = b"END:VCALENDAR\r\n"


def _event_file_head() -> Calendar:
    """What a one-event file starts with: who made it, and nothing that names or refreshes a calendar."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    return cal


def calendar_head(name: str, refresh_seconds: int, description: str | None = None) -> Calendar:
    """What every calendar we publish starts with: who made it, its name, and how often to refresh."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # no METHOD: RFC 5546's PUBLISH wants an ORGANIZER on every event, and we invent none; a
    # subscription needs no iTIP method (Google, Outlook and Apple read the calendar without one)
    cal.add("name", vText(name))
    cal.add("x-wr-calname", vText(name))
    if description is not None:
        cal.add("x-wr-caldesc", vText(description))
    refresh = timedelta(seconds=refresh_seconds)
    cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(refresh))
    return cal


def _vevent_bytes(item: StoredEvent, domain: str, base_url: str, sources: dict[str, Source]) -> bytes:
    return ical_lines.vevent(vevent_properties(item, domain, base_url, sources))


def build_event_ical(
    item: StoredEvent,
    *,
    base_url: str,
    refresh_seconds: int,
    sources: dict[str, Source],
    uid_domain: str | None = None,
) -> bytes:
    """One event as its own calendar file, for "add just this one": the same UID as in the feeds, so
    a client that also subscribes sees one event, not two."""
    e = item.event
    one = Feed(id=e.id, title=one_line(e.title, 200), description="")
    parts = ical_parts(
        one,
        [item],
        base_url=base_url,
        timezone=e.timezone,
        refresh_seconds=refresh_seconds,
        sources=sources,
        single=True,
        uid_domain=uid_domain,
    )
    return assemble(parts, "ics", None)


def assumed_end(event: Event, source: Source | None) -> datetime | None:
    """A timed event with no end lasts the source's ``default_duration`` (1 hour unless configured):
    Google draws an event with no end as a sliver, Outlook as nothing. An hour is elapsed time:
    Python adds to a zoned time on the clock face, which on the night the clocks change is 0 or 2 hours."""
    if not isinstance(event.start, datetime) or event.end is not None:
        return None
    elapsed = timedelta(seconds=source.default_duration if source else 3600)
    return (event.start.astimezone(UTC) + elapsed).astimezone(event.start.tzinfo)


def vevent_properties(item: StoredEvent, domain: str, base_url: str, sources: dict[str, Source]) -> list[Property]:
    """What an event's VEVENT says, as (name, value, parameters), in icalendar's order (SUMMARY,
    DTSTART, DTEND, DTSTAMP, UID, SEQUENCE, then alphabetically): ``feeds.ical_lines`` writes them."""
    e = item.event
    source = sources.get(e.source)
    if e.all_day:
        start: date | datetime = e.start
        end: date | datetime | None = e.last_day + timedelta(days=1)  # exclusive: the day after the last day
    else:
        moment = e.start
        assert isinstance(moment, datetime)
        until = e.end if isinstance(e.end, datetime) and e.end > moment else assumed_end(e, source)
        # both in one way: a reader that keeps the length of an event in wall-clock time
        # (recurring-ical-events) shifts a UTC end beside a zoned start on the night the clocks change
        in_utc = _near_a_change(moment) or (until is not None and _near_a_change(until))
        start, end = _zoned(moment, in_utc), (_zoned(until, in_utc) if until is not None else None)
    props: list[Property] = [("summary", headline(e), {}), ("dtstart", start, {})]
    add = props.append
    if end is not None:
        add(("dtend", end, {}))
    add(("dtstamp", item.updated_at, {}))
    add(("uid", f"{published_id(item)}@{domain}", {}))
    add(("sequence", item.sequence, {}))
    categories = [c for c in (one_line(c, 100) for c in e.categories) if c]
    if categories:
        add(("categories", categories, {}))
    add(("created", item.created_at, {}))
    link = as_uri(e.url)
    also = also_listed_by(item, sources)
    add(("description", _description(item, source, link or f"{base_url}/events/{e.id}", also), {}))
    if e.latitude is not None and e.longitude is not None:
        add(("geo", (e.latitude, e.longitude), {}))
    image = as_uri(e.image)
    if image:
        add(("image", image, {"VALUE": "URI"}))
    add(("last-modified", item.updated_at, {}))
    location = where(e)
    if location:
        add(("location", location, {}))
    if source is not None and source.organiser_email:  # a real organiser, only when configured
        cn = one_line(source.organiser_name or source.name, 100)
        add(("organizer", f"mailto:{source.organiser_email}", {"CN": cn}))
    add(("status", _ICAL_STATUS.get(e.event_status, "CONFIRMED"), {}))
    if e.all_day or e.event_status == "cancelled":
        add(("transp", "TRANSPARENT", {}))  # a day-long listing or a cancelled meeting blocks no time
    if link:
        add(("url", link, {}))
    return props


def _zoned(moment: datetime, in_utc: bool = False) -> datetime:
    """A time with an IANA zone keeps it (TZID + VTIMEZONE); one with only an offset becomes UTC,
    because a TZID must name a VTIMEZONE and an offset is not a zone; so does a time near a change
    of the clocks (``in_utc``)."""
    return moment if isinstance(moment.tzinfo, ZoneInfo) and not in_utc else moment.astimezone(UTC)


# How near a change of the clocks a zoned time is written in UTC instead: parsers disagree about a
# time the clocks show twice (RFC 5545 means the first; libical and ical.js take the second) and some
# (ics) misplace the hours after a change where the zone calls winter its saving time (Dublin)
_CHANGE_MARGIN = timedelta(hours=3)


def _near_a_change(moment: datetime) -> bool:
    if not isinstance(moment.tzinfo, ZoneInfo):
        return False
    instant = moment.astimezone(UTC)
    return any(
        abs(change.at - instant) <= _CHANGE_MARGIN
        for year in {(instant - _CHANGE_MARGIN).year, (instant + _CHANGE_MARGIN).year}
        for change in transitions(moment.tzinfo.key, year)
    )


def _description(item: StoredEvent, source: Source | None, link: str, also: Sequence[str] = ()) -> str:
    """What Google and Outlook show: they ignore URL, so the event's link is written out here too;
    ``also`` names the other sources listing the same event (``feeds.merging``)."""
    e = item.event
    lines = []
    booking = booking_words(e)
    if booking:
        lines.append(booking)
    if e.description:
        lines.append(multi_line(e.description, 2000))
    if e.online:
        lines.append("Online event")
    lines.append(f"{book_or_details(e)}: {link}")
    name = source.name if source else e.source
    lines.append(f"Source: {one_line(name, 200)}" + (f" ({as_uri(source.url)})" if source else ""))
    if also:
        lines.append(f"Also listed by: {', '.join(also)}")
    return "\n".join(lines)
