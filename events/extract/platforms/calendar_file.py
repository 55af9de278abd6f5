"""A platform's public iCalendar file, read as a linked calendar is, with its repeating events expanded
over the feeds' window (``recurring-ical-events``: RRULE, RDATE, EXDATE, moved and cancelled
occurrences), each occurrence its own event."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from events.extract.context import PageContext
from events.extract.structured.calendars import calendar_event
from events.record import Event

PAST, FUTURE = timedelta(days=30), timedelta(days=730)  # the feeds' default window (config past_days, future_days)
MAX_OCCURRENCES = 2000  # of one calendar in the window: a daily event for two years, and more


def calendar_events(ctx: PageContext, text: str, platform: str) -> list[Event]:
    import recurring_ical_events
    from icalendar import Calendar

    calendar = Calendar.from_ical(text)
    occurrences = recurring_ical_events.of(calendar).between(ctx.today - PAST, ctx.today + FUTURE)
    out = []
    for component in occurrences[:MAX_OCCURRENCES]:
        event = calendar_event(ctx, component)
        if event is not None:
            out.append(replace(event, found_by=f"platform:{platform}"))
    return out
