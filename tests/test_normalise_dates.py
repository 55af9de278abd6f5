from __future__ import annotations

from datetime import date

import pytest

from events.normalise.dates import find_dates, find_months, infer_year

FETCHED = date(2024, 1, 29)


def one(text: str, today: date = FETCHED, month_first: bool = False) -> tuple[str, str | None]:
    found = find_dates(text, today, month_first)
    assert len(found) == 1, found
    return found[0].start.isoformat(), found[0].end.isoformat() if found[0].end else None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("18th April", "2024-04-18", None),
        ("9th May", "2024-05-09", None),
        ("4th September 2024", "2024-09-04", None),
        ("13 & 14 November 2024", "2024-11-13", "2024-11-14"),
        ("30 June – 2 July 2025", "2025-06-30", "2025-07-02"),
        ("Tue 5 March 2024", "2024-03-05", None),
        ("05/03/2024", "2024-03-05", None),
        ("2024-03-05", "2024-03-05", None),
        ("March 5th, 2024", "2024-03-05", None),
        ("Oct 12-13, 2022", "2022-10-12", "2022-10-13"),
        ("Wednesday 1st of May", "2024-05-01", None),
        ("12 Sept 2024", "2024-09-12", None),
        ("3, 4 and 5 June 2024", "2024-06-03", "2024-06-05"),
        ("27th November - 11th January", "2024-11-27", "2025-01-11"),
        ("28 December 2023 to 2 January 2024", "2023-12-28", "2024-01-02"),
        ("3 December - 5 January 2020", "2019-12-03", "2020-01-05"),
        ("12-03-2024", "2024-03-12", None),
        ("12.03.2024 - 14.03.2024", "2024-03-12", "2024-03-14"),
    ],
)
def test_forms(text: str, start: str, end: str | None) -> None:
    assert one(text) == (start, end)


def test_month_first_when_the_page_says_so() -> None:
    assert one("05/03/2024", month_first=True) == ("2024-05-03", None)
    assert one("25/03/2024", month_first=True) == ("2024-03-25", None)  # 25 cannot be a month


def test_year_inference_window() -> None:
    # on or after 60 days before the fetch date
    assert infer_year(12, 20, date(2024, 1, 29)) == date(2023, 12, 20)
    assert infer_year(11, 1, date(2024, 1, 29)) == date(2024, 11, 1)
    assert infer_year(2, 29, date(2025, 1, 10)) is None  # no 29 February within reach


def test_a_weekday_that_contradicts_the_date_is_a_clue_not_a_crash() -> None:
    found = find_dates("Monday 5 March 2024", FETCHED)  # 5 March 2024 was a Tuesday
    assert found[0].start == date(2024, 3, 5) and found[0].weekday_mismatch
    # without a year, the weekday picks the year it fits
    assert find_dates("Tue 5 March", date(2025, 3, 1))[0].start == date(2024, 3, 5)


@pytest.mark.parametrize(
    "text",
    [
        "31 February",
        "in February",
        "before March 2025",
        "the end of March",
        "version 10.30.45",
        "call 0161 496 0000",
        "2024",
        "32 May 2024",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, FETCHED) == []


def test_months_for_when_booking_opens() -> None:
    assert [m.value for m in find_months("Opening Late April 2024")] == ["2024-04"]


def test_russian_month_names_in_the_genitive_and_as_headings() -> None:
    """Playbills write "15 апреля" and "01 Мая"; a word that only starts like a month ("марш") is none."""
    from events.normalise.dates import find_dates

    today = date(2023, 1, 1)
    assert [d.start for d in find_dates("15 апреля · сб", today)] == [date(2023, 4, 15)]
    assert [d.start for d in find_dates("01 Мая 17:30", today)] == [date(2023, 5, 1)]
    assert [d.start for d in find_dates("3 декабря 2024 г.", today)] == [date(2024, 12, 3)]
    assert find_dates("марш 12", today) == []


def test_an_age_rating_is_no_day_of_a_list() -> None:
    """ "Foyer · 12+ 20 April" is 20 April; "3 + 4 May" and "3, 4 and 5 May" are lists."""
    today = date(2023, 1, 1)
    assert [(d.start, d.end) for d in find_dates("Foyer · 12+ 20 April", today)] == [(date(2023, 4, 20), None)]
    assert [(d.start, d.end) for d in find_dates("3 + 4 May", today)] == [(date(2023, 5, 3), date(2023, 5, 4))]
    assert [(d.start, d.end) for d in find_dates("3, 4 and 5 May", today)] == [(date(2023, 5, 3), date(2023, 5, 5))]
