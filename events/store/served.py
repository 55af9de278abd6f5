"""Since when each narrowed feed has had the body it has now, kept in the store.

A feed file's Last-Modified is its file's; a narrowed feed (``?source=…``), an RSS feed or a booking
calendar is rendered on request, so its Last-Modified is the moment its body was first served. Kept
in the process alone, a restart would make every such body new again and every subscriber that asks
with If-Modified-Since fetch it whole. So each (address, body) pair is recorded once in the store's
``eventfeed_meta`` table, which every instance shares; the newest ``KEEP`` addresses are kept, so
queries nobody asks again do not pile up.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from events.store import Store
from events.store.schema import meta

PREFIX = "served:"
KEEP = 4096
_PRUNE_EVERY = 256  # new records between prunings


class ServedSince:
    """``since(address, etag, now)``: when this body was first served at this address."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._known: dict[str, tuple[str, datetime]] = {}
        self._recorded = 0

    def since(self, address: str, etag: str, now: datetime) -> datetime:
        key = PREFIX + hashlib.sha256(address.encode()).hexdigest()[:40]
        known = self._known.get(key)
        if known is not None and known[0] == etag:
            return known[1]
        with self._store.begin(write=True) as conn:
            value = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()
            last = _parse(value)
            if last is None or last[0] != etag:
                # a new body is at least a second after the last, so Last-Modified (whole seconds) moves
                when = now.replace(microsecond=0)
                if last is not None and when <= last[1]:
                    when = last[1] + timedelta(seconds=1)
                record = f"{etag} {when.isoformat()}"
                if value is None:
                    conn.execute(meta.insert().values(key=key, value=record))
                else:
                    conn.execute(meta.update().where(meta.c.key == key).values(value=record))
                last = (etag, when)
                self._recorded += 1
        if len(self._known) > KEEP:
            self._known.clear()
        self._known[key] = last
        if self._recorded >= _PRUNE_EVERY:
            self._recorded = 0
            self.prune()
        return last[1]

    def prune(self) -> None:
        """Only the ``KEEP`` addresses whose bodies changed last are kept."""
        with self._store.begin(write=True) as conn:
            rows = conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.startswith(PREFIX))).all()
            if len(rows) <= KEEP:
                return
            by_age = sorted(rows, key=lambda r: (_parse(r.value) or ("", datetime.min))[1].isoformat())
            stale = [r.key for r in by_age[: len(rows) - KEEP]]
            for at in range(0, len(stale), 500):
                conn.execute(delete(meta).where(meta.c.key.in_(stale[at : at + 500])))


def _parse(value: str | None) -> tuple[str, datetime] | None:
    if not value:
        return None
    etag, _, when = value.partition(" ")
    try:
        return etag, datetime.fromisoformat(when)
    except ValueError:
        return None
