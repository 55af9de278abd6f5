"""An event candidate: the raw strings a strategy found, and where they came from.

Strategies that read fields (JSON-LD, microdata, microformats, plugin markup, configured selectors)
fill a ``Candidate``; ``to_event`` normalises it the same way for all of them, so a date written
``2024-5-28T16:30`` in JSON-LD and ``Tue 28 May, 4.30pm`` in a card end up as the same record.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from events.extract.context import PageContext
from events.extract.provenance import css_path
from events.normalise.dates import find_dates
from events.normalise.moments import parse_moment, zone_name
from events.normalise.places import is_online, only_online, tidy_place, town_in_address
from events.normalise.status import find_booking, find_event_status
from events.normalise.times import find_times
from events.normalise.titles import tidy_title
from events.record import Event

_TAGS = re.compile(r"<[^>]+>")


_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff\u202a-\u202e\u2066-\u2069\u061c]")


def clean_text(value: object, limit: int = 2000) -> str | None:
    """Plain text from a value that may hold HTML, entities or odd spacing."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, list):
        value = " ".join(str(v) for v in value if isinstance(v, str | int | float))
    text = html.unescape(_TAGS.sub(" ", str(value)))
    text = " ".join(_INVISIBLE.sub(" ", text).split())
    return text[:limit] or None


_LINK = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>(.*?)</a\s*>""", re.I | re.S)
_SPOKEN_LINK = re.compile(r"^(?:https?://|mailto:)", re.I)


def description_text(value: object, limit: int = 2000) -> str | None:
    """A description as ``clean_text`` makes it, keeping where its links go: "Join on Zoom" linked to
    the meeting reads "Join on Zoom (https://zoom.us/j/…)", not a bare "Join on Zoom"."""
    if not isinstance(value, str) or "<a" not in value.lower():
        return clean_text(value, limit)

    def spoken(match: re.Match[str]) -> str:
        href = html.unescape(next(g for g in match.groups()[:3] if g is not None)).strip()
        words = " ".join(html.unescape(_TAGS.sub(" ", match.group(4))).split())
        if not _SPOKEN_LINK.match(href) or href.removeprefix("mailto:") in words:
            return f" {words}"
        return f" {words} ({href})" if words else f" {href}"

    return clean_text(_LINK.sub(spoken, value), limit)


def node_description(node: Any) -> str | None:
    """``description_text`` of an element's content (microdata, microformats)."""
    if node is None:
        return None
    if node.attrs.get("content"):
        return clean_text(node.attributes["content"])
    return description_text(node.html or "")


@dataclass
class Candidate:
    found_by: str
    title: str | None = None
    start: str | None = None  # machine-written (ISO) start
    end: str | None = None
    when_text: str | None = None  # human-written date and time, read if there is no machine start
    venue: str | None = None
    locality: str | None = None
    address: str | None = None
    online: bool = False
    event_status: str | None = None
    booking: str | None = None
    booking_label: str | None = None
    booking_opens: str | None = None
    url: str | None = None
    description: str | None = None
    status_text: str | None = None  # words that may say cancelled / sold out
    element: Any = None  # the page element the record was read from, for its provenance
    duration: timedelta | None = None  # schema.org "duration", for a start with no end
    latitude: float | None = None
    longitude: float | None = None
    image: str | None = None
    image_alt: str | None = None


