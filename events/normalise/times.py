"""Find clock times and time ranges: ``10:00–16:30``, ``9.30am to 4pm``, ``2pm``, ``noon``, ``10am-1pm``.

A bare ``10`` is never a time; a 24-hour ``10.30`` needs a colon or a range to be one, because
pages are full of decimal numbers. ``10-1pm`` borrows the meridiem of its end unless that would put
the start after the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

_MER = r"(?P<{n}>a\.?\s?m\.?|p\.?\s?m\.?|noon)"
_CLOCK12 = r"(?P<h{n}>1[0-2]|0?[1-9])(?:[:.](?P<mi{n}>[0-5]\d))?\s*"
_CLOCK24 = r"(?P<h{n}>[01]?\d|2[0-3])(?::|h)(?P<mi{n}>[0-5]\d)(?!\d)"
_WORD = r"(?P<w{n}>noon|midday|midnight)"
_SEP = r"\s*(?:-|–|—|to|until|till)\s*"


def _one(n: str, meridiem_required: bool) -> str:
    twelve = _CLOCK12.format(n=n) + _MER.format(n=f"m{n}") + ("" if meridiem_required else "?")
    return rf"(?:{_WORD.format(n=n)}|{_CLOCK24.format(n=n + 'x')}(?!\s*[ap]\.?m)|{twelve})"


# A zone abbreviation after a time ("10:00 AM EST") belongs to the time, not to the title.
_ZONE = r"(?:\s*\(?(?:[ECMPA][SD]T|[ECMP]T|GMT|BST|UTC|CET|CEST)\)?(?![\w]))?(?:\s+(?:onwards|prompt|sharp)(?![\w]))?"
_RANGE = re.compile(rf"(?<![\w:.]){_one('1', False)}{_SEP}{_one('2', True)}{_ZONE}(?![\w])", re.IGNORECASE)
_RANGE24 = re.compile(
    r"(?<![\w:.])(?P<h1>[01]?\d|2[0-3])[:.](?P<mi1>[0-5]\d)"
    + _SEP
    + r"(?P<h2>[01]?\d|2[0-3])[:.](?P<mi2>[0-5]\d)(?![\d])",
    re.IGNORECASE,
)
# "Time: 19.00", "at 18.30", "19.00hrs": a dotted 24-hour time only where the words say it is one
_LABELLED24 = re.compile(
    r"(?:(?<![\w])(?:at|from|time:?|times:?|starts?:?|start\s+time:?|doors:?)\s+)(?P<h>[01]?\d|2[0-3])\.(?P<mi>[0-5]\d)"
    r"(?![\d.])(?!\s*[ap]\.?\s?m)|(?<![\w:.])(?P<h2>[01]?\d|2[0-3])\.(?P<mi2>[0-5]\d)\s*hrs\b",
    re.IGNORECASE,
)
_SINGLE = re.compile(rf"(?<![\w:.]){_one('1', True)}{_ZONE}(?![\w])", re.IGNORECASE)
# "9h – 17h", "9h30-12h": hours written with an "h", as French pages do, when a range says they are times
_RANGE_H = re.compile(
    r"(?<![\w:.])(?P<h1>[01]?\d|2[0-3])h(?P<mi1>[0-5]\d)?" + _SEP + r"(?P<h2>[01]?\d|2[0-3])h(?P<mi2>[0-5]\d)?(?![\w])",
    re.IGNORECASE,
)
# "Doors 19:00, show 20:00": when the doors open is not when the event starts
_DOORS = re.compile(r"\bdoors?(?:\s+open(?:s|ing)?)?(?:\s+(?:at|from))?\s*:?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class TimeMatch:
    span: tuple[int, int]
    start: time
    end: time | None


def _clock(g: dict[str, str | None], n: str) -> tuple[int, int, str | None] | None:
    word = g.get(f"w{n}")
    if word:
        return (0, 0, "am") if word.lower() == "midnight" else (12, 0, "pm")
    for key in (n + "x", n):
        hour = g.get(f"h{key}")
        if hour is not None:
            minute = int(g.get(f"mi{key}") or 0)
            mer = g.get(f"m{key}")
            mer = None if mer is None else ("pm" if mer.lower().startswith(("p", "n")) else "am")
            if key.endswith("x"):
                return int(hour), minute, "24"
            return int(hour), minute, mer
    return None


def _to_time(hour: int, minute: int, mer: str | None) -> time | None:
    if mer == "pm" and hour < 12:
        hour += 12
    elif mer == "am" and hour == 12:
        hour = 0
    if mer is None and hour > 23:
        return None
    try:
        return time(hour, minute)
    except ValueError:
        return None


def find_times(text: str) -> list[TimeMatch]:
    """Times and ranges, left to right, never overlapping."""
    found: list[TimeMatch] = []
    for regex in (_RANGE, _RANGE24):
        for m in regex.finditer(text):
            g = m.groupdict()
            first, last = _clock(g, "1"), _clock(g, "2")
            if first is None or last is None:
                continue
            end = _to_time(*last) if last[2] != "24" else time(last[0], last[1])
            h1, mi1, mer1 = first
            if mer1 is None:
                mer1 = last[2] if last[2] in ("am", "pm") else None
                start = _to_time(h1, mi1, mer1)
                if start is not None and end is not None and start > end and mer1 == "pm":
                    start = _to_time(h1, mi1, "am")
            else:
                start = _to_time(h1, mi1, mer1) if mer1 != "24" else time(h1, mi1)
            if start is not None and end is not None:
                found.append(TimeMatch(m.span(), start, end if end > start else None))
    for m in _RANGE_H.finditer(text):
        start, end = (
            time(int(m.group("h1")), int(m.group("mi1") or 0)),
            time(int(m.group("h2")), int(m.group("mi2") or 0)),
        )
        if end > start:
            found.append(TimeMatch(m.span(), start, end))
    for m in _SINGLE.finditer(text):
        clock = _clock(m.groupdict(), "1")
        if clock is None:
            continue
        start = _to_time(*clock) if clock[2] != "24" else time(clock[0], clock[1])
        if start is not None:
            found.append(TimeMatch(m.span(), start, None))
    for m in _LABELLED24.finditer(text):
        hour, minute = (m.group("h"), m.group("mi")) if m.group("h") else (m.group("h2"), m.group("mi2"))
        found.append(TimeMatch(m.span(), time(int(hour), int(minute)), None))
    found.sort(key=lambda t: (t.span[0], -(t.span[1] - t.span[0])))
    chosen: list[TimeMatch] = []
    until = -1
    for match in found:
        if match.span[0] >= until:
            chosen.append(match)
            until = match.span[1]
    return _after_doors(text, _join_adjacent(text, chosen))


def _after_doors(text: str, times: list[TimeMatch]) -> list[TimeMatch]:
    """ "Doors 19:00, show 20:00", "Doors 7.30pm / music from 8.15pm": the event starts at the time
    after the doors', when there is one."""
    if len(times) < 2 or not _DOORS.search(text, max(0, times[0].span[0] - 20), times[0].span[0]):
        return times
    return [t for t in times[1:] if t.start >= times[0].start] or times


def _join_adjacent(text: str, times: list[TimeMatch]) -> list[TimeMatch]:
    """``<time>9:00 AM</time><span class="divider"></span><time>10:00 AM</time>``: two clock times
    with nothing but space between them are a range whose dash is drawn by the stylesheet."""
    out: list[TimeMatch] = []
    for t in times:
        last = out[-1] if out else None
        if (
            last is not None
            and last.end is None
            and t.end is None
            and t.start > last.start
            and not text[last.span[1] : t.span[0]].strip()
        ):
            out[-1] = TimeMatch((last.span[0], t.span[1]), last.start, t.start)
        else:
            out.append(t)
    return out
