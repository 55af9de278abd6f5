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
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from events.extract.context import PageContext
from events.extract.provenance import css_path, text_field_origins
from events.extract.text.anchors import Anchor, find_anchors, stamps_in
from events.extract.text.blocks import HEADINGS, LETTERS, Block, blank, cut, overlaps, shift, text_segments
from events.extract.text.date_lists import MIN_DATES, date_list_events
from events.extract.text.kinds import (
    MILESTONE,
    NOT_EVENT,
    cancellation_notice,
    dates_in_sentences,
    has_prose,
    is_prose,
    news_evidence,
)
from events.extract.text.page_roles import page_evidence
from events.extract.text.places import element_place, find_place_element, meta_line_place, settle_place, venue_in
from events.extract.text.tables import booking_column, table_columns
from events.extract.text.times import when_of
from events.extract.text.title_choice import BlockText, choose_title, title_candidates
from events.extract.text.titles import (
    DOCUMENT,
    GENERIC_LINK,
    KINDS,
    TitleCandidate,
    context_title,
    document_links,
    is_title_like,
    markup_candidates,
    meeting_of,
    navigation,
    span_of,
    split_title_venue,
)
from events.extract.textmap import TextMap
from events.normalise.dates import find_months
from events.normalise.places import find_locality, is_online, looks_like_venue, plausible_venue, tidy_place
from events.normalise.status import find_booking, find_event_status
from events.normalise.times import find_times
from events.normalise.titles import tidy_title
from events.normalise.word_classes import looks_like_file_name, only_link_words
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
    alone = len({a.first_day for a in anchors}) == 1  # one date on the whole page: an article's, or a detail page's
    parts = [session for b in blocks.values() for part in _split(tm, b) for session in _sessions(tm, part)]
    for block in parts:
        _extend(tm, block, anchors, starts)
    # a line restating the date ("1:00pm - Wednesday, September 21st") under a date heading belongs to
    # the heading's block, not to an event of its own
    covered = [(tm.elements[b.extra[0]].start, b.span(tm)[1], {a.first_day for a in b.dates}) for b in parts if b.extra]
    # blocks of one shape (tag and class) are the items of a listing
    shapes = Counter(_shape(tm, b.index) for b in parts)
    found: list[Event | Reading] = []
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
            found.extend(listed)
            continue
        reading = _read_block(ctx, tm, block, alone, shapes[_shape(tm, block.index)])
        if reading is not None:
            found.append(reading)
    readings = [r for r in found if isinstance(r, Reading)]
    for reading, page in zip(readings, page_evidence(ctx, tm, readings), strict=True):
        reading.evidence.update(page)
        _decide(ctx, tm, reading)
    return [r if isinstance(r, Event) else r.event for r in found if isinstance(r, Event) or r.accepted]


def _shape(tm: TextMap, index: int) -> tuple[str, str, int]:
    el = tm.elements[index]
    return el.tag, el.node.attrs.get("class") or "", el.depth


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


@dataclass
class Reading:
    """One block as the reader read it, before the decision whether it is an event: the record it
    would make, the evidence for and against (less what its title says: ``title_evidence``), its
    title candidates and the one chosen. Training keeps these (``observations``) to refit both
    decisions."""

    block: Block
    text: str
    event: Event
    evidence: dict[str, float]
    titles: list[TitleCandidate]
    chosen: TitleCandidate | None
    named_by: str  # "candidate", "notice" or "context" (a table's heading)
    accepted: bool = False
    origins: tuple[int, tuple[int, int] | None, tuple[int, int] | None] = (0, None, None)  # start, title, booking


# the evidence known once a block's dates, times, status and place words are read (before its title)
_EARLY = frozenset(
    {"words of no event", "publication stamp", "cancellation notice", "date in prose", "every date in a sentence"}
    | {"a date in a sentence", "several days", "timetable step", "no event details", "lone date in prose"}
    | {"a clock time", "booking words", "in <town>", "online", "venue words", "a place element"}
)


