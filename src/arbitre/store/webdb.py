"""The web application's tables: accounts, sessions, API tokens, the audit log, uploads, disputes.

On the same metadata as `arbitre.store.appdb` (one app database per workspace, one Alembic history:
migration 0006 creates them all). Secrets are never stored: passwords as argon2 hashes, session ids
and API tokens as keyed hashes (HMAC-SHA256 with the workspace's web key), so that a copy of the
database opens nothing. The audit log is append-only: no code path updates or deletes it, and the
migration installs triggers that refuse an UPDATE or a DELETE on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from arbitre.store.appdb import Base


class User(Base):
    """A person who logs in to the workspace's web app (or runs scripts with its tokens).

    ``role`` is ``admin``, ``analyst``, ``provider`` or ``auditor``; a provider account is bound
    to the sites of its provider (``sites``, JSON list): it sees only the contracts, data, uploads
    and disputes of those sites.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sites: Mapped[str] = mapped_column(Text)  # JSON list of the provider's sites ([] for the client)
    lang: Mapped[str] = mapped_column(String(2))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebSession(Base):
    """A browser session: the keyed hash of its id, its CSRF token, and when it ends."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ApiToken(Base):
    """A bearer token for scripts (``arbitre token create``) or from ``POST /api/…/token``."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # the public part of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEntry(Base):
    """Who did what, when, from where: one line of the append-only audit log."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(50), index=True)
    target: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)  # JSON object
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Upload(Base):
    """A file handed in through the web app: a client's import, a provider's month or invoice.

    The file itself is kept under the workspace's ``uploads/`` folder (never served as is);
    ``errors`` holds the first row-level errors as JSON for the page that shows them.
    """

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # import, provider_month, invoice
    contract_id: Mapped[str | None] = mapped_column(String(100), index=True, nullable=True)
    month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    filename: Mapped[str] = mapped_column(String(200))
    stored_as: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(BigInteger)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[str] = mapped_column(String(20))  # imported, rejected, received
    import_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    rows_read: Mapped[int] = mapped_column(BigInteger)
    inserted: Mapped[int] = mapped_column(BigInteger)
    rejected: Mapped[int] = mapped_column(BigInteger)
    message: Mapped[str] = mapped_column(Text)
    errors: Mapped[str] = mapped_column(Text)  # JSON list of {line, column, reason, value}


class ContractMapping(Base):
    """The column mapping applied to a provider's uploads for one contract (YAML as given)."""

    __tablename__ = "contract_mappings"

    contract_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Dispute(Base):
    """A provider's dispute of one figure of a refereed month: an SLA result, an exclusion or an
    invoice line. ``status``: open → answered ↔ open … → accepted or rejected (closed)."""

    __tablename__ = "disputes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(100), index=True)
    month: Mapped[str] = mapped_column(String(7))
    subject_kind: Mapped[str] = mapped_column(String(20))  # sla, exclusion, invoice_line
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: The change of the month both parties agreed on when it was accepted (a JSON list of
    #: `arbitre.contract.result.AgreedChange`), an input of the month's later runs; migration 0008.
    agreed: Mapped[str | None] = mapped_column(Text, nullable=True)


class DisputeEvent(Base):
    """One step of a dispute: opened, comment, answer, accepted, rejected — who, when, what said."""

    __tablename__ = "dispute_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dispute_id: Mapped[str] = mapped_column(ForeignKey("disputes.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text)


class DisputeAttachment(Base):
    """A file attached to a step of a dispute; kept under ``uploads/attachments/`` (never served as is)."""

    __tablename__ = "dispute_attachments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    dispute_id: Mapped[str] = mapped_column(ForeignKey("disputes.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("dispute_events.id"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_as: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """One failed login under one key (`arbitre.web.security.LoginLimiter`): the SHA-256 of the
    account and address (or of the address alone) and the wall-clock second it failed, shared by
    every server process of the database (migration 0008)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[float] = mapped_column(Float, index=True)


class Job(Base):
    """A slow run made off the request (a decision): queued → running → done | failed, its
    progress (0–1) and current step, its error, the id of what it made, who asked and when.
    ``running`` is the kind while queued or running, NULL after: unique, so one job of a kind
    runs at a time in the workspace (migration 0009). ``owner`` is the server process holding it,
    ``heartbeat_at`` when that process last said so (every few seconds while it runs)."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    running: Mapped[str | None] = mapped_column(String(20), unique=True, nullable=True)
    progress: Mapped[float] = mapped_column(Float)
    step: Mapped[str] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    inputs: Mapped[str] = mapped_column(Text)  # JSON: what the run was asked with
    who: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the process: host:pid
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
