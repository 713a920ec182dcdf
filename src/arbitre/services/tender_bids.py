"""The bids of a tender: imported all or none, sealed until the deadline.

Files: ``tenders/<id>.yaml`` (the tender, validated with line errors). App database: the bids
received (``tender_bids``: the provider's file as sent, its technical part, its price part
apart) and the evaluators' grades (``tender_grades``).

The seal. A bid's prices, fees and productivity assumptions are stored in their own column and
are read by one function only, `unsealed_bids`, which refuses before the tender's ``bids_due``
(compared with the clock the caller passes). Everything else — the list of bids, the technical
evaluation, `score_tender` before the deadline — reads the technical part only. Each file's
SHA-256 and time of receipt are stored with it, so that a file changed after the deadline shows.
It is a procedural seal (the envelope in the safe), not a cryptographic one: whoever can read the
database directly can read the prices; docs/tender.md says so.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from arbitre.domain.tender import Bid, BidCertification, BidSite, RampUp, Tender
from arbitre.errors import CellError, InputError, RejectedCells
from arbitre.services.tender import load_tender, questions
from arbitre.store.appdb import TenderBid, session_scope
from arbitre.store.workspace import Workspace
from arbitre.tender.grid import BIDDER_ROWS, read_bid, sheet_name


class SealedError(InputError):
    """The prices of a tender's bids are asked for before its deadline."""


class BidTechnical(BaseModel):
    """A bid without its price part: what anyone may see before the deadline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tender: str
    provider: str
    provider_name: str
    contact: str | None = None
    lots: list[str]
    ramp_up: RampUp
    sites: list[BidSite]
    certifications: list[BidCertification]
    answers: dict[str, str]


SEALED_FIELDS = {"prices", "fees", "productivity"}


@dataclass(frozen=True)
class StoredBid:
    provider: str
    version: int
    file_name: str
    file_sha256: str
    received_at: datetime
    technical: BidTechnical


def import_bids(
    ws: Workspace,
    name: str,
    files: Sequence[Path],
    *,
    who: str | None = None,
    received_at: datetime | None = None,
    now: datetime | None = None,
    bidder: str | None = None,
) -> list[StoredBid]:
    """Read every grid of ``files``, then store them all in one transaction — or none.

    A file received after the deadline is refused; two files of the same provider in one import
    are refused; a provider's new file before the deadline is a new version. ``bidder`` (the web
    portal: the provider's invitation) is the bidder id every grid must give.
    """
    tender = load_tender(ws, name)
    now = now or datetime.now(UTC)
    received = received_at or now
    if received.tzinfo is None:
        raise InputError(
            field="--received-at", expected="a time with its UTC offset", got=received.isoformat()
        )
    if received > now + timedelta(minutes=5):
        raise InputError(
            field="--received-at",
            expected=f"a time before now ({now.isoformat(timespec='seconds')})",
            got=received.isoformat(),
        )
    if received > tender.timetable.bids_due:
        raise InputError(
            f"received after the deadline {tender.timetable.bids_due.isoformat()}: a late bid is not admitted",
            field="--received-at",
        )
    asked = [n for n, _ in questions(tender)]
    read: list[tuple[Path, bytes, Bid]] = []
    for path in files:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError("file not found", file=str(path)) from None
        except IsADirectoryError:
            raise InputError("a folder, not a file", file=str(path)) from None
        bid = read_bid(data, tender=tender, questions=asked, file=str(path))
        if bidder is not None and bid.provider != bidder:
            cell = f"B{BIDDER_ROWS['provider']}"
            raise RejectedCells(
                path.name,
                [
                    CellError(
                        path.name, sheet_name("bidder", "fr"), cell, f"your bidder id, {bidder}", bid.provider
                    )
                ],
            )
        read.append((path, data, bid))
    providers = [b.provider for _, _, b in read]
    dupes = sorted({p for p in providers if providers.count(p) > 1})
    if dupes:
        raise InputError(f"two files are bids of {dupes[0]!r}: import one")
    stored = []
    imported = datetime.now(UTC)
    with session_scope(ws.engine) as session:
        for path, data, bid in read:
            last = session.scalar(
                select(func.max(TenderBid.version)).where(
                    TenderBid.tender_id == tender.id, TenderBid.provider == bid.provider
                )
            )
            version = (last or 0) + 1
            technical = BidTechnical.model_validate(bid.model_dump(mode="json", exclude=SEALED_FIELDS))
            digest = hashlib.sha256(data).hexdigest()
            session.add(
                TenderBid(
                    id=uuid.uuid4().hex,
                    tender_id=tender.id,
                    provider=bid.provider,
                    version=version,
                    received_at=received,
                    imported_at=imported,
                    who=who_of(who),
                    file_name=path.name,
                    file_sha256=digest,
                    file=data,
                    technical=technical.model_dump_json(),
                    sealed=json.dumps(bid.model_dump(mode="json", include=SEALED_FIELDS)),
                )
            )
            stored.append(StoredBid(bid.provider, version, path.name, digest, received, technical))
    return stored


def who_of(who: str | None) -> str:
    return (who or os.environ.get("ARBITRE_USER") or getpass.getuser())[:200]


def _latest(ws: Workspace, tender_id: str) -> list[TenderBid]:
    with session_scope(ws.engine) as session:
        rows = session.scalars(
            select(TenderBid)
            .where(TenderBid.tender_id == tender_id)
            .order_by(TenderBid.provider, TenderBid.version)
        ).all()
        latest: dict[str, TenderBid] = {}
        for r in rows:
            latest[r.provider] = r
        for r in latest.values():
            session.expunge(r)
    return list(latest.values())


def list_bids(ws: Workspace, tender: Tender) -> list[StoredBid]:
    """The latest bid of each provider, technical part only (safe before the deadline)."""
    return [
        StoredBid(
            r.provider,
            r.version,
            r.file_name,
            r.file_sha256,
            _aware(r.received_at),
            BidTechnical.model_validate_json(r.technical),
        )
        for r in _latest(ws, tender.id)
    ]


def unsealed_bids(ws: Workspace, tender: Tender, *, now: datetime) -> list[Bid]:
    """The latest bid of each provider with its prices — the only read of the price part.

    Raises `SealedError` before the tender's deadline.
    """
    due = tender.timetable.bids_due
    if now < due:
        raise SealedError(
            f"the bids of {tender.id} are sealed until {due.isoformat()}: prices are neither shown nor scored before"
        )
    out = []
    for r in _latest(ws, tender.id):
        if hashlib.sha256(r.file).hexdigest() != r.file_sha256:
            raise InputError(
                f"the stored file of {r.provider}'s bid does not match its fingerprint: tampered with?"
            )
        out.append(Bid.model_validate({**json.loads(r.technical), **json.loads(r.sealed)}))
    return out


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)  # SQLite gives naive UTC back


__all__ = ["BidTechnical", "SealedError", "StoredBid", "import_bids", "list_bids", "unsealed_bids", "who_of"]
