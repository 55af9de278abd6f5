"""Events in pages with no event markup: cards, list items, table rows, slides and promo banners.

Every date in the page's text is a possible event. Each one is mapped to the smallest element that
holds it, then widened to the largest element that holds no *other* date: in a listing that is the
card or the row, because its parent holds the neighbours' dates too. What is left of that block once
the date, times, status phrases and "in <Town>" are cut out gives the title and the venue.

Dates in prose (a news article), publication stamps ("Posted on …") and deadlines are not events.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from datetime import date

from events.extract.context import PageContext
from events.extract.provenance import css_path, text_field_origins
from events.extract.text.anchors import Anchor, find_anchors, stamps_in
from events.extract.text.blocks import HEADINGS, LETTERS, Block, blank, cut, overlaps, shift, text_segments
from events.extract.text.date_lists import MIN_DATES, date_list_events
from events.extract.text.kinds import MILESTONE, NOT_EVENT, cancellation_notice, has_prose, is_news, is_prose
from events.extract.text.places import (
    PLACE_LABEL_START,
    element_place,
    find_place_element,
    meta_line_place,
    settle_place,
    venue_in,
)
from events.extract.text.tables import booking_column, table_columns
from events.extract.text.times import when_of
from events.extract.text.titles import (
    DOCUMENT,
    GENERIC_LINK,
    context_title,
    heading_above,
    is_title_like,
    meeting_of,
    place_then_title,
    rank_titles,
    reads_as_sentence,
    split_title_venue,
    structural_title,
    title_then_place,
)
from events.extract.textmap import TextMap
from events.normalise.dates import find_dates, find_months
from events.normalise.places import (
    find_locality,
    is_online,
    looks_like_address,
    looks_like_venue,
    plausible_venue,
    tidy_place,
)
from events.normalise.status import find_booking, find_event_status
from events.normalise.times import find_times
from events.normalise.titles import tidy_title
from events.record import Event

MAX_BLOCK = 600  # characters: a card, a row or a banner, never an article
_STOP_CLIMB = frozenset({"body", "html", "main"})
_NOTICE_WORDS = re.compile(r"notice|cancel|postpon", re.IGNORECASE)


def find_text_events(ctx: PageContext, tm: TextMap, days: set[date] | None = None) -> list[Event]:
    """Events read from the page's blocks; with ``days``, only blocks dated on one of them (a page
    that lists its events in structured data needs its text only to fill those events in)."""
    anchors = find_anchors(ctx, tm)
    if not anchors:
        return []
    blocks: dict[int, Block] = {}
    starts = [a.span[0] for a in anchors]
    for anchor in anchors:
        index = _block_for(tm, anchor, anchors, starts)
        blocks.setdefault(index, Block(index, [])).dates.append(anchor)
    events = []
    alone = len({a.first_day for a in anchors}) == 1  # one date on the whole page: an article's, or a detail page's
    parts = [session for b in blocks.values() for part in _split(tm, b) for session in _sessions(tm, part)]
    for block in parts:
        _extend(tm, block, anchors, starts)
    # a line restating the date ("1:00pm - Wednesday, September 21st") under a date heading belongs to
    # the heading's block, not to an event of its own
    covered = [(tm.elements[b.extra[0]].start, b.span(tm)[1], {a.first_day for a in b.dates}) for b in parts if b.extra]
    for block in parts:
        here = tm.elements[block.index]
        if any(
            lo <= here.start and here.end <= hi and {a.first_day for a in block.dates} <= under
            for lo, hi, under in covered
        ):
            continue
        if days is not None and not any(a.first_day in days for a in block.dates):
            continue
        listed = date_list_events(ctx, tm, block) if len(block.dates) >= MIN_DATES else None
        if listed is not None:
            events.extend(listed)
            continue
        event = _read_block(ctx, tm, block, alone)
        if event is not None:
            events.append(event)
    return events


def _block_for(tm: TextMap, match: Anchor, dates: list[Anchor], starts: list[int]) -> int:
    """Widen from the date's own element while the wider element holds no other day."""
    index = tm.container(*match.span)
    while True:
        parent = tm.elements[index].parent
        if parent <= 0:
            return index
        p = tm.elements[parent]
        if p.tag in _STOP_CLIMB or p.end - p.start > MAX_BLOCK:
            return index
        if tm.elements[index].tag == "tr" and table_columns(tm, index):
            return index  # a row under named columns is one record: its header's labels are no title
        lo, hi = bisect.bisect_left(starts, p.start), bisect.bisect_left(starts, p.end)
        if any(d.first_day != match.first_day for d in dates[lo:hi]):
            return index
        index = parent


