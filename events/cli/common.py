"""What every command shares: one-line errors instead of tracebacks, the config, the store."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def friendly(func: F) -> F:
    """Turn our own errors into one readable line and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from events.errors import EventfeedError

        try:
            return func(*args, **kwargs)
        except EventfeedError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def config_from(ctx: click.Context) -> Any:
    from events.config.loading import load_config

    return load_config(ctx.obj["config"])


def open_store(config: Any) -> Any:
    from events.store import Store

    store = Store(config.service.database_url)
    store.ensure_sources((s.id, s.url, s.name, s.published) for s in config.sources)
    return store


def open_for_publishing(config: Any) -> tuple[Any, Any]:
    """The store, and the config with the store's fixed UID domain (``events.store.uid_domain``): what every
    command that writes or serves feeds must use, so that no two runs name one event differently."""
    from events.store.uid_domain import with_fixed_uid_domain

    store = open_store(config)
    return with_fixed_uid_domain(config, store), store


def when(value: Any, zone: Any) -> str:
    """A stored (UTC) time in the service's zone, with the zone said: "2026-12-01 18:00 GMT"."""
    if value is None:
        return "-"
    return str(value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"))


def fetch_policy_for(ctx: click.Context | None) -> Any:
    """The default politeness, with the configured User-Agent when there is a config to read."""
    from events.fetch.fetcher import FetchPolicy

    policy = FetchPolicy()
    if ctx is not None:
        policy.user_agent = config_from(ctx).service.user_agent
    return policy


def download(url: str, ctx: click.Context | None) -> tuple[str, str]:
    import asyncio

    from events.errors import ExtractError
    from events.fetch.fetcher import Failure, Fetcher, NotModified

    async def get() -> Any:
        async with Fetcher(fetch_policy_for(ctx)) as fetcher:
            return await fetcher.fetch(url)

    outcome = asyncio.run(get())
    if isinstance(outcome, Failure | NotModified):
        raise ExtractError(f"{url}: {outcome.reason}")
    return outcome.text, outcome.url


def platform_data(html: str, url: str, ctx: click.Context | None) -> list[Any]:
    """The data of the platforms the page at ``url`` draws its events from, fetched as a reading
    fetches it (``events.service.platform_data``)."""
    import asyncio

    from events.errors import ExtractError
    from events.extract import parse_html
    from events.extract.platforms import may_show_a_platform
    from events.fetch.addresses import host_of
    from events.fetch.fetcher import Fetcher
    from events.service.platform_data import platform_answers

    if not may_show_a_platform(html, url):
        return []

    async def get() -> Any:
        async with Fetcher(fetch_policy_for(ctx)) as fetcher:
            return await platform_answers(fetcher, url, parse_html(html), frozenset({host_of(url)}), [])

    answers = asyncio.run(get())
    if isinstance(answers, str):
        raise ExtractError(f"{url}: {answers}")
    return list(answers)
