"""``events sources add`` / ``remove`` and ``events fix``: adding a site, and correcting what the reader
gets wrong, from the command line, with ``config.toml``'s comments and layout kept (``config_edit``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from events.cli_common import config_from as _config
from events.cli_common import friendly
from events.cli_common import open_store as _store

TOO_MANY = 300  # more events than a membership organisation's page lists: probably not an events page


@click.command("add")
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

    from events.config import Source
    from events.config_edit import FALLBACK_WHY, add_source, suggest_id, suggest_zone
    from events.errors import ConfigError

    if not Path(ctx.obj["config"]).exists() and (
        yes or click.confirm(f"There is no {ctx.obj['config']} yet: write one for this page?", default=True)
    ):
        from events.cli_init import write_starter

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


@click.command("remove")
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
    from events.config_edit import remove_source

    config = _config(ctx)
    source = config.source(source_id)
    if not yes:
        click.confirm(f"Remove {source.name!r} ({source.url}) from {config.path}?", default=False, abort=True)
    remove_source(Path(config.path), source_id)
    if keep_events:
        click.echo(f"removed {source_id!r} from {config.path}; its events stay in the feeds, no longer updated")
        return
    from events.config import load_config
    from feeds.build import build_feeds

    store = _store(config)
    gone = store.withdraw_source(source_id)
    build_feeds(load_config(config.path), store)
    click.echo(
        f"removed {source_id!r} from {config.path} and its {gone} event{'' if gone == 1 else 's'} from the feeds"
    )


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
    from events.config_edit import add_fix
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


class Preview:
    """What a page yields now, as the table a person checks before adding it."""

    def __init__(
        self,
        events: list[Any],
        calendars: list[str],
        site_name: str | None,
        next_page: str | None = None,
        lang: str | None = None,
        text: str = "",
    ) -> None:
        self.events = events
        self.calendars = calendars
        self.site_name = site_name
        self.next_page = next_page  # where the list goes on, after the pages read
        self.lang = lang  # the language the page declares (a region in it suggests a zone)
        self.text = text  # the page's words, whose phone numbers and postcodes suggest a zone too

    def table(self, today: Any) -> str:
        from feeds.text import one_line, where
        from feeds.wording import booking_words

        rows = [("DATE", "TIME", "TITLE", "VENUE", "BOOKING", "CHECK", "READ BY")]
        for e in self.events:
            clock = "" if e.all_day else f"{e.start:%H:%M}"
            rows.append(
                (
                    e.first_day.isoformat(),
                    clock,
                    one_line(e.title, 50),
                    one_line(where(e), 40),
                    one_line(booking_words(e), 30),
                    row_check(e, today),
                    e.found_by,
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
        lines = ["  ".join([*(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)), r[-1]]) for r in rows]
        return "\n".join(line.rstrip() for line in lines)

    def warnings(self, today: Any) -> list[str]:
        if not self.events:
            return ["no events found on this page: is it the page that lists them? (try its events or diary page)"]
        said = []
        if all(e.last_day < today for e in self.events):
            said.append(f"all {len(self.events)} events found are past: the page may be an archive")
        odd = [e for e in self.events if row_check(e, today) not in ("", "past")]
        if odd:
            said.append(f"{len(odd)} row(s) look wrong (see CHECK): if the reader is wrong, `events fix` corrects it")
        if len(self.events) > TOO_MANY:
            said.append(f"{len(self.events)} events is more than an events page usually lists: check the table")
        return said


_EMAIL = re.compile(r"^\S+@\S+\.\w+$")
# words a link or button says, never an event's name
_LINK_LABEL = re.compile(
    r"^(read|find out|learn|see|view|show|click|more|book|register|sign up|details|info|buy|get)\b.{0,20}$", re.I
)


def row_check(event: Any, today: Any) -> str:
    """What a person should look at in a preview row: a past event, or a title that is not one."""
    title = " ".join(event.title.split())
    if not title:
        return "no title"
    if _EMAIL.match(title):
        return "title is an e-mail address"
    if _LINK_LABEL.match(title):
        return "title is a link's words"
    return "past" if event.last_day < today else ""


def _preview(ctx: click.Context, source: Any, today: Any) -> Preview:
    """What a reading of ``source`` yields now: the same reading a fetch makes (its pages, the calendar
    files it links to, its events' own pages), with nothing stored."""
    import asyncio

    from events.cli import fetch_policy_for
    from events.cycle import trusted_hosts
    from events.errors import ExtractError
    from events.extract import linked_calendars, parse_html
    from events.extract.paging import next_page_url
    from events.fetch import Failure, Fetcher, Page
    from events.reading import read_events, read_listing

    hosts = trusted_hosts(source)
    notes: list[str] = []

    async def read() -> Preview:
        async with Fetcher(fetch_policy_for(ctx)) as fetcher:  # one client, one robots.txt, for every page
            first = await fetcher.fetch(source.url, trusted=hosts)
            if not isinstance(first, Page):
                raise ExtractError(f"{source.url}: {first.reason}")
            listing = await read_listing(fetcher, first, source, hosts, notes)
            if isinstance(listing, Failure):
                raise ExtractError(listing.reason)
            trees = [tree or parse_html(page.text) for page, tree in listing.pages]
            listing.pages = list(zip([page for page, _ in listing.pages], trees, strict=True))
            found = await read_events(fetcher, None, source, listing, hosts, today, notes)
            if isinstance(found, str):
                raise ExtractError(f"{source.url}: {found}")
            calendars = linked_calendars(first.text, first.url, trees[0])  # offered even when not followed
            more = next_page_url(trees[-1], listing.pages[-1][0].url, {p.url for p, _ in listing.pages})
            root = trees[0].root
            lang = (root.attributes.get("lang") or None) if root is not None else None
            body = trees[0].body
            words = body.text(separator=" ")[:200_000] if body is not None else ""
            return Preview(found, calendars, _site_name(trees[0]), next_page=more, lang=lang, text=words)

    return asyncio.run(read())


def _site_name(tree: Any) -> str | None:
    """The organisation's own name for its site: ``og:site_name``, else the page title's last part."""
    from feeds.text import one_line

    node = tree.css_first('meta[property="og:site_name"]')
    if node is not None and (node.attributes.get("content") or "").strip():
        return one_line(node.attributes["content"], 100)
    title = tree.css_first("title")
    if title is None or not title.text(strip=True):
        return None
    parts = [p.strip() for p in title.text(strip=True).replace("–", "|").replace(" - ", "|").split("|")]
    return one_line(parts[-1] if len(parts) > 1 else parts[0], 100) or None
