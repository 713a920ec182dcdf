"""Quality: the client's grids, checks and calibration; each party's months of quality on the
contracts it sees (a provider: its sites and flows only); the QA disputes — opened by a provider
on its own site's evaluation, decided by the client admin. The same services as the pages."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query

from arbitre.errors import InputError
from arbitre.quality.documents import Dispute
from arbitre.services.access import Permission, require
from arbitre.services.audit import record
from arbitre.services.quality import decide_dispute
from arbitre.services.quality_views import (
    ContractQuality,
    EvaluationPage,
    EvaluationRow,
    QaDisputeForm,
    QualityOverview,
    evaluation,
    evaluations_page,
    open_qa_dispute,
    provider_quality,
    qa_dispute,
    qa_disputes,
    quality_overview,
)
from arbitre.web.deps import ApiUser

router = APIRouter(tags=["quality"])


@router.get("/w/{slug}/quality", response_model=QualityOverview)
def get_quality(user: ApiUser) -> QualityOverview:
    """The grids, each month's latest checks, the latest calibration; the client's only."""
    return quality_overview(user.ws, user.account)


@router.get("/w/{slug}/quality/months", response_model=list[ContractQuality])
def get_quality_months(user: ApiUser) -> list[ContractQuality]:
    """Each checked month of each contract the account sees, on the contract's sites and flows."""
    require(user.account, Permission.READ_CONTRACTS)
    return provider_quality(user.ws, user.account)


@router.get("/w/{slug}/quality/evaluations", response_model=EvaluationPage)
def get_evaluations(
    user: ApiUser,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> EvaluationPage:
    """The graders' evaluations, newest first, paged: a provider's of its own sites only (date,
    flow, grid, grader, score, disputes), the client's all."""
    return evaluations_page(user.ws, user.account, page=page, per_page=per_page)


@router.get("/w/{slug}/quality/evaluations/{evaluation_id}", response_model=EvaluationRow)
def get_evaluation(user: ApiUser, evaluation_id: str) -> EvaluationRow:
    """One evaluation; another provider's is not found."""
    return evaluation(user.ws, user.account, evaluation_id)


@router.get("/w/{slug}/quality/disputes", response_model=list[Dispute])
def get_qa_disputes(user: ApiUser) -> list[Dispute]:
    """The QA disputes: all of them (the client), those of the provider's sites."""
    require(user.account, Permission.READ_CONTRACTS)
    return qa_disputes(user.ws, user.account)


@router.post("/w/{slug}/quality/disputes", response_model=Dispute, status_code=201)
def post_qa_dispute(user: ApiUser, form: Annotated[QaDisputeForm, Form()]) -> Dispute:
    """A provider disputes a criterion's answer in an evaluation of its own site's contact."""
    return open_qa_dispute(user.ws, user.account, user.actor, form)


@router.post("/w/{slug}/quality/disputes/{dispute_id}/decision", response_model=Dispute)
def post_qa_decision(
    user: ApiUser,
    dispute_id: str,
    decision: Annotated[Literal["accepted", "rejected", ""], Form()] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Dispute:
    """The client admin accepts or rejects a QA dispute (`arbitre qa decide`)."""
    require(user.account, Permission.DISPUTE_DECIDE)
    qa_dispute(user.ws, user.account, dispute_id)
    if not decision:
        raise InputError(field="decision", expected="accepted or rejected", got="nothing")
    d = decide_dispute(
        user.ws,
        dispute_id,
        accept=decision == "accepted",
        note=note.strip() or None,
        who=user.account.username,
    )
    record(
        user.ws,
        user.actor,
        "qa_dispute",
        d.id,
        step=d.status,
        score_before=d.score_before,
        score_after=d.score_after,
    )
    return d
