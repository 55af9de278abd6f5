"""A Localist calendar (universities, cities, many US public bodies): its public API on the calendar's
own host, ``/api/2/events`` (a year ahead, 100 to a page), each event with every occurrence
(``event_instances``), its place, picture, status and link. Seen on the calendar's own pages
(Localist's files, its generator meta or its "Powered by Localist" link, beside events), never on one
event's page.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.platform import Platform
from events.extract.structured.candidate import Candidate, clean_text, description_text, to_event
from events.record import Event

NAME = "localist"
PER_PAGE, DAYS = 100, 365


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    parts = urlsplit(url)
    if not url or "/event/" in (parts.path or ""):
        return []
    files = (n.attrs.get("src") or n.attrs.get("href") or "" for n in tree.css("script[src], link[href]"))
    made_by_localist = (
        any("localist" in f.lower() for f in files)
        or tree.css_first('meta[name="generator"][content*="Localist" i]') is not None
        or tree.css_first('a[href*="//www.localist.com"], a[href*="//localist.com"]') is not None  # "Powered by"
    )
    if not made_by_localist or tree.css_first('[class*="event"], [id*="event"]') is None:
        return []
    return [f"{parts.scheme}://{parts.netloc}/api/2/events?days={DAYS}&pp={PER_PAGE}&page=1"]


def next_address(text: str, url: str) -> str | None:
    data = json.loads(text)
    page = data.get("page") if isinstance(data, dict) else None
    if not isinstance(page, dict) or not isinstance(page.get("current"), int) or not isinstance(page.get("total"), int):
        return None
    current = page["current"]
    return url.replace(f"&page={current}", f"&page={current + 1}") if current < page["total"] else None


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    data = json.loads(text)
    out = []
    for wrapper in data.get("events") or [] if isinstance(data, dict) else []:
        event = wrapper.get("event") if isinstance(wrapper, dict) else None
        if isinstance(event, dict):
            out.extend(_occurrences(ctx, event))
    return out


def _occurrences(ctx: PageContext, item: dict[str, Any]) -> list[Event]:
    geo: dict[str, Any] = item["geo"] if isinstance(item.get("geo"), dict) else {}
    status = str(item.get("status") or "")
    base = Candidate(
        found_by=f"platform:{NAME}",
        title=item.get("title"),
        venue=clean_text(item.get("location_name") or item.get("location")),
        address=clean_text(item.get("address")),
        locality=clean_text(geo.get("city")),
        online=item.get("experience") == "virtual",
        url=item.get("localist_url") or item.get("url"),
        description=description_text(item.get("description_text") or item.get("description")),
        status_text=status.replace("canceled", "cancelled") or None,
        image=item.get("photo_url") if isinstance(item.get("photo_url"), str) else None,
        latitude=_number(geo.get("latitude")),
        longitude=_number(geo.get("longitude")),
    )
    out = []
    for entry in item.get("event_instances") or []:
        instance = entry.get("event_instance", entry) if isinstance(entry, dict) else None
        if not isinstance(instance, dict) or not isinstance(instance.get("start"), str):
            continue
        start, end = instance["start"], instance.get("end") if isinstance(instance.get("end"), str) else None
        if instance.get("all_day") is True:
            start, end = start[:10], end[:10] if end else None
        event = to_event(ctx, replace(base, start=start, end=end))
        if event is not None:
            out.append(event)
    return out


def _number(value: object) -> float | None:
    try:
        return float(value) if value not in (None, "") else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


PLATFORM = Platform(
    name=NAME, title="Localist calendar", expect="json", detect=detect, read=read, next_address=next_address
)
