"""Requests per second for all.ics (200 and 304) from our web app and from a minimal Starlette app
serving the same bytes, both under uvicorn on loopback, measured in the same run.

    python bench/serve_rps.py [--events N] [--seconds S]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from bench.local import free_port


def serve_ours(config_path: str, port: int) -> None:
    import uvicorn

    from events.config import load_config
    from events.store import Store
    from feeds.web import create_app

    config = load_config(config_path)
    uvicorn.run(
        create_app(config, Store(config.service.database_url)), host="127.0.0.1", port=port, log_level="warning"
    )


def serve_minimal(path: str, port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    body = Path(path).read_bytes()

    async def ics(request):
        return Response(body, media_type="text/calendar; charset=utf-8")

    uvicorn.run(Starlette(routes=[Route("/feeds/all.ics", ics)]), host="127.0.0.1", port=port, log_level="warning")


async def hammer(url: str, seconds: float, headers: dict[str, str], concurrency: int = 8) -> float:
    done = 0
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(timeout=10) as client:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                response = await client.get(url, headers=headers)
                response.raise_for_status() if response.status_code != 304 else None
                done += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - start)


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
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=3.0)
    opts = parser.parse_args()
    from bench.feeds_build import records
    from events.config import load_config
    from events.store import Store
    from feeds.build import build_feeds

    with TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "config.toml"
        config_path.write_text(
            '[service]\ndatabase_url = "sqlite:///db.sqlite"\nfeeds_dir = "feeds"\n'
            '[[sources]]\nid = "s0"\nurl = "https://org.example/"\n'
        )
        config = load_config(config_path)
        store = Store(config.service.database_url)
        from events.reconcile import Plan, Write
        from events.store import FetchResult, utcnow

        store.ensure_sources([("s0", "https://org.example/", "s0")])
        plan = Plan(writes=[Write(i.event, new=True, visible=True) for i in records(opts.events)])
        store.record_fetch("s0", FetchResult("page", utcnow(), utcnow(), 200), plan)
        build_feeds(config, store)
        ics_path = config.service.feeds_dir / "all.ics"
        ours, minimal = free_port(), free_port()
        procs = [
            multiprocessing.Process(target=serve_ours, args=(str(config_path), ours), daemon=True),
            multiprocessing.Process(target=serve_minimal, args=(str(ics_path), minimal), daemon=True),
        ]
        for proc in procs:
            proc.start()
        try:
            results = {}
            for name, port in (("eventfeed", ours), ("minimal starlette", minimal)):
                url = f"http://127.0.0.1:{port}/feeds/all.ics"
                wait_up(url)
                etag = httpx.get(url).headers.get("etag", '"none"')
                results[name] = (
                    asyncio.run(hammer(url, opts.seconds, {})),
                    asyncio.run(hammer(url, opts.seconds, {"If-None-Match": etag})),
                )
            print(
                f"all.ics with {opts.events} events ({ics_path.stat().st_size} bytes), loopback, "
                f"{opts.seconds:.0f} s each"
            )
            for name, (ok, not_modified) in results.items():
                print(f"{name:18} 200: {ok:8.0f} req/s   304 (or 200 without ETag support): {not_modified:8.0f} req/s")
            ours_ok, ours_304 = results["eventfeed"]
            base_ok, _ = results["minimal starlette"]
            print(
                f"ratio eventfeed/minimal for 200: {ours_ok / base_ok:.2f}; our 304 vs our 200: "
                f"{ours_304 / ours_ok:.2f}x"
            )
        finally:
            for proc in procs:
                proc.terminate()


if __name__ == "__main__":
    main()
