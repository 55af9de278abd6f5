"""``events sources add`` / ``remove`` and ``events fix``: adding a site, and correcting what the reader
gets wrong, from the command line, with ``config.toml``'s comments and layout kept (``config_edit``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from events.cli.common import config_from as _config
from events.cli.common import friendly
from events.cli.common import open_store as _store
from events.cli.common import when as _when
from events.cli.preview import preview as _preview

TOO_MANY = 300  # more events than a membership organisation's page lists: probably not an events page


@click.group(invoke_without_command=True)
@click.pass_context
@friendly
def sources(ctx: click.Context) -> None:
    """Show each source: state, last fetch and success, events found and stored, failures, next run.

    \b
    Example:
        events sources
        events sources accept hcsa     # the page's new shape is right
    """
    if ctx.invoked_subcommand is not None:
        return
    from zoneinfo import ZoneInfo

    from events.sources.state import source_state

    config = _config(ctx)
    zone = ZoneInfo(config.service.timezone)
    store = _store(config)
    states = {s["id"]: s for s in store.source_states()}
    rows = [("SOURCE", "STATE", "LAST FETCH", "LAST SUCCESS", "FOUND", "STORED", "FAILURES", "NEXT RUN", "DETAIL")]
    for source in config.sources:
        s = states.get(source.id, {"id": source.id})
        state = source_state(s, config.service.unhealthy_after)
        rows.append(
            (
                source.id,
                state.name.upper() if state.overdue or state.name == "changed shape" else state.name,
                _when(s.get("last_fetch_at"), zone),
                _when(s.get("last_success_at"), zone),
                "-" if s.get("events_found") is None else str(s["events_found"]),
                str(s.get("events_stored", 0)),
                str(s.get("consecutive_failures") or 0),
                _when(s.get("next_run_at"), zone),
                state.detail,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())
    if config.slack is not None or config.webhooks:
        from feeds.outbox import refused_messages, route_words

        for route, count, error in refused_messages(store):
            click.echo(f"{route_words(route)}: {count} message(s) refused and given up; the last: {error}")


@sources.command("accept")
@click.argument("source_id")
@click.pass_context
@friendly
def sources_accept(ctx: click.Context, source_id: str) -> None:
    """Accept a page's new shape: its next reading is trusted and becomes the usual shape.

    Events the new page no longer shows are then removed after `removal_after` readings, as usual.

    \b
    Example:
        events sources accept hcsa
    """
    from events.sources.state import source_state

    config = _config(ctx)
    config.source(source_id)
    store = _store(config)
    before = source_state(store.source_state(source_id) or {}, config.service.unhealthy_after)
    store.accept_shape(source_id)
    was = "" if before.name == "changed shape" else f" (it was {before.name})"
    click.echo(f"{source_id}: the next reading will be trusted and become its usual shape{was}")


@sources.command("add")
@click.argument("url")
@click.option("--id", "source_id", help="The source's id (suggested from the address when not given).")
@click.option("--name", help="The organisation's name as members know it (default: the page's site name).")
@click.option("--category", "categories", multiple=True, help="A category for its events (repeatable).")
@click.option("--timezone", "zone", help="IANA zone of the page's times (suggested from the address).")
@click.option("--follow-links", is_flag=True, help="Also read the calendar files (.ics) the page links to.")
@click.option(
    "--pages",
    type=click.IntRange(1, 20),
    default=1,
    show_default=True,
    help="Listing pages to read, following its Next links.",
)
@click.option("--follow-details", is_flag=True, help="Read each event's own page for its end, venue and booking.")
@click.option("--yes", "-y", is_flag=True, help="Add without asking (for scripts).")
@click.pass_context
@friendly
def sources_add(
    ctx: click.Context,
    url: str,
    source_id: str | None,
    name: str | None,
    categories: Sequence[str],
    zone: str | None,
    follow_links: bool,
    pages: int,
    follow_details: bool,
    yes: bool,
) -> None:
    """Fetch a page, show what it yields, and add it to config.toml as a source.

    \b
    Example:
        events sources add https://www.hcsa.com/ --category union
        events sources add https://www.example.org/events --id example --yes
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from events.config.edit import FALLBACK_WHY, add_source, suggest_id, suggest_zone
    from events.config.models import Source
    from events.errors import ConfigError

    if not Path(ctx.obj["config"]).exists() and (
        yes or click.confirm(f"There is no {ctx.obj['config']} yet: write one for this page?", default=True)
    ):
        from events.cli.init import write_starter

        write_starter(Path(ctx.obj["config"]), name or suggest_id(url, set()), url)
        click.echo(f"wrote {ctx.obj['config']} with this page as its first source; `events sources` shows it")
        return
    config = _config(ctx)
    taken = {s.id for s in config.sources}
    for s in config.sources:
        if s.url.rstrip("/") == url.rstrip("/"):
            raise ConfigError(f"{config.path}: {url} is already source {s.id!r}")
    if source_id is not None and source_id in taken:
        raise ConfigError(f"{config.path}: there is already a source with id {source_id!r}")
    if zone is None:
        zone, why = suggest_zone(url, config.service.timezone)
    else:
        why = "as given"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"{zone!r} is not an IANA time zone", param_hint="--timezone") from None
    today = datetime.now(ZoneInfo(zone)).date()
    reading = Source(
        id=source_id or "page",
        url=url,
        name=name or "",
        interval=6 * 3600,
        timezone=zone,
        follow_links=follow_links,
        pages=pages,
        follow_details=follow_details,
    )
    preview = _preview(ctx, reading, today)
    chosen_id = source_id or suggest_id(url, taken, name or preview.site_name)
    if why == FALLBACK_WHY:  # the page's own language, phone numbers or postcodes may name its country
        zone, why = suggest_zone(url, config.service.timezone, preview.lang, preview.text)
    click.echo(preview.table(today))
    for line in preview.platforms:
        click.echo(line)
    for warning in preview.warnings(today):
        click.echo(f"warning: {warning}")
    if preview.calendars and not follow_links:
        click.echo(
            f"this page links {len(preview.calendars)} calendar file(s), e.g. {preview.calendars[0]}: reading them is "
            "more reliable than reading the page; add with --follow-links to use them"
        )
    stanza: dict[str, Any] = {"id": chosen_id, "name": name or preview.site_name or chosen_id, "url": url}
    if zone != config.service.timezone:
        stanza["timezone"] = zone
    stanza["categories"] = list(categories)
    if preview.next_page and pages == 1:
        click.echo(f"the list continues on another page ({preview.next_page}): add with --pages 3 to read more of it")
    for key, value in (
        ("follow_links", follow_links),
        ("pages", pages > 1 and pages),
        ("follow_details", follow_details),
    ):
        if value:
            stanza[key] = value
    click.echo(f"id {chosen_id!r}; zone {zone} ({why})")
    if not yes and not click.confirm(f"Add {chosen_id!r} to {config.path}?", default=True):
        click.echo("nothing changed")
        return
    add_source(Path(config.path), stanza)
    click.echo(
        f"added {chosen_id!r} to {config.path}; `events fetch --source {chosen_id}` reads it now, "
        "a running `events run` from its next start"
    )


