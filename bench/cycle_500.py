"""One full cycle over 500 sources on a local server: when every page changed, and when every page
answers 304. Prints time, peak memory (tracemalloc) and requests per second for both, and the ratio
(target: the unchanged cycle costs under 10% of the changed one).

    python -m bench.cycle_500 [--sources N] [--concurrency C] [--repeats R]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

from bench.local import free_port, serve_pages

# next year's March: inside the default feed window, so a rebuild renders the events it measures (dated
# 2030, they fell outside it and the "rebuild" wrote an empty feed)
YEAR = date.today().year + 1
CARD = (
    '<li><h3><a href="/e/{i}-{k}">Branch meeting {k} of source {i}</a></h3><p>{d} March {year}</p>'
    "<p>Town Hall</p><p>{status}</p></li>"
)


# A page shaped like a real organisation's events page: navigation, a list of events, a footer
# (the corpus pages average about 100 KB; DESIGN.md measures with 300 KB ones).
EVENTS_PER_PAGE = 20
NAV = (
    "<nav><ul>"
    + "".join(f'<li><a href="/section/{n}">Section {n} of the site</a></li>' for n in range(150))
    + "</ul></nav>"
)
FOOTER = "<footer>" + "<p>Registered office, contact details, privacy and cookie notices.</p>" * 300 + "</footer>"


def serve(port: int) -> None:
    serve_pages(port, page_with_etag)


VERSIONS: dict[str, int] = {}  # in the server's process: each page's current version
VERSIONS_LOCK = threading.Lock()


def page_with_etag(path: str, headers: Mapping[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Source i's page, with the ETag "i-v" of its version v: a request that has it gets a 304; one that
    has no ETag (the store forgot it: the "changed" cycle) gets a new version, whose first event's
    booking status has moved, so every page of that cycle really changed."""
    i = path.strip("/").split("/")[-1]
    with VERSIONS_LOCK:
        version = VERSIONS.get(i, 0)
        if headers.get("If-None-Match") == f'"{i}-{version}"':
            return 304, {"ETag": f'"{i}-{version}"'}, b""
        version = VERSIONS[i] = version + 1
    status = ("Book now", "Sold out")[version % 2]
    cards = "".join(
        CARD.format(i=i, k=k, d=k + 1, year=YEAR, status=status if k == 0 else "Book now")
        for k in range(EVENTS_PER_PAGE)
    )
    body = f"<html><body>{NAV}<h1>Events</h1><ul>{cards}</ul>{FOOTER}</body></html>"
    return 200, {"ETag": f'"{i}-{version}"'}, body.encode()


CPU: dict[str, float] = {}


def measure(label: str, func) -> tuple[float, float]:
    """Wall time of one run; then the peak of Python allocations in a second, traced run
    (tracemalloc slows Python down, so it never shares a run with the clock)."""
    start, cpu = time.perf_counter(), time.process_time()
    func()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    CPU[label] = cpu
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:28} {elapsed:7.2f} s wall, {cpu:6.2f} s CPU   peak traced {peak / 2**20:6.1f} MiB   "
        f"process max RSS {rss:6.0f} MiB"
    )
    return elapsed, peak


START_UP = (
    "import sys; from events.config.loading import load_config; from events.store import Store; "
    "import events.service.scheduler, feeds.publisher; Store(load_config(sys.argv[1]).service.database_url)"
)


