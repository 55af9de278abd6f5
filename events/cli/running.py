"""``events fetch``, ``build``, ``serve``, ``run`` and ``demo``: the service, in one go or kept running."""

from __future__ import annotations

import sys

import click

from events.cli.common import config_from as _config
from events.cli.common import friendly
from events.cli.common import open_for_publishing as _publishing

EXIT_FEEDS_NOT_WRITTEN = 1  # `events fetch`: the feeds could not be written (the events are stored)
EXIT_SOURCE_FAILED = 2  # `events fetch`: one or more sources could not be read (their events are untouched)


@click.command()
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

    from events.service.scheduler import run_cycle
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


@click.command()
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


@click.command()
@click.pass_context
@friendly
def serve(ctx: click.Context) -> None:
    """Serve the feeds, the subscribe page and /healthz (no fetching).

    \b
    Example:
        events serve     # then open http://127.0.0.1:8080/
    """
    import asyncio

    from events.service.scheduler import start_line, web_server
    from events.workers.child_process import WorkerPool
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


@click.command()
@click.pass_context
@friendly
def run(ctx: click.Context) -> None:
    """Run the service: each source fetched on its own interval, plus the web server, until Ctrl-C.

    \b
    Example:
        events run
    """
    import asyncio

    from events.service.scheduler import serve_and_schedule
    from events.workers.child_process import WorkerPool
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


@click.command()
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
    from events.service.demo import sample

    with sample(listen, slack_url, step) as path:
        click.echo(f"eventfeed demo: open http://{listen}/ — the sample pages change every minute; Ctrl-C ends it")
        ctx.obj["config"] = str(path)
        ctx.invoke(run)
