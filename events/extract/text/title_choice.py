"""Which line of a block is the event's title: every line that could be, weighed in one ranking.

The candidates are the block's headings, *title* elements, links, bold runs and a table's name column
(by their markup), every other run of words left once dates, times, status and place words are cut
out, and the heading just above the block (a detail page names its event there). Each carries the
features a careful reader weighs (``titles.position_features``, ``features.word_features``, and what
stands beside it); the learned ``title`` decision scores them and the best one is the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from events.extract.context import PageContext
from events.extract.text.blocks import LETTERS, Block, blank, cut
from events.extract.text.features import times_repeated, word_features
from events.extract.text.places import PLACE_LABEL_START
from events.extract.text.titles import (
    WORD_FEATURES,
    TitleCandidate,
    document_links,
    heading_above_at,
    is_title_like,
    markup_candidates,
    navigation,
    place_then_title,
    position_features,
    span_of,
    title_then_place,
)
from events.extract.textmap import TextMap
from events.normalise.calendar_words import ALWAYS
from events.normalise.dates import find_dates, grammar

# a run of words after one of these labels is that field's value, never the event's title
VALUE_OF_A_FIELD = re.compile(
    r"\b(?:(?:hosted|presented|organi[sz]ed|sponsored|run)\s+by|organi[sz]ers?|hosts?|contact|speakers?|"
    r"price|cost|fees?|tickets?|categor(?:y|ies)|tags?|audience|ages?|admission)\s*:\s*$",
    re.IGNORECASE,
)
# the same after a label that stands in an element of its own ("<dt>From</dt><dd>Penn Hills</dd>")
_LABEL_BEFORE = re.compile(
    r"(?:^|\n|\s{2})\W*(?:from|by|when|where|venue|location|place|address|date|time|contact|e-?mail|phone|tel|"
    r"organi[sz]er|host|speaker|price|cost|category|type|status)\s*:?\s*$",
    re.IGNORECASE,
)


@dataclass
class BlockText:
    """A block's text as it is being read: what has been cut out of it, and the runs of words left."""

    text: str
    start: int  # where the block's text begins in the page's text
    removed: list[tuple[int, int]]
    segments: list[tuple[int, int]]


def title_candidates(
    ctx: PageContext, tm: TextMap, block: Block, r: BlockText, columns: dict[str, int], signals: bool, alike: int = 1
) -> list[TitleCandidate]:
    """Every candidate title of the block, with its features, in the order they appear."""
    text, start, removed = r.text, r.start, r.removed
    first_line = r.segments[0][0] if r.segments else 0
    last_line = start + r.segments[-1][1] if len(r.segments) > 1 else -1
    out: list[TitleCandidate] = []
    seen: set[str] = set()
    menus = [span_of(tm, i, start) for i in navigation(tm, block)]
    for i, kind, level in markup_candidates(tm, block):
        el = tm.elements[i]
        span = (el.start - start, _before_trailing_label(tm.text, el.start, el.end) - start)
        if any(lo <= span[0] and span[1] <= hi for lo, hi in menus):
            continue  # a breadcrumb's or a menu's link names a section of the site
        words = without_date_debris(cut(text, span, removed), ctx.languages)
        if not _usable(words, ctx):
            continue
        features = {f"kind: {kind}": 1.0}
        if level:
            features["heading level"] = level
        features.update(position_features(tm, block, el.start, el.end, i, start + first_line, last_line))
        features.update(class_features(tm, i, block.index))
        if words in seen:  # one line in two elements (a link in a title element): one candidate of both kinds
            twin = next(c for c in out if c.text == words)
            for name, value in features.items():
                twin.features[name] = max(value, twin.features.get(name, 0.0))
            continue
        out.append(TitleCandidate(i, span, words, features))
        seen.add(words)
    # runs of plain words: the venue and type columns are no title, nor, in a row, its documents' names,
    # nor the site's navigation (a breadcrumb trail above a detail page's heading)
    not_titles = {k: span_of(tm, columns[k], start) for k in ("venue", "kind") if k in columns}
    documents = [span_of(tm, i, start) for i in document_links(tm, block)]
    row = tm.elements[block.index].tag == "tr"
    for sp in r.segments:
        words = without_date_debris(text[sp[0] : sp[1]].strip(), ctx.languages)
        if words in seen or not _usable(words, ctx):
            continue
        features = {"kind: plain": 1.0}
        place = None
        split = place_then_title(text, sp) or title_then_place(text, sp)
        if split is not None:
            sp, place = split
            words = text[sp[0] : sp[1]].strip()
            features["place split off"] = 1.0
        if any(lo <= sp[0] and sp[1] <= hi for lo, hi in not_titles.values()):
            continue  # a guard, not a feature: a column the table's header names as the place or the type
        if row and any(lo <= sp[0] and sp[1] <= hi for lo, hi in documents):
            continue  # and in a row of documents, a document's name
        if any(lo <= sp[0] and sp[1] <= hi for lo, hi in menus):
            continue
        if PLACE_LABEL_START.match(text, sp[0], sp[1]):
            features["labelled as the place"] = 1.0
        if VALUE_OF_A_FIELD.search(text, max(0, sp[0] - 30), sp[0]) or _after_label_element(tm, start + sp[0], start):
            features["value of a field"] = 1.0
        if labels_the_date(text, sp, removed):
            features["labels the date"] = 1.0
        features.update(position_features(tm, block, start + sp[0], start + sp[1], None, start + first_line, last_line))
        holder = tm.container(start + sp[0], start + sp[1])
        features.update(class_features(tm, holder, block.index))
        candidate = TitleCandidate(holder, sp, words, features)
        candidate.place = place
        out.append(candidate)
        seen.add(words)
    # a heading above names the block only when the block reads like an event's details (a time, a
    # place, booking), never a bare date under an article's headline or a table's year heading: a guard
    found = heading_above_at(tm, block) if signals else None
    above, level = found if found else (None, 0)
    if above and above not in seen and _usable(above, ctx):
        features = {"kind: heading above": 1.0}
        if alike >= 2 and level >= 1:
            features["over a listing"] = 1.0  # before the list this item opens: it names the list, not the item
        out.append(TitleCandidate(None, None, above, features))
        # a guard the pages are too few to teach: words that only label the date ("Planning Commission
        # Hearing: July 30, 2 PM") give way to the heading that names the item above them
        out = [c for c in out if "labels the date" not in c.features]
    return out


