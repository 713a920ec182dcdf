"""The tenders (step 5): the client every tender, its bids (technical part), its score and
ranking (`arbitre tender score --json`), a grade, the award; a provider the tenders it is invited
to, its own bid, and its filled grid uploaded before the deadline. The same services and rules
as the pages (`arbitre.web.pages.tender`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from arbitre.errors import InputError
from arbitre.services.access import NotAllowed, Permission, invitation, require
from arbitre.services.audit import record
from arbitre.services.jobs import JobRecord
from arbitre.services.tender_awarded import award_once
from arbitre.services.tender_grades import record_evaluation
from arbitre.services.tender_views import (
    AwardOut,
    BidStatus,
    GradesRecorded,
    LotAwarded,
    TenderSummary,
    awards_of,
    bids_of,
    require_tenders,
    seen_award,
    summary,
    tenders_of,
    visible_tender,
)
from arbitre.tender.document import TenderScore
from arbitre.web.bodies import JSON, Posted, both_bodies, invalid, media_of
from arbitre.web.deps import ApiUser
from arbitre.web.tendered import (
    MEDIA,
    FileKind,
    GradesIn,
    audit_grades,
    download,
    form_grades,
    graded_rows,
    receive_bid,
    score_or_job,
)

router = APIRouter(tags=["tenders"])


@router.get("/w/{slug}/tenders", response_model=list[TenderSummary])
def get_tenders(user: ApiUser) -> list[TenderSummary]:
    """The tenders the account sees: every one (the client), those it is invited to (a provider)."""
    require_tenders(user.account)
    return tenders_of(user.ws, user.account, now=datetime.now(UTC))


@router.get("/w/{slug}/tenders/{name}", response_model=TenderSummary)
def get_tender(user: ApiUser, name: str) -> TenderSummary:
    require_tenders(user.account)
    tender = visible_tender(user.ws, user.account, name)
    return summary(user.account, tender, now=datetime.now(UTC), awards=awards_of(user.ws, tender.id))


@router.get("/w/{slug}/tenders/{name}/bids", response_model=list[BidStatus])
def get_bids(user: ApiUser, name: str) -> list[BidStatus]:
    """The latest bid of each provider (the client), the provider's own (a provider); no price."""
    require_tenders(user.account)
    return bids_of(user.ws, user.account, visible_tender(user.ws, user.account, name))


@router.post("/w/{slug}/tenders/{name}/bids", response_model=BidStatus, status_code=201)
def post_bid(user: ApiUser, name: str, file: Annotated[UploadFile | None, File()] = None) -> BidStatus:
    """A provider's filled grid, received now: `arbitre tender bids`' import, its bidder id its
    invitation's; a refused cell is a problem naming the sheet and the cell."""
    require(user.account, Permission.TENDER_BID)
    tender = visible_tender(user.ws, user.account, name)
    mine = invitation(user.account, tender)
    if mine is None:
        raise NotAllowed("not invited")
    if file is None:
        raise InputError(field="file", expected="the filled bid grid (XLSX)", got="nothing")
    (stored,) = receive_bid(user.ws, tender, file, bidder=mine.provider, who=user.account.username)
    record(user.ws, user.actor, "tender_bid", tender.id, provider=stored.provider, version=stored.version)
    return next(b for b in bids_of(user.ws, user.account, tender) if b.provider == stored.provider)


ACCEPTED = {
    202: {
        "model": JobRecord,
        "description": "Being computed: the background job (its URL in `Location`); ask again once it is done.",
    }
}


def _accepted(user: ApiUser, found: JobRecord) -> JSONResponse:
    """202 with the job computing the answer, or the job's error (422) when it failed on the
    tender as it stands."""
    if found.status == "failed":
        raise InputError(found.error or "the job failed")
    return JSONResponse(
        found.model_dump(mode="json"),
        status_code=202,
        headers={"Location": f"/api/w/{user.tenant.slug}/jobs/{found.id}"},
    )


@router.get("/w/{slug}/tenders/{name}/score", response_model=TenderScore, responses=ACCEPTED)  # type: ignore[arg-type]
def get_score(request: Request, user: ApiUser, name: str) -> TenderScore | JSONResponse:
    """`arbitre tender score --json`: sealed before the deadline; the client's only. Computed
    once per state of the tender (its file, bids, grades, the store, the seal) by a background
    job: the first call answers 202 with the job; once it is done, the score (200)."""
    require(user.account, Permission.READ_WORKSPACE)
    tender = visible_tender(user.ws, user.account, name)
    found = score_or_job(user.ws, request.app.state.jobs, tender, who=user.account.username)
    return _accepted(user, found) if isinstance(found, JobRecord) else found


