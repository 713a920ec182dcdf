"""The make-or-buy decision: the latest one, and deciding again on the workspace's inputs (some of
them changed for that decision, as the decision page's form changes them)."""

from __future__ import annotations

from fastapi import APIRouter

from arbitre.decision.document import DecisionDocument
from arbitre.services.access import NotFound, Permission, require
from arbitre.services.audit import record
from arbitre.services.decide import DecisionChanges, decide
from arbitre.web.decided import current_decision
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


@router.post("/w/{slug}/decision/runs", response_model=DecisionDocument, status_code=201)
def post_decision_run(user: ApiUser, changes: DecisionChanges | None = None) -> DecisionDocument:
    """Decide again on the store and the input files as they stand — or, with a JSON body, with
    those of the frame's inputs, flows kept in-house and offers included that it gives changed
    (the files are not rewritten); recorded, and audited with the changes."""
    require(user.account, Permission.RUN)
    made = decide(user.ws, who=user.account.username, changes=changes)
    audited = {} if changes is None else changes.audited()
    record(
        user.ws,
        user.actor,
        "run",
        made.decision_id or "",
        what="decision",
        recommended=made.recommended,
        **audited,
    )
    return made
