"""What publishers and people read: a feed's events chosen by the database, one event and its other
listings, its history, the change log, a source's fetches, and the content tokens feed files are compared with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from events.store.database import Database
from events.store.rows import StoredEvent, aware_row, stored_event
from events.store.schema import changes, events, fetches, sources


class Queries(Database):
    """Reads only."""

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
        return [stored_event(r) for r in rows]

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
        with self.begin() as conn:  # rows streamed in batches: never every row and every record at once
            result = conn.execution_options(yield_per=1000).execute(query).mappings()
            return [(r["source_id"], stored_event(r)) for r in result]

    def event(self, event_id: str) -> StoredEvent | None:
        """One event by id, removed or not."""
        with self.begin() as conn:
            row = conn.execute(select(events).where(events.c.id == event_id)).mappings().first()
        return stored_event(row) if row is not None else None

    def same_events(self, item: StoredEvent) -> list[StoredEvent]:
        """The other sources' listings of the same event (``events.reconcile.same_event``), not removed."""
        root = item.same_as or item.event.id
        query = select(events).where(
            or_(events.c.id == root, events.c.same_as == root),
            events.c.id != item.event.id,
            events.c.removed_at.is_(None),
        )
        with self.begin() as conn:
            return [stored_event(r) for r in conn.execute(query.order_by(events.c.created_at)).mappings()]

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
