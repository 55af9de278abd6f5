"""``config.toml``, described once: typed, immutable settings that check themselves when read (pydantic),
and the JSON Schema editors use to complete and check the file (``events config schema``).

Every problem is one line naming the file, the dotted key and what to fix, e.g.
``config.toml: sources[2].interval: '5x' is not a duration (use 30m, 6h or 1d, or whole seconds)``.
Strings may name environment variables as ``${VAR}`` so that secrets stay out of the file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import field
from pathlib import Path
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator
from pydantic.dataclasses import dataclass
from pydantic.json_schema import SkipJsonSchema

from events.config.sending import CHANGE_KINDS as CHANGE_KINDS
from events.config.sending import Digest, Slack, Webhook
from events.config.values import STRICT as _STRICT
from events.config.values import (
    Accent,
    ContactUrl,
    Cron,
    Css,
    DatabaseUrl,
    Day,
    Domain,
    Email,
    Flag,
    Folder,
    Hosts,
    HttpUrl,
    Ident,
    Interval,
    Length,
    Listen,
    Patterns,
    Regex,
    Text,
    Texts,
    Zone,
    checked,
    checked_list,
    number,
    one_of,
    whole,
)
from events.config.values import parse_duration as parse_duration  # where callers have always found it
from events.errors import ConfigError
from events.record import EVENT_STATUSES

DEFAULT_CONFIG = "config.toml"
MAX_PAGES = 20  # a listing's pages read per fetch; more is crawling a site, not reading a listing
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
Days = Annotated[int, whole(0, 36_500)]
EventStatus = Annotated[str, checked(one_of(EVENT_STATUSES), {"enum": list(EVENT_STATUSES)})]


@dataclass(frozen=True, config=_STRICT)
class Selectors:
    """CSS selectors for a site the automatic strategies misread (see README, "Selectors")."""

    item: Css
    """Each event's element."""
    title: Css | None = None
    date: Css | None = None
    time: Css | None = None
    venue: Css | None = None
    status: Css | None = None
    link: Css | None = None
    date_regex: Regex | None = None


@dataclass(frozen=True, config=_STRICT)
class Fix:
    """A correction to what the reader gets from one source (``[[sources.fixes]]``), applied after
    every reading: the events it matches (all of ``event_id``, ``title_matches``, ``on`` that are set)
    get its values, or are hidden."""

    event_id: Text | None = None
    title_matches: Regex | None = None
    """A regular expression, case-insensitive, searched in the title."""
    on: Day | None = None
    """The event's first day, YYYY-MM-DD."""
    hide: Flag = False
    title: Text | None = None
    venue: Text | None = None
    all_day: Flag | None = None
    """True: the day only (a time the page gave is dropped)."""
    duration: Length | None = None
    """Sets the end of a timed event (30m, 2h)."""
    event_status: EventStatus | None = None

    @model_validator(mode="after")
    def _says_what(self) -> Fix:
        if not any(v is not None for v in (self.event_id, self.title_matches, self.on)):
            raise ValueError("says which events it fixes with event_id, title_matches or on")
        changes = ("all_day", "duration", "event_status", "hide", "title", "venue")
        if not self.hide and all(getattr(self, name) is None for name in changes if name != "hide"):
            raise ValueError(f"changes nothing (use {', '.join(changes)})")
        return self

    def describe(self) -> str:
        said = [
            f"id {self.event_id}" if self.event_id else "",
            f"title ~ {self.title_matches!r}" if self.title_matches else "",
        ]
        said.append(f"on {self.on}" if self.on else "")
        return ", ".join(s for s in said if s)