def _split(tm: TextMap, block: Block) -> list[Block]:
    """Several events on one day share a block (a day cell of a month calendar); when the block's
    anchors sit in separate children that each have a title of their own, each child is an event."""
    if len(block.dates) < 2:
        return [block]
    index = block.index
    while True:
        kids = [k for k in tm.children(index) if any(_within(tm, k, a) for a in block.dates)]
        if len(kids) != 1:
            break
        index = kids[0]
    shapes = {(tm.elements[k].tag, tm.elements[k].node.attrs.get("class")) for k in kids}
    if len(kids) < 2 or len(shapes) > 1 or not all(_has_title_element(tm, k) for k in kids):
        return [block]  # repeated items of one kind, each with its own title; anything else is one event
    return [Block(k, [a for a in block.dates if _within(tm, k, a)]) for k in kids]


_CLOCKISH = re.compile(r"\d[:.]\d\d|\d\s*[ap]\.?m\b", re.IGNORECASE)


def _sessions(tm: TextMap, block: Block) -> list[Block]:
    """A day of a playbill: one date, then several shows, each with its own title and time
    ("15 April — 13:00 Three Men in a Boat … 14:00 Backstage tour"). When the block holds two or more
    sibling items of one kind, each with a clock time and a title and none holding the date, each
    item is an event on that day (its date placed at the item's start, where its text begins)."""
    if len({a.first_day for a in block.dates}) != 1 or block.extra:
        return [block]
    start, end = block.span(tm)
    if len(_CLOCKISH.findall(tm.text, start, end)) < 2:
        return [block]  # fewer than two clock times: one event (a cheap look before reading times)
    index = block.index
    for _ in range(6):  # down the one branch that holds the times and not the date
        kids = tm.children(index)
        free = [k for k in kids if not any(_within(tm, k, a) for a in block.dates)]
        shapes = {(tm.elements[k].tag, tm.elements[k].node.attrs.get("class")) for k in kids}
        if len(kids) >= 2 and len(free) == len(kids) and len(shapes) == 1:
            if all(find_times(tm.text_of(k)) and _has_title_element(tm, k) for k in kids):
                day = block.dates[0]
                return [Block(k, [replace(day, span=(tm.elements[k].start,) * 2)]) for k in kids]
            return [block]
        if len(kids) == 1:  # a wrapper: look inside it
            index = kids[0]
            continue
        timed = [k for k in free if len(_CLOCKISH.findall(tm.text, tm.elements[k].start, tm.elements[k].end)) >= 2]
        if len(timed) != 1:
            return [block]
        index = timed[0]
    return [block]


def _within(tm: TextMap, index: int, anchor: Anchor) -> bool:
    el = tm.elements[index]
    return el.start <= anchor.span[0] < el.end or (anchor.span[0] == el.start == el.end)


def _has_title_element(tm: TextMap, index: int) -> bool:
    for i in (index, *tm.descendants(index)):
        el = tm.elements[i]
        if (el.tag == "a" or el.tag in HEADINGS) and len(LETTERS.findall(tm.text[el.start : el.end])) >= 3:
            return True
    return False


def _extend(tm: TextMap, block: Block, anchors: list[Anchor], starts: list[int]) -> None:
    """A date that stands alone (a heading "12 March 2024", a date line) heads the siblings after it,
    up to the next date: "<h3>date</h3><h4>title</h4><p>venue</p>"."""
    el = tm.elements[block.index]
    rest = blank(tm.text[el.start : el.end], [shift(a.span, -el.start) for a in block.dates])
    rest = re.sub(r"\b(?:date|when|time)s?\b|\d|(?:a|p)\.?m\.?", " ", rest, flags=re.IGNORECASE)
    if len(LETTERS.findall(rest)) >= 3:
        return
    index, total = block.index, el.end - el.start
    for _ in range(4):
        nxt = tm.next_sibling(index)
        if nxt is None:
            return
        sib = tm.elements[nxt]
        if sib.tag in HEADINGS and (el.tag not in HEADINGS or sib.tag <= el.tag):
            return  # the next section of the page
        total += sib.end - sib.start
        inside = anchors[bisect.bisect_left(starts, sib.start) : bisect.bisect_left(starts, sib.end)]
        days = {a.first_day for a in block.dates}
        if total > MAX_BLOCK or any(a.first_day not in days for a in inside):
            return  # it holds another day's date: the next event
        block.extra.append(nxt)
        index = nxt


