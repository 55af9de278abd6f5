"""Feeds as calendar clients and member websites read them: links, zones, names, windows, paging,
caching and filters (issue: "Feeds that every calendar client and website shows right")."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import jsonschema
import pytest
from icalendar import Calendar

from events.config.loading import load_config
from events.config.models import Feed
from events.reconcile.plan import reconcile
from events.record import Event
from events.store import FetchResult, Store
from feeds.build import build_feeds, render_feed
from tests.conftest import write_config
from tests.helpers import free_port, running
from tests.test_feeds import NOW, SCHEMA, config, event, stored

CHICAGO = ZoneInfo("America/Chicago")
LONDON = ZoneInfo("Europe/London")


def vevents(ics: bytes) -> list:
    return [c for c in Calendar.from_ical(ics).walk() if c.name == "VEVENT"]


def validate_with_formats(doc: dict) -> None:
    jsonschema.validate(doc, SCHEMA, format_checker=jsonschema.FormatChecker())


def test_links_with_raw_characters_are_published_as_valid_uris(tmp_path: Path) -> None:
    raw = "https://www.example.gov/pdf/Agendas - Minutes/2014/010714.pdf"
    items = [stored(event("Board", date(2024, 3, 5), url=raw))]
    rendered = render_feed(config(tmp_path), Feed("all", "All"), items, now=NOW)
    [ve] = vevents(rendered.ics)
    assert str(ve["url"]) == "https://www.example.gov/pdf/Agendas%20-%20Minutes/2014/010714.pdf"
    doc = json.loads(rendered.json)
    validate_with_formats(doc)
    assert doc["items"][0]["url"] == doc["items"][0]["_event"]["url"] == str(ve["url"])


def test_timed_events_keep_their_zone_and_the_calendar_is_in_the_service_s_zone(tmp_path: Path) -> None:
    """A Chicago event keeps its TZID; the calendar's own zone (X-WR-TIMEZONE, where Google shows it) is
    the service's, as its pages are; JSON gives RFC 3339 with seconds and the zone's name, and its text
    names the zone, which is not the service's; a record read back from the store is in its zone again."""
    start = datetime(2024, 6, 3, 18, 30, tzinfo=CHICAGO)
    stored_form = Event.from_dict(event("Meeting", start, timezone="America/Chicago").as_dict())
    assert stored_form.start == start and isinstance(stored_form.start.tzinfo, ZoneInfo)
    rendered = render_feed(config(tmp_path), Feed("all", "All"), [stored(stored_form)], now=NOW)
    cal = Calendar.from_ical(rendered.ics)
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/London"
    assert b"DTSTART;TZID=America/Chicago:20240603T183000" in rendered.ics
    assert {c["TZID"] for c in cal.walk("VTIMEZONE")} == {"America/Chicago"}
    item = json.loads(rendered.json)["items"][0]
    record = item["_event"]
    assert record["start"] == "2024-06-03T18:30:00-05:00" and record["timezone"] == "America/Chicago"
    assert item["content_text"].splitlines()[0] == "Monday 3 June 2024, 18:30 CDT"
    london = render_feed(
        config(tmp_path), Feed("all", "All"), [stored(event("Talk", start.astimezone(LONDON)))], now=NOW
    )
    assert json.loads(london.json)["items"][0]["content_text"].splitlines()[0] == "Tuesday 4 June 2024, 00:30"


def test_a_calendar_is_named_for_its_organisation_and_links_say_book_only_while_booking_is_open(
    tmp_path: Path,
) -> None:
    path = write_config(
        tmp_path,
        '[[sources]]\nid = "src"\nname = "S"\nurl = "https://org.example/"\n',
        service='base_url = "https://events.example.org"',
        feeds='[site]\nname = "Test Union"\n\n[[feeds]]\nid = "all"\ntitle = "All events"\n',
    )
    conf = load_config(path)
    items = [
        stored(event(f"Talk {state}", date(2024, 4, 2), url=f"https://org.example/{state}", booking=state))
        for state in ("open", "soon", "waitlist", "sold_out", "closed", "none")
    ]
    rendered = render_feed(conf, conf.feeds[0], items, now=NOW)
    cal = Calendar.from_ical(rendered.ics)
    assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"]) == "Test Union: All events"
    said = {str(ve["summary"]): str(ve["description"]).splitlines()[-2] for ve in cal.walk("VEVENT")}
    assert said == {
        f"Talk {state}": f"{'Book' if state == 'open' else 'Details'}: https://org.example/{state}"
        for state in ("open", "soon", "waitlist", "sold_out", "closed", "none")
    }
    # the name Outlook's subscribe link gives the calendar is the feed's own
    from feeds.web.home_page import index_page

    page = index_page(conf, items, now=NOW)
    assert "name=Test%20Union%3A%20All%20events" in page


