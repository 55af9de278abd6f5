"""A Meetup group's page (``www.meetup.com/<group>/`` or its ``/events/``): the group's public iCalendar
feed, ``/<group>/events/ical/``, which Meetup publishes for every public group ("Add to calendar"). The
group's pages draw their lists with JavaScript from data that changes shape; the feed has every coming
event with its time, place and link."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.calendar_file import calendar_events
from events.extract.platforms.platform import Platform
from events.record import Event

NAME = "meetup"
_GROUP = re.compile(r"^/([A-Za-z0-9][\w-]{1,80})/(?:events/?)?$")
_NOT_GROUPS = frozenset({"find", "topics", "cities", "apps", "lp", "pro", "help", "login", "register", "blog", "about"})


def detect(tree: LexborHTMLParser, url: str) -> list[str]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host not in ("www.meetup.com", "meetup.com"):
        return []
    group = _GROUP.match(parts.path or "/")
    if group is None or group.group(1).lower() in _NOT_GROUPS:
        return []
    return [f"{parts.scheme}://{parts.netloc}/{group.group(1)}/events/ical/"]


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    return calendar_events(ctx, text, NAME)


PLATFORM = Platform(name=NAME, title="Meetup group", expect="calendar", detect=detect, read=read)
