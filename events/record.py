"""The event record: the same fields in ``events extract``, the store, the JSON feed and iCal.

Records are immutable. ``start``/``end`` are ``date`` for all-day events and zone-aware ``datetime``
for timed ones, never naive. Whether an event is past is worked out when it is read (``as_dict``),
never stored, because "past" depends on the day you ask.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EVENT_STATUSES = ("scheduled", "cancelled", "postponed", "rescheduled")
BOOKING_STATES = ("none", "soon", "open", "closed", "sold_out", "waitlist")

# Fields a subscriber sees change: a difference in one of these is an update, raises SEQUENCE.
VISIBLE_FIELDS = (
    "title",
    "start",
    "end",
    "all_day",
    "venue",
    "locality",
    "address",
    "online",
    "event_status",
    "booking",
    "booking_label",
    "booking_opens",
    "url",
    "description",
    "latitude",
    "longitude",
    "image",
)


@dataclass(frozen=True, slots=True)
class Event:
    source: str
    title: str
    start: date | datetime
    end: date | datetime | None = None
    timezone: str = "Europe/London"
    venue: str | None = None
    locality: str | None = None
    address: str | None = None
    online: bool = False
    event_status: str = "scheduled"
    booking: str = "none"
    booking_label: str | None = None
    booking_opens: str | None = None
    url: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()
    latitude: float | None = None  # where the page gives coordinates (JSON-LD geo)
    longitude: float | None = None
    image: str | None = None  # the event's picture, an absolute URL
    image_alt: str | None = None  # what the page says the picture shows (its alt text, an ImageObject's caption)
    id: str = ""
    # Where the record came from ("jsonld", "text", ...): for debugging, not part of identity.
    found_by: str = field(default="", compare=False)
    # Which part of the page gave each field ("title": "h3.event-title"): for people checking the reader.
    provenance: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def last_day(self) -> date:
        end = self.end or self.start
        return end.date() if isinstance(end, datetime) else end

    @property
    def first_day(self) -> date:
        return self.start.date() if isinstance(self.start, datetime) else self.start

    def as_dict(self, today: date | None = None) -> dict[str, Any]:
        data = asdict(self)
        data.pop("found_by")
        data["start"] = _iso(self.start)
        data["end"] = _iso(self.end)
        data["all_day"] = self.all_day
        data["categories"] = list(self.categories)
        data["provenance"] = dict(self.provenance)
        if today is not None:
            data["past"] = self.last_day < today
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        """A record as stored or published; times come back in the event's own zone (the text keeps
        only an offset, and an offset is not a zone)."""
        values = {k: v for k, v in data.items() if k in _FIELD_NAMES}
        all_day = data.get("all_day", True)
        zone = _zone(values.get("timezone"))
        values["start"] = _parse(values["start"], all_day, zone)
        values["end"] = _parse(values.get("end"), all_day, zone)
        values["categories"] = tuple(sys.intern(c) if isinstance(c, str) else c for c in values.get("categories") or ())
        values["provenance"] = dict(values.get("provenance") or {})
        for name in _REPEATED:  # one string for each of a feed's 100,000 "Europe/London"s
            if isinstance(values.get(name), str):
                values[name] = sys.intern(values[name])
        return cls(**values)


_FIELD_NAMES = {f.name for f in fields(Event)} - {"found_by"}
# the fields whose few values repeat across a store's events: read back as one string each
_REPEATED = ("source", "timezone", "venue", "locality", "address", "event_status", "booking", "booking_label")


def _iso(value: date | datetime | None) -> str | None:
    """RFC 3339: a day, or a time with seconds and its offset (the zone's name is in ``timezone``)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def _parse(value: str | None, all_day: bool, zone: ZoneInfo | None = None) -> date | datetime | None:
    if value is None:
        return None
    if len(value) == 10:  # a day stays a day, also as the end of a timed event ("from 12:00 16 June to 8 July")
        return date.fromisoformat(value)
    moment = datetime.fromisoformat(value)
    return moment.astimezone(zone) if zone is not None and moment.tzinfo is not None else moment


def _zone(name: object) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def title_key(title: str) -> str:
    """A title reduced to what survives a site's restyling: case, accents, punctuation, spacing."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().casefold()
    text = text.replace("&", " and ")
    return " ".join(re.findall(r"[a-z0-9]+", text))


def event_id(event: Event, page_url: str | None = None, *, use_url: bool = True, with_day: bool = False) -> str:
    """Stable across fetches: the event's own page if it has one, else source + title + year.

    A link back to the listing page itself says nothing about which event it is, so it is ignored.
    The year (not the day) is in the key so that a moved date is a change to the same event.
    """
    if use_url and event.url and event.url.rstrip("/") != (page_url or "").rstrip("/"):
        basis = f"{event.source}\x1furl\x1f{event.url.rstrip('/')}"
    elif with_day:
        basis = f"{event.source}\x1ftitle\x1f{title_key(event.title)}\x1f{event.first_day.isoformat()}"
    else:
        basis = f"{event.source}\x1ftitle\x1f{title_key(event.title)}\x1f{event.first_day.year}"
    return hashlib.sha256(basis.encode()).hexdigest()[:20]
