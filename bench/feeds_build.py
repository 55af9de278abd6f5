"""Feed builds of 10,000 events, measured against floors in the same run, repeats interleaved.

    python -m bench.feeds_build [--events N] [--repeats R]

What is timed (ics + json, the records read from a SQLite store with N events, as ``events run`` does):
- cold: every event rendered (render cache empty), the way a first build goes;
- nothing changed: ``build_feeds`` when the store has not changed since the last build;
- one event changed: one event's booking changed in the store, then ``build_feeds``;
- from the cache, in memory: the records already read, every event's pieces in the cache;
- floor: a plain line writer over the same records (``KEY:value`` lines for the same properties, no
  escaping or folding) plus orjson of each record's fields: the least any writer does.
Peak memory (tracemalloc) of the build from the cache is compared with the size of its output. The
bench checks itself: every build has N events, and cache builds are byte for byte the cold build.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import orjson

from events.config.loading import load_config
from events.reconcile.plan import Plan, Write
from events.record import Event
from events.store import FetchResult, Store, StoredEvent, utcnow
from feeds.build import RECORDS, build_feeds, feed_items, render_feed
from feeds.feed_files import FEED_FILES
from feeds.render_cache import RENDERED

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def make(i: int) -> Event:
    day = date(2025, 1, 1) + timedelta(days=i % 700)
    return Event(
        source=f"s{i % 10}",
        title=f"Regional meeting number {i}",
        start=day,
        venue="Holiday Inn, Regents Park",
        locality="London",
        booking="open",
        booking_label="Book now",
        url=f"https://org.example/events/{i}/",
        id=f"e{i:08d}",
        categories=("union",),
    )


def load(store: Store, n: int) -> None:
    for s in range(10):
        source = f"s{s}"
        store.ensure_sources([(source, f"https://org.example/{source}", source)])
        writes = [Write(make(i), new=True, visible=True) for i in range(s, n, 10)]
        store.record_fetch(source, FetchResult("page", utcnow(), utcnow(), 200), Plan(writes=writes))


def floor(items: list[StoredEvent]) -> tuple[bytes, bytes]:
    """The least a writer does: the same properties as plain lines, each record to dict and JSON."""
    lines = ["BEGIN:VCALENDAR"]
    for item in items:
        e = item.event
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.id}@events.example.org",
            f"DTSTAMP:{item.updated_at:%Y%m%dT%H%M%SZ}",
            f"SEQUENCE:{item.sequence}",
            f"SUMMARY:{e.title}",
            f"DTSTART;VALUE=DATE:{e.first_day:%Y%m%d}",
            f"LOCATION:{e.venue}, {e.locality}",
            f"URL:{e.url}",
            f"DESCRIPTION:{e.booking_label}\\nDetails: {e.url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    # the JSON floor: the same fields read straight off each record and written by orjson (json.dumps with
    # indent=2 over dataclasses.asdict was most of the old floor, so the ratio flattered the builds)
    records = [
        {
            "id": e.id,
            "title": e.title,
            "start": e.start.isoformat(),
            "venue": e.venue,
            "locality": e.locality,
            "booking": e.booking,
            "booking_label": e.booking_label,
            "url": e.url,
            "categories": list(e.categories),
        }
        for e in (item.event for item in items)
    ]
    return "\r\n".join(lines).encode(), orjson.dumps({"items": records}, option=orjson.OPT_INDENT_2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    opts = parser.parse_args()
    n = opts.events
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.toml"
        path.write_text(
            f'[service]\ndatabase_url = "sqlite:///{tmp}/bench.db"\nfeeds_dir = "{tmp}/feeds"\n'
            'base_url = "https://events.example.org"\npast_days = 36500\nfuture_days = 36500\n'
            + "".join(f'[[sources]]\nid = "s{s}"\nurl = "https://org.example/s{s}"\n' for s in range(10))
        )
        config = load_config(path)
        store = Store(config.service.database_url)
        load(store, n)
        feed = config.feeds[0]
        items = feed_items(store, feed, NOW)
        assert len(items) == n, len(items)
        cold_out = render_feed(config, feed, items, now=NOW, cache=None)
        booking = iter(["soon", "open"] * (opts.repeats + 2))

        def check(counts: dict[str, int]) -> None:
            assert counts == {"all": n}, counts

        def cold() -> None:
            RENDERED.clear()
            RECORDS.clear()
            FEED_FILES.clear()
            check(build_feeds(config, store, now=NOW, force=True))

        def nothing_changed() -> None:
            assert build_feeds(config, store, now=NOW) == {}

        def one_changed() -> None:
            event = dataclasses.replace(make(7), booking=next(booking))
            store.record_fetch(
                "s7", FetchResult("page", utcnow(), utcnow(), 200), Plan(writes=[Write(event, False, True)])
            )
            started = time.perf_counter()
            check(build_feeds(config, store, now=NOW))
            return time.perf_counter() - started  # type: ignore[return-value]

        def from_cache() -> float:
            """A feed rendered in memory (a query's, in the web renderer) with every piece cached: the
            first render fills the cache (feed files no longer do: they are their own cache)."""
            render_feed(config, feed, items, now=NOW)
            started = time.perf_counter()
            out = render_feed(config, feed, items, now=NOW)
            took = time.perf_counter() - started
            assert out.ics == cold_out.ics and out.json == cold_out.json and out.count == n
            return took

        def plain() -> None:
            ics, doc = floor(items)
            assert ics.count(b"BEGIN:VEVENT") == n and doc.count(b'"title"') == n

        runs: dict[str, list[float]] = {k: [] for k in ("cold", "nothing", "one", "cache", "floor")}
        steps: list[tuple[str, Callable[[], object]]] = [
            ("cold", cold),
            ("nothing", nothing_changed),
            ("one", one_changed),
            ("cache", from_cache),
            ("floor", plain),
        ]
        for _ in range(opts.repeats):  # interleaved: each repeat runs every case once, in turn
            for name, func in steps:
                started = time.perf_counter()
                result = func()
                runs[name].append(result if isinstance(result, float) else time.perf_counter() - started)
        assert (config.service.feeds_dir / "all.ics").read_bytes().count(b"BEGIN:VEVENT") == n
        render_feed(config, feed, items, now=NOW)
        tracemalloc.start()
        render_feed(config, feed, items, now=NOW)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        output = len(cold_out.ics) + len(cold_out.json)
        store.close()

    def med(name: str) -> float:
        return statistics.median(runs[name])

    print(f"{n} events, {opts.repeats} interleaved repeats (min / median seconds)")
    labels = {
        "cold": "cold build (store → files)",
        "nothing": "rebuild, nothing changed",
        "one": "rebuild, one event changed",
        "cache": "render from the cache (in memory)",
        "floor": "floor: plain lines + orjson",
    }
    for name, label in labels.items():
        print(f"  {label:36} {min(runs[name]):7.3f} / {med(name):7.3f}")
    print(f"nothing changed / cold: {med('nothing') / med('cold'):6.1%}   (target ≤ 2%)")
    print(f"one changed / cold:     {med('one') / med('cold'):6.1%}   (target ≤ 5%)")
    print(f"from the cache / floor: {med('cache') / med('floor'):6.2f}x  (target ≤ 2x)")
    print(f"peak memory / output:   {peak / output:6.2f}x  (target ≤ 3x; output {output / 2**20:.1f} MiB)")


if __name__ == "__main__":
    main()
