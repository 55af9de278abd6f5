"""One log format for the whole process: with LOG_FORMAT=json every line `events run` writes (ours,
uvicorn's, APScheduler's) is one JSON object with time, level, logger and message; Alembic's set-up of a
new database is not INFO chatter."""

from __future__ import annotations

import json
import signal
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import fixture_text, run_events, write_config
from tests.helpers import first_fetch, free_port, running
from tests.site import TestSite


def test_json_logs_are_one_object_per_line_from_every_part(
    tmp_path: Path, site: TestSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.set("/", fixture_text("union-banners.html"))
    port = free_port()
    config = write_config(
        tmp_path,
        f'[[sources]]\nid = "fmpa"\nurl = "{site.url}/"\ninterval = "1m"\n',
        service=f'listen = "127.0.0.1:{port}"',
    )
    monkeypatch.setenv("LOG_FORMAT", "json")
    with running(config, "run", port) as proc:
        first_fetch(port)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        lines = (proc.stdout.read() if proc.stdout else "").splitlines()
    records = [json.loads(line) for line in lines]  # every line parses
    for record in records:
        assert set(record) >= {"time", "level", "logger", "message"}, record
        assert datetime.fromisoformat(record["time"]).tzinfo is not None
    loggers = {r["logger"] for r in records}
    assert {"uvicorn.access", "eventfeed"} <= loggers
    assert "uvicorn.error" not in loggers  # its lifecycle lines: the service says its own one at each end
    assert records[0]["message"].startswith("eventfeed ") and " · serving http://127.0.0.1:" in records[0]["message"]
    assert not any(r["logger"].startswith("alembic") for r in records)  # a new database: DEBUG only
    assert any(r["message"].startswith("fmpa: 5 events found") for r in records)


def test_text_logs_by_default_and_a_bad_format_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[[sources]]\nid = "a"\nurl = "https://example.org/"\n')
    proc = run_events("--log-format", "xml", "sources", config=None, check=False)
    assert proc.returncode == 2 and "'xml' is not one of 'text', 'json'" in proc.stderr
    proc = run_events("db", "status", config=config, check=False)
    assert "alembic" not in proc.stderr
