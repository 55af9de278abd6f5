"""Sources as the store keeps them: a row per configured source, its state, and the claims by which one
of several instances fetches it."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from events.store.database import Database, touch
from events.store.rows import aware_row, utcnow
from events.store.schema import events, sources


class SourceRows(Database):
    """A source's row: made from the config, read as its state, claimed for a fetch."""

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

    def troubled_sources(self, limit: int) -> tuple[int, int, list[dict[str, Any]]]:
        """(sources, troubled sources, the first ``limit`` troubled rows, longest troubled first): what
        ``/healthz`` needs, in time independent of how many sources are well. Troubled is the rows
        ``events.sources.state`` could call *failing* or *changed shape*, the two states that are not
        ok; which of them a row is stays that module's to say."""
        troubled = or_(
            sources.c.consecutive_failures > 0,
            and_(sources.c.accepted_at.is_(None), sources.c.shape_changed_since.isnot(None)),
        )
        since = func.coalesce(sources.c.unhealthy_since, sources.c.shape_changed_since)
        with self.begin() as conn:
            total = conn.execute(select(func.count()).select_from(sources)).scalar() or 0
            bad = conn.execute(select(func.count()).select_from(sources).where(troubled)).scalar() or 0
            rows = (
                conn.execute(
                    select(sources).where(troubled).order_by(since.is_(None), since, sources.c.id).limit(limit)
                )
                .mappings()
                .all()
            )
        return total, bad, [aware_row(r) for r in rows]

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
