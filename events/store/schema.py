"""The tables: sources' fetch state, the fetch history, events, their changes, event pages and platform
data read, notifications.

This module describes the current schema for queries; ``migrations/`` (Alembic) creates and upgrades
real databases, one revision per released change. An event row keeps the whole record as JSON
(``data``) beside the few columns the store queries by, so adding a field to the record needs no
migration.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

meta = Table(
    "eventfeed_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("url", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("body_hash", String(64)),
    Column("last_fetch_at", DateTime(timezone=True)),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_outcome", String(32)),
    Column("last_error", Text),
    Column("events_found", Integer),
    Column("events_hidden", Integer),  # of those found, how many fixes in config.toml hide
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("healthy", Boolean, nullable=False, default=True),
    Column("unhealthy_since", DateTime(timezone=True)),
    Column("unhealthy_reason", Text),
    Column("next_run_at", DateTime(timezone=True)),
    Column("claimed_by", String(64)),  # the instance fetching it now (several instances, one database)
    Column("claimed_until", DateTime(timezone=True)),
    # the last trusted reading's shape (events.sources.shape), and whether the page has changed shape since
    Column("shape", JSON),
    Column("shape_changed_since", DateTime(timezone=True)),
    Column("shape_reason", Text),
    Column("accepted_at", DateTime(timezone=True)),  # a person accepted the new shape: trust the next reading
    Column("notice", Text),  # what the last reading could not read whole (a cut, a flattened page)
    Column("published", String(64)),  # fingerprint of what the source adds to its events' published form
    # a new token whenever the source's stored events change: each instance's feed files say which
    # tokens they were built from, so an instance sees what another wrote (feeds.freshness)
    Column("content_version", String(32)),
    # how the page was read last (Source.reading): a change in config reads the page again in full
    Column("reading", String(64)),
)

fetches = Table(
    "fetches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(64), ForeignKey("sources.id"), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(32), nullable=False),  # page, not_modified, unchanged, failed, changed_shape
    Column("http_status", Integer),
    Column("error", Text),
    Column("note", Text),
    Column("events_found", Integer),
    Column("bytes", Integer),
    Index("ix_fetches_source", "source_id", "id"),
)

events = Table(
    "events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("source_id", String(64), nullable=False),
    Column("first_day", String(10), nullable=False),
    Column("last_day", String(10), nullable=False),
    Column("data", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("sequence", Integer, nullable=False, default=0),
    Column("missing_count", Integer, nullable=False, default=0),
    Column("removed_at", DateTime(timezone=True)),
    Column("cancelled_at", DateTime(timezone=True)),
    Column(
        "same_as", String(64)
    ),  # the event another source's listing of it was linked to (events.reconcile.same_event)
    Index("ix_events_source", "source_id"),
    Index("ix_events_first_day", "first_day"),
)

changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),  # new, updated, booking, cancelled, rescheduled, removed
    Column("detail", JSON, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_changes_event", "event_id", "id"),
)

# Event pages a listing links to (``follow_details``), kept so that the next reading asks "changed
# since?" and a page that has not changed is not read again: its validators and what it yielded.
detail_pages = Table(
    "detail_pages",
    metadata,
    Column("source_id", String(64), primary_key=True),
    Column("url", Text, primary_key=True),
    Column("reading", String(64)),  # the source's reading it was read under (Source.reading)
    Column("etag", Text),
    Column("last_modified", Text),
    Column("body_hash", String(64)),
    Column("checked_at", DateTime(timezone=True), nullable=False),
    Column("found", JSON, nullable=False),  # the events read from it, as records
)

# The answers of the platforms a source's page draws its events from (``events.extract.platforms``),
# kept so that the next reading, in this process or after a restart, asks each "changed since?" and
# reads an unchanged one from here: its validators and its text.
platform_answers = Table(
    "platform_answers",
    metadata,
    Column("source_id", String(64), primary_key=True),
    Column("url", Text, primary_key=True),  # the address asked
    Column("final_url", Text, nullable=False),  # where it answered from
    Column("etag", Text),
    Column("last_modified", Text),
    Column("body_hash", String(64), nullable=False),
    Column("checked_at", DateTime(timezone=True), nullable=False),
    Column("text", Text, nullable=False),
)

# Slack (and any later notifier): one row per message we mean to send. The unique key makes the
# intent idempotent (two instances enqueueing the same change insert one row); the status makes
# sending idempotent: pending -> sending (claimed) -> sent, and a crash leaves "sending", which is
# checked against Slack, never blindly re-sent. Per route only the oldest unsent row may be claimed,
# so messages arrive in order whichever sender or instance sends them.
notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(255), nullable=False, unique=True),
    Column("route", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # pending, sending, sent, unknown
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("claimed_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Column("retry_at", DateTime(timezone=True)),  # the route backs off (429) until then
    Index("ix_notifications_status", "status", "id"),
)
