"""One cycle for one source: fetch, extract, reconcile, record. Never raises for a source's problem.

A 304 or a body identical to the last one ends the cycle with nothing but the fetch record: no
parsing, no event writes. Everything else is recorded in the fetch history with its reason.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from events.config import Config, Source
from events.extract import extract_events, linked_calendars, parse_html
from events.fetch import Failure, Fetcher, NotModified, Page
from events.reconcile import Change, reconcile
from events.store import FetchResult, Store, utcnow


@dataclass
class CycleReport:
    source: str
    outcome: str  # page, not_modified, unchanged, failed, unhealthy, skipped
    reason: str | None = None
    events_found: int | None = None
    changes: list[Change] = field(default_factory=list)

    def line(self) -> str:
        if self.outcome == "failed":
            return f"{self.source}: failed: {self.reason}"
        if self.outcome == "unhealthy":
            return f"{self.source}: {self.events_found} events found, kept the stored ones: {self.reason}"
        if self.outcome in ("not_modified", "unchanged"):
            return f"{self.source}: not changed since the last fetch"
        if self.outcome == "skipped":
            return f"{self.source}: skipped: {self.reason}"
        kinds: dict[str, int] = {}
        for c in self.changes:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "no changes"
        return f"{self.source}: {self.events_found} events found; {summary}"


INSTANCE = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


async def run_source(
    config: Config,
    store: Store,
    fetcher: Fetcher,
    source: Source,
    today: date | None = None,
    *,
    force: bool = True,
    instance: str = INSTANCE,
) -> CycleReport:
    """One source's cycle. ``force=False`` (the scheduler) skips a source another instance already
    fetched in this slot (half an interval); an active claim by another instance is always respected."""
    started = utcnow()
    lease = config.fetch.timeout * (config.fetch.retries + 2) + 60
    state = await asyncio.to_thread(
        store.claim, source.id, instance, lease=lease, min_gap=0 if force else source.interval / 2, now=started
    )
    if state is None:
        return CycleReport(source.id, "skipped", "another instance has fetched it in this slot")
    outcome = await fetcher.fetch(source.url, etag=state.get("etag"), last_modified=state.get("last_modified"))
    if isinstance(outcome, Failure):
        result = FetchResult("failed", started, utcnow(), http_status=outcome.status, error=outcome.reason)
        await asyncio.to_thread(store.record_fetch, source.id, result)
        return CycleReport(source.id, "failed", outcome.reason)
    if isinstance(outcome, NotModified):
        result = FetchResult("not_modified", started, utcnow(), http_status=304, events_found=state.get("events_found"))
        await asyncio.to_thread(store.record_fetch, source.id, result)
        return CycleReport(source.id, "not_modified", events_found=state.get("events_found"))
    assert isinstance(outcome, Page)
    if state.get("body_hash") == outcome.body_hash and state.get("healthy", True):
        result = FetchResult(
            "unchanged",
            started,
            utcnow(),
            http_status=outcome.status,
            bytes=outcome.size,
            events_found=state.get("events_found"),
            etag=outcome.etag,
            last_modified=outcome.last_modified,
            body_hash=outcome.body_hash,
        )
        await asyncio.to_thread(store.record_fetch, source.id, result)
        return CycleReport(source.id, "unchanged", events_found=state.get("events_found"))
    tree, calendars = await _linked_calendars(fetcher, outcome) if source.follow_links else (None, [])
    return await asyncio.to_thread(
        _reconcile_page, config, store, source, outcome, started, today, state, calendars, tree
    )


async def _linked_calendars(fetcher: Fetcher, page: Page) -> tuple[Any, list[str]]:
    """The page parsed once (extraction reuses it), and the texts of the .ics files it links to; one
    that fails is skipped, the page still counts."""
    try:
        tree = await asyncio.to_thread(parse_html, page.text)
        links = linked_calendars(page.text, page.url, tree)
    except Exception:
        return None, []
    texts = []
    for link in links:
        got = await fetcher.fetch(link)
        if isinstance(got, Page) and "BEGIN:VCALENDAR" in got.text[:2000]:
            texts.append(got.text)
    return tree, texts


def _reconcile_page(
    config: Config,
    store: Store,
    source: Source,
    page: Page,
    started: datetime,
    today: date | None,
    state: dict,
    calendars: list[str],
    tree: Any = None,
) -> CycleReport:
    today = today or datetime.now(source_zone(source)).date()
    try:
        found = extract_events(
            page.text,
            url=page.url,
            today=today,
            timezone=source.timezone,
            source=source.id,
            date_order=source.date_order,
            selectors=source.selectors,
            calendars=calendars,
            tree=tree,
        )
    except Exception as exc:  # a page that breaks the extractor is that source's problem only
        reason = f"could not read the page: {type(exc).__name__}: {exc}"
        store.record_fetch(source.id, FetchResult("failed", started, utcnow(), page.status, reason, bytes=page.size))
        return CycleReport(source.id, "failed", reason)
    if source.categories:
        found = [replace(e, categories=tuple(dict.fromkeys((*e.categories, *source.categories)))) for e in found]
    stored = store.stored_events(source.id)
    # A page that looked broken for several fetches in a row is the page's new truth.
    trust = (
        state.get("last_outcome") == "unhealthy"
        and (state.get("consecutive_failures") or 0) + 1 >= config.service.removal_after
    )
    plan = reconcile(stored, found, today, removal_after=config.service.removal_after, trust_anyway=trust)
    outcome = "page" if plan.healthy else "unhealthy"
    result = FetchResult(
        outcome,
        started,
        utcnow(),
        page.status,
        None if plan.healthy else plan.reason,
        len(found),
        page.size,
        page.etag,
        page.last_modified,
        page.body_hash if plan.healthy else None,
    )
    store.record_fetch(source.id, result, plan)
    return CycleReport(source.id, outcome, plan.reason, len(found), plan.changes)


def source_zone(source: Source) -> ZoneInfo:
    return ZoneInfo(source.timezone)
