"""What goes wrong around the service (a folder that cannot be made, a feed folder that cannot be
written, a broken export) is one line that says so, never a traceback, and loses nothing stored."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.conftest import run_events, write_config
from tests.site import TestSite
from tests.test_cycle import BASE, page


def one_line_error(proc) -> str:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_a_database_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file, not a folder")
    config = write_config(
        tmp_path,
        '[[sources]]\nid = "a"\nurl = "https://a.org/"\n',
        service='database_url = "sqlite:///blocker/db/x.db"',
    )
    line = one_line_error(run_events("sources", config=config, check=False))
    assert "cannot create the database folder" in line and "blocker" in line


def test_a_feeds_folder_that_cannot_be_written_keeps_the_store(tmp_path: Path, site: TestSite) -> None:
    site.set("/events", page(BASE))
    (tmp_path / "blocker").write_text("a file, not a folder")
    config = write_config(
        tmp_path,
        f'[[sources]]\nid = "union"\nurl = "{site.url}/events"\n[fetch]\nhost_delay = 0\n',
        service='feeds_dir = "blocker/feeds"',
    )
    line = one_line_error(run_events("build", config=config, check=False))
    assert "cannot write feeds to" in line and "blocker" in line
    fetched = run_events("fetch", config=config, check=False)
    assert fetched.returncode == 1 and "3 new" in fetched.stdout
    assert "feeds not updated" in fetched.stderr and "Traceback" not in fetched.stderr
    assert "3" in run_events("sources", config=config).stdout.splitlines()[1].split()  # stored


def test_import_and_export_with_bad_files(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[[sources]]\nid = "a"\nurl = "https://a.org/"\n')
    (tmp_path / "garbage.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert "not an eventfeed export" in one_line_error(
        run_events("import", "garbage.jsonl", config=config, check=False)
    )
    (tmp_path / "wrong.jsonl").write_text('{"table": "events", "row": [1, 2]}\n')
    assert "line 1: not an eventfeed export record" in one_line_error(
        run_events("import", "wrong.jsonl", config=config, check=False)
    )
    proc = run_events("export", "no/such/folder.jsonl", config=config, check=False)
    assert "cannot write the export" in one_line_error(proc)


def test_feed_files_are_readable_by_a_web_server(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[[sources]]\nid = "a"\nurl = "https://a.org/"\n')
    run_events("build", config=config)
    for name in ("all.ics", "all.json"):
        mode = stat.S_IMODE((tmp_path / "data" / "feeds" / name).stat().st_mode)
        assert mode == 0o644, oct(mode)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deep to read"),
        ('[[sources]]\nid = "a"\nurl = "http://127.0.0.1:99999/"\n', "has a port outside 1-65535"),
        ('[[sources]]\nid = "a"\nurl = "https://a.org/"\n[[feeds]]\nid = "schema"\n', "taken by /feeds/schema.json"),
        (
            '[[sources]]\nid = "a"\nurl = "https://a.org/"\n[[feeds]]\nid = "all-booking"\n',
            "taken by the booking calendar of feed 'all'",
        ),
        (
            '[[sources]]\nid = "a"\nurl = "https://a.org/"\n[[sources.fixes]]\non = "2027-02-30"\ntitle = "X"\n',
            "'2027-02-30' is not a day of the calendar",
        ),
        ('[[sources]]\nid = "a"\nurl = "https://a.org/"\ncron = "0 7 * * *"\ninterval = "6h"\n', "cron or interval"),
    ],
    ids=["deep-array", "port", "schema-feed", "booking-feed", "no-such-day", "cron-and-interval"],
)
def test_config_mistakes_are_one_line_before_anything_runs(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    assert said in one_line_error(run_events("config", "check", config=path, check=False))


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'\xef\xbb\xbf[[sources]]\nid = "a"\nurl = "https://a.org/"\n')
    assert "fine: 1 sources" in run_events("config", "check", config=path).stdout
