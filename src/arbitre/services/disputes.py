"""Disputes: a provider contests one figure of a refereed month, the client answers and settles.

A dispute names its subject — an SLA result (the SLA's name), an excluded day or period, or a line
of the invoice — with a comment and, if need be, an attachment. Then::

    open ──answer (client)──▶ answered ──comment (provider)──▶ open …
      └──────────────── accept / reject (client admin) ────────────────▶ accepted | rejected

Every step is an event (who, role, when, what was said) and an entry of the audit log; a closed
dispute takes no more steps. Only the parties see a dispute: the client's side and the provider
accounts bound to the contract's sites (`arbitre.services.access`). Attachments are size-bounded
while received, kept under the workspace's ``uploads/attachments/`` (never served as is), typed
by their first bytes rather than by what the browser claims, and refused when they are of no
type a dispute needs (PDF, PNG, JPEG, plain text or CSV, an Office document).

When a dispute is accepted, the month is refereed again with the agreed change, recorded as a new
run. An invoice line is agreed as a corrected line of the invoice (`arbitre.web.refereed`); an SLA
result or an exclusion as `AgreedChange` items (`read_agreed`: the SLA met or missed, days left out
of the SLAs or counted again), kept with the dispute and handed to every later run of the month
(`arbitre.store.governance.agreed_changes`, `arbitre.contract.referee.MonthInputs.agreed`).
"""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from arbitre.contract.result import AgreedChange
from arbitre.domain.contract import Contract
from arbitre.errors import InputError
from arbitre.services.access import NotFound, Permission, is_client, require
from arbitre.services.accounts import Account
from arbitre.services.audit import Actor, aware, record
from arbitre.services.contract_views import visible_contract, visible_contract_ids
from arbitre.services.uploads import Received
from arbitre.store.appdb import session_scope
from arbitre.store.governance import AGREED_CHANGES
from arbitre.store.webdb import Dispute, DisputeAttachment, DisputeEvent
from arbitre.store.workspace import Workspace

SubjectKind = Literal["sla", "exclusion", "invoice_line"]
SUBJECT_KINDS: tuple[SubjectKind, ...] = ("sla", "exclusion", "invoice_line")
MAX_COMMENT = 5000
CLOSED = ("accepted", "rejected")


class AttachmentInfo(BaseModel):
    id: str
    filename: str
    content_type: str
    bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class DisputeStep(BaseModel):
    at: datetime
    who: str
    role: str
    kind: str  # opened, comment, answer, accepted, rejected
    comment: str
    attachments: list[AttachmentInfo]


class DisputeRecord(BaseModel):
    """A dispute with its steps, as the pages and the API show it."""

    id: str
    contract_id: str
    month: str
    subject_kind: SubjectKind
    subject: str
    status: str  # open, answered, accepted, rejected
    opened_by: str
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    resolution: str | None
    steps: list[DisputeStep]


def invoice_line_subject(line: int, unit: str, flow: str | None, band: str | None) -> str:
    """How a dispute names an invoice line: ``line 2: logged_hour sav-voice-fr day``."""
    return f"line {line}: " + " ".join(x for x in (unit, flow, band) if x)


