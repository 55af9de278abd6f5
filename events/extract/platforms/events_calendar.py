"""The Events Calendar (WordPress, "tribe" events): its REST API, ``/wp-json/tribe/events/v1/events``.

Its list and month views are often drawn by JavaScript, or show a month at a time; the API gives every
coming event with its zone, venue, categories and picture, 50 to a page with the next page's address.
Seen on the plugin's own views of events (never on other pages of a site that has it, nor on one
event's page) from the page's ``<link rel="alternate">`` to the API, its ``tec-api-origin`` meta, or
the plugin's own files beside WordPress's API link. Field names: the plugin's REST documentation
(``tribe/events/v1``: ``start_date``/``utc_start_date``, ``all_day``, ``timezone``, ``venue``,
``categories``, ``image``, ``next_rest_url``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.platform import Platform, named_zone, uses_files, utc_on_clock
from events.extract.structured.candidate import Candidate, clean_text, description_text, to_event
from events.record import Event

NAME = "events-calendar"
_API = "tribe/events/v1/"
_PLUGIN = "/wp-content/plugins/the-events-calendar/"
PER_PAGE = 50


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    """The API's events address, when the page is one of the plugin's views of events (a list, a
    month, a day): the plugin announces its API on every page of the site, and a page about something
    else, or one event's own page, is not the site's events."""
    if not _events_view(tree):
        return []
    for link in tree.css('link[rel="alternate"][href]'):
        href = (link.attrs.get("href") or "").strip()
        if _API in href:
            return [_events_address(urljoin(url, href[: href.index(_API) + len(_API)]))]
    for meta in tree.css('meta[name="tec-api-origin"][content]'):
        origin = (meta.attrs.get("content") or "").strip()
        if urlsplit(origin).scheme in ("http", "https"):
            return [_events_address(origin.rstrip("/") + "/wp-json/" + _API)]
    uses_plugin = uses_files(tree, _PLUGIN)
    api = tree.css_first('link[rel="https://api.w.org/"][href]')
    if uses_plugin and api is not None:
        root = urljoin(url, (api.attrs.get("href") or "").strip())
        if "?rest_route=" in root:  # a site without pretty links: /?rest_route=/tribe/...
            return [f"{root.rstrip('/')}/{_API}events&per_page={PER_PAGE}"]
        return [_events_address(root.rstrip("/") + "/" + _API)]
    return []


def _events_view(tree: LexborHTMLParser) -> bool:
    body = tree.body
    classes = set(((body.attrs.get("class") or "") if body is not None else "").split())
    if "single-tribe_events" in classes or tree.css_first(".tribe-events-single") is not None:
        return False
    if "post-type-archive-tribe_events" in classes:
        return True
    return tree.css_first(".tribe-events-view, #tribe-events, .tribe-events-calendar, .tribe-events-loop") is not None


def _events_address(api: str) -> str:
    return f"{api}events?per_page={PER_PAGE}"


def next_address(text: str, url: str) -> str | None:
    data = json.loads(text)
    following = data.get("next_rest_url") if isinstance(data, dict) else None
    return urljoin(url, following) if isinstance(following, str) and following else None


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    data = json.loads(text)
    items = data.get("events") if isinstance(data, dict) else None
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and (event := _event(ctx, item, url)) is not None:
            out.append(event)
    return out


def _event(ctx: PageContext, item: dict[str, Any], url: str) -> Event | None:
    zone = named_zone(item.get("timezone")) or ctx.zone
    all_day = item.get("all_day") is True
    venue: dict[str, Any] = item["venue"] if isinstance(item.get("venue"), dict) else {}
    image: dict[str, Any] = item["image"] if isinstance(item.get("image"), dict) else {}
    status = str(item.get("event_status") or item.get("tribe_events_status") or "")
    candidate = Candidate(
        found_by=f"platform:{NAME}",
        title=item.get("title"),
        start=_moment(item, "start", zone, all_day),
        end=_moment(item, "end", zone, all_day),
        venue=clean_text(venue.get("venue")),
        address=", ".join(
            str(part) for part in (venue.get("address"), venue.get("zip")) if isinstance(part, str) and part.strip()
        )
        or None,
        locality=clean_text(venue.get("city")),
        online=item.get("is_virtual") is True,
        url=urljoin(url, item["url"]) if isinstance(item.get("url"), str) else None,
        description=description_text(item.get("description") or item.get("excerpt")),
        status_text=" ".join(s for s in (status.replace("canceled", "cancelled"), clean_text(item.get("cost"))) if s)
        or None,
        image=urljoin(url, image["url"]) if isinstance(image.get("url"), str) else None,
        image_alt=clean_text(image.get("alt")),
    )
    event = to_event(ctx, candidate)
    if event is None:
        return None
    categories = tuple(
        name for c in item.get("categories") or [] if isinstance(c, dict) and (name := clean_text(c.get("name")))
    )
    return _with(event, categories)


def _with(event: Event, categories: tuple[str, ...]) -> Event:
    from dataclasses import replace

    return replace(event, categories=tuple(dict.fromkeys((*event.categories, *categories)))) if categories else event


def _moment(item: dict[str, Any], which: str, zone: ZoneInfo, all_day: bool) -> str | None:
    """ISO text of a start or end: the day of an all-day event; a time from its UTC form in the event's
    zone (the local form is ambiguous on the night the clocks go back)."""
    local = item.get(f"{which}_date")
    if not isinstance(local, str) or len(local) < 10:
        return None
    if all_day:
        return local[:10]
    utc = item.get(f"utc_{which}_date")
    if isinstance(utc, str) and len(utc) >= 19:
        return utc_on_clock(utc, zone)
    return datetime.fromisoformat(local[:19]).replace(tzinfo=zone).isoformat(timespec="seconds")


PLATFORM = Platform(
    name=NAME,
    title="The Events Calendar (WordPress)",
    expect="json",
    detect=detect,
    read=read,
    next_address=next_address,
)
