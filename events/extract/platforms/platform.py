"""What every platform module gives (``Platform``) and what reading one yields (``Found``, ``Answer``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser

    from events.extract.context import PageContext
    from events.record import Event


@dataclass(frozen=True)
class Platform:
    name: str  # in provenance ("platform:events-calendar") and in what `events sources add` says
    title: str  # for people: "The Events Calendar (WordPress)"
    expect: str  # what the fetcher should accept: "json" or "calendar"
    detect: Callable[[LexborHTMLParser, str], list[str]]  # (page tree, page address) -> data addresses
    read: Callable[[PageContext, str, str], list[Event]]  # (context, answer text, its address) -> events
    next_address: Callable[[str, str], str | None] = lambda text, url: None  # a paged answer's next page
    # the addresses of its events' own details an answer names (a meeting's venue), read after it; one
    # that fails loses only its detail
    details: Callable[[str, str], list[str]] = lambda text, url: []
    # a platform whose answers complete each other (a list and its events' details) reads them together
    read_together: Callable[[PageContext, Sequence[Answer]], list[Event]] | None = None
    hosts: frozenset[str] = frozenset()  # hosts besides the page's own that its data may come from
    # a platform that keeps its data in the page itself: its events, read from the page, and whether it shows
    in_page: Callable[[PageContext, LexborHTMLParser], list[Event]] | None = None
    shows: Callable[[LexborHTMLParser], bool] | None = None
    shown_in: str = "the data the page keeps for its widget"  # what ``in_page`` reads, for people


@dataclass(frozen=True)
class Found:
    """A platform seen on a page, and the addresses of its data to read."""

    platform: Platform
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """One answer of a platform's data, as fetched: what ``read`` is given (it crosses to reader processes)."""

    platform: str
    url: str
    text: str


def uses_files(tree: LexborHTMLParser, path: str) -> bool:
    """Whether the page loads scripts or stylesheets from ``path`` (a WordPress plugin's folder)."""
    return any(path in (n.attrs.get("src") or n.attrs.get("href") or "") for n in tree.css("script[src], link[href]"))


_THEN = re.compile(r"\s*[-–—]\s*|\s+(?:to|until)\s+", re.IGNORECASE)


def clock_end(text: str, start: datetime) -> datetime | None:
    """The end of the times a platform writes beside a start ("6:30 PM – 8:00 PM", "9:30 PM - 1:00 AM"):
    on the next day when its clock is not after the start's. The reader's ranges stay within a day, a
    box office's club night does not."""
    from events.normalise.times import find_times

    times = find_times(text)
    if not times:
        return None
    clock = times[0].end
    if clock is None:  # a range past midnight, which the reader's times leave without an end
        parts = _THEN.split(text[times[0].span[0] :], maxsplit=1)
        after = find_times(parts[1]) if len(parts) == 2 else []
        if not after or after[0].span[0] != 0:
            return None
        clock = after[0].start
    end = datetime.combine(start.date(), clock, tzinfo=start.tzinfo)
    return end + timedelta(days=1) if end <= start else end


def named_zone(name: object) -> ZoneInfo | None:
    """The IANA zone a platform's data names ("Europe/London"), or None for anything else ("UTC+1", "")."""
    try:
        return ZoneInfo(name) if isinstance(name, str) and "/" in name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def utc_on_clock(utc: str, zone: tzinfo | None) -> str:
    """A UTC time as platforms write it ("2024-05-01 17:00:00", "2024-05-01T17:00:00.000Z") as ISO text
    on ``zone``'s clock (UTC's without one): the instant, never the ambiguous local form."""
    moment = datetime.fromisoformat(utc[:19]).replace(tzinfo=UTC)
    return (moment.astimezone(zone) if zone else moment).isoformat(timespec="seconds")
