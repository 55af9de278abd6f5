"""What every extraction strategy needs to know about the page it reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from events.normalise.calendar_words import ALWAYS, primary
from events.normalise.urls import as_uri

_MDY_ZONES = ("America/", "US/", "Pacific/Honolulu")


@dataclass
class PageContext:
    url: str | None
    today: date
    timezone: str = "Europe/London"
    source: str = "page"
    date_order: str | None = None  # "dmy"/"mdy" from config; None: decide from the page
    lang: str = ""
    acronyms: set[str] = field(default_factory=set)
    tree: Any = None
    explain: bool = False  # keep the losing title candidates in each record's provenance
    model: Any = None  # the reader's learned decisions (text.model.ReaderModel); None: the shipped weights
    observations: list[Any] | None = None  # when training: every block read, with its features
    links: dict[str, str] = field(default_factory=dict)  # href → absolute address, for links read twice

    @property
    def reader(self) -> Any:
        if self.model is None:
            from events.extract.reader_model import shipped

            self.model = shipped()
        return self.model

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """The languages month and weekday names are read in: English, Russian and the page's own."""
        own = primary(self.lang)
        return ALWAYS if not own or own in ALWAYS else (*ALWAYS, own)

    @property
    def month_first(self) -> bool:
        """05/03/2024 is 5 March unless config, the page's lang (en-US) or its zone says otherwise."""
        if self.date_order:
            return self.date_order == "mdy"
        if self.lang:
            return self.lang.lower().replace("_", "-") in ("en-us", "en-ph", "en-ca-us")
        return self.timezone.startswith(_MDY_ZONES)

    def absolute(self, href: str | None) -> str | None:
        if not href:
            return None
        known = self.links.get(href)
        if known is None:
            known = self.links[href] = self._absolute(href) or ""
        return known or None

    def _absolute(self, href: str) -> str | None:
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            return None
        if href.startswith(("https://", "http://")):
            return as_uri(href)  # already absolute: urljoin would return it unchanged, slowly
        return as_uri(urljoin(self.url, href) if self.url else href)

    def at(self, day: date, clock: time | None) -> date | datetime:
        return day if clock is None else datetime.combine(day, clock, tzinfo=self.zone)
