"""Reading ``config.toml``: where it is, the TOML parsed and validated into ``Config``, what the sections say
about each other checked, and the JSON Schema editors use; every problem one line naming the file and key."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from events.config.models import DEFAULT_CONFIG, Config, Feed, Service
from events.config.raw import config_error, expand_environment, explicit_defaults
from events.config.values import parse_duration as parse_duration  # where callers have always found it
from events.errors import ConfigError

_READER: TypeAdapter[Config] | None = None


def schema() -> dict[str, Any]:
    """The JSON Schema of ``config.toml`` (draft 2020-12), for editors (taplo, Even Better TOML)."""
    document = _reader().json_schema()
    head = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "eventfeed config.toml"}
    return {**head, **{k: v for k, v in document.items() if k != "title"}}


def _reader() -> TypeAdapter[Config]:
    global _READER
    if _READER is None:
        _READER = TypeAdapter(Config)
    return _READER


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--config`` wins, then ``EVENTS_CONFIG``, then ``config.toml`` in the working directory."""
    return Path(explicit or os.environ.get("EVENTS_CONFIG") or DEFAULT_CONFIG)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    path = config_path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8").removeprefix("\ufeff"))  # a BOM an editor added
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deep to read") from None
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file (use --config PATH or EVENTS_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return config_from(raw, path)


def config_from(raw: Mapping[str, Any], path: Path) -> Config:
    """The settings ``raw`` (parsed TOML) describes, or one line saying what to fix."""
    if "path" in raw:
        raise ConfigError(f"{path}: path: unknown key (the file's own location is not set in it)")
    listed = raw.get("sources")
    for i, source in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(source, Mapping) and "cron" in source and "interval" in source:
            raise ConfigError(f"{path}: sources[{i}]: set cron or interval, not both (cron decides when it runs)")
    service_defaults = {f.name: f.default for f in fields(Service)}
    data = explicit_defaults(expand_environment(dict(raw), path), service_defaults)
    try:
        config = _reader().validate_python({**data, "path": path}, context={"base": path.resolve().parent})
    except ValidationError as exc:
        raise config_error(exc, path, Config) from None
    _check_references(config)
    if config.feed("all") is None:  # a feed of everything exists even when the file leaves it out
        service = config.service
        every = Feed(
            id="all",
            title="All events",
            description="Every event from every source.",
            past_days=service.past_days,
            future_days=service.future_days,
        )
        config = replace(config, feeds=(every, *config.feeds))
    return config


RESERVED_FEED_IDS = frozenset({"schema"})  # /feeds/schema.json is the JSON feed's schema


def _check_references(config: Config) -> None:
    """What the sections say about each other: ids unique, feeds and routes naming real sources,
    channels with a token to post with."""

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{config.path}: {key}: {problem}")

    def first(seen: set[str], table: str, i: int, ident: str, noun: str, key: str | None = None) -> None:
        """Each id once per table (``key``: what counts as the same, a category's in any case)."""
        if (key or ident) in seen:
            raise fail(f"{table}[{i}].id", f"duplicate {noun} id {ident!r}")
        seen.add(key or ident)

    def known(key: str, names: Iterable[str]) -> None:
        for name in names:
            if name not in source_ids:
                raise fail(f"{key}.sources", f"no source with id {name!r}")

    source_ids: set[str] = set()
    for i, source in enumerate(config.sources):
        first(source_ids, "sources", i, source.id, "source")
    feed_ids: set[str] = set()
    for i, feed in enumerate(config.feeds):
        first(feed_ids, "feeds", i, feed.id, "feed")
        if feed.id in RESERVED_FEED_IDS or feed.id.endswith("-booking"):
            owner = feed.id.removesuffix("-booking")
            taken = "/feeds/schema.json" if feed.id in RESERVED_FEED_IDS else f"the booking calendar of feed {owner!r}"
            raise fail(f"feeds[{i}].id", f"{feed.id!r} is taken by {taken}; choose another id")
        known(f"feeds[{i}]", feed.sources)
    category_ids: set[str] = set()
    for i, category in enumerate(config.categories):
        first(category_ids, "categories", i, category.id, "category", category.id.casefold())
    hook_ids: set[str] = set()
    for i, hook in enumerate(config.webhooks):
        first(hook_ids, "webhooks", i, hook.id, "webhook")
        known(f"webhooks[{i}]", hook.sources)
    digest_ids: set[str] = set()
    for i, digest in enumerate(config.digests):
        first(digest_ids, "digests", i, digest.id, "digest")
        if digest.feed not in feed_ids and digest.feed != "all":
            raise fail(f"digests[{i}].feed", f"no feed with id {digest.feed!r}")
    slack = config.slack
    if slack is None:
        return
    if not slack.every_route:
        raise fail("slack", "needs webhook_url, or token and channel, or [[slack.routes]]")
    every = [("slack", slack.every_route[0])] if slack.webhook_url or slack.channel else []
    every += [(f"slack.routes[{i}]", r) for i, r in enumerate(slack.routes)]
    if slack.admin is not None:
        every.append(("slack", slack.admin))
    for key, route in every:
        if route.webhook_url is None and not slack.token:
            raise fail(f"{key}.channel", "posting to a channel needs slack.token (a bot token)")
        known(key, route.sources)