def _read_block(ctx: PageContext, tm: TextMap, block: Block, alone: bool = False) -> Event | None:
    start, end = block.span(tm)
    text = tm.text[start:end]
    if len(text) > MAX_BLOCK or NOT_EVENT.search(text):
        return None
    stamped = stamps_in(tm, start, end)
    published = tm.cache.get("published", [])
    posted = bisect.bisect_left(published, start) < bisect.bisect_left(published, end)
    notice = cancellation_notice(text) if len({d.first_day for d in block.dates}) == 1 else None
    if notice is None and is_prose(tm, block, posted):
        return None
    tags = [d for d in block.dates if d.from_tag]
    written = [d for d in block.dates if not d.from_tag]
    if not tags and len({d.first_day for d in written}) > 1:
        return None  # a block listing several dates is a schedule or prose, not one event
    # a badge "3 Apr" beside "3–4 April 2025": the range says more
    written.sort(key=lambda d: (d.last_day is None, not d.explicit_year))  # and a dated range over an aside
    # clock times are never read out of dates, so a time inside a date range's text counts too
    times = [t for t in find_times(text) if not overlaps(t.span, stamped)]
    removed: list[tuple[int, int]] = [shift(d.span, -start) for d in block.dates] + stamped
    removed += [t.span for t in times]
    columns = table_columns(tm, block.index)
    if "booking" not in columns and notice is None and MILESTONE.match(cut(text, (0, len(text)), removed)):
        return None  # "Nominations open 3 March 2025" in a timetable
    place_element = columns.get("venue") or find_place_element(tm, block)
    booking = find_booking(text, ctx.today)
    if booking.state == "none" and "booking" in columns:
        booking = booking_column(tm, columns["booking"], ctx.today)
    if booking.span:
        removed.append(booking.span)
    status, status_span = find_event_status(text)
    if status_span:
        removed.append(status_span)
    locality = find_locality(blank(text, removed))
    if locality:
        removed.append(locality[1])
    removed += [m.span for m in find_months(text) if not overlaps(m.span, removed)]
    segments = text_segments(tm, start, end, removed)
    # a heading above names the block only when the block reads like an event's details (a time, a
    # place, booking), never for a bare date under an article's headline
    signals = (
        bool(times)
        or booking.state != "none"
        or bool(locality)
        or is_online(text)
        or any(looks_like_venue(text[a:b], strong=True) for a, b in segments)
        or place_element is not None
    )
    if alone and not signals and notice is None and has_prose(tm, block):
        return None  # a page's only date, in a block of running text with nothing of an event: an article
    named: tuple[str, tuple[int, int] | None, tuple[int, int] | None, str | None] | None = _title_of(
        ctx, tm, block, Reading(text, start, removed, segments), columns, signals
    )
    if notice is not None:  # the notice names the meeting, unless the block's own title does
        status = notice[1]
        if named is None or _NOTICE_WORDS.search(named[0]) or notice[0].casefold() in named[0].casefold():
            named = (notice[0], None, None, None)
    if named is None:
        return None
    title, title_span, place_span, venue_in_title = named
    address = None
    if place_element is not None:
        venue, address = element_place(tm, place_element, text, start, removed)
    else:
        documents = [_span_of(tm, i, start) for i in _document_links(tm, block)]
        badges = [_span_of(tm, i, start) for i in _category_elements(tm, block)]
        if title_span is not None:
            venue = venue_in(text, segments, title_span, documents, badges) or venue_in_title
        else:
            venue = None
        if place_span is not None:
            venue = tidy_place(cut(text, place_span, removed))
        if venue is None:
            venue = meta_line_place(tm, block, text, start, removed)
    when = when_of(ctx, tags, written, times)
    url = _link(ctx, tm, block, _title_element(tm, start, title_span))
    if not signals and notice is None and is_news(tm, block.index, url):
        return None  # a dated headline in a news list, not an event
    if venue and (venue.casefold() == title.casefold() or not plausible_venue(venue)):
        venue = None  # the blurb's first words repeat the title, or invite the reader ("Join us online")
    venue, address, town, online = settle_place(text, venue, address, locality[0] if locality else None, ctx.acronyms)
    return Event(
        source=ctx.source,
        title=title,
        start=when[0],
        end=when[1],
        timezone=ctx.timezone,
        venue=venue,
        address=address,
        locality=town,
        online=online,
        event_status=status,
        booking=booking.state,
        booking_label=booking.label,
        booking_opens=booking.opens,
        url=url,
        found_by="text",
        provenance=_provenance(ctx, tm, block, start, removed, title, title_span, venue, booking.span),
    )


