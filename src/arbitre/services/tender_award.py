"""The award of a tender's lot: the winning bid into ``offers/`` for `arbitre decide`, and a draft
contract into ``contracts/`` for `arbitre contract` (`arbitre.tender.award` builds both).

After the deadline only (the prices are read through `unsealed_bids`). Every bid is priced on
the DQE as `score_tender` prices it, so the award says whether the provider is the one the score
recommends for the lot; the buyer decides (a provider the score does not recommend is awarded,
and said so). A bid that cannot take the lot's volumes (its refusals) is not awarded.

Files. The award writes ``offers/<provider>-<flow>.yaml`` and
``contracts/<tender>-<lot>-<provider>.yaml``, each starting with `MARK`: a file of that name
without the mark is not the award's and is not overwritten. The offers the bids replace are set
aside in ``offers/drafts/`` (the decision reads ``offers/*.yaml`` only): every offer marked
``draft: true`` (drafted from the reference rates), and the offers an earlier award of the same
lot wrote for another provider. Offers that are bids of their own, or today's prices, stay: the
award does not guess which of them the tender supersedes (docs/tender.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from arbitre.domain.contract import Contract
from arbitre.domain.costing import Offer
from arbitre.domain.tender import Bid, Lot, Tender
from arbitre.errors import InputError
from arbitre.services.decide import OFFERS_DIR
from arbitre.services.tender import load_tender
from arbitre.services.tender_bids import unsealed_bids
from arbitre.services.tender_grades import technical_board
from arbitre.services.tender_score import Dqe, priced
from arbitre.store.workspace import Workspace
from arbitre.tender.award import AwardError, award_offers, draft_contracts
from arbitre.tender.document import lot_out
from arbitre.yamlio import parse_model

MARK = "# arbitre tender award:"
CONTRACTS_DIR = "contracts"
DRAFTS_DIR = "drafts"


@dataclass(frozen=True)
class AwardResult:
    """What an award wrote: the offers, the offers set aside, the draft contracts, and the
    provider the score recommends for the lot (None when it recommends none)."""

    tender: str
    lot: str
    provider: str
    recommended: str | None
    offers: list[Path]
    set_aside: list[Path]
    contracts: list[Path]


def award(ws: Workspace, name: str, lot: str, provider: str, *, now: datetime | None = None) -> AwardResult:
    """Award ``lot`` of the tender ``name`` to ``provider`` (see the module docstring)."""
    return award_lots(ws, name, {lot: provider}, now=now)[0]


def award_lots(
    ws: Workspace, name: str, winners: Mapping[str, str], *, now: datetime | None = None
) -> list[AwardResult]:
    """Award each lot of ``winners`` (lot → provider) of the tender ``name``: the DQE and the
    bids priced once for them all; every lot checked and every file claimed before any is written."""
    tender = load_tender(ws, name)
    now = now or datetime.now(UTC)
    lots = {x.id: x for x in tender.all_lots()}
    bids = unsealed_bids(ws, tender, now=now)
    for lot, provider in winners.items():
        if lot not in lots:
            raise InputError(field="--lot", expected=f"a lot of {tender.id} ({', '.join(lots)})", got=lot)
        if not any(b.provider == provider and lot in b.lots for b in bids):
            bidders = sorted(b.provider for b in bids if lot in b.lots)
            raise InputError(
                field="--provider",
                expected=f"a provider who bid for lot {lot} ({', '.join(bidders) or 'none'})",
                got=provider,
            )
    volumes, comparisons = priced(ws, tender, bids)
    board = technical_board(ws, tender)
    plans = []
    for lot, provider in winners.items():
        bid = next(b for b in bids if b.provider == provider)
        comparison = next(c for c in comparisons if c.lot.id == lot)
        quote = next(q for q in comparison.quotes if q.provider == provider)
        if not quote.feasible:
            raise InputError(
                f"the bid of {provider} cannot take lot {lot} as the DQE sizes it: {'; '.join(quote.refusals)}",
                field="--provider",
            )
        term_cost = {
            f.flow: f.cost.period_total
            for c in comparisons
            for q in c.quotes
            if q.provider == provider
            for f in q.flows
        }
        offers, contracts = _documents(tender, bid, lots[lot], volumes, term_cost)
        recommended = lot_out(comparison, tender=tender, board=board).recommended
        plans.append((lot, provider, recommended, offers, contracts))
    offers_dir = ws.root / OFFERS_DIR
    contracts_dir = ws.root / CONTRACTS_DIR
    for _, _, _, offers, contracts in plans:
        for path in [offers_dir / f"{o.id}.yaml" for o in offers] + [
            contracts_dir / f"{c.id}.yaml" for c in contracts
        ]:
            _claim(path)
    return [_write(ws, tender.id, *plan) for plan in plans]


def _documents(
    tender: Tender, bid: Bid, lot: Lot, volumes: Dqe, term_cost: dict[str, Decimal]
) -> tuple[list[Offer], list[Contract]]:
    """The offers and draft contracts of one lot; a value the models refuse is an `InputError`."""
    try:
        offers = award_offers(
            bid,
            lot,
            workloads=volumes.workloads,
            reference_aht_s=volumes.reference_aht_s,
            term_cost=term_cost,
        )
        contracts = draft_contracts(
            tender, bid, lot, offers=offers, workloads=volumes.workloads, monthly=volumes.monthly
        )
    except ValidationError as exc:  # an id or a value the models refuse (a flow's name in a contract id)
        first = exc.errors()[0]
        raise InputError(
            field=".".join(str(x) for x in first["loc"]) or "award",
            expected=first["msg"].removeprefix("Value error, "),
            got=str(first.get("input"))[:200],
        ) from None
    except AwardError as exc:
        raise InputError(str(exc), field="--provider") from None
    return offers, contracts


def _write(
    ws: Workspace,
    tender_id: str,
    lot: str,
    provider: str,
    recommended: str | None,
    offers: list[Offer],
    contracts: list[Contract],
) -> AwardResult:
    """Set aside the offers the lot's award replaces, then write its offers and contracts."""
    offers_dir = ws.root / OFFERS_DIR
    mark = f"{MARK} {tender_id}, lot {lot}"
    offer_paths = [offers_dir / f"{o.id}.yaml" for o in offers]
    contract_paths = [ws.root / CONTRACTS_DIR / f"{c.id}.yaml" for c in contracts]
    aside = _to_set_aside(offers_dir, mark=mark, keep=set(offer_paths))
    texts = [(p, _yaml(o, mark, Offer)) for p, o in zip(offer_paths, offers, strict=True)]
    texts += [(p, _yaml(c, mark, Contract)) for p, c in zip(contract_paths, contracts, strict=True)]
    moved = []
    drafts = offers_dir / DRAFTS_DIR
    for path in aside:
        drafts.mkdir(parents=True, exist_ok=True)
        target = drafts / path.name
        if target.exists():
            raise InputError(
                "exists: an offer set aside earlier has this name; move it first", file=str(target)
            )
        os.replace(path, target)
        moved.append(target)
    for path, text in texts:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".yaml.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return AwardResult(tender_id, lot, provider, recommended, offer_paths, moved, contract_paths)


