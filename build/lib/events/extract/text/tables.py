"""Tables of events: which column holds the title, the venue, the booking or the kind of meeting, by
its header, and what a booking column's one word means."""

from __future__ import annotations

import re
from datetime import date

from selectolax.lexbor import LexborNode as Node

from events.extract.textmap import TextMap
from events.normalise.status import Booking, find_booking

_TITLE_COLUMN = re.compile(r"\b(?:name|title|meeting|event|subject|description|body|committee|what)\b")
_BOOKING_COLUMN = re.compile(r"\b(?:booking|bookings|tickets?|registration|availability|places)\b")
_VENUE_COLUMN = re.compile(r"\b(?:location|venue|where|place|address)\b")
_KIND_COLUMN = re.compile(r"^(?:meeting\s+|event\s+)?(?:type|kind|category)$")
_WHEN_COLUMN = re.compile(r"\b(?:date|time|when|day)\b")
_HEADER_WORDS = (_TITLE_COLUMN, _BOOKING_COLUMN, _VENUE_COLUMN, _KIND_COLUMN, _WHEN_COLUMN)


def table_columns(tm: TextMap, index: int) -> dict[str, int]:
    """For a table row, the cells whose column header says what they hold: title, venue, booking, or
    the kind of meeting ("Type: Regular"), which qualifies a title rather than being one."""
    row = tm.elements[index]
    if row.tag != "tr":
        return {}
    table = row.node.parent
    while table is not None and table.tag != "table":
        table = table.parent
    if table is None:
        return {}
    labels = tm.cache.get(table.mem_id)
    if labels is None:
        # the header row that names the most columns (grids put pager and filter rows in thead too)
        rows = table.css("thead tr") or [tr for tr in table.css("tr")[:5] if tr.css_first("th")]
        named = [_cells(tr) for tr in rows]
        labels = max(named, key=lambda cells: sum(1 for c in cells if c), default=[])
        if not any(labels):  # a header written as an ordinary row: "Meeting Date | Type | Attachments"
            named = [_cells(tr) for tr in table.css("tr")[:6]]
            labels = next((cells for cells in named if _looks_like_header(cells)), [])
        tm.cache[table.mem_id] = labels
    if not labels:
        return {}
    cells = [i for i in tm.descendants(index) if tm.elements[i].tag in ("td", "th") and tm.elements[i].parent == index]
    roles: dict[str, int] = {}
    for label, cell in zip(labels, cells, strict=False):
        if "kind" not in roles and _KIND_COLUMN.match(label):
            roles["kind"] = cell
        elif "venue" not in roles and _VENUE_COLUMN.search(label):  # "Meeting Location" is a place
            roles["venue"] = cell
        elif "title" not in roles and _TITLE_COLUMN.search(label) and not _WHEN_COLUMN.search(label):
            roles["title"] = cell
        elif "booking" not in roles and _BOOKING_COLUMN.search(label):
            roles["booking"] = cell
    return roles


def _cells(row: Node) -> list[str]:
    return [" ".join((c.text(separator=" ") or "").split()).lower() for c in row.css("th, td")]


def _looks_like_header(cells: list[str]) -> bool:
    said = [c for c in cells if c]
    known = [c for c in said if any(p.search(c) for p in _HEADER_WORDS)]
    return len(known) >= 2 and not any(ch.isdigit() for c in said for ch in c)


def booking_column(tm: TextMap, cell: int, today: date) -> Booking:
    """A "Booking" column saying just "Open" or "Full": read with its header, it says booking is open
    or the event is full; the site's own word is the label."""
    said_text = tm.text_of(cell)
    said = find_booking(f"booking {said_text}", today)
    if said.state == "none" and re.fullmatch(r"\W*full\W*", said_text, re.IGNORECASE):
        said = find_booking("fully booked", today)
    if said.state == "none":
        return said
    return Booking(said.state, said_text.strip() or said.label, said.opens, None)
