from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import database_url  # noqa: F401 - the fixture that runs store tests on both stores
from tests.site import TestSite

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(os.environ.get("EVENTFEED_SHARED", ROOT.parent / "shared"))


@pytest.fixture
def site() -> Iterator[TestSite]:
    server = TestSite().start()
    server.set("/robots.txt", "User-agent: *\nAllow: /\n")
    yield server
    server.stop()


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def write_config(tmp_path: Path, sources: str, service: str = "", feeds: str = "") -> Path:
    """A config in ``tmp_path``; ``service`` lines ("key = value") replace the defaults' keys."""
    settings = {
        "database_url": '"sqlite:///data/events.db"',
        "feeds_dir": '"data/feeds"',
        "listen": '"127.0.0.1:8080"',
        "base_url": '"http://127.0.0.1:8080"',
        # the fixture pages are from 2024: their events stay in the feeds whatever the day the tests run
        "past_days": "36500",
        "future_days": "36500",
    }
    for line in textwrap.dedent(service).splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            settings[key.strip()] = value.strip()
    head = "[service]\n" + "".join(f"{k} = {v}\n" for k, v in settings.items())
    path = tmp_path / "config.toml"
    path.write_text(head + textwrap.dedent(sources) + textwrap.dedent(feeds), encoding="utf-8")
    return path


def run_events(
    *args: str,
    config: Path | None = None,
    check: bool = True,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "events.cli"]
    if config is not None:
        command += ["--config", str(config)]
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        command + list(args),
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
        env=full_env,
        cwd=str(config.parent if config else ROOT),
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"events {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def shared_or_skip(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"conformance: {path} is absent (../shared is only beside the clone in CI)")
    return path
