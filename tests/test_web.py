"""The web app on a real server: feeds with narrowing queries, caching headers, HEAD, gzip, CORS,
the event page, and the subscribe page in a real headless browser."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

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
    # the second page is the first with FMPA renamed: the three events whose title does not say FMPA are
    # the same events (day, title and place), listed once where both sources are shown
    assert len(everything) == 7
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
    # one Vary header, whoever compressed the body: caches in front key on it
    for path in ("/feeds/all.ics", "/feeds/all.json?source=fmpa", "/feeds/all.rss", "/feeds/all-booking.ics", "/"):
        for accept in ("gzip", "identity"):
            response = httpx.get(f"{served}{path}", headers={"Accept-Encoding": accept})
            varies = response.headers.get_list("vary")
            assert len(varies) <= 1 and [v.strip() for v in ",".join(varies).split(",") if v] in (
                [],
                ["Accept-Encoding"],
            ), (path, accept, varies)


def test_event_page_and_escaping(served: str) -> None:
    event_id = httpx.get(f"{served}/feeds/all.json").json()["items"][0]["_event"]["id"]
    page = httpx.get(f"{served}/events/{event_id}")
    assert page.status_code == 200 and "Added to the calendar" in page.text  # members' words (no "First seen")
    assert "→" not in page.text and "None" not in page.text
    assert httpx.get(f"{served}/events/nope").status_code == 404
    sources = httpx.get(f"{served}/sources").text
    assert "FMPA &lt;b&gt;&amp;&lt;/b&gt; friends" in sources and "<b>&</b>" not in sources
    index = httpx.get(f"{served}/").text
    assert "Union &lt;events&gt; &amp; more" in index and "<events>" not in index
    preview = httpx.get(f"{served}/sources/fmpa")
    assert preview.status_code == 200 and preview.text.count("<tr") == 1 + 5  # header + the source's events
    # each event says where it ends up; the fixture's events dated 2024 are past, and marked so
    assert preview.text.count('<tr class="past">') >= 1 and "(past)" in preview.text
    assert "past; in All events, Union &lt;events&gt; &amp; more" in preview.text
    assert httpx.get(f"{served}/sources/nope").status_code == 404


SCHEMA_ORG_EVENT = {
    "type": "object",
    "required": ["@context", "@type", "name", "startDate", "eventStatus", "location", "url"],
    "properties": {
        "@context": {"const": "https://schema.org"},
        "@type": {"const": "Event"},
        "name": {"type": "string", "minLength": 1},
        "startDate": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?$"},
        "endDate": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}"},
        "eventStatus": {
            "enum": [f"https://schema.org/Event{s}" for s in ("Scheduled", "Cancelled", "Postponed", "Rescheduled")]
        },
        "eventAttendanceMode": {"pattern": "^https://schema.org/(Offline|Online|Mixed)EventAttendanceMode$"},
        "location": {
            "type": "object",
            "required": ["@type"],
            "properties": {"@type": {"enum": ["Place", "VirtualLocation"]}, "address": {"type": "object"}},
        },
        "offers": {
            "type": "object",
            "required": ["@type", "availability"],
            "properties": {"availability": {"pattern": "^https://schema.org/[A-Za-z]+$"}},
        },
        "organizer": {"type": "object", "required": ["@type", "name"]},
        "url": {"type": "string", "format": "uri"},
    },
}


def jsonld(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_event_page_for_members(booking_site: str) -> None:
    import jsonschema

    items = httpx.get(f"{booking_site}/feeds/all.json").json()["items"]
    agm = next(i for i in items if i["_event"]["title"] == "Annual General Meeting")
    html = httpx.get(f"{booking_site}/events/{agm['id']}").text
    (data,) = jsonld(html)
    jsonschema.validate(data, SCHEMA_ORG_EVENT, format_checker=jsonschema.FormatChecker())
    assert data["startDate"] == "2030-03-20T10:00:00+00:00"
    assert data["location"]["address"]["addressLocality"] == "Leeds"
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert '<meta property="og:title" content="Annual General Meeting">' in html
    assert "Wednesday 20 March 2030, 10:00" in html and "openstreetmap.org/search?query=" in html
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html
    # Outlook on the web's own form beside Google's, in UTC, the place and the booking words filled in
    outlook = re.search(r'class="button secondary outlook" href="([^"]+)"', html)
    assert outlook is not None
    form = parse_qs(urlsplit(unescape(outlook.group(1))).query)
    assert outlook.group(1).startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    assert form["rru"] == ["addevent"] and form["subject"] == ["Annual General Meeting"]
    assert form["startdt"] == ["2030-03-20T10:00:00Z"] and form["enddt"] == ["2030-03-20T11:00:00Z"]
    assert "Leeds" in form["location"][0]
    assert 'class="button secondary office365" href="https://outlook.office.com/calendar/0/deeplink/compose?' in html
    assert f"/events/{agm['id']}.ics" in html


def test_rss_for_newsletters(booking_site: str) -> None:
    import feedparser

    index = httpx.get(f"{booking_site}/").text
    assert '<link rel="alternate" type="application/rss+xml"' in index
    response = httpx.get(f"{booking_site}/feeds/all.rss")
    assert response.headers["content-type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = [e.title for e in parsed.entries]
    assert titles == ["Wed 20 Mar 2030 · Annual General Meeting", "Wed 13 Nov 2030 · Annual Conference"]
    assert all(e.link.startswith("https://events.example.org/events/") for e in parsed.entries)
    assert "Booking opens 1 June 2030" in parsed.entries[1].description
    # HTML readers show a description as HTML: each line stays a line
    assert "Wednesday 13 November 2030<br />" in parsed.entries[1].description
    narrowed = feedparser.parse(httpx.get(f"{booking_site}/feeds/all.rss?category=nothing-like-this").content)
    assert narrowed.entries == [] or httpx.get(f"{booking_site}/feeds/all.rss?category=x").status_code == 400


def test_calendar_of_booking_openings(booking_site: str) -> None:
    from icalendar import Calendar

    response = httpx.get(f"{booking_site}/feeds/all-booking.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-timezone"]) == "Europe/London"  # Google's zone for the calendar
    (opening,) = calendar.walk("VEVENT")
    assert str(opening["summary"]) == "Booking opens: Annual Conference"
    assert opening.decoded("dtstart") == date(2030, 6, 1) and opening.decoded("dtend") == date(2030, 6, 2)
    assert str(opening["url"]).endswith("/e/conf")
    assert httpx.get(f"{booking_site}/feeds/nope-booking.ics").status_code == 404


def test_builder_and_filters_without_javascript(served: str) -> None:
    query = "source=fmpa&category=union&upcoming=1"
    page = httpx.get(f"{served}/?{query}&q=").text
    expected = len(httpx.get(f"{served}/feeds/all.json?{query}").json()["items"])
    assert f'<strong class="count">{expected}</strong>' in page
    assert f'value="https://events.example.org/feeds/all.ics?{query.replace("&", "&amp;")}"' in page
    assert 'name="source" value="fmpa" checked' in page
    searched = httpx.get(f"{served}/?q=zzzz-nothing").text
    assert "Nothing coming up matches." in searched
    # Google's "From URL" page is linked, with the address beside it to paste; no undocumented cid=
    assert "settings/addbyurl" in page and "render?cid=" not in page
    assert 'class="warning too-long" role="note" hidden' in page  # a short address: nothing to say


@pytest.fixture
def booking_site(tmp_path: Path, site: TestSite) -> Iterator[str]:
    site.set(
        "/",
        """<html><body><h1>Events</h1><ul>
