"""The store: SQLite by default, PostgreSQL by URL, through SQLAlchemy Core.

It applies reconcile plans in one transaction, keeps the fetch history and each source's health,
and hands publishers the rows they need. Publishers only read.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from events.errors import StoreError
from events.reconcile.plan import Plan, Stored
from events.reconcile.same_event import same_event
from events.record import Event
from events.store import migrate
from events.store.schema import changes, detail_pages, events, fetches, notifications, sources


@dataclass(frozen=True)
class StoredEvent:
    """An event as publishers see it: the record plus its history in the store."""

    event: Event
    created_at: datetime
    updated_at: datetime
    sequence: int
    cancelled_at: datetime | None
    removed_at: datetime | None
    same_as: str | None = None  # the listing by another source this one was linked to (events.reconcile.same_event)
    # set by publishers for a feed of several sources (feeds.merging): the id calendars know this
    # entry by, when not the event's own, and the other sources listing it
    uid: str | None = None
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchResult:
    """What one fetch came to, as the store records it."""

    outcome: str  # page, not_modified, unchanged, failed, changed_shape
    started_at: datetime
    finished_at: datetime
    http_status: int | None = None
    error: str | None = None
    events_found: int | None = None
    bytes: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    shape: dict[str, Any] | None = None  # a trusted page's shape, the next readings' baseline
    note: str | None = None  # what the reading could not read whole
    reading: str | None = None  # how the page was read (the source's settings); set by a full reading


def utcnow() -> datetime:
    return datetime.now(UTC)


def _stored_events(conn: Connection, source_id: str, *, missing_only: bool) -> dict[str, Stored]:
    query = select(events.c.id, events.c.data, events.c.sequence, events.c.missing_count, events.c.removed_at).where(
        events.c.source_id == source_id
    )
    if missing_only:
        query = query.where(events.c.missing_count > 0, events.c.removed_at.is_(None))
    rows = conn.execute(query).all()
    return {r.id: Stored(Event.from_dict(r.data), r.sequence, r.missing_count, r.removed_at is not None) for r in rows}


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything in the store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _stamp(value: datetime) -> datetime:
    """A NOT NULL timestamp column, made aware."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class Store:
    def __init__(self, url: str, *, prepare: bool = True) -> None:
        self.url = url
        self.engine: Engine = _engine(url)
        self._write_lock = threading.Lock()
        try:
            if prepare:
                migrate.prepare(self.engine, self.safe_url)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StoreError(f"cannot open the database {self.safe_url}: {_reason(exc)}") from exc
        except StoreError:
            self.engine.dispose()
            raise

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def begin(self, write: bool = False) -> Iterator[Connection]:
        """A transaction. On SQLite a writing one starts with BEGIN IMMEDIATE, so two writers (in one
        process or several) queue for the lock instead of both reading and then colliding; this
        process's writers also queue on a lock rather than in SQLite's sleeping busy handler."""
        lock = self._write_lock if write and self.engine.dialect.name == "sqlite" else nullcontext()
        try:
            with lock, self.engine.connect() as conn:
                conn.info["eventfeed_write"] = write
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"database error on {self.safe_url}: {_reason(exc)}") from exc

    # sources -------------------------------------------------------------------------------------

    def ensure_sources(self, configured: Iterable[tuple[str, ...]]) -> None:
        """Make a row for each configured (id, url, name[, published fingerprint]); keep the state of
        the ones that exist. When what a source publishes with its events changed (its name in the
        DESCRIPTION, say), its events' SEQUENCE and LAST-MODIFIED move, or calendars keep old words."""
        with self.begin(write=True) as conn:
            columns = (sources.c.id, sources.c.url, sources.c.name, sources.c.published)
            have = {r.id: r for r in conn.execute(select(*columns))}
            for source_id, url, name, *rest in configured:
                published = rest[0] if rest else None
                old = have.get(source_id)
                if old is None:
                    conn.execute(
                        sources.insert().values(
                            id=source_id, url=url, name=name, published=published, consecutive_failures=0, healthy=True
                        )
                    )
                    continue
                renamed = (old.url, old.name) != (url, name)
                refingerprinted = published is not None and published != old.published
                if not renamed and not refingerprinted:
                    continue
                # a first fingerprint (a database from before they were kept) is recorded, not a change
                restyled = refingerprinted and old.published is not None
                values: dict[str, Any] = {"url": url, "name": name, "published": published or old.published}
                if old.url != url:  # validators of another URL mean nothing here
                    values.update(etag=None, last_modified=None, body_hash=None)
                conn.execute(update(sources).where(sources.c.id == source_id).values(**values))
                if renamed or restyled:
                    conn.execute(
                        update(events)
                        .where(events.c.source_id == source_id)
                        .values(sequence=events.c.sequence + 1, updated_at=utcnow())
                    )
                    touch(conn, [source_id])

    def source_state(self, source_id: str) -> dict[str, Any] | None:
        with self.begin() as conn:
            row = conn.execute(select(sources).where(sources.c.id == source_id)).mappings().first()
        return aware_row(row) if row else None

    def source_states(self) -> list[dict[str, Any]]:
        with self.begin() as conn:
            rows = conn.execute(select(sources).order_by(sources.c.id)).mappings().all()
            counted = conn.execute(
                select(events.c.source_id, func.count())
                .where(events.c.removed_at.is_(None))
                .group_by(events.c.source_id)
            ).all()
            counts: dict[str, int] = {source_id: n for source_id, n in counted}
        out = []
        for row in rows:
            state = aware_row(row)
            state["events_stored"] = counts.get(row["id"], 0)
            out.append(state)
        return out

    def claim(
        self, source_id: str, instance: str, *, lease: float, min_gap: float, now: datetime, retry_gap: float = 0
    ) -> dict[str, Any] | None:
        """Take a source for one fetch and return its state, or None when another instance holds it
        or fetched it within ``min_gap`` seconds (this slot's fetch is done), or, for a source whose
        last fetch failed (tried again within minutes), within ``retry_gap``. One conditional UPDATE in
        one transaction, so on SQLite and PostgreSQL alike exactly one of several instances wins."""
        with self.begin(write=True) as conn:
            holder = conn.execute(select(sources.c.claimed_by).where(sources.c.id == source_id)).scalar()
            free = or_(sources.c.claimed_until.is_(None), sources.c.claimed_until < now)
            if holder and _dead_here(holder):  # a crashed process on this machine holds it: take it over
                free = or_(free, sources.c.claimed_by == holder)
            query = update(sources).where(sources.c.id == source_id, free)
            if min_gap > 0:
                query = query.where(
                    or_(
                        sources.c.last_fetch_at.is_(None),
                        sources.c.last_fetch_at <= now - timedelta(seconds=min_gap),
                        and_(
                            sources.c.consecutive_failures > 0,
                            sources.c.last_fetch_at <= now - timedelta(seconds=min(retry_gap, min_gap)),
                        ),
                    )
                )
            row = (
                conn.execute(
                    query.values(claimed_by=instance, claimed_until=now + timedelta(seconds=lease)).returning(
                        *sources.c
                    )
                )
                .mappings()
                .first()
            )
        return aware_row(row) if row is not None else None

    def renew_claim(self, source_id: str, instance: str, until: datetime) -> bool:
        """Extend a claim this instance still holds; False when it lost it (another took it over)."""
        with self.begin(write=True) as conn:
            return bool(
                conn.execute(
                    update(sources)
                    .where(sources.c.id == source_id, sources.c.claimed_by == instance)
                    .values(claimed_until=until)
                ).rowcount
            )

    def set_next_run(self, source_id: str, when: datetime | None) -> None:
        with self.begin(write=True) as conn:
            conn.execute(update(sources).where(sources.c.id == source_id).values(next_run_at=when))

    # events --------------------------------------------------------------------------------------

    def stored_events(self, source_id: str, *, missing_only: bool = False) -> dict[str, Stored]:
        """A source's events for reconciling; ``missing_only``: just the live ones the last trusted
        reading lacked (all an unchanged page needs, and usually none)."""
        with self.begin() as conn:
            return _stored_events(conn, source_id, missing_only=missing_only)

    def detail_pages(self, source_id: str) -> dict[str, dict[str, Any]]:
        """The event pages the source's last reading followed, by address (see ``follow_details``)."""
        with self.begin() as conn:
            rows = conn.execute(select(detail_pages).where(detail_pages.c.source_id == source_id)).mappings()
            return {r["url"]: dict(r) for r in rows}

    def save_detail_pages(self, source_id: str, rows: Iterable[dict[str, Any]]) -> None:
        """The event pages this reading followed replace the last reading's: a page the listing no
        longer links to is forgotten."""
        values = [{**row, "source_id": source_id} for row in rows]
        with self.begin(write=True) as conn:
            conn.execute(delete(detail_pages).where(detail_pages.c.source_id == source_id))
            if values:
                conn.execute(detail_pages.insert(), values)

    def record_fetch(
        self, source_id: str, result: FetchResult, plan: Plan | Callable[[dict[str, Stored]], Plan] | None = None
    ) -> Plan | None:
        """Write the fetch, the source's new state and (if given) the plan, in one transaction, and
        return the plan applied.

        A failure touches no event. A reading of a page that changed shape marks the source and
        touches no event either. Only a trusted reading (a page of the usual shape, or an unchanged
        one) applies its plan, becomes the new baseline and clears the marks. A plan given as a
        function is made in the same transaction from the events the last reading lacked: a 304 is
        then one transaction besides its claim, whatever it finds."""
        with self.begin(write=True) as conn:
            if callable(plan):
                plan = plan(_stored_events(conn, source_id, missing_only=True))
            if conn.dialect.name == "postgresql" and plan is not None and plan.changes:
                # Change ids come from a sequence: a reader of "changes after id N" must not run while
                # a lower id is still uncommitted, or it would skip it. Writers share this lock;
                # ``changes_lock(exclusive=True)`` waits for them.
                changes_lock(conn, exclusive=False)
            values: dict[str, Any] = {
                "last_fetch_at": result.finished_at,
                "last_outcome": result.outcome,
                "claimed_by": None,
                "claimed_until": None,
            }
            state: Any = None  # the marks a failure or a new shape keeps or counts on (a success clears them)
            if result.outcome in ("failed", "changed_shape"):
                state = conn.execute(select(sources).where(sources.c.id == source_id)).mappings().one()
            if result.outcome == "failed":
                values.update(
                    last_error=result.error,
                    healthy=False,
                    consecutive_failures=(state["consecutive_failures"] or 0) + 1,
                    unhealthy_since=state["unhealthy_since"] or result.finished_at,
                    unhealthy_reason=result.error,
                )
            else:
                values.update(
                    last_success_at=result.finished_at,
                    consecutive_failures=0,
                    unhealthy_since=None,
                    unhealthy_reason=None,
                )
                if result.events_found is not None:
                    values["events_found"] = result.events_found
                if result.outcome in ("page", "changed_shape"):
                    values["notice"] = result.note
                if result.outcome == "changed_shape":
                    values.update(
                        healthy=False,
                        last_error=result.error,
                        shape_changed_since=state["shape_changed_since"] or result.finished_at,
                        shape_reason=result.error,
                    )
                else:
                    values.update(healthy=True, last_error=None, shape_changed_since=None, shape_reason=None)
                    if result.outcome == "page":
                        values.update(shape=result.shape, accepted_at=None, reading=result.reading)
                    if result.outcome in ("page", "unchanged"):
                        values.update(etag=result.etag, last_modified=result.last_modified, body_hash=result.body_hash)
            conn.execute(update(sources).where(sources.c.id == source_id).values(**values))
            conn.execute(
                fetches.insert().values(
                    source_id=source_id,
                    started_at=result.started_at,
                    finished_at=result.finished_at,
                    outcome=result.outcome,
                    http_status=result.http_status,
                    error=result.error,
                    note=result.note,
                    events_found=result.events_found,
                    bytes=result.bytes,
                )
            )
            if plan is not None and result.outcome in ("page", "not_modified", "unchanged"):
                self._apply(conn, source_id, plan, result.finished_at)
        return plan

    def accept_shape(self, source_id: str, now: datetime | None = None) -> bool:
        """A person says the page's new shape is right: the next reading is trusted whatever its shape
        and becomes the baseline. Validators are dropped so that reading is a full one. False when the
        source is unknown."""
        with self.begin(write=True) as conn:
            return bool(
                conn.execute(
                    update(sources)
                    .where(sources.c.id == source_id)
                    .values(accepted_at=now or utcnow(), etag=None, last_modified=None, body_hash=None)
                ).rowcount
            )

    def _apply(self, conn: Connection, source_id: str, plan: Plan, now: datetime) -> None:
        """One statement per kind of write (executemany), not one per row: a cycle that finds a
        thousand events sends a handful of statements."""
        inserts: list[dict[str, Any]] = []
        updates: dict[tuple[bool, bool], list[dict[str, Any]]] = {}
        for write in plan.writes:
            e = write.event
            cancelled = e.event_status == "cancelled"
            if write.new:
                inserts.append(new_event_row(e, source_id, now))
                continue
            updates.setdefault((write.visible, cancelled), []).append(
                {
                    "b_id": e.id,
                    "b_data": e.as_dict(),
                    "b_first": e.first_day.isoformat(),
                    "b_last": e.last_day.isoformat(),
                }
            )
        if inserts:
            _link_same_events(conn, source_id, inserts, [w.event for w in plan.writes if w.new])
            conn.execute(events.insert(), inserts)
        for (visible, cancelled), rows in updates.items():
            values: dict[str, Any] = {
                "data": bindparam("b_data", type_=events.c.data.type),
                "first_day": bindparam("b_first"),
                "last_day": bindparam("b_last"),
                "last_seen_at": now,
                "missing_count": 0,
                "removed_at": None,
                "cancelled_at": func.coalesce(events.c.cancelled_at, now) if cancelled else None,
            }
            if visible:
                values.update(updated_at=now, sequence=events.c.sequence + 1)
            conn.execute(update(events).where(events.c.id == bindparam("b_id")).values(**values), rows)
        if plan.seen:
            conn.execute(update(events).where(events.c.id.in_(plan.seen)).values(last_seen_at=now, missing_count=0))
        if plan.missing:
            conn.execute(
                update(events).where(events.c.id == bindparam("b_id")).values(missing_count=bindparam("b_misses")),
                [{"b_id": event_id, "b_misses": misses} for event_id, misses in plan.missing.items()],
            )
        if plan.removed:
            _mark_removed(conn, events.c.id.in_(plan.removed), now)
        if plan.changes:
            conn.execute(
                changes.insert(),
                [
                    {"event_id": c.event_id, "source_id": source_id, "kind": c.kind, "detail": c.detail, "at": now}
                    for c in plan.changes
                ],
            )
        if plan.writes or plan.removed:
            touch(conn, [source_id])

    def withdraw_source(self, source_id: str, now: datetime | None = None) -> int:
        """A source taken out of the configuration: its events leave the feeds and pages (removed, as a
        page that stopped listing them would), without a change each for Slack to tell. Returns how many."""
        now = now or datetime.now(UTC)
        with self.begin(write=True) as conn:
            done = _mark_removed(conn, and_(events.c.source_id == source_id, events.c.removed_at.is_(None)), now)
            if done:
                touch(conn, [source_id])
        return done

    # booking milestones ------------------------------------------------------------------------

    def record_booking_openings(self, today: date, now: datetime | None = None, *, within_days: int = 14) -> int:
        """A page that said "booking opens on 20 April" still says "soon" on the day: the day itself is
        news. Each such event gets one ``booking_opened`` change per opening day (so Slack says it
        once, whoever runs this and however often); days older than ``within_days`` are history, not news."""
        now = now or datetime.now(UTC)
        oldest = (today - timedelta(days=within_days)).isoformat()
        with self.begin(write=True) as conn:
            if conn.dialect.name == "postgresql":
                changes_lock(conn, exclusive=False)
            rows = conn.execute(
                select(events.c.id, events.c.source_id, events.c.data).where(
                    events.c.removed_at.is_(None), events.c.last_day >= today.isoformat()
                )
            ).all()
            due = {
                r.id: r
                for r in rows
                if r.data.get("booking") == "soon"
                and len(r.data.get("booking_opens") or "") == 10
                and oldest <= r.data["booking_opens"] <= today.isoformat()
            }
            if not due:
                return 0
            told = {
                (r.event_id, (r.detail or {}).get("opens"))
                for r in conn.execute(
                    select(changes.c.event_id, changes.c.detail).where(
                        changes.c.kind == "booking_opened", changes.c.event_id.in_(list(due))
                    )
                )
            }
            new = [
                {
                    "event_id": r.id,
                    "source_id": r.source_id,
                    "kind": "booking_opened",
                    "detail": {"opens": r.data["booking_opens"], "event": r.data},
                    "at": now,
                }
                for r in due.values()
                if (r.id, r.data["booking_opens"]) not in told
            ]
            if new:
                conn.execute(changes.insert(), new)
            return len(new)

    # retention -----------------------------------------------------------------------------------

    def prune(
        self,
        now: datetime,
        *,
        fetch_history_days: int,
        changes_days: int,
        removed_events_days: int,
        past_events_days: int | None,
    ) -> dict[str, int]:
        """Delete what retention no longer keeps; returns how many rows of each kind went. Each source's
        newest change is kept whatever its age: it is how a later change is known not to be a first
        fetch (whose events are announced as one summary)."""
        day = timedelta(days=1)
        with self.begin(write=True) as conn:
            newest = select(func.max(changes.c.id)).group_by(changes.c.source_id)
            gone = [events.c.removed_at < now - removed_events_days * day]
            if past_events_days is not None:
                gone.append(events.c.last_day < (now.date() - past_events_days * day).isoformat())
            is_gone = or_(*gone)
            doomed = select(events.c.id).where(is_gone)
            touch(conn, list(conn.execute(select(events.c.source_id).where(is_gone).distinct()).scalars()))
            counts = {
                "fetch records": conn.execute(
                    delete(fetches).where(fetches.c.started_at < now - fetch_history_days * day)
                ).rowcount,
                "changes": conn.execute(
                    delete(changes).where(
                        or_(changes.c.at < now - changes_days * day, changes.c.event_id.in_(doomed)),
                        changes.c.id.not_in(newest),
                    )
                ).rowcount,
                "events": conn.execute(delete(events).where(events.c.id.in_(doomed))).rowcount,
                "Slack messages": conn.execute(
                    delete(notifications).where(
                        notifications.c.status.in_(("sent", "unknown")),
                        notifications.c.created_at < now - changes_days * day,
                    )
                ).rowcount,
            }
        return counts

    def versions(self) -> dict[str, str | None]:
        """Each source's content token (see ``touch``): what feed files are compared with."""
        with self.begin() as conn:
            return dict(conn.execute(select(sources.c.id, sources.c.content_version)).tuples().all())

    def all_events(self, include_removed: bool = False) -> list[StoredEvent]:
        query = select(events).order_by(events.c.first_day, events.c.id)
        if not include_removed:
            query = query.where(events.c.removed_at.is_(None))
        with self.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [_stored(r) for r in rows]

    def events_between(
        self, sources: Iterable[str] | None = None, ends_from: date | None = None, starts_until: date | None = None
    ) -> list[StoredEvent]:
        """Live events of ``sources`` (all when None) that end on or after ``ends_from`` and start on
        or before ``starts_until``: a feed's rows, chosen by the database rather than in Python."""
        return [item for _, item in self._between(sources, ends_from, starts_until)]

    def events_by_source(
        self, sources: Iterable[str], ends_from: date | None = None, starts_until: date | None = None
    ) -> dict[str, list[StoredEvent]]:
        """The same rows, by source (every source asked for has a list, maybe empty)."""
        out: dict[str, list[StoredEvent]] = {s: [] for s in sources}
        for source_id, item in self._between(list(out), ends_from, starts_until):
            out.setdefault(source_id, []).append(item)
        return out

    def _between(
        self, sources: Iterable[str] | None, ends_from: date | None, starts_until: date | None
    ) -> list[tuple[str, StoredEvent]]:
        query = select(events).where(events.c.removed_at.is_(None)).order_by(events.c.first_day, events.c.id)
        if sources is not None:
            query = query.where(events.c.source_id.in_(sorted(set(sources))))
        if ends_from is not None:
            query = query.where(events.c.last_day >= ends_from.isoformat())
        if starts_until is not None:
            query = query.where(events.c.first_day <= starts_until.isoformat())
        with self.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [(r["source_id"], _stored(r)) for r in rows]

    def event(self, event_id: str) -> StoredEvent | None:
        """One event by id, removed or not."""
        with self.begin() as conn:
            row = conn.execute(select(events).where(events.c.id == event_id)).mappings().first()
        return _stored(row) if row is not None else None

    def same_events(self, item: StoredEvent) -> list[StoredEvent]:
        """The other sources' listings of the same event (``events.reconcile.same_event``), not removed."""
        root = item.same_as or item.event.id
        query = select(events).where(
            or_(events.c.id == root, events.c.same_as == root),
            events.c.id != item.event.id,
            events.c.removed_at.is_(None),
        )
        with self.begin() as conn:
            return [_stored(r) for r in conn.execute(query.order_by(events.c.created_at)).mappings()]

    def history(self, event_id: str) -> list[dict[str, Any]]:
        with self.begin() as conn:
            rows = (
                conn.execute(select(changes).where(changes.c.event_id == event_id).order_by(changes.c.id))
                .mappings()
                .all()
            )
        return [aware_row(r) for r in rows]

    def changes_since(self, change_id: int = 0) -> list[dict[str, Any]]:
        with self.begin() as conn:
            rows = conn.execute(select(changes).where(changes.c.id > change_id).order_by(changes.c.id)).mappings().all()
        return [aware_row(r) for r in rows]

    def fetch_history(self, source_id: str, limit: int = 20) -> list[dict[str, Any]]:
        with self.begin() as conn:
            rows = (
                conn.execute(
                    select(fetches).where(fetches.c.source_id == source_id).order_by(fetches.c.id.desc()).limit(limit)
                )
                .mappings()
                .all()
            )
        return [aware_row(r) for r in rows]


