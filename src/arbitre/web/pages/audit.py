"""The audit log, for admins and auditors: the latest entries, and all of them as CSV."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from arbitre.services.access import Permission, require
from arbitre.services.audit import ACTIONS, entries, record, to_csv
from arbitre.web.deps import PageUser
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)
SHOWN = 500


@router.get("/w/{slug}/audit")
def audit_page(request: Request, me: PageUser, action: str = "") -> HTMLResponse:
    require(me.account, Permission.READ_AUDIT)
    chosen = action if action in ACTIONS else None
    return show(
        request,
        me,
        "audit/index.html",
        entries=entries(me.ws, action=chosen, limit=SHOWN),
        actions=ACTIONS,
        action=chosen or "",
        shown=SHOWN,
    )


@router.get("/w/{slug}/audit.csv")
def audit_csv(me: PageUser) -> StreamingResponse:
    require(me.account, Permission.READ_AUDIT)
    record(me.ws, me.actor, "download", "audit.csv")
    return csv_response(to_csv(entries(me.ws)), f"audit-{me.tenant.slug}.csv")


def csv_response(lines: Iterator[str], filename: str) -> StreamingResponse:
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
