"""Modern Events Calendar (WordPress, "MEC"): the site's iCalendar feed of every event, ``/?mec-ical-feed=1``
at the site's root, which the plugin publishes when its "iCal feed" setting is on (its own settings page
names that address). Its list, grid and calendar views show a page or a month and load the rest with
JavaScript; the feed has every event with its place and link. The plugin's REST route (``wp/v2/mec-events``)
gives posts without their dates, so it is not read. Seen on the plugin's own views (``mec_skin_<n>``
beside its files), never on one event's page; a site with the setting off answers its home page instead,
which yields nothing.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.calendar_file import calendar_events
from events.extract.platforms.platform import Platform, uses_files
from events.record import Event

NAME = "modern-events-calendar"
_PLUGIN = "/wp-content/plugins/modern-events-calendar"  # "-lite" and the Pro plugin alike


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    if not url or tree.css_first('[id^="mec_skin_"]') is None or tree.css_first(".mec-single-event") is not None:
        return []
    body = tree.body
    if body is not None and "single-mec-events" in (body.attrs.get("class") or "").split():
        return []
    if not uses_files(tree, _PLUGIN):
        return []
    return [_root(tree, url) + "?mec-ical-feed=1"]


def _root(tree: LexborHTMLParser, url: str) -> str:
    """The WordPress site's root, which WordPress's API link names (a site may live in a folder)."""
    parts = urlsplit(url)
    api = tree.css_first('link[rel="https://api.w.org/"][href*="/wp-json/"]')
    if api is not None:
        root = urljoin(url, (api.attrs.get("href") or "").strip().split("/wp-json/")[0] + "/")
        if urlsplit(root).netloc == parts.netloc:
            return root
    return f"{parts.scheme}://{parts.netloc}/"


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    return calendar_events(ctx, text, NAME)


PLATFORM = Platform(name=NAME, title="Modern Events Calendar (WordPress)", expect="calendar", detect=detect, read=read)
