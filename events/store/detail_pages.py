"""The event pages a source's last reading followed (``follow_details``), kept so that the next reading asks
for each conditionally."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select

from events.store.database import Database
from events.store.schema import detail_pages


class DetailPages(Database):
    """A source's followed event pages, by address."""

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
