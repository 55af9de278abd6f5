"""A list of dates, one per line, under a line that says what they are:

    2019 Board Meeting Dates
    January 18
    February 15
    September 20 – (Allegheny County Airport, West Mifflin)

Small bodies publish their year of meetings this way. Each date that begins its own line (lines are
broken by ``<br>`` or are elements of their own) is one event, titled by the lead line ("Board
Meeting"); a clock time the block states once ("held … at 11:30 a.m.") is every meeting's; a place in
brackets on a line is that meeting's.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from events.extract.context import PageContext
from events.extract.text.anchors import Anchor
from events.extract.text.blocks import LETTERS, Block
from events.extract.text.titles import context_title, is_title_like, subject_of
from events.extract.textmap import TextMap
from events.normalise.dates import safe_date
from events.normalise.places import split_place, tidy_place
from events.normalise.times import find_times
from events.normalise.titles import tidy_title
from events.record import Event

MIN_DATES = 3  # fewer is a sentence or an event's own days, not a list
MAX_LINE_WORDS = 12
_BRACKETED = re.compile(r"\(([^()]{3,80})\)")
_LEAD_IN = re.compile(r"^[\s*•·–—:-]*$")


def date_list_events(ctx: PageContext, tm: TextMap, block: Block) -> list[Event] | None:
    """The events of a block that is a list of dates, or None when it is not one."""
    written = [d for d in block.dates if not d.from_tag]
    if len(written) < MIN_DATES or len(written) != len(block.dates):
        return None
    start, end = block.span(tm)
    breaks = sorted(
        {start, end}
        | {tm.elements[i].start for i in block.inner(tm) if tm.elements[i].tag in ("br", "li", "p", "div", "tr")}
    )
    lines = list(itertools.pairwise(breaks))
    owned: list[tuple[Anchor, tuple[int, int]]] = []
    for anchor in written:
        line = next((ln for ln in lines if ln[0] <= anchor.span[0] < ln[1]), None)
        if line is None or not _LEAD_IN.match(tm.text[line[0] : anchor.span[0]]):
            return None  # a date inside a line: prose or a schedule's details, not a list
        if len(tm.text[line[0] : line[1]].split()) > MAX_LINE_WORDS:
            return None
        owned.append((anchor, line))
    first_line = owned[0][1]
    title = _lead_title(tm, start, first_line[0]) or context_title(ctx, tm, block.index)
    if not title:
        return None
    title = _fuller_name(tm, block, title)
    # what the list's lead-in says once for all ("held on the 3rd Friday at 11:30 a.m."; "2019 …"),
    # in the block before its first date or in the paragraph that holds the block
    parent = tm.elements[block.index].parent
    lead_from = tm.elements[parent].start if parent > 0 and tm.elements[parent].end - start < 2000 else start
    lead_in = tm.text[max(lead_from, first_line[0] - 2000) : first_line[0]]
    said_once = find_times(lead_in)
    shared = said_once[0] if len({t.start for t in said_once}) == 1 else None
    held_in = _HELD_IN.match(lead_in, said_once[0].span[1]) if shared else None
    years = set(_YEAR.findall(lead_in))
    year = int(years.pop()) if len(years) == 1 else None
    events = []
    for anchor, line in owned:
        if year is not None and not anchor.explicit_year and anchor.first_day.year != year:
            anchor = _in_year(anchor, year)
        text = tm.text[anchor.span[1] : line[1]]
        own = find_times(text)
        clock = own[0] if own else shared
        place = _BRACKETED.search(text)
        venue, address, town = split_place(place.group(1)) if place else (None, None, None)
        if place is None and held_in is not None:
            venue, address, town = split_place(tidy_place(held_in.group(1)) or "")
        events.append(
            Event(
                source=ctx.source,
                title=title,
                start=ctx.at(anchor.first_day, clock.start if clock else None),
                end=anchor.last_day if clock is None else (ctx.at(anchor.first_day, clock.end) if clock.end else None),
                timezone=ctx.timezone,
                venue=venue or None,
                address=address,
                locality=town,
                found_by="text",
                provenance={"title": "text:the line before a list of dates", "start": "text:a list of dates"},
            )
        )
    return events


# "… at 11:30 a.m. in Conference Room A, Landside Terminal, unless otherwise noted": the usual place
_HELD_IN = re.compile(r"\s*,?\s*in\s+((?:the\s+)?[A-Z][^.;]{3,140}?)(?=,?\s+unless\b|\.(?:\s|$)|$)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def _in_year(anchor: Anchor, year: int) -> Anchor:
    """ "January 18" under "2019 Board Meeting Dates" is in 2019, whatever today is."""
    first = safe_date(year, anchor.first_day.month, anchor.first_day.day) or anchor.first_day
    last = anchor.last_day
    if last is not None:
        last = safe_date(year + (last.year - anchor.first_day.year), last.month, last.day) or last
    return replace(anchor, first_day=first, last_day=last)


def _fuller_name(tm: TextMap, block: Block, title: str) -> str:
    """ "Board Meeting", when the paragraph's bold line says "Allegheny County Airport Authority 2019 Board
    Meetings": the body's whole name."""
    parent = tm.elements[block.index].parent
    if parent <= 0:
        return title
    block_start = tm.elements[block.index].start
    for i in tm.descendants(parent):
        el = tm.elements[i]
        if el.start >= block_start or el.tag not in ("strong", "b", "h2", "h3", "h4", "h5", "h6", "em"):
            continue
        subject = subject_of(" ".join(tm.text[el.start : el.end].split()))
        if subject and len(subject) > len(title) and subject.casefold().endswith(title.casefold()):
            return tidy_title(subject)
    return title


def _lead_title(tm: TextMap, start: int, first: int) -> str | None:
    """The line just before the first date ("2019 Board Meeting Dates" → "Board Meeting")."""
    lead = tm.text[start:first].strip().splitlines()[-1:] if first > start else []
    text = " ".join(lead[0].split()) if lead else ""
    if not text or len(LETTERS.findall(text)) < 3:
        return None
    last = re.split(r"[.:!?]\s+", text)[-1].strip(" :")
    subject = subject_of(last) if len(last) <= 120 else None
    return tidy_title(subject) if subject and is_title_like(subject) else None
