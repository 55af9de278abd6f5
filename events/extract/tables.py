"""Tables of events: which column holds the title, the venue or the booking, by its header."""

from __future__ import annotations

import re

from events.extract.textmap import TextMap

_TITLE_COLUMN = re.compile(r"\b(?:name|title|meeting|event|subject|description|body|committee|what)\b")
_BOOKING_COLUMN = re.compile(r"\b(?:booking|bookings|tickets?|registration|availability|places)\b")
_VENUE_COLUMN = re.compile(r"\b(?:location|venue|where|place|address)\b")


def table_columns(tm: TextMap, index: int) -> dict[str, int]:
    """For a table row, the cells whose column header says what they hold: title or venue."""
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
        named = [[" ".join((c.text(separator=" ") or "").split()).lower() for c in tr.css("th, td")] for tr in rows]
        labels = max(named, key=lambda cells: sum(1 for c in cells if c), default=[])
        tm.cache[table.mem_id] = labels
    if not labels:
        return {}
    cells = [i for i in tm.descendants(index) if tm.elements[i].tag in ("td", "th") and tm.elements[i].parent == index]
    roles: dict[str, int] = {}
    for label, cell in zip(labels, cells, strict=False):
        if "title" not in roles and _TITLE_COLUMN.search(label):
            roles["title"] = cell
        elif "venue" not in roles and _VENUE_COLUMN.search(label):
            roles["venue"] = cell
        elif "booking" not in roles and _BOOKING_COLUMN.search(label):
            roles["booking"] = cell
    return roles
