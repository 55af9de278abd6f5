"""Checking ``config.toml`` key by key, so every error carries its dotted path and says what to fix."""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from events.colours import contrast
from events.config import (
    CHANGE_KINDS,
    MIN_INTERVAL,
    Config,
    Feed,
    FetchSettings,
    Fix,
    Retention,
    Selectors,
    Service,
    Site,
    Slack,
    SlackRoute,
    Source,
    parse_duration,
)
from events.errors import ConfigError
from events.record import EVENT_STATUSES

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_HOST = re.compile(r"^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$")
MAX_INTERVAL = 366 * 86400
MAX_PAGES = 20  # a listing's pages read per fetch; more is crawling a site, not reading a listing
# [fetch] settings: (lowest, highest). A timeout of 0 or a million retries is a typo, not a wish.
FETCH_RANGES: dict[str, tuple[float, float]] = {
    "timeout": (1, 600),
    "connect_timeout": (0.1, 300),
    "read_timeout": (0.1, 600),
    "max_page_mb": (0.01, 100),
    "retries": (0, 10),
    "backoff": (0, 60),
    "max_retry_after": (0, 3600),
    "per_host": (1, 20),
    "concurrency": (1, 200),
    "host_delay": (0, 60),
    "claim_lease": (1, 3600),
}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _url_from_parts() -> str | None:
    """``DATABASE_HOST``, ``DATABASE_USER``, ``DATABASE_PASSWORD``, ``DATABASE_NAME`` (and
    ``DATABASE_PORT``): a PostgreSQL URL built from parts, so a password such as ``p@ss:w/rd#1`` is
    escaped rather than breaking the URL (docker-compose.yml passes these)."""
    env = os.environ
    if not (env.get("DATABASE_HOST") or env.get("DATABASE_PASSWORD")):
        return None
    from sqlalchemy.engine import URL

    port = env.get("DATABASE_PORT", "")
    return URL.create(
        "postgresql",
        username=env.get("DATABASE_USER") or "eventfeed",
        password=env.get("DATABASE_PASSWORD") or None,
        host=env.get("DATABASE_HOST") or "localhost",
        port=int(port) if port.isdigit() else None,
        database=env.get("DATABASE_NAME") or "eventfeed",
    ).render_as_string(hide_password=False)


