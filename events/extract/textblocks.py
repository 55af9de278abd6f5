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
from dataclasses import dataclass, field
from datetime import date, datetime, time

from events.extract.anchors import Anchor, find_anchors
from events.extract.context import PageContext
from events.extract.textmap import TextMap
from events.normalise.dates import find_months
from events.normalise.places import find_locality, is_online, looks_like_venue, tidy_place
from events.normalise.status import Booking, find_booking, find_event_status
from events.normalise.times import TimeMatch, find_times
from events.normalise.titles import tidy_title
from events.record import Event

MAX_BLOCK = 600  # characters: a card, a row or a banner, never an article
_STOP_CLIMB = frozenset({"body", "html", "main"})
_NOT_EVENT = re.compile(
    r"\b(?:posted|published|updated|last\s+modified|modified|written\s+by|submitted|issued|deadline|"
    r"closing\s+date|apply\s+by|expires?|expiry|copyright|vacancy|vacancies|salary|job\s+ref|"
    r"press\s+release)\b|©",
    re.IGNORECASE,
)
_GENERIC_LINK = re.compile(
    r"^(?:read\s+more|more(?:\s+info(?:rmation)?)?|find\s+out\s+more|learn\s+more|details|view(?:\s+\w+)?|"
    r"book(?:\s+\w+)?|register(?:\s+\w+)?|click\s+here|here|more\s+details|see\s+more|tickets?|"
    r"buy\s+tickets?|info|event\s+details|view\s+event|add\s+to\s+calendar|google\s+calendar|ical|"
    r"outlook|export|share|agenda|minutes|video|audio|download|pdf|map|directions|notice|meeting\s+notice|"
    r"agenda\s+packet|packet|summary|transcript|webcast|watch|live\s*stream|documents?|attachments?|"
    r"(?:meeting|event)\s+(?:details|info|page)|handouts?|slides|presentation|recording|captions?|"
    r"not\s+available|n/?a|none|tba|tbc|cancelled|canceled)\W*$",
    re.IGNORECASE,
)
_TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:title|name|heading|headline|summary)(?:$|[\s_-])", re.IGNORECASE)
_LABEL = re.compile(
    r"^(?:date|dates|time|times|when|where|venue|location|status|price|cost|"
    r"event|category|type)s?\s*:?\s*$",
    re.IGNORECASE,
)
_LETTERS = re.compile(r"[^\W\d_]")
_DOCUMENT = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|mp3|mp4|m4a|zip|rtf)(?:$|[?#])|youtube\.com|youtu\.be|vimeo\.com|"
    r"maps\.google|google\.[a-z.]+/maps|archive\.org",
    re.IGNORECASE,
)
_TITLE_COLUMN = re.compile(r"\b(?:name|title|meeting|event|subject|description|body|committee|what)\b")
_NEWS_PATH = re.compile(
    r"/(?:news|blogs?|press|press-releases?|articles?|posts?|stories|story|insights|opinion|"
    r"comment|media-centre|latest-news)(?:/|$)",
    re.IGNORECASE,
)
_NEWS_NAME = re.compile(r"(?:^|[\s_-])(?:news|blogs?|press|articles|posts)(?:$|[\s_-])", re.IGNORECASE)
_EVENT_NAME = re.compile(r"(?:^|[\s_-])(?:events?|tribe|calendar|whats-?on|diary|meetings?)(?:$|[\s_-])", re.IGNORECASE)
_META_SEPARATOR = re.compile(r"\s[·•|]\s")
_NAME_WORD = r"(?:[A-Z0-9][\w'’.&-]*|&|of|the|and|at|on|upon|de|la)"
_PROPER_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}$")
_ALL_DAY = re.compile(r"\ball[\s-]day\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[a-z]{2,}[.!?](?:\s|$)")
_PLACE_CLASS = re.compile(r"(?:^|[\s_-])(?:venue|location|address|where|place)(?:$|[\s_-])", re.IGNORECASE)
_BOOKING_COLUMN = re.compile(r"\b(?:booking|bookings|tickets?|registration|availability|places)\b")
_VENUE_COLUMN = re.compile(r"\b(?:location|venue|where|place|address)\b")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_FUNCTION_WORDS = frozenset(
    """the a an of to and or but will would is are was were be been has have had that which
who with for on at by after before when while it its this these their they we our us he she his her as from
than then there into about would could should may might can""".split()
)


