"""Which stored events a feed (or a request's query) shows.

A feed is a filter: sources, categories, statuses and a date window. Cancelled events stay visible
(marked) for a while so subscribers see the cancellation, then drop out; removed ones are gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from events.config import Feed
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
    """The sources and days a feed (narrowed by a query) can show, for the store to pick its rows:
    the same bounds ``select_events`` applies, so it sees every row it would keep."""
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
    today = now.date()
    keep_cancelled_since = now - timedelta(days=cancelled_days)
    out = []
    for item in items:
        e = item.event
        if item.removed_at is not None:
            continue
        if e.event_status == "cancelled" and item.cancelled_at is not None and item.cancelled_at < keep_cancelled_since:
            continue
        if not _matches(feed.sources, feed.categories, e.source, e.categories):
            continue
        if feed.statuses and e.event_status not in feed.statuses:
            continue
        if feed.past_days is not None and e.last_day < today - timedelta(days=feed.past_days):
            continue
        if feed.future_days is not None and e.first_day > today + timedelta(days=feed.future_days):
            continue
        if query is not None and not _query_keeps(query, item, today):
            continue
        out.append(item)
    out.sort(key=by_start)
    return out


def by_start(item: StoredEvent) -> tuple[str, str, str]:
    """Day first, all-day events before timed ones that day, then by clock time in the event's zone."""
    e = item.event
    clock = "" if e.all_day else e.start.strftime("%H:%M")  # type: ignore[union-attr]
    return e.first_day.isoformat(), clock, e.id


def _matches(sources: tuple[str, ...], categories: tuple[str, ...], source: str, cats: tuple[str, ...]) -> bool:
    if sources and source not in sources:
        return False
    folded = {c.casefold() for c in cats}
    return not categories or any(c.casefold() in folded for c in categories)


def _query_keeps(query: Query, item: StoredEvent, today: date) -> bool:
    e = item.event
    if not _matches(query.sources, query.categories, e.source, e.categories):
        return False
    if query.start and e.last_day < query.start:
        return False
    if query.end and e.first_day > query.end:
        return False
    return not (query.upcoming and e.last_day < today)
