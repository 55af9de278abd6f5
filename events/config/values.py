"""The kinds of value ``config.toml`` holds (a duration, a zone, an http(s) address, a CSS selector…),
each a type that checks itself, says in words what is wrong, and describes itself in the JSON Schema.

TOML already knows strings from numbers, so nothing is coerced: ``interval = 5.5`` or ``retries = true``
is refused as written, never rounded or read as 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from events.config.colours import contrast

# every table of config.toml: an unknown key is an error, and each field's docstring describes it in the schema
STRICT = ConfigDict(extra="forbid", use_attribute_docstrings=True)

MIN_INTERVAL = 60
MAX_INTERVAL = 366 * 86400
_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_DOMAIN = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")
_HOST = re.compile(r"^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EMAIL = re.compile(r"[^@\s<>\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_DURATION_SCHEMA = {"anyOf": [{"type": "string", "pattern": r"^\s*\d+\s*[smhd]\s*$"}, {"type": "integer"}]}


def problem(text: str) -> PydanticCustomError:
    """An error whose words are shown as they are, after the file and the key."""
    return PydanticCustomError("config", "{problem}", {"problem": text})


def parse_duration(text: str | int) -> int:
    """``"6h"`` → 21600. Plain integers are seconds; anything else (5.5, inf, true) is not a duration."""
    if isinstance(text, bool) or not isinstance(text, int | str):
        raise ValueError("not a duration")
    if isinstance(text, int):
        return text
    match = _DURATION.match(text)
    if not match:
        raise ValueError("not a duration")
    return int(match.group(1)) * _SECONDS[match.group(2)]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise problem(f"must be a string, not {type(value).__name__}")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise problem("must be a list of strings")
    return tuple(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise problem("must be true or false")
    return value


Text = Annotated[str, BeforeValidator(_text)]
Texts = Annotated[tuple[str, ...], BeforeValidator(_texts)]
Flag = Annotated[bool, BeforeValidator(_flag)]


@dataclass(frozen=True, eq=False)  # hashed by identity: typing hashes Annotated's metadata
class Check:
    """A check in an ``Annotated`` type: runs before pydantic's own (on the value as written) and
    stands for the value in the JSON Schema."""

    validate: Callable[[Any], Any]
    schema: dict[str, Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self.validate, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return dict(self.schema)


def checked(check: Callable[[str], str | None], schema: dict[str, Any] | None = None) -> Check:
    """A string that ``check`` finds nothing wrong with (it returns the problem in words, or None)."""

    def validate(value: Any) -> str:
        said = check(_text(value))
        if said:
            raise problem(said)
        return value  # type: ignore[no-any-return]

    return Check(validate, {"type": "string", **(schema or {})})


def checked_list(check: Callable[[str], str | None], schema: dict[str, Any] | None = None) -> Check:
    """A list of strings, each of which ``check`` finds nothing wrong with."""

    def validate(value: Any) -> tuple[str, ...]:
        values = _texts(value)
        for one in values:
            said = check(one)
            if said:
                raise problem(said)
        return values

    return Check(validate, {"type": "array", "items": {"type": "string", **(schema or {})}})


def one_of(choices: Sequence[str]) -> Callable[[str], str | None]:
    return lambda v: None if v in choices else f"{v!r} is not one of {', '.join(choices)}"


def _ident(value: str) -> str | None:
    return None if _ID.match(value) else f"{value!r} must be lower-case letters, digits, - or _"


def _http(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{value!r} is not an http(s) URL"
    try:
        port = parts.port
    except ValueError:  # "http://127.0.0.1:99999/": said now, not as an error group at fetch time
        return f"{value!r} has a port outside 1-65535"
    return None if port is None or 0 < port < 65536 else f"{value!r} has a port outside 1-65535"


def _zone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{value!r} is not an IANA time zone"
    return None


def _host(value: str) -> str | None:
    return None if _HOST.match(value.strip().lower()) else f"{value!r} is not a host name or host:port"


def _domain(value: str) -> str | None:
    return None if _DOMAIN.fullmatch(value) else f"{value!r} is not a domain name, e.g. events.example.org"


def _regex(value: str) -> str | None:
    """Checked here so that a typo fails at start-up, not at the next fetch."""
    try:
        re.compile(value)
    except re.error as exc:
        return f"{value!r} is not a regular expression: {exc}"
    return None


def _css(value: str) -> str | None:
    from selectolax.lexbor import LexborHTMLParser  # only when a source has selectors

    try:
        LexborHTMLParser("<p></p>").css(value)
    except Exception as exc:  # selectolax raises several types for a bad selector
        return f"{value!r} is not a CSS selector ({exc})"
    return None


def _cron(value: str) -> str | None:
    from apscheduler.triggers.cron import CronTrigger  # only when a source uses cron

    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        return f"{value!r} is not a crontab line ({exc})"
    return None


def _day(value: str) -> str | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value!r} is not a day (use YYYY-MM-DD)"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not a day of the calendar"  # 2027-02-30
    return None


def _email(value: str) -> str | None:
    return None if _EMAIL.fullmatch(value) else f"{value!r} is not an email address"


def _listen(value: str) -> str | None:
    host, _, port = value.rpartition(":")
    return None if host and port.isdigit() and 0 < int(port) < 65536 else f"{value!r} is not HOST:PORT"


def _contact(value: str) -> str | None:
    if value.startswith("mailto:") or urlsplit(value).scheme in ("http", "https"):
        return None
    return f"{value!r} is not an http(s) URL or a mailto: address"


def _accent(value: str) -> str | None:
    if not _COLOUR.match(value):
        return f"{value!r} is not a colour (use #rrggbb)"
    ratio = contrast(value, "#ffffff")
    if ratio < 4.5:
        return f"{value!r} is too light for white text and links ({ratio:.1f}:1, needs 4.5:1): pick a darker shade"
    return None


Ident = Annotated[str, checked(_ident, {"pattern": _ID.pattern})]
HttpUrl = Annotated[str, checked(_http, {"format": "uri", "pattern": "^https?://"})]
Domain = Annotated[str, checked(_domain, {"pattern": _DOMAIN.pattern})]
Zone = Annotated[str, checked(_zone, {"description": "an IANA time zone, e.g. Europe/London"})]
Regex = Annotated[str, checked(_regex, {"format": "regex"})]
Css = Annotated[str, checked(_css)]
Cron = Annotated[str, checked(_cron, {"description": 'a crontab line, e.g. "0 7 * * 1-5"'})]
Day = Annotated[str, checked(_day, {"format": "date"})]
Email = Annotated[str, checked(_email, {"format": "email"})]
Listen = Annotated[str, checked(_listen, {"pattern": r"^.+:\d{1,5}$"})]
ContactUrl = Annotated[str, checked(_contact)]
Accent = Annotated[str, checked(_accent, {"pattern": _COLOUR.pattern}), AfterValidator(str.lower)]
Hosts = Annotated[
    tuple[str, ...], checked_list(_host), AfterValidator(lambda hosts: tuple(h.strip().lower() for h in hosts))
]
Patterns = Annotated[tuple[str, ...], checked_list(_regex, {"format": "regex"})]


def whole(low: int, high: int) -> Check:
    """A whole number from ``low`` to ``high``."""

    def validate(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise problem(f"{value!r} must be a whole number from {low} to {high}")
        if not low <= value <= high:
            raise problem(f"{value!r} is out of range (use {low} to {high})")
        return value

    return Check(validate, {"type": "integer", "minimum": low, "maximum": high})


def number(low: float, high: float) -> Check:
    """A number (whole or not) from ``low`` to ``high``; never infinite, never NaN."""

    def validate(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise problem(f"{value!r} must be a number from {low:g} to {high:g}")
        if not math.isfinite(value) or not low <= value <= high:
            raise problem(f"{value!r} is out of range (use {low:g} to {high:g})")
        return float(value)

    return Check(validate, {"type": "number", "minimum": low, "maximum": high})


def _interval(value: Any) -> int:
    try:
        seconds = parse_duration(value)
    except ValueError:
        raise problem(f"{value!r} is not a duration (use 30m, 6h or 1d, or whole seconds)") from None
    if seconds < MIN_INTERVAL:
        raise problem(f"{value!r} is too short (at least {MIN_INTERVAL} seconds)")
    if seconds > MAX_INTERVAL:
        raise problem(f"{value!r} is too long (at most 366 days)")
    return seconds


def _length(value: Any) -> int:
    """How long something lasts (30m, 90m, 2h): a minute to a day."""
    try:
        seconds = parse_duration(value)
    except ValueError:
        raise problem(f"{value!r} is not a duration (use 30m, 90m or 2h)") from None
    if not 60 <= seconds <= 86_400:
        raise problem(f"{value!r} is out of range (1 minute to 24 hours)")
    return seconds


Interval = Annotated[int, Check(_interval, _DURATION_SCHEMA)]
Length = Annotated[int, Check(_length, _DURATION_SCHEMA)]


def _beside_config(value: Any, info: ValidationInfo) -> Path:
    """A relative path is relative to the config file, not to wherever the command ran."""
    path = value if isinstance(value, Path) else Path(_text(value))
    base = (info.context or {}).get("base")
    return path if path.is_absolute() or base is None else base / path


def _database(value: Any, info: ValidationInfo) -> str:
    url = _text(value)
    prefix, base = "sqlite:///", (info.context or {}).get("base")
    if base is not None and url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str(base / url[len(prefix) :])
    return url


Folder = Annotated[Path, BeforeValidator(_beside_config), WithJsonSchema({"type": "string"})]
DatabaseUrl = Annotated[str, BeforeValidator(_database), WithJsonSchema({"type": "string"})]
