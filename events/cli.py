"""The ``events`` command: a thin layer over the library. Heavy imports happen inside each command so
that ``events --help`` starts at once. Every user-fixable problem prints one line, never a traceback."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click

from events.cli_common import config_from as _config
from events.cli_common import friendly
from events.cli_common import open_for_publishing as _publishing
from events.cli_common import open_store as _store

# options of the whole command that a person may well type after the subcommand
_GROUP_OPTIONS = ("--config", "--log-format", "--log-level")


class Events(click.Group):
    """Takes ``--config`` (and the log options) after a subcommand as well as before it:
    ``events sources --config other.toml`` is what people type."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        front: list[str] = []
        rest: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                rest.extend(args[i:])
                break
            name = arg.split("=", 1)[0]
            if rest and name in _GROUP_OPTIONS:  # after the subcommand's name: move it before
                take = 1 if "=" in arg else 2
                front.extend(args[i : i + take])
                i += take
                continue
            rest.append(arg)
            i += 1
        return super().parse_args(ctx, front + rest)


@click.group(cls=Events, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    envvar="EVENTS_CONFIG",
    type=click.Path(dir_okay=False),
    default="config.toml",
    show_default=True,
    help="Config file (or set EVENTS_CONFIG).",
)
@click.option(
    "--log-format",
    envvar="LOG_FORMAT",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Logs as text lines, or one JSON object per line (or set LOG_FORMAT).",
)
@click.option(
    "--log-level",
    envvar="LOG_LEVEL",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default="info",
    show_default=True,
    help="Or set LOG_LEVEL.",
)
@click.version_option(package_name="eventfeed")
@click.pass_context
def main(ctx: click.Context, config_path: str, log_format: str, log_level: str) -> None:
    """eventfeed: watch organisations' web pages and publish their events as calendar and JSON feeds.

    \b
    Example:
        events extract https://www.hcsa.com/
        events fetch && events serve
    """
    from events.logs import configure

    configure(log_format, log_level)
    ctx.ensure_object(dict)
    ctx.obj["config"] = config_path
    ctx.obj["log_format"], ctx.obj["log_level"] = log_format, log_level  # for child processes


EXIT_FEEDS_NOT_WRITTEN = 1  # `events fetch`: the feeds could not be written (the events are stored)
EXIT_SOURCE_FAILED = 2  # `events fetch`: one or more sources could not be read (their events are untouched)


