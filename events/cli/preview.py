"""What a page yields now, as the table a person checks before ``events sources add`` adds it."""

from __future__ import annotations

import re
from typing import Any

import click

TOO_MANY = 300  # more events than a membership organisation's page lists: probably not an events page


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
        platforms: list[str] | None = None,
    ) -> None:
        self.events = events
        self.platforms = platforms or []  # the platforms whose data was read, in words
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


def preview(ctx: click.Context, source: Any, today: Any) -> Preview:
    """What a reading of ``source`` yields now: the same reading a fetch makes (its pages, the calendar
    files it links to, its events' own pages), with nothing stored."""
    import asyncio

    from events.cli.common import fetch_policy_for
    from events.errors import ExtractError
    from events.extract import linked_calendars, parse_html
    from events.extract.paging import next_page_url
    from events.fetch.fetcher import Failure, Fetcher, Page
    from events.service.cycle import trusted_hosts
    from events.service.platform_data import said
    from events.service.reading import read_events, read_listing

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
            platforms = said(first.url, trees[0])
            return Preview(
                found, calendars, _site_name(trees[0]), next_page=more, lang=lang, text=words, platforms=platforms
            )

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
