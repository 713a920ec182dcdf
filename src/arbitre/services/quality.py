"""Quality monitoring in a workspace: QA grids, graders' evaluations and the provider's disputes.

Grids are stored like contracts: each different text a new version, validated whole first (a
wrong rule, a critical bonus: refused with the line). Evaluations come from the graders' files
(CSV or XLSX, one row per contact, grader and criterion: ``contact_id, site, grader, criterion,
answer, comment``), validated whole — an unknown criterion, an answer the criterion does not
take, a contact the store does not hold: every bad row named, nothing stored. A grader's new
evaluation of a contact replaces their earlier one. The provider disputes an answer; the
client accepts (the answer changes, the score is recomputed) or rejects.

The automatic checks, calibration, sampling and the month's summary are in
`arbitre.services.quality_checks`.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import os
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import delete, func, select

from arbitre.errors import InputError, RejectedRows, RowError
from arbitre.ingest.readers import sniff_delimiter
from arbitre.quality.documents import Dispute, EvaluationImport, GridStored
from arbitre.quality.grid import Grid, score
from arbitre.store.appdb import QaAnswer, QaDispute, QaEvaluation, QaGridVersion, session_scope
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.quality import HUMAN_FILE, load_grid, quality_dir
from arbitre.store.workspace import Workspace
from arbitre.yamlio import parse_model

COLUMNS = ("contact_id", "site", "grader", "criterion", "answer", "comment")
REQUIRED = ("contact_id", "grader", "criterion", "answer")
ALIASES = {
    "contact": "contact_id",
    "evaluateur": "grader",
    "évaluateur": "grader",
    "critere": "criterion",
    "critère": "criterion",
    "reponse": "answer",
    "réponse": "answer",
    "commentaire": "comment",
    "id contact": "contact_id",
}


def who_or_user(who: str | None) -> str:
    return who or os.environ.get("ARBITRE_USER") or getpass.getuser()


# --- grids ------------------------------------------------------------------------------------


def store_grid(ws: Workspace, path: Path, *, who: str | None = None) -> GridStored:
    """Validate ``path`` and store it as the grid's next version (nothing if unchanged)."""
    text = _read_text(path)
    grid = parse_model(text, Grid, file=str(path))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with session_scope(ws.engine) as session:
        last = session.scalars(
            select(QaGridVersion)
            .where(QaGridVersion.grid_id == grid.id)
            .order_by(QaGridVersion.version.desc())
            .limit(1)
        ).first()
        unchanged = last is not None and last.sha256 == digest
        version = last.version if last is not None and unchanged else (last.version + 1 if last else 1)
        if not unchanged:
            session.add(
                QaGridVersion(
                    grid_id=grid.id,
                    version=version,
                    created_at=datetime.now(UTC),
                    who=who_or_user(who),
                    source=str(path),
                    sha256=digest,
                    text=text,
                )
            )
    return GridStored(
        grid_id=grid.id,
        version=version,
        unchanged=unchanged,
        criteria=len(grid.criteria),
        automatic=len(grid.automatic()),
    )


def list_grids(ws: Workspace) -> list[tuple[str, int]]:
    with session_scope(ws.engine) as session:
        rows = session.execute(
            select(QaGridVersion.grid_id, func.max(QaGridVersion.version)).group_by(QaGridVersion.grid_id)
        ).all()
    return [(g, int(v)) for g, v in sorted(rows)]


