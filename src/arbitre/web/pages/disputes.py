"""One dispute: its steps, the parties' comments and answers, and the client admin's decision.

Accepting an invoice line's dispute settles it with the line both parties agreed on (quantity and
amount, checked before anything is written) and referees the month again on it
(`arbitre.web.refereed.referee_again`). Accepting an SLA result's or an exclusion's takes the change
agreed — the SLA met or missed, days left out of the SLAs or counted again — kept with the dispute,
and referees the month again with it as an input of the run (docs/web.md). The page of a settled
dispute shows the month's figures before and after it."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from arbitre.contract.reconcile import BilledLine
from arbitre.contract.result import AgreedChange, MonthResult
from arbitre.errors import InputError
from arbitre.services.access import NotFound, Permission, can
from arbitre.services.contract_views import visible_contract
from arbitre.services.disputes import DisputeRecord, add_step, get_dispute, read_agreed
from arbitre.web.deps import PageUser, SettingsDep
from arbitre.web.files import keep
from arbitre.web.refereed import InvoiceLineChange, read_line_change, referee_again, refereed_month
from arbitre.web.settled import settled_change
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)
LINE = re.compile(r"^line (\d+): ")


@router.get("/w/{slug}/disputes/{dispute_id}")
def dispute_page(request: Request, me: PageUser, dispute_id: str) -> HTMLResponse:
    return _page(request, me, get_dispute(me.ws, me.account, dispute_id))


def _page(
    request: Request,
    me: PageUser,
    dispute: DisputeRecord,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = _month_of(me, dispute)
    return show(
        request,
        me,
        "disputes/detail.html",
        status_code=status_code,
        d=dispute,
        billed=_disputed_line(dispute, view),
        settled=settled_change(me.ws, dispute),
        slas=[] if view is None else [s.name for s in view.slas],
        can_comment=can(me.account, Permission.DISPUTE_COMMENT),
        can_answer=can(me.account, Permission.DISPUTE_ANSWER),
        can_decide=can(me.account, Permission.DISPUTE_DECIDE),
        error=error,
    )


def _month_of(me: PageUser, dispute: DisputeRecord) -> MonthResult | None:
    try:
        return refereed_month(me.ws, me.account, dispute.contract_id, dispute.month)
    except NotFound:  # not refereed (any more): the dispute is shown without its line
        return None


def _disputed_line(dispute: DisputeRecord, view: MonthResult | None) -> BilledLine | None:
    """The invoice line the dispute names, as the month's latest run billed it."""
    found = LINE.match(dispute.subject) if dispute.subject_kind == "invoice_line" else None
    if found is None or view is None or view.invoice is None:
        return None
    return next((b for b in view.invoice.billed if b.line == int(found.group(1))), None)


@router.post("/w/{slug}/disputes/{dispute_id}/steps")
def dispute_step(
    request: Request,
    me: PageUser,
    settings: SettingsDep,
    dispute_id: str,
    kind: Annotated[str, Form(max_length=20)],
    comment: Annotated[str, Form(max_length=5000)],
    quantity: Annotated[str, Form(max_length=40)] = "",
    amount: Annotated[str, Form(max_length=40)] = "",
    met: Annotated[str, Form(max_length=40)] = "",
    exclude: Annotated[str, Form(max_length=1000)] = "",
    include: Annotated[str, Form(max_length=1000)] = "",
    attachment: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A comment, an answer, or the decision; an accepted dispute referees the month again."""
    dispute = get_dispute(me.ws, me.account, dispute_id)  # 404 unless a party
    try:
        change = _agreed_change(dispute, kind, quantity, amount, _month_of(me, dispute))
        agreed = (
            read_agreed(
                dispute,
                visible_contract(me.ws, me.account, dispute.contract_id),
                met=met,
                exclude=exclude,
                include=include,
            )
            if kind == "accepted"
            and dispute.subject_kind in ("sla", "exclusion")
            and can(me.account, Permission.DISPUTE_DECIDE)  # else add_step refuses the step (403)
            else list[AgreedChange]()
        )
        received = (
            keep(me.ws, attachment, limit_mb=settings.max_attachment_mb, folder="attachments")
            if attachment is not None and attachment.filename
            else None
        )
        step = kind if kind in ("comment", "answer", "accepted", "rejected") else "invalid"
        dispute = add_step(
            me.ws,
            dispute_id,
            account=me.account,
            actor=me.actor,
            kind=step,  # type: ignore[arg-type]  # add_step refuses "invalid" with its field
            comment=comment,
            attachment=received,
            agreed=agreed,
        )
        if change is not None or agreed:  # accepted: the month refereed on the agreed change
            referee_again(
                me.ws,
                me.account,
                me.actor,
                contract_id=dispute.contract_id,
                month=dispute.month,
                dispute_id=dispute.id,
                change=change,
                agreed=agreed,
            )
    except InputError as exc:
        return _page(request, me, dispute, error=str(exc), status_code=422)
    return RedirectResponse(f"/w/{me.tenant.slug}/disputes/{dispute_id}", status_code=303)


def _agreed_change(
    dispute: DisputeRecord, kind: str, quantity: str, amount: str, view: MonthResult | None
) -> InvoiceLineChange | None:
    """The invoice line as agreed, when an invoice line's dispute is accepted (checked before the
    dispute is closed: the line must still be in the month's invoice)."""
    if kind != "accepted" or dispute.subject_kind != "invoice_line":
        return None
    line = _disputed_line(dispute, view)
    if line is None:
        raise InputError(field="subject", expected="a line of the month's invoice", got=dispute.subject[:60])
    return read_line_change(line.line, quantity, amount)
