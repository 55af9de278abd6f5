"""One cycle for one source: fetch, extract, check the reading's shape, reconcile, record. Never raises
for a source's problem.

Failures of any kind (an error status, a timeout, junk instead of a page) are recorded and change no
event. A 304, or a body identical to the last trusted one, is that trusted reading again: nothing is
parsed, but the events it lacked are missed once more (``events.reconcile.repeat``). A new body is
extracted; if the reading changed shape (``events.shape``) the source is marked and its events stay
as they were, otherwise the plan is applied. A plan the store cannot write is a failure the source
reports, never a stuck source.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events.addresses import host_of
from events.config import Config, Source
from events.errors import StoreError
from events.extract import extract_events, linked_calendars, parse_html
from events.fetch import Failure, Fetcher, NotModified, Page
from events.fixes import Fixer
from events.reconcile import Change, reconcile, repeat
from events.shape import Shape, shape_change, shape_of
from events.store import FetchResult, Store, utcnow


@dataclass
class CycleReport:
    source: str
    outcome: str  # page, not_modified, unchanged, failed, changed_shape, skipped
    reason: str | None = None
    events_found: int | None = None
    changes: list[Change] = field(default_factory=list)

    def line(self) -> str:
        if self.outcome == "failed":
            return f"{self.source}: failed: {self.reason}"
        if self.outcome == "changed_shape":
            return f"{self.source}: the page changed shape ({self.reason}); its stored events are kept"
        if self.outcome in ("not_modified", "unchanged") and not self.changes:
            return f"{self.source}: not changed since the last fetch"
        if self.outcome == "skipped":
            return f"{self.source}: skipped: {self.reason}"
        kinds: dict[str, int] = {}
        for c in self.changes:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "no changes"
        if self.outcome in ("not_modified", "unchanged"):
            return f"{self.source}: not changed since the last fetch; {summary}"
        return f"{self.source}: {self.events_found} events found; {summary}"


INSTANCE = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def trusted_hosts(source: Source) -> frozenset[str]:
    """Hosts a source's fetches may reach whatever their address: its own and those it allows."""
    return frozenset({host_of(source.url), *source.allow_hosts})


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
    lease = config.fetch.claim_lease
    state = await asyncio.to_thread(
        store.claim, source.id, instance, lease=lease, min_gap=0 if force else source.interval / 2, now=started
    )
    if state is None:
        return CycleReport(source.id, "skipped", "another instance has fetched it in this slot")
    renewal = asyncio.create_task(_renew(store, source.id, instance, lease))
    try:
        return await _fetch_and_record(config, store, fetcher, source, today, started, state)
    finally:
        renewal.cancel()


async def _renew(store: Store, source_id: str, instance: str, lease: float) -> None:
    """Keep the claim while the fetch runs (a third of the lease at a time), so a slow site is never
    fetched twice while a holder that died or hangs loses it within one lease."""
    while True:
        await asyncio.sleep(lease / 3)
        until = utcnow() + timedelta(seconds=lease)
        with contextlib.suppress(StoreError):  # the database blinked: the next renewal may work
            await asyncio.to_thread(store.renew_claim, source_id, instance, until)


async def _fetch_and_record(
    config: Config,
    store: Store,
    fetcher: Fetcher,
    source: Source,
    today: date | None,
    started: datetime,
    state: dict[str, Any],
) -> CycleReport:
    hosts = trusted_hosts(source)
    conditional = state.get("reading") == source.reading
    outcome = await fetcher.fetch(
        source.url,
        etag=state.get("etag") if conditional else None,
        last_modified=state.get("last_modified") if conditional else None,
        trusted=hosts,
    )
    if isinstance(outcome, Failure):
        result = FetchResult("failed", started, utcnow(), http_status=outcome.status, error=outcome.reason)
        await asyncio.to_thread(store.record_fetch, source.id, result)
        return CycleReport(source.id, "failed", outcome.reason)
    same_reading = state.get("reading") == source.reading  # else the configuration reads the page anew
    if same_reading and (isinstance(outcome, NotModified) or state.get("body_hash") == outcome.body_hash):
        return await asyncio.to_thread(_reread, config, store, source, outcome, started, today, state)
    assert isinstance(outcome, Page)
    notes: list[str] = []
    tree, calendars = await _linked_calendars(fetcher, outcome, hosts, notes) if source.follow_links else (None, [])
    return await asyncio.to_thread(
        _reconcile_page, config, store, source, outcome, started, today, state, calendars, tree, notes
    )


