"""The steering-committee report of a refereed month: read in the page's frame of links, opened
as its own document (HTML), downloaded (PDF) — in French or English, each download audited."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from arbitre.services.audit import record
from arbitre.web.deps import PageUser
from arbitre.web.refereed import refereed_month
from arbitre.web.reports import REPORT_CSP, copil_html, copil_pdf
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)


@router.get("/w/{slug}/copil/{contract_id}/{month}")
def copil_page(request: Request, me: PageUser, contract_id: str, month: str) -> HTMLResponse:
    view = refereed_month(me.ws, me.account, contract_id, month)
    return show(request, me, "copil/index.html", v=view)


@router.get("/w/{slug}/copil/{contract_id}/{month}/report.{lang}.html")
def copil_report(me: PageUser, contract_id: str, month: str, lang: Literal["fr", "en"]) -> HTMLResponse:
    html = copil_html(me.ws, me.account, contract_id, month, lang=lang)
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/w/{slug}/copil/{contract_id}/{month}/report.{lang}.pdf")
def copil_download(me: PageUser, contract_id: str, month: str, lang: Literal["fr", "en"]) -> FileResponse:
    path = copil_pdf(me.ws, me.account, contract_id, month, lang=lang)
    record(me.ws, me.actor, "download", path.name, contract=contract_id, month=month, lang=lang)
    return FileResponse(
        path, media_type="application/pdf", filename=path.name, content_disposition_type="attachment"
    )