def _claim(path: Path) -> None:
    """Refuse to replace a file the award did not write."""
    if path.is_dir():
        raise InputError("a folder, not a file", file=str(path))
    if path.exists() and not path.read_text(encoding="utf-8", errors="replace").startswith(MARK):
        raise InputError(
            "exists and was not written by `arbitre tender award`: not overwritten", file=str(path)
        )


def _to_set_aside(folder: Path, *, mark: str, keep: set[Path]) -> list[Path]:
    """The offers the award replaces: drafts, and an earlier award of the same lot."""
    out = []
    for path in sorted(folder.glob("*.yaml")):
        if path in keep:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if text.startswith(mark + "\n") or parse_model(text, Offer, file=str(path)).draft:
            out.append(path)
    return out


def _yaml(model: BaseModel, mark: str, kind: type[BaseModel]) -> str:
    """The model as YAML a person edits (numbers as numbers), after the award's mark; read back
    through the model, as `arbitre decide` and `arbitre contract` will read it."""
    written = datetime.now(UTC).date().isoformat()
    data = _plain(model.model_dump(exclude_none=True))
    text = f"{mark}\n# Written on {written} from the bid; edit before use.\n" + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True
    )
    parse_model(text, kind, file=mark)
    return text


def _plain(value: object) -> object:
    """Decimals as numbers, dates as text, enums as their values, for `yaml.safe_dump` (the edge
    where a model becomes the YAML a person edits)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


__all__ = ["MARK", "AwardResult", "award", "award_lots"]
