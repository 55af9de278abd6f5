"""Blocks that carry a date but are not events: running prose, news lists, lone dated articles."""

from __future__ import annotations

import bisect
import re

from events.extract.text.blocks import HEADINGS, Block
from events.extract.text.titles import DOCUMENT, HEADINGS_LOOKED_BACK, TITLE_CLASS
from events.extract.textmap import TextMap

NOT_EVENT = re.compile(
    r"\b(?:(?:posted|published|written|submitted)\s+by|posted\s+in|filed\s+under|issued|deadline|"
    r"closing\s+date|apply\s+by|expires?|expiry|copyright|vacancy|vacancies|salary|job\s+ref|"
    r"press\s+release|for\s+immediate\s+release|notes\s+to\s+editors|embargoed|offices?\s+(?:is\s+|are\s+|will\s+be\s+)?closed|bank\s+holiday|opening\s+hours)\b|©",
    re.IGNORECASE,
)
# "Nominations close", "Ballot papers sent out", "Results announced": a step in a timetable, not an event
MILESTONE = re.compile(
    r"^\W*(?:[\w'’-]+\s+){0,5}(?:opens?|close[sd]?|closing|announced|published|sent\s+out|issued|due|deadline|"
    r"begins?|ends?|released|declared|counted|returned|expires?)\W*$",
    re.IGNORECASE,
)
FUNCTION_WORDS = frozenset(
    """the a an of to and or but will would is are was were be been has have had that which
who with for on at by after before when while it its this these their they we our us he she his her as from
than then there into about would could should may might can""".split()
)
_NEWS_PATH = re.compile(
    r"/(?:news|blogs?|press|press-releases?|articles?|posts?|stories|story|insights|opinion|"
    r"comment|media-centre|latest-news)(?:/|$)",
    re.IGNORECASE,
)
_DATED_POST = re.compile(r"/(?:19|20)\d\d/[01]?\d/(?:[0-3]?\d/)?[^/]+/?$")
_EVENT_PATH = re.compile(r"event|meeting|whats-?on|calendar|diary|conference", re.IGNORECASE)
_NEWS_NAME = re.compile(r"(?:^|[\s_-])(?:news|blogs?|press|articles|posts)(?:$|[\s_-])", re.IGNORECASE)
_EVENT_NAME = re.compile(r"(?:^|[\s_-])(?:events?|tribe|calendar|whats-?on|diary|meetings?)(?:$|[\s_-])", re.IGNORECASE)


def dates_in_sentences(tm: TextMap, block: Block) -> tuple[bool, bool]:
    """Whether any, and whether every, one of the block's dates stands inside a sentence ("The Guild
    responded to the consultation on 20 January 2025."), rather than on a line of its own."""
    said = [_sentence_kind(tm, d.span) != "" for d in block.dates]
    return any(said), bool(said) and all(said)


def _sentence_kind(tm: TextMap, span: tuple[int, int]) -> str:
    """ "long" for a date in more than 60 words of running text, "sentence" for one inside a sentence,
    "" for a date on a line of its own; read once per element that holds a date."""
    index = tm.container(*span)
    kinds: dict[int, str] = tm.cache.setdefault("sentence kinds", {})
    found = kinds.get(index)
    if found is None:
        sentence = tm.text_of(index)
        if len(sentence.split()) > 60:
            found = "long"
        elif sentence_like(sentence) or _short_sentence(sentence):
            found = "sentence"
        else:
            found = ""
        kinds[index] = found
    return found


def is_prose(tm: TextMap, block: Block, stamped: bool = False) -> bool:
    """A date inside a sentence belongs to an article, not to an event listing, unless the block
    also has a heading of its own (a card whose blurb happens to mention its date) and no stamp
    saying when it was posted (a post's headline is a heading too)."""
    for d in block.dates:
        kind = _sentence_kind(tm, d.span)
        if kind == "long":
            return True
        if kind:
            return stamped or not has_heading(tm, block)
    return False


def news_evidence(tm: TextMap, index: int, url: str | None) -> dict[str, float]:
    """What says a dated block is news rather than an event: a news or blog link, a blog's dated
    permalink (/2024/03/12/pay-talks/), a section headed "Latest news", class names; and what says
    the section holds events."""
    out: dict[str, float] = {}
    path = url.split("?", 1)[0] if url else ""
    if _NEWS_PATH.search(path):
        out["news link"] = 1.0
    if (
        _DATED_POST.search(path)
        and not _EVENT_PATH.search(path)
        and not DOCUMENT.search(path)
        and "/uploads/" not in path
    ):
        out["dated post link"] = 1.0
    if _EVENT_PATH.search(path) and not DOCUMENT.search(path):
        out["event link"] = 1.0
    heading = section_heading(tm, index)
    if heading is not None:
        if _NEWS_HEADING.search(heading) and not _EVENTS_HEADING.search(heading):
            out["under a news heading"] = 1.0
        elif _EVENTS_HEADING.search(heading):
            out["under an events heading"] = 1.0
    section = _named_section(tm, index)
    if section:
        out[section] = 1.0
    return out


