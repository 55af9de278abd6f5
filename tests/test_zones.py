"""VTIMEZONEs as clients read them: yearly rules, not lists of dates (ical.js and vobject read only the
first RDATE), a STANDARD part always (Outlook), and offsets that match ``zoneinfo`` when read back by a
reader that is not ours (dateutil's, through icalendar, told not to look the TZID up)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from feeds.zones import zone_component

# north and south, no daylight saving, saving abolished (Sao Paulo 2019), irregular (Casablanca's
# Ramadan), half and quarter hours (Tehran, Chatham), a half-hour shift (Lord Howe), negative DST (Dublin)
ZONES = (
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "America/Santiago",
    "Asia/Tokyo",
    "America/Sao_Paulo",
    "Africa/Casablanca",
    "Asia/Tehran",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "Europe/Dublin",
)


def _read_back(tzid: str, first: date, last: date) -> tuple[bytes, object]:
    text = zone_component(tzid, first, last).to_ical()
    cal = Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + text + b"END:VCALENDAR\r\n")
    return text, cal.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)


@pytest.mark.parametrize("tzid", ZONES)
def test_every_instant_of_the_span_reads_back_at_zoneinfo_s_offset(tzid: str) -> None:
    text, reader = _read_back(tzid, date(2024, 1, 1), date(2027, 12, 31))
    assert b"RDATE" not in text
    assert b"BEGIN:STANDARD" in text
    moment, wrong = datetime(2023, 6, 1, tzinfo=UTC), []
    while moment < datetime(2029, 1, 1, tzinfo=UTC):
        if moment.astimezone(reader).utcoffset() != moment.astimezone(ZoneInfo(tzid)).utcoffset():  # type: ignore[arg-type]
            wrong.append(moment)
        moment += timedelta(hours=5)
    assert not wrong, f"{tzid}: {len(wrong)} instants read at the wrong offset, first {wrong[0]}"


def test_a_one_event_file_in_summer_still_has_a_standard_part_and_every_file_says_the_same() -> None:
    summer, _ = _read_back("Europe/London", date(2025, 7, 1), date(2025, 7, 1))
    assert b"BEGIN:STANDARD" in summer and b"BEGIN:DAYLIGHT" in summer
    assert summer.count(b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=") == 2
    # vobject keeps the first VTIMEZONE it meets for a TZID: two feeds' spans must not disagree
    other, _ = _read_back("Europe/London", date(2026, 2, 1), date(2026, 11, 1))
    assert other == summer


def test_the_clocks_going_forward_is_daylight_even_where_the_law_calls_winter_the_saving_time() -> None:
    text, _ = _read_back("Europe/Dublin", date(2025, 1, 1), date(2025, 12, 31))
    daylight = text.split(b"BEGIN:DAYLIGHT")[1].split(b"END:DAYLIGHT")[0]
    assert b"TZOFFSETTO:+0100" in daylight and b"TZNAME:IST" in daylight


def test_a_zone_without_daylight_saving_is_one_standard_part() -> None:
    text, _ = _read_back("Asia/Tokyo", date(2025, 1, 1), date(2025, 12, 31))
    assert text.count(b"BEGIN:STANDARD") == 1 and b"DAYLIGHT" not in text
    assert b"TZOFFSETTO:+0900" in text
