"""A soak of `events run`, bounded in time: 200 local sources on one-minute intervals (about 6,400
events), about 30% of pages changing at each request, some answering 500 and some slowly. It prints
the share of scheduled fetches made, /healthz latency (median, p99, max, sampled every 0.25 s) and the
service's RSS after warm-up and at the end, and checks what it measured (events stored, fetches seen).
Latency is given for the whole run and for the part after the first minute: in the first minute every
source is new, so all events are read, stored and rendered at once.

    python -m bench.soak [--minutes 4] [--sources 200]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from bench.local import free_port, serve_pages, wait_until_serving

EVENTS = 32
CARD = '<li><h3><a href="/e/{i}-{k}">Meeting {k} of branch {i}</a></h3><p>{d} March 2030</p><p>{status}</p></li>'


SEEN: Path | None = None  # the page server's log of requests: "source seconds status" per line


def site(port: int, seen: Path) -> None:
    global SEEN
    SEEN = seen
    serve_pages(port, changing_page)


def logged(path: str, status: int) -> None:
    if SEEN is not None:
        with SEEN.open("a") as log:  # one short write per line, appended: lines do not interleave
            log.write(f"{path.rsplit('/', 1)[-1]} {time.time():.3f} {status}\n")


def changing_page(path: str, headers: Mapping[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Pages that change about 30% of the time (a booking status moves), 3% errors, 3% slow."""
    roll = random.random()
    logged(path, 500 if roll < 0.03 else 200)
    if roll < 0.03:
        return 500, {}, b"busy"
    if roll < 0.06:
        time.sleep(2)
    i = path.rsplit("/", 1)[-1]
    changed = random.random() < 0.3
    cards = "".join(
        CARD.format(i=i, k=k, d=k % 28 + 1, status="Sold out" if changed and k == 0 else "Book now")
        for k in range(EVENTS)
    )
    return 200, {}, f"<html><body><h1>Events</h1><ul>{cards}</ul></body></html>".encode()


def spread(latencies: list[float]) -> str:
    if not latencies:
        return "no requests"
    latencies = sorted(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    median = statistics.median(latencies)
    return (
        f"{len(latencies)} requests, median {median * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )


def hourly(seen: Path, after: float, until: float) -> tuple[list[float], list[float]]:
    """Each source's fetches per hour from ``after`` to ``until`` (requests within 10 s of each other are
    one fetch, its retry): for every source, and for those that never answered 500 in that time."""
    times: dict[str, list[float]] = {}
    failed: set[str] = set()
    for line in seen.read_text().splitlines():
        source, at, status = line.split()
        if after <= float(at) <= until:
            times.setdefault(source, []).append(float(at))
            if status != "200":
                failed.add(source)
    rates, clean = [], []
    for source, ats in times.items():
        ats.sort()
        fetches = [a for n, a in enumerate(ats) if n == 0 or a - ats[n - 1] > 10]
        if len(fetches) < 3:
            continue
        rate = (len(fetches) - 1) / (fetches[-1] - fetches[0]) * 3600  # first to last: no edge effects
        rates.append(rate)
        if source not in failed:
            clean.append(rate)
    return rates, clean


def per_hour(rates: list[float]) -> str:
    if not rates:
        return "none"
    rates = sorted(rates)
    within = sum(59 <= r <= 61 for r in rates)
    return (
        f"{len(rates)} sources: median {statistics.median(rates):.1f}, min {rates[0]:.1f}, max {rates[-1]:.1f}; "
        f"{within} ({within / len(rates):.0%}) within 60 ± 1"
    )


def rss_mib(pid: int) -> float:
    """The resident memory of the process and its children (the publishing process)."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += rss_mib(int(child))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=4)
    parser.add_argument("--sources", type=int, default=200)
    opts = parser.parse_args()
    site_port, port = free_port(), free_port()
    with TemporaryDirectory() as tmp:
        seen = Path(tmp) / "requests.log"
        pages = multiprocessing.Process(target=site, args=(site_port, seen), daemon=True)
        pages.start()
        config = Path(tmp) / "config.toml"
        config.write_text(
            f'[service]\ndatabase_url = "sqlite:///{tmp}/soak.db"\nfeeds_dir = "{tmp}/feeds"\n'
            f'listen = "127.0.0.1:{port}"\npast_days = 36500\nfuture_days = 36500\n'
            "[fetch]\nhost_delay = 0\nper_host = 20\nconcurrency = 20\nretries = 1\ntimeout = 20\n"
            + "".join(
                f'[[sources]]\nid = "s{i}"\nurl = "http://127.0.0.1:{site_port}/p/{i}"\ninterval = "1m"\n'
                for i in range(opts.sources)
            )
        )
        service = subprocess.Popen(
            [sys.executable, "-m", "events.cli", "--config", str(config), "--log-level", "warning", "run"],
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        latencies: list[tuple[float, float]] = []  # (seconds since the start, latency)
        rss: list[tuple[float, float]] = []
        try:
            wait_until_serving(port, 30)
            started, wall_start = time.monotonic(), time.time()
            end = started + opts.minutes * 60
            with httpx.Client(timeout=10) as client:
                while time.monotonic() < end:
                    t = time.perf_counter()
                    assert client.get(f"http://127.0.0.1:{port}/healthz").status_code in (200, 503)
                    latencies.append((time.monotonic() - started, time.perf_counter() - t))
                    if not rss or time.monotonic() - rss[-1][0] >= 10:
                        rss.append((time.monotonic(), rss_mib(service.pid)))
                    time.sleep(0.25)
                metrics = client.get(f"http://127.0.0.1:{port}/metrics").text
        finally:
            service.send_signal(signal.SIGTERM)
            errors = service.communicate(timeout=30)[1]
            pages.terminate()
        rates, clean = hourly(seen, wall_start + 60, time.time())
        made = sum(
            float(line.rsplit(" ", 1)[1])
            for line in metrics.splitlines()
            if line.startswith("eventfeed_fetches_total{") and 'outcome="skipped"' not in line
        )
        stored = sum(
            float(line.rsplit(" ", 1)[1])
            for line in metrics.splitlines()
            if line.startswith("eventfeed_events_stored{")
        )
    # every source is first due 1-6 s after the start (3.5 s on average), then once a minute (± 6 s)
    scheduled = opts.sources * (math.floor((opts.minutes * 60 - 3.5) / 60) + 1)
    warm = [m for t, m in rss if t - started >= 60] or [m for _, m in rss]
    assert stored >= opts.sources * EVENTS * 0.9, stored
    assert made > 0, "no fetch counted"
    assert "Traceback" not in errors, errors[-2000:]
    print(f"{opts.sources} sources on 1-minute intervals for {opts.minutes:g} minutes; {stored:.0f} events stored")
    print(f"fetches made / scheduled: {made:.0f} / {scheduled} = {made / scheduled:.0%}   (target ≥ 90%)")
    print(f"fetches per source per hour after the first minute, at the pages: {per_hour(rates)}")
    print(f"  sources that never answered 500 (the schedule alone): {per_hour(clean)}   (target 60 ± 1)")
    print(f"/healthz over the whole run: {spread([d for _, d in latencies])}   (target p99 ≤ 200 ms)")
    print(f"/healthz after the first minute: {spread([d for t, d in latencies if t >= 60])}")
    print(
        f"RSS (with its children) after warm-up {warm[0]:.0f} MiB, at the end {warm[-1]:.0f} MiB "
        f"(max {max(warm):.0f} MiB)"
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
