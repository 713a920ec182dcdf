"""The audit log (admins and auditors): entries as JSON, or all of them as CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from arbitre.services.access import Permission, require
from arbitre.services.audit import AuditRecord, entries, record, to_csv
from arbitre.web.deps import ApiUser
from arbitre.web.pages.audit import csv_response

router = APIRouter(tags=["audit"])


@router.get("/w/{slug}/audit", response_model=list[AuditRecord])
def get_audit(
    user: ApiUser,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    before: Annotated[int | None, Query(ge=1, description="entries older than this id")] = None,
) -> list[AuditRecord]:
    """The log, newest first."""
    require(user.account, Permission.READ_AUDIT)
    return entries(user.ws, limit=limit, before_id=before)


@router.get("/w/{slug}/audit.csv", response_class=StreamingResponse)
def get_audit_csv(user: ApiUser) -> StreamingResponse:
    """The whole log as CSV (formulas neutralised)."""
    require(user.account, Permission.READ_AUDIT)
    record(user.ws, user.actor, "download", "audit.csv")
    return csv_response(to_csv(entries(user.ws)), f"audit-{user.tenant.slug}.csv")