def _provenance(
    ctx: PageContext,
    tm: TextMap,
    block: Block,
    start: int,
    removed: list[tuple[int, int]],
    title: str,
    title_span: tuple[int, int] | None,
    venue: str | None,
    booking_span: tuple[int, int] | None,
) -> dict[str, str]:
    first = min(block.dates, key=lambda d: d.span)
    spans: dict[str, tuple[int, int] | str | None] = {
        "title": title_span if title_span and title_span != (0, 0) else title,
        "start": (first.span[0] - start, first.span[1] - start),
        "venue": venue,
        "booking": booking_span,
    }
    origins = text_field_origins(tm, block.index, start, spans)
    if ctx.explain:
        origins["block"] = f"text:{css_path(tm.elements[block.index].node)}"
        ranked = rank_titles(tm, block, removed, complete=True)
        origins["title candidates"] = " | ".join(
            f"{c.text[:50]!r} {c.score:+.1f} ({', '.join(f'{k} {v:+.1f}' for k, v in c.signals.items())})"
            for c in ranked[:4]
        )
    return origins


@dataclass
class Reading:
    """A block's text as it is being read: what has been cut out of it, and the runs of words left."""

    text: str
    start: int  # where the block's text begins in the page's text
    removed: list[tuple[int, int]]
    segments: list[tuple[int, int]]


def _title_of(
    ctx: PageContext, tm: TextMap, block: Block, r: Reading, columns: dict[str, int], signals: bool
) -> tuple[str, tuple[int, int], tuple[int, int] | None, str | None] | None:
    """The title (and its span, a place read out of the same run of words, a venue named after it):
    a heading or title element, else words that name no place, else a heading above, else a table's
    context ("Board of Directors – Regular")."""
    text, start, removed = r.text, r.start, r.removed
    title_span = structural_title(ctx, tm, block, removed)
    # the venue and type columns are no title, nor, in a table row, the names of its documents
    not_titles = [_span_of(tm, columns[k], start) for k in ("venue", "kind") if k in columns]
    if tm.elements[block.index].tag == "tr":
        not_titles += [_span_of(tm, i, start) for i in _document_links(tm, block)]
    plain = [
        sp
        for sp in r.segments
        if is_title_like(text[sp[0] : sp[1]])
        and not any(lo <= sp[0] and sp[1] <= hi for lo, hi in not_titles)
        and not PLACE_LABEL_START.match(text, sp[0], sp[1])  # "Location: The Albany" is no title
        and not reads_as_sentence(text[sp[0] : sp[1]])
        and not _VALUE_OF_A_FIELD.search(text, max(0, sp[0] - 30), sp[0])  # "Hosted by: Sports Commission"
        and not looks_like_address(text[sp[0] : sp[1]])
    ]
    place_span = None
    if title_span is None:
        title_span, place_span = _plain_title(text, plain)
        if title_span is not None and _labels_the_date(text, title_span, r.removed) and signals:
            title_span = None  # "Planning Commission Hearing: July 30, 2 PM" labels the date; the item is named above
            if heading_above(tm, block) is None:
                title_span, place_span = _plain_title(text, plain)
    title = cut(text, title_span, removed) if title_span else (heading_above(tm, block) if signals else None)
    if title is None and plain:
        title_span = plain[0]
        title = cut(text, title_span, removed)
    if title and _only_a_date(title, ctx):
        title = None  # "August 27, 2019" twice in a row: a date is no title
    if title is None and tm.elements[block.index].tag == "tr":
        title = context_title(ctx, tm, block.index)
        kind = cut(text, _span_of(tm, columns["kind"], start), removed) if "kind" in columns else ""
        if is_title_like(kind) and _NAMES_A_MEETING.search(kind):  # "Council Meeting" in its Type column
            title = kind
        elif title and is_title_like(kind):  # "Board of Directors" + "Regular" in its Type column
            title = f"{title} – {kind}"
        elif title:
            title = meeting_of(title)
    if not title:
        return None
    title = tidy_title(title, ctx.acronyms)
    if len(LETTERS.findall(title)) < 3 or MILESTONE.match(title):
        return None
    title, venue_in_title = split_title_venue(title)
    return title, title_span or (0, 0), place_span, venue_in_title


