"""``events history``: one event's changes over time, from the store."""

from __future__ import annotations

import click

from events.cli.common import config_from as _config
from events.cli.common import friendly
from events.cli.common import open_store as _store
from events.cli.common import when as _when


@click.command()
@click.argument("event_id")
@click.pass_context
@friendly
def history(ctx: click.Context, event_id: str) -> None:
    """Show one event's changes over time (ids are in the JSON feed and `events extract`).

    \b
    Example:
        events history 08d99379ab4279450d01
    """
    from zoneinfo import ZoneInfo

    config = _config(ctx)
    store = _store(config)
    if store.event(event_id) is None:
        raise click.ClickException(
            f"no event {event_id!r} (ids are in the JSON feed, /events/<id> and `events extract`)"
        )
    rows = store.history(event_id)
    if not rows:
        raise click.ClickException(f"no changes recorded for event {event_id!r}")
    for row in rows:
        detail = row["detail"]
        if "fields" in detail:
            what = "; ".join(f"{k}: {v[0]!r} → {v[1]!r}" for k, v in detail["fields"].items())
        else:
            event = detail.get("event", {})
            what = f"{event.get('title')!r} on {event.get('start')}"
        click.echo(f"{_when(row['at'], ZoneInfo(config.service.timezone))}  {row['kind']:<11} {what}")
