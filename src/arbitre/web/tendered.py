"""A tender's score as the pages and the API read it: `arbitre.services.tender_score.score_tender`
(the CLI's `arbitre tender score`), computed once per state of what it reads — the tender file,
the bids, the grades, the store, and whether the seal is broken — and kept in memory: pricing the
bids on the DQE forecasts every flow of the term (seconds), a page view after the first asks only
the database whether anything changed."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from arbitre.domain.tender import Tender
from arbitre.services.tender import tender_path
from arbitre.services.tender_score import score_tender
from arbitre.store.appdb import TenderBid, TenderGrade, session_scope
from arbitre.store.workspace import Workspace
from arbitre.tender.document import TenderScore
from arbitre.web.planned import store_stamp

_kept: dict[tuple[object, ...], TenderScore] = {}
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


__all__ = ["tender_score"]
