"""Export the store as JSON lines and import it back into an empty store.

One line per row, ``{"table": ..., "row": {...}}``, sources first, so an import can be replayed in
order. Date-times are written in ISO 8601 with their offset.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from sqlalchemy import DateTime, Integer, func, select

from events.errors import StoreError
from events.store import Store, touch
from events.store.schema import changes, events, fetches, notifications, sources

TABLES = (sources, events, changes, fetches, notifications)


def export_lines(store: Store, out: IO[str]) -> int:
    count = 0
    with store.begin() as conn:
        for table in TABLES:
            order = table.c.id if "id" in table.c else None
            for row in conn.execute(select(table).order_by(order)).mappings():
                out.write(json.dumps({"table": table.name, "row": _plain(dict(row))}, ensure_ascii=False) + "\n")
                count += 1
    return count


def import_lines(store: Store, lines: Iterable[str]) -> int:
    by_name = {t.name: t for t in TABLES}
    with store.begin(write=True) as conn:
        if conn.execute(select(func.count()).select_from(events)).scalar_one():
            raise StoreError("import needs an empty store: this one already holds events")
        conn.execute(sources.delete())  # rows `ensure_sources` made are replaced by the export's
        count = 0
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                table = by_name[record["table"]]
                row = _typed(table, record["row"])
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise StoreError(f"line {number}: not an eventfeed export record ({exc})") from None
            conn.execute(table.insert().values(**row))
            count += 1
        touch(conn, conn.execute(select(sources.c.id)).scalars().all())  # every feed is behind now
        if conn.dialect.name == "postgresql":  # explicit ids do not move PostgreSQL's sequences
            for table in TABLES:
                if "id" in table.c and isinstance(table.c.id.type, Integer):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
    return count


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}


def _typed(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        column = table.c[key]
        if isinstance(column.type, DateTime) and isinstance(value, str):
            value = datetime.fromisoformat(value)
        out[key] = value
    return out
