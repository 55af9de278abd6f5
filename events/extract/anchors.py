"""Where a page says "this is a date": dates written in its text, and ``<time datetime>`` tags.

Each anchor is a span of the page's flattened text with the days it names. A yearless date takes its
year from the nearest heading above it that names one ("2022", "November 2019"), as a reader would;
only when there is none is the year inferred from the fetch date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from events.extract.context import PageContext
from events.extract.textmap import TextMap
from events.normalise.dates import MONTH, find_dates
from events.normalise.moments import parse_moment
from events.normalise.times import find_times

_YEAR_HEADING = re.compile(rf"^\s*(?:{MONTH}\s*,?\s*)?(?P<year>(?:19|20)\d\d)\s*:?\s*$", re.IGNORECASE)
# "Booking opens 1 February", "closing date 3 May", "received by 4 April": when booking happens or a
# deadline falls, not when the event does
_BOOKING_DATE = re.compile(
    r"(?:\bopens?|\bopening|\bclos(?:e|es|ing)|deadline|\bby|\bno\s+later\s+than|\bbefore|\bsales?\s+(?:start|end)s?)"
    r"(?:\s+(?:date|on|from))?\s*:?\s*$",
    re.IGNORECASE,
)
# "Posted Aug 12, 2022 4:54 PM", "Last updated: 3 May": when the page was written, not an event
_STAMP = re.compile(
    r"\b(?:posted|published|updated|modified|uploaded|added|amended|revised)(?:\s+on)?\s*:?\s*(?:[-–—|·•]\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?$",
    re.IGNORECASE,
)
# "By Press Office · 12 February 2025": an article's byline
_BYLINE = re.compile(r"\s*(?:[Bb]y|BY)\s+[A-Z][\w.'’ -]{1,40}?\s*[·|•,–—-]?\s*$")
_STAMP_WORD = re.compile(r"\b(?:posted|published|updated|modified|uploaded|added|amended|revised)\b", re.IGNORECASE)
_MARKER_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "caption", "legend", "dt", "strong", "b", "th"})


@dataclass(frozen=True)
class Anchor:
    span: tuple[int, int]
    first_day: date
    last_day: date | None  # inclusive, None for one day
    explicit_year: bool = True
    moment: date | datetime | None = None  # set for <time datetime> anchors
    from_tag: bool = False

    @property
    def key(self) -> tuple[date, date | None]:
        return self.first_day, self.last_day


def find_anchors(ctx: PageContext, tm: TextMap) -> list[Anchor]:
    anchors = []
    published = []  # where posts say when they were written: a block holding one is a post
    for d in find_dates(tm.text, ctx.today, ctx.month_first):
        if _BOOKING_DATE.search(tm.text[max(tm.chunk_start(d.span[0]), d.span[0] - 40) : d.span[0]]):
            continue
        if _STAMP.search(tm.text, max(0, d.span[0] - 30), d.span[0]) or _BYLINE.match(
            tm.text, tm.chunk_start(d.span[0]), d.span[0]
        ):
            published.append(d.span[0])
            continue
        anchors.append(Anchor(d.span, d.start, d.end, d.explicit_year))
    tm.cache["published"] = published
    anchors = _years_from_headings(tm, anchors)
    anchors += _time_tags(ctx, tm)
    tm.cache["published"].sort()
    anchors.sort(key=lambda a: a.span)
    return anchors


def stamps(ctx: PageContext, text: str) -> list[tuple[int, int]]:
    """Spans of publication stamps in a block's text ("Posted Aug 12, 2022 4:54 PM"): their words,
    date and time say when the page was written, so none of them is the event's date, time or title."""
    if not _STAMP_WORD.search(text):
        return []
    out = []
    for d in find_dates(text, ctx.today, ctx.month_first):
        stamp = _STAMP.search(text, max(0, d.span[0] - 30), d.span[0])
        if stamp is None:
            continue
        end = d.span[1]
        after = find_times(text[end : end + 24])
        if after and not text[end : end + after[0].span[0]].strip(" ,@at"):
            end += after[0].span[1]
        out.append((stamp.start(), end))
    return out


def _time_tags(ctx: PageContext, tm: TextMap) -> list[Anchor]:
    out = []
    for node in ctx.tree.css("time[datetime]"):
        moment = parse_moment(node.attributes.get("datetime"), ctx.zone)
        index = tm.index_of(node)
        if moment is None or index is None:
            continue
        el = tm.elements[index]
        if _STAMP.search(tm.text, max(0, el.start - 30), el.start):
            tm.cache.setdefault("published", []).append(el.start)
            continue  # "Last updated: <time>…</time>"
        day = moment.date() if isinstance(moment, datetime) else moment
        out.append(Anchor((el.start, max(el.end, el.start)), day, None, True, moment, True))
    return out


def _years_from_headings(tm: TextMap, anchors: list[Anchor]) -> list[Anchor]:
    if all(a.explicit_year for a in anchors):
        return anchors
    markers: list[tuple[int, int]] = []
    for el in tm.elements:
        if el.tag in _MARKER_TAGS and 0 < el.end - el.start <= 30:
            m = _YEAR_HEADING.match(tm.text[el.start : el.end])
            if m:
                markers.append((el.start, int(m.group("year"))))
    if not markers:
        return anchors
    out = []
    for anchor in anchors:
        year = next((y for start, y in reversed(markers) if start < anchor.span[0]), None)
        out.append(anchor if anchor.explicit_year or year is None else _with_year(anchor, year))
    return out


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
