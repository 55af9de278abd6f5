"""Conformance: the seed examples in ../shared/examples, scored by ../shared/tools/eval_extract.py,
and the feeds built from them judged by ../shared/tools/feedcheck. Skipped (saying why) without ../shared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conformance.validators import validate
from tests.conftest import ROOT, run_events, shared_or_skip, write_config
from tests.site import TestSite

UNION_URL = "https://www.hcsa.com/news/nhs-england-to-consolidate-csu-leadership/"


def events_command() -> str:
    return f"{sys.executable} -m events.cli extract"


def test_examples_score_perfectly() -> None:
    examples = sorted(shared_or_skip("examples").glob("*.expected.json"))
    tool = shared_or_skip("tools", "eval_extract.py")
    proc = subprocess.run(
        [sys.executable, str(tool), "--json", "--cmd", events_command(), *map(str, examples)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads([line for line in proc.stdout.splitlines() if line.startswith("{")][-1])
    assert summary["f1"] == 1.0, proc.stdout
    assert all(value == 1.0 for value in summary["fields"].values()), summary["fields"]


def test_union_page_gives_the_four_promos() -> None:
    page = shared_or_skip("examples", "union-home-news.html")
    records = json.loads(run_events("extract", str(page), "--url", UNION_URL, "--today", "2024-01-29").stdout)
    assert [(r["title"], r["start"], r["end"]) for r in records] == [
        ("HCSA London & South Regional EIS Event", "2024-04-18", None),
        ("2024 HCSA Midlands Regional EIS Event", "2024-05-09", None),
        ("Women's Network Conference", "2024-09-04", None),
        ("HCSA Annual Conference", "2024-11-13", "2024-11-14"),
    ]


def test_newsletter_gives_nothing() -> None:
    page = shared_or_skip("examples", "health-newsletter.html")
    assert json.loads(run_events("extract", str(page), "--today", "2024-01-30").stdout) == []


def test_feeds_from_the_union_page_pass_the_validators(tmp_path: Path, site: TestSite) -> None:
    site.set("/", shared_or_skip("examples", "union-home-news.html").read_text(encoding="utf-8"))
    config = write_config(
        tmp_path,
        f"""
        [[sources]]
        id = "hcsa"
        name = "HCSA; the hospital doctors' union, \\"UK\\""
        url = "{site.url}/"
    """,
        feeds="""
        [[feeds]]
        id = "all"
        title = "All events, everywhere; really"
        description = "Commas, semicolons; and \\\\ backslashes"
    """,
    )
    run_events("fetch", config=config)
    feeds = tmp_path / "data" / "feeds"
    validate("ics", feeds / "all.ics")
    validate("jsonfeed", feeds / "all.json")
