"""100,000 events in each store, in the same run: a reconcile cycle of 1,000 events, a feed build of
10,000 events, and peak memory. SQLite always; PostgreSQL when a URL is given (or EVENTFEED_TEST_PG_URL).

    python -m bench.stores [--pg postgresql://...] [--events 100000]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import func, select

from events.config.loading import load_config
from events.config.models import Feed
from events.reconcile.plan import Plan, Write, reconcile
from events.record import Event
from events.store import FetchResult, Store, new_event_row, utcnow
from events.store.schema import events
from feeds.build import feed_items, render_feed


def make(i: int, source: str) -> Event:
    return Event(
        source=source,
        title=f"Meeting {i}",
        start=date(2025, 1, 1) + timedelta(days=i % 900),
        venue="Town Hall",
        booking="open",
        url=f"https://org.example/{source}/{i}",
        id=f"{source}-{i:07d}",
    )


def load(store: Store, n: int, per_source: int = 1000) -> None:
    for s in range(n // per_source):
        source = f"s{s}"
        store.ensure_sources([(source, f"https://org.example/{source}", source)])
        writes = [Write(make(i, source), new=True, visible=True) for i in range(per_source)]
        store.record_fetch(source, FetchResult("page", utcnow(), utcnow(), 200), Plan(writes=writes))


def bare_load(url: str, n: int, per_source: int = 1000) -> None:
    """The floor: the same rows (records to dicts included) by a bare executemany, one transaction per
    1,000 as the store's load has, into a fresh database of the same schema."""
    store = Store(url)
    now = utcnow()
    for s in range(n // per_source):
        source = f"s{s}"
        rows = [new_event_row(make(i, source), source, now) for i in range(per_source)]
        with store.begin(write=True) as conn:
            conn.execute(events.insert(), rows)
    with store.begin() as conn:
        assert conn.execute(select(func.count()).select_from(events)).scalar_one() == n
    store.close()


def run(label: str, url: str, n: int, config_path: Path, floor_url: str) -> None:
    started = time.perf_counter()
    bare_load(floor_url, n)
    floor = time.perf_counter() - started
    store = Store(url)
    started = time.perf_counter()
    load(store, n)
    loaded = time.perf_counter() - started
    assert len(store.all_events()) == n
    print(f"{label}: loaded {n} events in {loaded:.1f} s; bare executemany {floor:.1f} s: {loaded / floor:.2f}x")
    found = [dataclasses.replace(make(i, "s0"), booking="sold_out") for i in range(1000)]

    def cycle() -> None:
        stored = store.stored_events("s0")
        plan = reconcile(stored, found, date(2025, 1, 1))
        store.record_fetch("s0", FetchResult("page", utcnow(), utcnow(), 200), plan)

    config = load_config(config_path)

    def build() -> None:
        now = datetime(2025, 1, 1, tzinfo=UTC)
        feed = Feed("ten", "Ten sources", sources=tuple(f"s{k}" for k in range(10)))
        render_feed(config, feed, feed_items(store, feed, now), now=now)

    for name, step in (("reconcile 1,000 events", cycle), ("feed build of 10,000 events", build)):
        start = time.perf_counter()
        step()
        elapsed = time.perf_counter() - start
        tracemalloc.start()
        step()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{label}: {name:30} {elapsed:6.2f} s   peak {peak / 2**20:6.1f} MiB")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default=os.environ.get("EVENTFEED_TEST_PG_URL"))
    parser.add_argument("--events", type=int, default=100_000)
    opts = parser.parse_args()
    with TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "config.toml"
        config_path.write_text('[[sources]]\nid = "s0"\nurl = "https://org.example/"\n')
        run("sqlite", f"sqlite:///{tmp}/bench.db", opts.events, config_path, f"sqlite:///{tmp}/floor.db")
        if opts.pg:
            import psycopg

            names = [f"eventfeed_bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
            with psycopg.connect(opts.pg, autocommit=True) as conn:
                for name in names:
                    conn.execute(f'CREATE DATABASE "{name}"')
            base = opts.pg.rsplit("/", 1)[0]
            try:
                run("postgresql", f"{base}/{names[0]}", opts.events, config_path, f"{base}/{names[1]}")
            finally:
                with psycopg.connect(opts.pg, autocommit=True) as conn:
                    for name in names:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print("postgresql: skipped (give --pg URL or set EVENTFEED_TEST_PG_URL)")


if __name__ == "__main__":
    main()
