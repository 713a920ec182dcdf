"""Imports: upload a file of interactions (a progress bar while it goes up), see every refused row,
and the import log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from arbitre.errors import InputError
from arbitre.services.access import Permission, require
from arbitre.services.overview import import_log
from arbitre.services.uploads import TooLarge, UploadRecord, client_import, uploads
from arbitre.web.deps import PageUser, SettingsDep
from arbitre.web.files import keep, small_text
from arbitre.web.view import is_htmx, show

router = APIRouter(include_in_schema=False)


@router.get("/w/{slug}/imports")
def imports_page(request: Request, me: PageUser) -> HTMLResponse:
    require(me.account, Permission.READ_WORKSPACE)
    return _page(request, me, None)


def _page(
    request: Request,
    me: PageUser,
    result: UploadRecord | None,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return show(
        request,
        me,
        "imports/index.html",
        status_code=status_code,
        result=result,
        error=error,
        log=import_log(me.ws, me.account),
        uploads=uploads(me.ws, me.account),
    )


@router.post("/w/{slug}/imports")
def import_upload(
    request: Request,
    me: PageUser,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    mapping: Annotated[UploadFile | None, File()] = None,
    mode: Annotated[str, Form(pattern="^(strict|skip-invalid)$")] = "strict",
) -> HTMLResponse:
    require(me.account, Permission.IMPORT)
    try:
        mapping_text = (
            small_text(mapping, what="mapping file") if mapping is not None and mapping.filename else None
        )
        received = keep(me.ws, file, limit_mb=settings.max_import_mb, folder="imports")
        result = client_import(
            me.ws,
            received,
            account=me.account,
            actor=me.actor,
            mapping_text=mapping_text,
            skip_invalid=mode == "skip-invalid",
        )
    except InputError as exc:  # a refused mapping, an empty or too large file: said in the page
        status = 413 if isinstance(exc, TooLarge) else 422
        if is_htmx(request):
            return show(request, me, "imports/result.html", result=None, error=str(exc))
        return _page(request, me, None, error=str(exc), status_code=status)
    if is_htmx(request):  # HTMX swaps 2xx answers only: the refusal is in the fragment
        return show(request, me, "imports/result.html", result=result, error=None)
    return _page(request, me, result, status_code=200 if result.status == "imported" else 422)