@dataclass
class _Block:
    index: int
    dates: list[Anchor]
    extra: list[int] = field(default_factory=list)  # following siblings that belong to it

    def span(self, tm: TextMap) -> tuple[int, int]:
        last = tm.elements[self.extra[-1]] if self.extra else tm.elements[self.index]
        return tm.elements[self.index].start, last.end

    def roots(self) -> list[int]:
        return [self.index, *self.extra]

    def inner(self, tm: TextMap) -> list[int]:
        """Every element of the block, in document order."""
        out = []
        for root in self.roots():
            out.append(root)
            out.extend(tm.descendants(root))
        return out


def find_text_events(ctx: PageContext, tm: TextMap) -> list[Event]:
    anchors = find_anchors(ctx, tm)
    if not anchors:
        return []
    blocks: dict[int, _Block] = {}
    starts = [a.span[0] for a in anchors]
    for anchor in anchors:
        index = _block_for(tm, anchor, anchors, starts)
        blocks.setdefault(index, _Block(index, [])).dates.append(anchor)
    events = []
    alone = len({a.first_day for a in anchors}) == 1  # one date on the whole page: an article's, or a detail page's
    for block in [part for b in blocks.values() for part in _split(tm, b)]:
        _extend(tm, block, starts)
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
        lo, hi = bisect.bisect_left(starts, p.start), bisect.bisect_left(starts, p.end)
        if any(d.first_day != match.first_day for d in dates[lo:hi]):
            return index
        index = parent


def _split(tm: TextMap, block: _Block) -> list[_Block]:
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
    shapes = {(tm.elements[k].tag, tm.elements[k].node.attributes.get("class")) for k in kids}
    if len(kids) < 2 or len(shapes) > 1 or not all(_has_title_element(tm, k) for k in kids):
        return [block]  # repeated items of one kind, each with its own title; anything else is one event
    return [_Block(k, [a for a in block.dates if _within(tm, k, a)]) for k in kids]


def _within(tm: TextMap, index: int, anchor: Anchor) -> bool:
    el = tm.elements[index]
    return el.start <= anchor.span[0] < el.end or (anchor.span[0] == el.start == el.end)


def _has_title_element(tm: TextMap, index: int) -> bool:
    for i in (index, *tm.descendants(index)):
        el = tm.elements[i]
        if (el.tag == "a" or el.tag in _HEADINGS) and len(_LETTERS.findall(tm.text[el.start : el.end])) >= 3:
            return True
    return False


def _extend(tm: TextMap, block: _Block, starts: list[int]) -> None:
    """A date that stands alone (a heading "12 March 2024", a date line) heads the siblings after it,
    up to the next date: "<h3>date</h3><h4>title</h4><p>venue</p>"."""
    el = tm.elements[block.index]
    rest = _blank(tm.text[el.start : el.end], [_shift(a.span, -el.start) for a in block.dates])
    rest = re.sub(r"\b(?:date|when|time)s?\b|\d|(?:a|p)\.?m\.?", " ", rest, flags=re.IGNORECASE)
    if len(_LETTERS.findall(rest)) >= 3:
        return
    index, total = block.index, el.end - el.start
    for _ in range(4):
        nxt = tm.next_sibling(index)
        if nxt is None:
            return
        sib = tm.elements[nxt]
        if sib.tag in _HEADINGS and (el.tag not in _HEADINGS or sib.tag <= el.tag):
            return  # the next section of the page
        total += sib.end - sib.start
        if total > MAX_BLOCK or bisect.bisect_left(starts, sib.start) < bisect.bisect_left(starts, sib.end):
            return  # it holds a date of its own
        block.extra.append(nxt)
        index = nxt


