"""What a page is about, as evidence for the event decision: an event's own page names its event in
its main heading and dates it near the top; the "related", "you may also like" and sidebar events it
also shows are other events' teasers, not its events.

Each block's reading gets features from the page as a whole, so this runs once all blocks are read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from events.extract.context import PageContext
from events.extract.text.kinds import section_heading
from events.extract.textmap import TextMap

if TYPE_CHECKING:
    from events.extract.text.block_reading import Reading

_RELATED = re.compile(
    r"\b(?:related|similar|more|other|also|recommended|upcoming|next|see\s+also|you\s+might|you\s+may)\b", re.I
)
_ASIDE_TAGS = frozenset({"aside", "nav", "footer"})
_PAGE_TAGS = frozenset({"body", "html", "main"})
# "widget" is left out: page builders (Elementor) call every block of a page a widget
_ASIDE_NAMES = re.compile(r"(?:^|[\s_-])(?:sidebar|side-bar|related|footer|recommend\w*)(?:$|[\s_-])", re.I)


def page_evidence(ctx: PageContext, tm: TextMap, readings: Sequence[Reading]) -> list[dict[str, float]]:
    """For each reading, what the page around it says: whether its title is the page's main heading,
    whether the page belongs to another event, whether it is the first block after that heading,
    and whether it stands in a section of related events or in a sidebar."""
    heading = main_heading(tm)
    out: list[dict[str, float]] = [{} for _ in readings]
    if heading is not None:
        at, words = heading
        after = sorted(
            (i for i, r in enumerate(readings) if tm.elements[r.block.index].start >= at),
            key=lambda i: tm.elements[readings[i].block.index].start,
        )
        # an event's own page: the first block after its main heading bears the heading's title, read
        # from the block itself (a table's rows named after the heading above them are no such event)
        first = readings[after[0]] if after else None
        if first is not None and _own_title(first) and same_words(first.event.title, words):
            for i, features in enumerate(out):
                if i == after[0]:
                    features["the event the page is about"] = 1.0
                else:
                    features["on another event's page"] = 1.0
    for r, features in zip(readings, out, strict=True):
        index = r.block.index
        above = section_heading(tm, index)
        if above is not None and _RELATED.search(above):
            features["under a heading of other events"] = 1.0
        if _in_aside(tm, index):
            features["in a sidebar"] = 1.0
    return out


def _own_title(reading: Reading) -> bool:
    """A title read from the block's own lines, not borrowed from the heading above it or its table."""
    chosen = reading.chosen
    return reading.named_by == "candidate" and chosen is not None and "kind: heading above" not in chosen.features


def main_heading(tm: TextMap) -> tuple[int, str] | None:
    """The page's one ``<h1>`` with words: where it starts and what it says. A page with several (a
    listing that sets every event's name in an ``<h1>``) has no main heading."""
    found = None
    for el in tm.elements:
        if el.tag == "h1" and el.end > el.start:
            words = tm.text[el.start : el.end].strip()
            if not 3 <= len(words) <= 200:
                continue
            if found is not None:
                return None
            found = (el.start, words)
    return found


def same_words(a: str, b: str) -> bool:
    x, y = _norm(a), _norm(b)
    if not x or not y:
        return False
    return x == y or (
        min(len(x), len(y)) >= 8 and (x in y or y in x) and max(len(x), len(y)) <= 2 * min(len(x), len(y))
    )


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _in_aside(tm: TextMap, index: int) -> bool:
    cache = tm.cache.setdefault("asides", {})
    if index in cache:
        return bool(cache[index])
    el = tm.elements[index]
    if el.tag in _PAGE_TAGS or el.parent < 0:
        found = False  # the page's own classes say how it is laid out ("has-sidebar"), not where this is
    elif el.tag in _ASIDE_TAGS:
        found = True
    else:
        attrs = el.node.attrs
        names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        found = bool(_ASIDE_NAMES.search(names)) or _in_aside(tm, el.parent)
    cache[index] = found
    return found
