"""Event pages a listing links to, read with ``follow_details = true``: their validators and what
they yielded, so that an unchanged page is asked "changed since?" and not read again.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "detail_pages",
        sa.Column("source_id", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("reading", sa.String(64)),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("body_hash", sa.String(64)),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("found", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("detail_pages")
