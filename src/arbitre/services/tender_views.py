"""The tenders as an account sees them (the web app and its API): the client every tender of the
workspace, a provider the tenders it is invited to and its own bids only.

What is shown before the deadline is the technical part (`tender_bids.list_bids`); prices are read
by the score alone (`tender_score.score_tender`, through the seal), and only for the client. A
tender a provider is not invited to is *not found*, told as one that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from arbitre.domain.tender import Invitee, Lot, Tender
from arbitre.errors import InputError
from arbitre.services.access import (
    NotAllowed,
    NotFound,
    Permission,
    can,
    invitation,
    is_client,
    sees_tender,
)
from arbitre.services.accounts import Account
from arbitre.services.audit import aware
from arbitre.services.tender import NAME, TENDERS_DIR, load_tender
from arbitre.services.tender_award import AwardResult
from arbitre.services.tender_bids import BidTechnical, StoredBid, list_bids
from arbitre.store.appdb import TenderAward, session_scope
from arbitre.store.workspace import Workspace


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AwardRecord(_View):
    """A lot awarded, as stored (`tender_awarded.award_once`): to whom, when, by whom, whether the
    score recommended that bid, the files written."""

    tender: str
    lot: str
    provider: str
    recommended: str | None
    awarded_at: datetime
    awarded_by: str
    files: list[str]


class LotAwarded(_View):
    """A lot's award as an account sees it: the client all of it; a provider when and whether it
    is its own (``provider`` is its id when it won the lot, else None), never by whom."""

    lot: str
    awarded_at: datetime
    provider: str | None
    awarded_by: str | None
    recommended: str | None


class TenderSummary(_View):
    """A tender in a list: what it buys, until when bids are received, its lots awarded."""

    id: str
    title: str
    buyer: str
    bids_due: datetime
    sealed: bool
    lots: list[Lot]
    invited: list[Invitee]  # the client's view; a provider's lists its own invitation only
    awarded: list[LotAwarded] = []


class BidStatus(_View):
    """A provider's latest bid, technical part only: the version, the file and its SHA-256, when
    it was received; never a price."""

    provider: str
    version: int
    file_name: str
    file_sha256: str
    received_at: datetime
    technical: BidTechnical


class AwardOut(_View):
    """What an award wrote, as paths inside the workspace (`tender_award.AwardResult`)."""

    tender: str
    lot: str
    provider: str
    recommended: str | None
    offers: list[str]
    set_aside: list[str]
    contracts: list[str]


class GradesRecorded(_View):
    """How many grades an evaluator's entry stored."""

    grades: int


def require_tenders(account: Account) -> None:
    """The client's side, or a provider (who sees the tenders it is invited to)."""
    if not (can(account, Permission.READ_WORKSPACE) or can(account, Permission.TENDER_BID)):
        raise NotAllowed(f"the role {account.role} does not allow tenders")


def tender_names(ws: Workspace) -> list[str]:
    """The ids of the tender files of the workspace (``tenders/<id>.yaml``)."""
    folder = ws.root / TENDERS_DIR
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if NAME.match(p.stem))


def visible_tender(ws: Workspace, account: Account, name: str) -> Tender:
    """The tender ``name`` if the account may see it, else `NotFound` (as for no such tender)."""
    if not NAME.match(name) or name not in tender_names(ws):
        raise NotFound(f"no tender {name!r}")
    tender = load_tender(ws, name)
    if not sees_tender(account, tender):
        raise NotFound(f"no tender {name!r}")
    return tender


def awards_of(ws: Workspace, tender_id: str) -> list[AwardRecord]:
    """The lots of the tender awarded, in the order of their award."""
    with session_scope(ws.engine) as session:
        rows = session.scalars(
            select(TenderAward).where(TenderAward.tender_id == tender_id).order_by(TenderAward.id)
        ).all()
        return [
            AwardRecord(
                tender=r.tender_id,
                lot=r.lot,
                provider=r.provider,
                recommended=r.recommended,
                awarded_at=aware(r.awarded_at),
                awarded_by=r.awarded_by,
                files=json.loads(r.files),
            )
            for r in rows
        ]


def seen_award(account: Account, tender: Tender, award: AwardRecord) -> LotAwarded:
    """The award as ``account`` sees it (`LotAwarded`)."""
    if is_client(account):
        return LotAwarded(
            lot=award.lot,
            awarded_at=award.awarded_at,
            provider=award.provider,
            awarded_by=award.awarded_by,
            recommended=award.recommended,
        )
    mine = invitation(account, tender)
    won = mine is not None and mine.provider == award.provider
    return LotAwarded(
        lot=award.lot,
        awarded_at=award.awarded_at,
        provider=award.provider if won else None,
        awarded_by=None,
        recommended=None,
    )


def summary(
    account: Account, tender: Tender, *, now: datetime, awards: Sequence[AwardRecord] = ()
) -> TenderSummary:
    mine = invitation(account, tender)
    return TenderSummary(
        id=tender.id,
        title=tender.title,
        buyer=tender.buyer.name,
        bids_due=tender.timetable.bids_due,
        sealed=now < tender.timetable.bids_due,
        lots=tender.all_lots(),
        invited=list(tender.invited) if is_client(account) else [mine] if mine else [],
        awarded=[seen_award(account, tender, a) for a in awards],
    )


def tenders_of(ws: Workspace, account: Account, *, now: datetime) -> list[TenderSummary]:
    """The tenders the account sees; a tender file in error is left out of a provider's list and
    raises for the client (who can fix it)."""
    out = []
    for name in tender_names(ws):
        try:
            tender = load_tender(ws, name)
        except InputError:
            if is_client(account):
                raise
            continue
        if sees_tender(account, tender):
            out.append(summary(account, tender, now=now, awards=awards_of(ws, tender.id)))
    return out


def bids_of(ws: Workspace, account: Account, tender: Tender) -> list[BidStatus]:
    """The latest bid of each provider (the client), or the provider's own bid only."""
    mine = invitation(account, tender)
    if not is_client(account) and mine is None:
        return []
    return [
        _status(b)
        for b in list_bids(ws, tender)
        if is_client(account) or (mine is not None and b.provider == mine.provider)
    ]


def _status(b: StoredBid) -> BidStatus:
    return BidStatus(
        provider=b.provider,
        version=b.version,
        file_name=b.file_name,
        file_sha256=b.file_sha256,
        received_at=b.received_at,
        technical=b.technical,
    )


def award_out(ws: Workspace, result: AwardResult) -> AwardOut:
    def rel(paths: list[Path]) -> list[str]:
        return [p.relative_to(ws.root).as_posix() for p in paths]

    return AwardOut(
        tender=result.tender,
        lot=result.lot,
        provider=result.provider,
        recommended=result.recommended,
        offers=rel(result.offers),
        set_aside=rel(result.set_aside),
        contracts=rel(result.contracts),
    )


__all__ = [
    "AwardOut",
    "AwardRecord",
    "BidStatus",
    "GradesRecorded",
    "LotAwarded",
    "TenderSummary",
    "award_out",
    "awards_of",
    "bids_of",
    "require_tenders",
    "seen_award",
    "summary",
    "tender_names",
    "tenders_of",
    "visible_tender",
]