@dataclass(frozen=True, config=_STRICT)
class Source:
    """One page to watch (``[[sources]]``)."""

    id: Ident
    url: HttpUrl
    name: Text = ""
    """The organisation's name as members know it (default: the id)."""
    interval: Interval = Field(default=6 * 3600, description="How often to fetch it: 30m, 6h, 1d (at least 1m).")
    timezone: Zone = Field(default="Europe/London", description="The zone of the page's times (default: [service]'s).")
    categories: Texts = ()
    """Tags every event of this source carries."""
    follow_links: Flag = False
    """Also read the calendar files (.ics) the page links to."""
    date_order: Annotated[str, checked(one_of(("dmy", "mdy")), {"enum": ["dmy", "mdy"]})] | None = None
    """How to read 05/03/2024; unset lets the page decide."""
    selectors: Selectors | None = None
    cron: Cron | None = None
    """A crontab line in the source's zone instead of the interval, e.g. "0 7 * * 1-5"."""
    allow_hosts: Hosts = ()
    """Hosts (or host:port) besides its own it may reach at any address, and whose event pages it reads.
    A host without a port means its default port only (80 for http, 443 for https)."""
    default_duration: Length = Field(default=3600, description="A timed event with no end is published this long.")
    organiser_name: Text | None = None
    """Published as ORGANIZER only when configured: no contact is ever invented."""
    organiser_email: Email | None = None
    fixes: tuple[Fix, ...] = ()
    exclude: Patterns = ()
    """Regular expressions: titles that are never events on this site."""
    pages: Annotated[int, whole(1, MAX_PAGES)] = 1
    """Listing pages read, following the page's "next" link from the first."""
    follow_details: Flag = False
    """Read each coming event's own page to fill what the listing lacks (end, venue, booking)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.name or self.id)

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


@dataclass(frozen=True, config=_STRICT)
class Feed:
    """A filter over events, published as iCal, JSON and RSS (``[[feeds]]``)."""

    id: Ident
    title: Text = ""
    """Shown in calendar apps as the calendar's name (default: the id)."""
    description: Text = ""
    sources: Texts = ()
    """Source ids; empty: every source."""
    categories: Texts = ()
    statuses: Annotated[tuple[str, ...], checked_list(one_of(EVENT_STATUSES), {"enum": list(EVENT_STATUSES)})] = ()
    """event_status values kept; empty: all."""
    past_days: Days | None = 30
    """Events that ended at most this many days ago are shown (default: [service]'s)."""
    future_days: Days | None = 730
    """Events starting within this many days are shown (default: [service]'s)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", self.title or self.id)


@dataclass(frozen=True, config=_STRICT)
class FetchSettings:
    """How politely and how patiently pages are fetched (``[fetch]``); times in seconds. A timeout of
    0 or a million retries is a typo, not a wish: each has a range."""

    timeout: Annotated[float, number(1, 600)] = 60.0
    connect_timeout: Annotated[float, number(0.1, 300)] = 10.0
    read_timeout: Annotated[float, number(0.1, 600)] = 20.0
    max_page_mb: Annotated[float, number(0.01, 100)] = 5.0
    retries: Annotated[int, whole(0, 10)] = 3
    backoff: Annotated[float, number(0, 60)] = 1.0
    max_retry_after: Annotated[float, number(0, 3600)] = 120.0
    per_host: Annotated[int, whole(1, 20)] = 2
    concurrency: Annotated[int, whole(1, 200)] = 10
    host_delay: Annotated[float, number(0, 60)] = 1.0
    claim_lease: Annotated[float, number(1, 3600)] = 60.0
    """A fetch's claim on its source, renewed while it runs; a dead holder's lapses."""


@dataclass(frozen=True, config=ConfigDict(**_STRICT, validate_default=True))  # defaults are paths to resolve
class Service:
    """The service itself (``[service]``): its store, files, address and zone, and the defaults every
    source and feed takes unless it sets its own."""

    database_url: DatabaseUrl = "sqlite:///var/eventfeed.db"
    """SQLite file (relative to this file) or a PostgreSQL URL; DATABASE_URL in the environment wins."""
    feeds_dir: Folder = Path("var/feeds")
    listen: Listen = "127.0.0.1:8080"
    """Where `events serve` and `events run` listen, HOST:PORT."""
    base_url: HttpUrl = "http://127.0.0.1:8080"
    """The public address subscribers use (default: http:// + listen)."""
    uid_domain: Domain | None = None
    """What every event's UID ends in. Unset: base_url's host at the first run with a public base_url,
    kept in the store, so moving the service to a new address duplicates nothing in calendars."""
    timezone: Zone = "Europe/London"
    user_agent: Text = "eventfeed/0.1 (+https://github.com/eventfeed/eventfeed)"
    refresh_interval: Interval = 6 * 3600
    """How often calendar apps should re-read a feed."""
    cancelled_days: Annotated[int, whole(0, 3650)] = 30
    """Cancelled events stay visible (marked) this long."""
    removal_after: Annotated[int, whole(1, 100)] = 3
    """An upcoming event missing from this many healthy fetches is removed."""
    unhealthy_after: Interval = 24 * 3600
    """A source failing this long is reported."""
    past_days: Days = 30
    """Every feed's window unless it sets its own: events that ended at most this many days ago..."""
    future_days: Days = 730
    """...and start within this many days. Google drops feeds over ~1 MB or ~1,000 events."""
    admin_token: Text | None = None
    """Shows /healthz's error text to who sends it (Authorization: Bearer …)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    @property
    def listen_host(self) -> str:
        return self.listen.rpartition(":")[0].strip("[]")

    @property
    def listen_port(self) -> int:
        return int(self.listen.rpartition(":")[2])


@dataclass(frozen=True, config=_STRICT)
class Retention:
    """How long the store keeps what it no longer needs (``[retention]``, days); applied daily by
    ``events run`` and on demand by ``events db prune``."""

    fetch_history_days: Annotated[int, whole(1, 36_500)] = 90
    """One row per fetch, 304s included."""
    changes_days: Annotated[int, whole(1, 36_500)] = 365
    """An event's history (each source's latest change is always kept)."""
    removed_events_days: Annotated[int, whole(1, 36_500)] = 90
    """Events gone from their page."""
    past_events_days: Annotated[int, whole(1, 36_500)] = 365
    """Events that ended; never less than the longest feed window."""


@dataclass(frozen=True, config=_STRICT)
class Site:
    """Who the pages speak for (``[site]``): the organisation's name, logo, colour, contact and intro."""

    name: Text = "Event calendars"
    intro: Text = (
        "Subscribe once and your calendar keeps itself up to date: new events appear, changes and cancellations follow."
    )
    logo_url: HttpUrl | None = None
    accent: Accent = "#0b57d0"
    """Links and the primary button; must keep 4.5:1 against white."""
    contact_url: ContactUrl | None = None
    """An https:// page or a mailto: address."""
    contact_label: Text = "Contact us"
    address: Text | None = None
    """The organisation's own premises, e.g. "Unity House, 1 Cross Street, Leeds LS1 2AB": an event
    whose venue is the address's first part ("Unity House") is given the whole address (search
    engines list an event only with an address)."""
    frame_ancestors: Texts = ()
    """Websites that may show ``/embed/<feed>`` in a frame ("https://www.hcsa.com"); empty: any website."""


