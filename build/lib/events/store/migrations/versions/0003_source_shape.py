"""What a trusted reading of each source looked like, whether its page changed shape, notices.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("shape", sa.JSON))
        batch.add_column(sa.Column("shape_changed_since", TZ))
        batch.add_column(sa.Column("shape_reason", sa.Text))
        batch.add_column(sa.Column("accepted_at", TZ))
        batch.add_column(sa.Column("notice", sa.Text))
    with op.batch_alter_table("fetches") as batch:
        batch.add_column(sa.Column("note", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("fetches") as batch:
        batch.drop_column("note")
    with op.batch_alter_table("sources") as batch:
        for name in ("notice", "accepted_at", "shape_reason", "shape_changed_since", "shape"):
            batch.drop_column(name)
