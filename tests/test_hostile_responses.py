"""Hostile or broken answers cannot hurt the service: bodies are capped after decoding (memory measured
in this process), pages and links cannot lead into the service's own network, robots.txt is honoured
on every host visited, and what is not a page says so."""

from __future__ import annotations

import asyncio
import codecs
import gzip
import json
import subprocess
import sys
import textwrap
import tracemalloc
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from events.config.loading import load_config
from events.extract import MAX_EVENTS, extract_events
from events.extract.parsing import MAX_DEPTH, flatten, nesting_depth
from events.fetch.fetcher import Failure, Fetcher, FetchPolicy, Page
from events.service.scheduler import run_cycle
from events.store import Store
from tests.conftest import write_config
from tests.site import Answer, TestSite
from tests.test_outages import bomb

MB = 1024 * 1024


def fetch(url: str, **kwargs) -> object:
    policy = FetchPolicy(retries=0, host_delay=0, total_timeout=10, max_bytes=MB)

    async def go() -> object:
        async with Fetcher(policy) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(go())


def peak_mb(func) -> tuple[object, float]:
    tracemalloc.start()
    try:
        result = func()
        return result, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def test_a_stacked_gzip_bomb_is_cut_at_the_limit_in_bounded_memory(site: TestSite) -> None:
    site.set("/page", Answer(body=bomb(), headers={"Content-Encoding": "gzip, gzip"}))
    outcome, peak = peak_mb(lambda: fetch(site.url + "/page"))
    assert isinstance(outcome, Failure) and "over the 1 MB limit once decompressed" in outcome.reason
    assert peak < 20, f"{peak:.0f} MB held while refusing a 256 MB bomb"


def test_a_gzipped_robots_txt_bomb_is_capped(site: TestSite) -> None:
    site.set("/robots.txt", Answer(body=bomb(), headers={"Content-Encoding": "gzip, gzip"}, content_type="text/plain"))
    site.set("/page", "<html><body>ok</body></html>")
    outcome, peak = peak_mb(lambda: fetch(site.url + "/page"))
    assert isinstance(outcome, Page) and "ok" in outcome.text
    assert peak < 20


def test_honest_compressed_pages_still_read(site: TestSite) -> None:
    html = "<html><body>" + "<p>Branch AGM 12 March 2030</p>" * 2000 + "</body></html>"
    site.set("/gz", Answer(body=gzip.compress(html.encode()), headers={"Content-Encoding": "gzip"}))
    site.set("/deflate", Answer(body=zlib.compress(html.encode()), headers={"Content-Encoding": "deflate"}))
    for path in ("/gz", "/deflate"):
        outcome = fetch(site.url + path)
        assert isinstance(outcome, Page) and outcome.text == html


def test_files_that_are_not_pages_say_what_they_are(site: TestSite) -> None:
    site.set("/pdf", Answer(body=b"%PDF-1.7\n...", content_type="application/pdf"))
    site.set("/png", Answer(body=b"\x89PNG\r\n\x1a\n\0\0", content_type="text/html"))
    site.set("/bin", Answer(body=b"\0\1\2" * 100, content_type="application/octet-stream"))
    assert fetch(site.url + "/pdf").reason == "not an HTML page (application/pdf)"
    assert fetch(site.url + "/png").reason == "not an HTML page (image/png)"
    assert "binary content" in fetch(site.url + "/bin").reason


def test_a_utf16_page_with_a_bom_is_read(site: TestSite) -> None:
    html = "<html><body><h3>Café meeting</h3><p>12 March 2030</p></body></html>"
    site.set("/u16", Answer(body=codecs.BOM_UTF16_LE + html.encode("utf-16-le"), content_type="text/html"))
    outcome = fetch(site.url + "/u16")
    assert isinstance(outcome, Page) and "Café meeting" in outcome.text


def test_redirects_to_internal_hosts_are_refused_unless_allowed(site: TestSite) -> None:
    inside = TestSite().start()  # another port on loopback: "an internal service"
    try:
        inside.set("/robots.txt", "User-agent: *\nAllow: /\n")
        inside.set("/secret", "<html><body>internal</body></html>")
        site.set("/go", Answer(302, headers={"Location": inside.url + "/secret"}))
        refused = fetch(site.url + "/go")
        assert isinstance(refused, Failure) and "loopback address" in refused.reason and "allow_hosts" in refused.reason
        assert inside.hits("/secret") == 0
        host = inside.url.removeprefix("http://")
        allowed = fetch(site.url + "/go", trusted={site.url.removeprefix("http://"), host})
        assert isinstance(allowed, Page) and "internal" in allowed.text
        inside.set("/robots.txt", "User-agent: *\nDisallow: /\n")
        fresh = fetch(site.url + "/go", trusted={site.url.removeprefix("http://"), host})
        assert isinstance(fresh, Failure) and "robots.txt forbids" in fresh.reason
    finally:
        inside.stop()


def test_a_host_without_a_port_trusts_its_default_port_only(site: TestSite) -> None:
    """An origin is scheme, host and port: trusting "127.0.0.1" (as a source on port 80 trusts its own
    host) reaches none of its other ports; "127.0.0.1:PORT" reaches that one."""
    inside = TestSite().start()
    try:
        inside.set("/robots.txt", "User-agent: *\nAllow: /\n")
        inside.set("/secret", "<html><body>internal</body></html>")
        site.set("/go", Answer(302, headers={"Location": inside.url + "/secret"}))
        own = site.url.removeprefix("http://")
        refused = fetch(site.url + "/go", trusted={own, "127.0.0.1"})
        assert isinstance(refused, Failure) and "loopback address" in refused.reason
        assert inside.hits("/secret") == 0
        allowed = fetch(site.url + "/go", trusted={own, inside.url.removeprefix("http://")})
        assert isinstance(allowed, Page)
    finally:
        inside.stop()


