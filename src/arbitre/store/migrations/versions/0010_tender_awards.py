"""A tender's lots as awarded: to whom, when, by whom — one award a lot.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

The unique (tender_id, lot) makes the award of a lot last and refuses a second one, whatever the
number of server processes: the award claims its row before it writes any file.
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
        "tender_awards",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tender_id", sa.String(100), nullable=False),
        sa.Column("lot", sa.String(100), nullable=False),
        sa.Column("provider", sa.String(100), nullable=False),
        sa.Column("recommended", sa.String(100), nullable=True),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("awarded_by", sa.String(200), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_awards")),
        sa.UniqueConstraint("tender_id", "lot", name=op.f("uq_tender_awards_tender_id")),
    )
    op.create_index(op.f("ix_tender_awards_tender_id"), "tender_awards", ["tender_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_tender_awards_tender_id"), table_name="tender_awards")
    op.drop_table("tender_awards")
