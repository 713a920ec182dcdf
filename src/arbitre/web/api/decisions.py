"""The make-or-buy decision: the latest one, and deciding again on the workspace's inputs (some of
them changed for that decision, as the decision page's form changes them)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from arbitre.decision.document import DecisionDocument
from arbitre.services.access import NotFound, Permission, require
from arbitre.services.decide import DecisionChanges
from arbitre.services.jobs import JobRecord, job
from arbitre.web.decided import current_decision, start_decision
from arbitre.web.deps import ApiUser

router = APIRouter(tags=["decisions"])


@router.get("/w/{slug}/decision", response_model=DecisionDocument)
def get_decision(user: ApiUser) -> DecisionDocument:
    """The latest decision recorded (docs/decision.md describes every field); the client's only."""
    require(user.account, Permission.READ_WORKSPACE)
    found = current_decision(user.ws)
    if found is None:
        raise NotFound("no decision recorded: POST /api/w/{slug}/decision/runs or run `arbitre decide`")
    return found


@router.post("/w/{slug}/decision/runs", response_model=JobRecord, status_code=202)
def post_decision_run(
    request: Request, response: Response, user: ApiUser, changes: DecisionChanges | None = None
) -> JobRecord:
    """Decide again on the store and the input files as they stand — or, with a JSON body, with
    those of the frame's inputs, flows kept in-house and offers included that it gives changed
    (the files are not rewritten) — as a background job, as the decision page does: 202 with the
    job (its URL in ``Location``: poll it until ``status`` is ``done``, then ``result_id`` is the
    decision's id and GET …/decision gives it). The inputs are checked first (a bad one: 422, no
    job); a decision job already queued or running in the workspace: 422, no second job."""
    require(user.account, Permission.RUN)
    made = start_decision(
        user.ws, request.app.state.jobs, user.actor, who=user.account.username, changes=changes
    )
    response.headers["Location"] = f"/api/w/{user.tenant.slug}/jobs/{made.id}"
    return made


@router.get("/w/{slug}/jobs/{job_id}", response_model=JobRecord)
def get_job(user: ApiUser, job_id: str) -> JobRecord:
    """A background job: its status (queued, running, done, failed), progress (0–1), step, error
    and the id of what it made; the client's only."""
    require(user.account, Permission.READ_WORKSPACE)
    return job(user.ws, job_id)
