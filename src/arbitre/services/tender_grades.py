"""The technical evaluation of a tender: each evaluator's grades, stored, and their consensus.

No price is read here: the evaluation is done while the bids are sealed.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import delete, select

from arbitre.domain.tender import Evaluation, Grade, Tender
from arbitre.errors import InputError
from arbitre.services.tender import tender_path
from arbitre.services.tender_bids import list_bids, who_of
from arbitre.store.appdb import TenderGrade, session_scope
from arbitre.store.workspace import Workspace
from arbitre.tender.consensus import Board, consensus

MAX_GRADES_BYTES = 1_000_000


def record_evaluation(
    ws: Workspace, tender: Tender, evaluation: Evaluation, *, who: str | None = None
) -> int:
    """Store one evaluator's grades (each replaces that evaluator's earlier grade of the same
    provider and criterion); the providers must have bid and the criteria must be graded."""
    bidders = {b.provider for b in list_bids(ws, tender)}
    graded = tender.criteria.graded()
    for g in evaluation.grades:
        if g.provider not in bidders:
            raise InputError(
                field="provider",
                expected=f"a provider who bid ({', '.join(sorted(bidders)) or 'none yet'})",
                got=g.provider,
            )
        if g.criterion not in graded:
            raise InputError(
                field="criterion", expected=f"a graded criterion ({', '.join(graded)})", got=g.criterion
            )
        if g.score > tender.criteria.max_score:
            raise InputError(
                field="score", expected=f"a grade from 0 to {tender.criteria.max_score}", got=str(g.score)
            )
    now = datetime.now(UTC)
    with session_scope(ws.engine) as session:
        for g in evaluation.grades:
            session.execute(
                delete(TenderGrade).where(
                    TenderGrade.tender_id == tender.id,
                    TenderGrade.evaluator == evaluation.evaluator,
                    TenderGrade.consensus == evaluation.consensus,
                    TenderGrade.provider == g.provider,
                    TenderGrade.criterion == g.criterion,
                )
            )
            session.add(
                TenderGrade(
                    tender_id=tender.id,
                    evaluator=evaluation.evaluator,
                    consensus=evaluation.consensus,
                    provider=g.provider,
                    criterion=g.criterion,
                    score=str(g.score),
                    comment=g.comment,
                    entered_at=now,
                    who=who_of(who),
                )
            )
    return len(evaluation.grades)


def read_grades(path: Path, *, evaluator: str, consensus_meeting: bool = False) -> Evaluation:
    """An evaluator's grades from a CSV file ``provider,criterion,score[,comment]`` (UTF-8,
    comma or semicolon, decimal point or comma); errors name the line and the column."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    if len(raw) > MAX_GRADES_BYTES:
        raise InputError(
            f"{len(raw):,} bytes",
            file=str(path),
            expected=f"a grades file of at most {MAX_GRADES_BYTES:,} bytes",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    sample = text.splitlines()[0] if text else ""
    reader = csv.DictReader(
        io.StringIO(text), delimiter=";" if sample.count(";") > sample.count(",") else ","
    )
    header = [h.strip() for h in reader.fieldnames or []]
    if any(c not in header for c in ("provider", "criterion", "score")):
        raise InputError(
            file=str(path),
            line=1,
            expected="columns provider, criterion, score[, comment]",
            got=",".join(header),
        )
    grades = []
    for row in reader:
        line = reader.line_num
        values = {(k or "").strip(): (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()}
        try:
            score = Decimal(values["score"].replace(",", "."))
        except InvalidOperation:
            raise InputError(
                file=str(path), line=line, field="score", expected="a number", got=values["score"]
            ) from None
        if not score.is_finite() or score < 0:
            raise InputError(
                file=str(path), line=line, field="score", expected="a number ≥ 0", got=values["score"]
            )
        for column in ("provider", "criterion"):
            if not values[column] or len(values[column]) > 100:
                raise InputError(
                    file=str(path),
                    line=line,
                    field=column,
                    expected="a name of 1 to 100 characters",
                    got=values[column],
                )
        comment = values.get("comment") or None
        if comment is not None and len(comment) > 2000:
            raise InputError(
                file=str(path), line=line, field="comment", expected="at most 2,000 characters", got=comment
            )
        grades.append(
            Grade(provider=values["provider"], criterion=values["criterion"], score=score, comment=comment)
        )
    if not grades:
        raise InputError("no grade in the file", file=str(path))
    return Evaluation(evaluator=evaluator, consensus=consensus_meeting, grades=grades)


def technical_board(ws: Workspace, tender: Tender) -> Board:
    """The consensus board of every bidder (needs no price: safe before the deadline)."""
    with session_scope(ws.engine) as session:
        rows = session.scalars(
            select(TenderGrade)
            .where(TenderGrade.tender_id == tender.id)
            .order_by(TenderGrade.evaluator, TenderGrade.id)
        ).all()
        by: dict[tuple[str, bool], list[Grade]] = {}
        for r in rows:
            by.setdefault((r.evaluator, r.consensus), []).append(
                Grade(provider=r.provider, criterion=r.criterion, score=Decimal(r.score), comment=r.comment)
            )
    evaluations = [Evaluation(evaluator=e, consensus=c, grades=g) for (e, c), g in by.items()]
    providers = [b.provider for b in list_bids(ws, tender)]
    try:
        return consensus(evaluations, criteria=tender.criteria, providers=providers)
    except ValueError as exc:  # the tender file changed since the grades were entered
        raise InputError(str(exc), file=str(tender_path(ws, tender.id))) from None


__all__ = ["read_grades", "record_evaluation", "technical_board"]