def _read_block(ctx: PageContext, tm: TextMap, block: _Block, alone: bool = False) -> Event | None:
    start, end = block.span(tm)
    text = tm.text[start:end]
    if len(text) > MAX_BLOCK or _NOT_EVENT.search(text) or _is_prose(tm, block):
        return None
    tags = [d for d in block.dates if d.from_tag]
    written = [d for d in block.dates if not d.from_tag]
    if not tags and len({d.key for d in written}) > 1:
        return None  # a block listing several dates is a schedule or prose, not one event
    # clock times are never read out of dates, so a time inside a date range's text counts too
    times = find_times(text)
    removed: list[tuple[int, int]] = [_shift(d.span, -start) for d in block.dates]
    removed += [t.span for t in times]
    columns = table_columns(tm, block.index)
    place_element = columns.get("venue") or _place_element(tm, block)
    booking = find_booking(text, ctx.today)
    booking_cell = columns.get("booking")
    if booking.state == "none" and booking_cell is not None:
        # a "Booking" column saying just "Open" or "Full": read it with its header
        cell_text = tm.text_of(booking_cell)
        said = find_booking(f"booking {cell_text}", ctx.today)
        if said.state == "none" and re.fullmatch(r"\W*full\W*", cell_text, re.IGNORECASE):
            said = find_booking("fully booked", ctx.today)
        if said.state != "none":
            booking = Booking(said.state, cell_text.strip() or said.label, said.opens, None)
    if booking.span:
        removed.append(booking.span)
    status, status_span = find_event_status(text)
    if status_span:
        removed.append(status_span)
    locality = find_locality(_blank(text, removed))
    if locality:
        removed.append(locality[1])
    removed += [m.span for m in find_months(text) if not _overlaps(m.span, removed)]
    segments = _segments(tm, start, end, removed)
    title_span = _structural_title(ctx, tm, block, removed)
    place_cell = columns.get("venue")
    in_place = (tm.elements[place_cell].start - start, tm.elements[place_cell].end - start) if place_cell else (0, 0)
    plain = [
        sp
        for sp in segments
        if _is_title_like(text[sp[0] : sp[1]]) and not (in_place[0] <= sp[0] and sp[1] <= in_place[1])
    ]  # the venue column is no title
    if title_span is None:  # words that do not name a place, then a heading above, then anything
        title_span = next((sp for sp in plain if not looks_like_venue(text[sp[0] : sp[1]], strong=True)), None)
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
    if alone and not signals and _has_prose(tm, block):
        return None  # a page's only date, in a block of running text with nothing of an event: an article
    title = _cut(text, title_span, removed) if title_span else (_heading_above(tm, block) if signals else None)
    if title is None and plain:
        title_span = plain[0]
        title = _cut(text, title_span, removed)
    if title is None and tm.elements[block.index].tag == "tr":
        title = _context_title(ctx, tm, block.index)
    if not title:
        return None
    title_span = title_span or (0, 0)
    title = tidy_title(title, ctx.acronyms)
    if len(_LETTERS.findall(title)) < 3:
        return None
    title, venue_in_title = split_title_venue(title)
    place = place_element
    address = None
    if place is not None:
        parts = [
            p
            for p in (
                _cut(text, (tm.elements[k].start - start, tm.elements[k].end - start), removed)
                for k in tm.children(place)
            )
            if p
        ]
        if len(parts) >= 2:  # <address><span>The Studio</span><span>7 Cannon Street</span></address>
            venue, address = tidy_place(parts[0]), tidy_place(", ".join(parts[1:]))
        else:
            cell = tm.elements[place]
            venue = tidy_place(_cut(text, (cell.start - start, cell.end - start), removed)) or None
    else:
        venue = _venue(text, segments, title_span) or venue_in_title
    clock = times[0] if times else None
    when = _when_from_tags(ctx, tags, clock) if tags else None
    if when is None:
        first = written[0] if written else tags[0]
        second = times[1].start if len(times) > 1 and clock is not None and clock.end is None else None
        when = ctx.at(first.first_day, clock.start if clock else None), _end(ctx, first, clock, second)
    url = _link(ctx, tm, block)
    if _is_news(tm, block.index, url) and not signals:
        return None  # a dated headline in a news list, not an event
    online = is_online(text) and not venue
    if venue and is_online(venue) and len(venue.split()) <= 3:  # "Online event" is no venue
        venue, online = None, True
    return Event(
        source=ctx.source,
        title=title,
        start=when[0],
        end=when[1],
        timezone=ctx.timezone,
        venue=venue,
        address=address,
        locality=locality[0] if locality else None,
        online=online,
        event_status=status,
        booking=booking.state,
        booking_label=booking.label,
        booking_opens=booking.opens,
        url=url,
        found_by="text",
    )


