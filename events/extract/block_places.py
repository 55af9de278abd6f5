"""Where a block's event is: an element the site labels as the place, words that name a kind of
place, or a proper name set off in a meta line ("12 March · Manchester Central")."""

from __future__ import annotations

import re

from events.extract.block_titles import GENERIC_LINK
from events.extract.blocks import META_SEPARATOR, Block
from events.extract.textmap import TextMap
from events.normalise.places import looks_like_venue, tidy_place

_PLACE_CLASS = re.compile(r"(?:^|[\s_-])(?:venue|location|address|where|place)(?:$|[\s_-])", re.IGNORECASE)
_NAME_WORD = r"(?:[A-Z0-9][\w'’.&-]*,?|&|of|the|and|at|on|upon|de|la)"
PROPER_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}$")
_ALL_DAY = re.compile(r"\ball[\s-]day\b", re.IGNORECASE)
SENTENCE = re.compile(r"[a-z]{2,}[.!?](?:\s|$)")


def find_place_element(tm: TextMap, block: Block) -> int | None:
    """An element the site itself labels as the place (class "venue", "location", "address")."""
    for i in block.inner(tm):
        el = tm.elements[i]
        if el.end > el.start and _PLACE_CLASS.search(el.node.attributes.get("class") or ""):
            return i
    return None


def venue_in(
    text: str, segments: list[tuple[int, int]], title_span: tuple[int, int], documents: list[tuple[int, int]] = ()
) -> str | None:
    """The first segment naming a kind of place; never the title, nor the name of a linked document
    ("Town Hall Agenda (pdf)")."""
    rest = [
        (s, e)
        for s, e in segments
        if not (s >= title_span[0] and e <= title_span[1]) and not any(ds <= s and e <= de for ds, de in documents)
    ]
    for strong in (True, False):
        for s, e in rest:
            piece = text[s:e].rstrip(" .")
            if looks_like_venue(piece, strong=strong) and len(piece.split()) <= 12 and not SENTENCE.search(piece):
                return tidy_place(piece)
    for s, e in rest:  # "12 March · Manchester Central": a proper name set off by a separator is the place
        piece = text[s:e].strip()
        beside = text[max(0, s - 3) : s] + text[e : e + 3]
        if (
            META_SEPARATOR.search(beside)
            and PROPER_NAME.match(piece)
            and not _ALL_DAY.search(piece)
            and not GENERIC_LINK.match(piece)
        ):
            return tidy_place(piece)
    return None
