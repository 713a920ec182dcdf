"""A dispute's next step, as the page and the API take it: one function for both.

A comment, an answer or a rejection is recorded as it is. An acceptance takes the change both
parties agreed on (`AgreedTerms`: the invoice line as agreed; the SLA met or missed; days of the
month left out of the SLAs or counted again), checked before anything is written — the line must
still be in the month's invoice, the SLA in the contract, the days in the month — then closes the
dispute and referees the month again on it (`arbitre.web.refereed.referee_again`). A refused
change leaves the dispute open, no file kept and no run made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from arbitre.contract.reconcile import BilledLine
from arbitre.contract.result import AgreedChange, MonthResult
from arbitre.errors import InputError
from arbitre.services.access import NotFound, Permission, require
from arbitre.services.accounts import Account
from arbitre.services.audit import Actor
from arbitre.services.contract_views import visible_contract
from arbitre.services.disputes import DisputeRecord, add_step, read_agreed
from arbitre.services.uploads import Received
from arbitre.store.workspace import Workspace
from arbitre.web.refereed import InvoiceLineChange, read_line_change, referee_again, refereed_month

LINE = re.compile(r"^line (\d+): ")


class AgreedTerms(BaseModel):
    """What an acceptance agrees on, as typed in the form or sent to the API (empty when the step
    is not an acceptance, or its subject does not use the field)."""

    quantity: str = Field("", max_length=40, description="An invoice line's agreed quantity.")
    amount: str = Field("", max_length=40, description="An invoice line's agreed amount.")
    met: str = Field("", max_length=40, description="An SLA's agreed result: met or missed.")
    exclude: str = Field("", max_length=1000, description="Days (YYYY-MM-DD) to leave out of the SLAs.")
    include: str = Field("", max_length=1000, description="Days (YYYY-MM-DD) to count again.")


StepKind = Literal["comment", "answer", "accepted", "rejected"]


class StepForm(AgreedTerms):
    """A dispute's next step as a form posts it (``multipart/form-data``, with an optional
    ``attachment``): every field a string, as typed."""

    kind: StepKind
    comment: str = Field(max_length=5000)


class StepRequest(BaseModel):
    """A dispute's next step as a script sends it (``application/json``). An acceptance gives the
    change agreed: ``quantity`` and ``amount`` (decimal strings, e.g. ``"34.00"``) for an invoice
    line, ``met`` for an SLA, ``exclude`` / ``include`` days of the month for an exclusion. Checked
    as the form is (`take_step`); a field this model does not know is refused."""

    model_config = ConfigDict(extra="forbid")

    kind: StepKind
    comment: str = Field(max_length=5000, description="The step's comment (1–5000 characters).")
    quantity: Decimal | None = Field(
        None, ge=0, le=100_000_000, allow_inf_nan=False, description="An invoice line's agreed quantity."
    )
    amount: Decimal | None = Field(
        None, ge=0, le=100_000_000, allow_inf_nan=False, description="An invoice line's agreed amount (EUR)."
    )
    met: Literal["met", "missed"] | None = Field(None, description="An SLA's agreed result.")
    exclude: list[date] = Field(
        default_factory=list, max_length=31, description="Days of the month to leave out of the SLAs."
    )
    include: list[date] = Field(default_factory=list, max_length=31, description="Days to count again.")

    def as_form(self) -> StepForm:
        """The same step as the form would post it: one path of checks for both."""
        return StepForm(
            kind=self.kind,
            comment=self.comment,
            quantity="" if self.quantity is None else str(self.quantity),
            amount="" if self.amount is None else str(self.amount),
            met=self.met or "",
            exclude=" ".join(d.isoformat() for d in self.exclude),
            include=" ".join(d.isoformat() for d in self.include),
        )


def month_of(ws: Workspace, account: Account, dispute: DisputeRecord) -> MonthResult | None:
    """The dispute's month as its latest run refereed it, or None (not refereed any more)."""
    try:
        return refereed_month(ws, account, dispute.contract_id, dispute.month)
    except NotFound:
        return None


def disputed_line(dispute: DisputeRecord, view: MonthResult | None) -> BilledLine | None:
    """The invoice line the dispute names, as the month's latest run billed it."""
    found = LINE.match(dispute.subject) if dispute.subject_kind == "invoice_line" else None
    if found is None or view is None or view.invoice is None:
        return None
    return next((b for b in view.invoice.billed if b.line == int(found.group(1))), None)


def take_step(
    ws: Workspace,
    account: Account,
    actor: Actor,
    dispute: DisputeRecord,
    *,
    kind: str,
    comment: str,
    terms: AgreedTerms,
    attachment: Callable[[], Received | None] = lambda: None,
) -> DisputeRecord:
    """Record the step (``attachment`` kept only once the terms are checked); an accepted dispute
    referees its month again on the agreed change. Raises `InputError` (nothing written) on a
    wrong kind or change, `NotAllowed` when the account may not take the step."""
    if kind in ("accepted", "rejected"):  # who may decide, before the change is read (403)
        require(account, Permission.DISPUTE_DECIDE)
    change = _line_change(dispute, kind, terms, month_of(ws, account, dispute))
    agreed = (
        read_agreed(
            dispute,
            visible_contract(ws, account, dispute.contract_id),
            met=terms.met,
            exclude=terms.exclude,
            include=terms.include,
        )
        if kind == "accepted" and dispute.subject_kind in ("sla", "exclusion")
        else list[AgreedChange]()
    )
    step = kind if kind in ("comment", "answer", "accepted", "rejected") else "invalid"
    dispute = add_step(
        ws,
        dispute.id,
        account=account,
        actor=actor,
        kind=step,  # type: ignore[arg-type]  # add_step refuses "invalid" with its field
        comment=comment,
        attachment=attachment(),
        agreed=agreed,
    )
    if change is not None or agreed:  # accepted: the month refereed on the agreed change
        referee_again(
            ws,
            account,
            actor,
            contract_id=dispute.contract_id,
            month=dispute.month,
            dispute_id=dispute.id,
            change=change,
            agreed=agreed,
        )
    return dispute


def _line_change(
    dispute: DisputeRecord, kind: str, terms: AgreedTerms, view: MonthResult | None
) -> InvoiceLineChange | None:
    """The invoice line as agreed, when an invoice line's dispute is accepted (checked before the
    dispute is closed: the line must still be in the month's invoice)."""
    if kind != "accepted" or dispute.subject_kind != "invoice_line":
        return None
    line = disputed_line(dispute, view)
    if line is None:
        raise InputError(field="subject", expected="a line of the month's invoice", got=dispute.subject[:60])
    return read_line_change(line.line, terms.quantity, terms.amount)


__all__ = ["AgreedTerms", "StepForm", "StepKind", "StepRequest", "disputed_line", "month_of", "take_step"]
