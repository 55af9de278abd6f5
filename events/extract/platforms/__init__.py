"""Sites whose events live in a platform's data: detected from the page, read from the platform's own
public data (an events plugin's REST API, an embedded calendar's iCalendar file), no browser.

Each platform is one module with a ``Platform``: ``detect`` finds, in a page, the addresses of its data
(or nothing: it must never fire on another platform's page), ``read`` turns one answer into event
records (provenance ``platform:<name>``) and ``next_address`` names the next page of a paged answer.
Fetching is the service's (``events.service.reading``): the same polite fetcher as every page, on the
page's own host or a host the platform names (``Platform.hosts``; public addresses only), a bounded
number of requests per reading. A platform's data is structured data: it decides which events exist,
and the page's text only fills in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from events.extract.platforms import (
    bookwhen,
    eventbrite,
    events_calendar,
    events_manager,
    google_calendar,
    localist,
    meetup,
    modern_events_calendar,
    moderngov,
    squarespace,
    ticket_tailor,
    trumba,
    wix,
)
from events.extract.platforms.platform import Answer, Found, Platform

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser

    from events.extract.context import PageContext
    from events.record import Event

__all__ = [
    "Answer",
    "Found",
    "Platform",
    "by_name",
    "detect",
    "may_show_a_platform",
    "platforms",
    "read_answers",
    "read_in_page",
]


# words one of the platforms' pages always holds: a page with none of them is not parsed to look for one
_MARKS = (
    "tribe",
    "calendar.google.com",
    "collection-type-events",
    "trumba.com",
    "events-manager",
    "ieListDocuments.aspx",
    "ocalist",
    "modern-events-calendar",
    "feeds.bookwhen.com",
    "agenda_list_item",
    "tickettailor.com/js/widgets/",
)
# the platforms known by the page's own address: a page that merely links to them is not theirs
_HOSTS = ("meetup.com", "eventbrite.")


def may_show_a_platform(html: str, url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return any(mark in html for mark in _MARKS) or any(name in host for name in _HOSTS)


def platforms() -> tuple[Platform, ...]:
    return (
        events_calendar.PLATFORM,
        events_manager.PLATFORM,
        modern_events_calendar.PLATFORM,
        bookwhen.PLATFORM,
        eventbrite.PLATFORM,
        google_calendar.PLATFORM,
        localist.PLATFORM,
        meetup.PLATFORM,
        moderngov.PLATFORM,
        squarespace.PLATFORM,
        ticket_tailor.PLATFORM,
        trumba.PLATFORM,
        wix.PLATFORM,
    )


def by_name(name: str) -> Platform:
    return next(p for p in platforms() if p.name == name)


def detect(tree: LexborHTMLParser, url: str | None) -> list[Found]:
    """The platforms whose data this page draws its events from. A detector that breaks on an odd page
    detects nothing there: it never costs the page its other readings."""
    found = []
    for platform in platforms():
        try:
            addresses = platform.detect(tree, url or "")
        except (ValueError, KeyError, AttributeError, TypeError):
            continue
        if addresses:
            found.append(Found(platform, tuple(dict.fromkeys(addresses))))
    return found


def read_in_page(ctx: PageContext) -> list[Event]:
    """The events of the platforms that keep their data in the page itself (``Platform.in_page``)."""
    out: list[Event] = []
    for platform in platforms():
        if platform.in_page is None or ctx.tree is None:
            continue
        try:
            out.extend(platform.in_page(ctx, ctx.tree))
        except Exception:
            continue
    return out


def read_answers(ctx: PageContext, answers: Sequence[Answer]) -> list[Event]:
    """The events in every answer, each read by its platform; an answer that is not what the platform
    writes (a login page, an error in JSON) yields nothing."""
    out: list[Event] = []
    together: dict[str, tuple[Callable[[PageContext, Sequence[Answer]], list[Event]], list[Answer]]] = {}
    for answer in answers:
        platform = by_name(answer.platform)
        if platform.read_together is not None:
            together.setdefault(platform.name, (platform.read_together, []))[1].append(answer)
            continue
        try:
            out.extend(platform.read(ctx, answer.text, answer.url))
        except Exception:
            continue
    for read, theirs in together.values():
        try:
            out.extend(read(ctx, theirs))
        except Exception:
            continue
    return out