def sniff(path: Path) -> str | None:
    """The content type of a file from its first bytes, or ``None`` for a type disputes refuse."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):  # .docx, .xlsx, .odt… are zip files
        return "application/zip"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 3:  # not merely a character cut at the end of the sample
                return None
        return "text/plain; charset=utf-8"
    return None


def open_dispute(
    ws: Workspace,
    *,
    account: Account,
    actor: Actor,
    contract_id: str,
    month: str,
    subject_kind: str,
    subject: str,
    comment: str,
    attachment: Received | None = None,
) -> DisputeRecord:
    """The provider contests ``subject`` of ``month`` of its contract."""
    require(account, Permission.DISPUTE_OPEN)
    contract = visible_contract(ws, account, contract_id)
    if month not in contract.months():
        raise InputError(field="month", expected="a month of the contract", got=month)
    if subject_kind not in SUBJECT_KINDS:
        raise InputError(field="subject_kind", expected=" or ".join(SUBJECT_KINDS), got=subject_kind)
    subject = subject.strip()
    if not subject or len(subject) > 200:
        raise InputError(
            field="subject", expected="the SLA, day or invoice line (1–200 characters)", got=subject
        )
    comment = _comment(comment)
    now = datetime.now(UTC)
    dispute_id = secrets.token_hex(16)
    with session_scope(ws.engine) as session:
        session.add(
            Dispute(
                id=dispute_id,
                contract_id=contract.id,
                month=month,
                subject_kind=subject_kind,
                subject=subject,
                status="open",
                opened_by=account.username,
                opened_at=now,
            )
        )
        session.flush()
        _step(session, dispute_id, account, "opened", comment, attachment, ws=ws, at=now)
    record(
        ws,
        actor,
        "dispute",
        dispute_id,
        step="opened",
        contract=contract.id,
        month=month,
        subject_kind=subject_kind,
        subject=subject,
    )
    return get_dispute(ws, account, dispute_id)


def add_step(
    ws: Workspace,
    dispute_id: str,
    *,
    account: Account,
    actor: Actor,
    kind: Literal["comment", "answer", "accepted", "rejected"],
    comment: str,
    attachment: Received | None = None,
    agreed: Sequence[AgreedChange] = (),
) -> DisputeRecord:
    """A comment (either party), the client's answer, or its decision (accepted or rejected);
    an acceptance keeps ``agreed``, the change of the month both parties agreed on."""
    needed = {
        "comment": Permission.DISPUTE_COMMENT,
        "answer": Permission.DISPUTE_ANSWER,
        "accepted": Permission.DISPUTE_DECIDE,
        "rejected": Permission.DISPUTE_DECIDE,
    }
    if kind not in needed:
        raise InputError(field="kind", expected="comment, answer, accepted or rejected", got=kind)
    require(account, needed[kind])
    current = get_dispute(ws, account, dispute_id)  # NotFound unless a party
    if current.status in CLOSED:
        raise InputError(f"the dispute is closed ({current.status}): it takes no more steps")
    comment = _comment(comment)
    now = datetime.now(UTC)
    with session_scope(ws.engine) as session:
        row = session.get(Dispute, dispute_id)
        assert row is not None
        _step(session, dispute_id, account, kind, comment, attachment, ws=ws, at=now)
        if kind == "answer":
            row.status = "answered"
        elif kind == "comment" and not is_client(account):
            row.status = "open"  # the provider replied: the ball is in the client's court again
        elif kind in CLOSED:
            row.status = kind
            row.closed_by = account.username
            row.closed_at = now
            row.resolution = comment
            if kind == "accepted" and agreed:
                row.agreed = AGREED_CHANGES.dump_json(list(agreed)).decode()
    record(ws, actor, "dispute", dispute_id, step=kind, contract=current.contract_id, month=current.month)
    return get_dispute(ws, account, dispute_id)


DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_AGREED_DAYS = 31


def read_agreed(
    dispute: DisputeRecord, contract: Contract, *, met: str = "", exclude: str = "", include: str = ""
) -> list[AgreedChange]:
    """The change an SLA result's or an exclusion's dispute is accepted with, from the form.

    An SLA: ``met`` is ``met`` or ``missed``. An exclusion: ``exclude`` and ``include`` list days
    of the month (``YYYY-MM-DD``, separated by commas or spaces) to leave out of the SLAs or to
    count again — on the disputed day's flow when the subject is a day (``sav-voice-fr
    2026-06-18``), else on every flow of the contract. Anything else is refused by its field."""
    if dispute.subject_kind == "sla":
        if dispute.subject not in {s.name for s in contract.slas}:
            raise InputError(field="subject", expected="an SLA of the contract", got=dispute.subject[:80])
        if met not in ("met", "missed"):
            raise InputError(field="met", expected="met or missed", got=met[:40])
        return [AgreedChange(dispute=dispute.id, kind="sla_result", sla=dispute.subject, met=met == "met")]
    if dispute.subject_kind != "exclusion":
        raise InputError(field="subject_kind", expected="sla or exclusion", got=dispute.subject_kind)
    flow, _, day = dispute.subject.rpartition(" ")
    flows = [flow] if flow in contract.flows and DAY.match(day) else list(contract.flows)
    excluded = _days(exclude, "exclude", month=dispute.month)
    included = _days(include, "include", month=dispute.month)
    if not excluded and not included:
        raise InputError(field="exclude", expected="a day of the month to leave out or count again", got="")
    if set(excluded) & set(included):
        raise InputError(field="include", expected="days not also left out", got=include[:80])
    return [
        AgreedChange(dispute=dispute.id, kind="exclude_day", flow=f, day=d) for d in excluded for f in flows
    ] + [AgreedChange(dispute=dispute.id, kind="include_day", flow=f, day=d) for d in included for f in flows]


def _days(text: str, field: str, *, month: str) -> list[date]:
    words = [w for w in re.split(r"[,;\s]+", text.strip()) if w]
    if len(words) > MAX_AGREED_DAYS:
        raise InputError(field=field, expected=f"at most {MAX_AGREED_DAYS} days", got=f"{len(words)} days")
    out: list[date] = []
    for word in words:
        try:
            day = date.fromisoformat(word) if DAY.match(word) else None
        except ValueError:
            day = None
        if day is None or day.isoformat()[:7] != month:
            raise InputError(field=field, expected=f"days of {month} as YYYY-MM-DD", got=word[:40])
        if day not in out:
            out.append(day)
    return sorted(out)


def _comment(comment: str) -> str:
    comment = comment.strip()
    if not comment or len(comment) > MAX_COMMENT:
        raise InputError(
            field="comment", expected=f"a comment of 1–{MAX_COMMENT} characters", got=comment[:40]
        )
    return comment


def _step(
    session: Session,
    dispute_id: str,
    account: Account,
    kind: str,
    comment: str,
    attachment: Received | None,
    *,
    ws: Workspace,
    at: datetime,
) -> None:
    event = DisputeEvent(
        dispute_id=dispute_id, at=at, who=account.username, role=account.role, kind=kind, comment=comment
    )
    session.add(event)
    session.flush()
    if attachment is None:
        return
    content_type = sniff(attachment.path)
    if content_type is None:
        shutil.rmtree(attachment.path.parent, ignore_errors=True)
        raise InputError(
            "an attachment must be a PDF, PNG, JPEG, plain text or CSV file, or an Office document",
            file=attachment.filename,
        )
    session.add(
        DisputeAttachment(
            id=secrets.token_hex(16),
            dispute_id=dispute_id,
            event_id=event.id,
            filename=attachment.filename,
            content_type=content_type,
            bytes=attachment.bytes,
            sha256=attachment.sha256,
            stored_as=str(attachment.path.relative_to(ws.root)),
            uploaded_by=account.username,
            uploaded_at=at,
        )
    )


def disputes(ws: Workspace, account: Account, *, contract_id: str | None = None) -> list[DisputeRecord]:
    """The disputes the account is a party to (all for the client), newest first: one query for
    the disputes, their steps and their attachments together, however many there are."""
    require(account, Permission.READ_CONTRACTS)
    visible = visible_contract_ids(ws, account)
    where: list[ColumnElement[bool]] = []
    if visible is not None:
        where.append(Dispute.contract_id.in_(sorted(visible)))
    if contract_id is not None:
        where.append(Dispute.contract_id == contract_id)
    with session_scope(ws.engine) as session:
        return _records(session, *where)


def get_dispute(ws: Workspace, account: Account, dispute_id: str) -> DisputeRecord:
    """One dispute with its steps; `NotFound` when unknown or when the account is not a party."""
    require(account, Permission.READ_CONTRACTS)
    with session_scope(ws.engine) as session:
        found = _records(session, Dispute.id == dispute_id[:32])
    visible = visible_contract_ids(ws, account) if found else None
    if not found or (visible is not None and found[0].contract_id not in visible):
        raise NotFound(f"no dispute {dispute_id!r}")
    return found[0]


def _records(session: Session, *where: ColumnElement[bool]) -> list[DisputeRecord]:
    """The disputes matching ``where``, newest first, each with its steps (in order) and each
    step's attachments (in the order received): one query, the steps and attachments joined."""
    rows = session.execute(
        select(Dispute, DisputeEvent, DisputeAttachment)
        .outerjoin(DisputeEvent, DisputeEvent.dispute_id == Dispute.id)
        .outerjoin(DisputeAttachment, DisputeAttachment.event_id == DisputeEvent.id)
        .where(*where)
        .order_by(Dispute.opened_at.desc(), Dispute.id, DisputeEvent.id, DisputeAttachment.uploaded_at)
    ).all()
    disputes_: dict[str, Dispute] = {}
    events: dict[str, dict[int, DisputeEvent]] = {}
    files: dict[int, list[AttachmentInfo]] = {}
    for row, event, attached in rows:
        disputes_.setdefault(row.id, row)
        steps = events.setdefault(row.id, {})
        if event is not None:
            steps.setdefault(event.id, event)
            if attached is not None:
                files.setdefault(event.id, []).append(_info(attached))
    return [
        DisputeRecord(
            id=row.id,
            contract_id=row.contract_id,
            month=row.month,
            subject_kind=row.subject_kind,  # type: ignore[arg-type]
            subject=row.subject,
            status=row.status,
            opened_by=row.opened_by,
            opened_at=aware(row.opened_at),
            closed_by=row.closed_by,
            closed_at=None if row.closed_at is None else aware(row.closed_at),
            resolution=row.resolution,
            steps=[
                DisputeStep(
                    at=aware(e.at),
                    who=e.who,
                    role=e.role,
                    kind=e.kind,
                    comment=e.comment,
                    attachments=files.get(e.id, []),
                )
                for e in events[row.id].values()
            ],
        )
        for row in disputes_.values()
    ]