class Reader:
    """Walks the parsed TOML, checking each key as it takes it, so errors carry their dotted path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.base = path.resolve().parent

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {key}: {problem}")

    def table(
        self, raw: Any, key: str, allowed: set[str], required: frozenset[str] | set[str] = frozenset()
    ) -> dict[str, Any]:
        if not isinstance(raw, Mapping):
            raise self.fail(key, "must be a table")
        for name in raw:
            if name not in allowed:
                hint = ", ".join(sorted(allowed))
                raise self.fail(f"{key}.{name}" if key else name, f"unknown key (allowed: {hint})")
        for name in sorted(required):
            if name not in raw:
                raise self.fail(f"{key}.{name}" if key else name, "missing (required)")
        return dict(raw)

    def string(self, raw: dict[str, Any], name: str, key: str, default: str | None = None) -> str:
        value = raw.get(name, default)
        if not isinstance(value, str):
            raise self.fail(f"{key}.{name}", f"must be a string, not {type(value).__name__}")
        return self.expand(value, f"{key}.{name}")

    def expand(self, value: str, key: str) -> str:
        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise self.fail(key, f"environment variable {name} is not set")
            return os.environ[name]

        return _ENV.sub(sub, value)

    def strings(self, raw: dict[str, Any], name: str, key: str) -> tuple[str, ...]:
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key}.{name}", "must be a list of strings")
        return tuple(value)

    def url(self, raw: dict[str, Any], name: str, key: str, default: str | None = None) -> str:
        value = self.string(raw, name, key, default)
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self.fail(f"{key}.{name}", f"{value!r} is not an http(s) URL")
        return value

    def interval(self, raw: dict[str, Any], name: str, key: str, default: str) -> int:
        value = raw.get(name, default)
        try:
            seconds = parse_duration(value)
        except ValueError:
            raise self.fail(
                f"{key}.{name}", f"{value!r} is not a duration (use 30m, 6h or 1d, or whole seconds)"
            ) from None
        if seconds < MIN_INTERVAL:
            raise self.fail(f"{key}.{name}", f"{value!r} is too short (at least {MIN_INTERVAL} seconds)")
        if seconds > MAX_INTERVAL:
            raise self.fail(f"{key}.{name}", f"{value!r} is too long (at most 366 days)")
        return seconds

    def zone(self, raw: dict[str, Any], name: str, key: str, default: str) -> str:
        value = self.string(raw, name, key, default)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(f"{key}.{name}", f"{value!r} is not an IANA time zone") from None
        return value

    def ident(self, raw: dict[str, Any], key: str) -> str:
        value = self.string(raw, "id", key)
        if not _ID.match(value):
            raise self.fail(f"{key}.id", f"{value!r} must be lower-case letters, digits, - or _")
        return value

    def integer(
        self, raw: dict[str, Any], name: str, key: str, default: int | None, low: int = 0, high: int = 36_500
    ) -> int | None:
        value = raw.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{key}.{name}", f"{value!r} must be a whole number from {low} to {high}")
        if not low <= value <= high:
            raise self.fail(f"{key}.{name}", f"{value!r} is out of range (use {low} to {high})")
        return int(value)

    def number(self, raw: dict[str, Any], name: str, key: str, low: float, high: float, whole: bool) -> float:
        value = raw[name]
        kind = "whole number" if whole else "number"
        if isinstance(value, bool) or not isinstance(value, int | float) or (whole and not isinstance(value, int)):
            raise self.fail(f"{key}.{name}", f"{value!r} must be a {kind} from {low:g} to {high:g}")
        if not math.isfinite(value) or not low <= value <= high:
            raise self.fail(f"{key}.{name}", f"{value!r} is out of range (use {low:g} to {high:g})")
        return float(value) if not whole else int(value)

    def config(self, raw: dict[str, Any]) -> Config:
        top = self.table(raw, "", {"service", "fetch", "sources", "feeds", "slack", "retention", "site"}, {"sources"})
        service = self.service(top.get("service", {}))
        sources_raw = top["sources"]
        if not isinstance(sources_raw, list):
            raise self.fail("sources", "must be an array of tables ([[sources]])")
        sources: list[Source] = []
        for i, item in enumerate(sources_raw):
            source = self.source(item, f"sources[{i}]", service.timezone)
            if any(s.id == source.id for s in sources):
                raise self.fail(f"sources[{i}].id", f"duplicate source id {source.id!r}")
            sources.append(source)
        feeds_raw = top.get("feeds", [])
        if not isinstance(feeds_raw, list):
            raise self.fail("feeds", "must be an array of tables ([[feeds]])")
        feeds: list[Feed] = []
        for i, item in enumerate(feeds_raw):
            feed = self.feed(item, f"feeds[{i}]", {s.id for s in sources}, service)
            if any(f.id == feed.id for f in feeds):
                raise self.fail(f"feeds[{i}].id", f"duplicate feed id {feed.id!r}")
            feeds.append(feed)
        if not any(f.id == "all" for f in feeds):
            feeds.insert(
                0,
                Feed(
                    id="all",
                    title="All events",
                    description="Every event from every source.",
                    past_days=service.past_days,
                    future_days=service.future_days,
                ),
            )
        return Config(
            path=self.path,
            service=service,
            sources=tuple(sources),
            feeds=tuple(feeds),
            fetch=self.fetch(top.get("fetch", {})),
            slack=self.slack(top["slack"], {s.id for s in sources}) if "slack" in top else None,
            retention=self.retention(top.get("retention", {})),
            site=self.site(top.get("site", {})),
        )

    def site(self, raw: Any) -> Site:
        key = "site"
        raw = self.table(raw, key, {f.name for f in dataclasses.fields(Site)})
        defaults = Site()
        accent = self.string(raw, "accent", key, defaults.accent)
        if not _COLOUR.match(accent):
            raise self.fail(f"{key}.accent", f"{accent!r} is not a colour (use #rrggbb)")
        if contrast(accent, "#ffffff") < 4.5:
            raise self.fail(
                f"{key}.accent",
                f"{accent!r} is too light for white text and links ({contrast(accent, '#ffffff'):.1f}:1, "
                "needs 4.5:1): pick a darker shade",
            )
        contact = raw.get("contact_url")
        if contact is not None:
            contact = self.string(raw, "contact_url", key)
            if not contact.startswith("mailto:") and urlsplit(contact).scheme not in ("http", "https"):
                raise self.fail(f"{key}.contact_url", f"{contact!r} is not an http(s) URL or a mailto: address")
        return Site(
            name=self.string(raw, "name", key, defaults.name),
            intro=self.string(raw, "intro", key, defaults.intro),
            logo_url=self.url(raw, "logo_url", key) if "logo_url" in raw else None,
            accent=accent.lower(),
            contact_url=contact,
            contact_label=self.string(raw, "contact_label", key, defaults.contact_label),
        )

    def retention(self, raw: Any) -> Retention:
        key = "retention"
        names = {f.name for f in dataclasses.fields(Retention)}
        raw = self.table(raw, key, names)
        defaults = Retention()
        return Retention(
            **{name: self.integer(raw, name, key, getattr(defaults, name), 1, 36_500) or 1 for name in raw}
        )

    def service(self, raw: Any) -> Service:
        key = "service"
        allowed = {
            "database_url",
            "feeds_dir",
            "base_url",
            "timezone",
            "user_agent",
            "listen",
            "refresh_interval",
            "cancelled_days",
            "removal_after",
            "unhealthy_after",
            "past_days",
            "future_days",
            "admin_token",
        }
        raw = self.table(raw, key, allowed)
        database_url = (
            os.environ.get("DATABASE_URL")
            or _url_from_parts()
            or self.string(raw, "database_url", key, "sqlite:///var/eventfeed.db")
        )
        database_url = self.resolve_sqlite(database_url)
        listen = self.string(raw, "listen", key, "127.0.0.1:8080")
        host, _, port = listen.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise self.fail(f"{key}.listen", f"{listen!r} is not HOST:PORT")
        base_url = self.url(raw, "base_url", key, f"http://{host}:{port}").rstrip("/")
        feeds_dir = Path(self.string(raw, "feeds_dir", key, "var/feeds"))
        return Service(
            database_url=database_url,
            feeds_dir=feeds_dir if feeds_dir.is_absolute() else self.base / feeds_dir,
            base_url=base_url,
            timezone=self.zone(raw, "timezone", key, "Europe/London"),
            user_agent=self.string(raw, "user_agent", key, "eventfeed/0.1 (+https://github.com/eventfeed/eventfeed)"),
            listen_host=host.strip("[]"),
            listen_port=int(port),
            refresh_interval=self.interval(raw, "refresh_interval", key, "6h"),
            cancelled_days=self.integer(raw, "cancelled_days", key, 30, 0, 3650) or 0,
            removal_after=self.integer(raw, "removal_after", key, 3, 1, 100) or 1,
            unhealthy_after=self.interval(raw, "unhealthy_after", key, "1d"),
            past_days=self.integer(raw, "past_days", key, 30) or 0,
            future_days=self.integer(raw, "future_days", key, 730) or 0,
            admin_token=os.environ.get("EVENTFEED_ADMIN_TOKEN")
            or (self.string(raw, "admin_token", key) if "admin_token" in raw else None),
        )

    def fetch(self, raw: Any) -> FetchSettings:
        key = "fetch"
        defaults = FetchSettings()
        raw = self.table(raw, key, set(FETCH_RANGES))
        values: dict[str, Any] = {}
        for name in raw:
            low, high = FETCH_RANGES[name]
            values[name] = self.number(raw, name, key, low, high, whole=isinstance(getattr(defaults, name), int))
        return FetchSettings(**values)

    _ROUTE_KEYS = frozenset({"id", "webhook_url", "channel", "sources", "categories", "kinds"})

    def slack(self, raw: Any, source_ids: set[str]) -> Slack | None:
        key = "slack"
        raw = self.table(
            raw,
            key,
            {
                "webhook_url",
                "token",
                "channel",
                "api_url",
                "signing_secret",
                "command",
                "digest_after",
                "max_retry_after",
                "routes",
                "admin_channel",
                "admin_webhook_url",
            },
        )
        token = self.string(raw, "token", key) if "token" in raw else None
        routes: list[SlackRoute] = []
        if "webhook_url" in raw and not self.string(raw, "webhook_url", key).strip():
            raw = {k: v for k, v in raw.items() if k != "webhook_url"}  # "${SLACK_WEBHOOK_URL}" left empty: no Slack
            if not any(k in raw for k in ("channel", "routes", "admin_channel", "admin_webhook_url")):
                return None
        if "webhook_url" in raw or "channel" in raw:
            default = {k: raw[k] for k in ("webhook_url", "channel") if k in raw}
            routes.append(self.route({"id": "default", **default}, key, token, source_ids))
        routes_raw = raw.get("routes", [])
        if not isinstance(routes_raw, list):
            raise self.fail(f"{key}.routes", "must be an array of tables ([[slack.routes]])")
        for i, item in enumerate(routes_raw):
            item = {"id": f"route{i}", **item} if isinstance(item, dict) else item
            routes.append(self.route(item, f"{key}.routes[{i}]", token, source_ids))
        if not routes:
            raise self.fail(key, "needs webhook_url, or token and channel, or [[slack.routes]]")
        admin = None
        if "admin_channel" in raw or "admin_webhook_url" in raw:
            where = {"channel": raw.get("admin_channel"), "webhook_url": raw.get("admin_webhook_url")}
            admin = self.route(
                {"id": "admin", **{k: v for k, v in where.items() if v is not None}}, key, token, source_ids
            )
        command = self.string(raw, "command", key, "/events")
        if not command.startswith("/"):
            raise self.fail(f"{key}.command", f"{command!r} must start with /")
        return Slack(
            routes=tuple(routes),
            token=token,
            api_url=self.url(raw, "api_url", key, "https://slack.com/api/"),
            signing_secret=self.string(raw, "signing_secret", key) if "signing_secret" in raw else None,
            command=command,
            digest_after=self.integer(raw, "digest_after", key, 5, 1, 1000) or 1,
            admin=admin,
            max_retry_after=self.integer(raw, "max_retry_after", key, 300, 1, 3600) or 300,
        )

    def route(self, raw: Any, key: str, token: str | None, source_ids: set[str]) -> SlackRoute:
        raw = self.table(raw, key, set(self._ROUTE_KEYS))
        webhook = self.url(raw, "webhook_url", key) if "webhook_url" in raw else None
        channel = self.string(raw, "channel", key) if "channel" in raw else None
        if webhook is None and channel is None:
            raise self.fail(key, "needs webhook_url or channel")
        if webhook is None and not token:
            raise self.fail(f"{key}.channel", "posting to a channel needs slack.token (a bot token)")
        sources = self.strings(raw, "sources", key)
        for name in sources:
            if name not in source_ids:
                raise self.fail(f"{key}.sources", f"no source with id {name!r}")
        kinds = self.strings(raw, "kinds", key)
        for kind in kinds:
            if kind not in CHANGE_KINDS:
                raise self.fail(f"{key}.kinds", f"{kind!r} is not one of {', '.join(CHANGE_KINDS)}")
        return SlackRoute(
            id=self.string(raw, "id", key),
            channel=channel,
            webhook_url=webhook,
            sources=sources,
            categories=self.strings(raw, "categories", key),
            kinds=kinds,
        )

    def resolve_sqlite(self, url: str) -> str:
        """A relative SQLite path is relative to the config file, not to wherever the command ran."""
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
            return prefix + str(self.base / url[len(prefix) :])
        return url

    def source(self, raw: Any, key: str, default_zone: str) -> Source:
        allowed = {
            "id",
            "url",
            "name",
            "interval",
            "cron",
            "timezone",
            "categories",
            "follow_links",
            "date_order",
            "selectors",
            "allow_hosts",
            "default_duration",
            "organiser_name",
            "organiser_email",
            "fixes",
            "exclude",
            "pages",
            "follow_details",
        }
        raw = self.table(raw, key, allowed, {"id", "url"})
        source_id = self.ident(raw, key)
        date_order = raw.get("date_order")
        if date_order not in (None, "dmy", "mdy"):
            raise self.fail(f"{key}.date_order", f'{date_order!r} must be "dmy" or "mdy"')
        follow, details = (self.flag(raw, name, key) for name in ("follow_links", "follow_details"))
        selectors = self.selectors(raw["selectors"], f"{key}.selectors") if "selectors" in raw else None
        return Source(
            id=source_id,
            url=self.url(raw, "url", key),
            name=self.string(raw, "name", key, source_id),
            interval=self.interval(raw, "interval", key, "6h"),
            timezone=self.zone(raw, "timezone", key, default_zone),
            categories=self.strings(raw, "categories", key),
            follow_links=follow,
            date_order=date_order,
            selectors=selectors,
            cron=self.cron(raw, key),
            allow_hosts=self.hosts(raw, "allow_hosts", key),
            default_duration=self.length(raw, "default_duration", key, "1h"),
            organiser_name=self.string(raw, "organiser_name", key) if "organiser_name" in raw else None,
            organiser_email=self.email(raw, "organiser_email", key),
            fixes=self.fixes(raw.get("fixes", []), f"{key}.fixes"),
            exclude=self.patterns(raw, "exclude", key),
            pages=self.integer(raw, "pages", key, 1, low=1, high=MAX_PAGES) or 1,
            follow_details=details,
        )

    def flag(self, raw: dict[str, Any], name: str, key: str) -> bool:
        value = raw.get(name, False)
        if not isinstance(value, bool):
            raise self.fail(f"{key}.{name}", "must be true or false")
        return value

    def patterns(self, raw: dict[str, Any], name: str, key: str) -> tuple[str, ...]:
        """Regular expressions, checked here so a typo fails at start-up, not at the next fetch."""
        values = self.strings(raw, name, key)
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise self.fail(f"{key}.{name}", f"{value!r} is not a regular expression: {exc}") from None
        return values

    def fixes(self, raw: Any, key: str) -> tuple[Fix, ...]:
        if not isinstance(raw, list):
            raise self.fail(key, "must be an array of tables ([[sources.fixes]])")
        matchers = {"event_id", "title_matches", "on"}
        changes = {"hide", "title", "venue", "all_day", "duration", "event_status"}
        out = []
        for i, item in enumerate(raw):
            here = f"{key}[{i}]"
            item = self.table(item, here, matchers | changes)
            if not matchers & set(item):
                raise self.fail(here, "says which events it fixes with event_id, title_matches or on")
            if not changes & set(item):
                raise self.fail(here, f"changes nothing (use {', '.join(sorted(changes))})")
            title_matches = None
            if "title_matches" in item:
                title_matches = self.string(item, "title_matches", here)
                self.patterns({"title_matches": [title_matches]}, "title_matches", here)
            on = item.get("on")
            if on is not None:
                on = self.string(item, "on", here)
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", on):
                    raise self.fail(f"{here}.on", f"{on!r} is not a day (use YYYY-MM-DD)")
            status = item.get("event_status")
            if status is not None and status not in EVENT_STATUSES:
                raise self.fail(f"{here}.event_status", f"{status!r} is not one of {', '.join(EVENT_STATUSES)}")
            for flag in ("hide", "all_day"):
                if flag in item and not isinstance(item[flag], bool):
                    raise self.fail(f"{here}.{flag}", "must be true or false")
            out.append(
                Fix(
                    event_id=self.string(item, "event_id", here) if "event_id" in item else None,
                    title_matches=title_matches,
                    on=on,
                    hide=item.get("hide", False),
                    title=self.string(item, "title", here) if "title" in item else None,
                    venue=self.string(item, "venue", here) if "venue" in item else None,
                    all_day=item.get("all_day"),
                    duration=self.length(item, "duration", here, "1h") if "duration" in item else None,
                    event_status=status,
                )
            )
        return tuple(out)

    def length(self, raw: dict[str, Any], name: str, key: str, default: str) -> int:
        """How long something lasts (30m, 90m, 2h): a minute to a day."""
        value = raw.get(name, default)
        try:
            seconds = parse_duration(value)
        except ValueError:
            raise self.fail(f"{key}.{name}", f"{value!r} is not a duration (use 30m, 90m or 2h)") from None
        if not 60 <= seconds <= 86_400:
            raise self.fail(f"{key}.{name}", f"{value!r} is out of range (1 minute to 24 hours)")
        return seconds

    def email(self, raw: dict[str, Any], name: str, key: str) -> str | None:
        if name not in raw:
            return None
        value = self.string(raw, name, key)
        if not re.fullmatch(r"[^@\s<>\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", value):
            raise self.fail(f"{key}.{name}", f"{value!r} is not an email address")
        return value

    def hosts(self, raw: dict[str, Any], name: str, key: str) -> tuple[str, ...]:
        hosts = tuple(h.strip().lower() for h in self.strings(raw, name, key))
        for host in hosts:
            if not _HOST.match(host):
                raise self.fail(f"{key}.{name}", f"{host!r} is not a host name or host:port")
        return hosts

    def cron(self, raw: dict[str, Any], key: str) -> str | None:
        if "cron" not in raw:
            return None
        value = self.string(raw, "cron", key)
        from apscheduler.triggers.cron import CronTrigger  # only when a source uses cron

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise self.fail(f"{key}.cron", f"{value!r} is not a crontab line ({exc})") from None
        return value

    def selectors(self, raw: Any, key: str) -> Selectors:
        names = {"item", "title", "date", "time", "venue", "status", "link", "date_regex"}
        raw = self.table(raw, key, names, {"item"})
        values = {name: self.string(raw, name, key) for name in names if name in raw}
        from selectolax.lexbor import LexborHTMLParser  # checked here so a typo fails at start-up

        probe = LexborHTMLParser("<p></p>")
        for name, value in values.items():
            if name == "date_regex":
                try:
                    re.compile(value)
                except re.error as exc:
                    raise self.fail(f"{key}.{name}", f"not a regular expression: {exc}") from None
                continue
            try:
                probe.css(value)
            except Exception as exc:  # selectolax raises several types for a bad selector
                raise self.fail(f"{key}.{name}", f"{value!r} is not a CSS selector ({exc})") from None
        return Selectors(**values)

    def feed(self, raw: Any, key: str, source_ids: set[str], service: Service) -> Feed:
        allowed = {"id", "title", "description", "sources", "categories", "statuses", "past_days", "future_days"}
        raw = self.table(raw, key, allowed, {"id"})
        feed_id = self.ident(raw, key)
        sources = self.strings(raw, "sources", key)
        for name in sources:
            if name not in source_ids:
                raise self.fail(f"{key}.sources", f"no source with id {name!r}")
        statuses = self.strings(raw, "statuses", key)
        known = {"scheduled", "cancelled", "postponed", "rescheduled"}
        for status in statuses:
            if status not in known:
                raise self.fail(f"{key}.statuses", f"{status!r} is not one of {', '.join(sorted(known))}")
        return Feed(
            id=feed_id,
            title=self.string(raw, "title", key, feed_id),
            description=self.string(raw, "description", key, ""),
            sources=sources,
            categories=self.strings(raw, "categories", key),
            statuses=statuses,
            past_days=self.integer(raw, "past_days", key, service.past_days),
            future_days=self.integer(raw, "future_days", key, service.future_days),
        )
