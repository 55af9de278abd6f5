"""The first minute: a calendar that is empty because its sources cannot be read says so, and a source
that failed is tried again within minutes, not a whole interval later."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from events.config.loading import load_config
from events.service.scheduler import retry_delay
from events.store import Store
from tests.conftest import write_config
from tests.helpers import free_port, running


def test_a_failed_source_is_retried_after_a_minute_doubling_up_to_its_interval() -> None:
    hour = 3600
    assert [retry_delay(n, 6 * hour).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(50, 6 * hour) == timedelta(hours=6)  # never later than the interval would be
    assert retry_delay(1, 60) == timedelta(minutes=1)


def test_an_offline_start_says_why_the_calendar_is_empty_and_tries_again_soon(tmp_path: Path) -> None:
    port, dead = free_port(), free_port()  # nothing listens on ``dead``: every fetch is refused
    path = write_config(
        tmp_path,
        "".join(f'[[sources]]\nid = "s{i}"\nurl = "http://127.0.0.1:{dead}/{i}"\ninterval = "2m"\n' for i in range(3)),
        service=f'listen = "127.0.0.1:{port}"',
    )
    config = load_config(path)
    with running(path, "run", port):
        store = Store(config.service.database_url)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                states = store.source_states()
                if all(s.get("consecutive_failures") and s.get("next_run_at") for s in states):
                    break
                time.sleep(0.5)
            now = datetime.now(UTC)
            for state in store.source_states():
                due = state["next_run_at"].replace(tzinfo=state["next_run_at"].tzinfo or UTC)
                assert timedelta(seconds=30) < due - now <= timedelta(seconds=61), state["id"]
            page = httpx.get(f"http://127.0.0.1:{port}/").text
            assert '3 of 3 sources could not be read: see <a href="/sources">Sources</a>' in page
            # and the retry is made, not skipped as "fetched in this slot"
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not all(
                (s.get("consecutive_failures") or 0) >= 2 for s in store.source_states()
            ):
                time.sleep(1)
            assert all((s.get("consecutive_failures") or 0) >= 2 for s in store.source_states())
        finally:
            store.close()


def _raised_from(cause: BaseException) -> Exception:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise httpx.ConnectError(str(inner)) from inner
    except httpx.ConnectError as outer:
        return outer


def test_network_failures_say_what_to_check() -> None:
    import socket
    import ssl

    from events.fetch.network_words import connection_problem
    from events.redact import problem_in_words

    url = "https://events.example.org:8443/calendar"
    said = {
        "dns": connection_problem(_raised_from(socket.gaierror(-2, "Name or service not known")), url),
        "refused": connection_problem(_raised_from(ConnectionRefusedError(111, "Connection refused")), url),
        "group": connection_problem(
            _raised_from(ExceptionGroup("all failed", [ConnectionRefusedError(111, "Connection refused")])), url
        ),
    }
    bad = ssl.SSLCertVerificationError(1, "certificate verify failed")
    bad.verify_message = "Hostname mismatch, certificate is not valid for 'events.example.org'."
    said["certificate"] = connection_problem(_raised_from(bad), url)
    assert said == {
        "dns": "host name not found: events.example.org (check the address, or this server's internet access)",
        "refused": "connection refused by events.example.org:8443 (the site is down, or nothing listens there)",
        "group": "connection refused by events.example.org:8443 (the site is down, or nothing listens there)",
        "certificate": "certificate not valid for events.example.org: Hostname mismatch, certificate is not valid "
        "for 'events.example.org'.",
    }
    assert problem_in_words(said["dns"]) == "the site's host name was not found"
    assert problem_in_words(said["certificate"]) == "the site's certificate is not valid"
    assert problem_in_words("no answer in 20 s") == "the site did not answer in time"
    assert problem_in_words(said["refused"]) == "the site could not be reached"


def test_a_failing_source_says_since_when() -> None:
    from events.sources.state import source_state

    now = datetime(2030, 1, 2, 0, 5, tzinfo=UTC)
    row = {"id": "a", "consecutive_failures": 2, "unhealthy_since": now - timedelta(minutes=12), "last_error": "x"}
    assert source_state(row, 86400, now).words == "failing since 23:53 UTC: x"
    row["unhealthy_since"] = now - timedelta(days=3)
    assert source_state(row, 86400, now).words == "failing since 30 Dec 00:05 UTC (3 days): x (overdue)"


def test_commands_say_what_went_wrong_and_take_config_after_the_subcommand(tmp_path: Path) -> None:
    from tests.conftest import run_events

    config = write_config(tmp_path, '[[sources]]\nid = "a"\nurl = "https://a.example/"\n')
    after = run_events("sources", "--config", str(config), check=False)  # after the subcommand, as people type
    assert after.returncode == 0 and "a" in after.stdout, after.stderr
    assert run_events("sources", f"--config={config}").stdout == after.stdout
    unknown = run_events("history", "no-such-id", config=config, check=False)
    assert unknown.returncode == 1 and unknown.stderr.strip().startswith("Error: no event 'no-such-id'")
    pdf = tmp_path / "agenda.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    read = run_events("extract", str(pdf), check=False)
    assert read.returncode == 1 and read.stderr.strip() == f"Error: {pdf}: not an HTML page (application/pdf)"


def test_run_says_one_line_at_the_start_and_one_at_the_stop(tmp_path: Path) -> None:
    import signal

    port = free_port()
    path = write_config(
        tmp_path, '[[sources]]\nid = "a"\nurl = "http://127.0.0.1:9/"\n', service=f'listen = "127.0.0.1:{port}"'
    )
    with running(path, "run", port) as proc:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    lines = [line for line in out.splitlines() if "/healthz" not in line]
    start = (
        f"eventfeed {path} · 1 source · 1 feed · serving http://127.0.0.1:{port}/ "
        "(public address http://127.0.0.1:8080) · first fetch at "
    )
    assert start in lines[0] and lines[0].endswith(" UTC"), out
    assert lines[-1].endswith("stopping: nothing was in progress") and len(lines) == 2, out


def test_init_writes_a_commented_config_that_loads_and_sources_add_offers_one(tmp_path: Path) -> None:
    from tests.conftest import run_events

    path = tmp_path / "config.toml"
    said = run_events(
        "init", "--name", "Hospital Doctors' Union", "--url", "https://www.hdu.org.uk/events", config=path
    )
    assert said.stdout.startswith(f"wrote {path} for Hospital Doctors' Union (https://www.hdu.org.uk/events)")
    config = load_config(path)
    assert [(s.id, s.name) for s in config.sources] == [("hdu", "Hospital Doctors' Union")]
    assert config.site.name == "Hospital Doctors' Union" and [f.id for f in config.feeds] == ["all"]
    text = path.read_text()
    assert text.startswith("#:schema ./config.schema.json\n") and "# [slack]" in text and "# address = " in text
    again = run_events("init", "--name", "X", "--url", "https://x.example/", config=path, check=False)
    assert again.returncode == 1 and "exists already" in again.stderr and path.read_text() == text

    asked = tmp_path / "asked" / "config.toml"
    asked.parent.mkdir()
    run_events("init", config=asked, input="Royal College of Examples\nhttps://www.rce.example/whats-on\n")
    assert load_config(asked).sources[0].url == "https://www.rce.example/whats-on"

    offered = tmp_path / "offered" / "config.toml"
    offered.parent.mkdir()
    made = run_events("sources", "add", "https://branch.example/events", config=offered, input="y\n")
    assert "wrote" in made.stdout and load_config(offered).sources[0].url == "https://branch.example/events"


def test_events_read_but_not_kept_are_counted_with_the_reason(tmp_path: Path, site) -> None:
    from tests.conftest import run_events

    cards = "".join(
        f'<li class="event"><h3>Board meeting {m}</h3><p>{m} March 2015, 18:00</p><p>Civic Centre</p></li>'
        for m in range(2, 7)
    )
    site.set("/old", f"<html><body><h1>Meetings</h1><ul>{cards}</ul></body></html>")
    site.set("/none", "<html><body><h1>News</h1><p>The consultation begins in February.</p></body></html>")
    path = write_config(
        tmp_path,
        f'[[sources]]\nid = "old"\nurl = "{site.url}/old"\n[[sources]]\nid = "none"\nurl = "{site.url}/none"\n',
        service="past_days = 30",
    )
    fetched = run_events("fetch", config=path).stdout
    assert "old: 5 events found; no changes; 5 ended before the retention window (365 days)" in fetched, fetched
    listed = run_events("sources", config=path).stdout
    assert "of 5 found, 5 ended before the retention window (365 days)" in listed, listed
    assert "no events found on the page" in listed, listed  # a healthy source that found nothing says so
    states = {line.split()[0]: line for line in listed.splitlines()[1:] if line.strip()}
    assert "nothing kept" in states["old"] and "nothing found" in states["none"], listed


def test_the_calendar_builder_says_which_organisation_brings_nothing(tmp_path: Path) -> None:
    from datetime import date

    from starlette.datastructures import QueryParams

    from events.record import Event
    from events.store import StoredEvent
    from feeds.web.home_page import Choice, index_page

    path = write_config(
        tmp_path,
        '[[sources]]\nid = "glwa"\nname = "Great Lakes Water Authority"\nurl = "https://glwa.example/"\n'
        '[[sources]]\nid = "union"\nname = "The Union"\nurl = "https://union.example/"\n',
        service="future_days = 730",
    )
    config = load_config(path)
    now = datetime(2030, 1, 1, tzinfo=UTC)

    def held(source: str, day: date) -> StoredEvent:
        return StoredEvent(
            Event(source=source, id=f"{source}-{day}", title="Meeting", start=day), now, now, 0, None, None
        )

    items = [held("glwa", date(2029, 11, 5)), held("union", date(2030, 3, 5))]
    params = QueryParams("source=glwa&source=union")
    page = index_page(config, items, now=now, choice=Choice.from_params(params, {"glwa", "union"}))
    assert "Great Lakes Water Authority has no events in the next 2 years." in page
    assert "The Union has no events" not in page