def test_an_offset_the_page_zone_lacks_keeps_a_zone_name_not_utc() -> None:
    from events.normalise.moments import parse_moment, zone_name

    moment = parse_moment("2024-06-03T10:00:00-04:00", ZoneInfo("Europe/London"))
    assert moment.isoformat() == "2024-06-03T10:00:00-04:00"  # type: ignore[union-attr]
    assert zone_name(moment, "Europe/London") == "Etc/GMT+4"  # type: ignore[arg-type]


def test_what_clients_show_duration_description_transparency_no_invented_organiser(tmp_path: Path) -> None:
    london = ZoneInfo("Europe/London")
    items = [
        stored(event("Talk", datetime(2024, 4, 2, 18, tzinfo=london), url="https://org.example/talk", booking="open")),
        stored(event("Dinner", datetime(2024, 4, 3, 19, tzinfo=london), event_status="cancelled"), cancelled=NOW),
        stored(event("Walk", date(2024, 4, 4))),
    ]
    rendered = render_feed(config(tmp_path), Feed("all", "All"), items, now=NOW)
    talk, dinner, walk = vevents(rendered.ics)
    assert talk["dtend"].dt - talk["dtstart"].dt == timedelta(hours=1)  # the default duration
    assert "Book: https://org.example/talk" in str(talk["description"])  # Google and Outlook ignore URL
    assert f"Details: https://events.example.org/events/{items[2].event.id}" in str(walk["description"])
    assert str(dinner["transp"]) == "TRANSPARENT" and "transp" not in talk
    assert b"ORGANIZER" not in rendered.ics and b"METHOD" not in rendered.ics
    records = {i["_event"]["title"]: i["_event"] for i in json.loads(rendered.json)["items"]}
    assert records["Talk"]["end_assumed"] is True and records["Talk"]["end"] == "2024-04-02T19:00:00+01:00"
    assert records["Walk"]["end_assumed"] is False and records["Walk"]["end"] is None


def test_an_assumed_end_on_the_night_the_clocks_change_is_elapsed_time_and_not_stated_as_fact(
    tmp_path: Path,
) -> None:
    london = ZoneInfo("Europe/London")
    forward = datetime(2025, 3, 30, 0, 30, tzinfo=london)  # at 01:00 the clocks go to 02:00
    back = datetime(2025, 10, 26, 1, 30, tzinfo=london)  # the first 01:30: at 02:00 BST it is 01:00 GMT
    items = [stored(event("Night shift", forward)), stored(event("Late walk", back))]
    rendered = render_feed(config(tmp_path), Feed("all", "All"), items, now=NOW)
    for ve in vevents(rendered.ics):
        start, end = ve["dtstart"].dt, ve["dtend"].dt
        assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=1), ve["summary"]
    records = {i["_event"]["title"]: i for i in json.loads(rendered.json)["items"]}
    assert records["Night shift"]["_event"]["end"] == "2025-03-30T02:30:00+01:00"
    assert records["Late walk"]["_event"]["end"] == "2025-10-26T01:30:00+00:00"
    # the text says the start the page gave, not an end nobody stated
    assert "00:30–" not in records["Night shift"]["content_text"]


def test_a_configured_organiser_and_duration_are_published(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[[sources]]\nid = "src"\nurl = "https://org.example/"\nname = "Branch"\n'
        'default_duration = "90m"\norganiser_name = "Branch Secretary"\norganiser_email = "secretary@branch.example"\n',
    )
    cfg = load_config(path)
    start = datetime(2024, 4, 2, 18, tzinfo=ZoneInfo("Europe/London"))
    [ve] = vevents(render_feed(cfg, Feed("all", "All"), [stored(event("Talk", start))], now=NOW).ics)
    assert ve["dtend"].dt - ve["dtstart"].dt == timedelta(minutes=90)
    assert str(ve["organizer"]) == "mailto:secretary@branch.example"
    assert ve["organizer"].params["CN"] == "Branch Secretary"


