"""Words for events, shared by every publisher: booking status in words, where, and safe text."""

from __future__ import annotations

import re

from events.record import Event

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
_LINEBREAK = re.compile(r"\r\n|\r|\n")

BOOKING_WORDS = {
    "open": "Booking open",
    "soon": "Booking opens soon",
    "closed": "Booking closed",
    "sold_out": "Sold out",
    "waitlist": "Waiting list",
    "none": "",
}
STATUS_WORDS = {"cancelled": "Cancelled", "postponed": "Postponed", "rescheduled": "Rescheduled", "scheduled": ""}


def one_line(text: str | None, limit: int = 1000) -> str:
    """Page text made safe for a one-line field: no control characters, no line breaks."""
    if not text:
        return ""
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


def booking_words(event: Event) -> str:
    """``Booking opens soon: "Opening late April 2024" (from 2024-04)``."""
    words = BOOKING_WORDS.get(event.booking, "")
    if event.booking_label and words:
        words = f"{words}: \u201c{one_line(event.booking_label, 200)}\u201d"
    elif event.booking_label:
        words = one_line(event.booking_label, 200)
    if event.booking_opens:
        words = f"{words} (opens {event.booking_opens})" if words else f"Booking opens {event.booking_opens}"
    return words


def headline(event: Event) -> str:
    title = one_line(event.title, 500)
    status = STATUS_WORDS.get(event.event_status, "")
    return f"{status}: {title}" if status else title
