"""Read ``config.toml`` into typed, immutable settings, or fail with one line that says what to fix.

Every problem names the file, the dotted key and what is wrong, e.g.
``config.toml: sources[2].interval: "5x" is not a duration (use 30m, 6h or 1d)``.
Strings may name environment variables as ``${VAR}`` so that secrets stay out of the file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from events.errors import ConfigError

DEFAULT_CONFIG = "config.toml"
_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_INTERVAL = 60


@dataclass(frozen=True)
class Selectors:
    """CSS selectors for a site the automatic strategies misread (see README, "Selectors")."""

    item: str
    title: str | None = None
    date: str | None = None
    time: str | None = None
    venue: str | None = None
    status: str | None = None
    link: str | None = None
    date_regex: str | None = None


@dataclass(frozen=True)
class Fix:
    """A correction to what the reader gets from one source (``[[sources.fixes]]``), applied after
    every reading: the events it matches (all of ``event_id``, ``title_matches``, ``on`` that are set)
    get its values, or are hidden."""

    event_id: str | None = None
    title_matches: str | None = None  # a regular expression, case-insensitive, searched in the title
    on: str | None = None  # the event's first day, YYYY-MM-DD
    hide: bool = False
    title: str | None = None
    venue: str | None = None
    all_day: bool | None = None  # true: the day only (a time the page gave is dropped)
    duration: int | None = None  # seconds, from "2h": sets the end of a timed event
    event_status: str | None = None

    def describe(self) -> str:
        said = [
            f"id {self.event_id}" if self.event_id else "",
            f"title ~ {self.title_matches!r}" if self.title_matches else "",
        ]
        said.append(f"on {self.on}" if self.on else "")
        return ", ".join(s for s in said if s)


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    name: str
    interval: int
    timezone: str
    categories: tuple[str, ...] = ()
    follow_links: bool = False
    date_order: str | None = None  # "dmy" or "mdy"; None lets the page decide
    selectors: Selectors | None = None
    cron: str | None = None  # a crontab line instead of the interval, e.g. "0 7 * * 1-5"
    allow_hosts: tuple[str, ...] = ()  # hosts (or host:port) besides its own it may reach at any address
    default_duration: int = 3600  # seconds a timed event with no end is published as lasting (end_assumed)
    organiser_name: str | None = None  # published as ORGANIZER only when configured: no invented contact
    organiser_email: str | None = None
    fixes: tuple[Fix, ...] = ()
    exclude: tuple[str, ...] = ()  # regular expressions: titles that are never events on this site
    pages: int = 1  # listing pages read, following the page's "next" link from the first
    follow_details: bool = False  # fetch each event's own page to fill what the listing lacks

    @property
    def reading(self) -> str:
        """How this source's page is read: when it changes (new selectors, a fix), the next fetch reads
        the page again in full rather than trusting a 304 or an unchanged body."""
        said = repr(
            (
                self.url,
                self.timezone,
                self.categories,
                self.date_order,
                self.selectors,
                self.fixes,
                self.exclude,
                self.pages,
                self.follow_details,
            )
        )
        return hashlib.sha256(said.encode()).hexdigest()[:32]

    @property
    def published(self) -> str:
        """What this source adds to every one of its events as published (its name and address,
        default duration, organiser): a change to any of it must reach subscribers."""
        said = "\x1f".join(
            str(x) for x in (self.name, self.url, self.default_duration, self.organiser_name, self.organiser_email)
        )
        return hashlib.sha256(said.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    description: str = ""
    sources: tuple[str, ...] = ()  # empty: every source
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # event_status values kept; empty: all
    past_days: int | None = 30  # the window it shows (config: the [service] defaults unless set)
    future_days: int | None = 730


@dataclass(frozen=True)
class SlackRoute:
    """Where some changes go: a channel (with the bot token) or a webhook, filtered by source,
    category and kind of change (empty: all)."""

    id: str
    channel: str | None = None
    webhook_url: str | None = None
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Slack:
    routes: tuple[SlackRoute, ...]
    token: str | None = None
    api_url: str = "https://slack.com/api/"
    signing_secret: str | None = None
    command: str = "/events"
    digest_after: int = 5  # a cycle bringing more changes than this to one route posts one digest
    admin: SlackRoute | None = None
    max_retry_after: int = 300  # a route told to wait (429) waits at most this long, in seconds


CHANGE_KINDS = ("new", "updated", "booking", "booking_opened", "cancelled", "rescheduled", "removed")


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how patiently pages are fetched (``[fetch]``); times in seconds."""

    timeout: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_page_mb: float = 5.0
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 120.0
    per_host: int = 2
    concurrency: int = 10
    host_delay: float = 1.0
    claim_lease: float = 60.0  # a fetch's claim on its source, renewed while it runs; a dead holder's lapses


@dataclass(frozen=True)
class Service:
    database_url: str
    feeds_dir: Path
    base_url: str
    timezone: str
    user_agent: str
    listen_host: str
    listen_port: int
    refresh_interval: int = 6 * 3600
    cancelled_days: int = 30
    removal_after: int = 3
    unhealthy_after: int = 24 * 3600  # a source failing this long is reported
    # the window every feed shows unless it sets its own: events that ended at most past_days ago and
    # start within future_days. Google drops feeds over ~1 MB or ~1,000 events.
    past_days: int = 30
    future_days: int = 730
    admin_token: str | None = None  # shows /healthz's error text to who sends it (Authorization: Bearer …)


@dataclass(frozen=True)
class Retention:
    """How long the store keeps what it no longer needs (``[retention]``, days); applied daily by
    ``events run`` and on demand by ``events db prune``."""

    fetch_history_days: int = 90  # one row per fetch, 304s included
    changes_days: int = 365  # an event's history (each source's latest change is always kept)
    removed_events_days: int = 90  # events gone from their page
    past_events_days: int = 365  # events that ended; never less than the longest feed window


@dataclass(frozen=True)
class Site:
    """Who the pages speak for (``[site]``): the organisation's name, logo, colour, contact and intro."""

    name: str = "Event calendars"
    intro: str = (
        "Subscribe once and your calendar keeps itself up to date: new events appear, changes and cancellations follow."
    )
    logo_url: str | None = None
    accent: str = "#0b57d0"  # links and the primary button; must keep 4.5:1 against white
    contact_url: str | None = None  # an https:// page or a mailto: address
    contact_label: str = "Contact us"


@dataclass(frozen=True)
class Config:
    path: Path
    service: Service
    sources: tuple[Source, ...]
    feeds: tuple[Feed, ...] = field(default_factory=tuple)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    slack: Slack | None = None
    retention: Retention = field(default_factory=Retention)
    site: Site = field(default_factory=Site)

    @property
    def keep_past_days(self) -> int | None:
        """Days an ended event is kept: the retention setting, stretched to the longest feed window
        (a feed showing ten years back keeps ten years); None when a feed shows all of the past."""
        windows = [f.past_days for f in self.feeds]
        if any(w is None for w in windows):
            return None
        return max([self.retention.past_events_days, *(w for w in windows if w is not None)])

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources) or "none"
        raise ConfigError(f"{self.path}: no source with id {source_id!r} (known: {known})")

    def feed(self, feed_id: str) -> Feed | None:
        return next((f for f in self.feeds if f.id == feed_id), None)


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--config`` wins, then ``EVENTS_CONFIG``, then ``config.toml`` in the working directory."""
    return Path(explicit or os.environ.get("EVENTS_CONFIG") or DEFAULT_CONFIG)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    path = config_path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file (use --config PATH or EVENTS_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    from events.config_reader import Reader

    return Reader(path).config(raw)


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
