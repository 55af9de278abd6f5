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
    from events.config import load_config

    return load_config(ctx.obj["config"])


def open_store(config: Any) -> Any:
    from events.store import Store

    store = Store(config.service.database_url)
    store.ensure_sources((s.id, s.url, s.name, s.published) for s in config.sources)
    return store


def open_for_publishing(config: Any) -> tuple[Any, Any]:
    """The store, and the config with the store's fixed UID domain (``events.identity``): what every
    command that writes or serves feeds must use, so that no two runs name one event differently."""
    from events.identity import with_fixed_uid_domain

    store = open_store(config)
    return with_fixed_uid_domain(config, store), store
