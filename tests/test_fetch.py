"""The fetcher against a real server on 127.0.0.1 that misbehaves on purpose. Every outcome is a value."""

from __future__ import annotations

import asyncio
import time

import pytest

from events.fetch.fetcher import Failure, Fetcher, FetchPolicy, NotModified, Page, decode
from tests.site import Answer, Seen, TestSite

FAST = FetchPolicy(
    user_agent="eventfeed-test/1 (+https://example.org/contact)",
    connect_timeout=2,
    read_timeout=0.5,
    total_timeout=3,
    retries=2,
    backoff=0.05,
    max_retry_after=5,
    host_delay=0,
    max_bytes=1024 * 1024,
)


def fetch(url: str, policy: FetchPolicy = FAST, **kw: str):
    async def go():
        async with Fetcher(policy) as fetcher:
            return await fetcher.fetch(url, **kw)

    return asyncio.run(go())


def test_a_page_with_its_validators_and_user_agent(site: TestSite) -> None:
    validators = {"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
    site.set("/", Answer(body="<p>hello</p>", headers=validators))
    page = fetch(f"{site.url}/")
    assert isinstance(page, Page) and page.text == "<p>hello</p>" and page.etag == '"v1"'
    assert site.requests[-1].headers["user-agent"].startswith("eventfeed-test/1")


def test_conditional_get_gives_not_modified(site: TestSite) -> None:
    def answer(seen: Seen) -> Answer:
        if seen.headers.get("if-none-match") == '"v1"':
            return Answer(304)
        return Answer(body="<p>x</p>", headers={"ETag": '"v1"'})

    site.set("/", answer)
    assert isinstance(fetch(f"{site.url}/", etag='"v1"'), NotModified)


def test_not_modified_answers_keep_the_connection(site: TestSite) -> None:
    """A cycle of 304s reuses its connections instead of opening one per source."""
    site.set("/", Answer(304, headers={"ETag": '"v1"'}))

    async def go() -> list[object]:
        async with Fetcher(FAST) as fetcher:
            return [await fetcher.fetch(f"{site.url}/", etag='"v1"') for _ in range(3)]

    assert all(isinstance(got, NotModified) for got in asyncio.run(go()))
    pages = [r for r in site.requests if r.path == "/"]
    assert len(pages) == 3 and len({r.connection for r in pages}) == 1


def test_server_errors_are_retried_then_reported(site: TestSite) -> None:
    site.set("/", Answer(500, "boom"))
    outcome = fetch(f"{site.url}/")
    assert isinstance(outcome, Failure) and outcome.reason == "server error 500" and outcome.status == 500
    assert site.hits("/") == FAST.retries + 1


def test_429_waits_as_long_as_retry_after_asks(site: TestSite) -> None:
    calls = []

    def answer(seen: Seen) -> Answer:
        calls.append(time.monotonic())
        return Answer(429, headers={"Retry-After": "1"}) if len(calls) == 1 else Answer(body="<p>ok</p>")

    site.set("/", answer)
    assert isinstance(fetch(f"{site.url}/"), Page)
    assert calls[1] - calls[0] >= 0.95
    site.set("/slow", Answer(429, headers={"Retry-After": "3600"}))
    outcome = fetch(f"{site.url}/slow")
    assert isinstance(outcome, Failure) and "asks to wait 3600 s" in outcome.reason and site.hits("/slow") == 1


def test_timeouts_redirect_loops_and_huge_bodies_fail_cleanly(site: TestSite) -> None:
    site.set("/slow", Answer(body="late", delay=1.5))
    outcome = fetch(f"{site.url}/slow")
    assert isinstance(outcome, Failure) and outcome.reason.startswith("no answer in ")
    site.set("/loop", Answer(302, headers={"Location": "/loop"}))
    outcome = fetch(f"{site.url}/loop")
    assert isinstance(outcome, Failure) and "redirect" in outcome.reason
    site.set("/big", Answer(body=b"x" * (30 * 1024 * 1024)))
    outcome = fetch(f"{site.url}/big")
    assert isinstance(outcome, Failure) and "30 MB, over the 1 MB limit" in outcome.reason
    site.set("/stream", Answer(body=b"y" * (3 * 1024 * 1024), no_length=True))
    outcome = fetch(f"{site.url}/stream")
    assert isinstance(outcome, Failure) and "over the 1 MB limit" in outcome.reason
    outcome = fetch("http://127.0.0.1:9/")  # nothing listens on the discard port
    assert isinstance(outcome, Failure) and outcome.reason.startswith("connection refused by 127.0.0.1:9 (")


def test_robots_txt_is_honoured_and_cached(site: TestSite) -> None:
    site.set("/robots.txt", "User-agent: *\nDisallow: /private/\n")
    site.set("/private/events", "<p>secret</p>")
    site.set("/public", "<p>ok</p>")

    async def go() -> tuple:
        async with Fetcher(FAST) as fetcher:
            return (await fetcher.fetch(f"{site.url}/private/events"), await fetcher.fetch(f"{site.url}/public"))

    private, public = asyncio.run(go())
    assert isinstance(private, Failure) and private.reason == "robots.txt forbids fetching this page"
    assert isinstance(public, Page)
    assert site.hits("/private/events") == 0 and site.hits("/robots.txt") == 1


def test_declared_charsets_are_decoded() -> None:
    cp1252 = "Caf\u00e9 \u201cquotes\u201d".encode("cp1252")
    assert decode(cp1252, "text/html; charset=windows-1252")[0] == "Caf\u00e9 \u201cquotes\u201d"
    assert decode(cp1252, "text/html; charset=ISO-8859-1")[0] == "Caf\u00e9 \u201cquotes\u201d"
    meta = b'<meta charset="windows-1252"><p>' + cp1252
    assert "\u201cquotes\u201d" in decode(meta, "text/html")[0]
    assert decode(cp1252, None)[1] == "windows-1252"  # not UTF-8: the usual Windows fallback
    assert decode(b"\xef\xbb\xbfhi", None)[0] == "hi"
    assert decode(b"ok", "text/html; charset=no-such-charset")[0] == "ok"


def test_a_windows_1252_page_over_http(site: TestSite) -> None:
    body = "<p>Caf\u00e9 \u2013 5 March 2024</p>".encode("cp1252")
    site.set("/", Answer(body=body, content_type="text/html; charset=windows-1252"))
    page = fetch(f"{site.url}/")
    assert isinstance(page, Page) and "Caf\u00e9 \u2013 5 March" in page.text


@pytest.mark.parametrize(
    ("robots", "said"),
    [
        (Answer(body="User-agent: *\nAllow: /\n", delay=1.5), "robots.txt could not be read (it timed out)"),
        (Answer(503, body="busy"), "robots.txt could not be read (it answered 503)"),
    ],
    ids=["timeout", "5xx"],
)
def test_an_unreachable_robots_txt_means_do_not_fetch(site: TestSite, robots: Answer, said: str) -> None:
    """RFC 9309: when a site's rules cannot be read, nothing of it is fetched (a missing one, 4xx, allows)."""
    site.set("/robots.txt", robots)
    site.set("/events", "<p>Branch AGM 12 March 2030</p>")
    outcome = fetch(f"{site.url}/events")
    assert isinstance(outcome, Failure) and outcome.reason.startswith(said), outcome
    assert site.hits("/events") == 0