# --- evaluations ------------------------------------------------------------------------------


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a graders' file (CSV in UTF-8 or Windows-1252, any usual delimiter; or XLSX)
    as (line, {column: text}), headers folded to the canonical names."""
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table = _xlsx(path)
    else:
        text = _read_text(path)
        table = list(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text)))
    if not table:
        raise InputError("empty file", file=str(path))
    header = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"missing column {missing[0]}",
            file=str(path),
            line=1,
            expected=", ".join(COLUMNS),
            got=",".join(header),
        )
    out = []
    for i, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        out.append((i, {h: (row[k].strip() if k < len(row) else "") for k, h in enumerate(header)}))
    return out


def _xlsx(path: Path) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(f"not a readable XLSX workbook ({exc})", file=str(path)) from None
    try:
        sheet = book.worksheets[0]
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def import_evaluations(
    ws: Workspace, path: Path, *, grid_id: str | None = None, site: str | None = None
) -> EvaluationImport:
    """Import a graders' file on the latest version of the grid; all or nothing.

    ``site`` fills the column when the file has none (a contact is known by its id and site).
    """
    grid, version = load_grid(ws, grid_id)
    rows = read_rows(path)
    errors: list[RowError] = []
    by_eval: dict[tuple[str, str, str], dict[str, tuple[str, str | None]]] = defaultdict(dict)
    for line, r in rows:
        contact, grader = r.get("contact_id", ""), r.get("grader", "")
        where = r.get("site") or site or ""
        if not contact:
            errors.append(RowError(str(path), line, "contact_id", "a contact id is required"))
            continue
        if not where:
            errors.append(RowError(str(path), line, "site", "a site is required (a column, or --site)"))
            continue
        if not grader:
            errors.append(RowError(str(path), line, "grader", "a grader is required"))
            continue
        name = r.get("criterion", "")
        try:
            criterion = grid.criterion(name)
        except KeyError:
            errors.append(
                RowError(str(path), line, "criterion", f"not a criterion of grid {grid.id} v{version}", name)
            )
            continue
        answer = r.get("answer", "")
        try:
            criterion.value(answer)
        except ValueError as exc:
            errors.append(RowError(str(path), line, "answer", str(exc), answer))
            continue
        key = (contact, where, grader)
        if name in by_eval[key]:
            errors.append(
                RowError(str(path), line, "criterion", "answered twice for this contact and grader", name)
            )
            continue
        by_eval[key][name] = (_canonical(answer, criterion.answers), r.get("comment") or None)
    if not errors:
        errors += _unknown_contacts(ws, path, rows, by_eval, site)
    if errors:
        raise RejectedRows(str(path), errors, rows=len(rows))
    import_id = uuid.uuid4().hex
    now = datetime.now(UTC)
    inserted = updated = 0
    scores: list[float] = []
    with session_scope(ws.engine) as session:
        for (contact, where, grader), answers in by_eval.items():
            s, failed = _score(grid, {k: a for k, (a, _) in answers.items()})
            old = session.scalars(
                select(QaEvaluation).where(
                    QaEvaluation.grid_id == grid.id,
                    QaEvaluation.contact_id == contact,
                    QaEvaluation.site == where,
                    QaEvaluation.grader == grader,
                )
            ).first()
            if old is not None:
                session.execute(delete(QaAnswer).where(QaAnswer.evaluation_id == old.id))
                evaluation = old
                evaluation.grid_version = version
                evaluation.imported_at = now
                evaluation.import_id = import_id
                updated += 1
            else:
                evaluation = QaEvaluation(
                    id=uuid.uuid4().hex,
                    grid_id=grid.id,
                    grid_version=version,
                    contact_id=contact,
                    site=where,
                    grader=grader,
                    imported_at=now,
                    import_id=import_id,
                )
                session.add(evaluation)
                inserted += 1
            evaluation.score = s
            evaluation.critical_failed = failed
            if s is not None:
                scores.append(s)
            session.flush()
            for name, (answer, comment) in answers.items():
                session.add(
                    QaAnswer(evaluation_id=evaluation.id, criterion=name, answer=answer, comment=comment)
                )
    write_human_scores(ws)
    return EvaluationImport(
        file=str(path),
        grid_id=grid.id,
        grid_version=version,
        rows=len(rows),
        evaluations=len(by_eval),
        inserted=inserted,
        updated=updated,
        graders=sorted({g for _, _, g in by_eval}),
        contacts=len({(c, s) for c, s, _ in by_eval}),
        mean_score=float(np.mean(scores)) if scores else None,
    )


def _canonical(answer: str, kind: str) -> str:
    """``oui`` → ``yes``, ``N/A`` → ``na``; a scale answer as its number."""
    a = answer.strip().lower()
    if kind == "scale":
        return a.replace(",", ".")
    if a in ("yes", "oui", "o", "y", "1", "true", "vrai", "conforme"):
        return "yes"
    if a in ("no", "non", "n", "0", "false", "faux", "non conforme"):
        return "no"
    return "na"


def _score(grid: Grid, answers: dict[str, str]) -> tuple[float | None, bool]:
    ids = [c.id for c in grid.criteria]
    values = np.array([[grid.criterion(i).value(answers[i]) if i in answers else np.nan for i in ids]])
    s, failed = score(grid, values)
    return (None if np.isnan(s[0]) else float(s[0])), bool(failed[0])


def _unknown_contacts(
    ws: Workspace,
    path: Path,
    rows: list[tuple[int, dict[str, str]]],
    by_eval: dict[tuple[str, str, str], dict[str, tuple[str, str | None]]],
    site: str | None,
) -> list[RowError]:
    """Rows naming a contact (id and site) the store does not hold."""
    keys = sorted({(c, s) for c, s, _ in by_eval})
    con = connect(ws.settings.timezone)
    try:
        con.register("wanted", pa.table({"contact_id": [k[0] for k in keys], "site": [k[1] for k in keys]}))
        source = InteractionStore(ws).source_sql()
        known = set(
            con.sql(
                f"SELECT contact_id, site FROM {source} s SEMI JOIN wanted USING (contact_id, site)"
            ).fetchall()
        )
    finally:
        con.close()
    out = []
    for line, r in rows:
        key = (r.get("contact_id", ""), r.get("site") or site or "")
        if key not in known:
            out.append(
                RowError(
                    str(path), line, "contact_id", f"no such contact on site {key[1]!r} in the store", key[0]
                )
            )
    return out


def write_human_scores(ws: Workspace) -> Path:
    """Rewrite the per-contact human scores the KPI engine joins (atomically: a reader sees the
    old file or the new one). One row per contact, grid and grader's evaluation."""
    with session_scope(ws.engine) as session:
        rows = session.execute(
            select(
                QaEvaluation.contact_id,
                QaEvaluation.site,
                QaEvaluation.grid_id,
                QaEvaluation.grader,
                QaEvaluation.score,
                QaEvaluation.critical_failed,
            )
        ).all()
    table = pa.table(
        {
            "contact_id": pa.array([r[0] for r in rows], pa.string()),
            "site": pa.array([r[1] for r in rows], pa.string()),
            "grid_id": pa.array([r[2] for r in rows], pa.string()),
            "grader": pa.array([r[3] for r in rows], pa.string()),
            "score": pa.array([r[4] for r in rows], pa.float64()),
            "critical": pa.array([bool(r[5]) for r in rows], pa.bool_()),
        }
    )
    folder = quality_dir(ws)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / HUMAN_FILE
    tmp = folder / f".{HUMAN_FILE}.{uuid.uuid4().hex}"
    pq.write_table(table, tmp)
    os.replace(tmp, target)
    return target


