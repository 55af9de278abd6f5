"""The schema's version, through Alembic: create a new database at the newest revision, upgrade an
older one on request (``events db upgrade``), and refuse a database newer than this code."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

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


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str]:
    """Apply migrations up to ``target``; returns (from, to)."""
    before = current(engine)
    with engine.begin() as conn:
        command.upgrade(_alembic(conn), target)
    return before, current(engine) or ""


def prepare(engine: Engine, safe_url: str) -> None:
    """A new database is created at the newest schema; an older one must be upgraded on purpose."""
    revision = current(engine)
    latest = head()
    if revision == latest:
        return
    known = {s.revision for s in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if revision is None:
        if inspect(engine).has_table("sources"):
            raise StoreError(f"the database {safe_url} has tables but no schema version; is it eventfeed's?")
        upgrade(engine)
        return
    if revision not in known:
        raise StoreError(
            f"the database {safe_url} has schema {revision}, newer than this eventfeed understands "
            f"(it knows up to {latest}); upgrade eventfeed"
        )
    raise StoreError(
        f"the database {safe_url} has schema {revision}; this eventfeed needs {latest}: run `events db upgrade`"
    )
