"""Calendar files a page links to (``<link rel="alternate" type="text/calendar">``, "iCal export",
"Add to calendar"), read with ``icalendar``. Following links is the source's choice
(``follow_links = true``): the fetcher downloads them and hands their text in here.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from events.extract.context import PageContext
from events.extract.structured.candidate import clean_text, description_text
from events.normalise.places import tidy_place
from events.normalise.status import find_booking
from events.normalise.titles import tidy_title
from events.record import Event

_ICS_LINK = re.compile(r"\.ics(?:$|[?#])|[?&](?:ical|ics)=|format=ical|outlook-ical=|/ical/?(?:$|\?)", re.IGNORECASE)
_ICS_WORDS = re.compile(r"\b(?:ical|ics|icalendar|add to (?:my )?calendar|export)\b", re.IGNORECASE)
MAX_LINKS = 3


def calendar_links(ctx: PageContext) -> list[str]:
    """Up to three calendar files the page offers, the page-wide feed first."""
    found: list[str] = []
    for node in ctx.tree.css('link[type="text/calendar"], a[href]'):
        href = node.attrs.get("href") or ""
        text = node.text(separator=" ") if node.tag == "a" else "ical"
        if node.tag == "link" or _ICS_LINK.search(href) or (_ICS_WORDS.search(text or "") and "webcal:" in href):
            url = ctx.absolute(href.replace("webcal://", "https://", 1))
            if url and url not in found:
                found.append(url)
        if len(found) >= MAX_LINKS:
            break
    return found


def events_from_calendar(ctx: PageContext, text: str) -> list[Event]:
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError):
        return []
    out = []
    for component in calendar.walk("VEVENT"):
        event = calendar_event(ctx, component)
        if event is not None:
            out.append(event)
    return out


def calendar_event(ctx: PageContext, ve: Any) -> Event | None:
    """One VEVENT (or one occurrence of a recurring one) as a record."""
    try:
        start = ve.decoded("DTSTART")
        end = ve.decoded("DTEND") if "DTEND" in ve else None
    except (KeyError, ValueError):
        return None
    title = tidy_title(clean_text(str(ve.get("SUMMARY", ""))) or "")
    if not title:
        return None
    if isinstance(start, datetime):
        start = start.astimezone(ctx.zone) if start.tzinfo else start.replace(tzinfo=ctx.zone)
        if isinstance(end, datetime):
            end = end.astimezone(ctx.zone) if end.tzinfo else end.replace(tzinfo=ctx.zone)
        else:
            end = None
    elif isinstance(start, date):
        # iCalendar's all-day DTEND is exclusive; the record's end is the last day
        end = date.fromordinal(end.toordinal() - 1) if isinstance(end, date) and end > start else None
        end = end if end and end > start else None
    status = str(ve.get("STATUS", "")).upper()
    description = description_text(str(ve.get("DESCRIPTION", "")))
    booking = find_booking(description or "", ctx.today)
    return Event(
        source=ctx.source,
        title=title,
        start=start,
        end=end,
        timezone=ctx.timezone,
        venue=tidy_place(clean_text(str(ve.get("LOCATION", "")))),
        event_status="cancelled" if status == "CANCELLED" else "postponed" if status == "TENTATIVE" else "scheduled",
        booking=booking.state,
        booking_label=booking.label,
        booking_opens=booking.opens,
        url=ctx.absolute(str(ve.get("URL", ""))) or None,
        description=description,
        found_by="ics",
    )
