"""Retention: the store forgets fetch records, old history, removed and long-past events on a schedule
(``[retention]``), so a year of one-minute fetches is not 100 million rows every feed rebuild reads."""

from __future__ import annotations

from datetime import UTC, datetime

from events.config.models import Config
from events.store import Store


def prune(config: Config, store: Store, now: datetime | None = None) -> dict[str, int]:
    """Apply the configured retention once; returns rows removed by kind."""
    r = config.retention
    return store.prune(
        now or datetime.now(UTC),
        fetch_history_days=r.fetch_history_days,
        changes_days=r.changes_days,
        removed_events_days=r.removed_events_days,
        past_events_days=config.keep_past_days,
    )


def summary(counts: dict[str, int]) -> str:
    """One line: "pruned 1,204 fetch records, 3 changes, 0 events, 12 Slack messages"."""
    return "pruned " + ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