def attachment_file(
    ws: Workspace, account: Account, actor: Actor, dispute_id: str, attachment_id: str
) -> tuple[Path, AttachmentInfo]:
    """The file of an attachment, for a party of the dispute only (the download is audited)."""
    get_dispute(ws, account, dispute_id)  # NotFound unless a party
    with session_scope(ws.engine) as session:
        row = session.get(DisputeAttachment, attachment_id[:32])
        if row is None or row.dispute_id != dispute_id:
            raise NotFound(f"no attachment {attachment_id!r}")
        info, path = _info(row), ws.root / row.stored_as
    record(ws, actor, "download", info.filename, dispute=dispute_id, attachment=info.id, sha256=info.sha256)
    return path, info


def _info(f: DisputeAttachment) -> AttachmentInfo:
    return AttachmentInfo(
        id=f.id,
        filename=f.filename,
        content_type=f.content_type,
        bytes=f.bytes,
        sha256=f.sha256,
        uploaded_by=f.uploaded_by,
        uploaded_at=aware(f.uploaded_at),
    )


__all__ = [
    "SUBJECT_KINDS",
    "AttachmentInfo",
    "DisputeRecord",
    "DisputeStep",
    "add_step",
    "attachment_file",
    "disputes",
    "get_dispute",
    "invoice_line_subject",
    "open_dispute",
    "read_agreed",
    "sniff",
]
