"""A reading recorded: the fetch, the source's new state and the plan's events and changes, in one
transaction; a source's events withdrawn; booking openings told on their day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, select, update

from events.reconcile.plan import Plan, Stored
from events.reconcile.same_event import same_event
from events.record import Event
from events.store.database import Database, changes_lock, touch
from events.store.rows import FetchResult
from events.store.schema import changes, events, fetches, sources


class Recording(Database):
    """Writes what readings found: the only writer of events and their changes."""

    def stored_events(self, source_id: str, *, missing_only: bool = False) -> dict[str, Stored]:
        """A source's events for reconciling; ``missing_only``: just the live ones the last trusted
        reading lacked (all an unchanged page needs, and usually none)."""
        with self.begin() as conn:
            return _stored_events(conn, source_id, missing_only=missing_only)

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
                if result.events_hidden is not None:
                    values["events_hidden"] = result.events_hidden
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


def _stored_events(conn: Connection, source_id: str, *, missing_only: bool) -> dict[str, Stored]:
    query = select(events.c.id, events.c.data, events.c.sequence, events.c.missing_count, events.c.removed_at).where(
        events.c.source_id == source_id
    )
    if missing_only:
        query = query.where(events.c.missing_count > 0, events.c.removed_at.is_(None))
    rows = conn.execute(query).all()
    return {r.id: Stored(Event.from_dict(r.data), r.sequence, r.missing_count, r.removed_at is not None) for r in rows}


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
