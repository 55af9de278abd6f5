"""VTIMEZONEs every calendar client reads alike, written the way Outlook, tzurl and vzic write them.

icalendar's own ``Timezone.from_tzid`` lists every transition of a span as RDATEs in one STANDARD and
one DAYLIGHT part. ical.js (Thunderbird, and most calendar widgets on websites) ignores DTSTART when an
RDATE is present and takes only the first RDATE; vobject takes only the first of a comma-separated
list; Outlook rebuilds one yearly rule from the STANDARD part with the latest start, and wants a
STANDARD part even in a one-event file in summer. Any of those reads a timed event an hour wrong.

So each part here is a yearly rule (RRULE: "last Sunday of March at 01:00") for as long as the zone
keeps it, from ``zoneinfo``'s own transitions from 2000 (``FROM_YEAR``) to a year after the span; a rule that changed
inside the span ends (UNTIL) and the new one begins; a transition no rule describes is a part of its
own with its DTSTART alone; a zone without daylight saving is one STANDARD part. Always a STANDARD
part.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    at: datetime  # the instant, in UTC
    before: timedelta  # the offset until then
    after: timedelta  # the offset from then
    dst: bool  # the clocks went forward: a DAYLIGHT part (see ``transitions``)
    name: str  # the zone's abbreviation from then

    @property
    def local(self) -> datetime:
        """The wall-clock time of the change, as the clock read just before it (RFC 5545's DTSTART)."""
        return (self.at + self.before).replace(tzinfo=None)

    def rule(self) -> tuple[int, int, frozenset[int]]:
        """(month, weekday, the weeks of the month it could be named by: 1-4, and -1 for the last)."""
        day = self.local.date()
        weeks = {(day.day - 1) // 7 + 1}
        if day.day + 7 > calendar.monthrange(day.year, day.month)[1]:
            weeks.add(-1)
        return day.month, day.weekday(), frozenset(weeks)

    def kind(self) -> tuple[timedelta, timedelta, bool, str, tuple[int, int]]:
        local = self.local
        return self.before, self.after, self.dst, self.name, (local.hour, local.minute)


@lru_cache(maxsize=4096)
def transitions(tzid: str, year: int) -> tuple[Transition, ...]:
    """The zone's changes of offset in ``year``, found day by day and then to the minute (a change of
    name alone is not one: clients show the offset, not the abbreviation)."""
    zone = ZoneInfo(tzid)
    out = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    day = timedelta(days=1)
    while moment < end:
        later = min(moment + day, end)
        after = later.astimezone(zone).utcoffset()
        if after != offset:
            low, high = moment, later  # the change lies in (low, high]: to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) // 2
                middle = middle.replace(second=0, microsecond=0) if middle - low >= timedelta(minutes=1) else middle
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            local = high.astimezone(zone)
            assert offset is not None and after is not None
            # the clocks going forward is DAYLIGHT, as Outlook and Windows have it, even where the law
            # calls winter the saving time (Dublin, Casablanca's Ramadan): readers that take DAYLIGHT's
            # offset to be the larger (dateutil, Outlook's bias) read such zones an hour wrong otherwise
            out.append(Transition(high, offset, after, after > offset, local.tzname() or tzid))
            offset = after
        moment = later
    return tuple(out)


# Rules are written from this year (or the span's, if earlier) whatever the span: vobject keeps the first
# VTIMEZONE it reads for a TZID and reuses it for every later calendar, so every file must say the same
FROM_YEAR = 2000


def zone_component(tzid: str, first: date, last: date) -> Timezone:
    """A VTIMEZONE for events from ``first`` to ``last`` (a year either side is covered)."""
    since = min(first.year - 1, FROM_YEAR)
    found = [t for year in range(since, last.year + 2) for t in transitions(tzid, year)]
    tz = Timezone()
    tz.add("tzid", tzid)
    if not found:  # no daylight saving in reach: one STANDARD part says the offset
        start = datetime(since, 1, 1)
        aware = start.replace(tzinfo=ZoneInfo(tzid))
        offset = aware.utcoffset() or timedelta(0)
        tz.add_component(_part(TimezoneStandard, start, offset, offset, aware.tzname() or tzid))
        return tz
    parts = []
    final_year = last.year + 1
    for group in _yearly_rules(found):
        head = group[0]
        part = _part(TimezoneDaylight if head.dst else TimezoneStandard, head.local, head.before, head.after, head.name)
        rule = _common_rule(group)
        if len(group) > 1 and rule is not None:
            month, weekday, weeks = rule
            week = -1 if -1 in weeks else min(weeks)
            recur: dict[str, object] = {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": f"{week}{_DAYS[weekday]}"}
            if group[-1].at.year < final_year:  # the rule changed or ended inside the span
                recur["UNTIL"] = group[-1].at
            part.add("rrule", recur)
        parts.append((head.at, part))
    if not any(isinstance(p, TimezoneStandard) for _, p in parts):
        # Outlook needs a STANDARD part: the offset before the first change, from the start of the span
        head = found[0]
        start = datetime(since, 1, 1)
        name = start.replace(tzinfo=ZoneInfo(tzid)).tzname() or tzid
        parts.insert(0, (head.at - timedelta(days=366), _part(TimezoneStandard, start, head.before, head.before, name)))
    for _, part in sorted(parts, key=lambda p: p[0]):
        tz.add_component(part)
    return tz


def _yearly_rules(found: list[Transition]) -> list[list[Transition]]:
    """The transitions grouped into yearly rules: one change of the same kind (offsets, name, clock
    time) on the same weekday of the same week of the same month, year after year."""
    groups: list[list[Transition]] = []
    open_groups: dict[tuple[object, ...], list[Transition]] = {}
    for t in found:
        month, weekday, _ = t.rule()
        key = (*t.kind(), month, weekday)
        group = open_groups.get(key)
        if group is not None and t.at.year == group[-1].at.year + 1 and _common_rule([*group, t]) is not None:
            group.append(t)
            continue
        group = [t]
        groups.append(group)
        open_groups[key] = group
    return groups


def _common_rule(group: list[Transition]) -> tuple[int, int, frozenset[int]] | None:
    """The rule every change in ``group`` fits, if one does (the 5th Sunday is only sometimes the last)."""
    month, weekday, weeks = group[0].rule()
    for t in group[1:]:
        weeks &= t.rule()[2]
    return (month, weekday, weeks) if weeks else None


def _part(
    kind: type[TimezoneStandard] | type[TimezoneDaylight],
    start: datetime,
    before: timedelta,
    after: timedelta,
    name: str,
) -> TimezoneStandard | TimezoneDaylight:
    part = kind()
    part.add("dtstart", start)
    part.add("tzoffsetfrom", before)
    part.add("tzoffsetto", after)
    part.add("tzname", name)
    return part
