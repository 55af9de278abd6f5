"""One reading of a source: its listing's pages (the first, and with ``pages = 3`` those its "next"
links lead to), the events on them, and (``follow_details = true``) what each event's own page adds.
Every page comes through the same polite fetcher (robots, delays, size caps).

A listing read in part is no reading: if a following page fails, the whole reading fails and no event
changes, because events on the missing page would otherwise count as gone from the site. An event's
own page only completes what the listing says, so one that fails costs nothing but its details, and
the last answer it gave stands in. Event pages are asked "changed since?" (ETag, Last-Modified), and
what an unchanged one yielded is reused without reading it again.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from events.config.models import Source
from events.extract import extract_events, linked_calendars, parse_html
from events.extract.details import complete, detail_event, lacks_detail, with_page_picture
from events.extract.merge import merge_events
from events.extract.paging import next_page_url
from events.extract.platforms import Answer, may_show_a_platform
from events.fetch.addresses import trusted
from events.fetch.fetcher import Failure, Fetcher, NotModified, Page
from events.record import Event
from events.service.platform_data import KeptAnswers, platform_answers
from events.sources.fixes import Fixer
from events.store import Store, utcnow
from events.workers.child_process import ChildGone, WorkerPool

PLATFORM_HASH = "platform:"  # begins the hash of a reading that includes a platform's data
MAX_DETAILS = 60  # event pages read per reading, the soonest events first
READ_BUDGET = 120.0  # seconds a reader process may spend on one reading's pages before it is stopped


@dataclass
class Listing:
    """The pages of one reading of a source, each with its parsed tree once it has been parsed."""

    pages: list[tuple[Page, LexborHTMLParser | None]]
    answers: list[Answer] = field(default_factory=list)  # the data of the platforms the first page draws from

    @property
    def first(self) -> Page:
        return self.pages[0][0]

    @property
    def body_hash(self) -> str:
        """The first page's hash, or one hash of all pages and platform answers: any of them changing
        changes it. With platform data it begins ``platform:``, which tells the next fetch that a 304
        for the page says nothing of the data (``events.service.cycle``)."""
        if len(self.pages) == 1 and not self.answers:
            return self.first.body_hash
        parts = [p.body_hash for p, _ in self.pages]
        parts += [hashlib.sha256(f"{a.url}\n{a.text}".encode()).hexdigest() for a in self.answers]
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return f"{PLATFORM_HASH}{digest}" if self.answers else digest

    @property
    def size(self) -> int:
        return sum(p.size for p, _ in self.pages)


async def read_listing(
    fetcher: Fetcher,
    first: Page,
    source: Source,
    hosts: frozenset[str],
    notes: list[str],
    store: Store | None = None,
) -> Listing | Failure:
    """The first page and, up to ``source.pages`` in all, the pages its "next" links lead to, with the
    data of the platforms the first page draws its events from (``events.service.platform_data``; the
    answers read are kept in ``store``, None: a preview, nothing kept)."""
    if source.pages <= 1 and not may_show_a_platform(first.text, first.url):
        return Listing([(first, None)])  # parsed where it is read (a reader process)
    tree = await asyncio.to_thread(parse_html, first.text, notes)
    answers = await platform_answers(fetcher, first.url, tree, hosts, notes, KeptAnswers(store, source.id))
    if isinstance(answers, str):
        return Failure(first.url, answers)
    listing = Listing([(first, tree)], answers)
    if source.pages <= 1:
        return listing
    seen = {first.url, source.url}
    while len(listing.pages) < source.pages:
        url = next_page_url(tree, listing.pages[-1][0].url, seen)
        if url is None:
            break
        seen.add(url)
        got = await fetcher.fetch(url, trusted=hosts)
        number = len(listing.pages) + 1
        if isinstance(got, Failure):
            return Failure(url, f"page {number} of the listing ({url}) failed: {got.reason}", got.status)
        if isinstance(got, NotModified):  # never asked conditionally; a server that says so anyway
            return Failure(url, f"page {number} of the listing ({url}) answered 304 to a plain request", 304)
        tree = await asyncio.to_thread(parse_html, got.text, notes)
        listing.pages.append((got, tree))
    return listing


async def read_events(
    fetcher: Fetcher,
    store: Store | None,
    source: Source,
    listing: Listing,
    hosts: frozenset[str],
    today: date,
    notes: list[str],
    readers: WorkerPool | None = None,
) -> list[Event] | str:
    """The events of one reading, or why its pages could not be read: with the calendar files the first
    page links to when the source follows links, completed from their own pages when it follows
    details. ``store`` keeps what event pages yielded (None: a preview, nothing kept). ``readers``
    reads the pages in other processes (``events run``), else a worker thread does."""
    calendars = await _linked_calendars(fetcher, listing, hosts, notes) if source.follow_links else []
    answers = listing.answers
    if readers is None:
        found = await asyncio.to_thread(_events_on, source, listing, today, calendars, notes, answers)
    else:  # the pages are parsed again there: a tree does not cross processes, and parsing is the cheap part
        pages = [page for page, _ in listing.pages]
        try:
            found, said = await readers.run(
                _events_on_pages, source, pages, today, calendars, answers, budget=READ_BUDGET
            )
        except ChildGone as exc:
            return f"could not read the page: {exc}"
        notes += said
    if isinstance(found, str) or not source.follow_details:
        return found
    return await _complete_from_event_pages(fetcher, store, source, found, hosts, today, notes)


async def _linked_calendars(fetcher: Fetcher, listing: Listing, hosts: frozenset[str], notes: list[str]) -> list[str]:
    """The texts of the .ics files the first page links to, fetched only from the source's own or
    allowed hosts or public addresses; one that fails is skipped. The page is parsed once: its tree
    stays in ``listing`` for extraction."""
    page, tree = listing.pages[0]
    try:
        if tree is None:
            tree = await asyncio.to_thread(parse_html, page.text, notes)
            listing.pages[0] = (page, tree)
        links = linked_calendars(page.text, page.url, tree)
    except Exception:
        return []
    texts = []
    for link in links:
        got = await fetcher.fetch(link, trusted=hosts, expect="calendar")
        if isinstance(got, Page) and "BEGIN:VCALENDAR" in got.text[:2000]:
            texts.append(got.text)
    return texts


async def _complete_from_event_pages(
    fetcher: Fetcher,
    store: Store | None,
    source: Source,
    found: list[Event],
    hosts: frozenset[str],
    today: date,
    notes: list[str],
) -> list[Event]:
    """``found`` with each coming event that lacks an end, a place or booking completed from its own
    page, when that page is on the source's own (or an allowed) host. ``store`` keeps what each page
    yielded for the next reading (None: a preview, nothing kept)."""
    listing_url = source.url.rstrip("/")
    wanted = sorted(
        {
            e.url: e.first_day
            for e in found
            if e.url
            and e.last_day >= today
            and lacks_detail(e)
            and trusted(e.url, hosts)
            and e.url.rstrip("/") != listing_url
        }.items(),
        key=lambda item: item[1],
    )
    if len(wanted) > MAX_DETAILS:
        notes.append(f"{len(wanted) - MAX_DETAILS} event pages were not read (at most {MAX_DETAILS} per reading)")
        wanted = wanted[:MAX_DETAILS]
    cached = await asyncio.to_thread(store.detail_pages, source.id) if store is not None else {}
    rows = await asyncio.gather(
        *(_read_event_page(fetcher, source, url, cached.get(url), hosts, today) for url, _ in wanted)
    )
    failed = sum(1 for row in rows if row.get("failed"))
    if failed:
        notes.append(f"{failed} of {len(rows)} event pages could not be read; their last answers were used")
    kept = [_stored(row) for row in rows if row.get("checked_at") is not None]
    if store is not None:
        await asyncio.to_thread(store.save_detail_pages, source.id, kept)
    by_url = {row["url"]: [_event(d) for d in row["found"]] for row in kept}
    return [_completed(e, by_url.get(e.url or "", ())) for e in found]


def _events_on(
    source: Source,
    listing: Listing,
    today: date,
    calendars: list[str],
    notes: list[str],
    answers: Sequence[Answer] = (),
) -> list[Event] | str:
    """The events on the listing's pages (one record per event across pages), or why it could not
    be read."""
    found: list[Event] = []
    try:
        for n, (page, tree) in enumerate(listing.pages):
            more = {
                "calendars": calendars if n == 0 else (),
                "platform_answers": answers if n == 0 else (),
                "tree": tree,
                "notes": notes,
            }
            found += _page_events(source, page, today, selectors=source.selectors, **more)
    except Exception as exc:  # a page that breaks the extractor is that source's problem only
        return f"could not read the page: {type(exc).__name__}: {exc}"
    if len(listing.pages) > 1:  # an event shown on two pages (a featured one) is one event
        found = merge_events(found, listing.first.url)
    if source.categories:
        found = [replace(e, categories=tuple(dict.fromkeys((*e.categories, *source.categories)))) for e in found]
    excluder = Fixer(source)  # titles never events on this site are dropped before anything is fetched for them
    return [e for e in found if not excluder.excluded(e)]


def _events_on_pages(
    source: Source, pages: list[Page], today: date, calendars: list[str], answers: Sequence[Answer] = ()
) -> tuple[list[Event] | str, list[str]]:
    """``_events_on`` in a reader process: the pages as fetched in, the events and the notes out."""
    notes: list[str] = []
    return _events_on(source, Listing([(page, None) for page in pages]), today, calendars, notes, answers), notes


def _page_events(source: Source, page: Page, today: date, **more: Any) -> list[Event]:
    """One page read with the source's settings (a listing's selectors and calendars come in ``more``)."""
    return extract_events(
        page.text,
        url=page.url,
        today=today,
        timezone=source.timezone,
        source=source.id,
        date_order=source.date_order,
        **more,
    )


def _completed(event: Event, on_its_page: Sequence[Event]) -> Event:
    detail = detail_event(event, on_its_page) if on_its_page else None
    return complete(event, detail) if detail is not None else event


async def _read_event_page(
    fetcher: Fetcher, source: Source, url: str, old: dict[str, Any] | None, hosts: frozenset[str], today: date
) -> dict[str, Any]:
    """The row for one event page: read anew, or the old one when unchanged or unreachable."""
    if old is not None and old.get("reading") != source.reading:
        old = None  # read under other settings: what it yielded then may not hold
    got = await fetcher.fetch(
        url,
        etag=old.get("etag") if old else None,
        last_modified=old.get("last_modified") if old else None,
        trusted=hosts,
    )
    if isinstance(got, Failure):
        return {**(old or {"url": url, "found": []}), "failed": True}
    if old is not None and (isinstance(got, NotModified) or got.body_hash == old.get("body_hash")):
        return {**old, "checked_at": utcnow()}
    if isinstance(got, NotModified):  # a 304 to a plain request: nothing to read
        return {"url": url, "found": [], "failed": True}
    try:
        events = await asyncio.to_thread(_page_events, source, got, today)
        events = with_page_picture(events, got.text, got.url)
    except Exception:  # an event page that breaks the reader only loses its details
        events = []
    return {
        "url": url,
        "reading": source.reading,
        "etag": got.etag,
        "last_modified": got.last_modified,
        "body_hash": got.body_hash,
        "checked_at": utcnow(),
        "found": [{**e.as_dict(), "found_by": e.found_by} for e in events],
    }


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    columns = ("url", "reading", "etag", "last_modified", "body_hash", "checked_at", "found")
    return {k: row.get(k) for k in columns}


def _event(data: dict[str, Any]) -> Event:
    return replace(Event.from_dict(data), found_by=str(data.get("found_by") or "event page"))
