"""The month from which each contract version is in force (an amendment is never retroactive).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

Versions stored before this revision have no effective month: each is read as in force from the
contract's start, as before (the latest version applies to every month).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract_versions") as batch:
        batch.add_column(sa.Column("effective_month", sa.String(7), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contract_versions") as batch:
        batch.drop_column("effective_month")
