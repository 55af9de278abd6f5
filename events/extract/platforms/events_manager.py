"""Events Manager (WordPress): the site's iCalendar feed of its events, ``/events.ics`` (``/?ical=1`` on a
site without pretty links), which the plugin publishes for every site that uses it. Its lists and
calendars show ten events to a page, or a month; the feed has every event with its place and link.
Seen on the plugin's own views of events (``em-events-list``, ``em-calendar``, ``em-view-container``)
beside its files, never on one event's page or a page about something else."""

from __future__ import annotations

from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.calendar_file import calendar_events
from events.extract.platforms.platform import Platform, uses_files
from events.record import Event

NAME = "events-manager"
_PLUGIN = "/wp-content/plugins/events-manager/"
_VIEWS = ".em-events-list, .em-calendar, .em-calendar-wrapper, .em-view-container, .em.em-list"


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    if not url or tree.css_first(_VIEWS) is None or tree.css_first(".em-item-single, .em-event-single") is not None:
        return []
    body = tree.body
    if body is not None and "single-event" in (body.attrs.get("class") or "").split():
        return []
    if not uses_files(tree, _PLUGIN):
        return []
    parts = urlsplit(url)
    pretty = tree.css_first('link[rel="https://api.w.org/"][href*="/wp-json/"]') is not None
    return [f"{parts.scheme}://{parts.netloc}/events.ics" if pretty else f"{parts.scheme}://{parts.netloc}/?ical=1"]


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    return calendar_events(ctx, text, NAME)


PLATFORM = Platform(name=NAME, title="Events Manager (WordPress)", expect="calendar", detect=detect, read=read)
