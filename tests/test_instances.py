"""Several instances on one database share the work: each source fetched once per slot, each change
notified once. Three instances run side by side (each its own store connection, fetcher and event
loop) for a few slots against a local site and a local Slack."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from events.config.loading import load_config
from events.service.scheduler import run_cycle
from events.store import Store
from events.store.schema import sources
from feeds import outbox
from feeds.slack.client import SlackClient
from tests.conftest import run_events, write_config
from tests.helpers import free_port, running
from tests.site import Answer, TestSite
from tests.slack_server import FakeSlack
from tests.test_cycle import BASE, page

SOURCES = 6


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    server = FakeSlack()
    yield server
    server.stop()


def test_three_instances_fetch_each_source_once_per_slot(
    tmp_path: Path, site: TestSite, slack: FakeSlack, database_url: str
) -> None:
    blocks = "".join(f'[[sources]]\nid = "s{i}"\nurl = "{site.url}/p{i}"\ninterval = "1h"\n' for i in range(SOURCES))
    path = write_config(tmp_path, blocks, service=f'database_url = "{database_url}"')
    path.write_text(
        path.read_text() + f"\n[fetch]\nhost_delay = 0\nper_host = 6\n[slack]\nwebhook_url = "
        f'"{slack.webhook}"\ndigest_after = 50\n'
    )
    config = load_config(path)
    stores = [Store(config.service.database_url) for _ in range(3)]
    stores[0].ensure_sources((s.id, s.url, s.name) for s in config.sources)
    clients = [SlackClient(config.slack) for _ in stores]

    def instance(n: int, barrier: threading.Barrier, reports: list) -> None:
        barrier.wait()
        got = asyncio.run(
            run_cycle(
                config, stores[n], config.sources, lambda touched: None, force=False, instance=f"test-instance-{n}"
            )
        )
        reports.extend(got)
        outbox.enqueue(config, stores[n])
        outbox.deliver(config, stores[n], clients[n].send, clients[n].confirm)

    try:
        for slot in range(3):
            for i in range(SOURCES):  # each slot the pages change: one more event each time
                site.set(
                    f"/p{i}",
                    page(
                        {f"k{k}": (f"Meeting {i}-{k}", f"{k + 1} March 2030", "Town Hall", "") for k in range(slot + 1)}
                    ),
                )
            before = Counter(r.path for r in site.requests)
            barrier, reports = threading.Barrier(3), []
            threads = [threading.Thread(target=instance, args=(n, barrier, reports)) for n in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            fetched = Counter(r.path for r in site.requests) - before
            assert {f"/p{i}": fetched[f"/p{i}"] for i in range(SOURCES)} == {f"/p{i}": 1 for i in range(SOURCES)}
            outcomes = Counter(r.outcome for r in reports)
            assert outcomes["page"] == SOURCES and outcomes["skipped"] == 2 * SOURCES
            # the next slot: as if half an interval had passed
            with stores[0].begin(write=True) as conn:
                conn.execute(update(sources).values(last_fetch_at=datetime.now(UTC) - timedelta(hours=1)))
        texts = [m["text"] for m in slack.messages]
        assert len(texts) == len(set(texts)) == SOURCES * 3  # a summary, then one new event, twice
        assert len(stores[0].all_events()) == SOURCES * 3
    finally:
        for store in stores:
            store.close()


def _claims_config(tmp_path: Path, site: TestSite, database_url: str, lease: int) -> Path:
    path = write_config(
        tmp_path,
        f'[[sources]]\nid = "slow"\nurl = "{site.url}/slow"\ninterval = "1h"\n',
        service=f'database_url = "{database_url}"',
    )
    path.write_text(
        path.read_text() + f"\n[fetch]\nhost_delay = 0\nretries = 0\nread_timeout = 30\nclaim_lease = {lease}\n"
    )
    return path


def _wait_for_request(site: TestSite, path: str, before: int = 0) -> None:
    deadline = time.monotonic() + 30
    while site.hits(path) <= before:
        assert time.monotonic() < deadline, f"no request for {path}"
        time.sleep(0.05)


def test_a_frozen_instance_loses_its_claim_after_one_lease(tmp_path: Path, site: TestSite, database_url: str) -> None:
    """A holder that stops renewing (frozen here with SIGSTOP; killed on another host is the same) holds the
    source for one lease, not for timeout × retries; its PID still exists, so only the lease can free it."""
    site.set("/slow", Answer(200, page(BASE), delay=60))
    path = _claims_config(tmp_path, site, database_url, lease=2)
    config = load_config(path)
    store = Store(config.service.database_url)
    holder = subprocess.Popen(
        [sys.executable, "-m", "events.cli", "--config", str(path), "fetch"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_request(site, "/slow")
        holder.send_signal(signal.SIGSTOP)
        state = store.source_state("slow")
        assert state is not None and state["claimed_by"]
        site.set("/slow", page(BASE))
        late = None
        for _ in range(100):  # a second instance tries every 0.1 s, as its scheduler would, until it gets in
            [report] = asyncio.run(run_cycle(config, store, config.sources, lambda touched: None, instance="other"))
            if report.outcome != "skipped":
                late = report
                break
            time.sleep(0.1)
        assert late is not None and late.outcome == "page", "the frozen instance kept its claim"
        assert (datetime.now(UTC) - state["claimed_until"]) < timedelta(seconds=10)
    finally:
        holder.kill()
        holder.wait()
        store.close()


def test_a_slow_fetch_keeps_its_claim_while_it_runs(tmp_path: Path, site: TestSite, database_url: str) -> None:
    site.set("/slow", Answer(200, page(BASE), delay=4))
    config = load_config(_claims_config(tmp_path, site, database_url, lease=1))
    stores = [Store(config.service.database_url) for _ in range(2)]
    stores[0].ensure_sources((s.id, s.url, s.name) for s in config.sources)
    reports: list = []
    first = threading.Thread(
        target=lambda: reports.extend(
            asyncio.run(run_cycle(config, stores[0], config.sources, lambda touched: None, instance="first"))
        )
    )
    try:
        first.start()
        _wait_for_request(site, "/slow")
        time.sleep(2.5)  # more than two leases: only renewal keeps the claim
        [second] = asyncio.run(run_cycle(config, stores[1], config.sources, lambda touched: None, instance="second"))
        first.join()
        assert second.outcome == "skipped"
        assert [r.outcome for r in reports] == ["page"]
        assert site.hits("/slow") == 1
    finally:
        for store in stores:
            store.close()


def test_an_instance_serves_what_another_instance_stored(tmp_path: Path, site: TestSite, database_url: str) -> None:
    """Two instances, one database, separate feed folders: what one fetches, the other serves within a
    bounded delay, though its own scheduler found nothing."""
    site.set("/events", page(BASE))
    ports = [free_port(), free_port()]
    configs = []
    for name, port in zip("ab", ports, strict=True):
        (tmp_path / name).mkdir()
        configs.append(
            write_config(
                tmp_path / name,
                f'[[sources]]\nid = "union"\nurl = "{site.url}/events"\n',
                service=f'database_url = "{database_url}"\nlisten = "127.0.0.1:{port}"',
            )
        )
    run_events("fetch", config=configs[0])
    with running(configs[1], "serve", ports[1]):
        served = httpx.get(f"http://127.0.0.1:{ports[1]}/feeds/all.ics").text
        assert "Booking opens soon" in served
        filtered = f"http://127.0.0.1:{ports[1]}/feeds/all.json?source=union"
        assert "Booking opens soon" in httpx.get(filtered).text
        assert httpx.get(filtered).text == httpx.get(filtered).text  # answered again from memory
        site.set("/events", page({**BASE, "a": ("Reps training day", "12 March 2030", "Unity House", "Sold out")}))
        run_events("fetch", config=configs[0])
        deadline = time.monotonic() + 10
        while "Sold out" not in served:
            assert time.monotonic() < deadline, "the second instance still serves what the store no longer holds"
            time.sleep(0.2)
            served = httpx.get(f"http://127.0.0.1:{ports[1]}/feeds/all.ics").text
        assert "Booking opens soon" not in served
        assert "Sold out" in httpx.get(filtered).text  # a filtered answer is kept per store version
        assert (tmp_path / "b" / "data" / "feeds" / ".all.built").exists()
