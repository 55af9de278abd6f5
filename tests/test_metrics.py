"""/metrics in Prometheus text format, read back with prometheus_client's own parser: fetches by
source and outcome, their duration, changes by kind, feed builds, events stored, last success per
source, Slack messages by state and whether the scheduler is alive; behind the admin token when set."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import fixture_text, write_config
from tests.helpers import free_port, running
from tests.site import TestSite


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_say_what_the_service_did_and_holds(tmp_path: Path, site: TestSite) -> None:
    site.set("/", fixture_text("union-banners.html"))
    port = free_port()
    config = write_config(
        tmp_path,
        f'[[sources]]\nid = "fmpa"\nurl = "{site.url}/"\ninterval = "1m"\n',
        service=f'listen = "127.0.0.1:{port}"\nadmin_token = "s3cret"',
    )
    url = f"http://127.0.0.1:{port}/metrics"
    auth = {"Authorization": "Bearer s3cret"}
    with running(config, "run", port):
        assert httpx.get(url).status_code == 401  # a token is configured: the world gets nothing
        deadline = time.monotonic() + 30
        while True:
            got = samples(httpx.get(url, headers=auth).text)
            if got.get(("eventfeed_fetches_total", (("outcome", "page"), ("source", "fmpa"))), 0) >= 1:
                break
            assert time.monotonic() < deadline, "no fetch counted"
            time.sleep(0.3)
        response = httpx.get(url, headers=auth)
    assert response.headers["content-type"].startswith("text/plain; version=")
    got = samples(response.text)
    assert got[("eventfeed_changes_total", (("kind", "new"),))] == 5
    assert got[("eventfeed_fetch_duration_seconds_count", ())] == 1
    assert got[("eventfeed_events_stored", (("source", "fmpa"),))] == 5
    assert got[("eventfeed_source_healthy", (("source", "fmpa"),))] == 1
    assert abs(got[("eventfeed_source_last_success_timestamp_seconds", (("source", "fmpa"),))] - time.time()) < 120
    assert got[("eventfeed_scheduler_alive", ())] == 1
    assert got[("eventfeed_slack_messages", (("state", "unknown"),))] == 0
    assert got[("eventfeed_feed_build_duration_seconds_count", (("feed", "all"),))] >= 1
