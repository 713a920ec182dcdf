"""The refereed month as the web app reads it: the typed `MonthResult` the monthly run recorded.

The pages and the API read each month's latest run as it is stored (`MonthResult.read`, a month
stored by an earlier release brought to the current shape) but for its business case — the
client's decision, never shown to the provider —, kept by its run id; what only the
pages need of it — how a dispute names a line, the invoice's file name — are functions here, not
a copy of the schema. `referee_again` runs the month again through `govern` with a change both
parties agreed on.

What a settled dispute can change, so that the new run reflects it:

- an **invoice line**: the line as agreed (its quantity and amount) replaces the billed one in the
  month's invoice; the corrected invoice is kept under ``uploads/agreed/`` and the month is refereed
  on it (the invoice check, the evidence requests, the totals follow);
- an **SLA result** or an **exclusion**: the agreed change — the SLA met or missed, days left out
  of the SLAs or counted again (`arbitre.services.disputes.read_agreed`) — is kept with the
  accepted dispute, and the monthly run hands it to the pure referee as an input
  (`arbitre.contract.referee.MonthInputs.agreed`), in this run and every later one of the month.

The new run is recorded like any other (``who`` names the account and the dispute), and the audit
log gets a ``run`` entry with the dispute and the change.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select

from arbitre.contract.reconcile import BilledLine
from arbitre.contract.result import AgreedChange, ExcludedDay, ExcludedPeriod, InvoiceCheck, MonthResult
from arbitre.domain.month import read_month
from arbitre.errors import InputError
from arbitre.services.access import NotFound
from arbitre.services.accounts import Account
from arbitre.services.audit import Actor, record
from arbitre.services.contract_views import visible_contract
from arbitre.services.disputes import invoice_line_subject
from arbitre.services.govern import govern
from arbitre.services.uploads import latest_invoice, uploads_dir
from arbitre.store.appdb import GovernanceRun, session_scope
from arbitre.store.governance import recorded_months
from arbitre.store.workspace import Workspace

AGREED = "agreed"  # uploads/agreed/: the invoices as corrected by settled disputes


def day_subject(day: ExcludedDay) -> str:
    """How a dispute names an excluded day: ``sav-voice-fr 2026-06-18``."""
    return f"{day.flow} {day.day}"


def period_subject(period: ExcludedPeriod) -> str:
    """How a dispute names an agreed period: ``2026-05-20 00:00 – 2026-05-21 00:00``."""
    return f"{period.start:%Y-%m-%d %H:%M} – {period.end:%Y-%m-%d %H:%M}"


def line_subject(line: BilledLine) -> str:
    """How a dispute names an invoice line: ``line 2: logged_hour sav-voice-fr day``."""
    return invoice_line_subject(line.line, line.unit, line.flow, line.band)


def invoice_name(check: InvoiceCheck) -> str:
    """The invoice's file name only (never a path of the server)."""
    return Path(check.file).name if check.file else ""


def refereed_months(ws: Workspace, account: Account, contract_id: str) -> list[MonthResult]:
    """The latest run of each refereed month of a contract the account sees, oldest first."""
    contract = visible_contract(ws, account, contract_id)
    return [_shown(m) for m in recorded_months(ws, contract.id) if m.run is not None]


def refereed_month(ws: Workspace, account: Account, contract_id: str, month: str) -> MonthResult:
    """The month as its latest run refereed it; `NotFound` when it has not been refereed (or the
    account does not see the contract). A run never changes once recorded: its view is read once
    and kept by its id (a new run is a new id)."""
    month = read_month(month, field="month")
    contract = visible_contract(ws, account, contract_id)
    run_id = latest_run_id(ws, contract.id, month)
    if run_id is None:
        raise NotFound(f"{month} of {contract_id} has not been refereed")
    return _view(ws, run_id)


KEPT_RUNS = 64
_kept: dict[tuple[str, str], MonthResult] = {}
_lock = threading.Lock()


def latest_views(ws: Workspace) -> list[MonthResult]:
    """The latest run of every refereed month of every contract, read and kept (the server warms
    its pages with them at start: no one's first view waits for them). No visibility check: not
    for a route."""
    with session_scope(ws.engine) as session:
        rows = session.execute(
            select(GovernanceRun.id, GovernanceRun.contract_id, GovernanceRun.month).order_by(
                GovernanceRun.created_at
            )
        ).all()
    latest = {(r.contract_id, r.month): r.id for r in rows}
    return [_view(ws, run_id) for run_id in latest.values()]


def _view(ws: Workspace, run_id: str) -> MonthResult:
    key = (str(ws.root), run_id)
    view = _kept.get(key)
    if view is None:
        with session_scope(ws.engine) as session:
            row = session.get(GovernanceRun, run_id)
            assert row is not None
            view = _shown(MonthResult.read(row.result, source=f"governance run {run_id}"))
        with _lock:
            if len(_kept) >= KEPT_RUNS:
                _kept.pop(next(iter(_kept)))
            _kept[key] = view
    return view


def _shown(month: MonthResult) -> MonthResult:
    """The month as the pages and the API show it: without its business case, the client's
    decision, never the provider's to see (the client's steering report reads it on its own)."""
    return month.model_copy(update={"business_case": None})


