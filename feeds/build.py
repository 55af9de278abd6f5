"""Write every configured feed's files from the store, atomically.

Each file is written to a temporary file in the same directory and renamed over the old one, so a
web server or a subscriber never reads half a file, and a crash leaves the previous version.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from pathlib import Path

from events import __version__, metrics
from events.config.models import Config, Feed, Source
from events.errors import FeedError
from events.store import Store, StoredEvent
from feeds.feed_files import FEED_FILES, FeedFiles
from feeds.ical import ical_parts
from feeds.jsonfeed import jsonfeed_parts
from feeds.merging import one_entry_per_event
from feeds.render_cache import RENDERED, RenderCache, Wanted, assemble
from feeds.selection import Query, StartKey, by_start, select_events, shown_by, still_shown, window
from feeds.text import organisation


@dataclass(frozen=True)
class PageOf:
    """One page of a JSON feed: ``limit`` items after the event ``after`` (a ``selection.cursor``), or
    numbered ``page``; ``address`` gives the next page's address from the last shown event's place.
    A cursor holds its place when events are added or dropped before it between requests."""

    limit: int
    address: Callable[[StartKey], str]
    page: int = 1
    after: StartKey | None = None


@dataclass(frozen=True)
class Rendered:
    ics: bytes
    json: bytes
    count: int


@dataclass(frozen=True)
class Parts:
    """A feed's two documents, each as its own bytes and its events' pieces (``feeds.render_cache``),
    made as they are read (each once)."""

    ics: Iterator[bytes | Wanted]
    json: Iterator[bytes | Wanted]
    count: int


def render_feed(
    config: Config,
    feed: Feed,
    items: list[StoredEvent],
    *,
    now: datetime | None = None,
    query: Query | None = None,
    feed_url: str | None = None,
    ical_url: str | None = None,
    paging: PageOf | None = None,
    cache: RenderCache | None = RENDERED,
) -> Rendered:
    """A feed in memory, each event's pieces from ``cache`` when it holds them (``feed_parts``)."""
    parts = feed_parts(config, feed, items, now=now, query=query, feed_url=feed_url, ical_url=ical_url, paging=paging)
    return Rendered(assemble(parts.ics, "ics", cache), assemble(parts.json, "json", cache), parts.count)


def feed_parts(
    config: Config,
    feed: Feed,
    items: list[StoredEvent],
    *,
    now: datetime | None = None,
    query: Query | None = None,
    feed_url: str | None = None,
    ical_url: str | None = None,
    paging: PageOf | None = None,
    selected: bool = False,
) -> Parts:
    """``feed_url`` and ``ical_url`` are a filtered feed's addresses, which its JSON names as its own
    (the same on every page); ``paging`` cuts the JSON to one page with a ``next_url``."""
    now = now or datetime.now(UTC)
    service = config.service
    chosen = feed_events(config, feed, items, now=now, query=query, selected=selected)
    sources = {s.id: s for s in config.sources}
    title = feed_title(feed, query, sources)
    ics = ical_parts(
        feed,
        chosen,
        base_url=service.base_url,
        timezone=service.timezone,
        refresh_seconds=service.refresh_interval,
        sources=sources,
        title=title,
        uid_domain=service.uid_domain,
        organisation=organisation(config.site),
    )
    shown, next_url = chosen, None
    if paging is not None:
        first = (paging.page - 1) * paging.limit
        if paging.after is not None:
            first = bisect_right(chosen, paging.after, key=by_start)
        shown = chosen[first : first + paging.limit]
        if shown and first + paging.limit < len(chosen):
            next_url = paging.address(by_start(shown[-1]))
    doc = jsonfeed_parts(
        feed,
        shown,
        base_url=service.base_url,
        today=now.date(),
        sources=sources,
        title=title,
        feed_url=feed_url,
        ical_url=ical_url,
        next_url=next_url,
        timezone=service.timezone,
    )
    return Parts(ics, doc, len(chosen))


