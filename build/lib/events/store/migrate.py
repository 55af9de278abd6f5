"""The schema's version, through Alembic: create a new database at the newest revision, upgrade an
older one on request (``events db upgrade``), and refuse a database newer than this code."""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from events.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _alembic(connection: object) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()  # type: ignore[return-value]


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# any number the other users of the database do not take: "eventfeed" in ASCII, as a 64-bit key
_LOCK_KEY = int.from_bytes(b"eventfed", "big") & 0x7FFF_FFFF_FFFF_FFFF


@contextmanager
def schema_lock(engine: Engine) -> Iterator[Connection]:
    """One migration at a time, across processes and hosts: replicas starting together on a new
    database wait for the first, then find nothing left to do. PostgreSQL: an advisory lock held by
    this connection; SQLite: an exclusive lock on a file beside the database."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
            conn.commit()
            try:
                yield conn
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
                conn.commit()
        elif engine.url.database and engine.url.database != ":memory:":
            with open(f"{engine.url.database}.migrating", "a") as held:  # SQLite is one host's file
                fcntl.flock(held, fcntl.LOCK_EX)  # released when the file closes
                yield conn
        else:
            yield conn


def _run(conn: Connection, step: Callable[[AlembicConfig, str], None], target: str) -> str | None:
    """One Alembic step on a locked connection; returns the revision it started from."""
    before = MigrationContext.configure(conn).get_current_revision()
    conn.rollback()  # reading the version began a transaction; the migration runs in its own
    with conn.begin():
        step(_alembic(conn), target)
    return before


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str]:
    """Apply migrations up to ``target``, under the schema lock; returns (from, to)."""
    with schema_lock(engine) as conn:
        before = _run(conn, command.upgrade, target)
    return before, current(engine) or ""


def downgrade(engine: Engine, target: str) -> tuple[str | None, str]:
    """Undo migrations down to ``target`` (a revision, or "base"), under the schema lock."""
    with schema_lock(engine) as conn:
        before = _run(conn, command.downgrade, target)
    return before, current(engine) or "base"


def revisions() -> set[str]:
    """Every schema revision this eventfeed knows."""
    return {s.revision for s in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def prepare(engine: Engine, safe_url: str) -> None:
    """A new database is created at the newest schema; an older one must be upgraded on purpose."""
    revision = current(engine)
    latest = head()
    if revision == latest:
        return
    known = revisions()
    if revision is None:
        with schema_lock(engine) as conn:  # another process may be creating it right now: wait for it
            revision = MigrationContext.configure(conn).get_current_revision()
            if revision is None and inspect(conn).has_table("sources"):
                raise StoreError(f"the database {safe_url} has tables but no schema version; is it eventfeed's?")
            if revision is None:
                _run(conn, command.upgrade, "head")
                return
        if revision == latest:
            return
    if revision not in known:
        raise StoreError(
            f"the database {safe_url} has schema {revision}, newer than this eventfeed understands "
            f"(it knows up to {latest}); upgrade eventfeed"
        )
    raise StoreError(
        f"the database {safe_url} has schema {revision}; this eventfeed needs {latest}: run `events db upgrade`"
    )