def _named_section(tm: TextMap, index: int) -> str:
    """ "in an events section" or "in a news section", by the nearest class or id that says which."""
    cache = tm.cache.setdefault("named sections", {})
    if index in cache:
        return str(cache[index])
    attrs = tm.elements[index].node.attrs
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    if _EVENT_NAME.search(names):
        found = "in an events section"
    elif _NEWS_NAME.search(names):
        found = "in a news section"
    else:
        parent = tm.elements[index].parent
        found = _named_section(tm, parent) if parent >= 0 else ""
    cache[index] = found
    return found


_NEWS_HEADING = re.compile(
    r"\b(?:news|blogs?|press|latest|stories|updates|articles|insights|announcements|statements|bulletins?|"
    r"newsletters?)\b",
    re.IGNORECASE,
)
_EVENTS_HEADING = re.compile(
    r"\b(?:events?|what'?s\s+on|diary|calendar|meetings?|courses?|training|conferences?|webinars?|dates)\b",
    re.IGNORECASE,
)


def section_heading(tm: TextMap, index: int) -> str | None:
    """The heading that introduces the block's section ("Latest news", "Coming up"). It stands before
    the block beside it or beside one of its ancestors (directly, or in a header wrapper), never
    inside a neighbouring card."""
    headings = tm.cache.get("all_headings")
    if headings is None:
        headings = [(el.start, i) for i, el in enumerate(tm.elements) if el.tag in HEADINGS and el.end > el.start]
        tm.cache["all_headings"] = headings
    ancestors = set(tm.ancestors(tm.elements[index].parent))
    start = tm.elements[index].start
    before = bisect.bisect_left(headings, (start, -1))
    for _, h in reversed(headings[max(0, before - HEADINGS_LOOKED_BACK) : before]):
        el = tm.elements[h]
        if el.end > start:
            continue  # a heading holding the block
        if el.parent in ancestors or tm.elements[el.parent].parent in ancestors:
            return tm.text_of(h)
    return None


def has_prose(tm: TextMap, block: Block) -> bool:
    for i in block.inner(tm):
        if tm.elements[i].tag in ("p", "div", "section", "article") and sentence_like(tm.text_of(i)):
            return True
    return False


def _short_sentence(text: str) -> bool:
    """ "The consultation runs from 3 February to 31 March 2025.": a full stop after words that read
    as a sentence (a capital, then words with function words among them)."""
    text = re.sub(r"^\s*\(?\d{1,2}[.)]\s+", "", text)  # "3. The next meeting will be on …": an item of a list
    words = text.split()
    return (
        6 <= len(words) < 12
        and text.rstrip().endswith((".", "!", "?"))
        and text[:1].isupper()
        and sum(w.lower() in FUNCTION_WORDS for w in words) >= 0.25 * len(words)
    )


def sentence_like(text: str) -> bool:
    """Running words: function words among them, and mostly in lower case (a bill of capitalised names
    with an "A" and a "The" in it, "A Day To Remember, The Story So Far", is a list, not a sentence)."""
    words = text.split()
    return (
        len(words) >= 12
        and sum(w.lower() in FUNCTION_WORDS for w in words) >= 0.2 * len(words)
        and sum(w[:1].islower() for w in words) >= 0.3 * len(words)
    )


def has_heading(tm: TextMap, block: Block) -> bool:
    for i in block.inner(tm):
        el = tm.elements[i]
        if el.tag in HEADINGS or TITLE_CLASS.search(el.node.attrs.get("class") or ""):
            return True
    return False


# "The Regular Board Meeting scheduled for March 12, 2025 has been cancelled": a notice in a sentence,
# which names a meeting, its day and what happened to it. It is that meeting, not prose about it.
_NOTICE = re.compile(
    r"(?P<title>(?:[A-Z0-9][\w'&/.-]*\s+){0,8}?(?:[Mm]eeting|[Ss]ession|[Hh]earing|[Cc]ommittee|[Bb]oard|"
    r"[Cc]ouncil|[Cc]ommission|AGM|[Cc]onference|[Ww]orkshop|[Ff]orum|[Ss]ummit|[Cc]lass))\s+"
    r"(?:(?:that\s+was|originally)\s+)?(?:scheduled|set|planned|due\s+to\s+take\s+place)\s+(?:for|on)\s+"
    r"(?:[ap]\.m\.|\.(?=\d)|[^.!]){4,80}?\s+(?:has\s+been|have\s+been|is|was|will\s+be)\s+(?:hereby\s+|now\s+)?"
    r"(?P<status>cancell?ed|postponed)"
)
_NOT_TITLE = {"the", "a", "an", "of", "notice", "cancellation", "postponement", "please", "note", "that"}


def cancellation_notice(text: str) -> tuple[str, str] | None:
    """(the meeting's name, "cancelled" or "postponed") when ``text`` is a notice that a dated
    meeting will not take place; None otherwise."""
    low = text.lower()
    if "cancel" not in low and "postpon" not in low:
        return None  # the notice's own words first: the full pattern is slow on every block
    m = _NOTICE.search(text)
    if m is None:
        return None
    words = m.group("title").split()
    cut = max((i + 1 for i, w in enumerate(words) if w.casefold() in _NOT_TITLE), default=0)
    title = " ".join(words[cut:])
    if len(title) < 5:
        return None
    status = "postponed" if m.group("status").startswith("postpon") else "cancelled"
    return title, status
