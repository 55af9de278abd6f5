"""The `events extract` contract that ../shared/tools/eval_extract.py drives."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES, run_events

RECORD_FIELDS = {
    "id",
    "source",
    "title",
    "provenance",
    "latitude",
    "longitude",
    "image",
    "image_alt",
    "start",
    "end",
    "all_day",
    "timezone",
    "venue",
    "locality",
    "address",
    "online",
    "event_status",
    "booking",
    "booking_label",
    "booking_opens",
    "url",
    "description",
    "categories",
    "past",
}


def extract(*args: str) -> list[dict]:
    proc = run_events("extract", *args)
    return json.loads(proc.stdout)


def test_prints_a_json_array_of_event_records() -> None:
    records = extract(
        str(FIXTURES / "union-banners.html"),
        "--url",
        "https://fmpa.example.org/",
        "--today",
        "2024-01-20",
        "--timezone",
        "Europe/London",
    )
    assert isinstance(records, list) and len(records) == 5
    for record in records:
        assert set(record) == RECORD_FIELDS
        assert record["event_status"] in ("scheduled", "cancelled", "postponed", "rescheduled")
        assert record["booking"] in ("none", "soon", "open", "closed", "sold_out", "waitlist")
        assert record["url"].startswith("https://fmpa.example.org/events/")
    by_title = {r["title"]: r for r in records}
    reps = by_title["FMPA North West Reps Day"]
    assert (reps["start"], reps["end"], reps["all_day"]) == ("2024-06-12", None, True)
    assert (reps["venue"], reps["address"], reps["locality"]) == ("Midland Hotel", "Peter Street", "Manchester")
    assert (reps["booking"], reps["booking_label"]) == ("open", "Booking open now")
    agm = by_title["Annual General Meeting"]
    assert (agm["start"], agm["end"], agm["booking"], agm["booking_opens"]) == (
        "2024-10-21",
        "2024-10-22",
        "soon",
        "2024-06",
    )
    webinar = by_title["Contracts explained webinar"]
    assert webinar["start"] == "2024-03-05T12:30:00+00:00" and webinar["end"] == "2024-03-05T13:30:00+00:00"
    assert webinar["online"] is True and webinar["all_day"] is False
    assert by_title["Wales members' day"]["event_status"] == "postponed"
    assert by_title["FMPA Scotland Pay Seminar"]["booking"] == "sold_out"


def test_ids_are_stable_and_unique() -> None:
    args = (str(FIXTURES / "union-banners.html"), "--url", "https://fmpa.example.org/", "--today", "2024-01-20")
    first, second = extract(*args), extract(*args)
    assert [r["id"] for r in first] == [r["id"] for r in second]
    assert len({r["id"] for r in first}) == len(first)


def test_years_come_from_the_fetch_date() -> None:
    late = extract(str(FIXTURES / "union-banners.html"), "--today", "2024-07-15")
    reps = next(r for r in late if r["title"].startswith("FMPA North West"))
    assert reps["start"] == "2024-06-12" and reps["past"] is True  # within 60 days back: this year's
    later = extract(str(FIXTURES / "union-banners.html"), "--today", "2024-08-20")
    reps = next(r for r in later if r["title"].startswith("FMPA North West"))
    assert reps["start"] == "2025-06-12" and reps["past"] is False


def test_timezone_sets_the_offset() -> None:
    records = extract(str(FIXTURES / "union-banners.html"), "--today", "2024-01-20", "--timezone", "America/New_York")
    webinar = next(r for r in records if r["title"] == "Contracts explained webinar")
    assert webinar["start"] == "2024-03-05T12:30:00-05:00" and webinar["timezone"] == "America/New_York"


def test_news_yields_no_events() -> None:
    assert extract(str(FIXTURES / "news-only.html"), "--today", "2024-01-22") == []


def test_unreadable_page_is_one_line(tmp_path) -> None:
    proc = run_events("extract", str(tmp_path / "missing.html"), check=False)
    assert proc.returncode == 1 and "cannot read" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_events("extract", str(FIXTURES / "news-only.html"), "--timezone", "Nowhere/Else", check=False)
    assert proc.returncode == 2 and "not an IANA time zone" in proc.stderr


def test_every_command_has_help_with_an_example() -> None:
    for command in ("extract", "fetch", "build", "serve", "run", "sources", "history"):
        proc = run_events(command, "--help")
        assert "Example:" in proc.stdout, command


def test_every_command_is_in_the_readme() -> None:
    from events.cli import main
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    for name, command in main.commands.items():
        subcommands = getattr(command, "commands", {})
        for full in [f"events {name} {sub}" for sub in subcommands] or [f"events {name}"]:
            assert f"`{full}" in readme, f"{full} is not documented in README.md"


def test_readme_starts_with_the_two_setup_commands() -> None:
    from tests.conftest import ROOT

    lines = (ROOT / "README.md").read_text().split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert [line.split("#")[0].strip() for line in lines] == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && events run",
        'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]" && python -m pytest',
    ]
    ci = '\npython3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]" && python -m pytest\n'
    assert ci in (ROOT / ".ci" / "run").read_text()


def test_explain_says_where_each_field_came_from_and_which_titles_lost(tmp_path) -> None:
    """`--explain` is for a person checking the reader: strategy, element path, title candidates."""
    from click.testing import CliRunner

    from events.cli import main

    page = tmp_path / "page.html"
    page.write_text(
        """<html><body><ul class="events"><li class="card"><h6>Presented by the Branch</h6>
        <h3 class="event-title">Spring Dinner</h3><p class="when">12 March 2024, 7pm</p>
        <p class="where">The Guildhall</p></li>
        <li class="card"><h3 class="event-title">Summer Walk</h3><p class="when">9 July 2024</p></li>
        </ul></body></html>"""
    )
    result = CliRunner().invoke(main, ["extract", str(page), "--today", "2024-01-29", "--explain"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "1. Spring Dinner" in out
    assert "found by     text, the block ul.events > li.card" in out
    assert "← text:ul.events > li.card > h3.event-title" in out  # the title's element
    assert "title candidates (score: signals):" in out and "kind: heading +" in out
    assert "is an event" in out  # the learned decision, with the evidence that weighed most
    # and the JSON record carries the compact form
    result = CliRunner().invoke(main, ["extract", str(page), "--today", "2024-01-29"])
    record = __import__("json").loads(result.output)[0]
    assert record["provenance"]["title"] == "text:ul.events > li.card > h3.event-title"
    assert record["provenance"]["start"] == "text:ul.events > li.card > p.when"
