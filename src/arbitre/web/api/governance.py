"""Governance runs and their reports: a contract's refereed months, one month as its latest run
refereed it (the provider: of its own contracts, the same figures), its steering-committee report."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from arbitre.contract.result import MonthResult
from arbitre.services.audit import record
from arbitre.web.deps import ApiUser
from arbitre.web.refereed import refereed_month, refereed_months
from arbitre.web.reports import REPORT_CSP, copil_html, copil_pdf

router = APIRouter(tags=["governance"])


@router.get(
    "/w/{slug}/contracts/{contract_id}/months",
    response_model=list[MonthResult],
    response_model_exclude={"__all__": {"business_case"}},
)
def get_months(user: ApiUser, contract_id: str) -> list[MonthResult]:
    """The latest run of each refereed month of the contract, oldest first."""
    return refereed_months(user.ws, user.account, contract_id)


@router.get(
    "/w/{slug}/contracts/{contract_id}/months/{month}",
    response_model=MonthResult,
    response_model_exclude={"business_case"},
)
def get_month(user: ApiUser, contract_id: str, month: str) -> MonthResult:
    """One month as its latest run refereed it (404 when not refereed or not the account's)."""
    return refereed_month(user.ws, user.account, contract_id, month)


@router.get(
    "/w/{slug}/contracts/{contract_id}/months/{month}/copil",
    response_class=HTMLResponse,
    response_model=None,
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
)
def get_copil(
    user: ApiUser,
    contract_id: str,
    month: str,
    format: Literal["html", "pdf"] = "html",
    lang: Literal["fr", "en"] = "fr",
) -> HTMLResponse | FileResponse:
    """The steering-committee report of the month, HTML or PDF, French or English."""
    if format == "html":
        html = copil_html(user.ws, user.account, contract_id, month, lang=lang)
        return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})
    path = copil_pdf(user.ws, user.account, contract_id, month, lang=lang)
    record(user.ws, user.actor, "download", path.name, contract=contract_id, month=month, lang=lang)
    return FileResponse(
        path, media_type="application/pdf", filename=path.name, content_disposition_type="attachment"
    )