# what a line's class names (its own or its wrappers' inside the block) say it is: a word of a class
# name, split at "-" and "_" ("card__meta", "btn-primary"), that starts with one of these
_CLASS_ROLES = {
    "class: badge": ("badge", "label", "tag", "categor", "genre", "flag", "sticker", "ribbon", "pill", "chip"),
    "class: button": ("btn", "button", "cta", "action", "buy", "ticket", "book"),
    "class: meta": ("meta", "date", "time", "info", "detail", "location", "venue", "place", "price", "address"),
    "class: description": ("desc", "summary", "excerpt", "teaser", "intro", "text", "body", "content"),
}
_ROLE_PATTERNS = {
    role: re.compile(rf"(?:^|[\s_-])(?:{'|'.join(stems)})", re.IGNORECASE) for role, stems in _CLASS_ROLES.items()
}


def class_features(tm: TextMap, index: int, root: int) -> dict[str, float]:
    """Roles the class names of a line and of its nearest wrappers inside the block give it."""
    roles: set[str] = set()
    for _ in range(_WRAPPERS):
        roles |= _element_roles(tm, index)
        if index == root or index <= 0:
            break
        index = tm.elements[index].parent
    return dict.fromkeys(sorted(roles), 1.0)


_WRAPPERS = 3  # the line's own element and two around it: a card's outer classes say nothing of one line


def _element_roles(tm: TextMap, index: int) -> frozenset[str]:
    cache: dict[int, frozenset[str]] = tm.cache.setdefault("class roles", {})
    found = cache.get(index)
    if found is None:
        found = cache[index] = _class_roles(tm.elements[index].node.attrs.get("class") or "")
    return found


@lru_cache(maxsize=4096)
def _class_roles(names: str) -> frozenset[str]:
    """Shared by every element with the same classes: a listing repeats a handful of class lists."""
    return frozenset(role for role, pattern in _ROLE_PATTERNS.items() if pattern.search(names))


def without_date_debris(words: str, languages: tuple[str, ...]) -> str:
    """What a date's cutting leaves at a line's edges, set off by a separator: a weekday's name and an
    age rating ("сб · 18+ · Cabaret", "Cabaret · Sat"), which name no event. "Sunday jazz brunch"
    keeps its Sunday."""
    leading, trailing = _debris_patterns(languages)
    return trailing.sub("", leading.sub("", words)) or words


