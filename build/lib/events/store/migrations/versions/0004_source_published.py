"""A fingerprint of what each source puts into its events' published form besides the events
themselves (its name and address, default duration, organiser), so that a change to it in config
raises the events' SEQUENCE.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("published", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("published")