def latest_run_id(ws: Workspace, contract_id: str, month: str) -> str | None:
    """The id of the month's latest run (cheap: the pages cache what they draw by it)."""
    with session_scope(ws.engine) as session:
        return session.scalars(
            select(GovernanceRun.id)
            .where(GovernanceRun.contract_id == contract_id, GovernanceRun.month == month)
            .order_by(GovernanceRun.created_at.desc())
            .limit(1)
        ).first()


class InvoiceLineChange(BaseModel):
    """An invoice line as both parties agreed it: its quantity (None: as billed) and amount."""

    line: int
    quantity: Decimal | None
    amount: Decimal


def read_line_change(line: int, quantity: str, amount: str) -> InvoiceLineChange:
    """The agreed line from a form: decimals, not negative, at most a hundred million."""

    def number(text: str, field: str, *, required: bool) -> Decimal | None:
        text = text.strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
        if not text and not required:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise InputError(field=field, expected="a number such as 1234.56", got=text[:40]) from None
        if not value.is_finite() or value < 0 or value > Decimal(100_000_000):
            raise InputError(field=field, expected="a number from 0 to 100000000", got=text[:40])
        return value.quantize(Decimal("0.01"))

    amount_ = number(amount, "amount", required=True)
    assert amount_ is not None
    return InvoiceLineChange(line=line, quantity=number(quantity, "quantity", required=False), amount=amount_)


def corrected_invoice(text: str, change: InvoiceLineChange) -> str:
    """The invoice CSV ``text`` with line ``change.line`` (numbered as the run numbers them: the
    header is line 1) set to the agreed quantity and amount; every other cell as it was."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError(field="line", expected="a line of the invoice", got=str(change.line))
    header = [h.strip() for h in rows[0]]
    index = change.line - 1
    if index < 1 or index >= len(rows) or "amount" not in header:
        raise InputError(field="line", expected="a line of the invoice", got=str(change.line))
    row = rows[index] + [""] * (len(header) - len(rows[index]))
    row[header.index("amount")] = str(change.amount)
    if change.quantity is not None and "quantity" in header:
        row[header.index("quantity")] = str(change.quantity)
    rows[index] = row
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _invoice_text(ws: Workspace, contract_id: str, month: str) -> str | None:
    """The invoice the month's latest run was refereed on, else the provider's latest upload."""
    with session_scope(ws.engine) as session:
        text = session.scalars(
            select(GovernanceRun.invoice)
            .where(
                GovernanceRun.contract_id == contract_id,
                GovernanceRun.month == month,
                GovernanceRun.invoice.is_not(None),
            )
            .order_by(GovernanceRun.created_at.desc())
            .limit(1)
        ).first()
    if text is not None:
        return text
    uploaded = latest_invoice(ws, contract_id, month)
    return None if uploaded is None else uploaded.read_text(encoding="utf-8")


def referee_again(
    ws: Workspace,
    account: Account,
    actor: Actor,
    *,
    contract_id: str,
    month: str,
    dispute_id: str,
    change: InvoiceLineChange | None = None,
    agreed: Sequence[AgreedChange] = (),
) -> MonthResult:
    """Referee ``month`` again as of its latest run's date — with ``change`` applied to its
    invoice, or with the dispute's ``agreed`` changes (already kept with the accepted dispute,
    which the run reads); the new run."""
    current = refereed_month(ws, account, contract_id, month)
    invoice: Path | None = None
    if change is not None:
        text = _invoice_text(ws, contract_id, current.month)
        if text is None:
            raise InputError(f"{current.month} of {contract_id} has no invoice to correct")
        folder = uploads_dir(ws) / AGREED
        folder.mkdir(mode=0o700, exist_ok=True)
        invoice = folder / f"{contract_id}-{current.month}-{dispute_id}.csv"
        invoice.write_text(corrected_invoice(text, change), encoding="utf-8")
    govern(
        ws,
        month=current.month,
        contract_id=contract_id,
        invoice=invoice,
        who=f"{account.username} (dispute {dispute_id[:8]})",
        today=current.run_date(),
    )
    again = refereed_month(ws, account, contract_id, current.month)
    detail: dict[str, str | int | None] = {
        "contract": contract_id,
        "month": current.month,
        "dispute": dispute_id,
    }
    if change is not None:
        detail |= {
            "invoice_line": change.line,
            "quantity": None if change.quantity is None else str(change.quantity),
            "amount": str(change.amount),
        }
    for c in agreed:
        if c.kind == "sla_result":
            detail |= {"sla": c.sla, "met": "met" if c.met else "missed"}
        else:
            key = "exclude" if c.kind == "exclude_day" else "include"
            detail[key] = ", ".join(x for x in (str(detail.get(key) or ""), f"{c.flow} {c.day}") if x)
    assert again.run is not None  # a recorded month
    record(ws, actor, "run", again.run.id, **detail)
    return again


__all__ = [
    "InvoiceLineChange",
    "corrected_invoice",
    "day_subject",
    "invoice_name",
    "latest_run_id",
    "line_subject",
    "period_subject",
    "read_line_change",
    "referee_again",
    "refereed_month",
    "refereed_months",
]
