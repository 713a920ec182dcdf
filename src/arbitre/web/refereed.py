"""The refereed month as the web app reads it: a thin typed adapter over the monthly run.

`arbitre.services.govern` still returns and records each month as a JSON document (issue 10 types
it as the contract's ``MonthResult``). Until then this module is the one place the web app reads
that document: `MonthView` takes the fields the pages and the API show, by name and typed, and
`referee_again` runs the month again through `govern` with a change both parties agreed on. When
the typed month result lands, `MonthView` becomes that model and the rest of the app is unchanged.

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
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from arbitre.contract import reconcile
from arbitre.contract.result import AgreedChange
from arbitre.domain.month import read_month
from arbitre.errors import InputError
from arbitre.quality.documents import QualityMonth
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


class _Read(BaseModel):
    """A part of the run's document: the keys the app shows, the others left to the run."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Words(_Read):
    fr: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class SlaLine(_Read):
    name: str
    kpi: str
    flows: list[str] | None = None
    target: float
    direction: str
    window: str
    threshold_s: float | None = None
    actual: float | None
    contacts: int
    excluded_contacts: int
    met: bool | None
    weight: Decimal
    credit_before_cap: Decimal
    credit: Decimal
    bonus_target: float | None = None
    bonus: Decimal


class EarnBackLine(_Read):
    month: str
    sla: str
    amount: Decimal
    status: str
    decided_in: str | None = None
    closes: str | None = None


class ExcludedDay(_Read):
    flow: str
    day: date
    forecast: float
    limit: float
    actual: int

    @property
    def subject(self) -> str:
        """How a dispute names it: ``sav-voice-fr 2026-06-18``."""
        return f"{self.flow} {self.day}"


class ExclusionPeriod(_Read):
    start: datetime
    end: datetime
    reason: str

    @property
    def subject(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"


class Exclusions(_Read):
    days: list[ExcludedDay]
    periods: list[ExclusionPeriod]


class BilledLine(reconcile.BilledLine):
    """An invoice line as the run read it (`arbitre.contract.reconcile.BilledLine`), named for a dispute."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @property
    def subject(self) -> str:
        """How a dispute names it: ``line 2: logged_hour sav-voice-fr day``."""
        return invoice_line_subject(self.line, self.unit, self.flow, self.band)


class Difference(_Read):
    item: str
    billed: Decimal | None
    computed: Decimal | None
    flag: str
    note: Words
    flow: str | None = None
    band: str | None = None
    unit: str | None = None


class EvidenceRequest(_Read):
    unit: str
    flow: str | None
    billed: Decimal | None
    computed: Decimal | None
    measured: Decimal | None = None
    implied_occupancy: Decimal | None = None
    assumed_occupancy: Decimal | None = None
    at_stake: Decimal | None = None


class InvoiceCheck(_Read):
    file: str | None
    billed: list[BilledLine]
    billed_total: Decimal
    computed_total: Decimal
    differences: list[Difference]
    flagged: int
    evidence: list[EvidenceRequest]

    @property
    def name(self) -> str:
        """The invoice's file name only (never a path of the server)."""
        return Path(self.file).name if self.file else ""


class MonthWarning(_Read):
    sla: str
    status: str
    actual: float | None
    needed: float | None
    target: float
    note: Words


class Obligation(_Read):
    date: date
    kind: str
    what: Words
    days_left: int
    severity: str


class Coverage(_Read):
    status: str
    days: int
    covered: int
    missing_days: list[date]
    data_through: date | None


class Charge(_Read):
    status: str
    amount: Decimal | None = None


class RunStamp(_Read):
    id: str
    created_at: datetime
    who: str


class TrendPoint(_Read):
    month: str
    fees: Decimal
    credits_total: Decimal
    bonus_total: Decimal
    net_fees: Decimal


class MonthView(_Read):
    """One contract's month as refereed by its latest run."""

    contract: str
    contract_version: int
    title: str | None = None
    provider: str
    month: str
    currency: str
    as_of: date
    complete: bool
    coverage: Coverage
    charge: Charge
    fees: Decimal
    at_risk: Decimal
    cap: Decimal
    slas: list[SlaLine]
    credits_before_cap: Decimal
    credits_total: Decimal
    earn_back: list[EarnBackLine]
    earned_back_total: Decimal
    bonus_pool: Decimal
    bonus_total: Decimal
    net_fees: Decimal
    exclusions: Exclusions
    invoice: InvoiceCheck | None
    warnings: list[MonthWarning]
    obligations: list[Obligation]
    trend: list[TrendPoint]
    quality: QualityMonth | None = None  # the month's quality checks (issue 14), when a grid is stored
    run: RunStamp

    def sla(self, name: str) -> SlaLine | None:
        return next((s for s in self.slas if s.name == name), None)


def refereed_months(ws: Workspace, account: Account, contract_id: str) -> list[MonthView]:
    """The latest run of each refereed month of a contract the account sees, oldest first."""
    contract = visible_contract(ws, account, contract_id)
    return [
        MonthView.model_validate(m.model_dump(mode="json"))
        for m in recorded_months(ws, contract.id)
        if m.run is not None
    ]


def refereed_month(ws: Workspace, account: Account, contract_id: str, month: str) -> MonthView:
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
_kept: dict[tuple[str, str], MonthView] = {}
_lock = threading.Lock()


def latest_views(ws: Workspace) -> list[MonthView]:
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


def _view(ws: Workspace, run_id: str) -> MonthView:
    key = (str(ws.root), run_id)
    view = _kept.get(key)
    if view is None:
        with session_scope(ws.engine) as session:
            row = session.get(GovernanceRun, run_id)
            assert row is not None
            view = MonthView.model_validate_json(row.result)
        with _lock:
            if len(_kept) >= KEPT_RUNS:
                _kept.pop(next(iter(_kept)))
            _kept[key] = view
    return view


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
) -> MonthView:
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
        today=current.as_of,
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
    record(ws, actor, "run", again.run.id, **detail)
    return again


__all__ = [
    "InvoiceLineChange",
    "MonthView",
    "corrected_invoice",
    "latest_run_id",
    "read_line_change",
    "referee_again",
    "refereed_month",
    "refereed_months",
]
