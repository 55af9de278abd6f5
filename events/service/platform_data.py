"""The data of the platforms a page draws its events from (``events.extract.platforms``), fetched through
the same polite fetcher as the page: robots.txt, delays, size caps. Only from the page's own host or a
host the platform names, and a platform host must resolve to public addresses like any page a source
leads to. Each answer is asked "changed since?" when the source's last reading read it (``KeptAnswers``,
in the store). A listing read in part is no reading: when a platform request fails, the reading fails, as
when a following page of the listing fails, so its events are not taken for gone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from selectolax.lexbor import LexborHTMLParser

from events.extract.platforms import Answer, Found, detect, platforms
from events.fetch.addresses import host_of
from events.fetch.fetcher import Failure, Fetcher, NotModified, Page
from events.store import Store, utcnow

T = TypeVar("T")
MAX_REQUESTS = 12  # platform requests per reading: 50 events to a page of a plugin's API, 600 in all
MAX_KEPT = 4 * 1024 * 1024  # characters of one answer kept in the store; a larger one is asked in full


async def platform_answers(
    fetcher: Fetcher,
    url: str,
    tree: LexborHTMLParser,
    hosts: frozenset[str],
    notes: list[str],
    kept: KeptAnswers | None = None,
) -> list[Answer] | str:
    """Every answer of the platforms found on the page at ``url``, each paged answer followed to its
    end (at most ``MAX_REQUESTS`` in all), or why the reading fails. ``kept``: the answers the source's
    last reading read, asked "changed since?" and saved anew."""
    kept = kept or KeptAnswers(None, "")
    answers: list[Answer] = []
    read: dict[str, Page] = {}
    budget = MAX_REQUESTS
    for found in detect(tree, url):
        queue, seen, details = list(found.addresses), set(), list[str]()
        while queue or details:
            detail = not queue
            address = queue.pop(0) if queue else details.pop(0)
            if address in seen:
                continue
            seen.add(address)
            if not allowed(found, address, url):
                notes.append(f"{found.platform.title}: {address} is on neither the page's host nor the platform's")
                continue
            if budget == 0:
                if detail:
                    notes.append(f"{found.platform.title}: {len(details) + 1} of its events' details were not read")
                else:
                    notes.append(f"{found.platform.title}: only the first {MAX_REQUESTS} answers of its data were read")
                await kept.save(read)
                return answers
            budget -= 1
            before = await kept.get(address)
            got = await _answer(fetcher, found, address, hosts, before)
            if isinstance(got, Failure):
                if detail:
                    notes.append(got.reason)  # a detail that fails loses only that detail
                    continue
                if before is None and _refused(got, address, url):
                    notes.append(f"{got.reason}; the page is read without it")  # nothing was ever read from it
                    continue
                return got.reason
            read[address] = got
            answers.append(Answer(found.platform.name, got.url, got.text))
            following = _named(found.platform.next_address, got)
            if following:
                queue.append(following)
            if not detail:
                details.extend(_named(found.platform.details, got) or ())
    await kept.save(read)
    return answers


async def _answer(
    fetcher: Fetcher, found: Found, address: str, hosts: frozenset[str], kept: Page | None
) -> Page | Failure:
    """One answer of a platform's data, asked "changed since?" when it was ``kept``; or why it could
    not be read."""
    got = await fetcher.fetch(
        address,
        etag=kept.etag if kept else None,
        last_modified=kept.last_modified if kept else None,
        trusted=hosts,
        expect=found.platform.expect,
    )
    said = f"{found.platform.title}: its data at {address} could not be read"
    if isinstance(got, Failure):
        return Failure(address, f"{said}: {got.reason}", got.status)
    if isinstance(got, NotModified):
        return kept or Failure(address, f"{said}: it answered 304 to a plain request", 304)
    return got


def _refused(failure: Failure, address: str, page_url: str) -> bool:
    """A platform's host that refuses us (some ask for a browser), which the page's own host does not:
    a page whose events never came from there is read without it, rather than fail at every fetch."""
    return failure.status in (401, 403, 451) and host_of(address) != host_of(page_url)


def _named(addresses: Callable[[str, str], T], got: Page) -> T | None:
    """The addresses an answer names (its next page, its events' details); an answer that is not the
    platform's data names none."""
    try:
        return addresses(got.text, got.url)
    except (ValueError, KeyError, AttributeError, TypeError, SyntaxError):
        return None


class KeptAnswers:
    """The platform answers a source's last reading read, kept in the store: each is asked "changed
    since?" (ETag, Last-Modified), in this process or after a restart, and a 304 reads it from here;
    one kept is one the source's events were read from, whose failure must fail the reading.
    Loaded when the page is first found to draw from a platform; saved when every answer of a reading
    was read and any of them changed. Without a store (a preview) nothing is kept."""

    def __init__(self, store: Store | None, source_id: str) -> None:
        self.store, self.source_id = store, source_id
        self._rows: dict[str, dict[str, Any]] | None = None

    async def _kept(self, store: Store) -> dict[str, dict[str, Any]]:
        if self._rows is None:
            self._rows = await asyncio.to_thread(store.platform_answers, self.source_id)
        return self._rows

    async def get(self, address: str) -> Page | None:
        if self.store is None:
            return None
        row = (await self._kept(self.store)).get(address)
        if row is None:
            return None
        text = row["text"]
        return Page(
            row["final_url"], 200, text, len(text.encode()), row["body_hash"], row["etag"], row["last_modified"]
        )

    async def save(self, read: dict[str, Page]) -> None:
        if self.store is None:
            return
        before = await self._kept(self.store)
        rows = {
            address: {
                "url": address,
                "final_url": page.url,
                "etag": page.etag,
                "last_modified": page.last_modified,
                "body_hash": page.body_hash,
                "checked_at": utcnow(),
                "text": page.text,
            }
            for address, page in read.items()
            if len(page.text) <= MAX_KEPT
        }
        same = {a: r["body_hash"] for a, r in rows.items()} == {a: r["body_hash"] for a, r in before.items()}
        if not same:
            await asyncio.to_thread(self.store.save_platform_answers, self.source_id, list(rows.values()))
            self._rows = rows


def allowed(found: Found, address: str, page_url: str) -> bool:
    """A platform's data comes from the page's own host or from a host the platform names."""
    host = host_of(address)
    return host == host_of(page_url) or host.split(":")[0] in found.platform.hosts


def said(url: str, tree: LexborHTMLParser) -> list[str]:
    """What ``events sources add`` and ``events extract --explain`` say of the platforms on a page."""
    lines = [f"{f.platform.title}: its events are read from {', '.join(f.addresses)}" for f in detect(tree, url)]
    for platform in platforms():
        if platform.shows is not None and platform.shows(tree):
            lines.append(f"{platform.title}: its events are read from {platform.shown_in}")
    return lines