# --- disputes ---------------------------------------------------------------------------------


def raise_dispute(
    ws: Workspace,
    *,
    contact_id: str,
    site: str,
    criterion: str,
    proposed: str,
    reason: str,
    grader: str | None = None,
    grid_id: str | None = None,
    who: str | None = None,
) -> Dispute:
    """The provider disputes a criterion's answer in a grader's evaluation of a contact."""
    grid, _ = load_grid(ws, grid_id)
    try:
        c = grid.criterion(criterion)
        c.value(proposed)
    except KeyError:
        raise InputError(f"not a criterion of grid {grid.id}", field="--criterion", got=criterion) from None
    except ValueError as exc:
        raise InputError(str(exc), field="--answer", got=proposed) from None
    if not reason.strip():
        raise InputError("a dispute needs its reason", field="--reason")
    with session_scope(ws.engine) as session:
        query = select(QaEvaluation).where(
            QaEvaluation.grid_id == grid.id, QaEvaluation.contact_id == contact_id, QaEvaluation.site == site
        )
        if grader:
            query = query.where(QaEvaluation.grader == grader)
        found = list(session.scalars(query))
        if not found:
            raise InputError(f"no evaluation of contact {contact_id!r} on site {site!r}", field="--contact")
        if len(found) > 1:
            names = ", ".join(sorted(e.grader for e in found))
            raise InputError(
                f"{len(found)} graders evaluated this contact ({names}): give --grader", field="--grader"
            )
        evaluation = found[0]
        current = session.get(QaAnswer, (evaluation.id, criterion))
        row = QaDispute(
            id=uuid.uuid4().hex,
            evaluation_id=evaluation.id,
            criterion=criterion,
            proposed=_canonical(proposed, c.answers),
            reason=reason.strip(),
            raised_by=who_or_user(who),
            raised_at=datetime.now(UTC),
            status="open",
            previous=None if current is None else current.answer,
        )
        session.add(row)
        session.flush()
        return _dispute_doc(row, evaluation)


