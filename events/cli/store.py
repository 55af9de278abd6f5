"""``events db upgrade|status``, ``events export`` and ``events import``: looking after the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import click

from events.cli.common import config_from as _config
from events.cli.common import friendly
from events.cli.common import open_store as _store


@click.group()
def db() -> None:
    """The database schema (SQLite or PostgreSQL): its version and upgrades.

    \b
    Example:
        events db upgrade
    """


@db.command("upgrade")
@click.pass_context
@friendly
def db_upgrade(ctx: click.Context) -> None:
    """Apply schema migrations up to this version of eventfeed.

    \b
    Example:
        DATABASE_URL=postgresql://eventfeed@db/eventfeed events db upgrade
    """
    from events.store import Store, migrate

    config = _config(ctx)
    store = Store(config.service.database_url, prepare=False)
    before, after = migrate.upgrade(store.engine)
    click.echo(
        f"{store.safe_url}: schema {before or 'none'} → {after}"
        if before != after
        else f"{store.safe_url}: schema {after}, already up to date"
    )


@db.command("prune")
@click.pass_context
@friendly
def db_prune(ctx: click.Context) -> None:
    """Remove what [retention] no longer keeps: old fetch records and history, events removed from
    their page or long past (`events run` does this daily).

    \b
    Example:
        events db prune
    """
    from events.service.retention import prune, summary

    config = _config(ctx)
    click.echo(summary(prune(config, _store(config))))


@db.command("downgrade")
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask before dropping what newer revisions added.")
@click.pass_context
@friendly
def db_downgrade(ctx: click.Context, revision: str, yes: bool) -> None:
    """Undo schema migrations down to REVISION (e.g. 0003, or "base" for none), to go back to an
    older eventfeed. Take an export first: columns a migration added are dropped with their data.

    \b
    Example:
        events export backup.jsonl && events db downgrade 0003
    """
    from events.errors import StoreError
    from events.store import Store, migrate

    config = _config(ctx)
    store = Store(config.service.database_url, prepare=False)
    known = {"base", *migrate.revisions()}
    if revision not in known:
        raise StoreError(f"no schema revision {revision!r}; known: {', '.join(sorted(known))}")
    now = migrate.current(store.engine)
    if now == revision:
        click.echo(f"{store.safe_url}: schema is already {revision}; nothing changed")
        return
    if not yes and not click.confirm(
        f"Downgrade {store.safe_url} from {now or 'none'} to {revision}? Tables and columns the later revisions "
        "added are dropped with their data (take `events export` first)",
        default=False,
    ):
        click.echo("nothing changed")
        return
    before, after = migrate.downgrade(store.engine, revision)
    click.echo(f"{store.safe_url}: schema {before or 'none'} → {after}")


@db.command("status")
@click.pass_context
@friendly
def db_status(ctx: click.Context) -> None:
    """Show the database's schema version and the newest this eventfeed knows.

    \b
    Example:
        events db status
    """
    from events.store import Store, migrate

    config = _config(ctx)
    store = Store(config.service.database_url, prepare=False)
    click.echo(f"{store.safe_url}: schema {migrate.current(store.engine) or 'none'} (newest: {migrate.head()})")


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.pass_context
@friendly
def export_(ctx: click.Context, path: str) -> None:
    """Write every event and change as JSON lines (a backup, or a move between databases).

    \b
    Example:
        events export backup.jsonl
    """
    from events.store.backup import export_lines

    store = _store(_config(ctx))
    with _export_file(path, "w") as out:
        count = export_lines(store, out)
    click.echo(f"exported {count} records", err=True)


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
@click.pass_context
@friendly
def import_(ctx: click.Context, path: str) -> None:
    """Read an export back into an empty store.

    \b
    Example:
        events import backup.jsonl
    """
    from events.store.backup import import_lines

    store = _store(_config(ctx))
    with _export_file(path, "r") as source:
        count = import_lines(store, source)
    click.echo(f"imported {count} records", err=True)


@contextmanager
def _export_file(path: str, mode: str) -> Iterator[IO[str]]:
    """An export file (``-`` for the standard streams) whose troubles, opening it or while reading or
    writing it, are one line naming the file."""
    doing = "write" if mode == "w" else "read"
    try:
        with click.open_file(path, mode, encoding="utf-8") as handle:
            yield handle
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot {doing} the export: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not an eventfeed export (not UTF-8 text)") from None
