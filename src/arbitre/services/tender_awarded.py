"""A tender's lot awarded once, and for good: the award (`tender_award.award`, the files of
`arbitre tender award`) recorded in the app database — to whom, when, by whom — so that the
tender's pages show the lot awarded and a second award of it is refused (`Conflict`, HTTP 409).

The row is claimed before any file is written (the unique tender and lot, migration 0010): of two
awards of a lot at once, in one process or two, one writes the files and the other is refused.
An award that fails (a bid that cannot take the lot, a file that is not the award's) gives its
row back, so the lot can be awarded once the cause is fixed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from arbitre.domain.tender import Tender
from arbitre.errors import Conflict, InputError
from arbitre.services.audit import Actor, record
from arbitre.services.tender_award import AwardResult, award
from arbitre.services.tender_views import AwardOut, award_out, awards_of
from arbitre.store.appdb import TenderAward, session_scope
from arbitre.store.workspace import Workspace


def award_once(
    ws: Workspace, tender: Tender, lot: str, provider: str, *, actor: Actor, now: datetime | None = None
) -> AwardOut:
    """Award ``lot`` of ``tender`` to ``provider`` as ``actor`` (a web account, or ``cli:<user>``
    for `arbitre tender award`), record it and its audit entry (``tender_award``); `Conflict` when
    the lot is awarded already (naming to whom, when and by whom), `InputError` for a lot the
    tender does not have or a provider the award refuses (nothing recorded then)."""
    lots = [x.id for x in tender.all_lots()]
    if lot not in lots:
        raise InputError(field="lot", expected=f"a lot of {tender.id} ({', '.join(lots)})", got=lot[:100])
    at = now or datetime.now(UTC)
    try:
        with session_scope(ws.engine) as session:
            claim = TenderAward(
                tender_id=tender.id,
                lot=lot,
                provider=provider[:100],
                awarded_at=at,
                awarded_by=actor.name[:200],
                files="[]",
            )
            session.add(claim)
            session.flush()
            claim_id = claim.id
    except IntegrityError:
        raise _conflict(ws, tender, lot) from None
    try:
        result = award(ws, tender.id, lot, provider)
    except BaseException:
        with session_scope(ws.engine) as session:
            session.execute(delete(TenderAward).where(TenderAward.id == claim_id))
        raise
    out = award_out(ws, result)
    with session_scope(ws.engine) as session:
        session.execute(
            update(TenderAward)
            .where(TenderAward.id == claim_id)
            .values(recommended=out.recommended, files=json.dumps(out.offers + out.contracts))
        )
    record(
        ws,
        actor,
        "tender_award",
        tender.id,
        lot=lot,
        provider=provider,
        recommended=out.recommended,
        files=", ".join(out.offers + out.contracts),
    )
    return out


def _conflict(ws: Workspace, tender: Tender, lot: str) -> Conflict:
    done = next((a for a in awards_of(ws, tender.id) if a.lot == lot), None)
    if done is None:  # claimed by an award still writing its files
        return Conflict(f"lot {lot} of {tender.id} is being awarded")
    return Conflict(
        f"lot {lot} of {tender.id} was awarded to {done.provider} on "
        f"{done.awarded_at.isoformat(timespec='minutes')} by {done.awarded_by}"
    )


def record_awards(ws: Workspace, results: list[AwardResult], *, who: str, at: datetime) -> None:
    """Record awards a service call made (the demo's `award_lots`), as `award_once` records its
    own: the pages show those lots awarded and refuse a second award. `Conflict` when one of the
    lots is recorded already (nothing recorded then)."""
    try:
        with session_scope(ws.engine) as session:
            for r in results:
                out = award_out(ws, r)
                session.add(
                    TenderAward(
                        tender_id=r.tender,
                        lot=r.lot,
                        provider=r.provider,
                        recommended=r.recommended,
                        awarded_at=at,
                        awarded_by=who,
                        files=json.dumps(out.offers + out.contracts),
                    )
                )
    except IntegrityError:
        raise Conflict(f"a lot of {results[0].tender} is awarded already") from None


__all__ = ["award_once", "record_awards"]
