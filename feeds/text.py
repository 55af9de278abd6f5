"""Safe text for every publisher: one-line and multi-line fields, where an event is, its headline."""

from __future__ import annotations

import re

from events.config.models import Site
from events.record import Event

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
_LINEBREAK = re.compile(r"\r\n|\r|\n")

STATUS_WORDS = {"cancelled": "Cancelled", "postponed": "Postponed", "rescheduled": "Rescheduled", "scheduled": ""}


def one_line(text: str | None, limit: int = 1000) -> str:
    """Page text made safe for a one-line field: no control characters, no line breaks."""
    if not text:
        return ""
    # printable (no control character, line break or space but " ") with single spaces inside: as it is
    if not (text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " "):
        text = _CONTROL.sub("", _LINEBREAK.sub(" ", text))
        text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def multi_line(text: str | None, limit: int = 4000) -> str:
    if not text:
        return ""
    text = _CONTROL.sub("", _LINEBREAK.sub("\n", text))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def where(event: Event) -> str:
    parts = [p for p in (event.venue, event.address, event.locality) if p]
    seen: list[str] = []
    for part in parts:
        if not any(part.casefold() in s.casefold() for s in seen):
            seen.append(part)
    if event.online and not seen:
        return "Online"
    return one_line(", ".join(seen), 500)


def headline(event: Event) -> str:
    title = one_line(event.title, 500)
    status = STATUS_WORDS.get(event.event_status, "")
    return f"{status}: {title}" if status else title


def book_or_details(event: Event) -> str:
    """What a link is said to be for: "Book" only while booking is open; a page to read otherwise."""
    return "Book" if event.booking == "open" else "Details"


def organisation(site: Site) -> str:
    """The organisation a calendar's name begins with: none while ``[site] name`` is the default."""
    return "" if site.name == Site.name else site.name


def calendar_name(organisation: str, title: str) -> str:
    """A subscribed calendar's name ("Test Union: All events"): a client lists it beside others, so it
    says whose it is. The same name in the feed (X-WR-CALNAME) and in the links that subscribe to it."""
    organisation, title = one_line(organisation, 100), one_line(title, 200)
    if not organisation or title.casefold().startswith(organisation.casefold()):
        return title
    return f"{organisation}: {title}"