# a run of words after one of these labels is that field's value, never the event's title
_VALUE_OF_A_FIELD = re.compile(
    r"\b(?:(?:hosted|presented|organi[sz]ed|sponsored|run)\s+by|organi[sz]ers?|hosts?|contact|speakers?|"
    r"price|cost|fees?|tickets?|categor(?:y|ies)|tags?|audience|ages?|admission)\s*:\s*$",
    re.IGNORECASE,
)
_NAMES_A_MEETING = re.compile(
    r"\b(?:meeting|session|hearing|council|committee|board|commission|authority|assembly|workshop)s?\b", re.I
)


def _labels_the_date(text: str, span: tuple[int, int], removed: list[tuple[int, int]]) -> bool:
    """The words end with a colon and the date follows: "Public Hearing: July 30, 2019"."""
    after = text[span[1] : span[1] + 3]
    if not after.lstrip().startswith(":") and not text[: span[1]].rstrip().endswith(":"):
        return False
    colon = text.find(":", span[0])
    return colon >= 0 and any(0 <= s - colon <= 4 for s, _ in removed)


def _plain_title(text: str, plain: list[tuple[int, int]]) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The first run of words that names no place, or whose head does before a place ("Annual General
    Meeting, Leeds Civic Hall"); and that place."""
    for span in plain:
        split = place_then_title(text, span) or title_then_place(text, span)
        if split is not None:
            return split
        if not looks_like_venue(text[span[0] : span[1]], strong=True):
            return span, None
    return None, None


def _only_a_date(title: str, ctx: PageContext) -> bool:
    if not any(ch.isdigit() for ch in title):
        return False
    return len(LETTERS.findall(blank(title, [d.span for d in find_dates(title, ctx.today)]))) < 3


def _span_of(tm: TextMap, index: int, start: int) -> tuple[int, int]:
    return tm.elements[index].start - start, tm.elements[index].end - start


def _document_links(tm: TextMap, block: Block) -> list[int]:
    key = ("documents", block.index, len(block.extra))
    found = tm.cache.get(key)
    if found is None:  # asked for a title and again for a place: looked up once
        found = tm.cache[key] = [
            i
            for i in block.inner(tm)
            if tm.elements[i].tag == "a" and DOCUMENT.search(tm.elements[i].node.attrs.get("href") or "")
        ]
    return found


_CATEGORY_CLASS = re.compile(r"(?:^|[\s_-])(?:categor(?:y|ies)|genres?|tags?|types?|badges?)(?:$|[\s_-])", re.I)


def _category_elements(tm: TextMap, block: Block) -> list[int]:
    return [i for i in block.inner(tm) if _CATEGORY_CLASS.search(tm.elements[i].node.attrs.get("class") or "")]


def _title_element(tm: TextMap, start: int, title_span: tuple[int, int] | None) -> int | None:
    if not title_span or title_span == (0, 0):
        return None
    return tm.container(start + title_span[0], start + max(title_span[1], title_span[0] + 1))


def _link(ctx: PageContext, tm: TextMap, block: Block, title: int | None = None) -> str | None:
    """The block's own link: the link around it, else the title's own link, else the first link inside
    whose words name something (not an image, not "Read more", not a PDF), else the first link at all."""
    for i in tm.ancestors(block.index):
        if tm.elements[i].tag == "a":
            return ctx.absolute(tm.elements[i].node.attrs.get("href"))
    if title is not None:  # the title's own link names the event's page, wherever the other links go
        for i in tm.ancestors(title):
            if i == block.index:
                break
            href = tm.elements[i].node.attrs.get("href") if tm.elements[i].tag == "a" else None
            if href and not DOCUMENT.search(href) and (url := ctx.absolute(href)):
                return url
    first = None
    for i in block.inner(tm):
        if tm.elements[i].tag != "a":
            continue
        a = tm.elements[i].node
        href = a.attrs.get("href") or ""
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        first = first or href
        said = (a.text(separator=" ") or "").strip()  # an image link says nothing: not the one
        if len(LETTERS.findall(said)) >= 3 and not GENERIC_LINK.match(said) and not DOCUMENT.search(href):
            url = ctx.absolute(href)
            if url:
                return url
    return ctx.absolute(first) if first else None