def _end(
    ctx: PageContext, first: Anchor, clock: TimeMatch | None, last_clock: time | None = None
) -> date | datetime | None:
    """The last day for all-day events; for timed ones the end time, or the last day's end."""
    if clock is None:
        return first.last_day
    if first.last_day is not None:  # "Fri 8 Nov 18:00 – Sun 10 Nov 14:00": the second time ends it
        return ctx.at(first.last_day, clock.end or last_clock or time(23, 59))
    return ctx.at(first.first_day, clock.end) if clock.end else None


def _when_from_tags(
    ctx: PageContext, tags: list[Anchor], clock: TimeMatch | None
) -> tuple[date | datetime, date | datetime | None] | None:
    """``<time datetime>`` tags: the first is the start, a later one the end; a date-only tag takes
    its time from the text beside it."""
    moments = [t.moment for t in tags if t.moment is not None]
    if not moments:
        return None
    start = moments[0]
    if not isinstance(start, datetime):
        start = ctx.at(start, clock.start if clock else None)
    end = next((m for m in moments[1:] if type(m) is type(start) and m > start), None)  # type: ignore[operator]
    if end is None and isinstance(start, datetime) and clock is not None and clock.end is not None:
        end = ctx.at(start.date(), clock.end)
    return start, end


def _is_prose(tm: TextMap, block: _Block) -> bool:
    """A date inside a sentence belongs to an article, not to an event listing, unless the block
    also has a heading of its own (a card whose blurb happens to mention its date)."""
    for d in block.dates:
        sentence = tm.text_of(tm.container(*d.span))
        words = sentence.split()
        if len(words) > 60:
            return True
        if len(words) >= 12 and sum(w.lower() in _FUNCTION_WORDS for w in words) >= 0.2 * len(words):
            return not _has_heading(tm, block)
    return False


def _is_news(tm: TextMap, index: int, url: str | None) -> bool:
    """A news list looks like an events list; its links and its class names tell them apart."""
    if url and _NEWS_PATH.search(url.split("?", 1)[0]):
        return True
    for i in tm.ancestors(index):
        attrs = tm.elements[i].node.attributes
        names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if _EVENT_NAME.search(names):
            return False
        if _NEWS_NAME.search(names):
            return True
    return False


def _has_prose(tm: TextMap, block: _Block) -> bool:
    for i in block.inner(tm):
        if tm.elements[i].tag in ("p", "div", "section", "article") and _sentence_like(tm.text_of(i)):
            return True
    return False


def _sentence_like(text: str) -> bool:
    words = text.split()
    return len(words) >= 12 and sum(w.lower() in _FUNCTION_WORDS for w in words) >= 0.2 * len(words)


def _has_heading(tm: TextMap, block: _Block) -> bool:
    for i in block.inner(tm):
        el = tm.elements[i]
        if el.tag in _HEADINGS or _TITLE_CLASS.search(el.node.attributes.get("class") or ""):
            return True
    return False


def _shift(span: tuple[int, int], by: int) -> tuple[int, int]:
    return span[0] + by, span[1] + by


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        chars[s:e] = "\n" * (e - s)
    return "".join(chars)


