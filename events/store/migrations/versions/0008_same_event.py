"""One real event listed by two sources: a later listing names the one the store already held
(``events.reconcile.same_event``), so the combined feeds publish one entry under a UID that does not move.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("same_as", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("same_as")