async def posted_grades(request: Request) -> Posted[GradesIn]:
    """The grades as JSON (`GradesIn`) or as the form's repeated fields (``provider``,
    ``criterion``, ``score``, ``comment``, one of each per grade, and ``consensus``); a refusal
    kept for the route to raise after its own checks."""
    try:
        if media_of(request) == JSON:
            try:
                return Posted(GradesIn.model_validate_json(await request.body()))
            except ValidationError as exc:
                raise invalid(exc) from None
        async with request.form(max_files=0, max_fields=4001) as form:

            def texts(key: str) -> list[str]:
                return [v for v in form.getlist(key) if isinstance(v, str)]

            return Posted(
                form_grades(
                    texts("provider"),
                    texts("criterion"),
                    texts("score"),
                    texts("comment"),
                    consensus=form.get("consensus") in ("true", "on", "1"),
                )
            )
    except Exception as exc:  # raised by the route once it knows the account may post here
        return Posted(None, exc)


def _grades_form() -> dict[str, Any]:
    row = {"type": "array", "items": {"type": "string"}}
    return {
        "type": "object",
        "properties": {
            "provider": row,
            "criterion": row,
            "score": row,
            "comment": row,
            "consensus": {"type": "boolean"},
        },
        "required": ["provider", "criterion", "score"],
    }


@router.post(
    "/w/{slug}/tenders/{name}/grades",
    response_model=GradesRecorded,
    status_code=201,
    openapi_extra=both_bodies(GradesIn, _grades_form()),
)
def post_grade(
    user: ApiUser, name: str, posted: Annotated[Posted[GradesIn], Depends(posted_grades)]
) -> GradesRecorded:
    """Grades by the token's account as evaluator (`arbitre tender evaluate`), several at once:
    each checked (a bidder, a graded criterion, 0..max_score, a comment for the consensus
    meeting's), all kept or none — the first refused named by its field (``grades.<i>.<field>``);
    one audit entry per grade."""
    require(user.account, Permission.TENDER_EVALUATE)
    tender = visible_tender(user.ws, user.account, name)
    bidders = {b.provider for b in bids_of(user.ws, user.account, tender)}
    evaluation = graded_rows(tender, bidders, user.account.username, posted.get())
    n = record_evaluation(user.ws, tender, evaluation, who=user.account.username)
    audit_grades(user.ws, user.actor, tender, evaluation)
    return GradesRecorded(grades=n)


@router.get("/w/{slug}/tenders/{name}/awards", response_model=list[LotAwarded])
def get_awards(user: ApiUser, name: str) -> list[LotAwarded]:
    """The lots awarded: to whom, when, by whom (the client); a provider whether it won each."""
    require_tenders(user.account)
    tender = visible_tender(user.ws, user.account, name)
    return [seen_award(user.account, tender, a) for a in awards_of(user.ws, tender.id)]


@router.post(
    "/w/{slug}/tenders/{name}/awards",
    response_model=AwardOut,
    status_code=201,
    responses={409: {"description": "The lot is awarded already (to whom, when, by whom)."}},
)
def post_award(
    user: ApiUser,
    name: str,
    lot: Annotated[str, Form(max_length=100)] = "",
    provider: Annotated[str, Form(max_length=100)] = "",
) -> AwardOut:
    """`arbitre tender award`: the bid as offers and a draft contract, recorded as the lot's
    award; admin only, audited; a lot awarded already: 409."""
    require(user.account, Permission.TENDER_AWARD)
    tender = visible_tender(user.ws, user.account, name)
    return award_once(user.ws, tender, lot, provider, actor=user.actor)


@router.get(
    "/w/{slug}/tenders/{name}/files/{document}",
    response_class=Response,
    responses={200: {"content": {media: {} for media in MEDIA.values()}}, **ACCEPTED},  # type: ignore[dict-item]
)
def get_file(
    request: Request, user: ApiUser, name: str, document: FileKind, lang: Literal["fr", "en"] = "fr"
) -> Response:
    """The specification (DOCX, PDF) or the bid grid (XLSX); the first time, 202 with the job
    writing it (then the file)."""
    found = download(user.ws, request.app.state.jobs, user.account, user.actor, name, document, lang)
    return _accepted(user, found) if isinstance(found, JobRecord) else found
