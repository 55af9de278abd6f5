"""The site members open: what is coming first, under month headings, each with a one-tap add; event pages
with their picture and description, a past event said to have passed; history in members' words; errors as
pages with a way back; and the widget an organisation puts on its own website (a frame and a script)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import httpx
import pytest

from tests.conftest import run_events, write_config
from tests.helpers import free_port, running
from tests.site import Answer, TestSite

TODAY = date.today()
# a 1×1 PNG: the event's picture, served from the organiser's site (we show it from its own address)
PICTURE = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005"
    "0001ff5aa6e3b50000000049454e44ae426082"
)
HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what a browser asks for


def jsonld_page(events: list[dict[str, object]]) -> str:
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><title>Events</title>"
        f"<script type='application/ld+json'>{json.dumps(events)}</script></head>"
        "<body><h1>Events</h1></body></html>"
    )


def event(name: str, day: date, slug: str, **more: object) -> dict[str, object]:
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": name,
        "startDate": f"{day.isoformat()}T18:30:00+00:00",
        "endDate": f"{day.isoformat()}T20:00:00+00:00",
        "url": f"https://union.example/events/{slug}",
        "location": {"@type": "Place", "name": "Unity House", "address": "Leeds"},
        **more,
    }


SOON = TODAY + timedelta(days=3)
LATER = TODAY + timedelta(days=40)
PAST = TODAY - timedelta(days=10)


@pytest.fixture
def member_site(tmp_path: Path, site: TestSite) -> Iterator[tuple[str, Path]]:
    site.set(
        "/union",
        jsonld_page(
            [
                event(
                    "Branch meeting",
                    SOON,
                    "branch",
                    image={
                        "@type": "ImageObject",
                        "url": f"{site.url}/img/branch.png",
                        "caption": "Members at the last branch meeting",
                    },
                    description="Agenda: pay claim.\n\nAll members welcome.",
                ),
                event("Annual conference", LATER, "conference"),
                event("Spring social", PAST, "social"),
            ]
        ),
    )
    site.set("/college", jsonld_page([event("Old lecture", PAST, "lecture")]))
    site.set("/img/branch.png", Answer(body=PICTURE, content_type="image/png"))
    port = free_port()
    config = write_config(
        tmp_path,
        f"""
        [site]
        name = "Union of Testers"
        frame_ancestors = ["https://www.union.example", "{site.url}"]

        [[categories]]
        id = "cpd"
        name = "Courses and CPD"

        [[sources]]
        id = "union"
        name = "The Union"
        url = "{site.url}/union"
        categories = ["cpd", "branch-news"]

        [[sources]]
        id = "college"
        name = "The College"
        url = "{site.url}/college"
    """,
        service=f'listen = "127.0.0.1:{port}"\nbase_url = "http://127.0.0.1:{port}"\nadmin_token = "staff-secret"',
    )
    run_events("fetch", config=config)
    with running(config, "serve", port):
        yield f"http://127.0.0.1:{port}", config


def test_the_home_page_leads_with_what_is_coming(member_site: tuple[str, Path]) -> None:
    served, _ = member_site
    page = httpx.get(f"{served}/").text
    # coming up before the calendars and the builder, under month headings, past events left out
    assert page.index('id="coming-up"') < page.index('id="calendars"') < page.index('id="builder"')
    headings = re.findall(r'<h3 class="month" id="month-[\d-]+">([^<]+)</h3>', page)
    assert headings == list(dict.fromkeys(f"{d:%B %Y}" for d in (SOON, LATER)))
    agenda = page[page.index('id="coming-up"') : page.index('id="calendars"')]
    assert "Branch meeting" in agenda and "Annual conference" in agenda and "Spring social" not in agenda
    # each with a one-tap add: its own .ics (calendar apps) and Google Calendar's form
    items = httpx.get(f"{served}/feeds/all.json?upcoming=1").json()["items"]
    for item in items:
        assert f'href="{served}/events/{item["_event"]["id"]}.ics"' in agenda
    assert agenda.count('class="add-google"') == len(items) == 2
    assert '/img/branch.png" alt="Members at the last branch meeting"' in agenda  # the page's picture, its words
    # counts are of coming events; categories by their names; an organisation with nothing coming says so
    assert "2 coming events" in page
    assert 'value="cpd"' in page and "Courses and CPD" in page and "Branch news" in page
    college = re.search(r'<label class="quiet">.*?value="college".*?</label>', page, re.S)
    assert college is not None and "nothing coming" in college.group(0)
    assert page.index('value="union"') < page.index('value="college"')
    # both snippets for the organisation's own website, to copy
    assert 'id="embed-script"' in page and 'id="embed-frame"' in page and "/embed.js" in page


def test_an_unknown_organisation_is_said_above_the_full_list(member_site: tuple[str, Path]) -> None:
    served, _ = member_site
    page = httpx.get(f"{served}/?source=typo").text
    assert "No organisation &lsquo;typo&rsquo; here" in page
    assert "Branch meeting" in page and "Annual conference" in page


def test_event_pages_show_the_picture_and_say_when_an_event_has_passed(member_site: tuple[str, Path]) -> None:
    served, _ = member_site
    records = {i["_event"]["title"]: i["_event"] for i in httpx.get(f"{served}/feeds/all.json").json()["items"]}
    coming = httpx.get(f"{served}/events/{records['Branch meeting']['id']}").text
    assert '<img class="picture" src="http://127.0.0.1:' in coming
    assert '/img/branch.png" alt="Members at the last branch meeting"' in coming
    assert '<div class="description"><p>Agenda: pay claim. All members welcome.</p></div>' in coming
    assert "has passed" not in coming and "Add to Google Calendar" in coming
    # members read their own words; the staff's workings only with the admin token
    assert "Added to the calendar" in coming and "First seen" not in coming
    staff = httpx.get(
        f"{served}/events/{records['Branch meeting']['id']}", headers={"authorization": "Bearer staff-secret"}
    )
    assert "First seen" in staff.text
    past = httpx.get(f"{served}/events/{records['Spring social']['id']}").text
    assert "This event has passed." in past
    assert "Add to Google Calendar" not in past and ".ics" not in unescape(past).split("</head>")[1]


def test_errors_are_pages_with_a_way_back_for_browsers_and_a_line_for_the_rest(member_site: tuple[str, Path]) -> None:
    served, _ = member_site
    for path, status, said in (
        ("/events/no-such-event", 404, "no event &#39;no-such-event&#39;"),
        ("/sources/nope", 404, "no source &#39;nope&#39;"),
        ("/no/such/page", 404, "nothing at /no/such/page"),
        ("/feeds/all.ics?source=typo", 400, "no source &#39;typo&#39;"),
    ):
        page = httpx.get(f"{served}{path}", headers=HTML)
        assert page.status_code == status and page.headers["content-type"].startswith("text/html")
        assert said in page.text and 'href="/"' in page.text and '<header class="site">' in page.text
        line = httpx.get(f"{served}{path}")  # a calendar app, a script
        assert line.status_code == status and line.headers["content-type"].startswith("text/plain")
        assert line.text.count("\n") == 1


def test_the_framed_list_and_the_script(member_site: tuple[str, Path], site: TestSite) -> None:
    served, _ = member_site
    framed = httpx.get(f"{served}/embed/all?limit=1")
    assert framed.status_code == 200
    assert framed.headers["content-security-policy"] == f"frame-ancestors https://www.union.example {site.url}"
    assert "x-frame-options" not in framed.headers
    assert "Branch meeting" in framed.text and "Annual conference" not in framed.text  # the next one only
    assert 'target="_blank"' in framed.text
    everything = httpx.get(f"{served}/embed/all?category=cpd&source=typo").text
    assert "Annual conference" in everything and "Spring social" not in everything
    assert "No organisation &lsquo;typo&rsquo; here." in everything
    assert httpx.get(f"{served}/embed/nope").status_code == 404
    script = httpx.get(f"{served}/embed.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert len(script.content) < 10_000


AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
  done(r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; })
    .map(function (v) { return v.id + ": " + v.help + " (" + v.nodes.map(function (n) { return n.target.join(" "); })
    .slice(0, 3).join(", ") + ")"; }));
}).catch(function (e) { done(["axe failed: " + e]); });
"""


