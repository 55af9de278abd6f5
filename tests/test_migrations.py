"""The schema is versioned with Alembic: new databases start at the newest revision, an older one is
upgraded by `events db upgrade` with its data kept, a newer one is refused. Both stores."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from events.errors import StoreError
from events.store import Store, migrate
from tests.conftest import run_events, write_config


def engine_for(url: str):
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


def test_a_new_database_starts_at_the_newest_schema(database_url: str) -> None:
    store = Store(database_url)
    assert migrate.current(store.engine) == migrate.head()
    store.close()


def test_upgrade_from_the_previous_release_keeps_the_data(tmp_path: Path, database_url: str) -> None:
    engine = engine_for(database_url)
    if database_url.startswith("sqlite"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(engine, "0001")  # the schema the first release shipped
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into sources (id, url, name, consecutive_failures, healthy) "
                "values ('hcsa', 'https://www.hcsa.com/', 'HCSA', 0, true)"
            )
        )
        conn.execute(
            text(
                "insert into events (id, source_id, first_day, last_day, data, created_at, updated_at, "
                "last_seen_at, sequence, missing_count) values ('e1', 'hcsa', '2030-04-18', "
                "'2030-04-18', :data, :now, :now, :now, 2, 0)"
            ),
            {
                "data": '{"source": "hcsa", "title": "Conference", "start": "2030-04-18", "all_day": true, "id": "e1"}',
                "now": now,
            },
        )
    with pytest.raises(StoreError, match="run `events db upgrade`"):
        Store(database_url)
    config = write_config(
        tmp_path,
        '[[sources]]\nid = "hcsa"\nurl = "https://www.hcsa.com/"\n',
        service=f'database_url = "{database_url}"',
    )
    out = run_events("db", "upgrade", config=config).stdout
    assert "schema 0001 → " + migrate.head() in out
    store = Store(database_url)
    [item] = store.all_events()
    assert item.event.title == "Conference" and item.sequence == 2
    assert inspect(store.engine).has_table("notifications")
    assert "already up to date" in run_events("db", "upgrade", config=config).stdout
    store.close()
    engine.dispose()


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path, database_url: str) -> None:
    store = Store(database_url)
    with store.engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '9999'"))
    store.close()
    with pytest.raises(StoreError, match="newer than this eventfeed understands"):
        Store(database_url)
    config = write_config(
        tmp_path, '[[sources]]\nid = "a"\nurl = "https://a.example/"\n', service=f'database_url = "{database_url}"'
    )
    proc = run_events("sources", config=config, check=False)
    assert proc.returncode == 1 and "newer than this eventfeed" in proc.stderr and "Traceback" not in proc.stderr


def test_export_and_import_round_trip(tmp_path: Path, database_url: str) -> None:
    from events.reconcile.plan import Change, Plan, Write
    from events.store import FetchResult, utcnow
    from tests.test_feeds import event  # records written for the feed tests

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    origin = f"sqlite:///{tmp_path / 'a' / 'origin.db'}"
    sources = '[[sources]]\nid = "src"\nurl = "https://org.example/"\n'
    source = write_config(tmp_path / "a", sources, service=f'database_url = "{origin}"')
    target = write_config(tmp_path / "b", sources, service=f'database_url = "{database_url}"')
    store = Store(origin)
    store.ensure_sources([("src", "https://org.example/", "src")])
    items = [event(f"Event {i}", datetime(2030, 1, 1 + i, tzinfo=UTC).date()) for i in range(5)]
    store.record_fetch(
        "src",
        FetchResult("page", utcnow(), utcnow(), 200),
        Plan(
            writes=[Write(e, new=True, visible=True) for e in items],
            changes=[Change(e.id, "new", {"event": e.as_dict()}) for e in items],
        ),
    )
    store.close()
    dump = tmp_path / "backup.jsonl"
    run_events("export", str(dump), config=source)
    assert len(dump.read_text().splitlines()) == 1 + 5 + 5 + 1  # source, events, changes, fetch
    run_events("import", str(dump), config=target)
    again = Store(database_url)
    assert sorted(i.event.title for i in again.all_events()) == [f"Event {i}" for i in range(5)]
    assert len(again.changes_since(0)) == 5
    later = event("Later", datetime(2030, 2, 1, tzinfo=UTC).date())
    again.record_fetch(
        "src",
        FetchResult("page", utcnow(), utcnow(), 200),  # fresh ids after an import
        Plan(writes=[Write(later, new=True, visible=True)], changes=[Change(later.id, "new", {})]),
    )
    assert len(again.changes_since(0)) == 6
    again.close()
    proc = run_events("import", str(dump), config=target, check=False)
    assert proc.returncode == 1 and "needs an empty store" in proc.stderr


def test_parallel_upgrades_of_a_fresh_database_wait_for_each_other(tmp_path: Path, database_url: str) -> None:
    """Replicas starting together on a new database: one migrates, the others wait and find nothing to do."""
    import subprocess
    import sys

    from tests.conftest import ROOT, write_config

    config = write_config(tmp_path, '[[sources]]\nid = "a"\nurl = "https://a.example/"\n')
    env = {**__import__("os").environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "events.cli", "--config", str(config), "db", "upgrade"]
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)
    ]
    results = [(*p.communicate(timeout=120), p.returncode) for p in procs]
    for _out, err, code in results:
        assert code == 0, err[-2000:]
        assert "Traceback" not in err
    store = Store(database_url)
    assert migrate.current(store.engine) == migrate.head()
    store.close()


def test_downgrade_and_upgrade_again(tmp_path: Path, database_url: str) -> None:
    config = write_config(tmp_path, '[[sources]]\nid = "a"\nurl = "https://a.example/"\n')
    env = {"DATABASE_URL": database_url}
    run_events("db", "upgrade", config=config, env=env)
    asked = run_events("db", "downgrade", "0003", config=config, env=env, input="n\n")  # it asks first
    assert "dropped with their data" in asked.stdout and "nothing changed" in asked.stdout
    assert f"schema {migrate.head()}" in run_events("db", "status", config=config, env=env).stdout
    down = run_events("db", "downgrade", "0003", "--yes", config=config, env=env)
    assert "→ 0003" in down.stdout
    assert "schema 0003" in run_events("db", "status", config=config, env=env).stdout
    bad = run_events("db", "downgrade", "9999", config=config, env=env, check=False)
    assert bad.returncode != 0 and "no schema revision '9999'" in bad.stderr and "Traceback" not in bad.stderr
    run_events("db", "upgrade", config=config, env=env)
    assert f"schema {migrate.head()}" in run_events("db", "status", config=config, env=env).stdout
