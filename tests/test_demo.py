"""`events demo`: a full calendar within a minute, changes within the first cycles, nothing left behind,
and no network beyond the sample pages it serves itself on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
from icalendar import Calendar

from events.extract import extract_events
from events.service.demo import PAGES, SampleSite
from tests.helpers import free_port


def _coming(ics: bytes) -> int:
    today = date.today()
    days = [ve.decoded("dtstart") for ve in Calendar.from_ical(ics).walk("VEVENT")]
    return sum(1 for d in days if (d.date() if hasattr(d, "date") else d) >= today)


def test_the_demo_shows_a_full_calendar_then_changes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "events.cli", "demo", "--listen", f"127.0.0.1:{port}", "--step", "5"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        coming = 0
        while time.monotonic() - started < 60 and coming < 12:
            time.sleep(1)
            try:
                coming = _coming(httpx.get(f"{base}/feeds/all.ics", timeout=5).content)
            except (httpx.HTTPError, ValueError):
                continue
        assert coming >= 12, f"{coming} coming events after a minute"
        # the second cycle (a minute later) reads pages three steps on: booking opened, a date moved, a cancellation
        changed: set[str] = set()
        while time.monotonic() - started < 150 and len(changed) < 2:
            time.sleep(2)
            items = httpx.get(f"{base}/feeds/all.json", timeout=5).json()["items"]
            records = {i["_event"]["title"]: i["_event"] for i in items}
            if records.get("NDU Annual Conference", {}).get("booking") == "open":
                changed.add("booking opened")
            if records.get("Branch Annual Dinner", {}).get("event_status") == "cancelled":
                changed.add("cancelled")
        assert changed == {"booking opened", "cancelled"}
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert f"open http://127.0.0.1:{port}/" in out
    assert not list(tmp_path.glob("eventfeed-demo-*")), "the demo's folder is left behind"


def test_every_sample_page_reads_as_the_demo_promises() -> None:
    """Four shapes (promo strip, cards, table, JSON-LD), at least 12 coming events, and changes by step."""
    today = date.today()
    counts = {}
    for path, (source_id, _name, page) in PAGES.items():
        found = extract_events(page(today, 0), url=f"http://127.0.0.1:9{path}", today=today)
        later = {e.title: e for e in extract_events(page(today, 3), url=f"http://127.0.0.1:9{path}", today=today)}
        counts[source_id] = len(found)
        assert all(e.first_day >= today for e in found), source_id
        assert set(later) == {e.title for e in found}, source_id  # the same events, changed in place
    assert sum(counts.values()) >= 12 and min(counts.values()) >= 3
    site = SampleSite(step_seconds=3600)
    try:
        assert httpx.get(f"{site.url}/ndu/").status_code == 200
        assert httpx.get(f"{site.url}/robots.txt").status_code == 404
    finally:
        site.close()
