"""h-event microformats (and the older hCalendar ``vevent``): ``p-name``, ``dt-start``, ``p-location``."""

from __future__ import annotations

from typing import Any

from events.extract.context import PageContext
from events.extract.structured.candidate import Candidate, clean_text, node_description, to_event
from events.extract.textmap import TextMap
from events.record import Event

_ROOTS = ".h-event, .vevent"


def find_hevent_events(ctx: PageContext, tm: TextMap) -> list[Event]:
    out = []
    for root in ctx.tree.css(_ROOTS):
        c = Candidate(
            found_by="h-event",
            element=root,
            title=_text(root, ".p-name, .summary"),
            venue=_text(root, ".p-location, .location"),
            description=node_description(_first(root, ".p-summary, .p-description, .description")),
            url=_href(root),
            status_text=clean_text(root.text(separator=" ")),
        )
        start = _time(root, ".dt-start, .dtstart")
        end = _time(root, ".dt-end, .dtend")
        if start and start[:4].isdigit():
            c.start, c.end = start, end if end and end[:4].isdigit() else None
        else:
            c.when_text = start
        event = to_event(ctx, c)
        if event is not None:
            out.append(event)
    return out


def _first(root: Any, selector: str) -> Any:
    return root.css_first(selector)


def _text(root: Any, selector: str) -> str | None:
    node = _first(root, selector)
    if node is None:
        return None
    return clean_text(node.attrs.get("title") or node.text(separator=" "))


def _time(root: Any, selector: str) -> str | None:
    node = _first(root, selector)
    if node is None:
        return None
    value_node = node.css_first(".value-title, .value")
    for candidate in (node, value_node):
        if candidate is None:
            continue
        for key in ("datetime", "title", "content"):
            if candidate.attrs.get(key):
                return str(candidate.attributes[key]).strip()
    return clean_text(node.text(separator=" "))


def _href(root: Any) -> str | None:
    node = root.css_first(".u-url, a.url") or (root if root.tag == "a" else None)
    return node.attrs.get("href") if node is not None else None
