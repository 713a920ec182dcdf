"""A contract's refereed months in the app database: recorded, and read back as typed documents.

The shared reads of the monthly runs — the latest result of each month of a contract (the trend,
the earn-back, the steering committee), the months refereed whole (when an amendment may come
into force), the invoice given with an earlier run of a month — are queries here, so the services
that read them do not import the service that makes them. A month stored by an earlier release is
brought to the current shape as it is read (`MonthResult.read`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy import select

from arbitre.contract.referee import InvoiceText
from arbitre.contract.result import AgreedChange, MonthResult, RunRecord
from arbitre.domain.month import Month
from arbitre.store.appdb import GovernanceRun, session_scope
from arbitre.store.webdb import Dispute
from arbitre.store.workspace import Workspace

AGREED_CHANGES = TypeAdapter(list[AgreedChange])


def record_month(
    ws: Workspace,
    result: MonthResult,
    *,
    who: str,
    inputs_sha256: str,
    invoice_text: str | None,
    at: datetime,
) -> MonthResult:
    """Store ``result`` as a new run of its month (earlier runs are kept); the result as recorded
    (with its ``run``: id, time, who, the fingerprint of its inputs)."""
    if result.contract_version is None:
        raise ValueError("a month is recorded with the contract version it used")
    run_id = uuid.uuid4().hex
    recorded = result.model_copy(
        update={"run": RunRecord(id=run_id, created_at=at, who=who, inputs_sha256=inputs_sha256)}
    )
    with session_scope(ws.engine) as session:
        session.add(
            GovernanceRun(
                id=run_id,
                contract_id=result.contract,
                contract_version=result.contract_version,
                month=str(result.month),
                created_at=at,
                who=who,
                inputs_sha256=inputs_sha256,
                invoice=invoice_text,
                result=recorded.write(),
            )
        )
    return recorded


def recorded_months(ws: Workspace, contract_id: str) -> list[MonthResult]:
    """The latest recorded result of each month of a contract, oldest month first."""
    with session_scope(ws.engine) as session:
        rows = session.execute(
            select(GovernanceRun.id, GovernanceRun.month, GovernanceRun.result)
            .where(GovernanceRun.contract_id == contract_id)
            .order_by(GovernanceRun.month, GovernanceRun.created_at)
        ).all()
    latest = {month: (run_id, text) for run_id, month, text in rows}
    return [
        MonthResult.read(text, source=f"governance run {run_id}")
        for run_id, text in (latest[m] for m in sorted(latest))
    ]


def refereed_whole(ws: Workspace, contract_id: str) -> list[tuple[Month, int]]:
    """The months of ``contract_id`` whose latest run refereed them whole, with the contract
    version used, oldest first."""
    return [
        (r.month, r.contract_version)
        for r in recorded_months(ws, contract_id)
        if r.complete and r.contract_version is not None
    ]


def stored_invoice(ws: Workspace, contract_id: str, month: Month) -> InvoiceText | None:
    """The invoice of the latest run of the month that had one (its file as named then, its
    text), or None."""
    with session_scope(ws.engine) as session:
        row = session.execute(
            select(GovernanceRun.id, GovernanceRun.invoice, GovernanceRun.result)
            .where(
                GovernanceRun.contract_id == contract_id,
                GovernanceRun.month == str(month),
                GovernanceRun.invoice.is_not(None),
            )
            .order_by(GovernanceRun.created_at.desc())
            .limit(1)
        ).first()
    if row is None or row.invoice is None:
        return None
    result = MonthResult.read(row.result, source=f"governance run {row.id}")
    named = result.invoice.file if result.invoice is not None else None
    return InvoiceText(file=named or f"invoice of run {row.id}", text=row.invoice)


def agreed_changes(ws: Workspace, contract_id: str, month: Month) -> list[AgreedChange]:
    """The changes of ``month`` agreed in the contract's accepted disputes, in the order they were
    accepted: an input of every later run of the month."""
    with session_scope(ws.engine) as session:
        rows = session.scalars(
            select(Dispute.agreed)
            .where(
                Dispute.contract_id == contract_id,
                Dispute.month == str(month),
                Dispute.status == "accepted",
                Dispute.agreed.is_not(None),
            )
            .order_by(Dispute.closed_at, Dispute.id)
        ).all()
    return [change for text in rows if text for change in AGREED_CHANGES.validate_json(text)]


__all__ = [
    "AGREED_CHANGES",
    "agreed_changes",
    "record_month",
    "recorded_months",
    "refereed_whole",
    "stored_invoice",
]
