from __future__ import annotations

from pathlib import Path

import pytest

from events.config.loading import load_config
from events.config.models import parse_duration
from events.errors import ConfigError
from tests.conftest import ROOT, run_events

GOOD_SOURCE = """
[[sources]]
id = "hcsa"
url = "https://www.hcsa.com/"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    message = str(info.value)
    assert "\n" not in message
    return message


def test_the_shipped_config_is_valid() -> None:
    config = load_config(ROOT / "config.toml")
    assert config.sources[0].url == "https://www.hcsa.com/"
    assert len(config.sources) >= 3
    assert config.feed("all") is not None
    assert config.service.timezone == "Europe/London"


def test_defaults_and_relative_paths(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD_SOURCE))
    assert config.service.database_url == f"sqlite:///{tmp_path.resolve()}/var/eventfeed.db"
    assert config.service.feeds_dir == tmp_path.resolve() / "var" / "feeds"
    assert config.sources[0].interval == 6 * 3600
    assert [f.id for f in config.feeds] == ["all"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD_SOURCE + 'colour = "red"\n', "sources[0].colour: unknown key"),
        (
            '[[sources]]\nid = "a"\nurl = "ftp://example.org/"\n',
            "sources[0].url: 'ftp://example.org/' is not an http(s) URL",
        ),
        ('[[sources]]\nid = "a"\n', "sources[0].url: missing (required)"),
        (GOOD_SOURCE + GOOD_SOURCE, "sources[1].id: duplicate source id 'hcsa'"),
        (
            '[[sources]]\nid = "a"\nurl = "https://a.org/"\ninterval = "5x"\n',
            "sources[0].interval: '5x' is not a duration",
        ),
        (
            '[[sources]]\nid = "a"\nurl = "https://a.org/"\ninterval = "10s"\n',
            "sources[0].interval: '10s' is too short",
        ),
        ('[service]\ntimezone = "Mars/Olympus"\n' + GOOD_SOURCE, "service.timezone: 'Mars/Olympus' is not an IANA"),
        ('[service]\nlisten = "nowhere"\n' + GOOD_SOURCE, "service.listen: 'nowhere' is not HOST:PORT"),
        ("", "sources: missing (required)"),
        ("[[sources]\n", "not valid TOML"),
        (GOOD_SOURCE + '[[feeds]]\nid = "x"\nsources = ["nope"]\n', "feeds[0].sources: no source with id 'nope'"),
        ('[[sources]]\nid = "Bad Id"\nurl = "https://a.org/"\n', "sources[0].id: 'Bad Id' must be lower-case"),
        (
            GOOD_SOURCE + '[sources.selectors]\nitem = "div[["\n',
            "sources[0].selectors.item: 'div[[' is not a CSS selector",
        ),
        # every number has a type and a sane range
        (
            '[[sources]]\nid = "a"\nurl = "https://a.org/"\ninterval = 5.5\n',
            "sources[0].interval: 5.5 is not a duration",
        ),
        (
            '[[sources]]\nid = "a"\nurl = "https://a.org/"\ninterval = inf\n',
            "sources[0].interval: inf is not a duration",
        ),
        (
            '[[sources]]\nid = "a"\nurl = "https://a.org/"\ninterval = "99999999999999999999d"\n',
            "sources[0].interval: '99999999999999999999d' is too long",
        ),
        (GOOD_SOURCE + "[fetch]\ntimeout = 0\n", "fetch.timeout: 0 is out of range (use 1 to 600)"),
        (GOOD_SOURCE + "[fetch]\ntimeout = nan\n", "fetch.timeout: nan is out of range"),
        (GOOD_SOURCE + "[fetch]\nretries = 1e17\n", "fetch.retries: 1e+17 must be a whole number from 0 to 10"),
        (GOOD_SOURCE + "[fetch]\nretries = 99\n", "fetch.retries: 99 is out of range (use 0 to 10)"),
        (GOOD_SOURCE + "[fetch]\nmax_page_mb = -1\n", "fetch.max_page_mb: -1 is out of range"),
        (GOOD_SOURCE + "[fetch]\nconcurrency = true\n", "fetch.concurrency: True must be a whole number"),
        ("[service]\nremoval_after = 0\n" + GOOD_SOURCE, "service.removal_after: 0 is out of range (use 1 to 100)"),
        ("[service]\ncancelled_days = 1.5\n" + GOOD_SOURCE, "service.cancelled_days: 1.5 must be a whole number"),
        (
            '[[sources]]\nid = "a"\nurl = "https://a.org/"\nallow_hosts = ["http://x"]\n',
            "sources[0].allow_hosts: 'http://x' is not a host name or host:port",
        ),
    ],
)
def test_errors_name_the_file_the_key_and_the_problem(tmp_path: Path, text: str, expected: str) -> None:
    message = error_of(tmp_path, text)
    assert message.startswith(str(tmp_path / "config.toml"))
    assert expected in message


def test_environment_variables_fill_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EF_DB", "postgresql://u:secret@db/events")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = load_config(write(tmp_path, '[service]\ndatabase_url = "${EF_DB}"\n' + GOOD_SOURCE))
    assert config.service.database_url == "postgresql://u:secret@db/events"
    monkeypatch.delenv("EF_DB")
    assert "environment variable EF_DB is not set" in error_of(
        tmp_path, '[service]\ndatabase_url = "${EF_DB}"\n' + GOOD_SOURCE
    )


def test_config_chosen_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, GOOD_SOURCE)
    monkeypatch.setenv("EVENTS_CONFIG", str(path))
    assert load_config().path == path


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.toml")


def test_cli_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_SOURCE + "oops = 1\n")
    proc = run_events("sources", config=path, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    assert "sources[0].oops: unknown key" in proc.stderr


@pytest.mark.parametrize(("text", "seconds"), [("30m", 1800), ("6h", 21600), ("1d", 86400), (90, 90)])
def test_durations(text: str | int, seconds: int) -> None:
    assert parse_duration(text) == seconds
