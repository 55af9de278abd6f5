"""Ticket Tailor (box offices for small events): a box office's public listing,
``www.tickettailor.com/events/<box office>/`` (also served as ``buytickets.at/<box office>/``), writes one
card per date (``li.main-events-listing__event``: ``a.event__link`` its title and address,
``.event-meta__date`` "Sat 18 Jul 2026 9:30 PM - 11:00 PM", ``.event-meta__location``, ``.event__image
img``). An organisation's page that embeds the box office's widget (the script
``cdn.tickettailor.com/js/widgets/…`` with ``data-url`` ``…/all-tickets/<box office>/``, or its
``all-tickets-by-event`` and ``all-tickets-calendar`` views) draws it in a frame with JavaScript: it is read
from that listing. A widget for one event's checkout is no listing and is left. Shapes as public code that
reads them documents; the clock is the box office's, which the cards do not name: the source's zone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.platform import Platform, clock_end
from events.extract.structured.candidate import Candidate, clean_text, to_event
from events.record import Event

NAME = "ticket-tailor"
HOSTS = frozenset({"www.tickettailor.com", "tickettailor.com", "buytickets.at"})
LISTING = "https://www.tickettailor.com/events/{}/"
_WIDGET_VIEW = re.compile(r"^/all-tickets(?:-by-event|-calendar)?/([A-Za-z0-9_-]+)/?$")
_CARDS = "li.main-events-listing__event"


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    if (urlsplit(url).hostname or "") in HOSTS:
        return []  # the box office's own listing: read from the page (``in_page``)
    if not any("tickettailor.com/js/widgets/" in (s.attrs.get("src") or "") for s in tree.css("script[src]")):
        return []
    addresses = []
    for node in tree.css("[data-url]"):
        parts = urlsplit((node.attrs.get("data-url") or "").strip())
        view = _WIDGET_VIEW.match(parts.path or "")
        if parts.hostname in HOSTS and view:
            addresses.append(LISTING.format(view.group(1)))
    return addresses


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    return _events(ctx, LexborHTMLParser(text), url)


def shows(tree: LexborHTMLParser) -> bool:
    return tree.css_first(_CARDS) is not None


def in_page(ctx: PageContext, tree: LexborHTMLParser) -> list[Event]:
    return _events(ctx, tree, ctx.url or "")


def _events(ctx: PageContext, tree: LexborHTMLParser, base: str) -> list[Event]:
    return [e for card in tree.css(_CARDS) if (e := _event(ctx, card, base))]


def _event(ctx: PageContext, card: Any, base: str) -> Event | None:
    link = card.css_first("a.event__link") or card.css_first("a[href]")
    when = card.css_first(".event-meta__date")
    if link is None or when is None:
        return None  # "Multiple dates and times": no date on the card
    place = card.css_first(".event-meta__location")
    image = card.css_first(".event__image img[src]")
    heading = card.css_first("h3, h2")
    candidate = Candidate(
        found_by=f"platform:{NAME}",
        title=clean_text(link.text(separator=" ")) or (heading.text(separator=" ") if heading is not None else None),
        when_text=when.text(separator=" "),
        venue=clean_text(place.text(separator=" ")) if place is not None else None,
        url=urljoin(base, (link.attrs.get("href") or "").strip()) or None,
        status_text=clean_text(card.text(separator=" "), 300),
        image=urljoin(base, image.attrs.get("src") or "") if image is not None else None,
        image_alt=clean_text(image.attrs.get("alt")) if image is not None else None,
    )
    event = to_event(ctx, candidate)
    if event is not None and event.end is None and isinstance(event.start, datetime):
        event = replace(event, end=clock_end(candidate.when_text or "", event.start))  # "9:30 PM - 1:00 AM"
    return event


PLATFORM = Platform(
    name=NAME,
    title="Ticket Tailor",
    expect="html",
    detect=detect,
    read=read,
    hosts=HOSTS,
    in_page=in_page,
    shows=shows,
    shown_in="the box office's listing on the page",
)
