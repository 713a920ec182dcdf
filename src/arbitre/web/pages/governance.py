"""The monthly governance dashboard: each contract's refereed months, and one month whole — SLAs,
credits, earn-back, bonus, the invoice check and its evidence requests, warnings, the calendar,
the records' coverage — the same page for the client and for the provider (on its own contracts),
each SLA result, exclusion and invoice line with the provider's button to dispute it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from arbitre.contract.result import MonthResult
from arbitre.errors import InputError
from arbitre.reports import governance_charts
from arbitre.services.access import Permission, can
from arbitre.services.contract_views import visible_contracts
from arbitre.services.disputes import disputes, open_dispute
from arbitre.web.charts import chart
from arbitre.web.deps import PageUser, SettingsDep
from arbitre.web.drawn import drawn
from arbitre.web.files import keep
from arbitre.web.refereed import day_subject, line_subject, period_subject, refereed_month, refereed_months
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)


@router.get("/w/{slug}/governance")
def governance_page(request: Request, me: PageUser) -> HTMLResponse:
    """Every contract the account sees, with its refereed months."""
    contracts = visible_contracts(me.ws, me.account)
    months = {c.id: refereed_months(me.ws, me.account, c.id) for c in contracts}
    return show(request, me, "governance/index.html", contracts=contracts, months=months)


@router.get("/w/{slug}/governance/{contract_id}/{month}")
def month_page(request: Request, me: PageUser, contract_id: str, month: str) -> HTMLResponse:
    return _month(request, me, contract_id, month)


def _month(
    request: Request,
    me: PageUser,
    contract_id: str,
    month: str,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = refereed_month(me.ws, me.account, contract_id, month)
    lang = me.account.lang
    # The month as its run refereed it is fixed by the run's id: drawn once per run, language,
    # role and provider (web/drawn.py); each view draws the error and the list of disputes.
    body = drawn(
        me,
        "governance/month_body.html",
        None if view.run is None else view.run.id,
        lambda: {
            "v": view,
            "can_dispute": can(me.account, Permission.DISPUTE_OPEN),
            "money_chart": money_chart(view, lang),
        },
    )
    return show(
        request,
        me,
        "governance/month.html",
        status_code=status_code,
        v=view,
        body=body,
        disputes=[d for d in disputes(me.ws, me.account, contract_id=contract_id) if d.month == view.month],
        error=error,
    )


def money_chart(view: MonthResult, lang: str) -> str:
    """Fees, credits and net of the refereed months up to this one, drawn once per run."""
    return chart(
        ("money", view.run.id if view.run is not None else view.month),
        lambda: governance_charts.money_trend([p.model_dump(mode="json") for p in view.trend], lang=lang),
        lang=lang,
    )


@router.post("/w/{slug}/governance/{contract_id}/{month}/disputes")
def dispute_open(
    request: Request,
    me: PageUser,
    settings: SettingsDep,
    contract_id: str,
    month: str,
    subject_kind: Annotated[str, Form(max_length=20)],
    subject: Annotated[str, Form(max_length=200)],
    comment: Annotated[str, Form(max_length=5000)],
    attachment: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The provider disputes one line of the month it sees."""
    view = refereed_month(me.ws, me.account, contract_id, month)  # 404 unless its own, refereed
    try:
        received = (
            keep(me.ws, attachment, limit_mb=settings.max_attachment_mb, folder="attachments")
            if attachment is not None and attachment.filename
            else None
        )
        opened = open_dispute(
            me.ws,
            account=me.account,
            actor=me.actor,
            contract_id=contract_id,
            month=view.month,
            subject_kind=subject_kind,
            subject=_known_subject(view, subject_kind, subject),
            comment=comment,
            attachment=received,
        )
    except InputError as exc:
        return _month(request, me, contract_id, month, error=str(exc), status_code=422)
    return RedirectResponse(f"/w/{me.tenant.slug}/disputes/{opened.id}", status_code=303)


def _known_subject(view: MonthResult, kind: str, subject: str) -> str:
    """``subject`` when it names a line of the month as refereed (an SLA, an excluded day or
    period, an invoice line); anything else refused."""
    known: set[str] = set()
    if kind == "sla":
        known = {s.name for s in view.slas}
    elif kind == "exclusion":
        known = {day_subject(d) for d in view.exclusions.days} | {
            period_subject(p) for p in view.exclusions.periods
        }
    elif kind == "invoice_line" and view.invoice is not None:
        known = {line_subject(b) for b in view.invoice.billed}
    if subject not in known:
        raise InputError(field="subject", expected="a line of the month as refereed", got=subject[:80])
    return subject
