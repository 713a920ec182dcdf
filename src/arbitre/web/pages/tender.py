"""The tender (step 5) in the browser, for both parties.

The client (admin, analyst; the auditor reads): the workspace's tenders; one tender's scope, lots,
timetable and invited providers, the specification and bid grid to download, the bids received
(their technical part: prices stay sealed until the deadline, as `arbitre tender bids` keeps
them), an evaluator's grade (`arbitre tender evaluate`), the score and ranking per lot with its
sensitivity and flags (`arbitre tender score`), the report, and the award (admin only, confirmed,
audited: `arbitre tender award`).

A provider: the tenders it is invited to, and nothing else (another tender is *not found*); the
specification and grid; its filled grid uploaded before the deadline through the same import as
`arbitre tender bids` (a refused cell named by sheet and cell); its own bid and its status —
never another provider's bid, price, grade or rank.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from arbitre.domain.tender import Tender
from arbitre.errors import Conflict, InputError, RejectedCells
from arbitre.reports.html import money, pct
from arbitre.reports.words_tender import flag_text, warning_text
from arbitre.services.access import NotAllowed, NotFound, Permission, can, invitation, is_client, require
from arbitre.services.audit import record
from arbitre.services.jobs import JobRecord, job
from arbitre.services.tender import questions, store_flows
from arbitre.services.tender_awarded import award_once
from arbitre.services.tender_grades import record_evaluation
from arbitre.services.tender_report import render_tender_report
from arbitre.services.tender_views import (
    awards_of,
    bids_of,
    require_tenders,
    seen_award,
    summary,
    tenders_of,
    visible_tender,
)
from arbitre.tender.document import FlagOut, TenderScore
from arbitre.web.deps import PageUser
from arbitre.web.i18n import translate
from arbitre.web.reports import REPORT_CSP
from arbitre.web.tendered import (
    SCORE_JOB,
    SPEC_JOB,
    FileKind,
    GradeError,
    RejectedGrades,
    audit_grades,
    download,
    form_grades,
    graded_rows,
    receive_bid,
    score_or_job,
)
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)


@router.get("/w/{slug}/tenders")
def tenders_page(request: Request, me: PageUser) -> HTMLResponse:
    require_tenders(me.account)
    return show(request, me, "tender/list.html", tenders=tenders_of(me.ws, me.account, now=datetime.now(UTC)))


@router.get("/w/{slug}/tenders/{name}")
def tender_page(
    request: Request, me: PageUser, name: str, done: Literal["bid", "grade", "award"] | None = None
) -> HTMLResponse:
    require_tenders(me.account)
    return _page(request, me, visible_tender(me.ws, me.account, name), done=done)


def _page(
    request: Request,
    me: PageUser,
    tender: Tender,
    *,
    error: str | None = None,
    cells: RejectedCells | None = None,
    grade_errors: list[GradeError] | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    now = datetime.now(UTC)
    client = is_client(me.account)
    score: TenderScore | None = None
    score_job: JobRecord | None = None
    score_error = None
    if client:  # kept, or computed by a background job the page polls (its error, if it failed)
        found = score_or_job(me.ws, request.app.state.jobs, tender, who=me.account.username)
        if isinstance(found, JobRecord):
            score_job = found
            score_error = found.error if found.status == "failed" else None
        else:
            score = found
    lang = me.account.lang
    awards = awards_of(me.ws, tender.id)
    bids = bids_of(me.ws, me.account, tender)
    name_of = {b.provider: b.technical.provider_name for b in bids}
    counts = store_flows(me.ws)
    currency = tender.currency

    def flag(f: FlagOut) -> str:
        share = pct(float(f.share_below), lang)
        return flag_text(f.code, share=share, reference=money(f.reference, lang, currency), lang=lang)

    return show(
        request,
        me,
        "tender/detail.html",
        status_code=status_code,
        x=tender,
        volumes={f: counts[f][1] for f in tender.scope.flows if f in counts},
        name_of=name_of,
        names=lambda providers: ", ".join(name_of.get(p, p) for p in providers),
        flag=flag,
        warn=lambda w: warning_text(w.code, w.params, lang),
        s=summary(me.account, tender, now=now, awards=awards),
        awarded={a.lot: seen_award(me.account, tender, a) for a in awards},
        bids=bids,
        score=score,
        score_job=score_job,
        score_error=score_error,
        labels=dict(questions(tender)) | {c.name: c.label for c in tender.criteria.technical},
        graded=tender.criteria.graded(),
        client=client,
        mine=invitation(me.account, tender),
        can_grade=can(me.account, Permission.TENDER_EVALUATE),
        can_award=can(me.account, Permission.TENDER_AWARD),
        can_bid=can(me.account, Permission.TENDER_BID) and now < tender.timetable.bids_due,
        error=error,
        cells=cells,
        grade_errors=grade_errors,
        done=done,
    )


@router.get("/w/{slug}/tenders/{name}/files/{document}")
def tender_file(
    request: Request, me: PageUser, name: str, document: FileKind, lang: Literal["fr", "en"] = "fr"
) -> Response:
    """The specification (DOCX, PDF) or the bid grid (XLSX) written by `arbitre tender spec`'s
    service, each download audited; the first time, a page that polls the job writing it and
    reloads on the file once it is written."""
    found = download(me.ws, request.app.state.jobs, me.account, me.actor, name, document, lang)
    if isinstance(found, JobRecord):
        tender = visible_tender(me.ws, me.account, name)
        return show(request, me, "tender/preparing.html", x=tender, j=found, document=document)
    return found


@router.get("/w/{slug}/tenders/{name}/jobs/{job_id}")
def tender_job(request: Request, me: PageUser, name: str, job_id: str) -> HTMLResponse:
    """A tender's background job (its score, a document), as the page's fragment polls it every
    second; once over, the page reloads (on the score or the file, or the job's error). Only a job
    of this tender, seen by an account that sees the tender."""
    require_tenders(me.account)
    tender = visible_tender(me.ws, me.account, name)
    found = job(me.ws, job_id)
    if found.kind not in (SCORE_JOB, SPEC_JOB) or found.inputs.get("tender") != tender.id:
        raise NotFound(f"no job {job_id[:40]!r} of this tender")
    if found.kind == SCORE_JOB:
        require(me.account, Permission.READ_WORKSPACE)  # the score is the client's
    answer = show(request, me, "tender/job.html", x=tender, j=found)
    if found.over:
        answer.headers["HX-Refresh"] = "true"
    return answer


@router.get("/w/{slug}/tenders/{name}/report.{lang}.html")
def tender_report(request: Request, me: PageUser, name: str, lang: Literal["fr", "en"]) -> HTMLResponse:
    """The tender report (`arbitre tender report`) as its own document; the client's only. Its
    score not yet computed: the page of the job computing it, which reloads on the report."""
    require(me.account, Permission.READ_WORKSPACE)
    tender = visible_tender(me.ws, me.account, name)
    found = score_or_job(me.ws, request.app.state.jobs, tender, who=me.account.username)
    if isinstance(found, JobRecord):
        return show(request, me, "tender/preparing.html", x=tender, j=found, document=f"report.{lang}.html")
    html = render_tender_report(me.ws, found, lang=lang)
    record(me.ws, me.actor, "download", f"tender-report-{tender.id}.{lang}.html", tender=tender.id)
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})


@router.post("/w/{slug}/tenders/{name}/bids")
def tender_bid(request: Request, me: PageUser, name: str, file: Annotated[UploadFile, File()]) -> Response:
    """A provider's filled grid: the same import and checks as `arbitre tender bids`, its bidder id
    its invitation's; received now (after the deadline: refused)."""
    require(me.account, Permission.TENDER_BID)
    tender = visible_tender(me.ws, me.account, name)
    mine = invitation(me.account, tender)
    if mine is None:  # visible_tender lets a provider see only its invitations
        raise NotAllowed("not invited")
    try:
        (stored,) = receive_bid(me.ws, tender, file, bidder=mine.provider, who=me.account.username)
    except RejectedCells as exc:
        return _page(request, me, tender, error=str(exc), cells=exc, status_code=422)
    except InputError as exc:
        return _page(request, me, tender, error=str(exc), status_code=422)
    record(
        me.ws,
        me.actor,
        "tender_bid",
        tender.id,
        provider=stored.provider,
        version=stored.version,
        sha256=stored.file_sha256,
    )
    return RedirectResponse(f"/w/{me.tenant.slug}/tenders/{tender.id}?done=bid", status_code=303)


@router.post("/w/{slug}/tenders/{name}/grades")
def tender_grade(
    request: Request,
    me: PageUser,
    name: str,
    provider: Annotated[list[str], Form()],
    criterion: Annotated[list[str], Form()],
    score: Annotated[list[str], Form()],
    comment: Annotated[list[str] | None, Form()] = None,
    consensus: Annotated[bool, Form()] = False,
) -> Response:
    """Grades by the signed-in evaluator, several at once — each row a bidder, a criterion, a
    grade and a comment (a row left empty is skipped) —, with the rules of `arbitre tender
    evaluate`; every refused grade listed and none kept; one audit entry per grade."""
    require(me.account, Permission.TENDER_EVALUATE)
    tender = visible_tender(me.ws, me.account, name)
    try:
        given = form_grades(provider, criterion, score, comment or [], consensus=consensus)
        bidders = {b.provider for b in bids_of(me.ws, me.account, tender)}
        evaluation = graded_rows(tender, bidders, me.account.username, given)
        record_evaluation(me.ws, tender, evaluation, who=me.account.username)
    except RejectedGrades as exc:
        return _page(request, me, tender, error=str(exc), grade_errors=exc.errors, status_code=422)
    except InputError as exc:
        return _page(request, me, tender, error=str(exc), status_code=422)
    audit_grades(me.ws, me.actor, tender, evaluation)
    return RedirectResponse(f"/w/{me.tenant.slug}/tenders/{tender.id}?done=grade#grades", status_code=303)


@router.post("/w/{slug}/tenders/{name}/award")
def tender_award(
    request: Request,
    me: PageUser,
    name: str,
    lot: Annotated[str, Form(max_length=100)],
    provider: Annotated[str, Form(max_length=100)],
    confirm: Annotated[bool, Form()] = False,
) -> Response:
    """Award a lot (`arbitre tender award`): its offers and draft contract written; admin only,
    confirmed, audited."""
    require(me.account, Permission.TENDER_AWARD)
    tender = visible_tender(me.ws, me.account, name)
    if not confirm:
        return _page(request, me, tender, error=_confirm_first(me.account.lang), status_code=422)
    try:
        award_once(me.ws, tender, lot, provider, actor=me.actor)
    except Conflict as exc:  # awarded already: the page says to whom, when and by whom
        return _page(request, me, tender, error=str(exc), status_code=409)
    except InputError as exc:
        return _page(request, me, tender, error=str(exc), status_code=422)
    return RedirectResponse(f"/w/{me.tenant.slug}/tenders/{tender.id}?done=award", status_code=303)


def _confirm_first(lang: str) -> str:
    return translate(lang, "ten.confirm_needed")
