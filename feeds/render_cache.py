"""Each event rendered once per change, not once per feed build.

A feed is its header, its zones and one piece per event (a VEVENT, a JSON item). The pieces are kept
here, per event, with everything they were rendered from: the stored event itself (its record, times
and sequence: any change to what it publishes, its categories included, is a miss), its source's
settings (name, address, default duration, organiser) and, for JSON, the day (an item says whether
the event is past). A build with one changed event renders one event; ``icalendar`` stays the
authority on escaping and folding, since every piece is its output.

The cache is per process: an instance renders a changed event once, in about half a millisecond,
which costs less than writing and reading every rendered piece through the shared database would.

It is bounded without forgetting what the feeds still show: at its limit it drops the pieces not asked
for during the last cache's worth of asks (as many asks as it holds pieces: every build of the live
feeds asks each live piece once), so events removed, pruned or merged differently go and the live ones
stay. Clearing it outright made every build past ~100,000 events a full render. Only when every piece
is live does it grow, to twice its limit, before it starts again empty.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from functools import partial
from typing import NamedTuple

from events.store import StoredEvent

Piece = tuple[StoredEvent, Hashable, bytes]


class Wanted(NamedTuple):
    """An event's piece of a document, not rendered yet: who renders it decides whether it must be
    (``RenderCache.piece`` in memory, ``feeds.feed_files`` from the last file written)."""

    item: StoredEvent
    context: Hashable  # everything besides the stored event that the piece is rendered from
    render: Callable[[StoredEvent], bytes]  # shared by a document's pieces: given the item, its bytes


_SHARED: dict[Hashable, Hashable] = {}


def shared(context: Hashable) -> Hashable:
    """One object for equal contexts, across builds: a piece's context is then the one it was rendered
    with (``is``), and 100,000 comparisons of tuples become comparisons of addresses."""
    if len(_SHARED) > 100_000:
        _SHARED.clear()
    return _SHARED.setdefault(context, context)


def key_of(item: StoredEvent) -> Hashable:
    """Which entry a piece is: a merged entry is another piece than its listing (a listing on its
    own is its id: 100,000 keys are kept per feed file)."""
    if item.uid is None and not item.also:
        return item.event.id
    return (item.event.id, item.uid, item.also)


def assemble(parts: Iterable[bytes | Wanted], kind: str, cache: RenderCache | None) -> bytes:
    """A document in memory: its own bytes and each event's piece, from ``cache`` when it holds it."""
    return b"".join(
        part
        if isinstance(part, bytes)
        else (
            cache.piece(kind, part.item, part.context, partial(part.render, part.item))
            if cache
            else part.render(part.item)
        )
        for part in parts
    )


class RenderCache:
    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit  # pieces kept at most (two per event): a bound, not a tuning knob
        self._pieces: dict[tuple[Hashable, ...], Piece] = {}
        self._asked: dict[tuple[Hashable, ...], int] = {}  # each key's last ask, by the count of asks
        self._asks = 0
        self._sweep_at = limit
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def piece(self, kind: str, item: StoredEvent, context: Hashable, render: Callable[[], bytes]) -> bytes:
        """``render()``'s bytes for this event, rendered again only if the event or its context changed."""
        key = (kind, key_of(item))
        self._asks += 1
        self._asked[key] = self._asks
        kept = self._pieces.get(key)
        if kept is not None and (kept[1] is context or kept[1] == context) and (kept[0] is item or kept[0] == item):
            self.hits += 1
            return kept[2]
        self.misses += 1
        data = render()
        with self._lock:
            if len(self._pieces) >= self._sweep_at:
                self._sweep()
            self._pieces[key] = (item, context, data)
        return data

    def _sweep(self) -> None:
        """Drop the pieces not asked for during the last cache's worth of asks. Live pieces past the limit
        are kept until twice the limit (the next sweep waits for a tenth more), then it starts again empty."""
        recent = self._asks - len(self._pieces)
        for key in [k for k in self._pieces if self._asked.get(k, 0) <= recent]:
            del self._pieces[key]
        self._asked = {k: self._asked[k] for k in self._pieces if k in self._asked}
        if len(self._pieces) >= 2 * self.limit:
            self._pieces.clear()  # every piece live and twice the bound: memory wins over speed
            self._asked.clear()
        self._sweep_at = max(self.limit, len(self._pieces) + self.limit // 10)

    def clear(self) -> None:
        with self._lock:
            self._pieces.clear()
            self._asked.clear()
            self._sweep_at = self.limit
        self.hits = self.misses = 0


RENDERED = RenderCache()