def test_geo_and_image_from_the_page_reach_both_feeds(tmp_path: Path) -> None:
    from events.extract import extract_events

    html = """<html><body><script type="application/ld+json">{"@type": "Event", "name": "Open day",
      "startDate": "2024-05-04T10:00:00+01:00", "image": {"@type": "ImageObject", "url": "/img/open day.jpg"},
      "location": {"@type": "Place", "name": "Unity House", "geo": {"latitude": "53.4808", "longitude": -2.2426}}}
    </script></body></html>"""
    [found] = extract_events(html, url="https://org.example/events/", today=date(2024, 4, 1), source="src")
    assert (found.latitude, found.longitude, found.image) == (
        53.4808,
        -2.2426,
        "https://org.example/img/open%20day.jpg",
    )
    rendered = render_feed(config(tmp_path), Feed("all", "All"), [stored(found)], now=NOW)
    [ve] = vevents(rendered.ics)
    assert (ve["geo"].latitude, ve["geo"].longitude) == (53.4808, -2.2426)
    assert b"IMAGE;VALUE=URI:https://org.example/img/open%20day.jpg" in rendered.ics
    item = json.loads(rendered.json)["items"][0]
    assert item["image"] == found.image and item["_event"]["latitude"] == 53.4808


def test_the_default_window_keeps_a_feed_to_what_members_need(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"  # no window in [service]: the defaults
    path.write_text(
        '[service]\nbase_url = "https://events.example.org"\n[[sources]]\nid = "src"\nurl = "https://org.example/"\n'
    )
    cfg = load_config(path)
    assert (cfg.feeds[0].past_days, cfg.feeds[0].future_days) == (30, 730)
    now = datetime(2024, 6, 1, tzinfo=UTC)
    items = [
        stored(event("Long ago", date(2024, 4, 1))),
        stored(event("Last fortnight", date(2024, 5, 20))),
        stored(event("Next year", date(2025, 6, 1))),
        stored(event("In three years", date(2027, 6, 1))),
    ]
    doc = json.loads(render_feed(cfg, cfg.feeds[0], items, now=now).json)
    assert [i["_event"]["title"] for i in doc["items"]] == ["Last fortnight", "Next year"]


@pytest.fixture()
def served(tmp_path: Path):
    """A real server over a real SQLite store holding seven events of two sources."""
    port = free_port()
    path = write_config(
        tmp_path,
        '[[sources]]\nid = "hcsa"\nurl = "https://hcsa.example/"\nname = "HCSA"\ncategories = ["union"]\n'
        '[[sources]]\nid = "rcn"\nurl = "https://rcn.example/"\nname = "London Region"\n',
        service=f'listen = "127.0.0.1:{port}"\nbase_url = "https://events.example.org"',
    )
    cfg = load_config(path)
    store = Store(cfg.service.database_url)
    store.ensure_sources((s.id, s.url, s.name) for s in cfg.sources)
    days = [date(2030, 1, d) for d in range(1, 8)]
    for source in ("hcsa", "rcn"):
        found = [
            Event(source=source, title=f"{source} event {n}", start=day, id=f"{source}-{n}", categories=("union",))
            for n, day in enumerate(days[:3] if source == "hcsa" else days[3:])
        ]
        store.record_fetch(source, FetchResult("page", NOW, NOW, 200), reconcile({}, found, NOW.date()))
    build_feeds(cfg, store)
    with running(path, "serve", port), httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        yield client, store, cfg
    store.close()


def test_unknown_filters_are_refused_and_tracking_parameters_ignored(served) -> None:
    client, _store, _cfg = served
    for query, words in (
        ("?source=nosuch", "no source 'nosuch'; known: hcsa, rcn"),
        ("?source=", "source= is empty; known: hcsa, rcn"),
        ("?category=", "category= is empty"),
        ("?category=knitting", "no category 'knitting'; known: union"),
    ):
        response = client.get(f"/feeds/all.ics{query}")
        assert response.status_code == 400, query
        assert response.text.strip() == words and response.headers["access-control-allow-origin"] == "*"
    plain = client.get("/feeds/all.ics")
    tracked = client.get("/feeds/all.ics?utm_source=newsletter&utm_medium=email&fbclid=abc")
    assert tracked.status_code == 200 and tracked.content == plain.content


def test_filtered_feeds_have_their_own_name_and_address(served) -> None:
    client, _store, _cfg = served
    doc = client.get("/feeds/all.json?source=rcn&utm_campaign=x").json()
    assert doc["title"] == "All events — London Region"
    assert doc["feed_url"] == "https://events.example.org/feeds/all.json?source=rcn"
    ics = client.get("/feeds/all.ics?source=rcn&category=union").content
    assert "NAME:All events — London Region\\, union".encode() in ics  # TEXT: the comma escaped


def test_conditional_requests_follow_the_body_and_the_encoding(served) -> None:
    client, store, _cfg = served
    url = "/feeds/all.json?source=hcsa"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    identity = client.get(url, headers={"Accept-Encoding": "gzip;q=0"})
    assert first.headers["content-encoding"] == "gzip" and "content-encoding" not in identity.headers
    assert first.headers["etag"] != identity.headers["etag"]  # two representations, two validators
    assert first.headers["vary"] == "Accept-Encoding"
    again = client.get(url, headers={"If-None-Match": identity.headers["etag"], "Accept-Encoding": "identity"})
    assert again.status_code == 304
    # an event drops out (removed): the body changes, so the validators move and no 304 is given
    kept = [i.event for i in store.events_between({"hcsa"}, None, None)][:2]
    plan = reconcile(store.stored_events("hcsa"), kept, NOW.date(), removal_after=1)
    store.record_fetch("hcsa", FetchResult("page", NOW, NOW, 200), plan)
    after = client.get(url, headers={"If-None-Match": identity.headers["etag"], "Accept-Encoding": "identity"})
    assert after.status_code == 200 and after.headers["etag"] != identity.headers["etag"]
    late = client.get(url, headers={"If-Modified-Since": identity.headers["last-modified"]})
    assert late.status_code == 200 and late.headers["last-modified"] != identity.headers["last-modified"]


def test_json_pages_hold_their_place_when_events_are_added_between_requests(served) -> None:
    """A website reading page by page sees every event once though one is added before its place; the
    filtered feed's addresses (JSON and iCalendar) keep its filter and drop its paging."""
    client, store, _cfg = served
    first = client.get("/feeds/all.json?source=hcsa&source=rcn&limit=3").json()
    earlier = Event(source="rcn", title="Added early", start=date(2030, 1, 1), id="rcn-early", categories=("union",))
    kept = [i.event for i in store.events_between({"rcn"}, None, None)]
    store.record_fetch(
        "rcn", FetchResult("page", NOW, NOW, 200), reconcile(store.stored_events("rcn"), [*kept, earlier], NOW.date())
    )
    seen = [i["id"] for i in first["items"]]
    url = first.get("next_url")
    while url:
        page = client.get(url.removeprefix("https://events.example.org")).json()
        assert (
            page["feed_url"] == first["feed_url"] == "https://events.example.org/feeds/all.json?source=hcsa&source=rcn"
        )
        assert page["_eventfeed"]["ical_url"] == "https://events.example.org/feeds/all.ics?source=hcsa&source=rcn"
        seen += [i["id"] for i in page["items"]]
        url = page.get("next_url")
    assert seen == [f"hcsa-{n}" for n in range(3)] + [f"rcn-{n}" for n in range(4)]


def test_last_modified_of_rendered_feeds_survives_a_restart(served) -> None:
    """A narrowed feed, RSS and a booking calendar are rendered on request: the moment each body was
    first served is kept in the store, so a restarted server (or another instance) gives the same
    Last-Modified and answers If-Modified-Since with 304."""
    client, _store, cfg = served
    urls = ["/feeds/all.json?source=hcsa", "/feeds/all.rss", "/feeds/all-booking.ics", "/feeds/all.ics?category=union"]
    before = {u: client.get(u).headers["last-modified"] for u in urls}
    time.sleep(1.1)  # a body served anew now would say a later second
    port = free_port()
    again = cfg.path.with_name("again.toml")
    again.write_text(cfg.path.read_text().replace(f":{client.base_url.port}", f":{port}"), encoding="utf-8")
    with running(again, "serve", port), httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as other:
        for url, modified in before.items():
            response = other.get(url)
            assert response.status_code == 200 and response.headers["last-modified"] == modified, url
            assert other.get(url, headers={"If-Modified-Since": modified}).status_code == 304, url


def test_json_paging_cors_preflight_schema_and_one_event_file(served) -> None:
    client, _store, _cfg = served
    page1 = client.get("/feeds/all.json?limit=4").json()
    assert len(page1["items"]) == 4
    assert page1["next_url"] == "https://events.example.org/feeds/all.json?limit=4&after=2030-01-04%2C-1%2Crcn-0"
    page2 = client.get(page1["next_url"].removeprefix("https://events.example.org")).json()
    assert len(page2["items"]) == 3 and "next_url" not in page2
    assert client.get("/feeds/all.json?limit=4&page=2").json()["items"] == page2["items"]  # numbered pages too
    assert page1["feed_url"] == page2["feed_url"] == "https://events.example.org/feeds/all.json"
    assert client.get("/feeds/all.json?limit=0").status_code == 400
    assert client.get("/feeds/all.json?after=yesterday").text.strip() == (
        "after='yesterday' is not a place in the feed; follow next_url"
    )
    asking = {"Origin": "https://member.example", "Access-Control-Request-Method": "GET"}
    preflight = client.options("/feeds/all.json", headers=asking)
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    one_preflight = client.options("/events/hcsa-0.ics", headers=asking)  # an "add to calendar" widget's fetch
    assert one_preflight.status_code == 204 and one_preflight.headers["access-control-allow-origin"] == "*"
    got = client.get("/feeds/all.json", headers={"Origin": "https://member.example"})
    assert {"etag", "last-modified"} <= {
        h.strip().lower() for h in got.headers["access-control-expose-headers"].split(",")
    }
    schema = client.get("/feeds/schema.json")
    assert schema.status_code == 200 and schema.json()["title"] == "eventfeed JSON Feed"
    assert page1["items"][0]["_event"]["about"] == "https://events.example.org/feeds/schema.json"
    one = client.get("/events/hcsa-0.ics")
    assert one.status_code == 200 and one.headers["content-type"].startswith("text/calendar")
    [ve] = vevents(one.content)
    head = one.content.split(b"BEGIN:VTIMEZONE")[0]  # one event to add, not a calendar to subscribe to
    assert all(p not in head for p in (b"X-WR-CALNAME", b"NAME:", b"REFRESH-INTERVAL", b"X-PUBLISHED-TTL"))
    feed_uids = {str(v["uid"]) for v in vevents(client.get("/feeds/all.ics").content)}
    assert str(ve["uid"]) in feed_uids  # "add just this one" is the same event as the subscription's
    assert client.get("/events/nosuch.ics").status_code == 404


def test_a_source_renamed_in_config_bumps_its_events_for_subscribers(served, tmp_path: Path) -> None:
    _client, store, _cfg = served
    before = {i.event.id: i.sequence for i in store.events_between({"rcn"}, None, None)}
    store.ensure_sources([("rcn", "https://rcn.example/", "RCN London")])
    after = {i.event.id: i.sequence for i in store.events_between({"rcn"}, None, None)}
    assert all(after[k] == before[k] + 1 for k in before)
    untouched = {i.event.id: i.sequence for i in store.events_between({"hcsa"}, None, None)}
    assert set(untouched.values()) == {0}


def test_the_subscribe_page_warns_about_a_feed_google_would_stop_refreshing(tmp_path: Path) -> None:
    from feeds.build import write_atomic
    from feeds.web.home_page import index_page

    cfg = config(tmp_path)
    cfg.service.feeds_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(cfg.service.feeds_dir / "all.ics", b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\nEND:VEVENT\r\n" * 1200)
    page = index_page(cfg, [], now=NOW)
    assert "holds 1,200 events" in page and "Google Calendar may stop refreshing" in page
    write_atomic(cfg.service.feeds_dir / "all.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\n")
    assert "Google Calendar may stop refreshing" not in index_page(cfg, [], now=NOW)


def test_a_changed_organiser_or_duration_in_config_bumps_the_source_s_events(tmp_path: Path) -> None:
    """What a source adds to its events' published form (organiser, default duration) is fingerprinted:
    a change raises SEQUENCE; the same config again changes nothing."""
    path = write_config(tmp_path, '[[sources]]\nid = "src"\nurl = "https://org.example/"\nname = "Branch"\n')
    cfg = load_config(path)
    store = Store(cfg.service.database_url)
    [source] = cfg.sources
    store.ensure_sources([(source.id, source.url, source.name, source.published)])
    found = [Event(source="src", title="Talk", start=date(2030, 1, 1), id="talk")]
    store.record_fetch("src", FetchResult("page", NOW, NOW, 200), reconcile({}, found, NOW.date()))
    store.ensure_sources([(source.id, source.url, source.name, source.published)])
    assert store.event("talk").sequence == 0
    from dataclasses import replace

    changed = replace(source, organiser_email="sec@org.example", default_duration=5400)
    store.ensure_sources([(changed.id, changed.url, changed.name, changed.published)])
    assert store.event("talk").sequence == 1
    store.close()


def test_a_booking_opening_stays_in_the_booking_calendar_once_booking_has_opened() -> None:
    """The page says "Booking opens 1 June" and, from that day, "Book now" with no day: the entry stays as
    history. A page that opens booking before the day it gave did not open it on that day: no entry."""
    from events.reconcile.plan import Stored, reconcile
    from feeds.booking_calendar import build_booking_ical

    before = event("Conference", date(2030, 11, 13), booking="soon", booking_opens="2030-06-01")
    now_open = replace(before, booking="open", booking_opens=None)

    def calendar(today: date) -> list:
        plan = reconcile({before.id: Stored(before)}, [now_open], today)
        kept = plan.writes[0].event if plan.writes else before
        ics = build_booking_ical(
            "All",
            [stored(kept)],
            base_url="https://e.example",
            timezone="Europe/London",
            refresh_seconds=3600,
            today=today,
        )
        return list(Calendar.from_ical(ics).walk("VEVENT"))

    (entry,) = calendar(date(2030, 6, 1))
    assert str(entry["summary"]) == "Booking opens: Conference" and entry.decoded("dtstart") == date(2030, 6, 1)
    assert str(entry["description"]).startswith("Booking opened on Saturday 1 June 2030\n")
    assert "Book: " in str(entry["description"])
    assert calendar(date(2030, 5, 20)) == []


def test_every_field_of_the_json_schema_says_what_it_means() -> None:
    def fields(node: object, path: str = "") -> Iterator[tuple[str, dict]]:
        if isinstance(node, dict):
            for name, value in node.get("properties", {}).items():
                yield f"{path}/{name}", value
                yield from fields(value, f"{path}/{name}")
            for name, value in node.get("$defs", {}).items():
                yield from fields(value, f"{path}/$defs/{name}")

    undescribed = [path for path, field in fields(SCHEMA) if not field.get("description")]
    assert undescribed == []
    assert "inclusive" in SCHEMA["$defs"]["event"]["properties"]["end"]["description"]


def test_event_page_json_ld_says_what_google_s_event_results_need(tmp_path: Path) -> None:
    """A moved event is EventRescheduled with the start it had; online and at a venue is mixed; the
    organisation's own address fills in an event held at its premises, and nothing else."""
    from feeds.web.event_page import event_jsonld

    path = write_config(
        tmp_path,
        '[[sources]]\nid = "src"\nname = "S"\nurl = "https://org.example/"\n',
        feeds='[site]\nname = "Test Union"\naddress = "Unity House, 1 Cross Street, Leeds LS1 2AB"\n',
    )
    conf = load_config(path)
    moved = event("AGM", date(2030, 3, 27), venue="Unity House", online=True)
    history = [
        {"kind": "new", "detail": {"event": {}}},
        {"kind": "changed", "detail": {"fields": {"start": ["2030-03-20", "2030-03-27"]}}},
    ]
    data = event_jsonld(conf, stored(moved), history)
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["previousStartDate"] == "2030-03-20"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    place, online = data["location"]
    assert place["address"]["streetAddress"] == "Unity House, 1 Cross Street, Leeds LS1 2AB"
    assert online["@type"] == "VirtualLocation"
    elsewhere = event_jsonld(conf, stored(event("Dinner", date(2030, 4, 1), venue="Town Hall")))
    assert elsewhere["eventStatus"] == "https://schema.org/EventScheduled" and "address" not in elsewhere["location"]
    cancelled = event_jsonld(conf, stored(replace(moved, event_status="cancelled")), history)
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled" and "previousStartDate" not in cancelled
