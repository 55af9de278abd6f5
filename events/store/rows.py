"""What the store hands out: an event with its history in the store (``StoredEvent``), what a fetch came
to (``FetchResult``), and rows with their times made UTC-aware (SQLite hands them back naive)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from events.record import Event


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as publishers see it: the record plus its history in the store."""

    event: Event
    created_at: datetime
    updated_at: datetime
    sequence: int
    cancelled_at: datetime | None
    removed_at: datetime | None
    same_as: str | None = None  # the listing by another source this one was linked to (events.reconcile.same_event)
    # set by publishers for a feed of several sources (feeds.merging): the id calendars know this
    # entry by, when not the event's own, and the other sources listing it
    uid: str | None = None
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchResult:
    """What one fetch came to, as the store records it."""

    outcome: str  # page, not_modified, unchanged, failed, changed_shape
    started_at: datetime
    finished_at: datetime
    http_status: int | None = None
    error: str | None = None
    events_found: int | None = None
    bytes: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    shape: dict[str, Any] | None = None  # a trusted page's shape, the next readings' baseline
    note: str | None = None  # what the reading could not read whole
    reading: str | None = None  # how the page was read (the source's settings); set by a full reading
    events_hidden: int | None = None  # of ``events_found``, how many fixes hide; set by a full reading


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything in the store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _stamp(value: datetime) -> datetime:
    """A NOT NULL timestamp column, made aware."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def stored_event(row: Any) -> StoredEvent:
    return StoredEvent(
        Event.from_dict(row["data"]),
        _stamp(row["created_at"]),
        _stamp(row["updated_at"]),
        row["sequence"],
        aware(row["cancelled_at"]),
        aware(row["removed_at"]),
        row.get("same_as"),
    )


def aware_row(row: Any) -> dict[str, Any]:
    """A row as a dict, its date-times made UTC-aware (SQLite hands them back naive)."""
    return {k: aware(v) if isinstance(v, datetime) else v for k, v in dict(row).items()}
