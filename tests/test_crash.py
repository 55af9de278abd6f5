"""SIGKILL in the middle of a cycle: the store and the feed files are intact afterwards."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import run_events, write_config
from tests.helpers import vevents
from tests.site import Answer, TestSite
from tests.test_cycle import page

SOURCES = 12


def test_sigkill_mid_cycle_leaves_store_and_feeds_intact(tmp_path: Path, site: TestSite) -> None:
    blocks = "".join(f'[[sources]]\nid = "s{i}"\nurl = "{site.url}/p{i}"\n' for i in range(SOURCES))
    config = write_config(tmp_path, blocks)
    config.write_text(config.read_text() + "\n[fetch]\nhost_delay = 0\nper_host = 4\n")
    for i in range(SOURCES):
        site.set(f"/p{i}", page({"a": (f"Meeting {i}", "12 March 2030", "Town Hall", "")}))
    run_events("fetch", config=config)
    db = tmp_path / "data" / "events.db"
    feeds = tmp_path / "data" / "feeds"
    before = sqlite3.connect(db).execute("select count(*) from events").fetchone()[0]
    assert before == SOURCES

    for i in range(SOURCES):  # every page changes, slowly
        body = page(
            {
                "a": (f"Meeting {i}", "12 March 2030", "Town Hall", ""),
                "b": (f"Dinner {i}", "14 March 2030", "Guildhall", ""),
            }
        )
        site.set(f"/p{i}", Answer(body=body, delay=0.3 * (i % 4)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "events.cli", "--config", str(config), "fetch"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and sum(site.hits(f"/p{i}") for i in range(SOURCES)) < SOURCES + 4:
        time.sleep(0.02)
    time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    after = conn.execute("select count(*) from events where removed_at is null").fetchone()[0]
    conn.close()
    assert SOURCES <= after <= 2 * SOURCES  # nothing lost; some sources may have finished
    ics = (feeds / "all.ics").read_bytes()
    assert ics.endswith(b"END:VCALENDAR\r\n") and len(vevents(ics)) >= SOURCES
    json.loads((feeds / "all.json").read_text())

    run_events("fetch", config=config)  # and the next cycle finishes the job
    final = sqlite3.connect(db).execute("select count(*) from events where removed_at is null").fetchone()[0]
    assert final == 2 * SOURCES
    assert len(vevents((feeds / "all.ics").read_bytes())) == 2 * SOURCES
