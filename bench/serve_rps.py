"""Requests per second for all.ics (200 and 304) from our web app and from a minimal Starlette app
serving the same bytes, both under uvicorn on loopback, measured in the same run by ``wrk`` (or, without
it, several client processes). Both are asked for the plain body (no gzip), which is checked to be the
same bytes; repeats are interleaved and min / median printed.

    python -m bench.serve_rps [--events N] [--seconds S] [--repeats R]
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

from bench.local import free_port


def serve_minimal(path: str, port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    body = Path(path).read_bytes()

    async def ics(request):
        return Response(body, media_type="text/calendar; charset=utf-8")

    uvicorn.run(Starlette(routes=[Route("/feeds/all.ics", ics)]), host="127.0.0.1", port=port, log_level="warning")


def wrk(url: str, seconds: float, headers: dict[str, str]) -> float:
    """Requests per second by ``wrk`` (apt install wrk): one C thread, eight connections, so the load
    generator is not what limits a Python server."""
    extra = [arg for key, value in headers.items() for arg in ("-H", f"{key}: {value}")]
    out = subprocess.run(
        ["wrk", "-t1", "-c8", f"-d{seconds:g}s", *extra, url], capture_output=True, text=True, check=True
    ).stdout
    assert "Non-2xx or 3xx responses" not in out and "Socket errors" not in out, out
    return float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))


def clients(url: str, seconds: float, headers: dict[str, str], processes: int = 4) -> float:
    """Without wrk: several client processes, each with its own keep-alive connection."""
    with multiprocessing.Pool(processes) as pool:
        return sum(pool.starmap(_client, [(url, seconds, headers)] * processes))


def _client(url: str, seconds: float, headers: dict[str, str]) -> float:
    done = 0
    with httpx.Client(timeout=10, headers=headers) as client:
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            response = client.get(url)
            assert response.status_code in (200, 304), response.status_code
            done += 1
        return done / (time.perf_counter() - start)


def waits_during_cold_renders(feed_url: str, repeats: int) -> list[float]:
    """How long the feed file takes while a query nobody asked before is being rendered (each time a
    new one: a tracking parameter makes it another question with the same answer)."""
    waits = []
    with ThreadPoolExecutor(1) as background:
        for i in range(repeats):
            cold = background.submit(httpx.get, f"{feed_url}?upcoming=0&utm_source=cold{i}", timeout=120)
            time.sleep(0.1)  # the query has reached the server and its rendering has begun
            started = time.perf_counter()
            answer = httpx.get(feed_url, timeout=30)
            waits.append(time.perf_counter() - started)
            assert answer.status_code == 200 and len(answer.content) > 0
            assert not cold.done(), "the query was answered before the file: nothing was measured"
            assert cold.result().status_code == 200
    return waits


def wait_up(url: str) -> None:
    for _ in range(100):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    opts = parser.parse_args()
    from bench.feeds_build import load
    from events.config.loading import load_config
    from events.store import Store
    from feeds.build import build_feeds

    ours, minimal = free_port(), free_port()
    with TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "config.toml"
        config_path.write_text(
            f'[service]\ndatabase_url = "sqlite:///{tmp}/db.sqlite"\nfeeds_dir = "{tmp}/feeds"\n'
            f'listen = "127.0.0.1:{ours}"\npast_days = 36500\nfuture_days = 36500\n'
            + "".join(f'[[sources]]\nid = "s{s}"\nurl = "https://org.example/s{s}"\n' for s in range(10))
        )
        config = load_config(config_path)
        store = Store(config.service.database_url)
        load(store, opts.events)
        build_feeds(config, store)
        ics_path = config.service.feeds_dir / "all.ics"
        ours_command = [sys.executable, "-m", "events.cli", "--config", str(config_path), "--log-level", "warning"]
        procs: list[Any] = [subprocess.Popen([*ours_command, "serve"], cwd=tmp)]  # as people run it
        procs.append(multiprocessing.Process(target=serve_minimal, args=(str(ics_path), minimal), daemon=True))
        procs[-1].start()
        try:
            urls = {"eventfeed": f"http://127.0.0.1:{ours}/feeds/all.ics"}
            urls["minimal starlette"] = f"http://127.0.0.1:{minimal}/feeds/all.ics"
            bodies = set()
            for url in urls.values():
                wait_up(url)
                bodies.add(httpx.get(url, headers={"Accept-Encoding": "identity"}).content)
            assert bodies == {ics_path.read_bytes()}, "the two servers must serve the same bytes"
            etag = httpx.get(urls["eventfeed"]).headers["etag"]
            load = wrk if shutil.which("wrk") else clients
            results: dict[tuple[str, str], list[float]] = {}
            query = urls["eventfeed"] + "?upcoming=0"  # a query: the whole feed, rendered once per store version
            answered = httpx.get(query, headers={"Accept-Encoding": "identity"}, timeout=120).content
            assert answered.count(b"BEGIN:VEVENT") == opts.events, "the query must show every event"
            for _ in range(opts.repeats):
                for name, url in urls.items():
                    results.setdefault((name, "200"), []).append(load(url, opts.seconds, {}))
                    results.setdefault((name, "304"), []).append(load(url, opts.seconds, {"If-None-Match": etag}))
                results.setdefault(("eventfeed", "?upcoming=0"), []).append(load(query, opts.seconds, {}))
            waits = waits_during_cold_renders(urls["eventfeed"], opts.repeats)
            alone = []
            for _ in range(opts.repeats):
                started = time.perf_counter()
                assert httpx.get(urls["eventfeed"], timeout=30).status_code == 200
                alone.append(time.perf_counter() - started)
            print(
                f"all.ics with {opts.events} events ({ics_path.stat().st_size} bytes, both servers, no gzip), "
                f"loopback, load by {'wrk' if load is wrk else 'client processes'}, {opts.seconds:g} s x "
                f"{opts.repeats} interleaved repeats, req/s min / median"
            )
            for (name, kind), rates in results.items():
                shown = kind if name == "eventfeed" or kind == "200" else "If-None-Match: 200 (no ETags)"
                print(f"{name:18} {shown:30} {min(rates):8.0f} / {statistics.median(rates):8.0f}")
            rate = {key: statistics.median(rates) for key, rates in results.items()}
            ours_ok, base_ok = rate[("eventfeed", "200")], rate[("minimal starlette", "200")]
            print(
                f"eventfeed / minimal, 200: {ours_ok / base_ok:.2f}; eventfeed 304 / 200: "
                f"{rate[('eventfeed', '304')] / ours_ok:.2f}; a repeated query's time / the file's: "
                f"{ours_ok / rate[('eventfeed', '?upcoming=0')]:.2f}x (target ≤ 2x)"
            )
            print(
                f"the file asked for while a new query renders ({opts.repeats} times): answered in "
                f"{max(waits) * 1000:.0f} ms at most, {statistics.median(waits) * 1000:.0f} ms median "
                f"(target ≤ 50 ms); with nothing else to do, {statistics.median(alone) * 1000:.0f} ms"
            )
        finally:
            for proc in procs:
                proc.terminate()


if __name__ == "__main__":
    main()
