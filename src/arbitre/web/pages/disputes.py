"""One dispute: its steps, the parties' comments and answers, and the client admin's decision.

Accepting an invoice line's dispute settles it with the line both parties agreed on (quantity and
amount, checked before anything is written) and referees the month again on it
(`arbitre.web.refereed.referee_again`). Accepting an SLA result's or an exclusion's takes the change
agreed — the SLA met or missed, days left out of the SLAs or counted again — kept with the dispute,
and referees the month again with it as an input of the run (docs/web.md); the API takes the same
step through the same function (`arbitre.web.dispute_step.take_step`). The page of a settled
dispute shows the month's figures before and after it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from arbitre.errors import InputError
from arbitre.services.access import Permission, can
from arbitre.services.disputes import DisputeRecord, get_dispute
from arbitre.web.deps import PageUser, SettingsDep
from arbitre.web.dispute_step import AgreedTerms, disputed_line, month_of, take_step
from arbitre.web.files import keep
from arbitre.web.settled import settled_change
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)


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
    view = month_of(me.ws, me.account, dispute)
    return show(
        request,
        me,
        "disputes/detail.html",
        status_code=status_code,
        d=dispute,
        billed=disputed_line(dispute, view),
        settled=settled_change(me.ws, dispute),
        slas=[] if view is None else [s.name for s in view.slas],
        can_comment=can(me.account, Permission.DISPUTE_COMMENT),
        can_answer=can(me.account, Permission.DISPUTE_ANSWER),
        can_decide=can(me.account, Permission.DISPUTE_DECIDE),
        error=error,
    )


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
    terms = AgreedTerms(quantity=quantity, amount=amount, met=met, exclude=exclude, include=include)
    try:
        take_step(
            me.ws,
            me.account,
            me.actor,
            dispute,
            kind=kind,
            comment=comment,
            terms=terms,
            attachment=lambda: (
                keep(me.ws, attachment, limit_mb=settings.max_attachment_mb, folder="attachments")
                if attachment is not None and attachment.filename
                else None
            ),
        )
    except InputError as exc:
        return _page(request, me, dispute, error=str(exc), status_code=422)
    return RedirectResponse(f"/w/{me.tenant.slug}/disputes/{dispute_id}", status_code=303)
