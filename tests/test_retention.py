"""Retention on both stores: `events db prune` removes old fetch records, old history, long-removed and
long-past events, says how many in one line, keeps what feeds and Slack still need, and an archive page
does not bring a pruned event back as new."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Table, func, select, update

from events.config.loading import load_config
from events.service.scheduler import run_cycle
from events.store import Store
from events.store.schema import changes, events, fetches
from tests.conftest import run_events, write_config
from tests.site import TestSite
from tests.test_cycle import page

THEN = datetime.now(UTC) - timedelta(days=400)
PAST = (datetime.now(UTC) - timedelta(days=400)).strftime("%-d %B %Y")
SOON = (datetime.now(UTC) + timedelta(days=60)).strftime("%-d %B %Y")
LATER = (datetime.now(UTC) + timedelta(days=90)).strftime("%-d %B %Y")


def count(store: Store, table: Table) -> int:
    with store.begin() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_prune_forgets_what_retention_does_not_keep(tmp_path: Path, site: TestSite, database_url: str) -> None:
    listing = {
        "old": ("Annual dinner", PAST, "Guildhall", ""),
        "soon": ("Reps training day", SOON, "Unity House", "Book now"),
        "gone": ("Branch meeting", LATER, "Town Hall", ""),
    }
    site.set("/events", page(listing))
    path = write_config(
        tmp_path,
        f'[[sources]]\nid = "union"\nurl = "{site.url}/events"\n',
        service=f'database_url = "{database_url}"\npast_days = 30\nremoval_after = 1',
    )
    path.write_text(path.read_text() + "\n[fetch]\nhost_delay = 0\n[retention]\npast_events_days = 3650\n")
    config = load_config(path)
    store = Store(config.service.database_url)
    store.ensure_sources([("union", f"{site.url}/events", "union")])

    def cycle() -> list:
        return asyncio.run(run_cycle(config, store, config.sources, lambda touched: None))[0].changes

    try:
        assert len(cycle()) == 3
        site.set("/events", page({k: v for k, v in listing.items() if k != "gone"}))
        assert [c.kind for c in cycle()] == ["removed"]
        # a year passes: the fetch records, the history and the removal are all old
        with store.begin(write=True) as conn:
            conn.execute(update(fetches).values(started_at=THEN, finished_at=THEN))
            conn.execute(update(changes).values(at=THEN))
            conn.execute(update(events).where(events.c.removed_at.is_not(None)).values(removed_at=THEN))
        newest_change = max(r["id"] for r in store.changes_since(0))
        path.write_text(path.read_text().replace("past_events_days = 3650", "past_events_days = 90"))
        config = load_config(path)
        assert count(store, fetches) == 2

        proc = run_events("db", "prune", config=path)
        assert proc.stdout.strip() == "pruned 2 fetch records, 3 changes, 2 events, 0 Slack messages"
        titles = {s.event.title for s in store.all_events(include_removed=True)}
        assert titles == {"Reps training day"}  # the past dinner and the removed meeting are gone
        assert [r["id"] for r in store.changes_since(0)] == [newest_change]  # the source's latest stays
        assert count(store, fetches) == 0

        # the page still lists last year's dinner: it is not announced again as new
        sold_out = ("Reps training day", SOON, "Unity House", "Sold out")
        site.set("/events", page({"old": listing["old"], "soon": sold_out}))
        assert [c.kind for c in cycle()] == ["booking"]
        assert run_events("db", "prune", config=path).stdout.strip().startswith("pruned 0 fetch records")
    finally:
        store.close()


def test_retention_settings_are_checked(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[[sources]]\nid = "a"\nurl = "https://example.org/"\n')
    path.write_text(path.read_text() + "\n[retention]\nfetch_history_days = 0\n")
    proc = run_events("sources", config=path, check=False)
    assert proc.returncode != 0
    assert "retention.fetch_history_days: 0 is out of range (use 1 to 36500)" in proc.stderr
    path.write_text(path.read_text().replace("fetch_history_days = 0", "fetch_history = 5"))
    proc = run_events("sources", config=path, check=False)
    assert "retention" in proc.stderr and "fetch_history" in proc.stderr
