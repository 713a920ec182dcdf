"""Quality monitoring: QA grid versions, human evaluations and their answers, disputes,
automatic check runs and calibrations.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qa_grids",
        sa.Column("grid_id", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("grid_id", "version", name=op.f("pk_qa_grids")),
    )
    op.create_table(
        "qa_evaluations",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("grid_id", sa.String(60), nullable=False),
        sa.Column("grid_version", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.String(200), nullable=False),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("grader", sa.String(200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_id", sa.String(32), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("critical_failed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_evaluations")),
        sa.UniqueConstraint(
            "grid_id", "contact_id", "site", "grader", name=op.f("uq_qa_evaluations_grid_id")
        ),
    )
    op.create_index(op.f("ix_qa_evaluations_grid_id"), "qa_evaluations", ["grid_id"])
    op.create_index(op.f("ix_qa_evaluations_import_id"), "qa_evaluations", ["import_id"])
    op.create_table(
        "qa_answers",
        sa.Column("evaluation_id", sa.String(32), nullable=False),
        sa.Column("criterion", sa.String(60), nullable=False),
        sa.Column("answer", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["evaluation_id"], ["qa_evaluations.id"], name=op.f("fk_qa_answers_evaluation_id_qa_evaluations")
        ),
        sa.PrimaryKeyConstraint("evaluation_id", "criterion", name=op.f("pk_qa_answers")),
    )
    op.create_table(
        "qa_disputes",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("evaluation_id", sa.String(32), nullable=False),
        sa.Column("criterion", sa.String(60), nullable=False),
        sa.Column("proposed", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.String(200), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("previous", sa.String(20), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["evaluation_id"], ["qa_evaluations.id"], name=op.f("fk_qa_disputes_evaluation_id_qa_evaluations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_disputes")),
    )
    op.create_index(op.f("ix_qa_disputes_evaluation_id"), "qa_disputes", ["evaluation_id"])
    op.create_table(
        "qa_check_runs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("grid_id", sa.String(60), nullable=False),
        sa.Column("grid_version", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("contacts", sa.BigInteger(), nullable=False),
        sa.Column("checked", sa.BigInteger(), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("features", sa.String(20), nullable=False),
        sa.Column("trusted", sa.Text(), nullable=False),
        sa.Column("calibration_id", sa.String(32), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_check_runs")),
    )
    op.create_index(op.f("ix_qa_check_runs_grid_id"), "qa_check_runs", ["grid_id"])
    op.create_index(op.f("ix_qa_check_runs_month"), "qa_check_runs", ["month"])
    op.create_table(
        "qa_calibrations",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("grid_id", sa.String(60), nullable=False),
        sa.Column("grid_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("trusted", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_calibrations")),
    )
    op.create_index(op.f("ix_qa_calibrations_grid_id"), "qa_calibrations", ["grid_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_qa_calibrations_grid_id"), table_name="qa_calibrations")
    op.drop_table("qa_calibrations")
    op.drop_index(op.f("ix_qa_check_runs_month"), table_name="qa_check_runs")
    op.drop_index(op.f("ix_qa_check_runs_grid_id"), table_name="qa_check_runs")
    op.drop_table("qa_check_runs")
    op.drop_index(op.f("ix_qa_disputes_evaluation_id"), table_name="qa_disputes")
    op.drop_table("qa_disputes")
    op.drop_table("qa_answers")
    op.drop_index(op.f("ix_qa_evaluations_import_id"), table_name="qa_evaluations")
    op.drop_index(op.f("ix_qa_evaluations_grid_id"), table_name="qa_evaluations")
    op.drop_table("qa_evaluations")
    op.drop_table("qa_grids")
