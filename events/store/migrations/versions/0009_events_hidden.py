"""How many of the events a source's last reading found are hidden by fixes in ``config.toml``: said on
``/sources`` to anyone, as "3 hidden by fixes", while the reading's notes (which can name addresses) stay for staff.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("events_hidden", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("events_hidden")