def decide_dispute(
    ws: Workspace, dispute_id: str, *, accept: bool, note: str | None = None, who: str | None = None
) -> Dispute:
    """Accept (the proposed answer replaces the grader's, the score is recomputed) or reject."""
    with session_scope(ws.engine) as session:
        row = session.get(QaDispute, dispute_id)
        if row is None:
            raise InputError("no such dispute", field="DISPUTE", got=dispute_id)
        if row.status != "open":
            raise InputError(f"dispute already {row.status}", field="DISPUTE", got=dispute_id)
        evaluation = session.get(QaEvaluation, row.evaluation_id)
        assert evaluation is not None
        before = evaluation.score
        row.status = "accepted" if accept else "rejected"
        row.decided_by = who_or_user(who)
        row.decided_at = datetime.now(UTC)
        row.note = note
        if accept:
            grid, _ = load_grid(ws, evaluation.grid_id, version=evaluation.grid_version)
            answer = session.get(QaAnswer, (evaluation.id, row.criterion))
            if answer is None:
                session.add(
                    QaAnswer(evaluation_id=evaluation.id, criterion=row.criterion, answer=row.proposed)
                )
            else:
                answer.answer = row.proposed
            session.flush()
            answers = {
                a.criterion: a.answer
                for a in session.scalars(select(QaAnswer).where(QaAnswer.evaluation_id == evaluation.id))
            }
            evaluation.score, evaluation.critical_failed = _score(grid, answers)
        doc = _dispute_doc(row, evaluation, before=before)
    if accept:
        write_human_scores(ws)
    return doc


def list_disputes(ws: Workspace, *, status: str | None = None) -> list[Dispute]:
    with session_scope(ws.engine) as session:
        query = select(QaDispute, QaEvaluation).join(QaEvaluation, QaEvaluation.id == QaDispute.evaluation_id)
        if status:
            query = query.where(QaDispute.status == status)
        return [_dispute_doc(d, e) for d, e in session.execute(query.order_by(QaDispute.raised_at)).all()]


def _dispute_doc(row: QaDispute, evaluation: QaEvaluation, *, before: float | None = None) -> Dispute:
    return Dispute(
        id=row.id,
        evaluation_id=row.evaluation_id,
        contact_id=evaluation.contact_id,
        site=evaluation.site,
        grader=evaluation.grader,
        criterion=row.criterion,
        proposed=row.proposed,
        previous=row.previous,
        status=row.status,
        reason=row.reason,
        raised_by=row.raised_by,
        raised_at=row.raised_at.isoformat(timespec="seconds"),
        decided_by=row.decided_by,
        decided_at=None if row.decided_at is None else row.decided_at.isoformat(timespec="seconds"),
        note=row.note,
        score_before=before if before is not None else evaluation.score,
        score_after=evaluation.score,
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("a folder, not a file", file=str(path)) from None
    except UnicodeDecodeError:
        try:
            return path.read_text(encoding="cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 or Windows-1252 text ({exc.reason})", file=str(path)) from None
