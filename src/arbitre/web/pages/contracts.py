"""Contracts: the list, one contract with its versions and what changed between them, the YAML of
a version; the client admin stores a new version and sets the mapping of the provider's uploads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from arbitre.errors import InputError
from arbitre.services.access import Permission, can, require
from arbitre.services.audit import record
from arbitre.services.contract_views import (
    contract_text,
    contract_versions,
    visible_contract,
    visible_contracts,
)
from arbitre.services.contracts import store_contract
from arbitre.services.disputes import disputes
from arbitre.services.uploads import contract_mapping, set_contract_mapping, uploads
from arbitre.web.deps import PageUser
from arbitre.web.files import keep, small_text
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)


@router.get("/w/{slug}/contracts")
def contracts_page(request: Request, me: PageUser) -> HTMLResponse:
    return _list(request, me)


def _list(
    request: Request,
    me: PageUser,
    *,
    error: str | None = None,
    stored: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return show(
        request,
        me,
        "contracts/list.html",
        status_code=status_code,
        contracts=visible_contracts(me.ws, me.account),
        error=error,
        stored=stored,
    )


@router.post("/w/{slug}/contracts")
def contract_upload(request: Request, me: PageUser, file: Annotated[UploadFile, File()]) -> Response:
    """A new contract, or a new version of one (the YAML validated whole first)."""
    require(me.account, Permission.CHANGE_CONTRACT)
    received = None
    try:
        received = keep(me.ws, file, limit_mb=1, folder="contracts", default="contract.yaml")
        result = store_contract(me.ws, received.path, who=me.account.username)
    except InputError as exc:
        message = str(exc)
        if received is not None:  # the server's path of the file stays on the server
            message = message.replace(str(received.path), received.filename)
        return _list(request, me, error=message, status_code=422)
    if not result.unchanged:
        record(
            me.ws,
            me.actor,
            "contract_change",
            result.contract.id,
            version=result.version,
            changes=len(result.changes),
            file=received.filename,
            sha256=received.sha256,
        )
    return RedirectResponse(f"/w/{me.tenant.slug}/contracts/{result.contract.id}", status_code=303)


@router.get("/w/{slug}/contracts/{contract_id}")
def contract_page(request: Request, me: PageUser, contract_id: str) -> HTMLResponse:
    return _detail(request, me, contract_id)


def _detail(
    request: Request, me: PageUser, contract_id: str, *, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    contract = visible_contract(me.ws, me.account, contract_id)
    mapping = contract_mapping(me.ws, contract.id)
    return show(
        request,
        me,
        "contracts/detail.html",
        status_code=status_code,
        contract=contract,
        versions=list(reversed(contract_versions(me.ws, me.account, contract.id))),
        mapping=mapping.name if mapping else None,
        uploads=[u for u in uploads(me.ws, me.account) if u.contract_id == contract.id],
        disputes=disputes(me.ws, me.account, contract_id=contract.id),
        can_change=can(me.account, Permission.CHANGE_CONTRACT),
        error=error,
    )


@router.get("/w/{slug}/contracts/{contract_id}/versions/{version}")
def contract_version_page(request: Request, me: PageUser, contract_id: str, version: int) -> HTMLResponse:
    text = contract_text(me.ws, me.account, contract_id, version)
    return show(request, me, "contracts/version.html", contract_id=contract_id, version=version, text=text)


@router.post("/w/{slug}/contracts/{contract_id}/mapping")
def contract_mapping_upload(
    request: Request, me: PageUser, contract_id: str, file: Annotated[UploadFile, File()]
) -> Response:
    require(me.account, Permission.CHANGE_CONTRACT)
    try:
        text = small_text(file, what="mapping file")
        set_contract_mapping(me.ws, contract_id, text, account=me.account, actor=me.actor)
    except InputError as exc:
        return _detail(request, me, contract_id, error=str(exc), status_code=422)
    return RedirectResponse(f"/w/{me.tenant.slug}/contracts/{contract_id}", status_code=303)
