"""Changing ``config.toml`` from the command line without disturbing what a person wrote in it.

tomlkit keeps every comment, blank line and layout choice of the file; only the stanza added or
removed changes. Every edit is checked by reading the result as the service would, and the file is
replaced atomically, so a bad edit leaves the file as it was and says why in one line.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomlkit
from tomlkit.items import AoT, Table

from events.config.loading import config_from
from events.config.models import Config
from events.errors import ConfigError


def _read(path: Path) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _write_checked(path: Path, text: str) -> Config:
    """Read ``text`` as the service would; only if it holds is it written (atomically, same mode)."""
    try:
        config = config_from(tomllib.loads(text), path)
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - tomlkit writes valid TOML
        raise ConfigError(f"{path}: the edit would not be valid TOML: {exc}") from None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return config


def add_source(path: Path, stanza: Mapping[str, Any]) -> Config:
    """Append one ``[[sources]]`` stanza after the last source; the rest of the file stays byte for byte."""
    doc = _read(path)
    table = tomlkit.table()
    for key, value in stanza.items():
        if value not in (None, (), []):
            table.add(key, list(value) if isinstance(value, tuple) else value)
    table.add(tomlkit.nl())  # a blank line between the new stanza and what follows, as people write them
    _append(doc, "sources", table, f"{path}: sources: must be an array of tables ([[sources]]) to add to it")
    return _write_checked(path, tomlkit.dumps(doc))


def _append(parent: Any, key: str, table: Table, refusal: str) -> None:
    """Add ``table`` to the array of tables ``parent[key]``, starting the array when there is none."""
    existing = parent.get(key)
    if existing is None:
        aot = tomlkit.aot()
        aot.append(table)
        parent.append(key, aot)
    elif isinstance(existing, AoT):
        existing.append(table)
    else:
        raise ConfigError(refusal)


def remove_source(path: Path, source_id: str) -> Config:
    """Take out the ``[[sources]]`` stanza with this id (its comments inside go with it)."""
    doc = _read(path)
    existing = doc.get("sources")
    if not isinstance(existing, AoT):
        raise ConfigError(f"{path}: no [[sources]] to remove {source_id!r} from")
    index = next((i for i, t in enumerate(existing) if t.get("id") == source_id), None)
    if index is None:
        known = ", ".join(str(t.get("id")) for t in existing)
        raise ConfigError(f"{path}: no source with id {source_id!r} (known: {known})")
    if len(existing) == 1:
        raise ConfigError(f"{path}: {source_id!r} is the only source; the service needs at least one")
    del existing[index]
    return _write_checked(path, tomlkit.dumps(doc))


def add_fix(path: Path, source_id: str, fix: Mapping[str, Any]) -> Config:
    """Append one ``[[sources.fixes]]`` to a source's stanza."""
    doc = _read(path)
    existing = doc.get("sources")
    source = next((t for t in existing if t.get("id") == source_id), None) if isinstance(existing, AoT) else None
    if not isinstance(source, Table):
        raise ConfigError(f"{path}: no source with id {source_id!r}")
    table = tomlkit.table()
    for key, value in fix.items():
        table.add(key, value)
    _append(source, "fixes", table, f"{path}: sources.{source_id}.fixes must be an array of tables ([[sources.fixes]])")
    return _write_checked(path, tomlkit.dumps(doc))


def suggest_id(url: str, taken: set[str], name: str | None = None) -> str:
    """``https://www.hcsa.com/events`` → ``hcsa``; ``hcsa-2`` when that is taken. A site reached by
    its IP address is named from ``name`` (its own name for itself) instead."""
    host = (urlsplit(url).hostname or "source").lower()
    if re.fullmatch(r"[\d.]+|[\da-f:]+", host):
        words = re.findall(r"[a-z0-9]+", (name or "").lower())
        meaningful = ["-".join(words[:4])] if words else ["source"]
    else:
        parts = [p for p in host.split(".") if p not in ("www", "events", "m")]
        generic = {"com", "org", "net", "uk", "co", "ac", "gov", "edu", "io", "info", "us", "au", "ie", "nz", "ca"}
        meaningful = [p for p in parts if p not in generic] or parts or ["source"]
    base = re.sub(r"[^a-z0-9_-]+", "-", meaningful[-1]).strip("-")[:50] or "source"
    if not base[0].isalnum():
        base = f"s{base}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# A country's zone when the country has one; for the others (US, Canada, Australia) the site's zone
