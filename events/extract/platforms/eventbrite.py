"""An Eventbrite organiser's page (``www.eventbrite.<country>/o/<name>-<id>``): the organiser's coming
events from the same host's listing data, ``/org/<id>/showmore/?page_size=50&type=future&page=N``, which
the page itself draws its list from with JavaScript (``data.events``: ``name.text``, ``start``/``end``
with ``utc``, ``local`` and ``timezone``, ``venue``, ``url``, ``logo``; ``data.has_next_page``)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.platform import Platform, named_zone, utc_on_clock
from events.extract.structured.candidate import Candidate, clean_text, description_text, to_event
from events.record import Event

NAME = "eventbrite"
_HOST = re.compile(r"^(?:www\.)?eventbrite\.(?:com|co\.uk|ca|com\.au|ie|co\.nz|de|fr|es|it|nl|com\.mx)$")
_ORGANISER = re.compile(r"^/o/[^/]*?-?(\d{5,})/?$")
PER_PAGE = 50


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    parts = urlsplit(url)
    if not _HOST.match((parts.hostname or "").lower()):
        return []
    organiser = _ORGANISER.match(parts.path or "")
    if organiser is None:
        return []
    return [
        f"{parts.scheme}://{parts.netloc}/org/{organiser.group(1)}/showmore/?page_size={PER_PAGE}&type=future&page=1"
    ]


def next_address(text: str, url: str) -> str | None:
    data = json.loads(text)
    listing = data.get("data") if isinstance(data, dict) else None
    if not isinstance(listing, dict) or listing.get("has_next_page") is not True:
        return None
    page = re.search(r"[?&]page=(\d+)", url)
    return re.sub(r"([?&]page=)\d+", rf"\g<1>{int(page.group(1)) + 1}", url) if page else None


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    data = json.loads(text)
    listing = data.get("data") if isinstance(data, dict) else None
    events = listing.get("events") if isinstance(listing, dict) else None
    out = []
    for item in events if isinstance(events, list) else []:
        if isinstance(item, dict) and (event := _event(ctx, item)) is not None:
            out.append(event)
    return out


def _event(ctx: PageContext, item: dict[str, Any]) -> Event | None:
    venue: dict[str, Any] = item["venue"] if isinstance(item.get("venue"), dict) else {}
    address: dict[str, Any] = venue["address"] if isinstance(venue.get("address"), dict) else {}
    name = item.get("name")
    logo = item.get("logo")
    summary = item.get("summary") or (
        item["description"].get("text") if isinstance(item.get("description"), dict) else None
    )
    candidate = Candidate(
        found_by=f"platform:{NAME}",
        title=name.get("text") if isinstance(name, dict) else name,
        start=_moment(item.get("start")),
        end=_moment(item.get("end")),
        venue=clean_text(venue.get("name")),
        address=clean_text(address.get("localized_address_display") or address.get("address_1")),
        locality=clean_text(address.get("city")),
        online=item.get("online_event") is True or item.get("is_online_event") is True,
        url=item.get("url") if isinstance(item.get("url"), str) else None,
        description=description_text(summary),
        status_text=" ".join(
            words
            for flag, words in (("is_cancelled", "Cancelled"), ("is_sold_out", "Sold out"), ("postponed", "Postponed"))
            if item.get(flag) is True
        )
        or None,
        image=logo.get("url") if isinstance(logo, dict) and isinstance(logo.get("url"), str) else None,
    )
    return to_event(ctx, candidate)


def _moment(when: object) -> str | None:
    """The instant (``utc``) in the event's own zone; the local clock when there is no instant."""
    if not isinstance(when, dict):
        return None
    zone = named_zone(when.get("timezone"))
    utc, local = when.get("utc"), when.get("local")
    if isinstance(utc, str) and len(utc) >= 19 and zone is not None:
        return utc_on_clock(utc, zone)
    if isinstance(local, str) and len(local) >= 19 and zone is not None:
        return datetime.fromisoformat(local[:19]).replace(tzinfo=zone).isoformat(timespec="seconds")
    return local if isinstance(local, str) else None


PLATFORM = Platform(
    name=NAME, title="Eventbrite organiser", expect="json", detect=detect, read=read, next_address=next_address
)
