"""Retention in the store: fetch records, old changes, removed and long-past events and sent messages deleted."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select

from events.store.database import Database, touch
from events.store.schema import changes, events, fetches, notifications


class Pruning(Database):
    """Deletes what retention no longer keeps."""

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
