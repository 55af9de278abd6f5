"""``events init``: a first ``config.toml``, commented, for one organisation and its events page."""

from __future__ import annotations

from pathlib import Path

import click

from events.cli.common import friendly


@click.command("init")
@click.option("--name", help="The organisation's name (asked for when not given).")
@click.option("--url", "page", help="The page that lists its events (asked for when not given).")
@click.pass_context
@friendly
def init(ctx: click.Context, name: str | None, page: str | None) -> None:
    """Write a commented config.toml for one organisation's events page.

    \b
    Example:
        events init --name "Hospital Doctors Union" --url https://www.hcsa.com/
    """
    from events.config.loading import load_config
    from events.errors import ConfigError

    path = Path(ctx.obj["config"])
    if path.exists():
        raise ConfigError(f"{path} exists already; `events sources add URL` adds a page to it")
    name = name or click.prompt("The organisation's name")
    page = page or click.prompt("The page that lists its events (https://…)")
    write_starter(path, name, page)
    try:
        config = load_config(path)
    except ConfigError:
        path.unlink()  # a file that does not load helps nobody: say why instead
        raise
    click.echo(
        f"wrote {path} for {config.sources[0].name} ({config.sources[0].url}); "
        f"`events sources` shows it, `events run` starts the service"
    )


def write_starter(path: Path, name: str, page: str) -> None:
    from events.config.edit import suggest_id
    from events.config.template import starter_config

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(starter_config(name.strip(), suggest_id(page, set(), name), page.strip()), encoding="utf-8")