def _reread(
    config: Config,
    store: Store,
    source: Source,
    outcome: Page | NotModified,
    started: datetime,
    today: date | None,
    state: dict[str, Any],
) -> CycleReport:
    """The last trusted reading again: it counts toward removing what it lacked."""
    today = today or datetime.now(source_zone(source)).date()
    plan = repeat(store.stored_events(source.id, missing_only=True), today, removal_after=config.service.removal_after)
    if isinstance(outcome, NotModified):
        result = FetchResult("not_modified", started, utcnow(), http_status=304, events_found=state.get("events_found"))
    else:
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
    _record(store, source, result, plan)
    return CycleReport(source.id, result.outcome, events_found=state.get("events_found"), changes=plan.changes)


def _record(store: Store, source: Source, result: FetchResult, plan: Any) -> FetchResult:
    """Record a reading with its plan; if the store cannot take the plan, record the failure instead,
    so the source says what went wrong and its claim is released."""
    try:
        store.record_fetch(source.id, result, plan)
        return result
    except StoreError as exc:
        failed = FetchResult(
            "failed", result.started_at, utcnow(), result.http_status, f"could not save what was read: {exc}"
        )
        store.record_fetch(source.id, failed)
        return failed


async def _linked_calendars(
    fetcher: Fetcher, page: Page, hosts: frozenset[str], notes: list[str]
) -> tuple[Any, list[str]]:
    """The page parsed once (extraction reuses it), and the texts of the .ics files it links to, fetched
    only from the source's own or allowed hosts or public addresses; one that fails is skipped."""
    try:
        tree = await asyncio.to_thread(parse_html, page.text, notes)
        links = linked_calendars(page.text, page.url, tree)
    except Exception:
        return None, []
    texts = []
    for link in links:
        got = await fetcher.fetch(link, trusted=hosts, expect="calendar")
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
    state: dict[str, Any],
    calendars: list[str],
    tree: Any = None,
    notes: list[str] | None = None,
) -> CycleReport:
    today = today or datetime.now(source_zone(source)).date()
    notes = notes if notes is not None else []
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
            notes=notes,
        )
    except Exception as exc:  # a page that breaks the extractor is that source's problem only
        reason = f"could not read the page: {type(exc).__name__}: {exc}"
        store.record_fetch(source.id, FetchResult("failed", started, utcnow(), page.status, reason, bytes=page.size))
        return CycleReport(source.id, "failed", reason)
    if source.categories:
        found = [replace(e, categories=tuple(dict.fromkeys((*e.categories, *source.categories)))) for e in found]
    fixer = Fixer(source)
    found = [e for e in found if not fixer.excluded(e)]
    stored = store.stored_events(source.id)
    keep = config.keep_past_days
    forget_before = today - timedelta(days=keep) if keep is not None else None
    plan = reconcile(
        stored,
        found,
        today,
        removal_after=config.service.removal_after,
        forget_before=forget_before,
        fix=fixer if source.fixes else None,
    )
    notes += fixer.unused()
    shape = shape_of(found)
    changed = None
    if state.get("accepted_at") is None:
        changed = shape_change(Shape.from_dict(state.get("shape")), shape, stored, found, plan, today)
    note = "; ".join(notes) or None
    if changed:
        result = FetchResult("changed_shape", started, utcnow(), page.status, changed, len(found), page.size, note=note)
        store.record_fetch(source.id, result)
        return CycleReport(source.id, "changed_shape", changed, len(found))
    result = FetchResult(
        "page",
        started,
        utcnow(),
        page.status,
        None,
        len(found),
        page.size,
        page.etag,
        page.last_modified,
        page.body_hash,
        shape=shape.as_dict(),
        note=note,
        reading=source.reading,
    )
    result = _record(store, source, result, plan)
    if result.outcome == "failed":
        return CycleReport(source.id, "failed", result.error)
    return CycleReport(source.id, "page", None, len(found), plan.changes)


def source_zone(source: Source) -> ZoneInfo:
    return ZoneInfo(source.timezone)