@sources.command("remove")
@click.argument("source_id")
@click.option("--yes", "-y", is_flag=True, help="Remove without asking (for scripts).")
@click.option("--keep-events", is_flag=True, help="Keep its events in the feeds, as a frozen archive.")
@click.pass_context
@friendly
def sources_remove(ctx: click.Context, source_id: str, yes: bool, keep_events: bool) -> None:
    """Take a source out of config.toml (its comments and the rest of the file stay as they are) and
    its events out of the feeds and pages (``--keep-events`` keeps them, no longer updated).

    \b
    Example:
        events sources remove hcsa
    """
    from events.config.edit import remove_source

    config = _config(ctx)
    source = config.source(source_id)
    if not yes:
        click.confirm(f"Remove {source.name!r} ({source.url}) from {config.path}?", default=False, abort=True)
    remove_source(Path(config.path), source_id)
    if keep_events:
        click.echo(f"removed {source_id!r} from {config.path}; its events stay in the feeds, no longer updated")
        return
    from events.config.loading import load_config
    from feeds.build import build_feeds

    store = _store(config)
    gone = store.withdraw_source(source_id)
    build_feeds(load_config(config.path), store)
    click.echo(
        f"removed {source_id!r} from {config.path} and its {gone} event{'' if gone == 1 else 's'} from the feeds"
    )
