"""The store: SQLite by default, PostgreSQL by URL, through SQLAlchemy Core.

It applies reconcile plans in one transaction, keeps the fetch history and each source's health,
and hands publishers the rows they need. Publishers only read.

``Store`` (below) is the face callers use; each concern is a module: ``database`` (the engine,
transactions, content tokens), ``source_rows`` (sources and the claims on them), ``recording`` (a
reading's fetch, events and changes), ``detail_pages``, ``platform_answers``, ``pruning``, ``queries``
(a feed's events, an event's history, the change log) and ``rows`` (the types it hands out). ``schema``
and ``migrate`` own the tables, ``backup`` export and import, ``served`` and ``uid_domain`` what the
publishers keep in it. The Slack outbox's rows are read and written by ``feeds.outbox``.

Imports ``events.record``, ``events.reconcile`` and ``events.errors``, nothing of the stages above it.
"""

from __future__ import annotations

from events.store.database import CHANGES_LOCK, changes_lock, touch
from events.store.detail_pages import DetailPages
from events.store.platform_answers import PlatformAnswers
from events.store.pruning import Pruning
from events.store.queries import Queries
from events.store.recording import Recording, new_event_row
from events.store.rows import FetchResult, StoredEvent, aware_row, utcnow
from events.store.source_rows import SourceRows

__all__ = [
    "CHANGES_LOCK",
    "FetchResult",
    "Store",
    "StoredEvent",
    "aware_row",
    "changes_lock",
    "new_event_row",
    "touch",
    "utcnow",
]


class Store(SourceRows, Recording, DetailPages, PlatformAnswers, Pruning, Queries):
    """One database, every concern's methods on the one object callers are handed."""
