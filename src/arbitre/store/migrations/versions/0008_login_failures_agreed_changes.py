"""Failed logins kept in the app database, so that every server process counts the same failures;
the change of the month an accepted dispute agreed on, kept with the dispute.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

A row is one failed attempt under one key (an account from an address, or an address alone), the
key kept as a SHA-256 digest: neither the name typed nor the address is stored in clear. A
dispute's ``agreed`` (JSON) holds the days left out of the SLAs or counted again, or the SLA result,
that the month's runs take as an input once the client accepted it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index(op.f("ix_login_failures_key"), "login_failures", ["key"])
    op.create_index(op.f("ix_login_failures_at"), "login_failures", ["at"])
    with op.batch_alter_table("disputes") as batch:
        batch.add_column(sa.Column("agreed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("disputes") as batch:
        batch.drop_column("agreed")
    op.drop_index(op.f("ix_login_failures_at"), table_name="login_failures")
    op.drop_index(op.f("ix_login_failures_key"), table_name="login_failures")
    op.drop_table("login_failures")
