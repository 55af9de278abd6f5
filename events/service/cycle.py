"""One cycle for one source: fetch, extract, check the reading's shape, reconcile, record. Never raises
for a source's problem.

Failures of any kind (an error status, a timeout, junk instead of a page) are recorded and change no
event. A 304, or a body identical to the last trusted one, is that trusted reading again: nothing is
parsed, but the events it lacked are missed once more (``events.reconcile.plan.repeat``). A new body is
extracted; if the reading changed shape (``events.sources.shape``) the source is marked and its events stay
as they were, otherwise the plan is applied. A plan the store cannot write is a failure the source
reports, never a stuck source.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from events.config.models import Config, Source
from events.errors import StoreError
from events.fetch.addresses import host_of
from events.fetch.fetcher import Failure, Fetcher, NotModified, Page
from events.reconcile.plan import Change, Plan, reconcile, repeat
from events.record import Event
from events.service.reading import PLATFORM_HASH, Listing, read_events, read_listing
from events.sources.fixes import Fixer
from events.sources.shape import Shape, shape_change, shape_of
from events.store import FetchResult, Store, utcnow
from events.workers.child_process import WorkerPool


@dataclass
class CycleReport:
    source: str
    outcome: str  # page, not_modified, unchanged, failed, changed_shape, skipped
    reason: str | None = None
    events_found: int | None = None
    changes: list[Change] = field(default_factory=list)
    not_kept: list[str] = field(default_factory=list)  # found but not stored, and why, in words

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
        return "; ".join([f"{self.source}: {self.events_found} events found", summary, *self.not_kept])


INSTANCE = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
# a source whose last fetch failed is tried again within minutes (``service.retry_delay``, from one
# minute): instances let such a retry through after this many seconds, not half an interval
RETRY_GAP = 30.0


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
    readers: WorkerPool | None = None,
) -> CycleReport:
    """One source's cycle. ``force=False`` (the scheduler) skips a source another instance already
    fetched in this slot (half an interval); an active claim by another instance is always respected.
    ``readers``: processes that read pages (``events run``), else a worker thread does."""
    started = utcnow()
    lease = config.fetch.claim_lease
    min_gap = 0 if force else source.interval / 2
    state = await asyncio.to_thread(
        partial(store.claim, lease=lease, min_gap=min_gap, now=started, retry_gap=RETRY_GAP), source.id, instance
    )
    if state is None:
        return CycleReport(source.id, "skipped", "another instance has fetched it in this slot")
    renewal = asyncio.create_task(_renew(store, source.id, instance, lease))
    try:
        return await _fetch_and_record(config, store, fetcher, source, today, started, state, readers)
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
    readers: WorkerPool | None,
) -> CycleReport:
    hosts = trusted_hosts(source)
    same_reading = state.get("reading") == source.reading  # else the configuration reads the page anew
    # a listing of several pages, or one whose events' pages are read, is asked for in full: a 304 for
    # its first page says nothing of the others
    whole = source.pages > 1 or source.follow_details
    # nor is a page whose events are a platform's data: that data changes while the page does not
    from_platform = str(state.get("body_hash") or "").startswith(PLATFORM_HASH)
    conditional = same_reading and not whole and not from_platform
    outcome = await fetcher.fetch(
        source.url,
        etag=state.get("etag") if conditional else None,
        last_modified=state.get("last_modified") if conditional else None,
        trusted=hosts,
    )
    notes: list[str] = []
    listing = (
        await read_listing(fetcher, outcome, source, hosts, notes, store) if isinstance(outcome, Page) else outcome
    )
    if isinstance(listing, Failure):
        result = FetchResult("failed", started, utcnow(), http_status=listing.status, error=listing.reason)
        await asyncio.to_thread(store.record_fetch, source.id, result)
        return CycleReport(source.id, "failed", listing.reason)
    unchanged = isinstance(listing, NotModified) or state.get("body_hash") == listing.body_hash
    if same_reading and unchanged and not source.follow_details:
        return await asyncio.to_thread(_reread, config, store, source, listing, started, today, state)
    assert isinstance(listing, Listing)
    today = today or datetime.now(source_zone(source)).date()
    found = await read_events(fetcher, store, source, listing, hosts, today, notes, readers)
    if isinstance(found, str):
        result = FetchResult("failed", started, utcnow(), listing.first.status, found, bytes=listing.size)
        await asyncio.to_thread(store.record_fetch, source.id, result)
        return CycleReport(source.id, "failed", found)
    return await asyncio.to_thread(_reconcile_page, config, store, source, listing, found, started, today, state, notes)


def _reread(
    config: Config,
    store: Store,
    source: Source,
    outcome: Listing | NotModified,
    started: datetime,
    today: date | None,
    state: dict[str, Any],
) -> CycleReport:
    """The last trusted reading again: it counts toward removing what it lacked. The events it lacked
    are read, and the plan for them applied, in the transaction that records the fetch."""
    today = today or datetime.now(source_zone(source)).date()
    removal_after = config.service.removal_after
    if isinstance(outcome, NotModified):
        result = FetchResult("not_modified", started, utcnow(), http_status=304, events_found=state.get("events_found"))
    else:
        result = FetchResult(
            "unchanged",
            started,
            utcnow(),
            http_status=outcome.first.status,
            bytes=outcome.size,
            events_found=state.get("events_found"),
            etag=outcome.first.etag,
            last_modified=outcome.first.last_modified,
            body_hash=outcome.body_hash,
        )
    result, plan = _record(store, source, result, lambda missing: repeat(missing, today, removal_after=removal_after))
    changes = plan.changes if plan is not None else []
    return CycleReport(source.id, result.outcome, result.error, state.get("events_found"), changes)


def _record(store: Store, source: Source, result: FetchResult, plan: Any) -> tuple[FetchResult, Plan | None]:
    """Record a reading with its plan; if the store cannot take the plan, record the failure instead,
    so the source says what went wrong and its claim is released."""
    try:
        return result, store.record_fetch(source.id, result, plan)
    except StoreError as exc:
        failed = FetchResult(
            "failed", result.started_at, utcnow(), result.http_status, f"could not save what was read: {exc}"
        )
        store.record_fetch(source.id, failed)
        return failed, None


def _reconcile_page(
    config: Config,
    store: Store,
    source: Source,
    listing: Listing,
    found: list[Event],
    started: datetime,
    today: date,
    state: dict[str, Any],
    notes: list[str],
) -> CycleReport:
    page = listing.first
    fixer = Fixer(source)
    stored = store.stored_events(source.id)
    keep = config.keep_past_days
    forget_before = today - timedelta(days=keep) if keep is not None else None
    baseline = Shape.from_dict(state.get("shape"))
    accepted = state.get("accepted_at") is not None
    reached = len(listing.pages)
    usual = baseline.pages if baseline is not None else reached
    # a listing whose Next link went missing: what its first pages show counts, its other pages' events
    # are not gone (a person who accepts the new shape makes the shorter listing the usual one)
    partial = not accepted and reached < usual
    if partial:
        notes.append(f"the reading reached {reached} of the listing's usual {usual} pages")
    plan = reconcile(
        stored,
        found,
        today,
        removal_after=config.service.removal_after,
        forget_before=forget_before,
        fix=fixer if source.fixes else None,
        partial=partial,
    )
    notes += fixer.unused()
    not_kept = not_kept_words(plan, keep)
    notes += [f"of {len(found)} found, {words}" for words in not_kept]
    if not found:
        notes.append("no events found on the page")
    shape = shape_of(found, usual if partial else reached)
    changed = None
    if not accepted:
        changed = shape_change(baseline, shape, stored, found, plan, today, partial=partial)
    note = "; ".join(dict.fromkeys(notes)) or None  # a page parsed twice (for its links, then read) says it once
    if changed:
        result = FetchResult(
            "changed_shape", started, utcnow(), page.status, changed, len(found), listing.size, note=note
        )
        store.record_fetch(source.id, result)
        return CycleReport(source.id, "changed_shape", changed, len(found))
    result = FetchResult(
        "page",
        started,
        utcnow(),
        page.status,
        None,
        len(found),
        listing.size,
        page.etag,
        page.last_modified,
        listing.body_hash,
        shape=shape.as_dict(),
        note=note,
        reading=source.reading,
        events_hidden=plan.not_kept.get("hidden", 0),
    )
    result, _ = _record(store, source, result, plan)
    if result.outcome == "failed":
        return CycleReport(source.id, "failed", result.error)
    return CycleReport(source.id, "page", None, len(found), plan.changes, not_kept)


def not_kept_words(plan: Plan, keep_days: int | None) -> list[str]:
    """Why events a page shows are not in the store: "5 ended before the retention window (365 days)"."""
    said = []
    if n := plan.not_kept.get("retention"):
        said.append(f"{n} ended before the retention window ({keep_days} days)")
    if n := plan.not_kept.get("hidden"):
        said.append(f"{n} hidden by a fix in config.toml")
    return said


def source_zone(source: Source) -> ZoneInfo:
    return ZoneInfo(source.timezone)
