"""Which words of a block are the event's title: a heading, a *title* element, a link's own text, a
table's name column, or, for a detail page, the heading just above the block.

Past 400 lines on purpose: the candidates and the guards that keep words from being titles (e-mail,
phone, file names, link labels, field labels, breadcrumbs) are one job, read together when tuning."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from events.extract.context import PageContext
from events.extract.text.blocks import HEADINGS, LABEL, LETTERS, Block
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


@lru_cache(maxsize=16384)
def is_title_like(text: str) -> bool:
    text = text.strip()
    return (
        len(LETTERS.findall(text)) >= 3
        and not GENERIC_LINK.match(text)
        and not LABEL.match(text)
        and len(text) <= 200
        and not _CREDIT.search(text)
    )


_CREDIT = re.compile(
    r"^\W*(?:presented|hosted|organi[sz]ed|sponsored|supported|curated|powered|brought\s+to\s+you)\s+by\b|"
    r"^\W*in\s+(?:partnership|association|collaboration)\s+with\b|"
    r"^\W*(?:visit|go\s+to|view|see|read|download|sign\s+up|subscribe)\b.*\b(?:page|site|website|newsletter|here)\W*$",
    re.IGNORECASE,
)
# Where a candidate line sits and what element holds it: the markup half of a title's features
# (``features.word_features`` gives the half its words tell). Every kind of candidate competes in one
# ranking, weighed by the learned ``title`` decision of ``model.py``.
KINDS = ("table column", "heading", "title class", "own link", "bold", "plain", "heading above")
WORD_FEATURES = frozenset(
    """one word|two or three words|many words|capitals|mostly figures|e-mail address|phone number|file name|
