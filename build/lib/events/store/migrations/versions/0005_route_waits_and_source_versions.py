"""When a Slack route that was told to back off (429 Retry-After) may be tried again, kept on the
route's first waiting message so that every sender and instance waits, and none sleeps; and a token
per source that changes whenever its published events do, so every instance can tell which of its
feed files are behind the store.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("retry_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("content_version", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("content_version")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("retry_at")
