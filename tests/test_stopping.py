"""Stopping `events run` under load: SIGTERM while fetches are downloading and feeds are being rebuilt.
The process exits 0 within 10 s, says so in one line, logs no traceback, and leaves whole feed files."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

from icalendar import Calendar

from tests.conftest import write_config
from tests.helpers import free_port, running
from tests.site import Answer, TestSite
from tests.test_cycle import page

SLOW, BUSY = 8, 8


def test_sigterm_under_load_stops_within_ten_seconds_in_one_line(tmp_path: Path, site: TestSite) -> None:
    many = {f"k{k}": (f"Meeting number {k}", f"{k % 28 + 1} March 2030", "Town Hall", "Book now") for k in range(300)}
    for i in range(SLOW):
        site.set(f"/slow{i}", Answer(body=page(many), delay=60))
    for i in range(BUSY):  # each finds 300 new events: every one of them rebuilds the big feed
        site.set(f"/busy{i}", page({f"{i}-{k}": v for k, v in many.items()}))
    blocks = "".join(
        f'[[sources]]\nid = "{kind}{i}"\nurl = "{site.url}/{kind}{i}"\ninterval = "1m"\n'
        for kind, n in (("slow", SLOW), ("busy", BUSY))
        for i in range(n)
    )
    port = free_port()
    config = write_config(tmp_path, blocks, service=f'listen = "127.0.0.1:{port}"')
    config.write_text(config.read_text() + "\n[fetch]\nhost_delay = 0\nper_host = 20\nconcurrency = 20\n")
    feed = tmp_path / "data" / "feeds" / "all.ics"
    with running(config, "run", port) as proc:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:  # every slow page asked for, and the first big rebuild written
            slow = sum(site.hits(f"/slow{i}") for i in range(SLOW))
            if slow == SLOW and feed.exists() and feed.stat().st_size > 100_000:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the load did not build up")
        proc.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        code = proc.wait(timeout=30)
        took = time.monotonic() - stopped
        out = proc.stdout.read() if proc.stdout else ""
    assert code == 0, out
    assert took < 10, f"stopping took {took:.1f} s"
    assert "Traceback" not in out and "CancelledError" not in out and "raised an exception" not in out, out
    said = [line for line in out.splitlines() if "stopping:" in line]
    assert len(said) == 1, out
    abandoned = re.search(r"stopping: (\d+) fetches in progress abandoned", said[0])
    assert abandoned and int(abandoned.group(1)) >= SLOW, said[0]
    Calendar.from_ical(feed.read_bytes())  # a whole file, old or new
