"""The provider's portal: its contracts, the upload of a month's exports (the contract's mapping
applied, every refused line named) and of its invoice, and its uploads so far."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from arbitre.errors import InputError
from arbitre.services.access import Permission, require
from arbitre.services.contract_views import visible_contract, visible_contracts
from arbitre.services.uploads import (
    TooLarge,
    UploadRecord,
    contract_mapping,
    provider_invoice,
    provider_month,
    uploads,
)
from arbitre.web.deps import PageUser, SettingsDep
from arbitre.web.files import keep
from arbitre.web.view import is_htmx, show

router = APIRouter(include_in_schema=False)


@router.get("/w/{slug}/portal")
def portal_page(request: Request, me: PageUser) -> HTMLResponse:
    require(me.account, Permission.PROVIDER_UPLOAD)
    return _page(request, me)


def _page(
    request: Request,
    me: PageUser,
    *,
    status_code: int = 200,
    result: UploadRecord | None = None,
    error: str | None = None,
) -> HTMLResponse:
    contracts = visible_contracts(me.ws, me.account)
    mappings = {c.id: _mapping_name(me, c.id) for c in contracts}
    this_month = date.today().strftime("%Y-%m")
    months = {}
    for c in contracts:
        term = visible_contract(me.ws, me.account, c.id).months()
        months[c.id] = [m for m in term if m <= this_month] or term  # the months so far, else all
    return show(
        request,
        me,
        "portal/index.html",
        status_code=status_code,
        contracts=contracts,
        mappings=mappings,
        months=months,
        uploads=uploads(me.ws, me.account),
        result=result,
        error=error,
    )


def _mapping_name(me: PageUser, contract_id: str) -> str | None:
    mapping = contract_mapping(me.ws, contract_id)
    return mapping.name if mapping else None


@router.post("/w/{slug}/portal/{contract_id}/{kind}")
def portal_upload(
    request: Request,
    me: PageUser,
    settings: SettingsDep,
    contract_id: str,
    kind: str,
    month: Annotated[str, Form(max_length=7)],
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    require(me.account, Permission.PROVIDER_UPLOAD)
    if kind not in ("month", "invoice"):
        raise InputError(field="kind", expected="month or invoice", got=kind)
    visible_contract(me.ws, me.account, contract_id)  # 404 before anything is received
    try:
        received = keep(me.ws, file, limit_mb=settings.max_import_mb, folder="provider")
        act = provider_month if kind == "month" else provider_invoice
        result = act(
            me.ws, received, account=me.account, actor=me.actor, contract_id=contract_id, month=month
        )
    except InputError as exc:
        status = 413 if isinstance(exc, TooLarge) else 422
        if is_htmx(request):
            return show(request, me, "imports/result.html", result=None, error=str(exc))
        return _page(request, me, error=str(exc), status_code=status)
    if is_htmx(request):
        return show(request, me, "imports/result.html", result=result, error=None)
    return _page(request, me, result=result, status_code=200 if result.status != "rejected" else 422)
