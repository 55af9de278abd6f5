"""A Trumba calendar embedded with its "spuds" (``$Trumba.addSpud({webName: "…"})`` beside Trumba's
``spuds.js``): the calendar's public iCalendar feed, ``https://www.trumba.com/calendars/<webName>.ics``,
which Trumba publishes for every public calendar. The spud draws the list with JavaScript, so the page's
own HTML shows nothing of it."""

from __future__ import annotations

import re
from urllib.parse import quote

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.calendar_file import calendar_events
from events.extract.platforms.platform import Platform
from events.record import Event

NAME = "trumba"
HOST = "www.trumba.com"
_SPUD = re.compile(r"""addSpud\s*\(\s*\{[^}]*?\bwebName\s*:\s*["']([\w.-]+)["']""")


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    if not any("trumba.com" in (s.attrs.get("src") or "") for s in tree.css("script[src]")):
        return []
    names = [m.group(1) for script in tree.css("script:not([src])") for m in _SPUD.finditer(script.text() or "")]
    return [f"https://{HOST}/calendars/{quote(name)}.ics" for name in dict.fromkeys(names)]


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    return calendar_events(ctx, text, NAME)


PLATFORM = Platform(
    name=NAME, title="Trumba calendar (embedded)", expect="calendar", detect=detect, read=read, hosts=frozenset({HOST})
)
