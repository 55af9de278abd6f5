"""Each event rendered once per change, not once per feed build.

A feed is its header, its zones and one piece per event (a VEVENT, a JSON item). The pieces are kept
here, per event, with everything they were rendered from: the stored event itself (its record, times
and sequence: any change to what it publishes, its categories included, is a miss), its source's
settings (name, address, default duration, organiser) and, for JSON, the day (an item says whether
the event is past). A build with one changed event renders one event; ``icalendar`` stays the
authority on escaping and folding, since every piece is its output.

The cache is per process: an instance renders a changed event once, in about half a millisecond,
which costs less than writing and reading every rendered piece through the shared database would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from events.store import StoredEvent

Piece = tuple[StoredEvent, Hashable, bytes]


class RenderCache:
    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit  # pieces kept at most (two per event): a bound, not a tuning knob
        self._pieces: dict[tuple[Hashable, ...], Piece] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def piece(self, kind: str, item: StoredEvent, context: Hashable, render: Callable[[], bytes]) -> bytes:
        """``render()``'s bytes for this event, rendered again only if the event or its context changed."""
        key = (kind, item.event.id, item.uid, item.also)  # a merged entry is another piece than its listing
        kept = self._pieces.get(key)
        if kept is not None and kept[1] == context and (kept[0] is item or kept[0] == item):
            self.hits += 1
            return kept[2]
        self.misses += 1
        data = render()
        with self._lock:
            if len(self._pieces) >= self.limit:
                self._pieces.clear()  # rare: the next build renders again, correctly
            self._pieces[key] = (item, context, data)
        return data

    def clear(self) -> None:
        with self._lock:
            self._pieces.clear()
        self.hits = self.misses = 0


RENDERED = RenderCache()
