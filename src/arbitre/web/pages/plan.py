"""The staffing plan: every flow's agents, paid hours and FTE over a horizon, from the forecast
(`arbitre plan`). A plan takes seconds to compute: the page asks for it (HTMX, with a progress
note) and keeps it for the store as it stands."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from arbitre.errors import InputError
from arbitre.services.access import Permission, require
from arbitre.web.deps import PageUser
from arbitre.web.planned import kept_plan, plan
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)
Horizon = Annotated[int, Query(ge=7, le=91)]


@router.get("/w/{slug}/plan")
def plan_page(
    request: Request, me: PageUser, horizon: Horizon = 28, start: date | None = None
) -> HTMLResponse:
    require(me.account, Permission.READ_WORKSPACE)
    found = kept_plan(me.ws, start=start, horizon_days=horizon)
    return show(request, me, "plan/index.html", p=found, horizon=horizon, start=start, error=None)


@router.get("/w/{slug}/plan/result")
def plan_result(
    request: Request, me: PageUser, horizon: Horizon = 28, start: date | None = None
) -> HTMLResponse:
    """The plan computed (or kept), as the page's fragment."""
    require(me.account, Permission.READ_WORKSPACE)
    try:
        found = plan(me.ws, start=start, horizon_days=horizon)
    except InputError as exc:
        return show(request, me, "plan/result.html", p=None, error=str(exc), status_code=422)
    return show(request, me, "plan/result.html", p=found, error=None)
