"""The connection: SQLite by default, PostgreSQL by URL, through SQLAlchemy Core; transactions that queue
their writers, and the tokens and lock that tell readers what changed."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, text, update
from sqlalchemy.exc import SQLAlchemyError

from events.errors import StoreError
from events.store import migrate
from events.store.schema import sources


class Database:
    """The engine and its transactions, which every part of the store shares."""

    def __init__(self, url: str, *, prepare: bool = True) -> None:
        self.url = url
        self.engine: Engine = engine_for(url)
        self._write_lock = threading.Lock()
        try:
            if prepare:
                migrate.prepare(self.engine, self.safe_url)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StoreError(f"cannot open the database {self.safe_url}: {reason(exc)}") from exc
        except StoreError:
            self.engine.dispose()
            raise

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def begin(self, write: bool = False) -> Iterator[Connection]:
        """A transaction. On SQLite a writing one starts with BEGIN IMMEDIATE, so two writers (in one
        process or several) queue for the lock instead of both reading and then colliding; this
        process's writers also queue on a lock rather than in SQLite's sleeping busy handler."""
        lock = self._write_lock if write and self.engine.dialect.name == "sqlite" else nullcontext()
        try:
            with lock, self.engine.connect() as conn:
                conn.info["eventfeed_write"] = write
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"database error on {self.safe_url}: {reason(exc)}") from exc


def touch(conn: Connection, source_ids: Iterable[str]) -> None:
    """A new content token for sources whose stored events changed, in the writing transaction. A
    token, not a counter: two writers racing leave the last one's, which differs from any either saw."""
    ids = list(source_ids)
    if ids:
        conn.execute(update(sources).where(sources.c.id.in_(ids)).values(content_version=uuid.uuid4().hex))


CHANGES_LOCK = 7415001  # PostgreSQL advisory lock between writers and readers of the change log


def changes_lock(conn: Connection, *, exclusive: bool) -> None:
    """On PostgreSQL, hold the change-log lock until the transaction ends (nothing to do on SQLite,
    where one writer at a time already commits ids in order)."""
    if conn.dialect.name == "postgresql":
        kind = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        conn.execute(text(f"SELECT {kind}({CHANGES_LOCK})"))


def reason(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def engine_for(url: str) -> Engine:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        folder = Path(url[len("sqlite:///") :]).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the database folder {folder}: {exc.strerror or exc}") from None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        # orjson reads the events' JSON column several times faster than the json module (a 10,000-event
        # feed reads 10,000 records); writing stays with the json module, whose output it reads alike
        engine = create_engine(url, future=True, pool_pre_ping=True, json_deserializer=orjson.loads)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot use database URL {url.split('@')[-1]!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we say BEGIN ourselves (below), as SQLAlchemy's docs advise
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("eventfeed_write") else "BEGIN")

    return engine