def _cannot_be_an_event(ctx: PageContext, evidence: dict[str, float]) -> bool:
    """The score so far plus the most every later feature could add is below yes: the block is no
    event whatever its title, links and neighbours say (an exact shortcut, not a guess)."""
    decision = ctx.reader.event
    later: float | None = ctx.reader.cache.get("later")
    if later is None:
        later = ctx.reader.cache["later"] = decision.most(frozenset(decision.weights) - _EARLY)
    return bool(decision.score(evidence) + later < 0)


def _decide(ctx: PageContext, tm: TextMap, reading: Reading) -> None:
    judged = reading.evidence | title_evidence(reading.named_by, reading.chosen)
    decision = ctx.reader.event
    reading.accepted = decision.yes(judged)
    if ctx.observations is not None:
        ctx.observations.append(reading)
    if not reading.accepted:
        return
    event = reading.event
    start, title_span, booking_span = reading.origins
    origins = _provenance(
        ctx, tm, reading.block, start, event.title, title_span, event.venue, booking_span, reading.titles
    )
    if ctx.explain:
        origins["is an event"] = f"{decision.score(judged):+.1f} ({_contributions(judged, decision.weights)})"
    reading.event = replace(event, provenance=origins)


def _read_block(ctx: PageContext, tm: TextMap, block: Block, alone: bool = False, alike: int = 1) -> Reading | None:
    """The block's event as it reads, with the evidence for and against it being one (prose, a
    publication stamp, a deadline, a news section; a time, a place, booking words), gathered as
    features for the learned ``event`` decision, never as a verdict on its own."""
    start, end = block.span(tm)
    text = tm.text[start:end]
    if len(text) > MAX_BLOCK:
        return None
    evidence: dict[str, float] = {}
    if NOT_EVENT.search(text):
        evidence["words of no event"] = 1.0  # "posted by", "vacancy", "closing date", "press release"
    stamped = stamps_in(tm, start, end)
    published = tm.cache.get("published", [])
    posted = bisect.bisect_left(published, start) < bisect.bisect_left(published, end)
    if posted:
        evidence["publication stamp"] = 1.0
    notice = cancellation_notice(text) if len({d.first_day for d in block.dates}) == 1 else None
    if notice is not None:
        evidence["cancellation notice"] = 1.0
    elif is_prose(tm, block, posted):
        evidence["date in prose"] = 1.0
    some, every = dates_in_sentences(tm, block)
    if every and notice is None:
        evidence["every date in a sentence"] = 1.0
    elif some:
        evidence["a date in a sentence"] = 1.0
    tags = [d for d in block.dates if d.from_tag]
    written = [d for d in block.dates if not d.from_tag]
    if not tags and len({d.first_day for d in written}) > 1:
        evidence["several days"] = 1.0  # a schedule, or prose, more often than one event
    # a badge "3 Apr" beside "3–4 April 2025": the range says more
    written.sort(key=lambda d: (d.last_day is None, not d.explicit_year))  # and a dated range over an aside
    # clock times are never read out of dates, so a time inside a date range's text counts too
    times = [t for t in find_times(text) if not overlaps(t.span, stamped)]
    removed: list[tuple[int, int]] = [shift(d.span, -start) for d in block.dates] + stamped
    removed += [t.span for t in times]
    columns = table_columns(tm, block.index)
    if "booking" not in columns and notice is None and MILESTONE.match(cut(text, (0, len(text)), removed)):
        evidence["timetable step"] = 1.0  # "Nominations open 3 March 2025"
    place_element = columns.get("venue") or find_place_element(tm, block)
    booking = find_booking(text, ctx.today)
    if booking.state == "none" and "booking" in columns:
        booking = booking_column(tm, columns["booking"], ctx.today)
    if booking.span:
        removed.append(booking.span)
    status, status_span = find_event_status(text)
    if status_span:
        removed.append(status_span)
    # "in <Town>" is never read inside a title's own element: "Trainees in Medicine Forum"
    titled = [span_of(tm, i, start) for i, _kind, _level in markup_candidates(tm, block)]
    locality = find_locality(blank(text, removed + titled))
    if locality:
        removed.append(locality[1])
    removed += [m.span for m in find_months(text) if not overlaps(m.span, removed)]
    segments = text_segments(tm, start, end, removed)
    details = {
        "a clock time": bool(times),
        "booking words": booking.state != "none",
        "in <town>": bool(locality),
        "online": is_online(text),
        "venue words": any(looks_like_venue(text[a:b], strong=True) for a, b in segments),
        "a place element": place_element is not None,
    }
    evidence.update({name: 1.0 for name, said in details.items() if said})
    # a heading above names the block only when the block reads like an event's details (a time, a
    # place, booking), never for a bare date under an article's headline
    signals = any(details.values())
    if not signals:
        evidence["no event details"] = 1.0
        if alone and notice is None and has_prose(tm, block):
            evidence["lone date in prose"] = 1.0  # a page's only date, in running text: an article
    if ctx.observations is None and _cannot_be_an_event(ctx, evidence):
        return None  # nothing read from here on could lift its score to yes: not worth reading
    reading = BlockText(text, start, removed, segments)
    candidates = title_candidates(ctx, tm, block, reading, columns, signals, alike)
    chosen = choose_title(ctx, tm, candidates)
    named: tuple[str, tuple[int, int] | None, tuple[int, int] | None, str | None] | None
    named = _title_of(ctx, tm, block, reading, columns, chosen)
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
        documents = [span_of(tm, i, start) for i in document_links(tm, block) + navigation(tm, block)]
        badges = [span_of(tm, i, start) for i in _category_elements(tm, block)]
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
    news = news_evidence(tm, block.index, url)
    evidence.update(news)
    # the hand-written rules' own verdict, kept as one feature: they rejected a block on any of these,
    # news only when it had no event details (the learned weights of each feature alone cannot say "and")
    stopped = {"words of no event", "date in prose", "several days", "timetable step", "lone date in prose"}
    newsy = {"news link", "dated post link", "under a news heading", "in a news section"}
    if stopped & evidence.keys() or (
        not signals
        and notice is None
        and newsy & news.keys()
        and not (
            "in an events section" in news
            and not {"news link", "dated post link", "under a news heading"} & news.keys()
        )
    ):
        evidence["the old rules say no"] = 1.0
    evidence.update(_shape_evidence(ctx, tm, block, when[0], url, alone, alike))
    named_by = "notice" if notice is not None and title == notice[0] else "candidate" if chosen else "context"
    if venue and (venue.casefold() == title.casefold() or not plausible_venue(venue)):
        venue = None  # the blurb's first words repeat the title, or invite the reader ("Join us online")
    venue, address, town, online = settle_place(text, venue, address, locality[0] if locality else None, ctx.acronyms)
    event = Event(
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
    )
    # where each field came from is worked out only for a block the decision keeps
    origins = (start, title_span, booking.span)
    return Reading(block, text, event, evidence, candidates, chosen, named_by, origins=origins)


