"""The staffing plan: every flow's agents, paid hours and FTE over a horizon, from the forecast
(`arbitre plan`). A plan takes seconds to compute (9–12 s on the demo): the page asks for it
(HTMX), a background job computes it off the request while the page polls the job, and the plan
is kept for the store as it stands (a plan kept is shown at once)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from arbitre.errors import InputError
from arbitre.services.access import NotFound, Permission, require
from arbitre.services.jobs import Progress, job, latest_jobs, start
from arbitre.web.deps import PageUser
from arbitre.web.planned import kept_plan, plan
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)
Horizon = Annotated[int, Query(ge=7, le=91)]
PLAN_JOB = "plan"


@router.get("/w/{slug}/plan")
def plan_page(
    request: Request, me: PageUser, horizon: Horizon = 28, start: date | None = None
) -> HTMLResponse:
    require(me.account, Permission.READ_WORKSPACE)
    found = kept_plan(me.ws, start=start, horizon_days=horizon)
    return show(request, me, "plan/index.html", p=found, horizon=horizon, start=start, error=None)


@router.get("/w/{slug}/plan/result")
def plan_result(
    request: Request,
    me: PageUser,
    horizon: Horizon = 28,
    start_day: Annotated[date | None, Query(alias="start")] = None,
) -> HTMLResponse:
    """The plan kept, as the page's fragment; else a job computing it, whose fragment the page
    polls until it gives the plan (one plan job at a time in the workspace)."""
    require(me.account, Permission.READ_WORKSPACE)
    found = kept_plan(me.ws, start=start_day, horizon_days=horizon)
    if found is not None:
        return show(request, me, "plan/result.html", p=found, error=None)
    ws = me.ws

    def run(progress: Progress) -> str:
        progress(0.1, "forecasting and staffing every flow")
        plan(ws, start=start_day, horizon_days=horizon)
        return f"{start_day or ''}/{horizon}"

    inputs = {"start": "" if start_day is None else start_day.isoformat(), "horizon": str(horizon)}
    running = next(iter(latest_jobs(ws, kind=PLAN_JOB, limit=1)), None)
    if running is not None and not running.over and running.inputs == inputs:
        return show(request, me, "plan/job.html", j=running)  # the same plan, asked again: its job
    try:
        started = start(
            ws, request.app.state.jobs, kind=PLAN_JOB, who=me.account.username, inputs=inputs, run=run
        )
    except InputError as exc:
        return show(request, me, "plan/result.html", p=None, error=str(exc), status_code=422)
    return show(request, me, "plan/job.html", j=started)


@router.get("/w/{slug}/plan/jobs/{job_id}")
def plan_job(request: Request, me: PageUser, job_id: str) -> HTMLResponse:
    """A plan job polled by the page: itself while it runs, then the plan or its error."""
    require(me.account, Permission.READ_WORKSPACE)
    found = job(me.ws, job_id)
    if found.kind != PLAN_JOB:
        raise NotFound(f"no plan job {job_id[:40]!r}")
    if not found.over:
        return show(request, me, "plan/job.html", j=found)
    if found.status == "failed":  # 200: HTMX swaps it in, and the polling stops
        return show(request, me, "plan/result.html", p=None, error=found.error)
    day = date.fromisoformat(found.inputs["start"]) if found.inputs.get("start") else None
    try:  # kept by the job (computed again only if the store changed since)
        computed = plan(me.ws, start=day, horizon_days=int(found.inputs["horizon"]))
    except InputError as exc:
        return show(request, me, "plan/result.html", p=None, error=str(exc))
    return show(request, me, "plan/result.html", p=computed, error=None)
