"""The data of the platforms a page draws its events from (``events.extract.platforms``), fetched through
the same polite fetcher as the page: robots.txt, delays, size caps. Only from the page's own host or a
host the platform names, and a platform host must resolve to public addresses like any page a source
leads to. Each answer is asked "changed since?" when this process read it before (``AnswerCache``). A
listing read in part is no reading: when a platform request fails, the reading fails, as when a following
page of the listing fails, so its events are not taken for gone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from selectolax.lexbor import LexborHTMLParser

from events.extract.platforms import Answer, Found, detect, platforms
from events.fetch.addresses import host_of
from events.fetch.fetcher import Failure, Fetcher, NotModified, Page

T = TypeVar("T")
MAX_REQUESTS = 12  # platform requests per reading: 50 events to a page of a plugin's API, 600 in all


async def platform_answers(
    fetcher: Fetcher, url: str, tree: LexborHTMLParser, hosts: frozenset[str], notes: list[str]
) -> list[Answer] | str:
    """Every answer of the platforms found on the page at ``url``, each paged answer followed to its
    end (at most ``MAX_REQUESTS`` in all), or why the reading fails."""
    answers: list[Answer] = []
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
                return answers
            budget -= 1
            got = await _answer(fetcher, found, address, hosts)
            if isinstance(got, str):
                if not detail:
                    return got
                notes.append(got)  # a detail that fails loses only that detail
                continue
            answers.append(Answer(found.platform.name, got.url, got.text))
            following = _named(found.platform.next_address, got)
            if following:
                queue.append(following)
            if not detail:
                details.extend(_named(found.platform.details, got) or ())
    return answers


async def _answer(fetcher: Fetcher, found: Found, address: str, hosts: frozenset[str]) -> Page | str:
    """One answer of a platform's data, asked "changed since?" when this process read it before; or why
    it could not be read."""
    kept = ANSWERS.get(address)
    got = await fetcher.fetch(
        address,
        etag=kept.etag if kept else None,
        last_modified=kept.last_modified if kept else None,
        trusted=hosts,
        expect=found.platform.expect,
    )
    if isinstance(got, Failure):
        return f"{found.platform.title}: its data at {address} could not be read: {got.reason}"
    if isinstance(got, NotModified):
        if kept is None:
            return f"{found.platform.title}: its data at {address} answered 304 to a plain request"
        return kept  # unchanged since it was last read: the answer kept then
    ANSWERS.keep(address, got)
    return got


def _named(addresses: Callable[[str, str], T], got: Page) -> T | None:
    """The addresses an answer names (its next page, its events' details); an answer that is not the
    platform's data names none."""
    try:
        return addresses(got.text, got.url)
    except (ValueError, KeyError, AttributeError, TypeError, SyntaxError):
        return None


class AnswerCache:
    """The platforms' answers this process read last, by address, with their validators: a platform's data
    is asked "changed since?" (ETag, Last-Modified) and a 304 reuses what was read. Bounded in bytes, the
    oldest forgotten first; a new process asks in full again."""

    def __init__(self, limit: int = 32 * 1024 * 1024) -> None:
        self.limit = limit
        self._pages: dict[str, Page] = {}
        self._size = 0

    def get(self, address: str) -> Page | None:
        return self._pages.get(address)

    def clear(self) -> None:
        self._pages.clear()
        self._size = 0

    def keep(self, address: str, page: Page) -> None:
        old = self._pages.pop(address, None)
        self._size -= len(old.text) if old else 0
        if not (page.etag or page.last_modified) or len(page.text) > self.limit:
            return  # nothing to ask "changed since?" with
        self._pages[address] = page
        self._size += len(page.text)
        while self._size > self.limit:
            oldest = next(iter(self._pages))
            self._size -= len(self._pages.pop(oldest).text)


ANSWERS = AnswerCache()


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
