"""``events extract``: one page read as the service reads it, printed as JSON (or explained); no store."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click

from events.cli.common import config_from as _config
from events.cli.common import download as _download
from events.cli.common import friendly
from events.cli.common import platform_data as _platform_data


@click.command()
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
    answers: list[Any] = []
    if page_or_url.startswith(("http://", "https://")):
        html, url = _download(page_or_url, ctx if source else None)
        answers = _platform_data(html, url, ctx if source else None)
    else:
        try:
            with open(page_or_url, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise ExtractError(f"{page_or_url}: cannot read: {exc.strerror or exc}") from None
        import mimetypes

        from events.fetch.bodies import not_readable
        from events.fetch.fetcher import decode

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
        platform_answers=answers,
    )
    if explain:
        from events.extract import parse_html
        from events.extract.explain import explain_events
        from events.service.platform_data import said

        for line in said(url or "", parse_html(html)):
            click.echo(line if answers else f"{line} (not read: a saved page is read offline)")
        click.echo(explain_events(found), nl=False)
        return
    records = [e.as_dict(day) for e in found]
    sys.stdout.buffer.write(orjson.dumps(records, option=orjson.OPT_INDENT_2) + b"\n")