def _axe() -> str:
    if not AXE.exists():
        if __import__("os").environ.get("CI"):
            pytest.fail("CI must have axe-core in node_modules (npm install; see .ci/run)")
        pytest.skip("needs axe-core (npm install)")
    return AXE.read_text(encoding="utf-8")


def test_the_member_site_in_a_real_browser(member_site: tuple[str, Path], site: TestSite) -> None:
    """Screenshots of every kind of page at 1280 and 390 px (tests/artifacts), with what a person relies
    on: the next events on a phone's first screen, no sideways scrolling, readable contrast, no serious
    or critical axe-core violation; and the widget on another website (another origin), framed and scripted."""
    from selenium.webdriver.common.by import By

    from tests.test_web import CONTRAST_SCRIPT, _browser

    axe = _axe()
    served, _ = member_site
    records = {i["_event"]["title"]: i["_event"] for i in httpx.get(f"{served}/feeds/all.json").json()["items"]}
    pages = {
        "home": "/",
        "home-filtered": "/?source=union&category=cpd",
        "event-coming": f"/events/{records['Branch meeting']['id']}",
        "event-past": f"/events/{records['Spring social']['id']}",
        "sources": "/sources",
        "source": "/sources/union",
        "error": "/events/no-such-event",
        "embed": "/embed/all",
    }
    shots = Path(__file__).resolve().parent / "artifacts"
    shots.mkdir(exist_ok=True)
    browser = _browser()
    try:
        for width, height in ((1280, 900), (390, 844)):
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
            browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            for name, path in pages.items():
                browser.get(f"{served}{path}")
                assert browser.execute_script("return document.documentElement.scrollWidth") <= width, (
                    f"{name} scrolls sideways at {width}px"
                )
                for what, ratio, needed in browser.execute_script(CONTRAST_SCRIPT):
                    assert ratio >= needed, f"{name} at {width}px: {what} has contrast {ratio:.2f}:1"
                browser.execute_script(axe)
                violations = browser.execute_async_script(AXE_RUN)
                assert violations == [], f"{name} at {width}px: {violations}"
                if name == "home":
                    first = browser.find_element(By.CSS_SELECTOR, "ul.agenda li")
                    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", first)
                    assert top < height, f"the first coming event starts at {top}px, below the first screen"
                    months = browser.find_elements(By.CSS_SELECTOR, "h3.month")
                    assert [m.text.title() for m in months] == [f"{d:%B %Y}" for d in dict.fromkeys((SOON, LATER))]
                full = browser.execute_script("return document.documentElement.scrollHeight")
                browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": min(full, 6000)})
                assert browser.save_screenshot(str(shots / f"member-{name}-{width}.png"))
                browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)

        # the organisation's own website, on another origin: the frame and the script both show the events
        snippet = httpx.get(f"{served}/").text
        script = unescape(re.search(r'id="embed-script"[^>]*>([^<]*)</textarea>', snippet).group(1))  # type: ignore[union-attr]
        frame = unescape(re.search(r'id="embed-frame"[^>]*>([^<]*)</textarea>', snippet).group(1))  # type: ignore[union-attr]
        site.set(
            "/ours",
            f"<!DOCTYPE html><html lang='en'><head><title>Our site</title></head><body>"
            f"<h1>Our website</h1><div id='scripted'>{script}</div><div id='framed'>{frame}</div></body></html>",
        )
        browser.get(f"{site.url}/ours")
        browser.implicitly_wait(10)
        shown = browser.find_elements(By.CSS_SELECTOR, "#scripted .eventfeed-title")
        expected = [i["title"] for i in httpx.get(f"{served}/feeds/all.json?upcoming=1&limit=5").json()["items"]]
        assert [a.text for a in shown] == expected == ["Branch meeting", "Annual conference"]
        assert shown[0].get_attribute("href") == f"{served}/events/{records['Branch meeting']['id']}"
        browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "#framed iframe"))
        assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, "li .title a")] == expected
        browser.switch_to.default_content()
        for width in (1280, 390):
            browser.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 1200, "deviceScaleFactor": 1, "mobile": width < 600},
            )
            assert browser.save_screenshot(str(shots / f"member-website-{width}.png"))
        # scripts ran without error (the error page's own 404 is the one failed load expected)
        errors = [
            e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "status of 404" not in e["message"]
        ]
        assert errors == [], errors
    finally:
        browser.quit()
