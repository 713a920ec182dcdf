"""The web app's background jobs: a decision run made off the request, its status and progress.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

``running`` holds the job's kind while it is queued or running and NULL once it is over: its
unique constraint lets one job of a kind run at a time in the workspace, whatever the number of
server processes (two NULLs never collide, on SQLite as on PostgreSQL). ``owner`` names the server
process that queued the job and ``heartbeat_at`` is when that process last said it still holds
it: a job is failed as interrupted only once its heartbeat is old.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("running", sa.String(20), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("step", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result_id", sa.String(64), nullable=True),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("who", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner", sa.String(64), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("running", name=op.f("uq_jobs_running")),
    )
    op.create_index(op.f("ix_jobs_created_at"), "jobs", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_jobs_created_at"), table_name="jobs")
    op.drop_table("jobs")