<li class="event"><h3><a href="/e/conf">Annual Conference</a></h3><p>13 November 2030</p>
<p>Telford International Centre, Telford</p><p>Booking opens 1 June 2030</p></li>
<li class="event"><h3><a href="/e/agm">Annual General Meeting</a></h3><p>20 March 2030, 10:00</p>
<p>Unity House, 1 Cross Street, Leeds</p><p>Book now</p></li>
</ul></body></html>""",
    )
    port = free_port()
    config = write_config(
        tmp_path,
        f'[[sources]]\nid = "union"\nname = "The Union"\nurl = "{site.url}/"\n',
        service=f'listen = "127.0.0.1:{port}"\nbase_url = "https://events.example.org"',
    )
    run_events("fetch", config=config)
    with running(config, "serve", port):
        yield f"http://127.0.0.1:{port}"


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


CONTRAST_SCRIPT = """
function rgb(text) { var m = text.match(/[\\d.]+/g).map(Number);
  return m.length > 3 && m[3] === 0 ? null : m.slice(0, 3); }
function lum(c) { var v = c.map(function (x) { x /= 255;
  return x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
function ratio(a, b) { var x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
function behind(el) { for (var n = el.parentElement; n; n = n.parentElement) {
  var c = rgb(getComputedStyle(n).backgroundColor); if (c) { return c; } } return [255, 255, 255]; }
var out = [];
document.querySelectorAll("input[type=text], input[type=search], select, fieldset").forEach(function (el) {
  if (!el.offsetParent) { return; }
  out.push([el.tagName + "." + el.className, ratio(rgb(getComputedStyle(el).borderTopColor), behind(el)), 3]);
});
document.querySelectorAll("input[type=checkbox]").forEach(function (el) {
  out.push(["checkbox", ratio(rgb(getComputedStyle(el).accentColor), [255, 255, 255]), 3]);
});
document.querySelectorAll(".button, a, .meta, .when").forEach(function (el) {
  if (!el.offsetParent) { return; }
  var s = getComputedStyle(el), bg = rgb(s.backgroundColor) || behind(el);
  out.push([el.tagName + "." + el.className + " " + el.textContent.trim().slice(0, 30), ratio(rgb(s.color), bg), 4.5]);
});
return out;
"""


def test_pages_in_a_real_browser_at_desktop_and_phone_widths(served: str) -> None:
    """Screenshots of /, a filtered /, an event page and /sources at 1280 and 390 px (tests/artifacts),
    with what a person relies on: no sideways scrolling, readable contrast, a working feed builder
    and search, schema.org data on the event page."""
    import json

    import jsonschema
    from selenium.webdriver.common.by import By

    event_id = httpx.get(f"{served}/feeds/all.json").json()["items"][0]["id"]
    pages = {
        "subscribe": "/",
        "subscribe-filtered": "/?source=fmpa&upcoming=1",
        "event": f"/events/{event_id}",
        "sources": "/sources",
    }
    shots = Path(__file__).resolve().parent / "artifacts"
    shots.mkdir(exist_ok=True)
    browser = _browser()
    try:
        for width, height in ((1280, 900), (390, 844)):
            browser.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
            )
            for name, path in pages.items():
                browser.get(f"{served}{path}")
                viewport = browser.execute_script("return window.innerWidth")
                assert viewport == width
                page_width = browser.execute_script("return document.documentElement.scrollWidth")
                assert page_width <= viewport, f"{name} scrolls sideways at {width}px"
                for what, ratio, needed in browser.execute_script(CONTRAST_SCRIPT):
                    assert ratio >= needed, f"{name} at {width}px: {what} has contrast {ratio:.2f}:1 (needs {needed})"
                height_full = browser.execute_script("return document.documentElement.scrollHeight")
                browser.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": min(height_full, 6000), "deviceScaleFactor": 1, "mobile": width < 600},
                )
                assert browser.save_screenshot(str(shots / f"{name}-{width}.png"))
                browser.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
                )
                errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
                assert errors == [], f"{name}: {errors}"

        browser.get(f"{served}/")
        primary = browser.find_element(By.CSS_SELECTOR, "#feed-all a.primary")
        assert primary.get_attribute("href") == "webcal://events.example.org/feeds/all.ics"
        labels = [a.get_attribute("aria-label") for a in browser.find_elements(By.CSS_SELECTOR, "a.google")]
        assert len(labels) == len(set(labels)), "Google links a screen reader cannot tell apart"
        google = browser.find_element(By.CSS_SELECTOR, "#feed-all a.google").get_attribute("href")
        assert google == "https://calendar.google.com/calendar/u/0/r/settings/addbyurl"
        assert browser.find_element(By.ID, "url-all").is_displayed()  # the address Google asks for, in view
        outlook = browser.find_element(By.CSS_SELECTOR, "#feed-all a.outlook").get_attribute("href")
        assert "addfromweb?url=https%3A%2F%2Fevents.example.org%2Ffeeds%2Fall.ics" in outlook

        # the builder answers as you tick: the address and the count of the feed it gives
        browser.find_element(By.CSS_SELECTOR, "form.builder input[name=source][value=fmpa]").click()
        address = browser.find_element(By.ID, "builder-url").get_attribute("value")
        assert address == "https://events.example.org/feeds/all.ics?source=fmpa"
        count = int(browser.find_element(By.CSS_SELECTOR, "form.builder .count").text)
        coming = httpx.get(f"{served}/feeds/all.json?source=fmpa&upcoming=1").json()["items"]
        assert count == len(coming) == 2  # coming events: the feed also keeps the past month's
        apple = browser.find_element(By.CSS_SELECTOR, ".result a.apple").get_attribute("href")
        assert apple == "webcal://events.example.org/feeds/all.ics?source=fmpa"
        shown = [li for li in browser.find_elements(By.CSS_SELECTOR, "ul.agenda li") if li.is_displayed()]
        assert shown and all(li.get_attribute("data-source") == "fmpa" for li in shown)
        browser.find_element(By.ID, "q").send_keys("zzzz-nothing")
        assert not any(li.is_displayed() for li in browser.find_elements(By.CSS_SELECTOR, "ul.agenda li"))
        assert browser.find_element(By.CSS_SELECTOR, "p.none").is_displayed()

        browser.get(f"{served}/events/{event_id}")
        scripts = browser.find_elements(By.CSS_SELECTOR, 'script[type="application/ld+json"]')
        data = json.loads(scripts[0].get_attribute("textContent"))
        jsonschema.validate(data, SCHEMA_ORG_EVENT, format_checker=jsonschema.FormatChecker())
    finally:
        browser.quit()