def _segments(tm: TextMap, start: int, end: int, removed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of block text (offsets relative to the block) between text-node edges and removed spans."""
    cuts = sorted(removed)
    out = []
    for cs, ce in tm.chunks_in(start, end):
        pos = cs - start
        stop = ce - start
        for rs, re_ in cuts:
            if re_ <= pos or rs >= stop:
                continue
            if rs > pos:
                out.append((pos, rs))
            pos = max(pos, re_)
        if pos < stop:
            out.append((pos, stop))
    text = tm.text[start:end]
    split = []
    for s, e in out:  # "12 March · Manchester Central · All day": a meta line's parts are separate
        pos = s
        for m in _META_SEPARATOR.finditer(text, s, e):
            split.append((pos, m.start()))
            pos = m.end()
        split.append((pos, e))
    cleaned = []
    for s, e in split:
        piece = text[s:e]
        lead = len(piece) - len(piece.lstrip(" ,;:|-–—•·"))
        trail = len(piece) - len(piece.rstrip(" ,;:|-–—•·"))
        s, e = s + lead, e - trail
        if e > s and _LETTERS.search(text[s:e]) and not _LABEL.match(text[s:e]):
            cleaned.append((s, e))
    return cleaned


def _cut(text: str, span: tuple[int, int], removed: list[tuple[int, int]]) -> str:
    s, e = span
    pieces = []
    pos = s
    for rs, re_ in sorted(removed):
        if re_ <= pos or rs >= e:
            continue
        if rs > pos:
            pieces.append(text[pos:rs])
        pos = max(pos, re_)
    if pos < e:
        pieces.append(text[pos:e])
    return " ".join(p.strip(" ,;:|-–—•·") for p in pieces if p.strip(" ,;:|-–—•·"))


def _is_title_like(text: str) -> bool:
    text = text.strip()
    return (
        len(_LETTERS.findall(text)) >= 3
        and not _GENERIC_LINK.match(text)
        and not _LABEL.match(text)
        and len(text) <= 200
    )


def _structural_title(
    ctx: PageContext, tm: TextMap, block: _Block, removed: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """A heading, a *title* element, a table's name column, or a link's own text inside the block,
    as a span of the block."""
    block_start, block_end = block.span(tm)
    size = block_end - block_start
    ranked: list[tuple[int, int, int]] = []
    columns = table_columns(tm, block.index)
    if "title" in columns:
        ranked.append((-1, 0, columns["title"]))
    for i in block.inner(tm):
        el = tm.elements[i]
        if el.end <= el.start:
            continue
        attrs = el.node.attributes
        if el.tag in _HEADINGS:
            rank = 0
        elif _TITLE_CLASS.search(attrs.get("class") or "") or attrs.get("itemprop") in ("name", "summary"):
            rank = 1
        elif el.tag == "a" and (el.end - el.start) < size * 0.9 and not _DOCUMENT.search(attrs.get("href") or ""):
            rank = 2
        elif el.tag in ("strong", "b") and (el.end - el.start) < size * 0.9:
            rank = 3
        else:
            continue
        ranked.append((rank, el.start, i))
    for _rank, _start, i in sorted(ranked):
        el = tm.elements[i]
        span = (el.start - block_start, el.end - block_start)
        text = _cut(tm.text[block_start:block_end], span, removed)
        if _is_title_like(text):
            return span
    return None


def table_columns(tm: TextMap, index: int) -> dict[str, int]:
    """For a table row, the cells whose column header says what they hold: title or venue."""
    row = tm.elements[index]
    if row.tag != "tr":
        return {}
    table = row.node.parent
    while table is not None and table.tag != "table":
        table = table.parent
    if table is None:
        return {}
    labels = tm.cache.get(table.mem_id)
    if labels is None:
        # the header row that names the most columns (grids put pager and filter rows in thead too)
        rows = table.css("thead tr") or [tr for tr in table.css("tr")[:5] if tr.css_first("th")]
        named = [[" ".join((c.text(separator=" ") or "").split()).lower() for c in tr.css("th, td")] for tr in rows]
        labels = max(named, key=lambda cells: sum(1 for c in cells if c), default=[])
        tm.cache[table.mem_id] = labels
    if not labels:
        return {}
    cells = [i for i in tm.descendants(index) if tm.elements[i].tag in ("td", "th") and tm.elements[i].parent == index]
    roles: dict[str, int] = {}
    for label, cell in zip(labels, cells, strict=False):
        if "title" not in roles and _TITLE_COLUMN.search(label):
            roles["title"] = cell
        elif "venue" not in roles and _VENUE_COLUMN.search(label):
            roles["venue"] = cell
        elif "booking" not in roles and _BOOKING_COLUMN.search(label):
            roles["booking"] = cell
    return roles


def _heading_above(tm: TextMap, block: _Block) -> str | None:
    """A detail page: "<h1>Conference</h1><div>Date: … Location: …</div>". The heading just before
    the block (or before its parent) names the event when the block itself has no title."""
    index = block.index
    for _ in range(3):
        parent = tm.elements[index].parent
        siblings = tm.children(parent) if parent >= 0 else []
        before = [i for i in siblings if tm.elements[i].end <= tm.elements[index].start]
        for i in reversed(before[-2:]):
            el = tm.elements[i]
            if el.tag in _HEADINGS and el.tag <= "h4":
                text = tm.text[el.start : el.end].strip()
                return text if _is_title_like(text) else None
        if parent <= 0 or before:
            return None
        index = parent
    return None


def _context_title(ctx: PageContext, tm: TextMap, before: int) -> str | None:
    """What a table of bare dates is about: the nearest heading above it that names something
    (not a year, not a lead-in ending in a colon), else the page's title."""
    headings = tm.cache.get("headings")
    if headings is None:
        headings = [
            (el.start, tm.text[el.start : el.end].strip())
            for el in tm.elements
            if el.tag in _HEADINGS and el.end > el.start
        ]
        headings = [
            (start, text)
            for start, text in headings
            if _is_title_like(text) and not text.endswith(":") and len(text) <= 120
        ]
        tm.cache["headings"] = headings
    i = bisect.bisect_left(headings, (tm.elements[before].start, "")) - 1
    if i >= 0:
        return headings[i][1]
    node = ctx.tree.css_first("title")
    text = " ".join((node.text() if node is not None else "").split())
    return text if _is_title_like(text) else None


def split_title_venue(title: str) -> tuple[str, str | None]:
    """``Town Hall Meeting - Lake Tahoe Community College`` → the title and the venue after the dash."""
    parts = re.split(r"\s+[-–—|@]\s+|\s+at\s+(?=[A-Z])", title)
    if len(parts) >= 2 and looks_like_venue(parts[-1], strong=True) and len(_LETTERS.findall(parts[0])) >= 3:
        head = title[: len(title) - len(parts[-1])].rstrip(" -–—|@").removesuffix(" at").rstrip()
        return head, parts[-1]
    return title, None


def _place_element(tm: TextMap, block: _Block) -> int | None:
    """An element the site itself labels as the place (class "venue", "location", "address")."""
    for i in block.inner(tm):
        el = tm.elements[i]
        if el.end > el.start and _PLACE_CLASS.search(el.node.attributes.get("class") or ""):
            return i
    return None


def _venue(text: str, segments: list[tuple[int, int]], title_span: tuple[int, int]) -> str | None:
    rest = [(s, e) for s, e in segments if not (s >= title_span[0] and e <= title_span[1])]
    for strong in (True, False):
        for s, e in rest:
            piece = text[s:e]
            if looks_like_venue(piece, strong=strong) and len(piece.split()) <= 12 and not _SENTENCE.search(piece):
                return tidy_place(piece)
    for s, e in rest:  # "12 March · Manchester Central": a proper name set off by a separator is the place
        piece = text[s:e].strip()
        beside = text[max(0, s - 3) : s] + text[e : e + 3]
        if (
            _META_SEPARATOR.search(beside)
            and _PROPER_NAME.match(piece)
            and not _ALL_DAY.search(piece)
            and not _GENERIC_LINK.match(piece)
        ):
            return tidy_place(piece)
    return None


def _link(ctx: PageContext, tm: TextMap, block: _Block) -> str | None:
    """The block's own link: the link around it, else the first link inside that names something
    (not "Read more", not a PDF), else the first link at all."""
    for i in tm.ancestors(block.index):
        if tm.elements[i].tag == "a":
            return ctx.absolute(tm.elements[i].node.attributes.get("href"))
    first = None
    for i in block.inner(tm):
        if tm.elements[i].tag != "a":
            continue
        a = tm.elements[i].node
        href = a.attributes.get("href") or ""
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        first = first or href
        if not _GENERIC_LINK.match((a.text(separator=" ") or "").strip()) and not _DOCUMENT.search(href):
            url = ctx.absolute(href)
            if url:
                return url
    return ctx.absolute(first) if first else None