def _dead_here(instance: str) -> bool:
    """Instance names are host-pid-nonce; a claim by a process of this host that no longer runs is stale."""
    host, _, rest = instance.rpartition("-")[0].rpartition("-")
    pid = rest
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def new_event_row(e: Event, source_id: str, now: datetime) -> dict[str, Any]:
    """The events row of an event first seen ``now``."""
    return {
        "id": e.id,
        "source_id": source_id,
        "first_day": e.first_day.isoformat(),
        "last_day": e.last_day.isoformat(),
        "data": e.as_dict(),
        "created_at": now,
        "updated_at": now,
        "last_seen_at": now,
        "sequence": 0,
        "missing_count": 0,
        "cancelled_at": now if e.event_status == "cancelled" else None,
        "same_as": None,
    }


def _mark_removed(conn: Connection, which: Any, now: datetime) -> int:
    """Events gone from the feeds: removed now, with a new SEQUENCE so calendars take the removal."""
    done = conn.execute(
        update(events).where(which).values(removed_at=now, updated_at=now, sequence=events.c.sequence + 1)
    ).rowcount
    return int(done or 0)


def _link_same_events(conn: Connection, source_id: str, rows: list[dict[str, Any]], found: list[Event]) -> None:
    """Each new listing that another source already lists is linked to it (``same_as``, the first
    listing's): one read of the other sources' events on the new listings' days. ``found`` are the
    events ``rows`` were made from, in order."""
    days = sorted({row["first_day"] for row in rows})
    held: dict[str, list[tuple[str, Event]]] = {}
    for at in range(0, len(days), 500):
        query = select(events.c.id, events.c.first_day, events.c.data, events.c.same_as).where(
            events.c.first_day.in_(days[at : at + 500]),
            events.c.source_id != source_id,
            events.c.removed_at.is_(None),
        )
        for r in conn.execute(query):
            held.setdefault(r.first_day, []).append((r.same_as or r.id, Event.from_dict(r.data)))
    if not held:
        return
    for row, new in zip(rows, found, strict=True):
        row["same_as"] = next((root for root, old in held.get(row["first_day"], ()) if same_event(new, old)), None)