# the title's own features that say something about the block as an event
_TITLE_EVIDENCE = frozenset(
    {f"kind: {kind}" for kind in KINDS}
    | {"reads as a sentence", "capitals", "one word", "many words", "names a place", "e-mail address", "file name"}
    | {"link words", "names a section", "call to action", "repeated often", "ends mid-sentence"}
)


def title_evidence(named_by: str, chosen: TitleCandidate | None) -> dict[str, float]:
    """What the block's title says about it being an event: where it came from and what its words are
    like (a file's name, a sentence). Kept apart from the rest of the evidence because it depends on
    the title decision (training re-ranks the titles before it weighs the blocks)."""
    if named_by == "candidate" and chosen is not None:
        return {f"title: {k}": v for k, v in chosen.features.items() if k in _TITLE_EVIDENCE}
    return {f"title: from the {named_by or 'table'}": 1.0}


def _shape_evidence(
    ctx: PageContext, tm: TextMap, block: Block, start: date | datetime, url: str | None, alone: bool, alike: int
) -> dict[str, float]:
    """The block among its neighbours, and its date against the day the page was read."""
    out: dict[str, float] = {}
    if tm.elements[block.index].tag == "tr":
        out["table row"] = 1.0
    if alike >= 3:
        out["one of a listing"] = 1.0
    if alone:
        out["the page's only date"] = 1.0
    if any(d.from_tag for d in block.dates):
        out["a <time> tag"] = 1.0
    if any(d.last_day for d in block.dates):
        out["a range of days"] = 1.0
    if not any(d.explicit_year for d in block.dates):
        out["no year written"] = 1.0
    if url is None:
        out["no link"] = 1.0
    day = start.date() if isinstance(start, datetime) else start
    if day < ctx.today:
        out["past"] = 1.0
    return out


