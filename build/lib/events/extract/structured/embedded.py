"""Events a page carries as data for its own JavaScript: ``var meetings = [{...}]``, ``__NEXT_DATA__``.

Only lists of at least two records that each have a title and a machine-readable start are taken,
so configuration blobs and analytics payloads are left alone; and the records of a normalised
client cache (Apollo, Relay: ``{"Event:42": {...}, "Venue:7": {...}}``), whose keys say what each
record is, with their ``{"__ref": "Venue:7"}`` links followed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from events.extract.context import PageContext
from events.extract.structured.candidate import Candidate, clean_text, to_event
from events.extract.textmap import TextMap
from events.normalise.moments import parse_moment
from events.record import Event

_ASSIGNED_ARRAY = re.compile(r"=\s*(\[\s*\{.*?\}\s*\])\s*[;\n]", re.DOTALL)
_TITLE_KEYS = ("title", "name", "summary", "event_name", "eventName", "meeting_name", "subject")
_START_KEYS = (
    "startDate",
    "start_date",
    "start",
    "startTime",
    "start_time",
    "date",
    "event_date",
    "eventDate",
    "begin",
    "datetime",
    "dateTime",
    "eventDate",
    "meetingDate",
    "meeting_date",
)
_END_KEYS = ("endDate", "end_date", "end", "endTime", "end_time")
# start keys that name an event's day outright: a list of one such record is still an event list
_EVENT_START_KEYS = ("startDate", "start_date", "eventDate", "event_date", "meetingDate", "meeting_date", "dateTime")
# a clock written apart from the day ("meetingTime": "1:00 p.m.")
_CLOCK_KEYS = ("meetingTime", "meeting_time", "eventTime", "event_time", "time", "startTimeText")
_MIDNIGHT = re.compile(r"T00:00(?::00(?:\.0+)?)?(?:Z|[+-]\d\d:?\d\d)?$")
_LEADING_DAY = re.compile(r"^\s*\d{4}-\d\d-\d\d\s*")
_URL_KEYS = ("url", "link", "permalink", "href", "event_url", "eventUrl")
_VENUE_KEYS = ("venue", "location", "location_name", "place")
_ADDRESS_KEYS = ("address", "street", "address1")
_MAX_SCRIPT = 2_000_000
_MAX_DEPTH = 12
_UTC = ZoneInfo("UTC")  # only to check that a value parses at all


def find_embedded_events(ctx: PageContext, tm: TextMap) -> list[Event]:
    out: list[Event] = []
    for node in ctx.tree.css("script"):
        kind = (node.attrs.get("type") or "").lower()
        if "ld+json" in kind or (kind and "json" not in kind and "javascript" not in kind):
            continue
        text = node.text(deep=True) or ""
        if len(text) > _MAX_SCRIPT or "{" not in text:
            continue
        for data in _json_values(text, "json" in kind):
            for records, store in _record_lists(data, 0):
                for record in records:
                    event = to_event(ctx, _candidate(record, store))
                    if event is not None:
                        out.append(event)
    return out


def _json_values(text: str, whole: bool) -> Iterator[Any]:
    if whole:
        try:
            yield json.loads(text)
        except ValueError:
            return
        return
    for m in _ASSIGNED_ARRAY.finditer(text):
        try:
            yield json.loads(m.group(1))
        except ValueError:
            continue


def _get(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((record[k] for k in keys if record.get(k) not in (None, "", [], {})), None)


def _is_event_record(record: Any) -> bool:
    if not isinstance(record, dict):
        return False
    title, start = _get(record, _TITLE_KEYS), _get(record, _START_KEYS)
    return isinstance(title, str) and isinstance(start, str) and parse_moment(start, _UTC) is not None


_CACHE_KEY = re.compile(r"^[A-Z]\w*:\S+$")  # "Event:304008256"
_NO_STORE: dict[str, Any] = {}


def _record_lists(data: Any, depth: int) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Lists of event records, each with the cache its ``__ref`` links point into (or an empty one)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        records = [r for r in data if _is_event_record(r)]
        named = len(records) == 1 and len(data) == 1 and _get(records[0], _EVENT_START_KEYS) is not None
        if (len(records) >= 2 or named) and len(records) * 2 >= len(data):
            yield records, _NO_STORE
            return
        for item in data:
            yield from _record_lists(item, depth + 1)
    elif isinstance(data, dict):
        keys = list(data)[:50]
        if keys and sum(isinstance(k, str) and bool(_CACHE_KEY.match(k)) for k in keys) * 2 > len(keys):
            records = [r for k, r in data.items() if k.split(":", 1)[0].lower() == "event" and _is_event_record(r)]
            if records:
                yield records, data
                return
        for value in data.values():
            if isinstance(value, list | dict):
                yield from _record_lists(value, depth + 1)


def _candidate(record: dict[str, Any], store: dict[str, Any]) -> Candidate:
    venue = _get(record, _VENUE_KEYS)
    address = _get(record, _ADDRESS_KEYS)
    locality = record.get("city") or record.get("town")
    if isinstance(venue, dict) and isinstance(venue.get("__ref"), str):
        venue = store.get(venue["__ref"])
    if isinstance(venue, dict):
        address = address or _get(venue, _ADDRESS_KEYS)
        locality = locality or venue.get("city") or venue.get("town")
        venue = venue.get("name") or venue.get("title")
    if isinstance(address, str) and isinstance(locality, str):
        address = f"{address}, {locality}"
    status = " ".join(str(record.get(k) or "") for k in ("status", "event_status", "state"))
    start = str(_get(record, _START_KEYS))
    clock = _str(_get(record, _CLOCK_KEYS))
    if _MIDNIGHT.search(start) or clock:
        start = start[:10]  # a day stored as its midnight (in UTC, often), or a day with its clock apart
    title = clean_text(_get(record, _TITLE_KEYS))
    return Candidate(
        found_by="embedded",
        title=_LEADING_DAY.sub("", title) if title else title,
        start=start,
        when_text=clock,
        end=_str(_get(record, _END_KEYS)),
        url=_str(_get(record, _URL_KEYS)),
        venue=_str(venue),
        address=_str(address),
        locality=_str(locality),
        status_text=status if status.strip() else None,
    )


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
