"""``events config schema|check``: the configuration's JSON Schema for editors, and a check of a file
without starting anything."""

from __future__ import annotations

import json

import click

from events.cli.common import config_from as _config
from events.cli.common import friendly


@click.group("config")
def config_group() -> None:
    """config.toml: its schema for editors, and a check.

    \b
    Example:
        events config schema > config.schema.json
        events config check
    """


@config_group.command("schema")
@friendly
def config_schema() -> None:
    """Print the JSON Schema of config.toml (for VS Code with Even Better TOML, taplo, or any checker).

    config.toml names it on its first line (#:schema ./config.schema.json), so editors complete keys,
    show each key's meaning and mark mistakes as you type.
    """
    from events.config.loading import schema

    click.echo(json.dumps(schema(), indent=2, ensure_ascii=False))


@config_group.command("check")
@click.pass_context
@friendly
def config_check(ctx: click.Context) -> None:
    """Read config.toml as the service would and say whether it holds (exit status 1 if not)."""
    config = _config(ctx)
    routes = len(config.slack.every_route) if config.slack else 0
    click.echo(f"{config.path}: fine: {len(config.sources)} sources, {len(config.feeds)} feeds, {routes} Slack routes")
