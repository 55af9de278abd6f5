"""Which words of a block are the event's title: a heading, a *title* element, a link's own text, a
table's name column, or, for a detail page, the heading just above the block."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from events.extract.context import PageContext
from events.extract.text.blocks import HEADINGS, LABEL, LETTERS, Block, cut
from events.extract.text.tables import table_columns
from events.extract.textmap import TextMap
from events.normalise.places import looks_like_venue

_TITLE_PLACE_SEPARATOR = re.compile(r"\s+[-–—|@]\s+|\s+at\s+(?=[A-Z])")
GENERIC_LINK = re.compile(
    r"^(?:read\s+more|more(?:\s+info(?:rmation)?)?|(?:buy|find|get|book|see|view)\s+(?:your\s+)?tickets?(?:\s+now)?|find\s+out\s+more|learn\s+more|details|view(?:\s+\w+)?|"
    r"book(?:\s+\w+)?|register(?:\s+\w+)?|click\s+here|here|more\s+details|see\s+more|tickets?|"
    r"buy\s+tickets?|info|event\s+details|view\s+event|add\s+to\s+(?:my\s+)?calendar|google\s+calendar|ical|webcal|ics|"
    r"vcal|outlook(?:\s+calendar)?|apple\s+calendar|subscribe|"
    r"outlook|export|share|agenda|minutes|video|audio|download|pdf|map|directions|notice|meeting\s+notice|"
    r"join(?:\s+(?:the|this|our))?\s+(?:meeting|webinar|call|zoom|teams|online|now|here|us|event|session|live)|"
    r"agenda\s+packet|packet|summary|transcript|webcast|watch|live\s*stream|documents?|attachments?|"
    r"(?:meeting|event)\s+(?:details|info|page)|handouts?|slides|presentation|recording|captions?|"
    r"not\s+available|n/?a|none|tba|tbc|cancelled|canceled)\W*$",
    re.IGNORECASE,
)
TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:title|name|heading|headline|summary)(?:$|[\s_-])", re.IGNORECASE)
DOCUMENT = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|mp3|mp4|m4a|zip|rtf)(?:$|[?#])|youtube\.com|youtu\.be|vimeo\.com|"
    r"maps\.google|google\.[a-z.]+/maps|archive\.org|"
    # an add-to-calendar export of the event
    r"^webcal:|/ical/?(?:$|[?#])|\.ics(?:$|[?#])|[?&](?:ical|outlook-ical)=|google\.com/calendar|calendar\.google\.|"
    r"outlook\.(?:live|office)\.com/calendar",
    re.IGNORECASE,
)


HEADINGS_LOOKED_BACK = 200  # a page of 5,000 cards stays linear: look back over this many headings at most


def is_title_like(text: str) -> bool:
    text = text.strip()
    return (
        len(LETTERS.findall(text)) >= 3
        and not GENERIC_LINK.match(text)
        and not LABEL.match(text)
        and len(text) <= 200
        and not _CREDIT.search(text)
    )


# What makes an element of a block its title, and how much. ``rank_titles`` adds these up for each
# candidate; the best that reads as a title wins. A new observation becomes a signal here, with a test.
TITLE_SIGNALS = {
    "table column": 10.0,  # the cell under a "Title"/"Meeting" header
    "heading": 4.0,  # <h1>…<h6>
    "title class": 3.0,  # class="event-title", itemprop="name"
    "own link": 2.0,  # a link's own text (not a document's), shorter than the block
    "bold": 1.0,  # <strong>/<b> inside the block
    "heading level": 0.5,  # h1 most, h6 least
    "near the date": 1.0,  # at most, for the nearest; above the date counts a little more than below
    "meta line": -3.0,  # a sibling of the date's own element and of the same tag: date, time, place in a row
    "names a place": -1.5,  # "Main Hall", "Grand Hotel": a place is seldom the title when something else is
    "reads as a sentence": -3.0,  # "The Fund was created by the City to …": a blurb, not a name
}
_CREDIT = re.compile(
    r"^\W*(?:presented|hosted|organi[sz]ed|sponsored|supported|curated|powered|brought\s+to\s+you)\s+by\b|"
    r"^\W*in\s+(?:partnership|association|collaboration)\s+with\b|"
    r"^\W*(?:visit|go\s+to|view|see|read|download|sign\s+up|subscribe)\b.*\b(?:page|site|website|newsletter|here)\W*$",
    re.IGNORECASE,
)


@dataclass
class TitleCandidate:
    index: int  # the element, in the text map
    span: tuple[int, int]  # within the block's text
    text: str
    signals: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(self.signals.values())


_LEVEL_BONUS = {n: TITLE_SIGNALS["heading level"] * (6 - n) / 5 for n in range(1, 7)}  # h1 most, h6 none
# elements that are never a title and carry no title class worth reading an attribute for
_NEVER_TITLES = frozenset({"br", "hr", "img", "input", "tbody", "thead", "table", "ul", "ol", "dl"})


def rank_titles(
    tm: TextMap, block: Block, removed: list[tuple[int, int]], complete: bool = False
) -> list[TitleCandidate]:
    """The elements of the block that could be its title, best first, with the signals that placed
    them. The signals read from an element's words only ever lower its score, so candidates are
    weighed best-case first and the reading stops once none left could win; ``complete`` weighs
    them all (for ``--explain``)."""
    block_start, block_end = block.span(tm)
    size = block_end - block_start
    text = tm.text[block_start:block_end]
    columns = table_columns(tm, block.index)
    when = min(d.span[0] for d in block.dates) if block.dates else block_start
    date_el = line_of(tm, min(block.dates, key=lambda d: d.span).span) if block.dates else None
    date_parent = tm.elements[date_el].parent if date_el is not None else None
    date_tag = tm.elements[date_el].tag if date_el is not None else None
    # first each candidate's signals from its markup alone, as plain tuples (most are never read)
    hopeful: list[tuple[float, int, int, str, float, float, bool, int]] = []
    title_cell = columns.get("title")
    near_weight, meta_weight = TITLE_SIGNALS["near the date"], TITLE_SIGNALS["meta line"]
    for i in ([title_cell] if title_cell is not None else []) + block.inner(tm):
        el = tm.elements[i]
        if el.end <= el.start:
            continue
        tag = el.tag
        level = 0.0
        if i == title_cell:
            kind = "table column"
        elif tag in HEADINGS:
            kind, level = "heading", _LEVEL_BONUS[int(tag[1])]
        elif tag in _NEVER_TITLES:
            continue
        else:
            attrs = el.node.attrs
            if attrs.get("role") == "heading":
                kind, level = "heading", _LEVEL_BONUS[min(max(int((attrs.get("aria-level") or "2")[:1] or 2), 1), 6)]
            elif TITLE_CLASS.search(attrs.get("class") or "") or attrs.get("itemprop") in ("name", "summary"):
                kind = "title class"
            elif tag == "a" and (el.end - el.start) < size * 0.9 and not DOCUMENT.search(attrs.get("href") or ""):
                kind = "own link"
            elif tag in ("strong", "b") and (el.end - el.start) < size * 0.9:
                kind = "bold"
            else:
                continue
        before = el.start <= when
        distance = when - el.end if before else el.start - when
        near = round(near_weight * max(0.0, 1 - max(distance, 0) / 400) * (1 if before else 0.8), 3)
        meta = date_tag in HEADINGS and i != date_el and el.parent == date_parent and tag == date_tag
        score = TITLE_SIGNALS[kind] + level + near + (meta_weight if meta else 0.0)
        hopeful.append((score, el.start, i, kind, level, near, meta, el.end))
    hopeful.sort(key=lambda h: (-h[0], h[1]))
    out: list[TitleCandidate] = []
    best = float("-inf")
    for score, el_start, i, kind, level, near, meta, el_end in hopeful:
        if not complete and score < best:
            break  # words only lower a score: no candidate left can beat the best
        span = (el_start - block_start, el_end - block_start)
        words = cut(text, span, removed)
        if not is_title_like(words):
            continue
        signals = {kind: TITLE_SIGNALS[kind]}
        if level:
            signals["heading level"] = level
        signals["near the date"] = near
        if meta:
            signals["meta line"] = meta_weight
        if looks_like_venue(words, strong=True):
            signals["names a place"] = TITLE_SIGNALS["names a place"]
        if reads_as_sentence(words):
            signals["reads as a sentence"] = TITLE_SIGNALS["reads as a sentence"]
        candidate = TitleCandidate(i, span, words, signals)
        out.append(candidate)
        best = max(best, candidate.score)
    out.sort(key=lambda c: (-c.score, c.span[0]))
    return out


def reads_as_sentence(text: str) -> bool:
    words = text.split()
    return len(words) >= 10 and sum(w[:1].islower() for w in words) * 2 >= len(words)


_INLINE = frozenset({"span", "time", "strong", "b", "em", "i", "a", "small", "abbr", "font", "sup", "sub"})


def line_of(tm: TextMap, span: tuple[int, int]) -> int:
    """The element that holds a date as a line of its own: past any inline wrapping (<time>, <span>)."""
    index = tm.container(*span)
    while index > 0 and tm.elements[index].tag in _INLINE:
        index = tm.elements[index].parent
    return index


def structural_title(
    ctx: PageContext, tm: TextMap, block: Block, removed: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """A heading, a *title* element, a table's name column, or a link's own text inside the block, as
    a span of the block: the best of ``rank_titles``."""
    ranked = rank_titles(tm, block, removed)
    return ranked[0].span if ranked else None


def heading_above(tm: TextMap, block: Block) -> str | None:
    """A detail page: "<h1>Conference</h1><div>Date: … Location: …</div>". The heading just before
    the block (or before its parent) names the event when the block itself has no title."""
    index = block.index
    for _ in range(3):
        parent = tm.elements[index].parent
        siblings = tm.children(parent) if parent >= 0 else []
        before = [i for i in siblings if tm.elements[i].end <= tm.elements[index].start]
        for i in reversed(before[-2:]):
            el = tm.elements[i]
            if (el.tag in HEADINGS and el.tag <= "h4") or _bold_line(tm, i):
                text = tm.text[el.start : el.end].strip()
                return text if is_title_like(text) else None
        if parent <= 0 or before:
            return None
        index = parent
    return None


def _bold_line(tm: TextMap, index: int) -> bool:
    """ "<p><strong>CMU Campus Plan Amendment</strong></p>": a paragraph that is all bold, and short,
    stands as a heading for what follows it."""
    el = tm.elements[index]
    if el.tag not in ("p", "div") or not 0 < el.end - el.start <= 150:
        return False
    bold = [k for k in tm.children(index) if tm.elements[k].tag in ("strong", "b")]
    said = len(tm.text[el.start : el.end].strip())
    return len(bold) == 1 and len(tm.text[tm.elements[bold[0]].start : tm.elements[bold[0]].end].strip()) >= said - 1


def context_title(ctx: PageContext, tm: TextMap, before: int) -> str | None:
    """What a table of bare dates is about: the nearest heading above it that names a body ("City
    Council Meetings and Agendas" → "City Council Meeting"), passing over years, lead-ins ending in a
    colon and page-type labels ("Agendas & Minutes", "Department Details"); else the page's title.
    A year heading ends the section of a heading of the same tag before it: under "<h1>2021</h1>"
    the rows are no longer those of "<h1>2022 JDAMA Meetings</h1>"."""
    headings = tm.cache.get("headings")
    if headings is None:
        headings = []
        for el in tm.elements:
            if el.tag in HEADINGS and el.end > el.start:
                text = tm.text[el.start : el.end].strip()
                subject = subject_of(text) if len(text) <= 120 and not text.endswith(":") else None
                if subject or _YEAR_ONLY.match(text):
                    headings.append((el.start, el.tag, subject))
        tm.cache["headings"] = headings
    closed: set[str] = set()
    stop = bisect.bisect_left(headings, (tm.elements[before].start,))
    for _start, tag, subject in reversed(headings[max(0, stop - HEADINGS_LOOKED_BACK) : stop]):
        if subject is None:
            closed.add(tag)
        elif tag not in closed:
            return str(subject)
    node = ctx.tree.css_first("title")
    return subject_of(" ".join((node.text() if node is not None else "").split()))


_BODY = re.compile(r"\b(?:commission|board|council|committee|authority|trustees|directors|panel|assembly)$", re.I)


def meeting_of(subject: str) -> str:
    """A row of a body's schedule is a meeting of that body: "Art Commission" → "Art Commission Meeting",
    unless the row says which kind ("Harbour Trust Board – Regular")."""
    if _BODY.search(subject):
        return subject + (" MEETING" if subject.isupper() else " Meeting")
    return subject


_YEAR_ONLY = re.compile(r"^(?:19|20)\d\d$")
_GENERIC_WORDS = frozenset(
    """details detail department page home calendar calendars events event meetings meeting agendas agenda
minutes materials documents document notices notice schedule schedules upcoming past prior previous current
future recent latest year years archive archives list listing dates date information info more and of the
for our all a & - – | packets packet videos video audio recordings results search view month week""".split()
)
_ASIDE = re.compile(r"^(?:contact|about|follow|share|subscribe|related|quick\s+links|useful\s+links)\b", re.I)
_DOC_WORDS = r"(?:meetings?|agendas?|minutes|materials|documents|notices|schedules?|calendars?|dates|packets?)"
_DOC_RUN = rf"{_DOC_WORDS}(?:\s*(?:,|and|&)\s*{_DOC_WORDS})*"
_LEADING_DOCS = re.compile(rf"^(?:(?:upcoming|past|public)\s+)?{_DOC_RUN}\s+(?:of|for)\s+(?:the\s+)?", re.I)
_TRAILING_DOCS = re.compile(rf"\s+{_DOC_RUN}(?:\s+(?:19|20)\d\d)?$", re.I)


def subject_of(heading: str) -> str | None:
    """The body a heading names, or None for a heading that names only a kind of page or a year."""
    words = re.findall(r"[\w&–|-]+", heading.lower())
    if not words or all(w in _GENERIC_WORDS or w.isdigit() for w in words) or _ASIDE.match(heading):
        return None
    # "2022 JDAMA Meetings", "Airport Authority 2019 Board Meetings": a year is no part of a body's name
    subject = re.sub(r"^(?:19|20)\d\d\s+(?=\w)|(?<=\w)\s+(?:19|20)\d\d(?=\s+\w)", "", heading)
    meeting = False
    for pattern in (_LEADING_DOCS, _TRAILING_DOCS):
        m = pattern.search(subject)
        if m and len(LETTERS.findall(subject[: m.start()] + subject[m.end() :])) >= 3:
            meeting = meeting or "meeting" in m.group().lower()
            subject = (subject[: m.start()] + subject[m.end() :]).strip()
    if meeting:
        subject += " MEETING" if heading.isupper() else " Meeting"
    return subject if is_title_like(subject) else None


_SENTENCE_END = re.compile(r"(?<=[a-z]{3})\.(?:\s|$)")


def title_then_place(text: str, span: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """``Branch meeting, Committee Room, Unity House`` read as one run of words: the title up to the
    first comma, when what follows names a place and what precedes does not; the place ends with
    its sentence (``Leeds Civic Hall. Lunch provided.``)."""
    start, end = span
    for m in re.finditer(r",\s+", text[start:end]):
        head, tail = text[start : start + m.start()], text[start + m.end() : end]
        if looks_like_venue(head, strong=True):
            return None
        if (
            is_title_like(head)
            and len(head.split()) >= 2
            and (looks_like_venue(tail, strong=True) or _named_place(tail))
        ):
            stop = _SENTENCE_END.search(tail)
            place_end = start + m.end() + (stop.start() if stop else len(tail))
            return (start, start + m.start()), (start + m.end(), place_end)
    return None


_PLACE_FIRST = re.compile(
    r"(?:at|@)\s+(?P<place>(?:the\s+)?[A-Z0-9][^:;–—]{0,60}?)\s*(?::|\s[-–—|]\s)\s*(?=\S)", re.IGNORECASE
)


def place_then_title(text: str, span: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """``at Showbox: Band, Band`` left of a date in a listing line: the place is named first, set off
    by a colon or dash, and what follows is the title. The place must read as a name (capitalised
    words, a town in brackets), never a sentence."""
    start, end = span
    m = _PLACE_FIRST.match(text, start, end)
    if m is None:
        return None
    place = re.sub(r"\s*\([^()]{1,40}\)$", "", m.group("place"))  # "Temple Theatre (Tacoma)"
    words = place.split()
    if not 0 < len(words) <= 6 or not all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in _SMALL_WORDS for w in words
    ):
        return None
    if not is_title_like(text[m.end() : end]):
        return None
    return (m.end(), end), (m.start("place"), m.end("place"))


_SMALL_WORDS = frozenset({"of", "the", "and", "&", "upon", "on", "in", "at", "de", "la"})


def _named_place(text: str) -> bool:
    """ "Unity House, Leeds": a short run of capitalised words that names a kind of place."""
    first = _SENTENCE_END.split(text, 1)[0]
    words = first.replace(",", " ").split()
    return (
        0 < len(words) <= 6
        and ":" not in first
        and looks_like_venue(" ".join(words))
        and all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _SMALL_WORDS for w in words)
    )


def split_title_venue(title: str) -> tuple[str, str | None]:
    """``Town Hall Meeting - Lake Tahoe Community College - Boardroom`` → the title, and the venue:
    everything after the first dash (or "at") whose remainder names a kind of place."""
    for m in _TITLE_PLACE_SEPARATOR.finditer(title):
        head, tail = title[: m.start()].strip(), title[m.end() :].strip()
        if len(LETTERS.findall(head)) >= 3 and looks_like_venue(tail, strong=True):
            return head, tail
    return title, None
