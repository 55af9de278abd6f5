"""One entry per real event in a feed of several sources.

The store links a listing to the same event listed by another source (``events.reconcile.same_event``). A feed
that shows both sources shows the event once: the listing of the source first in the configuration
speaks for it (its ORGANIZER, its link), the others are named beside it. The entry's UID is the first
listing the store held (``same_as``), so it does not move whichever source was read first, nor when
one of them stops listing it. A feed of one source shows that source's own listing, as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from events.config.models import Source
from events.store import StoredEvent
from feeds.text import one_line


def one_entry_per_event(items: Sequence[StoredEvent], source_order: Sequence[str]) -> list[StoredEvent]:
    """``items`` in feed order; the result keeps that order, each event where its first listing was."""
    if not any(item.same_as for item in items):
        return list(items)  # no listing linked to another: each is its own entry (ids are unique)
    rank = {source: i for i, source in enumerate(source_order)}
    groups: dict[str, list[StoredEvent]] = {}
    for item in items:
        groups.setdefault(item.same_as or item.event.id, []).append(item)
    out = []
    for root, members in groups.items():
        if len(members) == 1 and root == members[0].event.id:
            out.append(members[0])
            continue
        members.sort(key=lambda m: (rank.get(m.event.source, len(rank)), m.created_at, m.event.id))
        first = members[0]
        also = tuple(dict.fromkeys(m.event.source for m in members[1:] if m.event.source != first.event.source))
        out.append(
            replace(
                first,
                uid=root,
                also=also,
                # a listing joining or leaving the entry changes what it says: calendars take the update
                sequence=max(m.sequence for m in members) + len(members) - 1,
                updated_at=max(m.updated_at for m in members),
                created_at=min(m.created_at for m in members),
            )
        )
    return out


def published_id(item: StoredEvent) -> str:
    """The id a calendar or a website knows this entry by."""
    return item.uid or item.event.id


def also_listed_by(item: StoredEvent, sources: Mapping[str, Source]) -> tuple[str, ...]:
    """The names of the other sources listing this entry's event, as feeds say them."""
    return tuple(one_line(sources[s].name if s in sources else s, 200) for s in item.also)
