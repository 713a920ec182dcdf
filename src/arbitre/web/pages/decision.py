"""The make-or-buy decision: the scenarios, each flow's recommendation with its reasons and their
evidence, the allocation by block, the tornado, the simulation check — and running it again, on
the workspace's inputs (costs.yaml, decision.yaml, offers/, the store) with the frame's figures,
the flows kept in-house and the offers included as the form changes them. The page lists the
decisions recorded (who, when, with which inputs) and what changed against the previous one."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from arbitre.decision.compare import FRAME_INPUTS, compare
from arbitre.decision.document import DecisionDocument
from arbitre.errors import InputError
from arbitre.reports import decision_charts
from arbitre.reports import decision_format as fmt
from arbitre.services.access import Permission, can, require
from arbitre.services.decide import DecisionChanges
from arbitre.services.jobs import job, latest_jobs
from arbitre.web.charts import chart
from arbitre.web.decided import (
    DECISION_JOB,
    current_decision,
    offer_ids,
    previous_decision,
    recent_runs,
    start_decision,
)
from arbitre.web.deps import PageUser
from arbitre.web.drawn import drawn
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)


def decision_charts_of(d: DecisionDocument, lang: str) -> dict[str, str]:
    """The decision's charts (scenarios, cumulative cost, tornado), drawn once per decision."""
    key = d.decision_id or d.created_at.isoformat()
    drawn = {
        "scenarios": chart(
            ("scenarios", key),
            lambda: decision_charts.scenario_bars(d.scenarios, recommended=d.recommended, lang=lang),
            lang=lang,
        ),
        "cumulative": chart(
            ("cumulative", key),
            lambda: decision_charts.cumulative_cost(
                {fmt.scenario_label(s.name, lang): s.monthly for s in d.scenarios},
                start_month=d.frame.start_month,
                lang=lang,
            ),
            lang=lang,
        ),
    }
    if d.sensitivity:
        drawn["tornado"] = chart(
            ("tornado", key), lambda: decision_charts.tornado(d.sensitivity, lang=lang), lang=lang
        )
    return drawn


@router.get("/w/{slug}/decision")
def decision_page(request: Request, me: PageUser) -> HTMLResponse:
    return _page(request, me)


def _page(
    request: Request, me: PageUser, *, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    require(me.account, Permission.READ_WORKSPACE)
    d = current_decision(me.ws)
    lang = me.account.lang

    def label(name: str) -> str:
        return fmt.scenario_label(name, lang)

    def changed(d: DecisionDocument) -> dict[str, object]:
        before = previous_decision(me.ws, d)
        return {"d": d, "label": label, "changed": None if before is None else compare(before, d)}

    # What the decision shows is fixed by its id: drawn once per decision, language and role
    # (web/drawn.py); each view draws the form, the job and the list of decisions.
    return show(
        request,
        me,
        "decision/index.html",
        status_code=status_code,
        d=d,
        label=label,
        changed=None if d is None else drawn(me, "decision/changed.html", d.decision_id, lambda: changed(d)),
        body=None
        if d is None
        else drawn(
            me,
            "decision/body.html",
            d.decision_id,
            lambda: {"d": d, "label": label, "charts": decision_charts_of(d, lang)},
        ),
        can_run=can(me.account, Permission.RUN),
        error=error,
        runs=recent_runs(me.ws, d, frame_inputs=FRAME_INPUTS),
        frame_inputs=FRAME_INPUTS,
        offer_ids=offer_ids(me.ws) if can(me.account, Permission.RUN) else [],
        job=next(iter(latest_jobs(me.ws, kind=DECISION_JOB, limit=1)), None),
    )


@router.post("/w/{slug}/decision/run")
def decision_run(
    request: Request,
    me: PageUser,
    term_months: Annotated[str, Form(max_length=40)] = "",
    discount_rate: Annotated[str, Form(max_length=40)] = "",
    max_share_per_provider: Annotated[str, Form(max_length=40)] = "",
    volume_growth_per_year: Annotated[str, Form(max_length=40)] = "",
    budget: Annotated[str, Form(max_length=40)] = "",
    keep_in_house: Annotated[list[str] | None, Form()] = None,
    offers: Annotated[list[str] | None, Form()] = None,
    changed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Decide again — on the workspace's inputs as they stand, or (``changed``) with the form's
    inputs — as a background job (minutes on the demo; the page shows its progress); a ``run``
    entry in the audit log with what was changed once decided. A bad value: the field's error
    shown, no job, nothing recorded; a decision already running: refused the same way."""
    require(me.account, Permission.RUN)
    try:
        changes = (
            read_changes(
                term_months=term_months,
                discount_rate=discount_rate,
                max_share_per_provider=max_share_per_provider,
                volume_growth_per_year=volume_growth_per_year,
                budget=budget,
                keep_in_house=keep_in_house or [],
                offers=offers or [],
            )
            if changed
            else None
        )
        start_decision(me.ws, request.app.state.jobs, me.actor, who=me.account.username, changes=changes)
    except InputError as exc:
        return _page(request, me, error=str(exc), status_code=422)
    return RedirectResponse(f"/w/{me.tenant.slug}/decision", status_code=303)


@router.get("/w/{slug}/jobs/{job_id}")
def job_status(request: Request, me: PageUser, job_id: str) -> HTMLResponse:
    """A job's status, as the page's fragment polls it (HTMX, every second, until it is over);
    a decision done reloads the page on its new decision."""
    require(me.account, Permission.READ_WORKSPACE)
    found = job(me.ws, job_id)
    answer = show(request, me, "decision/job.html", j=found)
    if found.over and found.status == "done" and request.headers.get("hx-request"):
        answer.headers["HX-Refresh"] = "true"
    return answer


def read_changes(
    *,
    term_months: str,
    discount_rate: str,
    max_share_per_provider: str,
    volume_growth_per_year: str,
    budget: str,
    keep_in_house: list[str],
    offers: list[str],
) -> DecisionChanges:
    """The form's inputs, typed (an empty figure keeps the workspace's); a value that is not a
    number, or out of its range, refused by its field (`arbitre.services.decide.with_changes`)."""

    def number(text: str, field: str) -> Decimal | None:
        text = text.strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise InputError(field=field, expected="a number such as 0.08", got=text[:40]) from None
        if not value.is_finite() or abs(value) > 1000:
            raise InputError(field=field, expected="a number from -1000 to 1000", got=text[:40])
        return value

    term = number(term_months, "term_months")
    if term is not None and term != term.to_integral_value():
        raise InputError(field="term_months", expected="a whole number of months", got=term_months[:40])
    if budget not in ("", "constrained", "comfortable"):
        raise InputError(field="budget", expected="constrained or comfortable", got=budget[:40])
    return DecisionChanges(
        term_months=None if term is None else int(term),
        discount_rate=number(discount_rate, "discount_rate"),
        max_share_per_provider=number(max_share_per_provider, "max_share_per_provider"),
        volume_growth_per_year=number(volume_growth_per_year, "volume_growth_per_year"),
        budget=budget or None,  # type: ignore[arg-type]  # checked just above
        keep_in_house=[f[:100] for f in keep_in_house],
        offers=[o[:100] for o in offers],
    )