def feed_events(
    config: Config,
    feed: Feed,
    items: Iterable[StoredEvent],
    *,
    now: datetime,
    query: Query | None = None,
    selected: bool = False,
) -> list[StoredEvent]:
    """What a feed (narrowed by ``query``) shows, in order: one entry per real event when it shows
    several sources, each source's own listings when it shows one (``feeds.merging``). ``selected``:
    ``items`` are already what ``select_events`` gives (``RecordCache.chosen``)."""
    cancelled_days = config.service.cancelled_days
    chosen = (
        list(items) if selected else select_events(items, feed, now=now, cancelled_days=cancelled_days, query=query)
    )
    shown = window(feed, query, now.date())[0]
    if len(config.sources if shown is None else shown) > 1:
        chosen = one_entry_per_event(chosen, [s.id for s in config.sources])
    return chosen


def feed_title(feed: Feed, query: Query | None, sources: dict[str, Source]) -> str:
    """A filtered feed is named for what it shows: "All events — London Region, Training"."""
    if query is None or not (query.sources or query.categories):
        return feed.title
    parts = [sources[s].name if s in sources else s for s in query.sources] + list(query.categories)
    return f"{feed.title} — {', '.join(parts)}"


def build_feeds(config: Config, store: Store, *, now: datetime | None = None, force: bool = False) -> dict[str, int]:
    """Rebuild the feeds whose files are behind the store (all of them with ``force``); returns events
    per feed rebuilt. A feed's files are followed by a note of what they were built from: its sources'
    content tokens (read before the events), the feed's settings and the day. A feed whose note still
    holds is not read or rendered at all, so a rebuild with nothing changed costs one small query, and
    an instance catches up with what another stored (``feeds.freshness``)."""
    now = now or datetime.now(UTC)
    versions = store.versions()
    out_dir = config.service.feeds_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FeedError(f"cannot write feeds to {out_dir}: {exc.strerror or exc}") from None
    _sweep_abandoned(out_dir)
    counts = {}
    for feed in config.feeds:
        note = feed_note(config, feed, versions, now)
        if not force and is_current(out_dir, feed, note):
            continue
        started = time.perf_counter()
        ics_path, json_path, note_file = feed_paths(out_dir, feed)
        path = ics_path
        try:  # streamed, unchanged events' pieces copied from the files written last (feeds.feed_files)
            with collector_paused():
                chosen = RECORDS.chosen(store, feed, now, versions, config.service.cancelled_days)
                parts = feed_parts(config, feed, chosen, now=now, selected=True)
                FEED_FILES.write(ics_path, parts.ics)
                path = json_path
                FEED_FILES.write(json_path, parts.json)
            path = note_file
            write_atomic(note_file, note)
        except OSError as exc:
            raise FeedError(f"cannot write the feed file {path}: {exc.strerror or exc}") from None
        metrics.feed_built(feed.id, time.perf_counter() - started)
        counts[feed.id] = parts.count
    return counts


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a feed is built. A build makes a few small objects per
    event, none in a cycle (refcounts free them), yet each of the collector's passes walks every object
    alive, the feed's records among them: with the collector on, its passes were two thirds of a
    rebuild after one change (measured at 10,000 events)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def feed_paths(out_dir: Path, feed: Feed) -> tuple[Path, Path, Path]:
    """A feed's two files and the note of what they were built from."""
    return out_dir / f"{feed.id}.ics", out_dir / f"{feed.id}.json", out_dir / f".{feed.id}.built"


def feed_note(config: Config, feed: Feed, versions: dict[str, str | None], now: datetime) -> bytes:
    """What a feed's files depend on besides the code: the content tokens of the sources it shows
    (equal tokens, same events), its settings and the service's and sources' that it publishes, and
    the day (the window moves, cancelled events age out)."""
    shown = feed.sources or tuple(s.id for s in config.sources)
    service = config.service
    settings = repr(
        (
            feed,
            service.base_url,
            service.timezone,
            service.refresh_interval,
            service.cancelled_days,
            [(s.id, s.published) for s in config.sources],
            __version__,
        )
    )
    return json.dumps(
        {
            "day": now.date().isoformat(),
            "settings": hashlib.sha256(settings.encode()).hexdigest()[:32],
            "sources": {s: versions.get(s) for s in shown},
        },
        sort_keys=True,
    ).encode()