def _provenance(
    ctx: PageContext,
    tm: TextMap,
    block: Block,
    start: int,
    title: str,
    title_span: tuple[int, int] | None,
    venue: str | None,
    booking_span: tuple[int, int] | None,
    candidates: list[TitleCandidate],
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
        weights = ctx.reader.title.weights
        ranked = sorted(candidates, key=lambda c: -c.score)
        origins["title candidates"] = " | ".join(
            f"{c.text[:50]!r} {c.score:+.1f} ({_contributions(c.features, weights)})" for c in ranked[:4]
        )
    return origins


def _contributions(features: dict[str, float], weights: Mapping[str, float]) -> str:
    parts = sorted(((weights.get(k, 0.0) * v, k) for k, v in features.items()), key=lambda p: -abs(p[0]))
    return ", ".join(f"{k} {w:+.1f}" for w, k in parts if abs(w) >= 0.05)


def _title_of(
    ctx: PageContext,
    tm: TextMap,
    block: Block,
    r: BlockText,
    columns: dict[str, int],
    chosen: TitleCandidate | None,
) -> tuple[str, tuple[int, int], tuple[int, int] | None, str | None] | None:
    """The title (and its span, a place read out of the same run of words, a venue named after it):
    the best candidate, else, for a table row, the table's context ("Board of Directors – Regular")."""
    text, start, removed = r.text, r.start, r.removed
    title = chosen.text if chosen is not None else None
    title_span = chosen.span if chosen is not None else None
    place_span = chosen.place if chosen is not None else None
    if title is None and tm.elements[block.index].tag == "tr":
        title = context_title(ctx, tm, block.index)
        kind = cut(text, span_of(tm, columns["kind"], start), removed) if "kind" in columns else ""
        if is_title_like(kind) and _NAMES_A_MEETING.search(kind):  # "Council Meeting" in its Type column
            title = kind
        elif title and is_title_like(kind):  # "Board of Directors" + "Regular" in its Type column
            title = f"{title} – {kind}"
        elif title:
            title = meeting_of(title)
    if not title:
        return None
    title = _tidy(tm, title, ctx.acronyms)
    if len(LETTERS.findall(title)) < 3 or MILESTONE.match(title):
        return None
    title, venue_in_title = split_title_venue(title)
    return title, title_span or (0, 0), place_span, venue_in_title


def _tidy(tm: TextMap, title: str, acronyms: set[str]) -> str:
    tidied: dict[str, str] = tm.cache.setdefault("tidy titles", {})
    found = tidied.get(title)
    if found is None:
        found = tidied[title] = tidy_title(title, acronyms)
    return found


_NAMES_A_MEETING = re.compile(
    r"\b(?:meeting|session|hearing|council|committee|board|commission|authority|assembly|workshop)s?\b", re.I
)


_CATEGORY_CLASS = re.compile(r"(?:^|[\s_-])(?:categor(?:y|ies)|genres?|tags?|types?|badges?)(?:$|[\s_-])", re.I)


def _category_elements(tm: TextMap, block: Block) -> list[int]:
    badges: dict[int, bool] = tm.cache.setdefault("badges", {})
    out = []
    for i in block.inner(tm):
        found = badges.get(i)
        if found is None:
            found = badges[i] = bool(_CATEGORY_CLASS.search(tm.elements[i].node.attrs.get("class") or ""))
        if found:
            out.append(i)
    return out


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
        if (
            len(LETTERS.findall(said)) >= 3
            and not GENERIC_LINK.match(said)
            and not DOCUMENT.search(href)
            and not only_link_words(said)
            and not looks_like_file_name(said)
        ):
            url = ctx.absolute(href)
            if url:
                return url
    return ctx.absolute(first) if first else None
