"""Wix events: the data a Wix page keeps for its events widget, ``<script id="wix-warmup-data">``, read
from the page itself (no request). The widget draws its list with JavaScript, so the page's text shows
nothing of it. The events app's data (``appsWarmupData["140603ad-…"][<widget>]``) holds ``events.events``
(``id``, ``title``, ``slug``, ``location``, ``scheduling.config`` with ``startDate``/``endDate`` in UTC
and ``timeZoneId``, ``mainImage``, ``status``) and ``dates.events[<id>]`` (``startDateISOFormatNotUTC``,
``endDateISOFormatNotUTC``: the local clock with its offset), as public code that reads them shows.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.platform import Platform, named_zone, utc_on_clock
from events.extract.structured.candidate import Candidate, clean_text, description_text, to_event
from events.record import Event

NAME = "wix"
EVENTS_APP = "140603ad-af8d-84a5-2c80-a0f60cb47351"  # Wix Events' application id


def shows(tree: LexborHTMLParser) -> bool:
    node = tree.css_first("script#wix-warmup-data")
    return node is not None and EVENTS_APP in (node.text() or "")


def in_page(ctx: PageContext, tree: LexborHTMLParser) -> list[Event]:
    node = tree.css_first("script#wix-warmup-data")
    text = node.text() if node is not None else ""
    if EVENTS_APP not in text:
        return []
    warm = json.loads(text)
    app = (warm.get("appsWarmupData") or {}).get(EVENTS_APP) if isinstance(warm, dict) else None
    out: list[Event] = []
    seen: set[str] = set()
    for widget in app.values() if isinstance(app, dict) else []:
        if not isinstance(widget, dict):
            continue
        listing: dict[str, Any] = widget["events"] if isinstance(widget.get("events"), dict) else {}
        dates = widget["dates"].get("events") if isinstance(widget.get("dates"), dict) else {}
        for item in listing.get("events") or []:
            if not isinstance(item, dict) or str(item.get("id")) in seen:
                continue
            seen.add(str(item.get("id")))
            when = dates.get(item.get("id")) if isinstance(dates, dict) else None
            event = _event(ctx, item, when if isinstance(when, dict) else {})
            if event is not None:
                out.append(event)
    return out


def _event(ctx: PageContext, item: dict[str, Any], when: dict[str, Any]) -> Event | None:
    scheduling: dict[str, Any] = item["scheduling"] if isinstance(item.get("scheduling"), dict) else {}
    config: dict[str, Any] = scheduling["config"] if isinstance(scheduling.get("config"), dict) else {}
    if config.get("scheduleTbd") is True:
        return None  # "date to be announced": no day to put in a calendar
    place: dict[str, Any] = item["location"] if isinstance(item.get("location"), dict) else {}
    full: dict[str, Any] = place["fullAddress"] if isinstance(place.get("fullAddress"), dict) else {}
    image: dict[str, Any] = item["mainImage"] if isinstance(item.get("mainImage"), dict) else {}
    slug = item.get("slug")
    page = urlsplit(ctx.url or "")
    status = str(item.get("status") or "")
    candidate = Candidate(
        found_by=f"platform:{NAME}",
        title=item.get("title"),
        start=when.get("startDateISOFormatNotUTC") or _local(config.get("startDate"), config.get("timeZoneId")),
        end=when.get("endDateISOFormatNotUTC") or _local(config.get("endDate"), config.get("timeZoneId")),
        venue=clean_text(place.get("name")),
        address=clean_text(place.get("address") or full.get("formattedAddress")),
        locality=clean_text(full.get("city")),
        online=place.get("type") == "ONLINE" or _on(item.get("onlineConferencing")),
        url=f"{page.scheme}://{page.netloc}/event-details/{slug}" if isinstance(slug, str) and page.netloc else None,
        description=description_text(item.get("description") or item.get("about")),
        status_text="Cancelled" if status.upper() in ("CANCELED", "CANCELLED") else None,
        image=image.get("url") if isinstance(image.get("url"), str) else None,
    )
    return to_event(ctx, candidate)


def _on(conferencing: object) -> bool:
    return isinstance(conferencing, dict) and conferencing.get("enabled") is True


def _local(utc: object, zone_name: object) -> str | None:
    """A UTC ``startDate`` on the event's own clock, when the page has no local form of it."""
    if not isinstance(utc, str) or len(utc) < 19:
        return None
    return utc_on_clock(utc, named_zone(zone_name))


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    return []  # nothing to fetch: the data is in the page (``in_page``)


PLATFORM = Platform(
    name=NAME,
    title="Wix events",
    expect="json",
    detect=detect,
    read=lambda ctx, text, url: [],
    in_page=in_page,
    shows=shows,
)
