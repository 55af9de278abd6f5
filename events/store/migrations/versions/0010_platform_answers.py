"""The answers of the platforms a source's page draws its events from: their validators and text, so that
the next reading, after a restart too, asks each "changed since?" and reads an unchanged one from here.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform_answers",
        sa.Column("source_id", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("final_url", sa.Text, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("platform_answers")