def touch(conn: Connection, source_ids: Iterable[str]) -> None:
    """A new content token for sources whose stored events changed, in the writing transaction. A
    token, not a counter: two writers racing leave the last one's, which differs from any either saw."""
    ids = list(source_ids)
    if ids:
        conn.execute(update(sources).where(sources.c.id.in_(ids)).values(content_version=uuid.uuid4().hex))


CHANGES_LOCK = 7415001  # PostgreSQL advisory lock between writers and readers of the change log


def changes_lock(conn: Connection, *, exclusive: bool) -> None:
    """On PostgreSQL, hold the change-log lock until the transaction ends (nothing to do on SQLite,
    where one writer at a time already commits ids in order)."""
    if conn.dialect.name == "postgresql":
        kind = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        conn.execute(text(f"SELECT {kind}({CHANGES_LOCK})"))


def _stored(row: Any) -> StoredEvent:
    return StoredEvent(
        Event.from_dict(row["data"]),
        _stamp(row["created_at"]),
        _stamp(row["updated_at"]),
        row["sequence"],
        _aware(row["cancelled_at"]),
        _aware(row["removed_at"]),
        row.get("same_as"),
    )


def aware_row(row: Any) -> dict[str, Any]:
    """A row as a dict, its date-times made UTC-aware (SQLite hands them back naive)."""
    return {k: _aware(v) if isinstance(v, datetime) else v for k, v in dict(row).items()}


def _reason(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        folder = Path(url[len("sqlite:///") :]).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the database folder {folder}: {exc.strerror or exc}") from None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        # orjson reads the events' JSON column several times faster than the json module (a 10,000-event
        # feed reads 10,000 records); writing stays with the json module, whose output it reads alike
        engine = create_engine(url, future=True, pool_pre_ping=True, json_deserializer=orjson.loads)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot use database URL {url.split('@')[-1]!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we say BEGIN ourselves (below), as SQLAlchemy's docs advise
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("eventfeed_write") else "BEGIN")

    return engine
