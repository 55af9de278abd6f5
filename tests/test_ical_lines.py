"""Our VEVENT writer against icalendar's: byte for byte, for every kind of event we publish and for
text a page could hold (every event of every saved page is compared too, in the conformance suite)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from events.config.models import Source
from events.record import Event
from feeds import ical_lines
from feeds.ical import vevent_properties
from tests.test_feeds import HOSTILE, stored

SOURCES = {
    "src": Source(id="src", url="https://org.example/", name='Branch: north, east; "main" o\'clock'),
    "org": Source(
        id="org", url="https://org.example/o", name="Org", organiser_email="events@org.example", organiser_name="A ^ B"
    ),
}
ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC", "Etc/UTC", "GMT"]


def same(event: Event, **kw: object) -> None:
    props = vevent_properties(stored(event, **kw), "events.example.org", "https://events.example.org", SOURCES)  # type: ignore[arg-type]
    assert props == ical_lines.in_order(props)  # written in the order given: icalendar's
    assert ical_lines.vevent(props) == ical_lines.reference(props)


def test_every_kind_of_event_is_written_as_icalendar_writes_it() -> None:
    day = date(2026, 3, 29)
    for zone in ZONES:
        tz = ZoneInfo(zone)
        for hour in (0, 1, 2, 10, 23):  # around London's change of the clocks, written in UTC there
            start = datetime.combine(day, datetime.min.time(), tz) + timedelta(hours=hour)
            same(Event(source="src", id="t", title="Timed", start=start))  # assumed end
            same(Event(source="org", id="t", title="Timed", start=start, end=start + timedelta(hours=3)))
    offset = timezone(timedelta(hours=5, minutes=30))
    same(Event(source="src", id="o", title="Offset only", start=datetime(2026, 5, 1, 9, tzinfo=offset)))
    same(Event(source="src", id="a", title="All day", start=day))
    same(Event(source="src", id="m", title="Days", start=day, end=day + timedelta(days=2)))
    same(
        Event(
            source="org",
            id="f",
            title="Everything",
            start=datetime(2026, 6, 1, 18, tzinfo=ZoneInfo("Europe/London")),
            venue="Holiday Inn, Regents Park",
            locality="London",
            url="https://org.example/e?a=1&b=2",
            image="https://org.example/i.jpg",
            latitude=51.5,
            longitude=-0.15,
            categories=("union", "a,b;c"),
            description="Line\nbreak",
            booking="open",
            booking_label="Book now",
            event_status="cancelled",
            online=True,
        ),
        sequence=7,
    )
    same(Event(source="unknown", id="u", title="A source not configured", start=day))
    for n in range(60, 160):  # an escape, a caret or a multi-byte character at every place a fold can fall
        for tail in ("\\;", ",", "^", "é", "🎉", "’"):
            same(Event(source="src", id="e", title="a" * n + tail * 3, start=day, venue=tail * n))


@settings(max_examples=300, deadline=None)
@given(
    title=st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=300)),
    words=st.text(max_size=400),
    category=st.text(max_size=120),
    who=st.text(min_size=1, max_size=120),
)
def test_any_text_is_written_as_icalendar_writes_it(title: str, words: str, category: str, who: str) -> None:
    """Escapes, folds inside and beside multi-byte characters and escapes, parameter quoting."""
    SOURCES["who"] = Source(id="who", url="https://org.example/w", name=who, organiser_email="w@org.example")
    start = datetime(2026, 1, 5, 19, tzinfo=ZoneInfo("Europe/London"))
    same(
        Event(
            source="who",
            id="h",
            title=title,
            start=start,
            venue=words,
            description=words + title,
            categories=(category,),
            url="https://org.example/" + "x" * len(words),
        )
    )
    same(Event(source="who", id="h", title=title, start=start.date(), locality=category), created=datetime(2026, 1, 1))


def test_datetimes_in_utc_properties_are_written_in_utc() -> None:
    """DTSTAMP, CREATED and LAST-MODIFIED are UTC whatever zone the store hands back (or none)."""
    props: list[ical_lines.Property] = [
        ("uid", "x@y", {}),
        ("dtstamp", datetime(2026, 7, 1, 12, tzinfo=ZoneInfo("Europe/Paris")), {}),
        ("created", datetime(2026, 7, 1, 12), {}),
        ("last-modified", datetime(2026, 7, 1, 12, 0, 0, 999, tzinfo=UTC), {}),
    ]
    assert ical_lines.vevent(ical_lines.in_order(props)) == ical_lines.reference(props)
    assert b"DTSTAMP:20260701T100000Z" in ical_lines.vevent(props)