@main.command()
@click.argument("page_or_url")
@click.option("--url", help="The page's own address, to resolve its links (when PAGE_OR_URL is a file).")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the page was fetched (years are inferred from it). Default: today.",
)
@click.option("--timezone", "tz", help="IANA zone of the page's times. Default: the source's, or Europe/London.")
@click.option(
    "--source",
    "source_id",
    help="Read the page as this configured source (its zone, date order, "
    "selectors); with no PAGE_OR_URL file, fetches the source's URL.",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Instead of JSON, say for each event where each field came from (strategy and element) "
    "and which title candidates lost, with the signals that ranked them.",
)
@click.pass_context
@friendly
def extract(
    ctx: click.Context,
    page_or_url: str,
    url: str | None,
    today: Any,
    tz: str | None,
    source_id: str | None,
    explain: bool,
) -> None:
    """Print the events found on one page as a JSON array; touches no store.

    \b
    Example:
        events extract saved.html --url https://www.hcsa.com/ --today 2024-01-29
        events extract https://www.hcsa.com/ --explain
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    import orjson

    from events.errors import ExtractError
    from events.extract import extract_events

    source = _config(ctx).source(source_id) if source_id else None
    zone = tz or (source.timezone if source else "Europe/London")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"{zone!r} is not an IANA time zone", param_hint="--timezone") from None
    day = today.date() if today else date.today()
    if page_or_url.startswith(("http://", "https://")):
        html, url = _download(page_or_url, ctx if source else None)
    else:
        try:
            with open(page_or_url, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise ExtractError(f"{page_or_url}: cannot read: {exc.strerror or exc}") from None
        import mimetypes

        from events.bodies import not_readable
        from events.fetch import decode

        # the same one line `events sources add` says of a page that is not one
        if reason := not_readable(raw[:2048], mimetypes.guess_type(page_or_url)[0], "html"):
            raise ExtractError(f"{page_or_url}: {reason}")
        html, _ = decode(raw, None)
    found = extract_events(
        html,
        url=url,
        today=day,
        timezone=zone,
        source=source.id if source else "page",
        date_order=source.date_order if source else None,
        selectors=source.selectors if source else None,
        explain=explain,
    )
    if explain:
        from events.extract.explain import explain_events

        click.echo(explain_events(found), nl=False)
        return
    records = [e.as_dict(day) for e in found]
    sys.stdout.buffer.write(orjson.dumps(records, option=orjson.OPT_INDENT_2) + b"\n")


def fetch_policy_for(ctx: click.Context | None) -> Any:
    """The default politeness, with the configured User-Agent when there is a config to read."""
    from events.fetch import FetchPolicy

    policy = FetchPolicy()
    if ctx is not None:
        policy.user_agent = _config(ctx).service.user_agent
    return policy


def _download(url: str, ctx: click.Context | None) -> tuple[str, str]:
    import asyncio

    from events.errors import ExtractError
    from events.fetch import Failure, Fetcher, NotModified

    async def get() -> Any:
        async with Fetcher(fetch_policy_for(ctx)) as fetcher:
            return await fetcher.fetch(url)

    outcome = asyncio.run(get())
    if isinstance(outcome, Failure | NotModified):
        raise ExtractError(f"{url}: {outcome.reason}")
    return outcome.text, outcome.url


@main.command()
@click.option("--source", "source_ids", multiple=True, help="Only this source (repeatable).")
@click.pass_context
@friendly
def fetch(ctx: click.Context, source_ids: tuple[str, ...]) -> None:
    """Run one cycle now: fetch, extract, reconcile into the store, rebuild the feeds.

    \b
    Example:
        events fetch
        events fetch --source hcsa
    """
    import asyncio

    from events.service import run_cycle
    from feeds.publisher import Publisher

    config = _config(ctx)
    sources = [config.source(s) for s in source_ids] if source_ids else list(config.sources)
    config, store = _publishing(config)
    errors: list[str] = []
    publish = Publisher(config, store, errors)
    reports = asyncio.run(run_cycle(config, store, sources, lambda touched: publish(touched or None)))
    for report in reports:
        click.echo(report.line())
    failed = [r for r in reports if r.outcome == "failed"]
    if len(reports) > 1:
        click.echo(f"{len(reports)} sources: {len(reports) - len(failed)} read, {len(failed)} failed")
    for error in errors:
        click.echo(f"Error: {error} (the events are stored; feeds not updated)", err=True)
    if errors:
        sys.exit(EXIT_FEEDS_NOT_WRITTEN)
    if failed:
        sys.exit(EXIT_SOURCE_FAILED)  # cron and CI notice; the other sources' events are stored


@main.command()
@click.pass_context
@friendly
def build(ctx: click.Context) -> None:
    """Rebuild every feed file from the store.

    \b
    Example:
        events build
    """
    from feeds.build import build_feeds

    config, store = _publishing(_config(ctx))
    counts = build_feeds(config, store, force=True)
    for feed_id, count in counts.items():
        click.echo(f"{config.service.feeds_dir / feed_id}.ics and .json: {count} events")


@main.command()
@click.pass_context
@friendly
def serve(ctx: click.Context) -> None:
    """Serve the feeds, the subscribe page and /healthz (no fetching).

    \b
    Example:
        events serve     # then open http://127.0.0.1:8080/
    """
    import asyncio

    from events.child_process import WorkerPool
    from events.service import start_line, web_server
    from feeds.build import build_feeds
    from feeds.web import create_app

    config, store = _publishing(_config(ctx))
    build_feeds(config, store)  # those behind the store, or missing
    click.echo(start_line(config, store, fetching=False))
    renderers = WorkerPool("feed renderer", 1)
    try:
        asyncio.run(web_server(config, create_app(config, store, renderers=renderers)).serve())
    finally:
        renderers.close()


@main.command()
@click.pass_context
@friendly
def run(ctx: click.Context) -> None:
    """Run the service: each source fetched on its own interval, plus the web server, until Ctrl-C.

    \b
    Example:
        events run
    """
    import asyncio

    from events.child_process import WorkerPool
    from events.service import serve_and_schedule
    from feeds.publisher import PublisherProcess
    from feeds.web import create_app

    config, store = _publishing(_config(ctx))
    publisher = PublisherProcess(config, ctx.obj["log_format"], ctx.obj["log_level"])
    renderers = WorkerPool("feed renderer", 1)
    try:
        publisher.build()  # those behind the store, or missing; the child's render cache is warm after
        app = create_app(config, store, rebuild=publisher.build, renderers=renderers)
        asyncio.run(serve_and_schedule(config, store, publisher, app))
    finally:
        publisher.close()
        renderers.close()


@main.command()
@click.option("--listen", default="127.0.0.1:8080", show_default=True, help="Where to serve, HOST:PORT.")
@click.option("--slack-url", default=None, help="A Slack incoming-webhook address to send the changes to.")
@click.option("--step", type=click.FloatRange(min=1), default=60, hidden=True, help="Seconds between page changes.")
@click.pass_context
@friendly
def demo(ctx: click.Context, listen: str, slack_url: str | None, step: float) -> None:
    """The service on a bundled sample of three organisations' pages: nothing to set up, no network.

    The sample pages change every minute (booking opens, a date moves, an event is cancelled); the
    store, feeds and config are in a temporary folder that Ctrl-C removes.

    \b
    Example:
        events demo      # then open http://127.0.0.1:8080/
    """
    from events.demo import sample

    with sample(listen, slack_url, step) as path:
        click.echo(f"eventfeed demo: open http://{listen}/ — the sample pages change every minute; Ctrl-C ends it")
        ctx.obj["config"] = str(path)
        ctx.invoke(run)


@main.group(invoke_without_command=True)
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

    from events.source_state import source_state

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
    if config.slack is not None:
        from feeds.slack.outbox import refused_messages

        for route, count, error in refused_messages(store):
            click.echo(f"Slack route {route}: {count} message(s) refused and given up; the last: {error}")


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
    from events.source_state import source_state

    config = _config(ctx)
    config.source(source_id)
    store = _store(config)
    before = source_state(store.source_state(source_id) or {}, config.service.unhealthy_after)
    store.accept_shape(source_id)
    was = "" if before.name == "changed shape" else f" (it was {before.name})"
    click.echo(f"{source_id}: the next reading will be trusted and become its usual shape{was}")


@main.command()
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


def _when(value: Any, zone: Any) -> str:
    """A stored (UTC) time in the service's zone, with the zone said: "2026-12-01 18:00 GMT"."""
    if value is None:
        return "-"
    return str(value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"))


# Store administration commands (db, export, import) live in their own module.
from events.cli_store import db, export_, import_  # noqa: E402

for _command in (db, export_, import_):
    main.add_command(_command)

# Adding and correcting sources (config.toml edited with its comments kept) live in their own module too.
from events.cli_sources import fix, sources_add, sources_remove  # noqa: E402

main.add_command(fix)
sources.add_command(sources_add)
# Configuration: its schema and a check.
from events.cli_config import config_group  # noqa: E402

main.add_command(config_group)
sources.add_command(sources_remove)
# A first config.toml.
from events.cli_init import init  # noqa: E402

main.add_command(init)

if __name__ == "__main__":
    main()
