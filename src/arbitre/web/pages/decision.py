"""The make-or-buy decision: the scenarios, each flow's recommendation with its reasons and their
evidence, the allocation by block, the tornado, the simulation check — and running it again on the
workspace's inputs as they stand (costs.yaml, decision.yaml, offers/, the store)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from arbitre.decision.document import DecisionDocument
from arbitre.errors import InputError
from arbitre.reports import decision_charts
from arbitre.reports import decision_format as fmt
from arbitre.services.access import Permission, can, require
from arbitre.services.audit import record
from arbitre.services.decide import decide
from arbitre.web.charts import chart
from arbitre.web.decided import current_decision
from arbitre.web.deps import PageUser
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
    charts = decision_charts_of(d, lang) if d is not None else {}
    return show(
        request,
        me,
        "decision/index.html",
        status_code=status_code,
        d=d,
        charts=charts,
        label=lambda name: fmt.scenario_label(name, lang),
        can_run=can(me.account, Permission.RUN),
        error=error,
    )


@router.post("/w/{slug}/decision/run")
def decision_run(request: Request, me: PageUser) -> Response:
    """Decide again on the workspace's inputs as they stand; a ``run`` entry in the audit log."""
    require(me.account, Permission.RUN)
    try:
        made = decide(me.ws, who=me.account.username)
    except InputError as exc:
        return _page(request, me, error=str(exc), status_code=422)
    record(me.ws, me.actor, "run", made.decision_id or "", what="decision", recommended=made.recommended)
    return RedirectResponse(f"/w/{me.tenant.slug}/decision", status_code=303)
