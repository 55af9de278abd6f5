"""When two sources list one real event: a union and its regional branch, a college and a partner
society both put the joint conference on their pages.

Two listings are one event when they fall on the same day at the same start (or both all day),
their titles agree once case, accents and punctuation are set aside, and they name the same place
or one names none. The store links a newly seen listing to the one already held (``same_as``), so
the combined calendars publish one entry under one UID whichever source was read first, and keep
that UID when either source stops listing it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from events.record import Event, title_key


def same_event(a: Event, b: Event) -> bool:
    if a.source == b.source or a.first_day != b.first_day or a.all_day != b.all_day:
        return False
    if not a.all_day and _instant(a) != _instant(b):
        return False
    if title_key(a.title) != title_key(b.title):
        return False
    here, there = place_key(a), place_key(b)
    return not here or not there or here == there or here in there or there in here


def place_key(event: Event) -> str:
    """The place's words, folded: "Conway Hall, London" and "conway hall" agree (one holds the other)."""
    return title_key(" ".join(p for p in (event.venue, event.address, event.locality) if p))


def _instant(event: Event) -> datetime | None:
    start = event.start
    return start.astimezone(UTC) if isinstance(start, datetime) else None