def is_current(out_dir: Path, feed: Feed, note: bytes) -> bool:
    ics_path, json_path, note_file = feed_paths(out_dir, feed)
    try:
        return note_file.read_bytes() == note and ics_path.exists() and json_path.exists()
    except OSError:
        return False


def feed_items(store: Store, feed: Feed, now: datetime, query: Query | None = None) -> list[StoredEvent]:
    """The rows a feed can show, chosen by the database: a feed of ten sources among thousands, or of
    the coming year among a decade of history, reads only its own rows."""
    return store.events_between(*window(feed, query, now.date()))


# a source's rows chosen from, the day, the feed, and the rows it shows with their keys
Chosen = tuple[list[StoredEvent], date, Feed, list[tuple[StartKey, StoredEvent]]]


class RecordCache:
    """A feed's records by source, kept while the source's content token is the same: after one
    source's change a rebuild reads that source's rows only, not the whole feed's."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, date | None, date | None], tuple[str | None, list[StoredEvent]]] = {}
        self._chosen: dict[tuple[str, str], Chosen] = {}

    def items(self, store: Store, feed: Feed, now: datetime, versions: dict[str, str | None]) -> list[StoredEvent]:
        out: list[StoredEvent] = []
        for _, rows in self._current(store, feed, now, versions):
            out.extend(rows)
        return out

    def _current(
        self, store: Store, feed: Feed, now: datetime, versions: dict[str, str | None]
    ) -> list[tuple[str, list[StoredEvent]]]:
        """Each source's rows the feed can show, read again for the sources whose token moved."""
        sources, ends_from, starts_until = window(feed, None, now.date())
        shown = sorted(sources if sources is not None else versions)
        stale = [
            s
            for s in shown
            if versions.get(s) is None or self._kept.get((s, ends_from, starts_until), (None, []))[0] != versions[s]
        ]
        if stale:
            for source_id, rows in store.events_by_source(stale, ends_from, starts_until).items():
                self._kept[(source_id, ends_from, starts_until)] = (versions.get(source_id), rows)
        return [(s, self._kept.get((s, ends_from, starts_until), (None, []))[1]) for s in shown]

    def chosen(
        self, store: Store, feed: Feed, now: datetime, versions: dict[str, str | None], cancelled_days: int
    ) -> list[StoredEvent]:
        """What ``select_events`` gives of the feed's records, in order, with each source's choice
        (``shown_by``) worked out again only when its records were read again, or the day or the feed
        changed: after one source's change a rebuild of 100,000 events filtered and keyed every one."""
        items_of = self._current(store, feed, now, versions)
        today = now.date()
        keyed: list[tuple[StartKey, StoredEvent]] = []
        for source_id, rows in items_of:
            kept = self._chosen.get((source_id, feed.id))
            if kept is None or kept[0] is not rows or kept[1] != today or kept[2] != feed:
                kept = (rows, today, feed, shown_by(rows, feed, today=today))
                self._chosen[(source_id, feed.id)] = kept
            keyed.extend(kept[3])
        keyed.sort(key=itemgetter(0))  # stable: the order select_events gives
        return still_shown(keyed, now, cancelled_days)

    def clear(self) -> None:
        self._kept.clear()
        self._chosen.clear()


RECORDS = RecordCache()


def _sweep_abandoned(out_dir: Path, older_than: float = 3600) -> None:
    """Temporary files of a rebuild a stop abandoned (the process did not wait for it); an hour old, so
    never one another process is writing now."""
    cutoff = time.time() - older_than
    for tmp in out_dir.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` only if the bytes differ, so unchanged files keep their mtime
    (``feeds.feed_files``, with nothing to copy from the old file)."""
    FeedFiles().write(path, [data])
