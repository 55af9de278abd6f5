"""Which stored events a feed (or a request's query) shows.

A feed is a filter: sources, categories, statuses and a date window. Cancelled events stay visible
(marked) for a while so subscribers see the cancellation, then drop out; removed ones are gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter

from events.config.models import Feed
from events.store import StoredEvent


@dataclass(frozen=True)
class Query:
    """A narrowing of a feed that a subscriber asks for in the URL (?source=&category=&from=&to=&upcoming=1)."""

    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    upcoming: bool = False


def window(feed: Feed, query: Query | None, today: date) -> tuple[set[str] | None, date | None, date | None]:
    """The sources and days a feed (narrowed by a query) can show: the bounds ``select_events``
    applies, and the store picks its rows by."""
    sources = set(feed.sources) if feed.sources else None
    ends_from = today - timedelta(days=feed.past_days) if feed.past_days is not None else None
    starts_until = today + timedelta(days=feed.future_days) if feed.future_days is not None else None
    if query is not None:
        if query.sources:
            sources = set(query.sources) if sources is None else sources & set(query.sources)
        for bound in (query.start, today if query.upcoming else None):
            if bound is not None:
                ends_from = bound if ends_from is None else max(ends_from, bound)
        if query.end is not None:
            starts_until = query.end if starts_until is None else min(starts_until, query.end)
    return sources, ends_from, starts_until


def select_events(
    items: Iterable[StoredEvent], feed: Feed, *, now: datetime, cancelled_days: int, query: Query | None = None
) -> list[StoredEvent]:
    """What a feed (narrowed by ``query``) shows of ``items``, in its order (``by_start``)."""
    keyed = shown_by(items, feed, today=now.date(), query=query)
    keyed.sort(key=itemgetter(0))
    return still_shown(keyed, now, cancelled_days)


def shown_by(
    items: Iterable[StoredEvent], feed: Feed, *, today: date, query: Query | None = None
) -> list[tuple[StartKey, StoredEvent]]:
    """The items the feed shows all day (every rule but the cancelled events' age, which moves with the
    hour), each with its place in the feed's order: what ``feeds.build`` keeps per source."""
    sources, ends_from, starts_until = window(feed, query, today)
    categories = [c for c in (feed.categories, query.categories if query else ()) if c]
    out = []
    for item in items:
        e = item.event
        if item.removed_at is not None:
            continue
        if sources is not None and e.source not in sources:
            continue
        if ends_from is not None and e.last_day < ends_from:
            continue
        if starts_until is not None and e.first_day > starts_until:
            continue
        if feed.statuses and e.event_status not in feed.statuses:
            continue
        if categories and not all(in_categories(wanted, e.categories) for wanted in categories):
            continue
        out.append((by_start(item), item))
    return out


def still_shown(keyed: Iterable[tuple[StartKey, StoredEvent]], now: datetime, cancelled_days: int) -> list[StoredEvent]:
    """The items of ``shown_by`` less the events cancelled more than ``cancelled_days`` ago."""
    since = now - timedelta(days=cancelled_days)
    return [
        item
        for _, item in keyed
        if item.cancelled_at is None or item.event.event_status != "cancelled" or item.cancelled_at >= since
    ]


def by_start(item: StoredEvent) -> StartKey:
    """Day first, all-day events before timed ones that day, then by clock time (to the minute) in the
    event's zone. Plain values, no text: a feed of 10,000 events sorts on every rebuild."""
    start = item.event.start
    if isinstance(start, datetime):
        return start.date(), start.hour * 60 + start.minute, item.event.id
    return start, -1, item.event.id


StartKey = tuple[date, int, str]


def cursor(key: StartKey) -> str:
    """A place in a feed's order, for ``?after=``: the day, the minute (-1 all day) and the event's id."""
    day, minute, event_id = key
    return f"{day.isoformat()},{minute},{event_id}"


def parse_cursor(text: str) -> StartKey:
    """The place ``cursor`` wrote; ValueError for anything else."""
    day, minute, event_id = text.split(",", 2)
    if not event_id or not minute.lstrip("-").isdigit():
        raise ValueError(text)
    return date.fromisoformat(day), int(minute), event_id


def in_categories(wanted: Iterable[str], categories: Iterable[str]) -> bool:
    """The event carries one of the ``wanted`` categories (letter case aside)."""
    folded = {c.casefold() for c in categories}
    return any(c.casefold() in folded for c in wanted)