def to_event(ctx: PageContext, c: Candidate) -> Event | None:
    title = tidy_title(clean_text(c.title, 500) or "", ctx.acronyms)
    if len(re.findall(r"[^\W\d_]", title)) < 2:
        return None
    start, end = _when(ctx, c)
    if start is None:
        return None
    if isinstance(end, datetime) != isinstance(start, datetime) or (end is not None and end < start):
        end = _align(start, end)
    if end is None and c.duration and isinstance(start, datetime):
        end = start + c.duration  # "PT2H6M" after a 12:30 screening: it ends at 14:36
    if isinstance(start, datetime) and end == start:
        end = None  # "end": same as "start" is a form's default, not a meeting that lasts no time
    elif (
        isinstance(start, datetime)
        and isinstance(end, datetime)
        and end.date() == start.date()
        and (end.hour, end.minute) == (23, 59)
    ):
        end = None  # a plugin's "until the end of the day" for an event that gave no end time
    status_words = " ".join(x for x in (c.status_text, c.title) if x)
    event_status = c.event_status or find_event_status(status_words)[0]
    booking_state, label, opens = c.booking, c.booking_label, c.booking_opens
    if booking_state is None or (booking_state == "none" and c.status_text):
        found = find_booking(c.status_text or "", ctx.today)
        if found.state != "none" or booking_state is None:
            booking_state, label, opens = found.state, found.label, found.opens
    address = tidy_place(clean_text(c.address, 300))
    venue = tidy_place(clean_text(c.venue, 300))
    online = c.online or is_online(venue or "")
    if only_online(venue):
        venue = None
    return Event(
        source=ctx.source,
        title=title,
        start=start,
        end=end,
        timezone=zone_name(start, ctx.timezone),
        venue=venue,
        locality=tidy_place(clean_text(c.locality, 100)) or town_in_address(address),
        address=address,
        online=online,
        event_status=event_status,
        booking=booking_state or "none",
        booking_label=label,
        booking_opens=opens,
        url=ctx.absolute(c.url) or None,
        description=description_text(c.description, 1000),
        latitude=c.latitude if c.longitude is not None else None,
        longitude=c.longitude if c.latitude is not None else None,
        image=ctx.absolute(c.image) if c.image else None,
        image_alt=c.image_alt if c.image else None,
        found_by=c.found_by,
        provenance=_origins(c),
    )


_TRACED = ("title", "start", "end", "venue", "address", "locality", "url", "booking", "event_status")


def _origins(c: Candidate) -> dict[str, str]:
    """Every field the candidate gave, from its strategy (and element, where the page has one)."""
    origin = f"{c.found_by}:{css_path(c.element)}" if c.element is not None else c.found_by
    given = {"start": c.start or c.when_text, "event_status": c.event_status or c.status_text}
    return {name: origin for name in _TRACED if given.get(name, getattr(c, name, None))}


_ISO_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def iso_duration(value: object) -> timedelta | None:
    """ "PT2H6M" → 2:06; None for anything else, a zero length, or more than a fortnight."""
    m = _ISO_DURATION.match(value.strip()) if isinstance(value, str) else None
    if m is None:
        return None
    days, hours, minutes, seconds = (int(g or 0) for g in m.groups())
    length = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    return length if timedelta(0) < length <= timedelta(days=14) else None


def _when(ctx: PageContext, c: Candidate) -> tuple[date | datetime | None, date | datetime | None]:
    start = parse_moment(c.start, ctx.zone) if c.start else None
    end = parse_moment(c.end, ctx.zone) if c.end else None
    text = clean_text(c.when_text, 300)
    if start is None and text:
        dates = find_dates(text, ctx.today, ctx.month_first, ctx.languages)
        if not dates:
            return None, None
        times = find_times(text)
        clock = times[0] if times else None
        first = dates[0]
        start = ctx.at(first.start, clock.start if clock else None)
        if first.end is not None:
            end = ctx.at(first.end, clock.end or time(23, 59)) if clock else first.end
        elif clock is not None and clock.end is not None:
            end = ctx.at(first.start, clock.end)
    elif start is not None and not isinstance(start, datetime):
        # a date attribute plus a time written beside it, or in a description that names the same day
        if not text and c.description:
            said = find_dates(c.description, ctx.today, ctx.month_first, ctx.languages)
            text = c.description if said and said[0].start == start else None
        times = find_times(text) if text else []
        if times:
            day = start.date() if isinstance(start, datetime) else start
            start = ctx.at(day, times[0].start)
            if times[0].end and end is None:
                end = ctx.at(day, times[0].end)
    return start, end


def _align(start: date | datetime, end: date | datetime | None) -> date | datetime | None:
    """Make ``end`` the same kind as ``start`` (both days or both times), or drop it."""
    if end is None:
        return None
    if isinstance(start, datetime) and not isinstance(end, datetime):
        aligned: date | datetime = datetime.combine(end, time(23, 59), tzinfo=start.tzinfo)
    elif not isinstance(start, datetime) and isinstance(end, datetime):
        aligned = end.date()
    else:
        aligned = end
    return aligned if aligned >= start else None