@lru_cache(maxsize=16)
def _debris_patterns(languages: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    item = rf"(?:{grammar(languages).weekday}|\d{{1,2}}\+)"
    sep = r"\s*[·•|,/–—-]\s*"
    return (
        re.compile(rf"^(?:{item}{sep})+(?:\d{{1,2}}\+\s+)?(?=\S)", re.IGNORECASE),
        re.compile(rf"(?<=\S)(?:{sep}{item})+\s*$", re.IGNORECASE),
    )


_TRAILING_LABEL = re.compile(r"\s+[^\W\d_][\w-]{2,20}\s*:\s*$")


def _before_trailing_label(text: str, start: int, end: int) -> int:
    """Where a title element's words end when a field's label closes it ("Дельфин Стоимость:", the
    price's label set inside the title's link)."""
    m = _TRAILING_LABEL.search(text, start, end)
    return m.start() if m else end


def _after_label_element(tm: TextMap, at: int, block_start: int) -> bool:
    """The words at ``at`` follow an element of the block that holds only a field's label ("From",
    "Where:")."""
    if at <= block_start:
        return False
    before = tm.owner_at(at - 1)
    if tm.elements[before].end > at or tm.elements[before].start < block_start:
        return False
    words = tm.text_of(before)
    return 0 < len(words) <= 14 and bool(_LABEL_BEFORE.search(" " + words))


# never a title, whatever else a block offers (a guard, not a weight): where, how to reach someone, a
# document's name, a link's or a field label's words
NEVER_TITLES = frozenset({"address", "e-mail address", "phone number", "file name", "link words", "field label"})


def choose_title(ctx: PageContext, tm: TextMap, candidates: list[TitleCandidate]) -> TitleCandidate | None:
    """The best-scoring candidate (the earlier one on a tie), among those that can be titles.

    A candidate's words are weighed (``_with_words``) only while it could still win: the score of
    its markup and place plus the most its words could add must reach the best so far. Training and
    ``--explain`` weigh every candidate whole."""
    decision = ctx.reader.title
    if ctx.observations is not None or ctx.explain:
        for c in candidates:
            _with_words(tm, c)
            c.score = decision.score(c.features)
        ranked = sorted((c for c in candidates if _may_be_title(c)), key=_rank)
        return ranked[0] if ranked else None
    lift: float | None = ctx.reader.cache.get("word lift")
    if lift is None:
        lift = ctx.reader.cache["word lift"] = decision.most(WORD_FEATURES)
    for c in candidates:
        c.score = decision.score(c.features)
    best: TitleCandidate | None = None
    for c in sorted(candidates, key=lambda c: (-c.score, c.span[0] if c.span else -1)):
        if best is not None and c.score + lift < best.score:
            break  # no word of this one, or of any after it, can lift it to the best
        _with_words(tm, c)
        c.score = decision.score(c.features)
        if _may_be_title(c) and (best is None or _rank(c) < _rank(best)):
            best = c
    return best


def _may_be_title(c: TitleCandidate) -> bool:
    return not NEVER_TITLES & c.features.keys()


def _rank(c: TitleCandidate) -> tuple[float, int]:
    return -c.score, c.span[0] if c.span else -1


def _with_words(tm: TextMap, candidate: TitleCandidate) -> TitleCandidate:
    """The candidate's word features and how often its words stand on the page (once)."""
    if candidate.weighed:
        return candidate
    candidate.weighed = True
    candidate.features.update(word_features(candidate.text))
    repeated = times_repeated(tm, candidate.text)
    if repeated >= 2:
        candidate.features["repeated"] = 1.0
    if repeated >= 5:
        candidate.features["repeated often"] = 1.0
    return candidate


def _usable(words: str, ctx: PageContext) -> bool:
    return is_title_like(words) and not only_a_date(words, ctx.languages)


@lru_cache(maxsize=16384)
def only_a_date(title: str, languages: tuple[str, ...] = ALWAYS) -> bool:
    """ "August 27, 2019" left whole in a title element: a date is no title."""
    if not any(ch.isdigit() for ch in title):
        return False
    found = find_dates(title, date(2000, 1, 1), languages=languages)  # which year matters not here
    return len(LETTERS.findall(blank(title, [d.span for d in found]))) < 3


def labels_the_date(text: str, span: tuple[int, int], removed: list[tuple[int, int]]) -> bool:
    """The words end with a colon and the date follows: "Public Hearing: July 30, 2019"."""
    after = text[span[1] : span[1] + 3]
    if not after.lstrip().startswith(":") and not text[: span[1]].rstrip().endswith(":"):
        return False
    colon = text.find(":", span[0])
    return colon >= 0 and any(0 <= s - colon <= 4 for s, _ in removed)
