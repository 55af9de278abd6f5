"""The iCalendar and JSON documents, built from records written for these tests."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
from icalendar import Calendar

from events.config.loading import load_config
from events.config.models import Feed
from events.record import Event
from events.store import StoredEvent
from feeds.build import render_feed
from tests.conftest import write_config

NOW = datetime(2024, 3, 1, 12, tzinfo=UTC)
SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "feeds" / "jsonfeed.schema.json").read_text())
HOSTILE = [
    "Line one\nBEGIN:VEVENT\nSUMMARY:injected",
    "Carriage\rreturn and\r\nCRLF",
    "Commas, semicolons; and \\ backslashes",
    "Emoji 🎉 and accents: Café Münster",
    "END:VCALENDAR",
    "x" * 10_000,
]


def stored(
    event: Event, *, created: datetime = NOW, sequence: int = 0, cancelled: datetime | None = None
) -> StoredEvent:
    return StoredEvent(event, created, created, sequence, cancelled, None)


def event(title: str, start: date | datetime, **kw: object) -> Event:
    fields = {"source": "src", "id": f"id-{abs(hash((title, str(start)))) % 10**8}", **kw}
    return Event(title=title, start=start, **fields)  # type: ignore[arg-type]


def config(tmp_path: Path):
    return load_config(
        write_config(
            tmp_path,
            '[[sources]]\nid = "src"\nname = "Source; with, commas"\nurl = "https://org.example/"\n',
            service='base_url = "https://events.example.org"',
        )
    )


def test_all_day_timed_and_offset_only_events(tmp_path: Path) -> None:
    london = ZoneInfo("Europe/London")
    items = [
        stored(event("Conference", date(2024, 11, 13), end=date(2024, 11, 14), venue="Telford International Centre")),
        stored(
            event(
                "Webinar",
                datetime(2024, 3, 5, 12, 30, tzinfo=london),
                end=datetime(2024, 3, 5, 13, 30, tzinfo=london),
                online=True,
            )
        ),
        stored(event("Gig", datetime(2024, 6, 10, 19, 30, tzinfo=timezone(timedelta(hours=-4))))),
    ]
    rendered = render_feed(config(tmp_path), Feed("all", "All"), items, now=NOW)
    cal = Calendar.from_ical(rendered.ics)
    assert not cal.get_missing_tzids()
    by_summary = {str(v["SUMMARY"]): v for v in cal.walk("VEVENT")}
    conf = by_summary["Conference"]
    assert conf.decoded("DTSTART") == date(2024, 11, 13) and conf.decoded("DTEND") == date(2024, 11, 15)
    web = by_summary["Webinar"]
    assert web["DTSTART"].params["TZID"] == "Europe/London"
    assert by_summary["Gig"].decoded("DTSTART") == datetime(2024, 6, 10, 23, 30, tzinfo=UTC)
    assert str(cal["REFRESH-INTERVAL"].to_ical(), "ascii") == "PT6H"
    assert b"X-PUBLISHED-TTL:PT6H" in rendered.ics
    assert b"METHOD:" not in rendered.ics and b"ORGANIZER" not in rendered.ics  # no invented contact


def test_a_timed_start_with_a_day_for_its_end_survives_the_store(tmp_path: Path) -> None:
    """A run of screenings "from 12:00 16 June to 8 July": the store gives the end back as a day, not a
    time without a zone, which no feed could compare with the zoned start."""
    london = ZoneInfo("Europe/London")
    run = event("Screenings", datetime(2024, 6, 16, 12, tzinfo=london), end=date(2024, 7, 8), timezone="Europe/London")
    back = Event.from_dict(run.as_dict())
    assert back == run and back.last_day == date(2024, 7, 8)
    cal = Calendar.from_ical(render_feed(config(tmp_path), Feed("all", "All"), [stored(back)], now=NOW).ics)
    (vevent,) = cal.walk("VEVENT")
    assert vevent.decoded("DTSTART") == datetime(2024, 6, 16, 12, tzinfo=london)


def test_hostile_text_cannot_inject_properties_or_components(tmp_path: Path) -> None:
    items = [
        stored(
            event(text, date(2024, 4, i + 1), venue=text, description=text, booking_label=text, categories=(text[:50],))
        )
        for i, text in enumerate(HOSTILE)
    ]
    rendered = render_feed(config(tmp_path), Feed("all", "All; the, feed", "Desc, with; chars"), items, now=NOW)
    raw = rendered.ics
    lines = raw.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == len(HOSTILE) and lines.count(b"END:VCALENDAR") == 1
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    cal = Calendar.from_ical(raw)
    summaries = sorted(str(v["SUMMARY"]) for v in cal.walk("VEVENT"))
    assert "Line one BEGIN:VEVENT SUMMARY:injected" in summaries
    assert "Commas, semicolons; and \\ backslashes" in summaries
    assert b"X-WR-CALNAME:All\\; the\\, feed\r\n" in raw  # escaped, not split into values
    doc = json.loads(rendered.json)
    jsonschema.validate(doc, SCHEMA)
    assert {item["_event"]["title"] for item in doc["items"]} == set(HOSTILE)


def test_cancelled_events_stay_marked_then_drop_out(tmp_path: Path) -> None:
    recent = stored(event("Dinner", date(2024, 5, 1), event_status="cancelled"), cancelled=NOW - timedelta(days=2))
    old = stored(event("Lunch", date(2024, 5, 2), event_status="cancelled"), cancelled=NOW - timedelta(days=45))
    rendered = render_feed(config(tmp_path), Feed("all", "All"), [recent, old], now=NOW)
    [vevent] = Calendar.from_ical(rendered.ics).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Cancelled: Dinner" and str(vevent["STATUS"]) == "CANCELLED"


def test_json_feed_orders_by_start_and_validates(tmp_path: Path) -> None:
    items = [
        stored(
            event(
                t, d, booking="soon", booking_label="On sale soon", booking_opens="2024-04", url="https://org.example/e"
            )
        )
        for t, d in [("B", date(2024, 6, 2)), ("A", date(2024, 3, 2)), ("C", date(2023, 1, 1))]
    ]
    doc = json.loads(render_feed(config(tmp_path), Feed("all", "All", past_days=None), items, now=NOW).json)
    jsonschema.validate(doc, SCHEMA)
    assert [i["_event"]["title"] for i in doc["items"]] == ["C", "A", "B"]
    assert [i["_event"]["past"] for i in doc["items"]] == [True, False, False]
    assert "On sale soon" in doc["items"][1]["content_text"]
    assert doc["feed_url"] == "https://events.example.org/feeds/all.json"


def test_feed_filters(tmp_path: Path) -> None:
    items = [
        stored(event("Union day", date(2024, 6, 1), categories=("union",))),
        stored(event("Other", date(2024, 6, 2), source="other", categories=("college",))),
        stored(event("Past", date(2023, 6, 2), categories=("union",))),
    ]
    unions = Feed("unions", "Unions", categories=("union",), past_days=30)
    doc = json.loads(render_feed(config(tmp_path), unions, items, now=NOW).json)
    assert [i["_event"]["title"] for i in doc["items"]] == ["Union day"]


def test_the_store_picks_exactly_the_rows_each_feed_window_keeps(database_url: str) -> None:
    """The database narrows a feed's rows (sources, past and future days, a query's dates); what it
    returns must be what the Python filter would keep from every row, on SQLite and PostgreSQL."""
    from events.reconcile.plan import Plan, Write
    from events.store import FetchResult, Store, utcnow
    from feeds.build import feed_items
    from feeds.selection import Query, select_events

    store = Store(database_url)
    for source in ("a", "b", "c"):
        store.ensure_sources([(source, f"https://{source}.example/", source)])
        writes = [
            Write(
                Event(
                    source=source,
                    title=f"{source} {i}",
                    start=date(2025, 1, 1) + timedelta(days=7 * i),
                    id=f"{source}{i}",
                ),
                new=True,
                visible=True,
            )
            for i in range(60)
        ]
        store.record_fetch(source, FetchResult("page", utcnow(), utcnow(), 200), Plan(writes=writes))
    now = datetime(2025, 6, 1, 12, tzinfo=UTC)
    everything = store.all_events()
    feeds = [
        Feed("all", "All"),
        Feed("ab", "A and B", sources=("a", "b"), past_days=30, future_days=90),
        Feed("c", "C", sources=("c",), future_days=10),
    ]
    queries = [
        None,
        Query(sources=("b", "c")),
        Query(start=date(2025, 3, 1), end=date(2025, 4, 30)),
        Query(upcoming=True),
    ]
    for feed in feeds:
        for query in queries:
            chosen = select_events(feed_items(store, feed, now, query), feed, now=now, cancelled_days=7, query=query)
            expected = select_events(everything, feed, now=now, cancelled_days=7, query=query)
            assert [i.event.id for i in chosen] == [i.event.id for i in expected], (feed.id, query)
    narrowed = feed_items(store, feeds[1], now)
    assert 0 < len(narrowed) < len(everything) / 3
    store.close()
