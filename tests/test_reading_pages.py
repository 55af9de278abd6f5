"""What the reader must get right on pages it has never seen, each on a page the project wrote
(``tests/fixtures``): an event's own page, titles with " in " in them, contacts and file names that are
neither titles nor places, pages whose dates are not events, booking in words, dates in the page's
language, and the time a person reads."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from events.extract import extract_events
from events.normalise.dates import find_dates
from events.record import Event
from tests.conftest import FIXTURES, fixture_text


def read(name: str, today: date, timezone: str = "Europe/London") -> list[Event]:
    return extract_events(fixture_text(name), url="https://org.example/", today=today, timezone=timezone)


def test_an_event_s_own_page_yields_its_one_event_not_the_related_ones() -> None:
    """The main heading names the event and its date is near the top; the "You may also like" cards in
    the sidebar are other events' teasers."""
    (event,) = read("event-page-with-related.html", date(2025, 2, 10))
    assert event.title == "Women in Surgery Conference 2025"
    assert (event.venue, event.locality) == ("Royal College of Surgeons", "London")
    assert event.address == "35-43 Lincoln's Inn Fields, London WC2A 3PE"
    assert event.start == datetime.fromisoformat("2025-06-14T09:30:00+01:00") and event.booking == "open"


def test_in_inside_a_title_starts_no_place_and_two_same_day_cards_are_two_events() -> None:
    events = read("trainee-forums.html", date(2025, 2, 10))
    titles = sorted(e.title for e in events)
    assert titles == [
        "Careers in General Practice",
        "Trainees in Medicine Forum",
        "Trainees in Surgery Forum",
        "Women in Surgery Conference",
    ]
    assert all(e.locality is None or e.locality not in e.title for e in events)


def test_contacts_file_names_and_link_labels_are_neither_titles_nor_places() -> None:
    events = read("meeting-documents-table.html", date(2025, 2, 10), "America/Chicago")
    assert [e.title for e in events] == [
        "City Council Regular Meeting",
        "Planning Commission",
        "Parks and Recreation Advisory Board",
    ]
    assert all(e.venue is None for e in events)  # not "Accessible Agenda", an e-mail address or a file's name


@pytest.mark.parametrize(
    ("page", "wanted"),
    [
        # closing, interview and start dates of vacancies; the courses are events
        ("jobs-and-courses.html", ["Health and safety reps refresher", "Reps foundation course"]),
        # blog teasers with bylines and a newsletter's date are not
        ("blog-teasers-and-events.html", ["Paper conservation workshop", "Spring lecture: archives and climate"]),
        # deadlines for returns, renewals and news in brief are not; a "Featured" badge is no title
        (
            "newsletter-issue.html",
            [
                "Leadership in community pharmacy",
                "Medicines optimisation masterclass",
                "Regional members' evening",
                "Spring conference",
            ],
        ),
    ],
)
def test_dates_that_are_not_events_give_no_events(page: str, wanted: list[str]) -> None:
    assert sorted(e.title for e in read(page, date(2025, 2, 10))) == wanted


def test_booking_in_words() -> None:
    events = {e.title: e for e in read("newsletter-issue.html", date(2025, 2, 10))}
    assert events["Medicines optimisation masterclass"].booking == "waitlist"  # "join the waiting list"
    assert events["Regional members' evening"].booking == "none"  # "free, no need to book"
    assert events["Leadership in community pharmacy"].booking == "open"  # a "Book now" button
    spring = events["Spring conference"]
    assert (spring.booking, spring.booking_opens) == ("soon", "2025-03-03")  # "Booking opens 3 March 2025"


def test_dates_in_the_page_s_language_from_cldr() -> None:
    dutch = read("agenda-nl.html", date(2025, 2, 10), "Europe/Amsterdam")
    assert [(e.title, e.start.isoformat()) for e in dutch] == [
        ("Najaarscongres 2025", "2025-10-24T09:30:00+02:00"),
        ("Workshop open data in de bibliotheek", "2025-11-04T13:00:00+01:00"),
        ("Algemene ledenvergadering", "2025-12-11T19:30:00+01:00"),
    ]
    assert (dutch[0].venue, dutch[0].locality) == ("Jaarbeurs", "Utrecht")  # "Locatie" is the place's class
    french = {e.title: e for e in read("agenda-fr.html", date(2025, 2, 10), "Europe/Paris")}
    assert french["Assemblée générale"].start == datetime.fromisoformat("2025-03-01T10:00:00+01:00")  # "1er", "10h00"
    assert (french["Formation des délégués"].start, french["Formation des délégués"].end) == (
        date(2025, 4, 14),
        date(2025, 4, 16),
    )  # "du 14 au 16 avril"
    journee = french["Journée santé au travail"]
    assert (journee.start.hour, journee.end.hour, journee.online) == (9, 17, True)  # "9h – 17h, en ligne"


def test_numeric_dates_follow_the_page_s_locale() -> None:
    us = extract_events(
        '<html lang="en-US"><body><div><h3>Town hall</h3><p>12/01/2025</p></div></body></html>',
        url=None,
        today=date(2025, 6, 1),
    )
    uk = extract_events(
        '<html lang="en-GB"><body><div><h3>Town hall</h3><p>12/01/2025</p></div></body></html>',
        url=None,
        today=date(2025, 6, 1),
    )
    assert [e.start for e in us] == [date(2025, 12, 1)] and [e.start for e in uk] == [date(2025, 1, 12)]


def test_month_names_of_the_declared_language_only() -> None:
    """ "mars" is March on a French page; on an English one it is a word."""
    assert [d.start for d in find_dates("le 3 mars 2025", date(2025, 1, 1), languages=("en", "ru", "fr"))] == [
        date(2025, 3, 3)
    ]
    assert find_dates("3 mars 2025", date(2025, 1, 1)) == []


def test_the_show_starts_after_the_doors() -> None:
    starts = {e.title: e.start.strftime("%H:%M") for e in read("gig-listing-doors.html", date(2025, 2, 10))}
    assert starts == {
        "The Lanterns + support": "20:00",  # "Doors 19:00, show 20:00"
        "Folk night: the Harker sisters": "20:15",  # "Doors 7.30pm / music from 8.15pm"
        "Sunday jazz brunch": "12:00",
    }


def test_a_structured_offset_a_season_off_gives_way_to_the_clock_shown() -> None:
    """An events plugin that writes +00:00 all year for a London site: 19:00+00:00 in July beside
    "7:00 pm" on the page is 19:00 British Summer Time."""
    html = """<html><body><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Event",
    "name": "Summer social", "startDate": "2025-07-10T19:00:00+00:00", "endDate": "2025-07-10T22:00:00+00:00"}
    </script><div class="event"><h3>Summer social</h3><p>Thursday 10 July 2025, 7:00 pm – 10:00 pm</p></div>
    </body></html>"""
    (event,) = extract_events(html, url="https://branch.example/", today=date(2025, 6, 1))
    assert event.start.isoformat() == "2025-07-10T19:00:00+01:00"
    assert event.end is not None and event.end.isoformat() == "2025-07-10T22:00:00+01:00"


def test_every_fixture_with_an_expected_file_names_its_page() -> None:
    """The fixtures the reader trains on: each expected file names a page that exists, with complete truth."""
    expected = sorted(FIXTURES.glob("*.expected.json"))
    assert len(expected) >= 30
    for path in expected:
        truth = json.loads(path.read_text())
        assert (FIXTURES / truth["page"]).exists() and "count" not in truth, path.name
