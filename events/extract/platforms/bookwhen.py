"""Bookwhen (bookings for classes, courses and events): an account's public page, ``bookwhen.com/<account>``,
writes each coming event as one agenda row, ``<tr data-hook="agenda_list_item"
data-event="ev-<entry>-<YYYYMMDDHHMMSS>">``: the stamp is its start on the account's clock, the row's button
its title, ``.duration`` its times ("6:00 PM – 8:00 PM"), ``.location`` its place. The page shows twenty;
its "Show more" asks ``/<account>/calendar_items?offset=N&limit=50&calendar=<id>&context=api`` (the id from
the page's ``data-options``), which answers the same rows inside JavaScript strings. An organisation's own
page that links its public Bookwhen feed (``feeds.bookwhen.com/ical/<account>/<filter>/public.ics``) is read
from the feed. Shapes as public code that reads them documents; the clock is the source's zone, which the
rows do not name.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.calendar_file import calendar_events
from events.extract.platforms.platform import Platform, clock_end
from events.extract.structured.candidate import Candidate, clean_text, to_event
from events.normalise.times import find_times
from events.record import Event

NAME = "bookwhen"
FEEDS = "feeds.bookwhen.com"
PAGE_ROWS = 20  # the rows an account's page shows before "Show more"
MORE = 50  # rows asked for at a time after them
_ROWS = '[data-hook="agenda_list_item"][data-event]'
_STAMP = re.compile(r"^ev-(.+)-(\d{14})$")
_JS_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    addresses = [feed for a in tree.css(f'a[href*="{FEEDS}/ical/"]') if (feed := _feed(a.attrs.get("href")))]
    rows = _stamped(tree)
    if len(rows) >= PAGE_ROWS and (more := _more(tree, url, len(rows))):
        addresses.append(more)
    return addresses


def _feed(href: str | None) -> str | None:
    """A public feed's address (``webcal:`` read over HTTPS); an account's private feed is not read."""
    parts = urlsplit((href or "").strip())
    if parts.hostname != FEEDS or not parts.path.endswith("/public.ics"):
        return None
    return f"https://{FEEDS}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def _more(tree: LexborHTMLParser, url: str, offset: int) -> str | None:
    """The address "Show more" asks for the rows after the page's, on the page's own host."""
    account = next((s for s in urlsplit(url).path.split("/") if s), None)
    calendar = None
    for node in tree.css("[data-options]"):
        try:
            options = json.loads(node.attrs.get("data-options") or "")
        except ValueError:
            continue
        if isinstance(options, dict) and isinstance(options.get("calendar"), str):
            calendar = options["calendar"]
            break
    if not account or not calendar:
        return None
    query = urlencode({"offset": offset, "limit": MORE, "calendar": calendar, "context": "api"})
    return urljoin(url, f"/{quote(account)}/calendar_items?{query}")


def next_address(text: str, url: str) -> str | None:
    """The next rows while an answer is full."""
    parts = urlsplit(url)
    if "/calendar_items" not in parts.path or len(_rows(_markup(text))) < MORE:
        return None
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["offset"] = str(int(query.get("offset", "0")) + MORE)
    return parts._replace(query=urlencode(query)).geturl()


def _markup(text: str) -> str:
    """The rows' HTML in a "Show more" answer: the JavaScript strings that hold them, decoded."""
    if "agenda_list_item" not in text:
        return ""
    if text.lstrip().startswith("<"):
        return text
    parts = []
    for literal in _JS_STRING.findall(text):
        try:
            decoded = json.loads(literal)
        except ValueError:
            continue
        if isinstance(decoded, str) and "agenda_list_item" in decoded:
            parts.append(decoded)
    return "".join(parts)


def _rows(markup: str) -> list[Any]:
    if not markup:
        return []
    tree = LexborHTMLParser(markup if "<table" in markup else f"<table>{markup}</table>")
    return tree.css(_ROWS)


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    if text.lstrip("\ufeff \r\n").startswith("BEGIN:VCALENDAR"):
        return calendar_events(ctx, text, NAME)
    return [e for row in _rows(_markup(text)) if (e := _event(ctx, row, url))]


def _stamped(tree: LexborHTMLParser) -> list[Any]:
    """The page's agenda rows that carry their start (``ev-<entry>-<YYYYMMDDHHMMSS>``)."""
    return [row for row in tree.css(_ROWS) if _STAMP.match(row.attrs.get("data-event") or "")]


def shows(tree: LexborHTMLParser) -> bool:
    return bool(_stamped(tree))


def in_page(ctx: PageContext, tree: LexborHTMLParser) -> list[Event]:
    return [e for row in tree.css(_ROWS) if (e := _event(ctx, row, ctx.url or ""))]


def _event(ctx: PageContext, row: Any, base: str) -> Event | None:
    stamp = _STAMP.match(row.attrs.get("data-event") or "")
    if stamp is None:
        return None
    try:
        start = datetime.strptime(stamp.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    duration = row.css_first(".duration")
    said = duration.text(separator=" ") if duration is not None else ""
    end = clock_end(said, start)
    all_day = not find_times(said) and start.time() == datetime.min.time()
    title = row.css_first("button") or row.css_first("a[href]")
    link = row.css_first("a[href]")
    place = row.css_first(".location")
    candidate = Candidate(
        found_by=f"platform:{NAME}",
        title=title.text(separator=" ") if title is not None else None,
        start=start.date().isoformat() if all_day else start.isoformat(),
        end=end.isoformat() if end else None,
        venue=clean_text(place.text(separator=" ")) if place is not None else None,
        url=urljoin(base, (link.attrs.get("href") or "").strip()) if link is not None else None,
        status_text=clean_text(row.text(separator=" "), 300),
    )
    return to_event(ctx, candidate)


PLATFORM = Platform(
    name=NAME,
    title="Bookwhen",
    expect="calendar",
    detect=detect,
    read=read,
    next_address=next_address,
    hosts=frozenset({FEEDS}),
    in_page=in_page,
    shows=shows,
    shown_in="the page's agenda rows",
)
