"""A tender's score as the pages and the API read it: `arbitre.services.tender_score.score_tender`
(the CLI's `arbitre tender score`), computed once per state of what it reads — the tender file,
the bids, the grades, the store, and whether the seal is broken — and kept in memory: pricing the
bids on the DQE forecasts every flow of the term (seconds), a page view after the first asks only
the database whether anything changed (the document kept says when it was computed: ``now``).
The first computation of a state, and the first writing of a specification or grid, runs as a
background job (`arbitre.services.jobs`): the page shows it being computed and polls it, the API
answers 202 with the job (`kept_or_job`).

And what the pages and the API both take from a request: the specification or grid to download,
a provider's posted grid, one grade."""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal, TypeVar

from fastapi import UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import func, select

from arbitre.domain.tender import Evaluation, Grade, Tender
from arbitre.errors import InputError, RejectedCells
from arbitre.services.accounts import Account
from arbitre.services.audit import Actor, record
from arbitre.services.jobs import JobRecord, Progress, latest_jobs, start
from arbitre.services.tender import tender_path
from arbitre.services.tender_bids import StoredBid, import_bids
from arbitre.services.tender_score import score_tender
from arbitre.services.tender_spec import write_spec
from arbitre.services.tender_views import require_tenders, visible_tender
from arbitre.store.appdb import TenderBid, TenderGrade, session_scope
from arbitre.store.workspace import Workspace
from arbitre.tender.document import TenderScore
from arbitre.tender.grid import MAX_FILE_BYTES
from arbitre.web.files import keep
from arbitre.web.planned import store_stamp

_kept: dict[tuple[object, ...], TenderScore] = {}
_files: dict[tuple[object, ...], tuple[bytes, str]] = {}
_lock = threading.Lock()
#: The kinds of the background jobs of a tender (one at a time per tender, and per document).
SCORE_JOB = "tender_score"
SPEC_JOB = "tender_spec"
T = TypeVar("T")


def _state(key: tuple[object, ...]) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()[:16]


def kept_or_job(
    ws: Workspace,
    executor: Executor,
    *,
    kind: str,
    key: tuple[object, ...],
    kept: dict[tuple[object, ...], T],
    inputs: dict[str, str],
    compute: Callable[[], object],
    step: str,
    who: str,
) -> T | JobRecord:
    """What ``kept`` holds under ``key``; else the background job of ``kind`` computing it
    (``compute`` fills ``kept``): the one queued or running for these ``inputs`` and this state,
    or the one that failed on them (shown, not run again until the state changes), or a new one —
    or, while one of these ``inputs`` still runs on an earlier state, that one (the page asks
    again when it ends). Jobs of other inputs (another tender) are never shown here."""
    found = kept.get(key)
    if found is not None:
        return found
    asked = {**inputs, "state": _state(key)}
    latest = latest_jobs(ws, kind=kind, limit=50)
    same = next((j for j in latest if j.inputs == asked), None)
    if same is not None and (not same.over or same.status == "failed"):
        return same
    # One job at a time for these inputs (this tender's score, this document), whatever the
    # state: another tender's job runs beside it on the worker's queue.
    lock = "t:" + hashlib.sha256(repr((kind, sorted(inputs.items()))).encode()).hexdigest()[:18]

    def run(progress: Progress) -> str:
        progress(0.1, step)
        compute()
        return inputs.get("tender", "")

    try:
        return start(ws, executor, kind=kind, who=who, inputs=asked, run=run, lock=lock)
    except InputError:  # a job of these inputs still runs (an earlier state, or just started)
        mine = {k: v for k, v in asked.items() if k != "state"}
        again = next(
            (
                j
                for j in latest_jobs(ws, kind=kind, limit=50)
                if not j.over and {k: v for k, v in j.inputs.items() if k != "state"} == mine
            ),
            None,
        )
        if again is None:
            raise
        return again


def _stamp(ws: Workspace, tender: Tender, now: datetime) -> tuple[object, ...]:
    path = tender_path(ws, tender.id)
    with session_scope(ws.engine) as session:
        bids = session.execute(
            select(func.count(TenderBid.id), func.max(TenderBid.imported_at)).where(
                TenderBid.tender_id == tender.id
            )
        ).one()
        grades = session.execute(
            select(func.count(TenderGrade.id), func.max(TenderGrade.id)).where(
                TenderGrade.tender_id == tender.id
            )
        ).one()
    return (
        str(ws.root),
        tender.id,
        path.stat().st_mtime_ns,
        tuple(bids),
        tuple(grades),
        store_stamp(ws),
        now < tender.timetable.bids_due,
    )


def tender_score(ws: Workspace, tender: Tender, *, now: datetime | None = None) -> TenderScore:
    """The score of ``tender`` now (sealed before its deadline: the technical evaluation only),
    computed in the caller's thread when it is not kept."""
    now = now or datetime.now(UTC)
    key = _stamp(ws, tender, now)
    found = _kept.get(key)
    if found is None:
        found = score_tender(ws, tender.id, now=now)
        with _lock:
            if len(_kept) >= 16:
                _kept.pop(next(iter(_kept)))
            _kept[key] = found
    return found


