"""One instance at the size of a large federation: 100,000 events across 2,000 sources in SQLite.

    python -m bench.scale [--events 100000] [--sources 2000] [--repeats 3]

In one rendering process (as ``events run``'s publisher), repeats interleaved, medians:
- cold build: every feed file written from the store with empty caches (a first build, a restart);
- nothing changed, one event changed, 100 events changed (in 100 sources): ``build_feeds`` after
  the store moved, the way the publisher rebuilds after a cycle;
- the floor: a plain line writer of the same events' iCalendar lines (no escaping, no folding) and
  orjson of their fields: the least any writer does; and our iCalendar writer alone on the same events;
- peak RSS of that process, beside the largest feed file it writes.
Then ``events serve`` on this store and on one of 20 sources, ``/healthz`` asked 200 times each,
alternately: its latency should not grow with the number of sources.
The bench checks itself: every build has every event, rebuilds are byte for byte what a cold build
of the same store writes, and /healthz counts every source.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bench.local import free_port, wait_until_serving

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def config_text(tmp: Path, sources: int, port: int) -> str:
    return (
        f'[service]\ndatabase_url = "sqlite:///{tmp}/scale.db"\nfeeds_dir = "{tmp}/feeds"\n'
        f'listen = "127.0.0.1:{port}"\nbase_url = "https://events.example.org"\n'
        "past_days = 36500\nfuture_days = 36500\n"
        + "".join(f'[[sources]]\nid = "s{s}"\nurl = "https://org{s}.example/events"\n' for s in range(sources))
    )


def make(i: int, source: str, booking: str = "open") -> object:
    """Events as pages give them: a third all-day, the rest timed in London, venues, categories."""
    from events.record import Event

    day = date(2026, 1, 1) + timedelta(days=i % 720)
    start: date | datetime = day if i % 3 == 0 else datetime(day.year, day.month, day.day, 9 + i % 10, tzinfo=LONDON)
    return Event(
        source=source,
        title=f"Regional meeting {i}: members' forum, pay & conditions",
        start=start,
        end=start + timedelta(hours=2) if isinstance(start, datetime) else None,
        venue="Holiday Inn, Regents Park",
        locality="London",
        booking=booking,
        booking_label="Book now" if booking == "open" else "On sale soon",
        url=f"https://org.example/{source}/events/{i}/",
        id=f"{source}-{i:07d}",
        categories=("union", "training") if i % 2 else ("union",),
        description="Open to all members. Bring your membership card.",
    )


def load(config_path: Path, events: int, sources: int) -> None:
    from events.config.loading import load_config
    from events.reconcile.plan import Plan, Write
    from events.store import FetchResult, Store, utcnow

    config = load_config(config_path)
    store = Store(config.service.database_url)
    per = events // sources
    store.ensure_sources([(s.id, s.url, s.name) for s in config.sources])
    for s in range(sources):
        writes = [Write(make(s * per + k, f"s{s}"), new=True, visible=True) for k in range(per)]  # type: ignore[arg-type]
        store.record_fetch(f"s{s}", FetchResult("page", utcnow(), utcnow(), 200), Plan(writes=writes))
    store.close()


def child(config_path: Path, repeats: int, events: int) -> None:
    """The rendering process: prints one JSON line of what it measured."""
    from events.config.loading import load_config
    from events.reconcile.plan import Plan, Write
    from events.store import FetchResult, Store, utcnow
    from feeds import ical_lines
    from feeds.build import RECORDS, build_feeds, feed_items
    from feeds.feed_files import FEED_FILES
    from feeds.ical import vevent_properties
    from feeds.render_cache import RENDERED

    config = load_config(config_path)
    store = Store(config.service.database_url)
    feeds_dir = config.service.feeds_dir
    sources = len(config.sources)
    per = events // sources
    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    flips = {"open": "soon", "soon": "open"}
    booking: dict[int, str] = {}

    def change(count: int) -> None:
        for n in range(count):
            s = (7 + n * 13) % sources
            booking[s] = flips[booking.get(s, "open")]
            event = make(s * per, f"s{s}", booking[s])
            store.record_fetch(
                f"s{s}", FetchResult("page", utcnow(), utcnow(), 200), Plan(writes=[Write(event, False, True)])
            )  # type: ignore[arg-type]

    def check(counts: dict[str, int]) -> None:
        assert counts == {"all": events}, counts

    def cold() -> float:
        RENDERED.clear()
        RECORDS.clear()
        FEED_FILES.clear()
        started = time.perf_counter()
        check(build_feeds(config, store, now=NOW, force=True))
        return time.perf_counter() - started

    def rebuild(count: int) -> float:
        change(count)
        started = time.perf_counter()
        counts = build_feeds(config, store, now=NOW)
        took = time.perf_counter() - started
        assert counts == ({"all": events} if count else {}), counts
        return took

    items: list[Any] = []
    sources_by_id = {s.id: s for s in config.sources}

    def ours() -> float:
        started = time.perf_counter()
        out = [
            ical_lines.vevent(vevent_properties(i, "events.example.org", "https://events.example.org", sources_by_id))
            for i in items
        ]
        took = time.perf_counter() - started
        assert len(out) == events
        return took

    def floor() -> float:
        import orjson

        started = time.perf_counter()
        lines = []
        for item in items:
            e = item.event
            start = f";VALUE=DATE:{e.start:%Y%m%d}" if e.all_day else f";TZID=Europe/London:{e.start:%Y%m%dT%H%M%S}"
            lines += [
                "BEGIN:VEVENT",
                f"SUMMARY:{e.title}",
                f"DTSTART{start}",
                f"DTSTAMP:{item.updated_at:%Y%m%dT%H%M%SZ}",
                f"UID:{e.id}@events.example.org",
                f"SEQUENCE:{item.sequence}",
                f"CATEGORIES:{','.join(e.categories)}",
                f"CREATED:{item.created_at:%Y%m%dT%H%M%SZ}",
                f"DESCRIPTION:{e.booking_label}\\n{e.description}\\nBook: {e.url}\\nSource: {e.source}",
                f"LAST-MODIFIED:{item.updated_at:%Y%m%dT%H%M%SZ}",
                f"LOCATION:{e.venue}, {e.locality}",
                "STATUS:CONFIRMED",
                f"URL:{e.url}",
                "END:VEVENT",
            ]
        ics = "\r\n".join(lines).encode()
        runs["floor_ics"].append(time.perf_counter() - started)
        doc = orjson.dumps(
            {
                "items": [
                    {
                        "id": i.event.id,
                        "title": i.event.title,
                        "start": i.event.start.isoformat(),
                        "url": i.event.url,
                        "venue": i.event.venue,
                        "tags": list(i.event.categories),
                    }
                    for i in items
                ]
            },
            option=orjson.OPT_INDENT_2,
        )
        took = time.perf_counter() - started
        assert ics.count(b"BEGIN:VEVENT") == events and doc.count(b'"title"') == events
        return took

    runs: dict[str, list[float]] = {k: [] for k in ("cold", "nothing", "one", "hundred", "ours", "floor", "floor_ics")}
    for _ in range(repeats):  # interleaved: each repeat runs every case once, in turn
        runs["cold"].append(cold())
        runs["nothing"].append(rebuild(0))
        runs["one"].append(rebuild(1))
        runs["hundred"].append(rebuild(100))
    # the builds' peak, before this bench holds every record a second time for the writers' comparison
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    items = feed_items(store, config.feeds[0], NOW)
    for _ in range(repeats):
        runs["ours"].append(ours())
        runs["floor"].append(floor())
    written = {p.name: p.read_bytes() for p in feeds_dir.iterdir() if p.suffix in (".ics", ".json")}
    RENDERED.clear()
    RECORDS.clear()
    FEED_FILES.clear()
    build_feeds(config, store, now=NOW, force=True)
    for name, data in written.items():  # what the rebuilds left is what a cold build of this store writes
        assert (feeds_dir / name).read_bytes() == data, name
    sizes = {name: len(data) for name, data in written.items()}
    print(json.dumps({"runs": runs, "peak_rss": peak_rss, "baseline_rss": baseline_rss, "sizes": sizes}))


def healthz(ports: dict[str, int], asks: int = 200) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {name: [] for name in ports}
    with httpx.Client(timeout=10) as client:
        for _ in range(asks):
            for name, port in ports.items():  # alternately
                started = time.perf_counter()
                body = client.get(f"http://127.0.0.1:{port}/healthz").json()
                out[name].append(time.perf_counter() - started)
                assert body["sources_total"] == int(name), body["sources_total"]
    return out


def serve(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "events.cli", "--config", str(config), "--log-level", "warning", "serve"],
        cwd=config.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child:
        child(opts.child, opts.repeats, opts.events)
        return
    with TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        big, small = tmp / "big", tmp / "small"
        ports = {str(opts.sources): free_port(), "20": free_port()}
        for folder, count in ((big, opts.sources), (small, 20)):
            folder.mkdir()
            (folder / "config.toml").write_text(config_text(folder, count, ports[str(count)]))
        started = time.perf_counter()
        load(big / "config.toml", opts.events, opts.sources)
        load(small / "config.toml", 20 * (opts.events // opts.sources), 20)
        print(f"{opts.events} events across {opts.sources} sources loaded in {time.perf_counter() - started:.0f} s")
        measured = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.scale",
                "--child",
                str(big / "config.toml"),
                "--repeats",
                str(opts.repeats),
                "--events",
                str(opts.events),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(measured.stdout.strip().splitlines()[-1])
        servers = [serve(big / "config.toml"), serve(small / "config.toml")]
        try:
            for port in ports.values():
                wait_until_serving(port)
            latencies = healthz(ports)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)

    runs = result["runs"]

    def med(name: str) -> float:
        return float(statistics.median(runs[name]))

    largest = max(result["sizes"].values())
    print(f"rendering process, {opts.repeats} interleaved repeats (min / median seconds)")
    labels = {
        "cold": "cold build (store → files)",
        "nothing": "rebuild, nothing changed",
        "one": "rebuild, one event changed",
        "hundred": "rebuild, 100 events changed",
        "ours": "our iCalendar writer, every event",
        "floor": "floor: plain lines + orjson",
        "floor_ics": "  of which the plain lines",
    }
    for name, label in labels.items():
        print(f"  {label:36} {min(runs[name]):7.3f} / {med(name):7.3f}")
    print(f"nothing changed / cold:   {med('nothing') / med('cold'):6.1%}")
    print(f"one changed / cold:       {med('one') / med('cold'):6.1%}   (target ≤ 5%)")
    print(f"100 changed / cold:       {med('hundred') / med('cold'):6.1%}")
    print(f"cold build / floor:       {med('cold') / med('floor'):6.2f}x  (store read, both feeds and files included)")
    print(f"our iCalendar writer / plain lines: {med('ours') / med('floor_ics'):6.2f}x  (target ≤ 3x)")
    sizes = ", ".join(f"{name} {size / 2**20:.1f} MiB" for name, size in sorted(result["sizes"].items()))
    print(
        f"peak RSS of the rendering process: {result['peak_rss']:.0f} MiB ({result['baseline_rss']:.0f} MiB before "
        f"reading the store) = {result['peak_rss'] / (largest / 2**20):.2f}x the largest feed file "
        f"(target ≤ 2x; files: {sizes})"
    )
    for name, values in latencies.items():
        values.sort()
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        median = statistics.median(values) * 1000
        target = "   (target ≤ 20 ms)" if name != "20" else ""
        print(f"/healthz at {name:>5} sources: median {median:5.1f} ms, p99 {p99 * 1000:5.1f} ms{target}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
