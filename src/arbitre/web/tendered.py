"""A tender's score as the pages and the API read it: `arbitre.services.tender_score.score_tender`
(the CLI's `arbitre tender score`), computed once per state of what it reads — the tender file,
the bids, the grades, the store, and whether the seal is broken — and kept in memory: pricing the
bids on the DQE forecasts every flow of the term (seconds), a page view after the first asks only
the database whether anything changed (the document kept says when it was computed: ``now``).

And what the pages and the API both take from a request: the specification or grid to download,
a provider's posted grid, one grade."""

from __future__ import annotations

import tempfile
import threading
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from fastapi import UploadFile
from fastapi.responses import Response
from sqlalchemy import func, select

from arbitre.domain.tender import Evaluation, Grade, Tender
from arbitre.errors import InputError, RejectedCells
from arbitre.services.accounts import Account
from arbitre.services.audit import Actor, record
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
    """The score of ``tender`` now (sealed before its deadline: the technical evaluation only)."""
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


# --- the files and the forms both the pages and the API take ------------------------------------

FileKind = Literal["spec.docx", "spec.pdf", "grid.xlsx"]
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BID_LIMIT_MB = -(-MAX_FILE_BYTES // (1 << 20))  # the grid's own bound (5 MB), checked again by the reader


def spec_file(ws: Workspace, tender: Tender, kind: str, lang: str) -> tuple[bytes, str]:
    """The file ``kind`` of the tender (``spec.docx``, ``spec.pdf``, ``grid.xlsx``), as bytes and
    name: written by `write_spec` (the specification's volumes forecast the store: seconds), then
    kept in memory until the tender file or the store changes."""
    key = (
        str(ws.root),
        tender.id,
        tender_path(ws, tender.id).stat().st_mtime_ns,
        store_stamp(ws),
        kind,
        lang,
    )
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


def download(ws: Workspace, account: Account, actor: Actor, name: str, kind: FileKind, lang: str) -> Response:
    """The tender ``name``'s file ``kind`` for an account that sees the tender, as an attachment;
    each download audited."""
    require_tenders(account)
    tender = visible_tender(ws, account, name)
    data, filename = spec_file(ws, tender, kind, lang)
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


def evaluation_of(
    evaluator: str, provider: str, criterion: str, score: str, comment: str, *, consensus: bool
) -> Evaluation:
    """One grade as an `Evaluation`; a grade that is not a number ≥ 0 is refused with its field."""
    try:
        value = Decimal(score.strip().replace(",", "."))
    except InvalidOperation:
        raise InputError(field="score", expected="a number", got=score) from None
    if not value.is_finite() or value < 0:
        raise InputError(field="score", expected="a grade ≥ 0", got=score)
    grade = Grade(provider=provider, criterion=criterion, score=value, comment=comment.strip() or None)
    return Evaluation(evaluator=evaluator, consensus=consensus, grades=[grade])


__all__ = [
    "BID_LIMIT_MB",
    "MEDIA",
    "FileKind",
    "download",
    "evaluation_of",
    "receive_bid",
    "spec_file",
    "tender_score",
]