def events_fetch_vs_start_up(config: Path, sources: int, repeats: int = 3) -> tuple[float, float]:
    """Median wall time of ``events fetch`` (every page answering 304: nothing to rebuild) and of its
    start-up alone (Python, the modules it imports, the config, opening the store), interleaved."""
    base = [sys.executable, "-m", "events.cli", "--config", str(config)]
    fetches, starts = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run([*base, "fetch"], capture_output=True, text=True, cwd=config.parent)
        fetches.append(time.perf_counter() - started)
        assert done.returncode == 0 and done.stdout.count("not changed since the last fetch") == sources, done
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", START_UP, str(config)], check=True, cwd=config.parent)
        starts.append(time.perf_counter() - started)
    return statistics.median(fetches), statistics.median(starts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    opts = parser.parse_args()
    port = free_port()
    server = multiprocessing.Process(target=serve, args=(port,), daemon=True)
    server.start()
    time.sleep(0.5)
    from events.config.loading import load_config
    from events.service.scheduler import run_cycle
    from events.store import Store
    from feeds.build import build_feeds

    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.toml"
        blocks = "".join(
            f'[[sources]]\nid = "s{i}"\nurl = "http://127.0.0.1:{port}/p/{i}"\n' for i in range(opts.sources)
        )
        path.write_text(
            f'[service]\ndatabase_url = "sqlite:///db.sqlite"\nfeeds_dir = "feeds"\n'
            f"[fetch]\nhost_delay = 0\nper_host = {opts.concurrency}\nconcurrency = {opts.concurrency}\n" + blocks
        )
        config = load_config(path)
        store = Store(config.service.database_url)
        store.ensure_sources((s.id, s.url, s.name) for s in config.sources)

        def publish(touched: set[str]) -> None:
            if touched:
                build_feeds(config, store)

        def changed_cycle() -> None:
            """The store forgets its validators, so every page is asked for in full and is a new version."""
            store.engine.dispose()
            with store.begin(write=True) as conn:
                conn.exec_driver_sql("update sources set etag = null, body_hash = null")
            reports = asyncio.run(run_cycle(config, store, config.sources, publish))
            assert all(r.outcome == "page" and r.changes for r in reports), {r.line() for r in reports}

        def unchanged_cycle() -> None:
            reports = asyncio.run(run_cycle(config, store, config.sources, publish))
            assert all(r.outcome == "not_modified" and not r.changes for r in reports), {r.line() for r in reports}

        def bare_304() -> None:
            """The floor for an all-304 cycle: the same conditional requests by bare httpx, as
            concurrent, and nothing else (no claim, no record, no robots)."""
            import httpx

            etags = {state["id"]: state["etag"] for state in store.source_states()}  # those our cycle sends

            async def go() -> None:
                gate = asyncio.Semaphore(opts.concurrency)
                async with httpx.AsyncClient() as client:

                    async def one(i: int) -> int:
                        async with gate:
                            got = await client.get(
                                f"http://127.0.0.1:{port}/p/{i}", headers={"If-None-Match": etags[f"s{i}"]}
                            )
                            return got.status_code

                    codes = await asyncio.gather(*(one(i) for i in range(opts.sources)))
                assert set(codes) == {304}, set(codes)

            asyncio.run(go())

        changed, _ = measure(f"changed ({opts.sources} pages)", changed_cycle)
        unchanged, _ = measure("unchanged (all 304)", unchanged_cycle)
        measure("bare httpx, the same 304s", bare_304)  # its CPU time and memory
        ours_times, bare_times = [], []
        for _ in range(opts.repeats):  # interleaved, so both see the same machine
            for times, run in ((ours_times, unchanged_cycle), (bare_times, bare_304)):
                started = time.perf_counter()
                run()
                times.append(time.perf_counter() - started)
        print(
            f"all 304, {opts.repeats} interleaved repeats, min / median: ours {min(ours_times):.2f} / "
            f"{statistics.median(ours_times):.2f} s, bare httpx {min(bare_times):.2f} / "
            f"{statistics.median(bare_times):.2f} s"
        )
        outcomes = {h["outcome"] for h in store.fetch_history("s0", 2)}
        size = len(page_with_etag("/p/0", {})[2])
        print(
            f"pages of about {size // 1024} KB with {EVENTS_PER_PAGE} events; outcomes of s0: {sorted(outcomes)}; "
            f"events stored: {len(store.all_events())}"
        )
        print(f"requests/s: changed {opts.sources / changed:.0f}, unchanged {opts.sources / unchanged:.0f}")
        cpu_changed, cpu_unchanged = CPU[f"changed ({opts.sources} pages)"], CPU["unchanged (all 304)"]
        print(
            f"unchanged / changed: {unchanged / changed:.1%} of the wall time, {cpu_unchanged / cpu_changed:.1%} "
            "of our CPU time (target < 10%)"
        )
        fetch_cli, start_up = events_fetch_vs_start_up(path, opts.sources)
        print(
            f"events fetch, all 304: {fetch_cli:.2f} s, of which start-up {start_up:.2f} s (imports, config, "
            f"store): its cycle and publish {fetch_cli - start_up:.2f} s vs the cycle in-process (as in events "
            f"run) {unchanged:.2f} s"
        )
        cpu_bare = CPU["bare httpx, the same 304s"]
        print(
            f"unchanged / bare httpx: {statistics.median(ours_times) / statistics.median(bare_times):.2f}x of the "
            "wall time (medians; target ≤ 1.5x), "
            f"{cpu_unchanged / cpu_bare:.1f}x of the CPU time (claims, records and robots.txt are ours alone)"
        )
    server.terminate()


if __name__ == "__main__":
    main()
