"""Tenders: the bids received (the price part sealed apart) and the evaluators' grades.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tender_bids",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("tender_id", sa.String(100), nullable=False),
        sa.Column("provider", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("file", sa.LargeBinary(), nullable=False),
        sa.Column("technical", sa.Text(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_bids")),
        sa.UniqueConstraint("tender_id", "provider", "version", name=op.f("uq_tender_bids_tender_id")),
    )
    op.create_index(op.f("ix_tender_bids_tender_id"), "tender_bids", ["tender_id"])
    op.create_table(
        "tender_grades",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tender_id", sa.String(100), nullable=False),
        sa.Column("evaluator", sa.String(100), nullable=False),
        sa.Column("consensus", sa.Boolean(), nullable=False),
        sa.Column("provider", sa.String(100), nullable=False),
        sa.Column("criterion", sa.String(100), nullable=False),
        sa.Column("score", sa.String(40), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_grades")),
    )
    op.create_index(op.f("ix_tender_grades_tender_id"), "tender_grades", ["tender_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_tender_grades_tender_id"), table_name="tender_grades")
    op.drop_table("tender_grades")
    op.drop_index(op.f("ix_tender_bids_tender_id"), table_name="tender_bids")
    op.drop_table("tender_bids")