def test_linked_calendars_on_internal_hosts_are_not_read(tmp_path: Path, site: TestSite) -> None:
    inside = TestSite().start()
    try:
        inside.set("/robots.txt", "User-agent: *\nAllow: /\n")
        inside.set(
            "/cal.ics",
            Answer(
                body="BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:s@x\r\n"
                "DTSTAMP:20300101T000000Z\r\nSUMMARY:Internal secret\r\nDTSTART;VALUE=DATE:20300704\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n",
                content_type="text/calendar",
            ),
        )
        site.set(
            "/events",
            f'<html><head><link rel="alternate" type="text/calendar" href="{inside.url}/cal.ics"></head><body>'
            '<ul><li class="event"><h3>Branch AGM</h3><p>12 March 2030</p></li></ul></body></html>',
        )
        host = inside.url.removeprefix("http://")
        for allow, expected in (("", ["Branch AGM"]), (f'"{host}"', ["Internal secret"])):
            folder = tmp_path / ("allowed" if allow else "plain")
            folder.mkdir()
            path = write_config(
                folder,
                f"""
                [[sources]]
                id = "branch"
                url = "{site.url}/events"
                follow_links = true
                allow_hosts = [{allow}]

                [fetch]
                retries = 0
                host_delay = 0
                """,
            )
            config = load_config(path)
            store = Store(config.service.database_url)
            store.ensure_sources([("branch", f"{site.url}/events", "branch")])
            asyncio.run(run_cycle(config, store, config.sources, lambda sources: {}))
            assert sorted(i.event.title for i in store.all_events()) == expected
            store.close()
    finally:
        inside.stop()


def test_deep_nesting_is_flattened_and_reported() -> None:
    html = "<html><body>" + "<div>" * 100_000 + "<h3>Branch AGM</h3><p>12 March 2030</p>" + "</div>" * 100_000
    notes: list[str] = []
    found = extract_events(html, url=None, today=date(2030, 1, 1), notes=notes)
    assert [e.title for e in found] == ["Branch AGM"]
    assert notes == [f"the page nests elements more than {MAX_DEPTH} deep; deeper ones were read as plain text"]


@pytest.mark.parametrize(
    "html",
    [
        # stray end tags that close nothing, one after each open <div>: the parser nests all 120,000 divs
        "<html><body>" + "<div></x>" * 120_000 + "<h3>Branch AGM</h3><p>12 March 2030</p></body></html>",
        # a small page (126 KB, its end tags left out) can be deep enough to cost seconds too
        "<html><body>" + "<div>" * 25_814 + "<h3>Branch AGM</h3><p>12 March 2030</p>",
    ],
    ids=["stray-end-tags", "small-and-deep"],
)
def test_nesting_that_end_tags_hide_or_a_small_page_holds_is_flattened(html: str) -> None:
    """Depth is counted as the parser nests: an end tag that matches no open element closes nothing."""
    notes: list[str] = []
    found = extract_events(html, url=None, today=date(2030, 1, 1), notes=notes)
    assert [e.title for e in found] == ["Branch AGM"]
    assert notes == [f"the page nests elements more than {MAX_DEPTH} deep; deeper ones were read as plain text"]
    assert nesting_depth(flatten(html, MAX_DEPTH)) <= MAX_DEPTH


_HUNDRED_THOUSAND_CARDS = textwrap.dedent(
    """
    import json, resource, sys
    from datetime import date
    from events.extract import extract_events, parse_html
    cards = "".join(
        f'<li class="event"><h3><a href="/e/{i}">Meeting {i}</a></h3><p>{1 + i % 28} March 2030</p></li>'
        for i in range(100_000)
    )
    html = f"<html><body><ul>{cards}</ul></body></html>"
    notes = []
    if sys.argv[1] == "parse":
        tree = parse_html(html)
        found = []
    else:
        found = extract_events(html, url="https://x.org/", today=date(2030, 1, 1), notes=notes)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"events": len(found), "notes": notes, "peak_mb": peak}))
    """
)


def test_a_hundred_thousand_cards_are_cut_reported_and_bounded(tmp_path: Path) -> None:
    """Each run apart, so a process's peak memory is its page's alone. The bound is relative to a bare
    parse of the same page on the same machine (absolute figures differ by a hundred MB between
    machines): reading the page costs at most what parsing it did, whatever lies past the cut."""

    def run(mode: str) -> dict[str, Any]:
        command = [sys.executable, "-c", _HUNDRED_THOUSAND_CARDS, mode]
        return json.loads(subprocess.run(command, capture_output=True, text=True, timeout=300, check=True).stdout)

    parsed, result = run("parse"), run("extract")
    assert result["events"] == MAX_EVENTS
    assert any("only its first 100,000 elements" in n for n in result["notes"])
    assert any(f"only the first {MAX_EVENTS:,} were kept" in n for n in result["notes"])
    assert result["peak_mb"] < 2 * parsed["peak_mb"], (parsed, result)


def test_notices_reach_the_source_status(tmp_path: Path, site: TestSite) -> None:
    site.set("/events", "<html><body>" + "<div>" * 30_000 + "<h3>Branch AGM</h3><p>12 March 2030</p></body></html>")
    path = write_config(tmp_path, f'[[sources]]\nid = "deep"\nurl = "{site.url}/events"\n')
    config = load_config(path)
    store = Store(config.service.database_url)
    store.ensure_sources([("deep", f"{site.url}/events", "deep")])
    asyncio.run(run_cycle(config, store, config.sources, lambda sources: {}))
    assert "read as plain text" in store.source_state("deep")["notice"]
    store.close()
