"""Events and their changes in the words people use: one voice for the pages, the feeds and Slack.

Nothing here shows an internal field name, an ISO date or a Python ``None``: a change reads
"Moved from Thursday 9 May 2024 to Thursday 16 May 2024", a cleared value reads "removed".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from events.record import Event
from feeds.text import STATUS_WORDS, one_line, where

BOOKING_WORDS = {
    "open": "Booking open",
    "soon": "Booking opens soon",
    "closed": "Booking closed",
    "sold_out": "Sold out",
    "waitlist": "Sold out — join the waiting list",
    "none": "",
}

_WHEN_FIELDS = ("start", "end", "all_day")
_WHERE_FIELDS = ("venue", "locality", "address", "online")
_BOOKING_FIELDS = ("booking", "booking_label", "booking_opens")


def day_words(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def when_words(start: date | datetime, end: date | datetime | None) -> str:
    """``Wednesday 13 November 2024 – Thursday 14 November 2024``, or with times ``10:00–16:30``."""
    if isinstance(start, datetime):
        text = f"{day_words(start.date())}, {start:%H:%M}"
        if isinstance(end, datetime):
            text += f"–{end:%H:%M}" if end.date() == start.date() else f" – {day_words(end.date())}, {end:%H:%M}"
        return text
    if isinstance(end, date) and end != start:
        return f"{day_words(start)} – {day_words(end)}"
    return day_words(start)


def zone_words(event: Event, site_zone: str | None = None) -> str:
    """The zone's abbreviation ("BST") for a timed event, said only when it is not the site's own zone."""
    if not isinstance(event.start, datetime) or (site_zone and event.timezone == site_zone):
        return ""
    return event.start.tzname() or event.timezone


def when_in_zone(event: Event, site_zone: str) -> str:
    """When, for text a person reads away from our pages (RSS, JSON): "Monday 3 June 2024, 18:30–20:00
    CDT" names the zone when it is not the site's, as a reader would assume it is."""
    zone = zone_words(event, site_zone)
    when = when_words(event.start, event.end)
    return f"{when} {zone}" if zone else when


def opens_words(opens: str) -> str:
    """``2024-04`` → ``in April 2024``; ``2024-04-20`` → ``on Saturday 20 April 2024``."""
    try:
        if len(opens) == 7:
            return f"in {date.fromisoformat(opens + '-01'):%B %Y}"
        return f"on {day_words(date.fromisoformat(opens[:10]))}"
    except ValueError:
        return one_line(opens, 50)


def booking_words(event: Event) -> str:
    """The booking state once, in the site's own words when it has them ("Awards open now", "On sale
    soon"), else ours: "Sold out", never "Sold out: “Sold out”"; "Booking opens in April 2024", never
    "(opens 2024-04)"."""
    label = one_line(event.booking_label, 200)
    if label and event.booking != "none":
        return label
    if event.booking == "soon" and event.booking_opens:
        return f"Booking opens {opens_words(event.booking_opens)}"
    return BOOKING_WORDS.get(event.booking, "") or label


def milestone_words(event: Event) -> str:
    """Booking has just opened: ``Booking is now open: HCSA Annual Conference, Wednesday 13 November
    2024 – Thursday 14 November 2024, Telford``."""
    parts = [one_line(event.title, 300), when_words(event.start, event.end)]
    place = where(event)
    if place:
        parts.append(place)
    return "Booking is now open: " + ", ".join(parts)


def change_sentences(
    kind: str,
    fields: Mapping[str, Sequence[Any]] | None,
    event: Event,
    fixed: Sequence[str] = (),
    *,
    for_members: bool = False,
) -> list[str]:
    """What changed, one sentence per thing a person notices. ``fields`` holds the stored
    ``[old, new]`` per field; ``event`` is the event as it is now, which fills in what did not change;
    ``fixed`` names what a fix in the configuration set ("title corrected by configuration").
    ``for_members``: in the words of people who follow the event ("Date changed", "Added to the
    calendar"), without the staff's workings (fixes, when the reader first saw it); none when a
    member would see nothing change."""
    if "hidden" in fixed:
        return [] if for_members else ["Hidden by configuration"]
    said = _sentences(kind, fields, event, for_members)
    if for_members:
        return said
    return said + [f"{name.capitalize()} corrected by configuration" for name in fixed]


def _sentences(kind: str, fields: Mapping[str, Sequence[Any]] | None, event: Event, for_members: bool) -> list[str]:
    if kind == "new":
        return ["Added to the calendar"] if for_members else ["First seen"]
    if kind == "removed":
        return ["No longer listed on the organiser's page"]
    if kind == "booking_opened":
        return ["Booking opened"] if for_members else ["Booking opened (the day the page gave)"]
    if not fields:
        return [STATUS_WORDS.get(kind, "") or "Changed"]
    old = _before(event, fields)
    said: list[str] = []
    if "event_status" in fields:
        was, now = (fields["event_status"][0] or "scheduled"), (fields["event_status"][1] or "scheduled")
        said.append(f"No longer {STATUS_WORDS.get(was, was).lower()}" if now == "scheduled" else STATUS_WORDS[now])
    if "title" in fields:
        said.append(f"Renamed from “{one_line(old.title, 200)}” to “{one_line(event.title, 200)}”")
    if any(f in fields for f in _WHEN_FIELDS):
        moved = "Date changed" if for_members else "Moved"
        said.append(f"{moved} from {when_words(old.start, old.end)} to {when_words(event.start, event.end)}")
    if any(f in fields for f in _WHERE_FIELDS):
        said.append(_from_to("Venue", where(old), where(event)))
    elif "latitude" in fields or "longitude" in fields:
        said.append("Map position corrected")
    if any(f in fields for f in _BOOKING_FIELDS):
        said.append(_from_to("Booking", booking_words(old), booking_words(event)))
    if "url" in fields:
        said.append(_from_to("Link", "", "") if not event.url else "Link to the organiser's page changed")
    if "description" in fields:
        said.append("Description removed" if not event.description else "Description updated")
    if "image" in fields:
        said.append("Picture removed" if not event.image else "Picture changed")
    return said or ["Changed"]


def _from_to(label: str, was: str, now: str) -> str:
    if was and now:
        return f"{label}: {was} → {now}"
    if now:
        return f"{label}: {now} (new)"
    return f"{label} removed" + (f" (was {was})" if was else "")


def _before(event: Event, fields: Mapping[str, Sequence[Any]]) -> Event:
    """The event as it was: today's record with the changed fields put back."""
    data = event.as_dict()
    for name, pair in fields.items():
        if name in data and len(pair) == 2:
            data[name] = pair[0]
    try:
        return Event.from_dict(data)
    except (TypeError, ValueError):
        return event


# what a change is called where it is told (Slack, webhooks, e-mail digests)
KIND_WORDS = {
    "new": "New event",
    "updated": "Event updated",
    "booking": "Booking changed",
    "booking_opened": "Booking is now open",
    "cancelled": "Event cancelled",
    "rescheduled": "Event moved",
    "removed": "Event removed",
}


def heading(kind: str, fields: Mapping[str, Sequence[Any]] | None) -> str:
    """The message's first words; a page turning from "soon" (or nothing) to "open" is news of its own."""
    booking = (fields or {}).get("booking")
    if kind == "booking" and booking and booking[1] == "open":
        return KIND_WORDS["booking_opened"]
    return KIND_WORDS.get(kind, "Event changed")
