"""The fingerprint of how a source's page was read (selectors, date order, zone, categories, fixes):
when the configuration changes how a page is read, the next fetch reads it again in full instead of
trusting a 304 or an unchanged body.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("reading", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("reading")
