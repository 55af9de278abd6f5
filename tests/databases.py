"""Both stores for tests: a SQLite file, and a fresh database on the PostgreSQL server that
``.ci/postgres`` starts (its URL in EVENTFEED_TEST_PG_URL). Without a server the PostgreSQL cases
skip, saying why; in CI they fail instead, because CI must run them."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_ADMIN = os.environ.get("EVENTFEED_TEST_PG_URL")


def pg_or_skip() -> str:
    if PG_ADMIN:
        return PG_ADMIN
    if os.environ.get("CI"):
        pytest.fail("CI must test PostgreSQL: .ci/run starts one and sets EVENTFEED_TEST_PG_URL")
    pytest.skip('no PostgreSQL server: run `eval "$(.ci/postgres)"` first to include these tests')


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of ``kind`` ("sqlite" or "postgresql"), dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'events.db'}"
        return
    import psycopg

    admin = pg_or_skip()
    name = f"eventfeed_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        from sqlalchemy import create_engine

        create_engine("postgresql+psycopg://" + admin.split("://", 1)[1]).dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url
