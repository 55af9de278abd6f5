"""schema.org ``Event`` (and subtypes) in JSON-LD: the most trustworthy source on a page.

Handles ``@graph``, ``ItemList``, arrays, nested ``location``/``offers``, ``eventStatus``,
``eventAttendanceMode`` and ``previousStartDate``. A malformed block is repaired where that is safe
(trailing commas, comments, raw control characters) and otherwise skipped: it never hides the good
blocks beside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from events.extract.context import PageContext
from events.extract.structured.candidate import Candidate, clean_text, description_text, iso_duration, to_event
from events.extract.textmap import TextMap
from events.normalise.status import schema_availability, schema_event_status
from events.record import Event

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_MAX_DEPTH = 40


def find_jsonld_events(ctx: PageContext, tm: TextMap) -> list[Event]:
    out = []
    for node in ctx.tree.css("script"):
        kind = (node.attrs.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        data = _load(node.text(deep=True) or "")
        if data is None:
            continue
        for item in _events_in(data, 0):
            event = to_event(ctx, _candidate(item, ctx.today))
            if event is not None:
                out.append(event)
    return out


def _load(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def is_event_type(value: Any) -> bool:
    types = value if isinstance(value, list) else [value]
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1].endswith("Event") for t in types)


def _events_in(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _events_in(item, depth + 1)
    elif isinstance(data, dict):
        if is_event_type(data.get("@type")):
            yield data
            return
        for key in ("@graph", "itemListElement", "item", "mainEntity", "subjectOf", "event", "events"):
            if key in data:
                yield from _events_in(data[key], depth + 1)


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _iso_day(value: str) -> bool:
    return len(value) == 10 and value[4] == "-" and value[7] == "-" and value.replace("-", "").isdigit()


def _candidate(item: dict[str, Any], today: date) -> Candidate:
    c = Candidate(
        found_by="jsonld",
        title=clean_text(item.get("name")) or clean_text(item.get("headline")),
        start=_str(item.get("startDate")),
        end=_str(item.get("endDate")),
        url=_str(_first(item.get("url"))) or _web_id(item.get("@id")),
        description=description_text(item.get("description")),
        duration=iso_duration(item.get("duration")),
        image=_image(item.get("image")),
        image_alt=_image_alt(item.get("image")),
    )
    _location(c, item.get("location"))
    mode = str(item.get("eventAttendanceMode") or "")
    if "Online" in mode and "Mixed" not in mode:
        c.online = True
    status = schema_event_status(_str(item.get("eventStatus")))
    if status is None and item.get("previousStartDate"):
        status = "rescheduled"
    c.event_status = status
    offers = item.get("offers")
    offer = _first(offers) if isinstance(offers, list | dict) else None
    if isinstance(offer, dict):
        c.booking = schema_availability(_str(offer.get("availability")))
        opens = (_str(offer.get("validFrom")) or "")[:10]
        if _iso_day(opens) and opens > today.isoformat() and c.booking in (None, "open", "soon"):
            c.booking = "soon"  # on sale from a day still to come, whatever the availability says
        c.booking_opens = (opens or None) if c.booking == "soon" else None
        if not c.url:
            c.url = _str(offer.get("url"))
    return c


def _location(c: Candidate, location: Any) -> None:
    for place in location if isinstance(location, list) else [location]:
        if isinstance(place, str):
            c.venue = c.venue or place
            continue
        if not isinstance(place, dict):
            continue
        if is_event_type(place.get("@type")) or "VirtualLocation" in str(place.get("@type")):
            c.online = True
            continue
        c.venue = c.venue or clean_text(place.get("name"))
        geo = place.get("geo")
        if isinstance(geo, dict) and c.latitude is None:
            c.latitude, c.longitude = _coordinate(geo.get("latitude"), 90), _coordinate(geo.get("longitude"), 180)
        address = place.get("address")
        if isinstance(address, dict):
            parts = [
                clean_text(address.get(k)) for k in ("streetAddress", "addressLocality", "addressRegion", "postalCode")
            ]
            c.address = c.address or ", ".join(p for p in parts if p) or None
            c.locality = c.locality or clean_text(address.get("addressLocality"))
        elif isinstance(address, str):
            c.address = c.address or clean_text(address)


def _coordinate(value: Any, limit: float) -> float | None:
    """A latitude (limit 90) or longitude (180) as a number, whether written as one or as text."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, 6) if -limit <= number <= limit and number == number else None


def _image(value: Any) -> str | None:
    """``"image": "…jpg"``, an ``ImageObject`` or a list of either: the first picture's URL."""
    first = _first(value) if isinstance(value, list) else value
    if isinstance(first, dict):
        first = first.get("url") or first.get("contentUrl")
    return _str(_first(first) if isinstance(first, list) else first)


def _image_alt(value: Any) -> str | None:
    """What the first picture shows, when the page says: an ``ImageObject``'s caption, name or description."""
    first = _first(value) if isinstance(value, list) else value
    if not isinstance(first, dict):
        return None
    words = _str(first.get("caption") or first.get("name") or first.get("description"))
    return " ".join(words.split())[:300] if words else None


def _web_id(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else None


def _str(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("@value")
    return value.strip() if isinstance(value, str) and value.strip() else None
