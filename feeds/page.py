"""The pages people open: ``/`` (calendars, your own calendar, coming up), an event's page, and the
sources pages for staff. Templates (``feeds/templates``) are Jinja2 with autoescaping, so no string
from a config or a web page is ever markup; this module turns stored events into what they show."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import jinja2

from events.config.models import Config, Feed
from events.normalise.urls import as_uri
from events.record import Event
from events.redact import public_url
from events.sources.state import source_state
from events.store import StoredEvent
from feeds.build import feed_events
from feeds.links import GOOGLE_URL_LIMIT, event_links, feed_links, map_link, subscribe_links
from feeds.selection import Query, select_events
from feeds.text import STATUS_WORDS, calendar_name, multi_line, one_line, organisation, where
from feeds.wording import booking_words, change_sentences, when_words, zone_words

GOOGLE_MAX_BYTES = 1_000_000  # Google Calendar stops refreshing a subscription larger than about this
GOOGLE_MAX_EVENTS = 1000
AGENDA_LIMIT = 50  # events listed under "Coming up"; the calendar holds the rest
LIVE_COUNT_LIMIT = 5000  # above this many events the builder counts on "Show", not as you tick


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("feeds", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, **context: Any) -> str:
    return _templates().get_template(template).render(**context)


@dataclass(frozen=True)
class Choice:
    """What a visitor picked on ``/`` (the feeds' own parameters, plus ``q`` to search the agenda)."""

    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    upcoming: bool = False
    q: str = ""

    @classmethod
    def from_params(cls, params: Any, known_sources: set[str]) -> Choice:
        """Unknown values are dropped, not refused: this is a page, not an API."""
        return cls(
            sources=tuple(s for s in params.getlist("source") if s in known_sources),
            categories=tuple(c for c in params.getlist("category") if c.strip()),
            upcoming=params.get("upcoming") in ("1", "true", "on"),
            q=one_line(params.get("q", ""), 200),
        )

    @property
    def query(self) -> Query:
        return Query(sources=self.sources, categories=self.categories, upcoming=self.upcoming)

    @property
    def any(self) -> bool:
        return bool(self.sources or self.categories or self.upcoming or self.q)

    def feed_params(self) -> str:
        pairs = [("source", s) for s in self.sources] + [("category", c) for c in self.categories]
        if self.upcoming:
            pairs.append(("upcoming", "1"))
        return urlencode(pairs)


def _clock(e: Event) -> str:
    if not isinstance(e.start, datetime):
        return ""
    return f"{e.start:%H:%M}" + (f"–{e.end:%H:%M}" if isinstance(e.end, datetime) else "")


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return "never"
    at = moment.astimezone(zone)
    return f"{at:%a} {at.day} {at:%b %Y}, {at:%H:%M}"


def _size_warning(config: Config, feed: Feed) -> str:
    """Said on the page when a feed has grown past what Google Calendar keeps refreshing."""
    path = config.service.feeds_dir / f"{feed.id}.ics"
    try:
        size = path.stat().st_size
        count = path.read_bytes().count(b"BEGIN:VEVENT") if size > 0 else 0
    except OSError:
        return ""
    if size <= GOOGLE_MAX_BYTES and count <= GOOGLE_MAX_EVENTS:
        return ""
    return (
        f"This calendar holds {count:,} events ({size / 1_000_000:.1f} MB): Google Calendar may stop refreshing "
        "a subscription this large. Subscribe to a narrower feed, or ask for a shorter window (past_days, future_days)."
    )


def _searchable(e: Event, source_name: str) -> str:
    return " ".join(x for x in (e.title, e.venue, e.locality, e.address, source_name) if x).casefold()


def index_page(
    config: Config,
    items: Sequence[StoredEvent],
    *,
    now: datetime,
    choice: Choice | None = None,
    states: Sequence[dict[str, Any]] = (),
) -> str:
    """``states`` are the sources' rows (``Store.source_states``): a calendar emptier than it should be
    says why, when sources cannot be read."""
    choice = choice or Choice()
    service = config.service
    base = service.base_url
    zone = ZoneInfo(service.timezone)
    names = {s.id: s.name for s in config.sources}
    feeds = []
    shown_by_feed: dict[str, list[StoredEvent]] = {}
    for feed in config.feeds:
        shown = shown_by_feed[feed.id] = feed_events(config, feed, items, now=now)
        coming = [i for i in shown if i.event.last_day >= now.date()]
        links = feed_links(base, feed.id, calendar_name(organisation(config.site), feed.title))
        links["booking"] = f"{base}/feeds/{feed.id}-booking.ics"
        updated = max((i.updated_at for i in shown), default=None)
        feeds.append(
            {
                "id": feed.id,
                "title": feed.title,
                "description": feed.description,
                "count": len(shown),
                "next": f"{one_line(coming[0].event.title, 80)}, {when_words(coming[0].event.start, None)}"
                if coming
                else "",
                "updated": _local(updated, zone) if updated else "",
                "links": links,
                "warning": _size_warning(config, feed),
            }
        )
    everything = config.feed("all") or config.feeds[0]
    chosen = feed_events(config, everything, items, now=now, query=choice.query)
    params = choice.feed_params()
    title = _builder_title(config, choice)
    address = f"/feeds/{everything.id}.ics" + (f"?{params}" if params else "")
    links = subscribe_links(base, calendar_name(organisation(config.site), title), address)
    builder = {
        "empty": _nothing_coming(config, everything, chosen, choice, now),
        "count": len(chosen),
        "title": title,
        "links": links,
        "google_limit": GOOGLE_URL_LIMIT,
        "too_long": len(links["ics"]) > GOOGLE_URL_LIMIT,
    }
    upcoming = [i for i in chosen if i.event.last_day >= now.date()]
    if choice.q:
        wanted = choice.q.casefold()
        upcoming = [i for i in upcoming if wanted in _searchable(i.event, names.get(i.event.source, ""))]
    agenda = [_agenda_item(i.event, names, base, service.timezone) for i in upcoming[:AGENDA_LIMIT]]
    in_window = shown_by_feed[everything.id]
    data: dict[str, Any] = {"base": base, "title": f"{config.site.name}: your events", "googleLimit": GOOGLE_URL_LIMIT}
    if len(in_window) <= LIVE_COUNT_LIMIT:
        data["events"] = [
            {
                "s": i.event.source,
                "c": [c.casefold() for c in i.event.categories],
                "u": i.event.last_day >= now.date(),
            }
            for i in in_window
        ]
    categories = sorted({c for i in in_window for c in i.event.categories} | set(choice.categories), key=str.casefold)
    configured = {s.id for s in config.sources}
    failing = sum(
        1
        for row in states
        if row.get("id") in configured and source_state(row, service.unhealthy_after, now).name == "failing"
    )
    return render(
        "index.html",
        site=config.site,
        failing=failing,
        source_count=len(configured),
        feeds=feeds,
        rss_url=f"{base}/feeds/{everything.id}.rss",
        sources=[{"id": s.id, "name": s.name, "chosen": s.id in choice.sources} for s in config.sources],
        categories=[{"name": c, "chosen": c in choice.categories} for c in categories],
        chosen={"upcoming": choice.upcoming, "q": choice.q, "any": choice.any},
        builder=builder,
        agenda=agenda,
        more=max(0, len(upcoming) - AGENDA_LIMIT),
        data=data,
    )


def _builder_title(config: Config, choice: Choice) -> str:
    names = {s.id: s.name for s in config.sources}
    parts = [names[s] for s in choice.sources] + list(choice.categories)
    return f"{config.site.name}: {', '.join(parts)}" if parts else f"{config.site.name}: all events"


def _agenda_item(e: Event, names: Mapping[str, str], base: str, site_zone: str) -> dict[str, Any]:
    source_name = names.get(e.source, e.source)
    meta = [x for x in (where(e), booking_words(e), source_name) if x]
    return {
        "status": e.event_status,
        "status_words": STATUS_WORDS.get(e.event_status, ""),
        "when": when_words(e.start, e.end),
        "zone": zone_words(e, site_zone),
        "title": one_line(e.title, 300),
        "page": f"{base}/events/{e.id}",
        "meta": " · ".join(one_line(x, 300) for x in meta),
        "source": e.source,
        "categories": [c.casefold() for c in e.categories],
        "text": _searchable(e, source_name),
    }


_AVAILABILITY = {
    "open": "https://schema.org/InStock",
    "soon": "https://schema.org/PreOrder",
    "sold_out": "https://schema.org/SoldOut",
    "waitlist": "https://schema.org/SoldOut",
    "closed": "https://schema.org/OutOfStock",
}
_EVENT_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
    "postponed": "https://schema.org/EventPostponed",
    "rescheduled": "https://schema.org/EventRescheduled",
}


