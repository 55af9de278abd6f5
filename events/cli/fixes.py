"""``events fix``: correcting what the reader gets wrong for one source; the fix is kept in ``config.toml``
(``events.config.edit``) and applied after every fetch."""

from __future__ import annotations

from pathlib import Path

import click

from events.cli.common import config_from as _config
from events.cli.common import friendly


@click.command("fix")
@click.argument("source_id")
@click.argument("event_id", required=False)
@click.option("--title-matches", help="Fix every event whose title matches this regular expression.")
@click.option("--on", "day", help="Fix the event on this day (YYYY-MM-DD).")
@click.option("--title", help="The title to show instead.")
@click.option("--venue", help="The venue to show instead.")
@click.option("--all-day", is_flag=True, default=None, help="Show it as an all-day event.")
@click.option("--duration", help="How long it lasts (30m, 2h): sets its end.")
@click.option("--status", "event_status", type=click.Choice(["scheduled", "cancelled", "postponed", "rescheduled"]))
@click.option("--hide", is_flag=True, help="Never show it.")
@click.pass_context
@friendly
def fix(
    ctx: click.Context,
    source_id: str,
    event_id: str | None,
    title_matches: str | None,
    day: str | None,
    title: str | None,
    venue: str | None,
    all_day: bool | None,
    duration: str | None,
    event_status: str | None,
    hide: bool,
) -> None:
    """Correct what the reader gets for one source's events; the fix is kept in config.toml and applied
    after every fetch.

    \b
    Example:
        events fix hcsa 08d99379ab4279450d01 --title "HCSA Annual Conference 2024"
        events fix hcsa --title-matches "^members' area$" --hide
    """
    from events.config.edit import add_fix
    from events.errors import ConfigError

    config = _config(ctx)
    config.source(source_id)
    matching = {"event_id": event_id, "title_matches": title_matches, "on": day}
    setting = {
        "title": title,
        "venue": venue,
        "all_day": all_day,
        "duration": duration,
        "event_status": event_status,
        "hide": hide or None,
    }
    entry = {k: v for k, v in {**matching, **setting}.items() if v is not None}
    if not any(v is not None for v in matching.values()):
        raise ConfigError("say which events: an EVENT_ID, --title-matches or --on")
    if not any(v is not None for v in setting.values()):
        raise ConfigError("say what to change: --title, --venue, --all-day, --duration, --status or --hide")
    add_fix(Path(config.path), source_id, entry)
    click.echo(f"fix added to {source_id!r} in {config.path}; applied from its next fetch")