def score_or_job(ws: Workspace, executor: Executor, tender: Tender, *, who: str) -> TenderScore | JobRecord:
    """The score of ``tender`` as it stands when it is kept; else the background job computing
    it (`kept_or_job`): pricing the bids forecasts the term, seconds the first time."""
    now = datetime.now(UTC)
    return kept_or_job(
        ws,
        executor,
        kind=SCORE_JOB,
        key=_stamp(ws, tender, now),
        kept=_kept,
        inputs={"tender": tender.id},
        compute=lambda: tender_score(ws, tender, now=now),
        step="pricing the bids on the same volumes",
        who=who,
    )


# --- the files and the forms both the pages and the API take ------------------------------------

FileKind = Literal["spec.docx", "spec.pdf", "grid.xlsx"]
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BID_LIMIT_MB = -(-MAX_FILE_BYTES // (1 << 20))  # the grid's own bound (5 MB), checked again by the reader


def _file_key(ws: Workspace, tender: Tender, kind: str, lang: str) -> tuple[object, ...]:
    return (
        str(ws.root),
        tender.id,
        tender_path(ws, tender.id).stat().st_mtime_ns,
        store_stamp(ws),
        kind,
        lang,
    )


def spec_file(ws: Workspace, tender: Tender, kind: str, lang: str) -> tuple[bytes, str]:
    """The file ``kind`` of the tender (``spec.docx``, ``spec.pdf``, ``grid.xlsx``), as bytes and
    name: written by `write_spec` (the specification's volumes forecast the store: seconds), then
    kept in memory until the tender file or the store changes."""
    key = _file_key(ws, tender, kind, lang)
    found = _files.get(key)
    if found is None:
        suffix = "." + kind.rsplit(".", 1)[1]
        with tempfile.TemporaryDirectory(prefix="arbitre-spec-") as folder:
            paths = write_spec(ws, tender.id, lang=lang, pdf=kind == "spec.pdf", folder=Path(folder))
            wanted = [p for p in paths if p.suffix == suffix]
            found = wanted[0].read_bytes(), wanted[0].name
        with _lock:
            if len(_files) >= 24:
                _files.pop(next(iter(_files)))
            _files[key] = found
    return found


def download(
    ws: Workspace, executor: Executor, account: Account, actor: Actor, name: str, kind: FileKind, lang: str
) -> Response | JobRecord:
    """The tender ``name``'s file ``kind`` for an account that sees the tender, as an attachment,
    each download audited — or, the first time, the background job writing it (`kept_or_job`)."""
    require_tenders(account)
    tender = visible_tender(ws, account, name)
    found = kept_or_job(
        ws,
        executor,
        kind=SPEC_JOB,
        key=_file_key(ws, tender, kind, lang),
        kept=_files,
        inputs={"tender": tender.id, "file": kind, "lang": lang},
        compute=lambda: spec_file(ws, tender, kind, lang),
        step="forecasting the volumes and writing the document",
        who=account.username,
    )
    if isinstance(found, JobRecord):
        return found
    data, filename = found
    record(ws, actor, "download", filename, tender=tender.id, lang=lang)
    return Response(
        data,
        media_type=MEDIA[kind.rsplit(".", 1)[1]],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def receive_bid(
    ws: Workspace, tender: Tender, upload: UploadFile, *, bidder: str, who: str
) -> list[StoredBid]:
    """The posted grid kept under ``uploads/bids/`` (within the grid's bound), then `import_bids`
    of it at the time it is received; an error names the file by the name it was sent under,
    never by its path on the server."""
    received = keep(ws, upload, limit_mb=BID_LIMIT_MB, folder="bids", default="bid.xlsx")
    now = datetime.now(UTC)
    try:
        return import_bids(ws, tender.id, [received.path], who=who, received_at=now, now=now, bidder=bidder)
    except RejectedCells as exc:
        named = [replace(e, file=received.filename) for e in exc.errors]
        raise RejectedCells(received.filename, named) from None
    except InputError as exc:
        raise InputError(
            exc.message,
            file=received.filename if exc.file else None,
            line=exc.line,
            field=exc.field,
            expected=exc.expected,
            got=exc.got,
        ) from None


def audit_grades(ws: Workspace, actor: Actor, tender: Tender, evaluation: Evaluation) -> None:
    """One ``tender_grade`` entry of the audit log per grade kept."""
    for g in evaluation.grades:
        record(
            ws,
            actor,
            "tender_grade",
            tender.id,
            provider=g.provider,
            criterion=g.criterion,
            score=str(g.score),
            consensus=evaluation.consensus,
        )


class GradeIn(BaseModel):
    """One grade as the form or a script sends it: a bidder, a graded criterion, the grade
    (0..the tender's ``max_score``; a decimal string such as ``"17.5"``, or a number) and a comment
    (required for the consensus meeting's grades: the reason the bidders may ask for)."""

    model_config = ConfigDict(extra="forbid")

    provider: str = Field(max_length=100)
    criterion: str = Field(max_length=100)
    score: str = Field(max_length=20)
    comment: str = Field("", max_length=2000)

    @field_validator("score", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        return (
            str(value) if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else value
        )


class GradesIn(BaseModel):
    """Several grades at once, by the evaluator signed in (or the consensus meeting): all the
    criteria of a bid, a criterion across the bids, or any mix; each checked, all or none kept."""

    model_config = ConfigDict(extra="forbid")

    consensus: bool = False
    grades: list[GradeIn] = Field(min_length=1, max_length=1000)


@dataclass(frozen=True)
class GradeError:
    """One grade refused: its row (from 1), bidder, criterion, the field at fault, what was
    expected and what was given."""

    row: int
    provider: str
    criterion: str
    field: str
    expected: str
    got: str


class RejectedGrades(InputError):
    """Grades refused, every one listed (`errors`); the first names the field
    (``grades.<index>.<field>``, as the API's body numbers them)."""

    def __init__(self, errors: list[GradeError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(
            f"{len(errors)} grade(s) refused; first: grade {first.row} ({first.provider}, {first.criterion})",
            field=f"grades.{first.row - 1}.{first.field}",
            expected=first.expected,
            got=first.got,
        )


def graded_rows(tender: Tender, bidders: set[str], evaluator: str, given: GradesIn) -> Evaluation:
    """The grades of ``given`` as one `Evaluation`, each checked — a bidder of the tender, a graded
    criterion, a number from 0 to ``max_score``, a comment when the consensus meeting grades, one
    grade per bidder and criterion —; every refused grade is listed (`RejectedGrades`), none kept."""
    graded = tender.criteria.graded()
    top = tender.criteria.max_score
    errors: list[GradeError] = []
    grades: list[Grade] = []
    seen: set[tuple[str, str]] = set()
    for i, g in enumerate(given.grades, start=1):

        def refuse(field: str, expected: str, got: str, g: GradeIn = g, i: int = i) -> None:
            errors.append(GradeError(i, g.provider[:60], g.criterion[:60], field, expected, got[:40]))

        try:
            value = Decimal(g.score.strip().replace(",", "."))
        except InvalidOperation:
            value = Decimal("NaN")
        if g.provider not in bidders:
            refuse("provider", f"a provider who bid ({', '.join(sorted(bidders)) or 'none yet'})", g.provider)
        elif g.criterion not in graded:
            refuse("criterion", f"a graded criterion ({', '.join(graded)})", g.criterion)
        elif not value.is_finite() or value < 0 or value > top:
            refuse("score", f"a grade from 0 to {top}", g.score)
        elif given.consensus and not g.comment.strip():
            refuse("comment", "the consensus meeting's reason for the grade", "")
        elif (g.provider, g.criterion) in seen:
            refuse("criterion", "one grade per bidder and criterion", g.criterion)
        else:
            seen.add((g.provider, g.criterion))
            comment = g.comment.strip() or None
            grades.append(Grade(provider=g.provider, criterion=g.criterion, score=value, comment=comment))
    if errors:
        raise RejectedGrades(errors)
    return Evaluation(evaluator=evaluator, consensus=given.consensus, grades=grades)


def form_grades(
    provider: list[str], criterion: list[str], score: list[str], comment: list[str], *, consensus: bool
) -> GradesIn:
    """The form's repeated fields as `GradesIn`: one row per (provider, criterion, score, comment)
    in order, the rows left empty (no grade, no comment) skipped."""
    n = len(provider)
    if not (len(criterion) == len(score) == n) or len(comment) not in (0, n):
        raise InputError(
            field="grades", expected="as many criteria and grades as bidders", got=f"{n} bidders"
        )
    notes = comment or [""] * n
    try:
        rows = [
            GradeIn(provider=p, criterion=c, score=s, comment=m)
            for p, c, s, m in zip(provider, criterion, score, notes, strict=True)
            if s.strip() or m.strip()
        ]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(x) for x in first["loc"])
        raise InputError(field=field, expected=first["msg"], got=str(first.get("input", ""))[:40]) from None
    if not rows:
        raise InputError(field="score", expected="at least one grade", got="none")
    return GradesIn(consensus=consensus, grades=rows)


__all__ = [
    "BID_LIMIT_MB",
    "MEDIA",
    "SCORE_JOB",
    "SPEC_JOB",
    "FileKind",
    "GradeError",
    "GradeIn",
    "GradesIn",
    "RejectedGrades",
    "audit_grades",
    "download",
    "form_grades",
    "graded_rows",
    "kept_or_job",
    "receive_bid",
    "score_or_job",
    "spec_file",
    "tender_score",
]
