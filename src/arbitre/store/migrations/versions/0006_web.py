"""The web application: users, sessions, API tokens, the audit log, uploads, contract mappings,
disputes with their steps and attachments. The audit log refuses UPDATE and DELETE (triggers).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("provider", sa.String(200), nullable=True),
        sa.Column("sites", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("disabled_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"])
    op.create_index(op.f("ix_web_sessions_expires_at"), "web_sessions", ["expires_at"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("last_used_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"])
    op.create_table(
        "uploads",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("contract_id", sa.String(100), nullable=True),
        sa.Column("month", sa.String(7), nullable=True),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("stored_as", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", TS, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("import_id", sa.String(32), nullable=True),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("inserted", sa.BigInteger(), nullable=False),
        sa.Column("rejected", sa.BigInteger(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("errors", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
    )
    op.create_index(op.f("ix_uploads_contract_id"), "uploads", ["contract_id"])
    op.create_index(op.f("ix_uploads_uploaded_at"), "uploads", ["uploaded_at"])
    op.create_table(
        "contract_mappings",
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("contract_id", name=op.f("pk_contract_mappings")),
    )
    op.create_table(
        "disputes",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("subject_kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("closed_by", sa.String(64), nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index(op.f("ix_disputes_contract_id"), "disputes", ["contract_id"])
    op.create_table(
        "dispute_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dispute_id", sa.String(32), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("who", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_events_dispute_id_disputes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_events")),
    )
    op.create_index(op.f("ix_dispute_events_dispute_id"), "dispute_events", ["dispute_id"])
    op.create_table(
        "dispute_attachments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("dispute_id", sa.String(32), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_as", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_attachments_dispute_id_disputes")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["dispute_events.id"], name=op.f("fk_dispute_attachments_event_id_dispute_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_attachments")),
    )
    op.create_index(op.f("ix_dispute_attachments_dispute_id"), "dispute_attachments", ["dispute_id"])
    _append_only("audit_log")


def _append_only(table: str) -> None:
    """Triggers that refuse any UPDATE or DELETE of ``table``: the log only grows."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            f"""CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql"""
        )
        op.execute(
            f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"""
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"""CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for index, table in [
        ("ix_dispute_attachments_dispute_id", "dispute_attachments"),
        ("ix_dispute_events_dispute_id", "dispute_events"),
        ("ix_disputes_contract_id", "disputes"),
        ("ix_uploads_uploaded_at", "uploads"),
        ("ix_uploads_contract_id", "uploads"),
        ("ix_audit_log_action", "audit_log"),
        ("ix_audit_log_at", "audit_log"),
        ("ix_api_tokens_user_id", "api_tokens"),
        ("ix_web_sessions_expires_at", "web_sessions"),
        ("ix_web_sessions_user_id", "web_sessions"),
    ]:
        op.drop_index(op.f(index), table_name=table)
    for table in (
        "dispute_attachments",
        "dispute_events",
        "disputes",
        "contract_mappings",
        "uploads",
        "audit_log",
        "api_tokens",
        "web_sessions",
        "users",
    ):
        op.drop_table(table)
