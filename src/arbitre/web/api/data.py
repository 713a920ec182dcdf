"""The store: overview, imports (upload and log), provider uploads, KPIs, the staffing calculator."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile

from arbitre.services.access import Permission, require
from arbitre.services.contract_views import visible_contract
from arbitre.services.overview import ImportLine, KpiRow, Overview, import_log, overview, site_kpis
from arbitre.services.uploads import (
    UploadRecord,
    client_import,
    get_upload,
    provider_invoice,
    provider_month,
    uploads,
)
from arbitre.web.deps import ApiUser, SettingsDep
from arbitre.web.files import keep, small_text
from arbitre.web.models import StaffingQuestion, StaffingResult, answer

router = APIRouter(tags=["data"])


@router.get("/w/{slug}/overview", response_model=Overview)
def get_overview(user: ApiUser) -> Overview:
    """Months, flows and sites in the store (a provider: of its sites), imports, contracts."""
    return overview(user.ws, user.account)


@router.get("/w/{slug}/imports", response_model=list[ImportLine])
def get_imports(user: ApiUser) -> list[ImportLine]:
    """The import log, newest first (the client's side)."""
    return import_log(user.ws, user.account)


@router.post("/w/{slug}/imports", response_model=UploadRecord)
def post_import(
    user: ApiUser,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV, Parquet or JSON lines of interactions")],
    mapping: Annotated[UploadFile | None, File(description="a column-mapping YAML")] = None,
    skip_invalid: Annotated[bool, Form()] = False,
) -> UploadRecord:
    """Import a file as ``arbitre import`` does; a refused file comes back with ``status``
    ``rejected`` and its row errors (nothing stored)."""
    require(user.account, Permission.IMPORT)
    mapping_text = (
        small_text(mapping, what="mapping file") if mapping is not None and mapping.filename else None
    )
    received = keep(user.ws, file, limit_mb=settings.max_import_mb, folder="imports")
    return client_import(
        user.ws,
        received,
        account=user.account,
        actor=user.actor,
        mapping_text=mapping_text,
        skip_invalid=skip_invalid,
    )


@router.get("/w/{slug}/uploads", response_model=list[UploadRecord])
def get_uploads(user: ApiUser) -> list[UploadRecord]:
    """Files handed in through the app (a provider: those of its contracts), newest first."""
    return uploads(user.ws, user.account)


@router.get("/w/{slug}/uploads/{upload_id}", response_model=UploadRecord)
def get_one_upload(user: ApiUser, upload_id: str) -> UploadRecord:
    return get_upload(user.ws, user.account, upload_id)


@router.post("/w/{slug}/contracts/{contract_id}/months/{month}/{kind}", response_model=UploadRecord)
def post_provider_file(
    user: ApiUser,
    settings: SettingsDep,
    contract_id: str,
    month: str,
    kind: Literal["interactions", "invoice"],
    file: Annotated[UploadFile, File()],
) -> UploadRecord:
    """The provider's export of a month of its contract (``interactions``: its mapping applied,
    every row checked), or its invoice of the month (``invoice``: CSV with flow, unit, band,
    quantity, unit_price, amount)."""
    require(user.account, Permission.PROVIDER_UPLOAD)
    visible_contract(user.ws, user.account, contract_id)  # 404 before anything is received
    received = keep(user.ws, file, limit_mb=settings.max_import_mb, folder="provider")
    act = provider_month if kind == "interactions" else provider_invoice
    return act(
        user.ws, received, account=user.account, actor=user.actor, contract_id=contract_id, month=month
    )


@router.get("/w/{slug}/kpis", response_model=list[KpiRow])
def get_kpis(
    user: ApiUser,
    by: Annotated[
        list[str], Query(description="group keys: flow, channel, site, language, interval, day, week, month…")
    ] = [],  # noqa: B006
) -> list[KpiRow]:
    """The KPIs of the store (a provider: of its sites only), grouped as asked (docs/kpis.md)."""
    return site_kpis(user.ws, user.account, by=by)


@router.get("/w/{slug}/staffing", response_model=StaffingResult)
def get_staffing(user: ApiUser, question: Annotated[StaffingQuestion, Query()]) -> StaffingResult:
    """The staffing calculator (`arbitre staff`) for one interval."""
    require(user.account, Permission.STAFFING)
    return answer(question)
