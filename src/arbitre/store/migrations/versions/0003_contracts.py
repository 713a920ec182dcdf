"""Contracts (every version, with who, when and what changed) and monthly governance runs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract_versions",
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("contract_id", "version", name=op.f("pk_contract_versions")),
    )
    op.create_table(
        "governance_runs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("contract_version", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("inputs_sha256", sa.String(64), nullable=False),
        sa.Column("invoice", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_runs")),
    )
    op.create_index(op.f("ix_governance_runs_contract_id"), "governance_runs", ["contract_id"])
    op.create_index(op.f("ix_governance_runs_month"), "governance_runs", ["month"])
    op.create_index(op.f("ix_governance_runs_created_at"), "governance_runs", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_governance_runs_created_at"), table_name="governance_runs")
    op.drop_index(op.f("ix_governance_runs_month"), table_name="governance_runs")
    op.drop_index(op.f("ix_governance_runs_contract_id"), table_name="governance_runs")
    op.drop_table("governance_runs")
    op.drop_table("contract_versions")
