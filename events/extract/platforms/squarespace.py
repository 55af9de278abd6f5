"""A Squarespace events collection: the collection's own data, its address with ``?format=json``.

Squarespace draws an events page from the collection, which it also serves as JSON: ``upcoming`` (and
``past``) events with ``startDate``/``endDate`` in milliseconds since 1970, ``location`` (a place's name
and address lines, coordinates), ``fullUrl``, ``assetUrl`` (its picture), ``body`` (HTML), and the site's
``website.timeZone``. Seen on a page Squarespace made (its assets, its comment) whose body is an events
collection (``collection-type-events``), never on its other pages (a summary block shows a few events
of a collection whose own page is the source to add).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.platform import Platform, named_zone
from events.extract.structured.candidate import Candidate, clean_text, description_text, to_event
from events.record import Event

NAME = "squarespace"


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    body = tree.body
    classes = ((body.attrs.get("class") or "") if body is not None else "").split()
    if "collection-type-events" not in classes or not url:
        return []
    made_by_squarespace = (
        any(
            "squarespace" in (node.attrs.get("src") or node.attrs.get("href") or "")
            for node in tree.css("script[src], link[href]")
        )
        or tree.css_first('meta[name="generator"][content*="Squarespace" i]') is not None
    )
    if not made_by_squarespace:
        return []
    parts = urlsplit(url)
    return [urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "format=json", ""))]


def next_address(text: str, url: str) -> str | None:
    data = json.loads(text)
    paging = data.get("pagination") if isinstance(data, dict) else None
    following = paging.get("nextPageUrl") if isinstance(paging, dict) and paging.get("nextPage") else None
    if not isinstance(following, str) or not following:
        return None
    address = urljoin(url, following)
    return address if "format=json" in address else f"{address}{'&' if '?' in address else '?'}format=json"


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    data = json.loads(text)
    if not isinstance(data, dict):
        return []
    website: dict[str, Any] = data["website"] if isinstance(data.get("website"), dict) else {}
    zone = named_zone(website.get("timeZone")) or ctx.zone
    items = [i for key in ("upcoming", "items", "past") for i in data.get(key) or [] if isinstance(i, dict)]
    seen, out = set(), []
    for item in items:
        key = item.get("id") or item.get("fullUrl")
        if key in seen:
            continue
        seen.add(key)
        if (event := _event(ctx, item, url, zone)) is not None:
            out.append(event)
    return out


def _event(ctx: PageContext, item: dict[str, Any], url: str, zone: ZoneInfo) -> Event | None:
    place: dict[str, Any] = item["location"] if isinstance(item.get("location"), dict) else {}
    lines = [clean_text(place.get(k)) for k in ("addressLine1", "addressLine2")]
    latitude, longitude = place.get("mapLat"), place.get("mapLng")
    candidate = Candidate(
        found_by=f"platform:{NAME}",
        title=item.get("title"),
        start=_moment(item.get("startDate"), zone),
        end=_moment(item.get("endDate"), zone),
        venue=clean_text(place.get("addressTitle")),
        address=", ".join(line for line in lines if line) or None,
        url=urljoin(url, item["fullUrl"]) if isinstance(item.get("fullUrl"), str) else None,
        description=description_text(item.get("excerpt") or item.get("body"), 2000),
        status_text=clean_text(item.get("excerpt"), 300),  # "Sold out", "Cancelled" in its summary
        image=item["assetUrl"]
        if isinstance(item.get("assetUrl"), str) and item["assetUrl"].startswith("http")
        else None,
        latitude=float(latitude) if isinstance(latitude, int | float) and (latitude or longitude) else None,
        longitude=float(longitude) if isinstance(longitude, int | float) and (latitude or longitude) else None,
    )
    return to_event(ctx, candidate)


def _picture(value: object) -> str | None:
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else None


def _moment(millis: object, zone: ZoneInfo) -> str | None:
    if not isinstance(millis, int | float) or isinstance(millis, bool):
        return None
    return datetime.fromtimestamp(millis / 1000, UTC).astimezone(zone).isoformat(timespec="seconds")


PLATFORM = Platform(
    name=NAME, title="Squarespace events", expect="json", detect=detect, read=read, next_address=next_address
)
