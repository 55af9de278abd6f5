"""A Google Calendar embedded in the page (``calendar.google.com/calendar/embed?src=…``): the
calendar's public iCalendar file, ``/calendar/ical/<id>/public/basic.ics``, as Google publishes every
public calendar. The embed is drawn by Google's JavaScript in a frame, so the page's own HTML shows
nothing of it. Recurring events are expanded over the feed window (``recurring-ical-events``: RRULE,
RDATE, EXDATE, moved and cancelled occurrences), each occurrence its own event.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.calendar_file import calendar_events
from events.extract.platforms.platform import Platform
from events.record import Event

NAME = "google-calendar"
HOST = "calendar.google.com"
BASE = f"https://{HOST}"


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    addresses = []
    for frame in tree.css("iframe[src], iframe[data-src]"):
        src = (frame.attrs.get("src") or frame.attrs.get("data-src") or "").strip()
        parts = urlsplit(src if "//" in src else f"https://{src}")
        if parts.hostname != HOST or not parts.path.rstrip("/").endswith("/embed"):
            continue
        for calendar_id in parse_qs(parts.query).get("src", []):
            if "@" in calendar_id or calendar_id.endswith("calendar.google.com"):
                addresses.append(f"{BASE}/calendar/ical/{quote(calendar_id.strip(), safe='@')}/public/basic.ics")
    return addresses


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    return calendar_events(ctx, text, NAME)


PLATFORM = Platform(
    name=NAME,
    title="Google Calendar (embedded)",
    expect="calendar",
    detect=detect,
    read=read,
    hosts=frozenset({HOST}),
)
