"""``/``: the calendars to subscribe to, a calendar of one's own (the builder), and what is coming up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from events.config.models import Config, Feed
from events.normalise.urls import as_uri
from events.record import Event
from events.sources.state import source_state
from events.store import StoredEvent
from feeds.build import feed_events
from feeds.html import local_time, render
from feeds.links import GOOGLE_URL_LIMIT, event_links, feed_links, subscribe_links
from feeds.selection import Query
from feeds.text import STATUS_WORDS, calendar_name, one_line, organisation, where
from feeds.wording import booking_words, when_words, zone_words

GOOGLE_MAX_BYTES = 1_000_000  # Google Calendar stops refreshing a subscription larger than about this
GOOGLE_MAX_EVENTS = 1000
AGENDA_LIMIT = 50  # events listed under "Coming up"; the calendar holds the rest
LIVE_COUNT_LIMIT = 5000  # above this many events the builder counts on "Show", not as you tick


@dataclass(frozen=True)
class Choice:
    """What a visitor picked on ``/`` (the feeds' own parameters, plus ``q`` to search the agenda)."""

    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    upcoming: bool = False
    q: str = ""
    unknown: tuple[str, ...] = ()  # organisations asked for that are not configured (said above the list)

    @classmethod
    def from_params(cls, params: Any, known_sources: set[str]) -> Choice:
        """Unknown values are dropped, not refused: this is a page, not an API (the page says so)."""
        asked = params.getlist("source")
        return cls(
            sources=tuple(s for s in asked if s in known_sources),
            categories=tuple(c for c in params.getlist("category") if c.strip()),
            upcoming=params.get("upcoming") in ("1", "true", "on"),
            q=one_line(params.get("q", ""), 200),
            unknown=tuple(dict.fromkeys(one_line(s, 100) for s in asked if s not in known_sources and s.strip())),
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
                "count": len(coming),
                "next": f"{one_line(coming[0].event.title, 80)}, {when_words(coming[0].event.start, None)}"
                if coming
                else "",
                "updated": local_time(updated, zone) if updated else "",
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
    upcoming = [i for i in chosen if i.event.last_day >= now.date()]
    builder = {
        "empty": _nothing_coming(config, everything, chosen, choice, now),
        "count": len(upcoming),
        "title": title,
        "links": links,
        "google_limit": GOOGLE_URL_LIMIT,
        "too_long": len(links["ics"]) > GOOGLE_URL_LIMIT,
    }
    if choice.q:
        wanted = choice.q.casefold()
        upcoming = [i for i in upcoming if wanted in _searchable(i.event, names.get(i.event.source, ""))]
    today = now.astimezone(zone).date()
    agenda = _by_month([i.event for i in upcoming[:AGENDA_LIMIT]], today, names, base, service.timezone)
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
        sources=_organisations(config, in_window, choice, now),
        categories=[{"id": c, "name": config.category_name(c), "chosen": c in choice.categories} for c in categories],
        unknown=choice.unknown,
        embed=_embed_snippets(config, everything),
        chosen={"upcoming": choice.upcoming, "q": choice.q, "any": choice.any},
        builder=builder,
        agenda=agenda,
        more=max(0, len(upcoming) - AGENDA_LIMIT),
        data=data,
    )


def _embed_snippets(config: Config, feed: Feed) -> dict[str, str]:
    """What an organisation pastes into its own website: the script (a link where scripts do not run)
    and the frame."""
    base = config.service.base_url
    label = one_line(f"{organisation(config.site) or config.site.name}: events", 120)
    script = (
        f'<a class="eventfeed" href="{escape(base)}/">{escape(label)}</a>\n'
        f'<script src="{escape(base)}/embed.js" data-feed="{feed.id}" data-limit="5" async></script>'
    )
    frame = (
        f'<iframe src="{escape(base)}/embed/{feed.id}?limit=5" title="{escape(label)}" '
        'style="width:100%;max-width:40rem;height:28rem;border:0"></iframe>'
    )
    return {"script": script, "frame": frame, "preview": f"/embed/{feed.id}?limit=5"}


def _organisations(config: Config, shown: Sequence[StoredEvent], choice: Choice, now: datetime) -> list[dict[str, Any]]:
    """The builder's organisations: those with events coming first, each with how many; then those
    with nothing coming, said so, rather than listed as if ticking them would add something."""
    coming: dict[str, int] = {}
    for i in shown:
        if i.event.last_day >= now.date():
            coming[i.event.source] = coming.get(i.event.source, 0) + 1
    rows = [
        {"id": s.id, "name": s.name, "chosen": s.id in choice.sources, "coming": coming.get(s.id, 0)}
        for s in config.sources
    ]
    return sorted(rows, key=lambda r: r["coming"] == 0)


def _by_month(
    events: Sequence[Event], today: date, names: Mapping[str, str], base: str, site_zone: str
) -> list[dict[str, Any]]:
    """Coming events under month headings; an event that began before today is listed under this month."""
    months: list[dict[str, Any]] = []
    for e in events:
        day = max(e.first_day, today)
        key = f"{day:%Y-%m}"
        if not months or months[-1]["id"] != key:
            months.append({"id": key, "heading": f"{day:%B %Y}", "events": []})
        months[-1]["events"].append(_agenda_item(e, names, base, site_zone))
    return months


def _builder_title(config: Config, choice: Choice) -> str:
    names = {s.id: s.name for s in config.sources}
    parts = [names[s] for s in choice.sources] + [config.category_name(c) for c in choice.categories]
    return f"{config.site.name}: {', '.join(parts)}" if parts else f"{config.site.name}: all events"


def listed_event(e: Event, names: Mapping[str, str], base: str, site_zone: str) -> dict[str, Any]:
    """What every list of events on our pages says of one (Coming up, the framed list on another site)."""
    return {
        "id": e.id,
        "status": e.event_status,
        "status_words": STATUS_WORDS.get(e.event_status, ""),
        "when": when_words(e.start, e.end),
        "zone": zone_words(e, site_zone),
        "title": one_line(e.title, 300),
        "page": f"{base}/events/{e.id}",
        "place": one_line(where(e), 300),
        "booking": one_line(booking_words(e), 300),
        "organisation": one_line(names.get(e.source, e.source), 300),
    }


def _agenda_item(e: Event, names: Mapping[str, str], base: str, site_zone: str) -> dict[str, Any]:
    item = listed_event(e, names, base, site_zone)
    links = event_links(base, e)
    return {
        **item,
        "add": links["ics"],
        "google": links["google"],
        "image": as_uri(e.image),
        "image_alt": one_line(e.image_alt, 300),
        "meta": " · ".join(x for x in (item["place"], item["booking"], item["organisation"]) if x),
        "source": e.source,
        "categories": [c.casefold() for c in e.categories],
        "text": _searchable(e, names.get(e.source, e.source)),
    }


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
