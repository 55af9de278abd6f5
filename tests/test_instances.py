"""Several instances on one database share the work: each source fetched once per slot, each change
notified once. Three instances run side by side (each its own store connection, fetcher and event
loop) for a few slots against a local site and a local Slack."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from events.config import load_config
from events.service import run_cycle
from events.store import Store
from events.store.schema import sources
from feeds.slack import outbox
from feeds.slack.client import SlackClient
from tests.conftest import write_config
from tests.site import TestSite
from tests.slack_server import FakeSlack
from tests.test_cycle import page

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
