"""The first released schema: sources, fetch history, events, changes.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "eventfeed_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(255), nullable=False),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("body_hash", sa.String(64)),
        sa.Column("last_fetch_at", TZ),
        sa.Column("last_success_at", TZ),
        sa.Column("last_outcome", sa.String(32)),
        sa.Column("last_error", sa.Text),
        sa.Column("events_found", sa.Integer),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("healthy", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("unhealthy_since", TZ),
        sa.Column("unhealthy_reason", sa.Text),
        sa.Column("next_run_at", TZ),
    )
    op.create_table(
        "fetches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.String(64), sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("events_found", sa.Integer),
        sa.Column("bytes", sa.Integer),
    )
    op.create_index("ix_fetches_source", "fetches", ["source_id", "id"])
    op.create_table(
        "events",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("first_day", sa.String(10), nullable=False),
        sa.Column("last_day", sa.String(10), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
        sa.Column("missing_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("removed_at", TZ),
        sa.Column("cancelled_at", TZ),
    )
    op.create_index("ix_events_source", "events", ["source_id"])
    op.create_index("ix_events_first_day", "events", ["first_day"])
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_index("ix_changes_event", "changes", ["event_id", "id"])


def downgrade() -> None:
    for table in ("changes", "events", "fetches", "sources", "eventfeed_meta"):
        op.drop_table(table)
