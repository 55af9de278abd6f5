"""Machine-written dates (schema.org ``startDate``, ``<time datetime>``, iCalendar) into dates and times.

Sites write these sloppily (``2024-5-28T16:30+0:00``, ``2017-06-10T19:30:00-0400``), so the parser is
tolerant. Offsets are kept as written when they differ from the source's zone (a touring artist's page
lists concerts in several zones); ``Z`` and ``+00:00`` are UTC, shown in the source's zone; a malformed zero
offset (``+0:00``) is a plugin that wrote local time without knowing its zone, so the wall time is kept.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from events.normalise.times import find_times

_ISO = re.compile(
    r"^\s*(?P<y>\d{4})-?(?P<m>\d{1,2})-?(?P<d>\d{1,2})"
    r"(?:[T\s]+(?P<H>\d{1,2}):?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,]\d+)?)?\s*"
    r"(?P<tz>Z|[+-]\d{1,2}(?::?\d{2})?)?)?\s*$",
    re.IGNORECASE,
)


def parse_moment(text: str | None, zone: ZoneInfo) -> date | datetime | None:
    """``2024-03-05`` → date; ``2024-03-05T10:00:00+01:00`` → aware datetime; nonsense → None."""
    if not text or not isinstance(text, str):
        return None
    m = _ISO.match(text)
    if not m:
        # a real date with a garbled time ("2019-9-18T10-10-00-00") still gives the day
        day_only = _ISO.match(re.split(r"[T\s]", text.strip(), maxsplit=1)[0])
        if day_only is None or day_only["H"] is not None:
            return None
        m = day_only
    try:
        day = date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
    if m["H"] is None:
        return day
    hour, minute, second = int(m["H"]), int(m["M"]), int(m["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    naive = datetime(day.year, day.month, day.day, hour, minute, second)
    tz = m["tz"]
    if tz is None:
        return naive.replace(tzinfo=zone)
    if tz.upper() == "Z":
        return naive.replace(tzinfo=UTC).astimezone(zone)
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    well_formed = re.fullmatch(r"[+-]\d{2}:?\d{2}", tz) is not None
    hours, minutes = (int(digits[:-2] or 0), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    offset = timedelta(hours=hours, minutes=minutes) * sign
    if offset == timedelta(0):
        if not well_formed:
            return naive.replace(tzinfo=zone)
        return naive.replace(tzinfo=UTC).astimezone(zone)
    if abs(offset) >= timedelta(hours=24):
        return None
    local = naive.replace(tzinfo=zone)
    if local.utcoffset() == offset:
        return local
    return naive.replace(tzinfo=offset_zone(offset))


def offset_zone(offset: timedelta) -> ZoneInfo | timezone:
    """A zone for an offset the page's zone does not have then: the tz database's fixed zone for a
    whole number of hours ("Etc/GMT+4" is UTC−4, the sign is POSIX's), so the record keeps a zone
    name a calendar can carry; a bare offset only for the rare half hours."""
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest == 0 and -12 <= hours <= 14:
        return ZoneInfo(f"Etc/GMT{-hours:+d}") if hours else ZoneInfo("UTC")
    return timezone(offset)


def zone_name(moment: date | datetime, default: str) -> str:
    """The IANA zone of a moment, or UTC for one that carries only an offset."""
    if isinstance(moment, datetime) and isinstance(moment.tzinfo, ZoneInfo):
        return moment.tzinfo.key
    if isinstance(moment, datetime):
        return "UTC"
    return default


_SAYS_UTC = re.compile(r"(?:Z|[+-]00:?00)\s*$", re.IGNORECASE)


def visible_clock_wins(moment: date | datetime | None, written: str | None, shown_text: str) -> date | datetime | None:
    """A machine datetime that says UTC (``Z``, ``+00:00``) beside a clock time a person reads (in
    ``shown_text``) that is a whole number of hours away: the site wrote its local time and labelled
    it UTC (or converted it wrongly), and the time on the page is the truth. An offset that is not
    UTC is left as written."""
    if not isinstance(moment, datetime) or not written or not _SAYS_UTC.search(written):
        return moment
    clocks = find_times(shown_text)
    if not clocks or moment.time().replace(second=0) == clocks[0].start:
        return moment
    # the day in the page's zone, else the day as written (the UTC one)
    for day in (moment.date(), moment.astimezone(UTC).date()):
        candidate = datetime.combine(day, clocks[0].start).replace(tzinfo=moment.tzinfo)
        gap = (candidate - moment).total_seconds()
        if gap % 3600 == 0 and abs(gap) <= 14 * 3600:
            return candidate
    return moment