link words|names a section|field label|names a place|address|call to action|reads as a sentence|
ends with a colon|ends mid-sentence|repeated|repeated often""".replace("\n", "").split("|")
)


@dataclass
class TitleCandidate:
    index: int | None  # the element, in the text map (None: a heading above the block)
    span: tuple[int, int] | None  # within the block's text (None: outside the block)
    text: str
    features: dict[str, float] = field(default_factory=dict)
    place: tuple[int, int] | None = None  # a place read out of the same run of words
    score: float = 0.0
    weighed: bool = False  # its words' features added (``title_choice._with_words``)

    @property
    def signals(self) -> dict[str, float]:
        return self.features


# elements that are never a title and carry no title class worth reading an attribute for
_NEVER_TITLES = frozenset({"br", "hr", "img", "input", "tbody", "thead", "table", "ul", "ol", "dl"})


def markup_candidates(tm: TextMap, block: Block) -> list[tuple[int, str, float]]:
    """The elements of a block that could be its title by their markup: (element, kind, heading level
    from 1.0 for h1 to 0.0 for h6). Asked for the place and again for the title: looked up once."""
    key = ("markup candidates", block.index, len(block.extra))
    found = tm.cache.get(key)
    if found is None:
        found = tm.cache[key] = _markup_candidates(tm, block)
    return list(found)


def _markup_candidates(tm: TextMap, block: Block) -> list[tuple[int, str, float]]:
    block_start, block_end = block.span(tm)
    size = block_end - block_start
    columns = table_columns(tm, block.index)
    title_cell = columns.get("title")
    out: list[tuple[int, str, float]] = [(title_cell, "table column", 0.0)] if title_cell is not None else []
    for i in block.inner(tm):
        found = _element_kind(tm, i)
        if found is None or i == title_cell:
            continue
        kind, level = found
        if kind in ("own link", "bold") and tm.elements[i].end - tm.elements[i].start >= size * 0.9:
            continue  # the whole block in a link or in bold type is no line of it
        out.append((i, kind, level))
    return out


def _element_kind(tm: TextMap, index: int) -> tuple[str, float] | None:
    """What an element's markup makes it, whatever block it is in: a heading (and its level), a title
    element, a link to a page, bold type; None for anything else. Worked out once per element."""
    kinds: dict[int, tuple[str, float] | None] = tm.cache.setdefault("element kinds", {})
    if index in kinds:
        return kinds[index]
    el = tm.elements[index]
    tag = el.tag
    found: tuple[str, float] | None = None
    if el.end <= el.start or tag in _NEVER_TITLES:
        found = None
    elif tag in HEADINGS:
        found = ("heading", (6 - int(tag[1])) / 5)
    else:
        attrs = el.node.attrs
        if attrs.get("role") == "heading":
            aria = min(max(int((attrs.get("aria-level") or "2")[:1] or 2), 1), 6)
            found = ("heading", (6 - aria) / 5)
        elif TITLE_CLASS.search(attrs.get("class") or "") or attrs.get("itemprop") in ("name", "summary"):
            found = ("title class", 0.0)
        elif tag == "a" and _names_a_page(attrs.get("href") or ""):
            found = ("own link", 0.0)
        elif tag in ("strong", "b"):
            found = ("bold", 0.0)
    kinds[index] = found
    return found


def _names_a_page(href: str) -> bool:
    """A link to a page (the event's own, most often), not to a document, a mailbox or a phone."""
    return not is_document(href) and not href.lstrip().lower().startswith(("mailto:", "tel:"))


@lru_cache(maxsize=16384)
def is_document(href: str) -> bool:
    """A link to a document, a recording, a map or a calendar export rather than a page."""
    return bool(DOCUMENT.search(href))


def position_features(
    tm: TextMap, block: Block, start: int, end: int, index: int | None, first_line: int, last_line: int = -1
) -> dict[str, float]:
    """Where a line sits against the block's date: just above it, just below, far; on the date's
    own meta line (a row of headings: date, time, place); the block's first words, or its last (a
    button: "Buy tickets", "Купить билет")."""
    when = min(d.span[0] for d in block.dates) if block.dates else tm.elements[block.index].start
    before = start <= when
    distance = max(when - end if before else start - when, 0)
    out = {"near the date": round(max(0.0, 1 - distance / 400), 3)}
    if before:
        out["above the date"] = 1.0
    if start <= first_line:
        out["first line"] = 1.0
    elif last_line >= 0 and end >= last_line and not before:
        out["last line"] = 1.0  # below the date, closing the block
    if index is not None and block.dates:
        date_el = line_of(tm, min(block.dates, key=lambda d: d.span).span)
        date_tag = tm.elements[date_el].tag
        el = tm.elements[index]
        beside = el.parent == tm.elements[date_el].parent and el.tag == date_tag
        if date_tag in HEADINGS and index != date_el and beside:
            out["meta line"] = 1.0
    return out


def span_of(tm: TextMap, index: int, start: int) -> tuple[int, int]:
    """An element's span within a block's text that begins at ``start``."""
    return tm.elements[index].start - start, tm.elements[index].end - start


def document_links(tm: TextMap, block: Block) -> list[int]:
    """The block's links to documents (an agenda's PDF, a video): their words name the document."""
    key = ("documents", block.index, len(block.extra))
    found = tm.cache.get(key)
    if found is None:  # asked for a title and again for a place: looked up once
        found = tm.cache[key] = [
            i
            for i in block.inner(tm)
            if tm.elements[i].tag == "a" and is_document(tm.elements[i].node.attrs.get("href") or "")
        ]
    return list(found)


_NAVIGATION = re.compile(r"breadcrumb|(?:^|[\s_-])(?:crumbs?|nav|navigation|menu)(?:$|[\s_-])", re.IGNORECASE)


def navigation(tm: TextMap, block: Block) -> list[int]:
    """The block's navigation (breadcrumbs, a menu): the site's sections, never the event's title or place."""
    return [i for i in block.inner(tm) if _is_navigation(tm, i)]


def _is_navigation(tm: TextMap, index: int) -> bool:
    marks: dict[int, bool] = tm.cache.setdefault("navigation", {})
    found = marks.get(index)
    if found is None:
        el = tm.elements[index]
        attrs = el.node.attrs
        names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        found = marks[index] = (
            el.tag == "nav"
            or (attrs.get("aria-label") or "").lower() == "breadcrumb"
            or (names != " " and bool(_NAVIGATION.search(names)))
        )
    return found


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


def heading_above(tm: TextMap, block: Block) -> str | None:
    """A detail page: "<h1>Conference</h1><div>Date: … Location: …</div>". The heading just before
    the block (or before its parent) names the event when the block itself has no title."""
    found = heading_above_at(tm, block)
    return found[0] if found else None


def heading_above_at(tm: TextMap, block: Block) -> tuple[str, int] | None:
    """The heading above the block, and how many levels up it stands (0: just before the block; 1 or
    more: before a container the block opens, as a list's heading stands before its first item)."""
    index = block.index
    for level in range(3):
        parent = tm.elements[index].parent
        before = [i for i in tm.before(index)[-2:] if tm.elements[i].end <= tm.elements[index].start]
        for i in reversed(before[-2:]):
            el = tm.elements[i]
            if (el.tag in HEADINGS and el.tag <= "h4") or _bold_line(tm, i):
                text = tm.text[el.start : el.end].strip()
                return (text, level) if is_title_like(text) else None
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
