"""Where a page says "this is a date": dates written in its text, and ``<time datetime>`` tags.

Each anchor is a span of the page's flattened text with the days it names. A yearless date takes its
year from the nearest heading above it that names one ("2022", "November 2019"), as a reader would;
only when there is none is the year inferred from the fetch date.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache

from events.extract.context import PageContext
from events.extract.textmap import TextMap
from events.normalise.dates import MONTH, YEAR, find_dates, grammar, infer_year, safe_date
from events.normalise.moments import parse_moment, visible_clock_wins
from events.normalise.times import find_times

_YEAR_HEADING = re.compile(rf"^\s*(?:{MONTH}\s*,?\s*)?(?P<year>(?:19|20)\d\d)\s*:?\s*$", re.IGNORECASE)
# "Booking opens 1 February", "closing date 3 May", "received by 4 April": when booking happens or a
# deadline falls, not when the event does
_BOOKING_DATE = re.compile(
    r"(?:\bopens?|\bopening|\bclos(?:e|es|ing)|deadline|\bby|\bno\s+later\s+than|\bbefore|\bsales?\s+(?:start|end)s?"
    r"|\bearly[\s-]*bird(?:\s+[a-z]+){0,3}?\s+(?:ends?|until|expires?)|\b(?:offer|discount|rate|price)s?\s+(?:ends?|expires?)"
    r"|\bexpires?)(?:\s+(?:date|on|from))?\s*:?\s*$",
    re.IGNORECASE,
)
# "Posted Aug 12, 2022 4:54 PM", "Last updated: 3 May", a reader's "Andy says: May 11, 2010 at 12:13 pm":
# when something was written, not an event
_STAMP = re.compile(
    r"\b(?:posted|published|updated|modified|uploaded|added|amended|revised|says|said|wrote|replied|commented)"
    r"(?:\s+on)?\s*:?\s*(?:[-–—|·•]\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?$",
    re.IGNORECASE,
)
# "By Press Office · 12 February 2025": an article's byline
_BYLINE = re.compile(r"\s*(?:[Bb]y|BY)\s+[A-Z][\w.'’ -]{1,40}?\s*[·|•,–—-]?\s*$")
# a heading of a few words naming one year, and no day: the year of the dates under it
_YEAR_IN_HEADING = re.compile(r"^\W*(?:[^\W\d]+\W+){0,4}(?P<year>(?:19|20)\d\d)(?:\W+[^\W\d]+){0,4}\W*$")
_SECTION_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "caption", "legend"})
_MARKER_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "caption", "legend", "dt", "strong", "b", "th"})


@dataclass(frozen=True)
class Anchor:
    span: tuple[int, int]
    first_day: date
    last_day: date | None  # inclusive, None for one day
    explicit_year: bool = True
    moment: date | datetime | None = None  # set for <time datetime> anchors
    from_tag: bool = False
    joined: bool = False  # a start and an end written apart ("Starts: …", "Ends: …")


def find_anchors(ctx: PageContext, tm: TextMap) -> list[Anchor]:
    """The page's date anchors. On the way it notes where posts say when they were written
    (``tm.cache["published"]``: a block holding one is a post) and the spans of publication stamps
    (``tm.cache["stamps"]``, read by ``stamps_in``)."""
    text = tm.text
    anchors = []
    published: list[int] = []
    spans: list[tuple[int, int, int]] = []
    for d in find_dates(text, ctx.today, ctx.month_first, ctx.languages):
        stamp = _STAMP.search(text, max(0, d.span[0] - 30), d.span[0])
        if stamp is not None:
            spans.append((stamp.start(), d.span[1], _after_time(text, d.span[1])))
        if _BOOKING_DATE.search(text[max(tm.chunk_start(d.span[0]), d.span[0] - 40) : d.span[0]]):
            continue
        if stamp is not None or _BYLINE.match(text, tm.chunk_start(d.span[0]), d.span[0]):
            published.append(d.span[0])
            continue
        anchors.append(Anchor(d.span, d.start, d.end, d.explicit_year))
    anchors = _join_labelled_ends(tm, anchors)
    anchors = _years_from_headings(tm, anchors)
    anchors = _days_under_month_headings(ctx, tm, anchors)
    anchors = _forward_in_time(anchors, ctx.today)
    anchors = _join_bracketed(tm, anchors)
    anchors += _time_tags(ctx, tm, published)
    tm.cache["published"] = sorted(published)
    tm.cache["stamps"] = spans
    anchors.sort(key=lambda a: a.span)
    return anchors


def _forward_in_time(anchors: list[Anchor], today: date) -> list[Anchor]:
    """A listing of yearless dates runs forward: "19 October … 23 November" read on 1 January are
    this October and this November, though November alone would be the one just past. A yearless
    date in the recent past that follows, in the page's order, a yearless date of the next year is
    taken a year later."""
    out = list(anchors)
    previous: Anchor | None = None
    for i, anchor in enumerate(anchors):
        if anchor.explicit_year or anchor.from_tag:
            continue
        if (
            previous is not None
            and previous.first_day.year > anchor.first_day.year
            and anchor.first_day < today
            and (later := _with_year(anchor, anchor.first_day.year + 1)).first_day >= previous.first_day
        ):
            out[i] = anchor = later
        previous = anchor
    return out


def _after_time(text: str, end: int) -> int:
    """Where a stamp ends: after its date, or after the time that follows it ("… 2022 4:54 PM")."""
    after = find_times(text[end : end + 24])
    if after and not text[end : end + after[0].span[0]].strip(" ,@at"):
        return end + after[0].span[1]
    return end


def stamps_in(tm: TextMap, start: int, end: int) -> list[tuple[int, int]]:
    """Spans (relative to ``start``) of the publication stamps inside a block ("Posted Aug 12, 2022
    4:54 PM"): their words, date and time say when the page was written, so none of them is the
    event's date, time or title. ``find_anchors`` found them."""
    return [
        (s - start, min(full, end) - start)
        for s, date_end, full in tm.cache.get("stamps", ())
        if s >= start and date_end <= end
    ]


_END_LABEL = re.compile(r"\b(?:ends?|end\s+date|finish(?:es)?|until|to)\s*:?\s*$", re.IGNORECASE)
_START_LABEL = re.compile(r"\b(?:starts?|start\s+date|begins?|from)\s*:?\s*$", re.IGNORECASE)


def _join_labelled_ends(tm: TextMap, anchors: list[Anchor]) -> list[Anchor]:
    """ "Starts: 07/07/2025 10:00 / Ends: 09/07/2025 15:00" written on two lines is one event's span,
    not two events: a date labelled as the end joins the labelled start just before it."""
    out: list[Anchor] = []
    for anchor in anchors:
        last = out[-1] if out else None
        if (
            last is not None
            and not last.joined
            and last.last_day is None
            and anchor.last_day is None
            and 0 <= anchor.span[0] - last.span[1] <= 120
            and anchor.first_day >= last.first_day
            and _END_LABEL.search(tm.text, max(0, anchor.span[0] - 20), anchor.span[0])
            and _START_LABEL.search(tm.text, max(0, last.span[0] - 20), last.span[0])
            and not _BRACKET_START.search(tm.text, max(0, last.span[0] - 12), last.span[0])  # see _join_bracketed
        ):
            until = anchor.first_day if anchor.first_day > last.first_day else None
            out[-1] = replace(last, span=(last.span[0], anchor.span[1]), last_day=until, joined=True)
        else:
            out.append(anchor)
    return out


def _join_bracketed(tm: TextMap, anchors: list[Anchor]) -> list[Anchor]:
    """ "Wed 29 - Thu 30 … (Ends May 3)", "Fri 1 - Sun 3 … (Begins Apr 29)": a listing split at a
    month's end says, in brackets, where the whole event ends or begins."""
    out: list[Anchor] = []
    for anchor in anchors:
        last = out[-1] if out else None
        if last is None or not 0 <= anchor.span[0] - last.span[1] <= 80 or anchor.last_day is not None:
            out.append(anchor)
            continue
        before = tm.text[max(0, anchor.span[0] - 12) : anchor.span[0]]
        # the bracketed date changes the days only: the row is still found from its own date
        if _BRACKET_END.search(before) and anchor.first_day > (last.last_day or last.first_day):
            out[-1] = replace(last, last_day=anchor.first_day, joined=True)
        elif _BRACKET_START.search(before) and anchor.first_day < last.first_day:
            out[-1] = replace(last, first_day=anchor.first_day, last_day=last.last_day or last.first_day, joined=True)
        else:
            out.append(anchor)
    return out


_BRACKET_END = re.compile(r"\(\s*(?:ends?|until|through|to)\s*:?\s*$", re.IGNORECASE)
_BRACKET_START = re.compile(r"\(\s*(?:begins?|starts?|from)\s*:?\s*$", re.IGNORECASE)


_LEADING_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d(?!\d)")


def _time_tags(ctx: PageContext, tm: TextMap, published: list[int]) -> list[Anchor]:
    out = []
    for node in ctx.tree.css("time[datetime]"):
        written = node.attrs.get("datetime")
        moment = parse_moment(written, ctx.zone)
        if moment is None and written and (day_only := _LEADING_ISO_DAY.match(written)):
            moment = parse_moment(day_only.group(), ctx.zone)  # "2024-01-28PST00:00:00": its day still reads
        index = tm.index_of(node)
        if moment is None or index is None:
            continue
        el = tm.elements[index]
        moment = visible_clock_wins(moment, written, tm.text[el.start : el.end])
        if _STAMP.search(tm.text, max(0, el.start - 30), el.start):
            published.append(el.start)
            continue  # "Last updated: <time>…</time>"
        day = moment.date() if isinstance(moment, datetime) else moment
        if day is None:
            continue
        out.append(Anchor((el.start, max(el.end, el.start)), day, None, True, moment, True))
    return out


def _years_from_headings(tm: TextMap, anchors: list[Anchor]) -> list[Anchor]:
    if all(a.explicit_year for a in anchors):
        return anchors
    markers: list[tuple[int, int]] = []
    for el in tm.elements:
        if el.tag in _MARKER_TAGS and 0 < el.end - el.start <= 50:
            words = tm.text[el.start : el.end]
            m = _YEAR_HEADING.match(words) if len(words) <= 30 else None
            if m is None and el.tag in _SECTION_TAGS:
                m = _YEAR_IN_HEADING.match(words)  # "Calendar for 2022", "2023 Board Meetings"
            if m:
                markers.append((el.start, int(m.group("year"))))
    if not markers:
        return anchors
    out = []
    for anchor in anchors:
        year = next((y for start, y in reversed(markers) if start < anchor.span[0]), None)
        out.append(anchor if anchor.explicit_year or year is None else _with_year(anchor, year))
    return out


@cache
def _heading_patterns(languages: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A month heading ("March 2025", "Октябрь") and a weekday with a day ("Tue 4", "Wed 18 - Sun
    22": a run of days, the second possibly in the next month), in the page's languages."""
    words = grammar(languages)
    month_heading = re.compile(rf"\s*(?P<month>{words.month})\s*,?\s*(?P<year>{YEAR})?\s*:?\s*$", re.IGNORECASE)
    weekday_day = re.compile(
        rf"(?<![\w])(?P<wd>{words.weekday})\s*,?\s*(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\w:.])"
        rf"(?:\s*[-–—]\s*(?P<wd2>{words.weekday})\s*,?\s*(?P<day2>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\w:.]))?",
        re.IGNORECASE,
    )
    return month_heading, weekday_day


def _days_under_month_headings(ctx: PageContext, tm: TextMap, anchors: list[Anchor]) -> list[Anchor]:
    """``<h2>March 2025</h2> … Tue 4 … Sat 15``: a weekday and a day under a month heading are a date
    when the weekday agrees. Such a reading also beats a date stitched across elements that the
    weekday contradicts ("Thu 3" then a title "May Day rally" is 3 April, not 3 May)."""
    starts = [a.span[0] for a in anchors]  # in order, never overlapping
    month_heading, weekday_day = _heading_patterns(ctx.languages)
    words = grammar(ctx.languages)
    found = []
    for m in weekday_day.finditer(tm.text):
        j = bisect.bisect_left(starts, m.end())
        clash = [a for a in anchors[max(0, j - 3) : j] if a.span[1] > m.start()]
        if all(_stitched(tm, a) for a in clash):
            found.append((m, clash))
    if not found:
        return anchors
    markers = []
    for el in tm.elements:
        if el.tag in _MARKER_TAGS and 0 < el.end - el.start <= 30:
            heading = month_heading.match(tm.text, el.start, el.end)
            if heading:
                year = heading.group("year")
                markers.append((el.start, words.month_number(heading.group("month")), int(year) if year else None))
    marks = [start for start, _, _ in markers]
    dropped: set[tuple[int, int]] = set()
    added = []
    for m, clash in found:
        i = bisect.bisect_right(marks, m.start()) - 1
        if i < 0:
            continue
        _, month, year = markers[i]
        weekday = words.weekday_number(m.group("wd"))
        day = safe_date(year, month, int(m.group("day"))) if year else infer_year(month, int(m.group("day")), ctx.today)
        if day is None or day.weekday() != weekday:
            continue  # the weekday must agree: "Tue 4" is no date under a heading it does not fit
        last = _last_of_run(day, m, words.weekday_number(m.group("wd2"))) if m.group("day2") else None
        dropped.update(a.span for a in clash)
        added.append(Anchor(m.span(), day, last, True))
    return sorted([a for a in anchors if a.span not in dropped] + added, key=lambda a: a.span)


def _last_of_run(first: date, m: re.Match[str], weekday: int | None) -> date | None:
    """The end of "Wed 18 - Sun 22" (or "Wed 29 - Sun 3", into the next month), if its weekday agrees."""
    day2 = int(m.group("day2"))
    month, year = (
        (first.month, first.year) if day2 > first.day else (first.month % 12 + 1, first.year + (first.month == 12))
    )
    last = safe_date(year, month, day2)
    return last if last is not None and last.weekday() == weekday else None


def _stitched(tm: TextMap, anchor: Anchor) -> bool:
    """A date read across elements whose last element goes on with more words: "3" + "May Day rally"."""
    if anchor.from_tag or tm.owner_at(anchor.span[0]) == tm.owner_at(anchor.span[1] - 1):
        return False
    i = bisect.bisect_right(tm.chunk_starts, anchor.span[1] - 1) - 1
    rest = tm.text[anchor.span[1] : tm.chunk_ends[i]] if i >= 0 else ""
    return any(ch.isalpha() for ch in rest)


def _with_year(anchor: Anchor, year: int) -> Anchor:
    try:
        first = anchor.first_day.replace(year=year)
        last = None
        if anchor.last_day is not None:
            last = anchor.last_day.replace(year=year)
            if last < first:
                last = last.replace(year=year + 1)
    except ValueError:  # 29 February in a year without one
        return anchor
    return replace(anchor, first_day=first, last_day=last, explicit_year=True)
