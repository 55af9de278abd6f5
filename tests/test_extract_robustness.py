"""Random and hostile input: the normalisers and the extractor return events or nothing, never raise,
and finish. (Hypothesis' deadline bounds each example; no timings are asserted.)"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from events.extract import extract_events
from events.normalise.dates import find_dates, find_months
from events.normalise.moments import parse_moment
from events.normalise.places import find_locality
from events.normalise.status import find_booking, find_event_status
from events.normalise.times import find_times
from events.normalise.titles import tidy_title

TODAY = date(2024, 1, 29)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
WORDS = st.sampled_from(
    [
        "18th",
        "April",
        "&",
        "13",
        "14",
        "November",
        "2024",
        "–",
        "to",
        "Tue",
        "5",
        "March",
        "05/03/2024",
        "2024-03-05",
        "10:00",
        "4pm",
        "noon",
        "sold",
        "out",
        "Book",
        "now",
        "in",
        "London",
        "31",
        "February",
        "(W)",
        "\n",
        "\x00",
        "<!channel>",
        "🎉",
        "9.30am",
        "Sept",
        "1er",
        "mars",
        "au",
        "oktober",
        "en",
        "24.",
        "Okt.",
        "de",
        "9h",
        "17h30",
        "апреля",
        "Doors",
    ]
)
hostile_text = st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=40).map(" ".join))


@settings(max_examples=300, deadline=1000)
@given(hostile_text, days, st.booleans())
def test_normalisers_never_raise(text: str, today: date, month_first: bool) -> None:
    for match in find_dates(text, today, month_first):
        assert match.end is None or match.end > match.start
        assert match.end is None or (match.end - match.start) <= timedelta(days=366)
    find_months(text)
    for t in find_times(text):
        assert t.end is None or t.end > t.start
    find_booking(text, today)
    find_event_status(text)
    find_locality(text)
    tidy_title(text)
    parse_moment(text, __import__("zoneinfo").ZoneInfo("Europe/London"))


@settings(max_examples=150, deadline=3000)
@given(
    st.lists(
        st.one_of(
            hostile_text,
            st.sampled_from(
                [
                    "<div>",
                    "</div>",
                    "<p>",
                    "<li>",
                    "<table><tr><td>",
                    "<h3>",
                    "</h3>",
                    "<time datetime='2024-99-99'>",
                    '<script type="application/ld+json">{"@type":"Event",',
                    "</script>",
                    "<a href='javascript:x'>",
                    "\udcff",
                ]
            ),
        ),
        max_size=60,
    ).map("".join),
    days,
)
def test_extractor_never_raises_on_random_pages(html: str, today: date) -> None:
    for event in extract_events(html, url="https://org.example/", today=today):
        assert event.title and event.id


def test_deep_nesting_huge_pages_and_broken_bytes() -> None:
    deep = "<div>" * 10_000 + "<p>Conference 5 March 2024 Town Hall</p>" + "</div>" * 10_000
    assert [e.title for e in extract_events(deep, url=None, today=TODAY)] == ["Conference"]
    huge = (
        "<ul>"
        + "".join(f"<li><a href='/e{i}'>Event number {i}</a> {1 + i % 28} May 2024</li>" for i in range(5000))
        + "</ul>"
    )
    assert len(extract_events(huge, url="https://o.example/", today=TODAY)) == 5000
    broken = b"<p>Gala \xff\xfe\x00 dinner 3 June 2024 Guildhall</p>"
    assert [e.title for e in extract_events(broken, url=None, today=TODAY)] == ["Gala \ufffd\ufffd dinner"]
    controls = "<p>Summit\x01\x02\x1b[31m 4 July 2024</p>"
    [event] = extract_events(controls, url=None, today=TODAY)
    assert event.title.startswith("Summit") and not any(ord(c) < 32 for c in event.title)


@settings(max_examples=300, deadline=1000)
@given(hostile_text, days, st.booleans(), st.sampled_from([("en", "ru"), ("en", "ru", "fr"), ("en", "ru", "nl")]))
def test_reading_dates_near_month_names_finds_what_reading_everywhere_finds(
    text: str, today: date, month_first: bool, languages: tuple[str, ...]
) -> None:
    """find_dates runs the month-name patterns only near a month's name, on the lowercased text; the
    plain way (every pattern everywhere, case-insensitively) must find exactly the same dates, in
    every language's grammar."""
    from events.normalise import dates

    words = dates.grammar(languages)
    everywhere = [(name, m) for name, regex in words.compiled for m in regex.finditer(text)]
    fast = list(dates._matches(text, words))
    assert sorted((n, m.span()) for n, m in fast) == sorted((n, m.span()) for n, m in everywhere)


def test_bidirectional_overrides_never_reach_a_record() -> None:
    """U+202E and its kin make "lanoitan" read as "national" in a calendar, or hide a file name's end:
    stripped from text the page shows and from its structured data alike."""
    bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
    shown = f"<html><body><div><h3>Branch {bidi[4]}meeting{bidi[2]} social</h3><p>12 March 2030</p></div></body></html>"
    data = (
        '<html><body><script type="application/ld+json">{"@type": "Event", "name": "Gala '
        + bidi
        + ' dinner", "startDate": "2030-04-01", "location": {"@type": "Place", "name": "The '
        + bidi[4]
        + 'Hall"}}</script></body></html>'
    )
    for html in (shown, data):
        (event,) = extract_events(html, url=None, today=date(2029, 1, 1))
        said = " ".join(str(v) for v in (event.title, event.venue) if v)
        assert not any(ch in said for ch in bidi), repr(said)
