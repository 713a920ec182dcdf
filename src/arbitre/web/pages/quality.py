"""Quality in the browser. The client: the QA grids (versions), each month's automatic checks
(scores, critical rate, each criterion's compliance), the calibration (kappa per criterion, the
graders, the trusted criteria), the sample of a month to review (CSV), the QA disputes to decide
(the admin: accept or reject, as `arbitre qa decide`). A provider: the quality of its own
contracts' months — its sites and flows, its agents only — and its QA disputes, which it opens on
a criterion of an evaluation of its own site's contact (as `arbitre qa dispute`). Every figure is
the quality services'; every action is in the audit log."""

from __future__ import annotations

import csv
import io
import re
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from arbitre.errors import InputError
from arbitre.services.access import NotAllowed, Permission, can, is_client, require
from arbitre.services.audit import record, safe_cell
from arbitre.services.quality import decide_dispute, list_grids
from arbitre.services.quality_checks import sample
from arbitre.services.quality_views import (
    QaDisputeForm,
    evaluations_page,
    open_qa_dispute,
    provider_quality,
    qa_dispute,
    qa_disputes,
    quality_overview,
)
from arbitre.store.quality import load_grid
from arbitre.web.deps import PageUser
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
PER_PAGE = 50  # a provider's evaluations, a page


def require_quality(me: PageUser) -> None:
    if not (can(me.account, Permission.READ_WORKSPACE) or can(me.account, Permission.DISPUTE_OPEN)):
        raise NotAllowed(f"the role {me.account.role} does not allow quality")


@router.get("/w/{slug}/quality")
def quality_page(
    request: Request,
    me: PageUser,
    done: Literal["opened", "decided"] | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    require_quality(me)
    return _page(request, me, done=done, page=page)


def _page(
    request: Request,
    me: PageUser,
    *,
    error: str | None = None,
    done: str | None = None,
    page: int = 1,
    status_code: int = 200,
) -> HTMLResponse:
    client = is_client(me.account)
    criteria: list[tuple[str, str]] = []
    if not client and list_grids(me.ws):
        grid, _ = load_grid(me.ws, list_grids(me.ws)[0][0])
        criteria = [(c.id, c.title) for c in grid.criteria]
    return show(
        request,
        me,
        "quality/index.html",
        status_code=status_code,
        client=client,
        overview=quality_overview(me.ws, me.account) if client else None,
        months=[] if client else provider_quality(me.ws, me.account),
        evaluations=None if client else evaluations_page(me.ws, me.account, page=page, per_page=PER_PAGE),
        disputes=qa_disputes(me.ws, me.account),
        criteria=criteria,
        can_open=can(me.account, Permission.DISPUTE_OPEN),
        can_decide=can(me.account, Permission.DISPUTE_DECIDE),
        error=error,
        done=done,
    )


@router.get("/w/{slug}/quality/sample-{month}.csv")
def quality_sample(me: PageUser, month: str) -> Response:
    """The contacts of ``month`` a grader should review (`arbitre qa sample`), as CSV; the client's."""
    require(me.account, Permission.READ_WORKSPACE)
    if not MONTH.match(month):
        raise InputError(field="month", expected="YYYY-MM", got=month[:20])
    doc = sample(me.ws, month=month)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["contact_id", "site", "flow", "agent_id", "score", "risk", "why", "signals"])
    for c in doc.contacts:
        writer.writerow(
            [
                safe_cell(c.contact_id),
                safe_cell(c.site),
                safe_cell(c.flow),
                safe_cell(c.agent_id or ""),
                "" if c.score is None else f"{c.score:.1f}",
                f"{c.risk:.3f}",
                c.why,
                safe_cell(" ".join(c.signals)),
            ]
        )
    name = f"qa-sample-{month}.csv"
    record(me.ws, me.actor, "download", name, month=month, sampled=doc.sampled)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/w/{slug}/quality/disputes")
def quality_dispute_open(
    request: Request,
    me: PageUser,
    form: Annotated[QaDisputeForm, Form()],
) -> Response:
    """A provider's QA dispute on a criterion of an evaluation of its own site's contact."""
    require(me.account, Permission.DISPUTE_OPEN)
    try:
        open_qa_dispute(me.ws, me.account, me.actor, form)
    except InputError as exc:
        return _page(request, me, error=str(exc), status_code=422)
    return RedirectResponse(f"/w/{me.tenant.slug}/quality?done=opened", status_code=303)


@router.post("/w/{slug}/quality/disputes/{dispute_id}")
def quality_dispute_decide(
    request: Request,
    me: PageUser,
    dispute_id: str,
    decision: Annotated[Literal["accepted", "rejected"], Form()],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """The client admin accepts (the proposed answer replaces the grader's, the score recomputed)
    or rejects a QA dispute (`arbitre qa decide`)."""
    require(me.account, Permission.DISPUTE_DECIDE)
    qa_dispute(me.ws, me.account, dispute_id)  # 404 unless it exists
    try:
        d = decide_dispute(
            me.ws,
            dispute_id,
            accept=decision == "accepted",
            note=note.strip() or None,
            who=me.account.username,
        )
    except InputError as exc:
        return _page(request, me, error=str(exc), status_code=422)
    record(
        me.ws,
        me.actor,
        "qa_dispute",
        d.id,
        step=d.status,
        score_before=d.score_before,
        score_after=d.score_after,
    )
    return RedirectResponse(f"/w/{me.tenant.slug}/quality?done=decided", status_code=303)
