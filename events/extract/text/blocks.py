"""A block of a page (a card, a row, a banner, or a date heading with the lines under it) and the
spans of its text: what is cut out (dates, times, status words) and the segments that are left."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from events.extract.text.anchors import Anchor
from events.extract.textmap import TextMap

LABEL = re.compile(
    r"^(?:date|dates|time|times|when|where|venue|location|status|price|cost|"
    r"event|category|type|starts?|ends?|start\s+date|end\s+date|finish(?:es)?|from|until)s?\s*:?\s*$",
    re.IGNORECASE,
)
LETTERS = re.compile(r"[^\W\d_]")
# "Awards night – 20 September – The Lowry, Salford"; "Harrogate Convention Centre. Early bird rate …"
META_SEPARATOR = re.compile(r"\s[·•|–—]\s|(?<=[a-z]{3})\.\s+(?=[A-Z])")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass
class Block:
    index: int
    dates: list[Anchor]
    extra: list[int] = field(default_factory=list)  # following siblings that belong to it

    def span(self, tm: TextMap) -> tuple[int, int]:
        last = tm.elements[self.extra[-1]] if self.extra else tm.elements[self.index]
        return tm.elements[self.index].start, last.end

    def roots(self) -> list[int]:
        return [self.index, *self.extra]

    def inner(self, tm: TextMap) -> list[int]:
        """Every element of the block, in document order (worked out once: several readings ask)."""
        key = ("inner", self.index, len(self.extra))
        found = tm.cache.get(key)
        if found is None:
            found = tm.cache[key] = []
            for root in self.roots():
                found.append(root)
                found.extend(tm.descendants(root))
        return list(found)


def shift(span: tuple[int, int], by: int) -> tuple[int, int]:
    return span[0] + by, span[1] + by


def overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        chars[s:e] = "\n" * (e - s)
    return "".join(chars)


def text_segments(tm: TextMap, start: int, end: int, removed: list[tuple[int, int]]) -> list[tuple[int, int]]:
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
        for m in META_SEPARATOR.finditer(text, s, e):
            split.append((pos, m.start()))
            pos = m.end()
        split.append((pos, e))
    cleaned = []
    for s, e in split:
        piece = text[s:e]
        lead = len(piece) - len(piece.lstrip(" ,;:|-–—•·"))
        trail = len(piece) - len(piece.rstrip(" ,;:|-–—•·"))
        s, e = s + lead, e - trail
        if e > s and LETTERS.search(text[s:e]) and not LABEL.match(text[s:e]):
            cleaned.append((s, e))
    return cleaned


def cut(text: str, span: tuple[int, int], removed: list[tuple[int, int]]) -> str:
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