@dataclass(frozen=True, config=_STRICT)
class Category:
    """A category as members read it (``[[categories]]``): sources, fixes and feed queries name it by ``id``
    ("cpd"), pages show its ``name`` ("Courses and CPD")."""

    id: Text
    name: Text


@dataclass(frozen=True, kw_only=True, config=_STRICT)
class Config:
    """The whole file. ``path`` is where it was read from (not a key in it). Tables are checked in
    this order, so the first problem told is the one the others may follow from."""

    service: Service = field(default_factory=Service)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    sources: tuple[Source, ...]
    feeds: tuple[Feed, ...] = ()
    slack: Slack | None = None
    webhooks: tuple[Webhook, ...] = ()
    digests: tuple[Digest, ...] = ()
    retention: Retention = field(default_factory=Retention)
    site: Site = field(default_factory=Site)
    categories: tuple[Category, ...] = ()
    """Display names of categories; one not listed is shown as written, a slug ("cpd-courses") as words."""
    path: SkipJsonSchema[Path] = Path(DEFAULT_CONFIG)

    def category_name(self, category: str) -> str:
        """What members read for a category: its configured name, else a slug in words ("first-aid" →
        "First aid"), else the words a page or the config gave."""
        for known in self.categories:
            if known.id.casefold() == category.casefold():
                return known.name
        if _SLUG.fullmatch(category):
            words = re.sub(r"[-_]+", " ", category).strip()
            return words[:1].upper() + words[1:]
        return category

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