# cannot be told from its address, so the service's own is suggested and the person is asked.
_ZONE_BY_TLD = {
    "uk": "Europe/London",
    "ie": "Europe/Dublin",
    "fr": "Europe/Paris",
    "de": "Europe/Berlin",
    "nl": "Europe/Amsterdam",
    "be": "Europe/Brussels",
    "es": "Europe/Madrid",
    "it": "Europe/Rome",
    "nz": "Pacific/Auckland",
    "za": "Africa/Johannesburg",
    "in": "Asia/Kolkata",
    "sg": "Asia/Singapore",
    "jp": "Asia/Tokyo",
}


FALLBACK_WHY = "the service's zone; pass --timezone if the site is elsewhere"


# country calling codes → country, for the phone numbers a page gives (ITU E.164 assignments)
_CALLING_CODES = {
    "44": "GB", "353": "IE", "33": "FR", "49": "DE", "31": "NL", "32": "BE", "34": "ES", "39": "IT",
    "41": "CH", "43": "AT", "45": "DK", "46": "SE", "47": "NO", "48": "PL", "351": "PT", "358": "FI",
    "30": "GR", "420": "CZ", "36": "HU", "64": "NZ", "27": "ZA", "91": "IN", "65": "SG", "81": "JP",
    "82": "KR", "852": "HK", "972": "IL", "971": "AE", "234": "NG", "254": "KE", "356": "MT", "357": "CY",
}  # fmt: skip
_PHONE = re.compile(r"(?<![\w+])\+\s?(\d{1,3})[\s.(-]*\d[\d\s().-]{6,}")
# a postcode as the UK writes it ("LS1 2AB", "SW1A 1AA"): an address in the UK
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[ABD-HJLNP-UW-Z]{2}\b")


def suggest_zone(url: str, default: str, lang: str | None = None, text: str = "") -> tuple[str, str]:
    """The page's zone and why: ``("Europe/London", "its address ends in .uk")``, or from the language
    the page declares (``en-AU`` names a country), the phone numbers it gives (+44 …) or its postcodes;
    a country with more than one zone's clock is not guessed."""
    tld = (urlsplit(url).hostname or "").rsplit(".", 1)[-1].lower()
    if tld in _ZONE_BY_TLD:
        return _ZONE_BY_TLD[tld], f"its address ends in .{tld}"
    region = (lang or "").replace("_", "-").split("-")[1:2]
    if region and len(region[0]) == 2 and (zone := country_zone(region[0])):
        return zone, f"the page's language is {lang}"
    codes = [m.group(1) for m in _PHONE.finditer(text)]
    countries = [c for code in codes for n in (3, 2, 1) if (c := _CALLING_CODES.get(code[:n]))][:1] if codes else []
    if countries and (zone := country_zone(countries[0])):
        return zone, f"its phone numbers are in {countries[0]} (+{codes[0]})"
    if _UK_POSTCODE.search(text):
        return "Europe/London", "it gives UK postcodes"
    if len(tld) == 2 and (zone := country_zone(tld)):
        return zone, f"its address ends in .{tld}"
    return default, FALLBACK_WHY


def country_zone(country: str) -> str | None:
    """The zone of a country whose clocks all agree (CLDR's zones of the territory, compared over a
    year); None for one with several (the US, Australia) or unknown."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from babel.core import get_global

    zones = get_global("territory_zones").get(country.upper(), [])
    year = datetime.now(UTC).year
    moments = [datetime(year, month, 15, tzinfo=UTC) for month in (1, 4, 7, 10)]
    clocks = {tuple(m.astimezone(ZoneInfo(z)).utcoffset() for m in moments) for z in zones}
    return zones[0] if zones and len(clocks) == 1 else None
