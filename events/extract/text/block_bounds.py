"""Where a date's block begins and ends: from the date's own element, widened while the wider element holds
no other day (a card, a row); split when one day's cell holds several titled items or a playbill's
timed sessions; extended over the siblings a lone date heading heads."""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from events.extract.text.anchors import Anchor
from events.extract.text.blocks import HEADINGS, LETTERS, Block, blank, shift
from events.extract.text.tables import table_columns
from events.extract.textmap import TextMap
from events.normalise.times import find_times

MAX_BLOCK = 600  # characters: a card, a row or a banner, never an article
_STOP_CLIMB = frozenset({"body", "html", "main"})


def block_shape(tm: TextMap, index: int) -> tuple[str, str, int]:
    el = tm.elements[index]
    return el.tag, el.node.attrs.get("class") or "", el.depth


def block_for(tm: TextMap, match: Anchor, dates: list[Anchor], starts: list[int]) -> int:
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


def split_same_day(tm: TextMap, block: Block) -> list[Block]:
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


def sessions(tm: TextMap, block: Block) -> list[Block]:
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


def extend_block(tm: TextMap, block: Block, anchors: list[Anchor], starts: list[int]) -> None:
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
