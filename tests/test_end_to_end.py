"""One real path through every stage: a page on a local server → `events fetch` → feeds → `events serve`."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import httpx

from tests.conftest import fixture_text, run_events, write_config
from tests.helpers import first_fetch, free_port, running, vevents
from tests.site import Answer, TestSite


def configure(tmp_path: Path, site: TestSite, port: int = 0, interval: str = "6h") -> Path:
    return write_config(
        tmp_path,
        f"""
        [[sources]]
        id = "fmpa"
        name = "FMPA"
        url = "{site.url}/"
        categories = ["union"]
        interval = "{interval}"
    """,
        service=f'listen = "127.0.0.1:{port or free_port()}"\nbase_url = "https://events.example.org"',
    )


def test_fetch_builds_both_feeds(tmp_path: Path, site: TestSite) -> None:
    site.set("/", fixture_text("union-banners.html"))
    config = configure(tmp_path, site)
    proc = run_events("fetch", config=config)
    assert "fmpa: 5 events found; 5 new" in proc.stdout
    feeds = tmp_path / "data" / "feeds"
    events = vevents((feeds / "all.ics").read_bytes())
    assert set(events) == {
        "FMPA North West Reps Day",
        "FMPA Scotland Pay Seminar",
        "Annual General Meeting",
        "Contracts explained webinar",
        "Postponed: Wales members' day",
    }
    agm = events["Annual General Meeting"]
    assert agm["location"] == "Conway Hall, Red Lion Square"
    assert agm["end"] == date(2024, 10, 23)  # exclusive: the day after the last day
    assert "Registration opens early June 2024" in agm["description"]
    assert events["Postponed: Wales members' day"]["status"] == "TENTATIVE"
    assert agm["uid"].endswith("@events.example.org")

    doc = json.loads((feeds / "all.json").read_text())
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    by_title = {item["_event"]["title"]: item["_event"] for item in doc["items"]}
    reps = by_title["FMPA North West Reps Day"]
    assert (reps["venue"], reps["address"], reps["locality"]) == ("Midland Hotel", "Peter Street", "Manchester")
    assert reps["booking"] == "open" and reps["booking_label"] == "Booking open now"
    assert reps["categories"] == ["union"]
    starts = [item["_event"]["start"][:10] for item in doc["items"]]
    assert starts == sorted(starts)


def test_a_second_fetch_of_the_same_page_changes_nothing(tmp_path: Path, site: TestSite) -> None:
    site.set("/", fixture_text("union-banners.html"))
    config = configure(tmp_path, site)
    run_events("fetch", config=config)
    before = (tmp_path / "data" / "feeds" / "all.ics").read_bytes()
    proc = run_events("fetch", config=config)
    assert "not changed since the last fetch" in proc.stdout
    assert (tmp_path / "data" / "feeds" / "all.ics").read_bytes() == before
    table = run_events("sources", config=config).stdout
    assert "fmpa" in table and "healthy" in table


def test_serve_serves_the_feeds(tmp_path: Path, site: TestSite) -> None:
    site.set("/", fixture_text("union-banners.html"))
    port = free_port()
    config = configure(tmp_path, site, port)
    run_events("fetch", config=config)
    base = f"http://127.0.0.1:{port}"
    with running(config, "serve", port):
        ics = httpx.get(f"{base}/feeds/all.ics")
        assert ics.status_code == 200
        assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
        assert len(vevents(ics.content)) == 5
        again = httpx.get(f"{base}/feeds/all.ics", headers={"If-None-Match": ics.headers["etag"]})
        assert again.status_code == 304
        feed = httpx.get(f"{base}/feeds/all.json")
        assert feed.headers["content-type"] == "application/feed+json"
        assert feed.headers["access-control-allow-origin"] == "*"
        assert len(feed.json()["items"]) == 5
        health = httpx.get(f"{base}/healthz").json()
        assert health["status"] == "ok" and (health["sources_total"], health["problems"]) == (1, [])
        every = httpx.get(f"{base}/healthz?sources=all").json()
        assert every["sources"][0]["id"] == "fmpa" and every["sources"][0]["events_stored"] == 5
        page = httpx.get(f"{base}/")
        assert "webcal://events.example.org/feeds/all.ics" in page.text
        assert httpx.get(f"{base}/feeds/nope.ics").status_code == 404
        assert httpx.get(f"{base}/feeds/all.ics?colour=red").status_code == 400


def test_a_dead_source_is_reported_not_fatal(tmp_path: Path, site: TestSite) -> None:
    config = configure(tmp_path, site)  # nothing at "/": 404
    proc = run_events("fetch", config=config, check=False)
    assert proc.returncode == 2  # a source failed: cron and CI notice
    assert "fmpa: failed: HTTP 404" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "data" / "feeds" / "all.ics").exists()  # an empty but valid feed


def test_run_schedules_fetches_and_stops_cleanly(tmp_path: Path, site: TestSite) -> None:
    import signal

    site.set("/", fixture_text("union-banners.html"))
    port = free_port()
    config = configure(tmp_path, site, port, interval="1m")  # first fetch within 6 s of start
    with running(config, "run", port) as proc:
        health = first_fetch(port)
        assert health["sources"][0]["last_outcome"] == "page"
        assert health["sources"][0]["next_run"] is not None
        assert health["scheduler"] == "running"
        assert len(httpx.get(f"http://127.0.0.1:{port}/feeds/all.json").json()["items"]) == 5
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    assert site.hits("/") == 1


def test_stopping_mid_fetch_says_so_in_one_line(tmp_path: Path, site: TestSite) -> None:
    """SIGTERM while a page is still downloading: exit 0, one line saying the fetch was stopped, no
    traceback, and nothing half-written."""
    import signal
    import time

    from tests.site import Answer

    site.set("/", Answer(body=fixture_text("union-banners.html"), delay=30))
    port = free_port()
    config = configure(tmp_path, site, port, interval="1m")  # first fetch within 6 s of start
    with running(config, "run", port) as proc:
        deadline = time.monotonic() + 30
        while site.hits("/") == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert site.hits("/") == 1
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        out = proc.stdout.read() if proc.stdout else ""
    assert "stopping: 1 fetch in progress abandoned (run again at the next start)" in out
    assert "Traceback" not in out and "CancelledError" not in out


def test_fetch_exits_2_when_one_source_of_two_fails_and_says_so_per_source(tmp_path: Path, site: TestSite) -> None:
    site.set("/", fixture_text("union-banners.html"))
    config = write_config(
        tmp_path,
        f"""
        [[sources]]
        id = "good"
        url = "{site.url}/"

        [[sources]]
        id = "gone"
        url = "{site.url}/missing"
    """,
    )
    proc = run_events("fetch", config=config, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert any(line.startswith("good: ") and "new" in line for line in lines)
    assert any(line.startswith("gone: failed: HTTP 404") for line in lines)
    assert lines[-1] == "2 sources: 1 read, 1 failed"


def test_healthz_keeps_error_text_for_the_admin_token(tmp_path: Path, site: TestSite) -> None:
    """The world sees states and times; the raw error (hosts, paths) only with the admin token."""
    port = free_port()
    config = write_config(
        tmp_path,
        f"""
        [[sources]]
        id = "gone"
        url = "{site.url}/missing"
    """,
        service=f'listen = "127.0.0.1:{port}"\nadmin_token = "s3cret-token"',
    )
    run_events("fetch", config=config, check=False)
    with running(config, "serve", port):
        public = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
        admin = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"Authorization": "Bearer s3cret-token"}).json()
        wrong = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"Authorization": "Bearer nope"}).json()
    assert public["scheduler"] == "not in this process" and public["problems"][0]["state"] == "failing"
    assert (public["status"], public["sources_total"], public["sources_troubled"]) == ("degraded", 1, 1)
    assert "last_error" not in public["problems"][0] and "last_error" not in wrong["problems"][0]
    assert "404" in admin["problems"][0]["last_error"]


def test_healthz_counts_sources_and_lists_only_the_troubled(tmp_path: Path, site: TestSite) -> None:
    """A probe's answer does not grow with the sources that are well: counts, and the troubled ones up
    to a bound, longest troubled first; every source only when asked for."""
    site.set("/", fixture_text("union-banners.html"))
    port = free_port()
    well = "".join(f'[[sources]]\nid = "ok{n}"\nurl = "{site.url}/"\n' for n in range(5))
    gone = "".join(f'[[sources]]\nid = "gone{n:02}"\nurl = "{site.url}/missing{n}"\n' for n in range(60))
    config = write_config(tmp_path, well + gone, service=f'listen = "127.0.0.1:{port}"')
    run_events("fetch", config=config, check=False)
    with running(config, "serve", port):
        health = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
        every = httpx.get(f"http://127.0.0.1:{port}/healthz?sources=all").json()
    assert (health["status"], health["sources_total"], health["sources_troubled"]) == ("degraded", 65, 60)
    assert len(health["problems"]) == 50 and {p["state"] for p in health["problems"]} == {"failing"}
    assert "sources" not in health and len(every["sources"]) == 65
    assert sum(s["healthy"] for s in every["sources"]) == 5


def test_anonymous_pages_show_no_raw_error_address_or_query(tmp_path: Path, site: TestSite) -> None:
    """A redirect to an internal host with a password in its query: anyone reading /healthz or /sources
    learns only that the page redirects where we do not fetch; the token holder sees the raw error;
    the log keeps the error without the query."""
    inside = TestSite().start()
    try:
        site.set("/events", Answer(302, headers={"Location": f"{inside.url}/admin?password=hunter2&user=ops"}))
        port = free_port()
        config = write_config(
            tmp_path,
            f"""
            [[sources]]
            id = "branch"
            url = "{site.url}/events?token=abc123"
        """,
            service=f'listen = "127.0.0.1:{port}"\nadmin_token = "s3cret-token"',
        )
        fetched = run_events("fetch", config=config, check=False)
        assert "hunter2" not in fetched.stderr and "abc123" not in fetched.stderr
        with running(config, "serve", port):
            base = f"http://127.0.0.1:{port}"
            health, sources, one = (httpx.get(f"{base}{path}") for path in ("/healthz", "/sources", "/sources/branch"))
            admin = httpx.get(f"{base}/healthz", headers={"Authorization": "Bearer s3cret-token"}).json()
            admin_sources = httpx.get(f"{base}/sources", headers={"Authorization": "Bearer s3cret-token"}).text
    finally:
        inside.stop()
    for text in (health.text, sources.text, one.text):
        assert "hunter2" not in text and "abc123" not in text and inside.url.removeprefix("http://") not in text
    assert "redirects to an address we do not fetch" in health.json()["problems"][0]["detail"]
    assert "redirects to an address we do not fetch" in sources.text
    assert "hunter2" in admin["problems"][0]["last_error"] and "hunter2" in admin_sources


def test_sources_table_says_times_in_the_services_zone_and_a_fresh_failure_calmly(
    tmp_path: Path, site: TestSite
) -> None:
    config = write_config(
        tmp_path,
        f'[[sources]]\nid = "fmpa"\nurl = "{site.url}/"\n',  # nothing there: 404
        service='timezone = "America/New_York"',
    )
    run_events("fetch", config=config, check=False)
    table = run_events("sources", config=config).stdout
    row = next(line for line in table.splitlines() if line.startswith("fmpa"))
    assert " failing " in row and "FAILING" not in row and "overdue" not in row  # just now, not yet overdue
    assert re.search(r"failing since \d\d:\d\d UTC: HTTP 404", row), row
    assert " EST " in row or " EDT " in row  # the last fetch, in the service's zone, with the zone said
