"""The platform answers a source's last reading read (``events.service.platform_data``), kept so that the
next reading asks each "changed since?", after a restart too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select

from events.store.database import Database
from events.store.schema import platform_answers


class PlatformAnswers(Database):
    """A source's platform answers, by the address asked."""

    def platform_answers(self, source_id: str) -> dict[str, dict[str, Any]]:
        with self.begin() as conn:
            rows = conn.execute(select(platform_answers).where(platform_answers.c.source_id == source_id)).mappings()
            return {r["url"]: dict(r) for r in rows}

    def save_platform_answers(self, source_id: str, rows: Iterable[dict[str, Any]]) -> None:
        """This reading's answers replace the last reading's: an address no longer asked is forgotten."""
        values = [{**row, "source_id": source_id} for row in rows]
        with self.begin(write=True) as conn:
            conn.execute(delete(platform_answers).where(platform_answers.c.source_id == source_id))
            if values:
                conn.execute(platform_answers.insert(), values)
