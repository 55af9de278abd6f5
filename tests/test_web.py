"""The web app on a real server: feeds with narrowing queries, caching headers, HEAD, gzip, CORS,
the event page, and the subscribe page in a real headless browser."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from tests.conftest import fixture_text, run_events, write_config
from tests.helpers import free_port, running, vevents
from tests.site import TestSite


@pytest.fixture
def served(tmp_path: Path, site: TestSite) -> Iterator[str]:
    site.set("/", fixture_text("union-banners.html"))
    site.set("/other", fixture_text("union-banners.html").replace("FMPA", "OTHER").replace("/events/", "/o/"))
    port = free_port()
    config = write_config(
        tmp_path,
        f"""
        [[sources]]
        id = "fmpa"
        name = "FMPA <b>&</b> friends"
        url = "{site.url}/"
        categories = ["union"]

        [[sources]]
        id = "other"
        url = "{site.url}/other"
        categories = ["college"]
    """,
        service=f'listen = "127.0.0.1:{port}"\nbase_url = "https://events.example.org"',
        feeds="""
        [[feeds]]
        id = "unions"
        title = "Union <events> & more"
        categories = ["union"]
    """,
    )
    run_events("fetch", config=config)
    with running(config, "serve", port):
        yield f"http://127.0.0.1:{port}"


def titles(response: httpx.Response) -> list[str]:
    return [item["_event"]["title"] for item in response.json()["items"]]


def test_queries_narrow_a_feed(served: str) -> None:
    everything = titles(httpx.get(f"{served}/feeds/all.json"))
    assert len(everything) == 10
    assert len(titles(httpx.get(f"{served}/feeds/all.json?source=fmpa"))) == 5
    assert len(titles(httpx.get(f"{served}/feeds/all.json?category=college"))) == 5
    assert len(titles(httpx.get(f"{served}/feeds/unions.json"))) == 5
    starts = {
        i["_event"]["title"]: i["_event"]["start"][:10]
        for i in httpx.get(f"{served}/feeds/all.json?source=fmpa").json()["items"]
    }
    day = starts["FMPA North West Reps Day"]
    window = titles(httpx.get(f"{served}/feeds/all.json?from={day}&to={day}&source=fmpa"))
    assert window == ["FMPA North West Reps Day"]
    upcoming = httpx.get(f"{served}/feeds/all.ics?upcoming=1&source=other")
    assert upcoming.status_code == 200 and len(vevents(upcoming.content)) <= 5
    for bad, message in [
        ("colour=red", "unknown parameter 'colour'"),
        ("from=tomorrow", "not a date"),
        ("upcoming=maybe", "must be 1 or 0"),
        ("from=2024-05-01&to=2024-01-01", "to is before"),
    ]:
        response = httpx.get(f"{served}/feeds/all.json?{bad}")
        assert response.status_code == 400 and message in response.text and response.text.count("\n") == 1


def test_caching_headers_head_gzip_and_cors(served: str) -> None:
    first = httpx.get(f"{served}/feeds/all.ics")
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "max-age=" in first.headers["cache-control"]
    assert httpx.get(f"{served}/feeds/all.ics", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    later = format_datetime(datetime.now(UTC) + timedelta(minutes=1), usegmt=True)
    assert httpx.get(f"{served}/feeds/all.ics", headers={"If-Modified-Since": later}).status_code == 304
    earlier = format_datetime(datetime.now(UTC) - timedelta(days=1), usegmt=True)
    assert httpx.get(f"{served}/feeds/all.ics", headers={"If-Modified-Since": earlier}).status_code == 200
    head = httpx.head(f"{served}/feeds/all.json")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"]
    raw = httpx.get(f"{served}/feeds/all.json", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    with httpx.stream("GET", f"{served}/feeds/all.json", headers={"Accept-Encoding": "gzip"}) as stream:
        body = b"".join(stream.iter_raw())
    assert gzip.decompress(body).startswith(b"{")
    assert raw.headers["access-control-allow-origin"] == "*"


def test_event_page_and_escaping(served: str) -> None:
    event_id = httpx.get(f"{served}/feeds/all.json").json()["items"][0]["_event"]["id"]
    page = httpx.get(f"{served}/events/{event_id}")
    assert page.status_code == 200 and "first seen" in page.text
    assert httpx.get(f"{served}/events/nope").status_code == 404
    sources = httpx.get(f"{served}/sources").text
    assert "FMPA &lt;b&gt;&amp;&lt;/b&gt; friends" in sources and "<b>&</b>" not in sources
    index = httpx.get(f"{served}/").text
    assert "Union &lt;events&gt; &amp; more" in index and "<events>" not in index


def _browser():
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        if __import__("os").environ.get("CI"):
            pytest.fail("CI must have Debian's chromium and chromium-driver (see .ci/run)")
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=412,915",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


def test_subscribe_page_in_a_real_browser(served: str, tmp_path: Path) -> None:
    browser = _browser()
    try:
        browser.get(f"{served}/")
        from selenium.webdriver.common.by import By

        links = {
            a.get_attribute("class").split()[0]: a.get_attribute("href")
            for a in browser.find_elements(By.CSS_SELECTOR, "#feed-all .links a")
        }
        assert links["apple"] == "webcal://events.example.org/feeds/all.ics"
        assert links["google"].startswith("https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F")
        assert "addfromweb?url=https%3A%2F%2Fevents.example.org%2Ffeeds%2Fall.ics" in links["outlook"]
        assert links["office365"].startswith("https://outlook.office.com/calendar/0/addfromweb?url=")
        copy = browser.find_element(By.CSS_SELECTOR, "#feed-all input.url")
        assert copy.get_attribute("value") == "https://events.example.org/feeds/all.ics"
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
        shot = Path(__file__).resolve().parent / "artifacts"
        shot.mkdir(exist_ok=True)
        assert browser.save_screenshot(str(shot / "subscribe-page.png"))
        viewport = browser.execute_script("return window.innerWidth")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= viewport  # no sideways scrolling on a phone
    finally:
        browser.quit()