def event_jsonld(config: Config, item: StoredEvent, history: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """schema.org ``Event`` for search engines and other readers: the same facts the page shows, with
    what Google's event results ask for: a moved event is ``EventRescheduled`` with the starts it had
    (from ``history``), an event both online and at a venue is mixed attendance, and the place has an
    address when the page or the organisation's own (``[site] address``) gives one."""
    e = item.event
    base = config.service.base_url
    source = next((s for s in config.sources if s.id == e.source), None)
    url = as_uri(e.url) or f"{base}/events/{e.id}"
    record = e.as_dict()
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": one_line(e.title, 300),
        "startDate": record["start"],
        "eventStatus": _EVENT_STATUS.get(e.event_status, _EVENT_STATUS["scheduled"]),
        "url": url,
    }
    if e.end is not None:
        data["endDate"] = record["end"]
    earlier = previous_starts(history, record["start"])
    if earlier and e.event_status in ("scheduled", "rescheduled"):
        data["eventStatus"] = _EVENT_STATUS["rescheduled"]
        data["previousStartDate"] = earlier if len(earlier) > 1 else earlier[0]
    place = _place(e, config.site.address)
    online = {"@type": "VirtualLocation", "url": url}
    if e.online and place is None:
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
        data["location"] = online
    elif e.online:
        data["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
        data["location"] = [place, online]
    else:
        data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        if place is not None:
            data["location"] = place
    if e.booking in _AVAILABILITY:
        data["offers"] = {"@type": "Offer", "availability": _AVAILABILITY[e.booking], "url": url}
    if source is not None:
        data["organizer"] = {"@type": "Organization", "name": one_line(source.name, 200), "url": as_uri(source.url)}
    if e.description:
        data["description"] = multi_line(e.description, 2000)
    image = as_uri(e.image)
    if image:
        data["image"] = image
    return data


def previous_starts(history: Sequence[dict[str, Any]], start: str) -> list[str]:
    """The starts an event had before it moved, oldest first, as its history recorded them."""
    out: list[str] = []
    for change in history:
        moved = ((change.get("detail") or {}).get("fields") or {}).get("start")
        if isinstance(moved, list | tuple) and len(moved) == 2 and moved[0] and str(moved[0]) not in (start, *out):
            out.append(str(moved[0]))
    return out


def _place(e: Event, site_address: str | None) -> dict[str, Any] | None:
    """schema.org ``Place``: named, with a postal address when one is known; the organisation's own
    address when the venue is its premises (the address's first part)."""
    street, locality = one_line(e.address, 300), one_line(e.locality, 100)
    if not street and site_address and e.venue:
        premises = site_address.split(",", 1)[0].strip().casefold()
        if premises and one_line(e.venue, 300).casefold() == premises:
            street = one_line(site_address, 300)
    name = one_line(e.venue or e.locality or street, 300)
    if not name:
        return None
    place: dict[str, Any] = {"@type": "Place", "name": name}
    address = {k: v for k, v in (("streetAddress", street), ("addressLocality", locality)) if v}
    if address:
        place["address"] = {"@type": "PostalAddress", **address}
    if e.latitude is not None and e.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": e.latitude, "longitude": e.longitude}
    return place


def event_page(
    config: Config, item: StoredEvent, history: Sequence[dict[str, Any]], also: Sequence[StoredEvent] = ()
) -> str:
    """One event as a member wants it (when, where, booking, add to calendar), then its history in sentences."""
    e = item.event
    base = config.service.base_url
    zone = ZoneInfo(config.service.timezone)
    source = next((s for s in config.sources if s.id == e.source), None)
    names = {s.id: s.name for s in config.sources}
    when = when_words(e.start, e.end)
    place = where(e)
    booking = booking_words(e)
    told = []
    for change in history:
        detail = change.get("detail") or {}
        said = change_sentences(change["kind"], detail.get("fields"), e, detail.get("fixed") or ())
        at = change["at"]
        told.append({"iso": at.isoformat(timespec="seconds"), "at": _local(at, zone), "said": "; ".join(said)})
    if item.removed_at is not None:
        told.append({"iso": "", "at": _local(item.removed_at, zone), "said": "No longer listed"})
    return render(
        "event.html",
        site=config.site,
        title=one_line(e.title, 300),
        status=e.event_status,
        status_words=STATUS_WORDS.get(e.event_status, ""),
        summary=" · ".join(x for x in (when, place, booking) if x),
        when=when,
        zone=zone_words(e, config.service.timezone),
        place=place,
        map=map_link(e),
        booking=booking,
        bookable=e.booking in ("open", "soon", "waitlist"),
        organiser=one_line(source.name if source else e.source, 200),
        url=as_uri(e.url),
        image=as_uri(e.image),
        description=multi_line(e.description, 2000),
        links=event_links(base, e),
        jsonld=event_jsonld(config, item, history),
        also=[
            {"name": one_line(names.get(o.event.source, o.event.source), 200), "page": f"{base}/events/{o.event.id}"}
            for o in also
            if o.event.source != e.source
        ],
        history=told,
    )


def sources_page(
    config: Config, states: Sequence[dict[str, Any]], *, now: datetime, overdue_after: int, admin: bool = False
) -> str:
    """Each source's last fetch and success, what was found, and the last problem in words: its kind
    for anyone, the raw error (which can name hosts and queries) with the admin token."""
    names = {s.id: s for s in config.sources}
    zone = ZoneInfo(config.service.timezone)
    rows = []
    for state in states:
        source = names.get(state["id"])
        if source is None:
            continue
        current = source_state(state, overdue_after, now, public=not admin)
        rows.append(
            {
                "id": source.id,
                "name": source.name,
                "url": source.url if admin else public_url(source.url),
                "ok": current.ok,
                "state": current.name,
                "last_fetch": _local(state["last_fetch_at"], zone),
                "last_success": _local(state["last_success_at"], zone),
                "found": state.get("events_found") or 0,
                "stored": state["events_stored"],
                "next_run": _local(state.get("next_run_at"), zone),
                "detail": current.detail,
            }
        )
    return render("sources.html", site=config.site, rows=rows, zone=config.service.timezone)


def source_page(
    config: Config, state: dict[str, Any], items: Sequence[StoredEvent], *, now: datetime, admin: bool = False
) -> str:
    """What one source's last reading yields: the table ``events extract`` prints, from the store (the
    web app reads what the fetcher stored; it never fetches)."""
    source = config.source(state["id"])
    base = config.service.base_url
    rows = []
    for item in sorted(items, key=lambda i: (i.event.first_day, str(i.event.start))):
        e = item.event
        shown_in = [
            f.title
            for f in config.feeds
            if select_events([item], f, now=now, cancelled_days=config.service.cancelled_days)
        ]
        origin = e.provenance.get("title") or e.provenance.get("start") or ""
        rows.append(
            {
                "date": when_words(e.first_day, e.last_day if e.last_day != e.first_day else None),
                "time": ""
                if e.all_day
                else f"{e.start:%H:%M}" + (f"–{e.end:%H:%M}" if isinstance(e.end, datetime) else ""),
                "title": one_line(e.title, 300),
                "page": f"{base}/events/{e.id}",
                "venue": where(e),
                "booking": booking_words(e),
                "read_from": one_line(origin, 120),
                "past": e.last_day < now.date(),
                "fate": _fate(item, shown_in, now),
            }
        )
    current = source_state(state, config.service.unhealthy_after, now, public=not admin)
    return render(
        "source.html",
        site=config.site,
        name=source.name,
        url=source.url if admin else public_url(source.url),
        state=current.name,
        last_fetch=_local(state.get("last_fetch_at"), ZoneInfo(config.service.timezone)),
        rows=rows,
        notice=current.notice or "",
    )


def _nothing_coming(
    config: Config, feed: Feed, chosen: Sequence[StoredEvent], choice: Choice, now: datetime
) -> list[str]:
    """For each organisation picked that brings no coming event: why the calendar is shorter than
    expected ("Great Lakes Water Authority has no events in the next 2 years")."""
    query = choice.query
    if query is None or not query.sources:
        return []
    names = {s.id: s.name for s in config.sources}
    coming = {i.event.source for i in chosen if i.event.last_day >= now.date()}
    days = feed.future_days
    ahead = "coming" if days is None else f"in the next {_span_words(days)}"
    return [f"{one_line(names.get(s, s), 200)} has no events {ahead}" for s in query.sources if s not in coming]


def _span_words(days: int) -> str:
    if days % 365 == 0 or (days >= 700 and days % 365 < 10):
        years = round(days / 365)
        return "year" if years == 1 else f"{years} years"
    return "day" if days == 1 else f"{days} days"


def _fate(item: StoredEvent, shown_in: Sequence[str], now: datetime) -> str:
    """Where an event read from the page ends up, so a missing one has a reason to read."""
    if item.removed_at is not None:
        return "no longer listed: in no feed"
    past = "past; " if item.event.last_day < now.date() else ""
    if not shown_in:
        return f"{past}outside every feed's window"
    return f"{past}in {', '.join(shown_in)}"
