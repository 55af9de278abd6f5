from __future__ import annotations

from datetime import date, time

import pytest

from events.normalise.places import find_locality, is_online, looks_like_venue, split_place
from events.normalise.status import find_booking, find_event_status, schema_availability, schema_event_status
from events.normalise.times import find_times
from events.normalise.titles import page_acronyms, tidy_title


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("10:00–16:30", time(10), time(16, 30)),
        ("9.30am to 4pm", time(9, 30), time(16)),
        ("2pm", time(14), None),
        ("noon", time(12), None),
        ("10am-1pm", time(10), time(13)),
        ("10-1pm", time(10), time(13)),
        ("6:00 PM EST", time(18), None),
        ("10.00-16.30", time(10), time(16, 30)),
        ("Time: 19.00", time(19), None),
        ("19.00hrs", time(19), None),
        ("Meeting at 10.30 in room 4", time(10, 30), None),
        ("Thursday 6th March at 6.30pm", time(18, 30), None),
        ("at 7.15 p.m.", time(19, 15), None),
        ("9:00 AM 10:00 AM", time(9), time(10)),  # a dash drawn by the stylesheet
    ],
)
def test_times(text: str, start: time, end: time | None) -> None:
    found = find_times(text)
    assert (found[0].start, found[0].end) == (start, end)


@pytest.mark.parametrize(
    "text", ["13 & 14 November 2024", "version 1.5", "room 10", "25 members", "version 1.50 of", "4.5 miles", "19.00"]
)
def test_not_times(text: str) -> None:
    assert find_times(text) == []


@pytest.mark.parametrize(
    ("text", "state", "label", "opens"),
    [
        ("AWARDS OPEN NOW", "open", "Awards open now", None),
        ("Book now", "open", "Book now", None),
        ("Registration open", "open", "Registration open", None),
        ("ON SALE SOON", "soon", "On sale soon", None),
        ("Coming soon", "soon", "Coming soon", None),
        ("Opening Late April 2024", "soon", "Opening late April 2024", "2024-04"),
        ("Booking opens 5 March 2024", "soon", "Booking opens 5 March 2024", "2024-03-05"),
        ("SOLD OUT", "sold_out", "Sold out", None),
        ("Fully booked", "sold_out", "Fully booked", None),
        ("Join the waiting list", "waitlist", "Join the waiting list", None),
        ("Registration closed", "closed", "Registration closed", None),
        ("Last few places", "open", "Last few places", None),
        ("Booking essential", "open", "Booking essential", None),
        ("Tickets: £10", "open", "Tickets: £10", None),
        ("Reserve a free place", "open", "Reserve a free place", None),
        ("Join waiting list", "waitlist", "Join waiting list", None),
        ("Fully booked - join the waiting list", "waitlist", "Join the waiting list", None),
        ("Sold out. Join our waiting list", "waitlist", "Join our waiting list", None),
        ("Free, no need to book", "none", "No need to book", None),  # the site's words say there is nothing to book
        ("No booking required", "none", "No booking required", None),
        ("Bookings now being taken", "open", "Bookings now being taken", None),
        ("BOOK EARLY to save disappointment", "none", None, None),
        ("a book about history", "none", None, None),
    ],
)
def test_booking(text: str, state: str, label: str | None, opens: str | None) -> None:
    found = find_booking(text, date(2024, 1, 29))
    assert (found.state, found.label, found.opens) == (state, label, opens)


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("CANCELLED: Spring conference", "cancelled"),
        ("This event has been postponed", "postponed"),
        ("New date TBC", "postponed"),
        ("Rescheduled to 4 June", "rescheduled"),
        ("Annual dinner", "scheduled"),
        ("Events may be cancelled at short notice", "scheduled"),
        ("This event has been cancelled", "cancelled"),
    ],
)
def test_event_status(text: str, state: str) -> None:
    assert find_event_status(text)[0] == state


def test_schema_org_values() -> None:
    assert schema_event_status("https://schema.org/EventCancelled") == "cancelled"
    assert schema_event_status("EventRescheduled") == "rescheduled"
    assert schema_availability("http://schema.org/SoldOut") == "sold_out"
    assert schema_availability("InStock") == "open"
    assert schema_event_status("nonsense") is None


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("HCSA LONDON & SOUTH REGIONAL EIS EVENT", "HCSA London & South Regional EIS Event"),
        ("2024 HCSA MIDLANDS REGIONAL EIS EVENT", "2024 HCSA Midlands Regional EIS Event"),
        ("WOMEN'S NETWORK CONFERENCE", "Women's Network Conference"),
        ("  Annual dinner, ", "Annual dinner"),
        ("NHS PAY AND THE BMA", "NHS Pay and the BMA"),
        ("Mixed Case Stays As Written", "Mixed Case Stays As Written"),
        ("▼ Planning Commission", "Planning Commission"),
        ("→ Quiz night ★", "Quiz night"),
        ("Intro to C++", "Intro to C++"),
    ],
)
def test_titles(raw: str, tidy: str) -> None:
    assert tidy_title(raw) == tidy


def test_page_acronyms_come_from_ordinary_text() -> None:
    acronyms = page_acronyms("Welcome to the UNISON website. BIG BANNER TEXT HERE")
    assert "UNISON" in acronyms and "BANNER" not in acronyms
    assert tidy_title("UNISON HEALTH CONFERENCE", acronyms) == "UNISON Health Conference"


def test_places() -> None:
    assert find_locality("AWARDS OPEN NOW in London 18th April")[0] == "London"
    assert find_locality("in Stratford-upon-Avon on 3 May")[0] == "Stratford-upon-Avon"
    assert find_locality("in February") is None
    assert find_locality("in the hall") is None
    assert looks_like_venue("Telford International Centre", strong=True)
    assert looks_like_venue("Holiday Inn, Regents Park", strong=True)
    assert not looks_like_venue("BOOK EARLY to save disappointment")
    assert is_online("Webinar via Zoom") and not is_online("Town Hall")


@pytest.mark.parametrize(
    ("place", "parts"),
    [
        ("The Studio, Birmingham", ("The Studio", None, "Birmingham")),
        ("UNISON Centre, 130 Euston Road, London", ("UNISON Centre", "130 Euston Road", "London")),
        ("Main Hall, Stratford-upon-Avon", ("Main Hall", None, "Stratford-upon-Avon")),
        ("Holiday Inn, Regents Park", ("Holiday Inn, Regents Park", None, None)),  # a park is no town
        ("Room 4, Trades Hall", ("Room 4, Trades Hall", None, None)),
        ("Conway Hall, Red Lion Square", ("Conway Hall, Red Lion Square", None, None)),
        (
            "Council Chambers, 121 N LaSalle St, Chicago, IL 60602",
            ("Council Chambers", "121 N LaSalle St, Chicago, IL 60602", None),
        ),
        ("Zoom, Online", ("Zoom, Online", None, None)),
        (
            "The Principal, Oxford Road, Manchester M60 7HA",
            ("The Principal", "Oxford Road, Manchester M60 7HA", "Manchester"),
        ),
        ("Telford International Centre", ("Telford International Centre", None, None)),
    ],
)
def test_a_place_splits_into_venue_address_and_town(place: str, parts: tuple) -> None:
    assert split_place(place) == parts


def test_a_title_loses_a_trailing_field_label_whose_value_was_cut_out() -> None:
    from events.normalise.titles import tidy_title

    assert tidy_title("Yung Nation #54 Стоимость:") == "Yung Nation #54"
    assert tidy_title("Branch AGM Venue:") == "Branch AGM"
    assert tidy_title("Meeting: Budget") == "Meeting: Budget"
