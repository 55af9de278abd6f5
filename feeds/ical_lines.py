"""A VEVENT's lines written straight from its properties, byte for byte what ``icalendar`` writes.

A cold build of a large feed was 14–41× a plain writer of the same lines: icalendar builds a typed
value, a parameters dictionary and a content line object per property, then folds every line a
character at a time. The properties of our events are few and of known types (text, URI, calendar
address, integer, date, date-time, geo, categories), so they are written here directly. icalendar
stays the authority: ``reference`` renders the same properties through it, and the tests hold the
two byte-identical for every kind of event we publish and for hostile text (``tests/test_ical_lines.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Event as VEvent

Value = str | int | date | datetime | tuple[float, float] | list[str]
Property = tuple[str, Value, dict[str, str]]  # (lower-case name, value, parameters)

_TEXT = frozenset({"uid", "summary", "transp", "status", "location", "description"})
_VERBATIM = frozenset({"url", "image", "organizer"})  # URI, CAL-ADDRESS: no escaping
_IN_UTC = frozenset({"dtstamp", "created", "last-modified"})  # RFC 5545: always UTC
# icalendar's order for a VEVENT: these first, in this order, then the rest alphabetically
_FIRST = ("summary", "dtstart", "dtend", "duration", "dtstamp", "uid", "recurrence-id", "sequence")
_RANK = {name: (n, "") for n, name in enumerate(_FIRST)}
_SPECIAL = re.compile(r"[\\;,\r\n]")  # what TEXT escapes
_PLAIN_PARAM = re.compile(r"[^\^\r\n\"',;: ’]*")  # a parameter value needing no escape or quote
_LIMIT = 74  # octets of a line before it folds (RFC 5545's 75 with the fold's leading space)


def vevent(properties: Sequence[Property]) -> bytes:
    """The VEVENT, CRLF line ends, folded at 75 octets; the properties in the order given, which for
    icalendar's bytes is its order (``feeds.ical.vevent_properties`` gives them so)."""
    lines = ["BEGIN:VEVENT"]
    for name, value, params in properties:
        line = _line(name, value, params)
        lines.append(line if len(line) <= _LIMIT and line.isascii() else _fold(line))
    lines.append("END:VEVENT\r\n")
    return "\r\n".join(lines).encode()


def in_order(properties: Sequence[Property]) -> list[Property]:
    """Properties in icalendar's order for a VEVENT: its canonical ones first, then alphabetically."""
    return sorted(properties, key=lambda p: _RANK.get(p[0]) or (len(_RANK), p[0]))


def reference(properties: Sequence[Property]) -> bytes:
    """The same VEVENT as icalendar writes it (icalendar orders the properties itself): what ``vevent``
    of the properties ``in_order`` must equal."""
    ve = VEvent()
    for name, value, params in properties:
        if params:
            ve.add(name, value, parameters=params)
        else:
            ve.add(name, value)
    return bytes(ve.to_ical())


def _line(name: str, value: Value, params: dict[str, str]) -> str:
    kind = type(value)
    if kind is str and not params:  # most lines: text, a URI or an address, no parameters
        assert isinstance(value, str)
        return f"{name.upper()}:{value if name in _VERBATIM else _escape(value)}"
    if kind is datetime and not params:
        assert isinstance(value, datetime)
        # by the clock, its zone and fold: equal instants in two zones are equal datetimes
        return _moment(name, value.replace(tzinfo=None, fold=0), value.tzinfo, value.fold)
    params = dict(params)
    if name in _TEXT:
        assert isinstance(value, str)
        text = _escape(value)
    elif name in _VERBATIM:
        assert isinstance(value, str)
        text = value
    elif name == "categories":
        assert isinstance(value, list)
        text = ",".join(_escape(c) for c in value)
    elif name == "geo":
        assert isinstance(value, tuple)
        text = f"{float(value[0])};{float(value[1])}"
    elif isinstance(value, datetime):
        text, tzid = _stamp(name, value)
        if tzid:
            params["TZID"] = tzid
    elif isinstance(value, date):
        text = f"{value.year:04}{value.month:02}{value.day:02}"
        params["VALUE"] = "DATE"
    elif isinstance(value, int):
        text = str(value)
    else:
        raise TypeError(f"no way to write {name} = {value!r}")
    head = name.upper()
    for key in sorted(params):
        head += f";{key}={_param(key, params[key])}"
    return f"{head}:{text}"


@lru_cache(maxsize=4096)
def _moment(name: str, clock: datetime, zone: tzinfo | None, fold: int) -> str:
    """A date-time line: the same few stamps (a fetch's, an event's hours) come again and again."""
    text, tzid = _stamp(name, clock.replace(tzinfo=zone, fold=fold))
    return f"{name.upper()};TZID={_param('TZID', tzid)}:{text}" if tzid else f"{name.upper()}:{text}"


def _stamp(name: str, value: datetime) -> tuple[str, str | None]:
    """A date-time's text and the TZID it needs (None: UTC, with its Z, or floating)."""
    if name in _IN_UTC:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    text = f"{value.year:04}{value.month:02}{value.day:02}T{value.hour:02}{value.minute:02}{value.second:02}"
    if _is_utc(value):
        return text + "Z", None
    return text, value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None


def _is_utc(value: datetime) -> bool:
    """UTC as icalendar tells it: the zone is UTC by name, not merely at offset 0 (London in winter)."""
    zone = value.tzinfo
    return zone is UTC or (isinstance(zone, ZoneInfo) and zone.key in ("UTC", "Etc/UTC", "Etc/GMT", "GMT"))


def _escape(text: str) -> str:
    """RFC 5545 TEXT, in icalendar's order (a literal ``\\N`` is a line break, then backslashes, ...)."""
    if _SPECIAL.search(text) is None:
        return text
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _param(key: str, value: str) -> str:
    """A parameter value: RFC 6868 escapes, double quotes when it holds , ; : ’ (or, for CN, a space
    or an apostrophe)."""
    if _PLAIN_PARAM.fullmatch(value):
        return value
    raw_quotes = key == "CN" and any(c in value for c in " '")
    value = value.replace("^", "^^").replace("\r\n", "^n").replace("\r", "^n").replace("\n", "^n")
    value = value.replace('"', "^'")
    if raw_quotes or any(c in value for c in ",;:’"):  # ’: icalendar quotes on the typographic apostrophe
        return f'"{value}"'
    return value


def _fold(line: str) -> str:
    """Folded as icalendar folds: at most 74 octets, then CRLF and a space, never inside a character,
    and never right after a backslash or caret (the start of an escape moves to the next line)."""
    data = line.encode()
    if len(data) <= _LIMIT:
        return line
    parts = []
    start = 0
    while len(data) - start > _LIMIT:
        cut = start + _LIMIT
        while data[cut] & 0xC0 == 0x80:  # the middle of a character: cut before it
            cut -= 1
        if cut - start > 1 and data[cut - 1] in b"\\^":
            cut -= 1
        parts.append(data[start:cut])
        start = cut
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()
