"""schema.org ``Event`` in microdata (``itemscope itemtype=".../Event"`` with ``itemprop`` values)."""

from __future__ import annotations

from typing import Any

from events.extract.context import PageContext
from events.extract.structured.candidate import Candidate, clean_text, node_description, to_event
from events.extract.textmap import TextMap
from events.normalise.status import schema_availability, schema_event_status
from events.record import Event


def find_microdata_events(ctx: PageContext, tm: TextMap) -> list[Event]:
    out = []
    for scope in ctx.tree.css("[itemscope][itemtype]"):
        itemtype = scope.attrs.get("itemtype") or ""
        if not any(t.rsplit("/", 1)[-1].endswith("Event") for t in itemtype.split()):
            continue
        props = properties(scope)
        c = Candidate(
            found_by="microdata",
            element=scope,
            title=_text(props.get("name")) or _text(props.get("summary")),
            start=_value(props.get("startDate")),
            end=_value(props.get("endDate")),
            url=_value(props.get("url")),
            description=node_description(props.get("description")),
        )
        if c.start and not _looks_iso(c.start):
            c.when_text, c.start = c.start, None
        location = props.get("location")
        if location is not None:
            inner = properties(location) if "itemscope" in location.attributes else {}
            c.venue = _text(inner.get("name")) or (None if inner else _text(location))
            address = inner.get("address")
            if address is not None:
                parts = properties(address) if "itemscope" in address.attributes else {}
                if parts:
                    fields = [
                        _text(parts.get(k)) for k in ("streetAddress", "addressLocality", "addressRegion", "postalCode")
                    ]
                    c.address = ", ".join(f for f in fields if f) or None
                    c.locality = _text(parts.get("addressLocality"))
                else:
                    c.address = _text(address)
        c.event_status = schema_event_status(_value(props.get("eventStatus")))
        offers = props.get("offers")
        if offers is not None:
            availability = properties(offers).get("availability") if "itemscope" in offers.attributes else None
            c.booking = schema_availability(_value(availability))
        c.status_text = _text(scope)
        event = to_event(ctx, c)
        if event is not None:
            out.append(event)
    return out


def properties(scope: Any) -> dict[str, Any]:
    """The first element for each itemprop that belongs to this scope (not to a nested one)."""
    found: dict[str, Any] = {}
    for node in scope.css("[itemprop]"):
        owner = node.parent
        while owner is not None and "itemscope" not in owner.attributes:
            owner = owner.parent
        if owner is None or owner.mem_id != scope.mem_id:
            continue
        for name in (node.attrs.get("itemprop") or "").split():
            found.setdefault(name, node)
    return found


def _value(node: Any) -> str | None:
    if node is None:
        return None
    attrs = node.attributes
    for key in ("content", "datetime", "href", "src", "value"):
        if attrs.get(key):
            return str(attrs[key]).strip()
    return _text(node)


def _text(node: Any) -> str | None:
    if node is None:
        return None
    if node.attrs.get("content"):
        return clean_text(node.attributes["content"])
    return clean_text(node.text(separator=" "))


def _looks_iso(text: str) -> bool:
    return len(text) >= 8 and text[:4].isdigit() and text[4] == "-"
