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
from dataclasses import replace
from datetime import date, datetime

from events.extract.context import PageContext
from events.extract.text.anchors import find_anchors, stamps_in
from events.extract.text.block_bounds import (
    MAX_BLOCK,
    block_for,
    block_shape,
    extend_block,
    sessions,
    split_same_day,
)
from events.extract.text.block_fields import (
    block_image,
    block_link,
    category_elements,
    contributions,
    provenance,
    title_element,
)
from events.extract.text.block_reading import Reading
from events.extract.text.blocks import LETTERS, Block, blank, cut, overlaps, shift, text_segments
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
from events.record import Event

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
        index = block_for(tm, anchor, anchors, starts)
        blocks.setdefault(index, Block(index, [])).dates.append(anchor)
    alone = len({a.first_day for a in anchors}) == 1  # one date on the whole page: an article's, or a detail page's
    parts = [session for b in blocks.values() for part in split_same_day(tm, b) for session in sessions(tm, part)]
    for block in parts:
        extend_block(tm, block, anchors, starts)
    # a line restating the date ("1:00pm - Wednesday, September 21st") under a date heading belongs to
    # the heading's block, not to an event of its own
    covered = [(tm.elements[b.extra[0]].start, b.span(tm)[1], {a.first_day for a in b.dates}) for b in parts if b.extra]
    # blocks of one shape (tag and class) are the items of a listing
    shapes = Counter(block_shape(tm, b.index) for b in parts)
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
        reading = _read_block(ctx, tm, block, alone, shapes[block_shape(tm, block.index)])
        if reading is not None:
            found.append(reading)
    readings = [r for r in found if isinstance(r, Reading)]
    for reading, page in zip(readings, page_evidence(ctx, tm, readings), strict=True):
        reading.evidence.update(page)
        _decide(ctx, tm, reading)
    return _without_shared_pictures(
        [r if isinstance(r, Event) else r.event for r in found if isinstance(r, Event) or r.accepted]
    )


def _without_shared_pictures(events: list[Event]) -> list[Event]:
    """A picture on most cards of a page (a placeholder, a document icon) shows none of them: it is dropped."""
    counts = Counter(e.image for e in events if e.image and e.provenance.get("image") == "text")
    shared = {url for url, n in counts.items() if n >= 3 and n * 2 >= len(events)}
    if not shared:
        return events
    return [
        replace(e, image=None, image_alt=None, provenance={k: v for k, v in e.provenance.items() if k != "image"})
        if e.image in shared and e.provenance.get("image") == "text"
        else e
        for e in events
    ]


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
    origins = provenance(
        ctx, tm, reading.block, start, event.title, title_span, event.venue, booking_span, reading.titles
    )
    if ctx.explain:
        origins["is an event"] = f"{decision.score(judged):+.1f} ({contributions(judged, decision.weights)})"
    picture = block_image(ctx, tm, reading.block)
    if picture is not None:
        origins["image"] = "text"
        event = replace(event, image=picture[0], image_alt=picture[1] or None)
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
        badges = [span_of(tm, i, start) for i in category_elements(tm, block)]
        if title_span is not None:
            venue = venue_in(text, segments, title_span, documents, badges) or venue_in_title
        else:
            venue = None
        if place_span is not None:
            venue = tidy_place(cut(text, place_span, removed))
        if venue is None:
            venue = meta_line_place(tm, block, text, start, removed)
    when = when_of(ctx, tags, written, times)
    url = block_link(ctx, tm, block, title_element(tm, start, title_span))
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
