"""The tender's score as one typed document: the technical board, each lot's comparison on the
DQE, the ranking, its sensitivity, the flags and the recommendation (what `arbitre tender score
--json` prints and the tender report shows). Money is `Decimal` (a string in JSON).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from arbitre.domain.tender import Tender
from arbitre.tender.consensus import Board
from arbitre.tender.normalise import LotComparison, LotQuote
from arbitre.tender.rank import RankWarning
from arbitre.tender.scoring import Candidate, Weights, rank, sensitivity, warnings, winners


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class FlowCostOut(_Out):
    flow: str
    model: str
    per_month: Decimal
    term_total: Decimal
    contacts: Decimal
    per_contact: Decimal | None
    productive_hours: Decimal
    logged_hours: Decimal
    fte: Decimal
    peak_agents: int
    aht_s: float
    reference_aht_s: float
    aht_factor: Decimal
    occupancy: Decimal
    shrinkage: Decimal
    minimum_applies: bool


class FlagOut(_Out):
    code: str
    share_below: Decimal
    reference: Decimal


class QuoteOut(_Out):
    provider: str
    provider_name: str
    term_total: Decimal
    annual: Decimal
    per_month: Decimal
    per_contact: Decimal | None
    contacts: Decimal
    recurring: Decimal
    one_off: Decimal
    feasible: bool
    refusals: list[str]
    flags: list[FlagOut]
    flows: list[FlowCostOut]


class RankOut(_Out):
    provider: str
    price: Decimal
    price_score: float
    technical_score: float
    total: float
    rank: int


class WeightCaseOut(_Out):
    points: float
    price_weight: float
    order: list[str]
    winners: list[str]


class RemovalOut(_Out):
    removed: str
    order: list[str]
    winners: list[str]
    same_winner: bool


class UnrankedOut(_Out):
    provider: str
    reason: str  # infeasible, no_cost (nothing to price), incomplete_evaluation


class LotOut(_Out):
    lot: str
    title: str
    flows: list[str]
    inhouse_total: Decimal | None
    quotes: list[QuoteOut]
    ranking: list[RankOut]
    by_formula: dict[str, list[str]]
    by_weights: list[WeightCaseOut]
    removals: list[RemovalOut]
    warnings: list[RankWarning]
    unranked: list[UnrankedOut]
    recommended: str | None


class CellOut(_Out):
    provider: str
    criterion: str
    grades: dict[str, Decimal]
    mean: Decimal | None
    spread: Decimal | None
    consensus: Decimal | None
    agreed: bool
    discuss: bool


class TechnicalOut(_Out):
    evaluators: list[str]
    cells: list[CellOut]
    scores: dict[str, dict[str, Decimal]]
    missing: list[tuple[str, str]]


class DqeFlowOut(_Out):
    flow: str
    channel: str
    contacts_term: Decimal
    contacts_per_month: Decimal
    aht_s: float | None
    reference_aht_s: float
    forecast_model: str
    targets: dict[str, float | int]


class SourceOut(_Out):
    """An input of the score: what it is (a code the report words), its value, where it comes from."""

    code: str  # tender_file, price, criterion, abnormally_low, dqe, inhouse
    label: str | None = None
    value: str
    source: str


class TenderScore(_Out):
    """`arbitre tender score --json`: sealed (technical only) before the deadline, whole after."""

    tender: str
    title: str
    currency: str
    formula: str
    max_score: Decimal
    price_weight: Decimal
    now: datetime
    bids_due: datetime
    sealed: bool
    bidders: list[str]
    technical: TechnicalOut
    lots: list[LotOut]
    dqe: list[DqeFlowOut]
    history: dict[str, str] | None
    inputs: list[SourceOut]


def technical_out(board: Board) -> TechnicalOut:
    return TechnicalOut(
        evaluators=list(board.evaluators),
        cells=[
            CellOut(
                provider=c.provider,
                criterion=c.criterion,
                grades=c.grades,
                mean=None if c.mean is None else c.mean.quantize(Decimal("0.0001")),
                spread=c.spread,
                consensus=None if c.consensus is None else c.consensus.quantize(Decimal("0.0001")),
                agreed=c.agreed,
                discuss=c.discuss,
            )
            for c in board.cells
        ],
        scores={p: {k: v.quantize(Decimal("0.0001")) for k, v in s.items()} for p, s in board.scores.items()},
        missing=list(board.missing),
    )


def weights_of(tender: Tender) -> Weights:
    c = tender.criteria
    return Weights(
        max_score=float(c.max_score),
        price_weight=float(c.price.weight),
        criteria=tuple((t.name, float(t.weight)) for t in c.technical),
    )


def _quote(q: LotQuote) -> QuoteOut:
    return QuoteOut(
        provider=q.provider,
        provider_name=q.provider_name,
        term_total=q.term_total,
        annual=q.annual,
        per_month=q.per_month,
        per_contact=q.per_contact,
        contacts=q.contacts.quantize(Decimal(1)),
        recurring=q.recurring,
        one_off=q.one_off,
        feasible=q.feasible,
        refusals=list(q.refusals),
        flags=[FlagOut(code=f.code, share_below=f.share_below, reference=f.reference) for f in q.flags],
        flows=[
            FlowCostOut(
                flow=f.flow,
                model=f.model,
                per_month=f.cost.per_month,
                term_total=f.cost.period_total,
                contacts=f.cost.contacts.quantize(Decimal(1)),
                per_contact=f.cost.per_contact,
                productive_hours=f.cost.productive_hours.quantize(Decimal("0.01")),
                logged_hours=f.cost.logged_hours.quantize(Decimal("0.01")),
                fte=f.cost.fte.quantize(Decimal("0.01")),
                peak_agents=f.cost.peak_agents,
                aht_s=f.aht_s,
                reference_aht_s=round(f.reference_aht_s, 1),
                aht_factor=f.aht_factor.quantize(Decimal("0.0001")),
                occupancy=f.occupancy,
                shrinkage=f.shrinkage,
                minimum_applies=f.cost.invoice.amount("minimum_commitment") > 0,
            )
            for f in q.flows
        ],
    )


def lot_out(comparison: LotComparison, *, tender: Tender, board: Board) -> LotOut:
    """One lot: its quotes, the ranking of the feasible, fully evaluated bids on their term cost."""
    weights = weights_of(tender)
    formula = tender.criteria.price.formula
    unranked = []
    candidates = []
    for q in comparison.quotes:
        if not q.feasible:
            unranked.append(UnrankedOut(provider=q.provider, reason="infeasible"))
        elif q.term_total <= 0:
            unranked.append(UnrankedOut(provider=q.provider, reason="no_cost"))
        elif tender.criteria.technical and not board.complete(q.provider):
            unranked.append(UnrankedOut(provider=q.provider, reason="incomplete_evaluation"))
        else:
            scores = {k: float(v) for k, v in board.scores.get(q.provider, {}).items()}
            candidates.append(Candidate(q.provider, float(q.term_total), scores))
    ranking: list[RankOut] = []
    by_formula: dict[str, list[str]] = {}
    cases: list[WeightCaseOut] = []
    removals: list[RemovalOut] = []
    found: list[RankWarning] = []
    recommended = None
    if candidates:
        prices = {q.provider: q.term_total for q in comparison.quotes}
        rows = rank(candidates, weights=weights, formula=formula)
        result = sensitivity(candidates, weights=weights, formula=formula)
        ranking = [
            RankOut(
                provider=r.provider,
                price=prices[r.provider],
                price_score=round(r.price_score, 6),
                technical_score=round(r.technical_score, 6),
                total=round(r.total, 6),
                rank=r.rank,
            )
            for r in rows
        ]
        by_formula = {f: list(o) for f, o in result.by_formula.items()}
        cases = [
            WeightCaseOut(
                points=c.points,
                price_weight=round(c.price_weight, 4),
                order=list(c.order),
                winners=list(c.winners),
            )
            for c in result.by_weights
        ]
        removals = [
            RemovalOut(
                removed=r.removed, order=list(r.order), winners=list(r.winners), same_winner=r.same_winner
            )
            for r in result.removals
        ]
        found = [
            RankWarning(code=w.code, params=w.params)
            for w in warnings(candidates, weights=weights, formula=formula, result=result)
        ]
        first = winners(rows)
        recommended = first[0] if len(first) == 1 else None
    return LotOut(
        lot=comparison.lot.id,
        title=comparison.lot.title,
        flows=list(comparison.lot.flows),
        inhouse_total=comparison.inhouse_total,
        quotes=[_quote(q) for q in comparison.quotes],
        ranking=ranking,
        by_formula=by_formula,
        by_weights=cases,
        removals=removals,
        warnings=found,
        unranked=unranked,
        recommended=recommended,
    )


def sealed_lots(tender: Tender) -> list[LotOut]:
    """The lots before the deadline: no quote, no ranking."""
    return [
        LotOut(
            lot=lot.id,
            title=lot.title,
            flows=list(lot.flows),
            inhouse_total=None,
            quotes=[],
            ranking=[],
            by_formula={},
            by_weights=[],
            removals=[],
            warnings=[],
            unranked=[],
            recommended=None,
        )
        for lot in tender.all_lots()
    ]


__all__ = [
    "CellOut",
    "DqeFlowOut",
    "FlagOut",
    "FlowCostOut",
    "LotOut",
    "QuoteOut",
    "RankOut",
    "RemovalOut",
    "SourceOut",
    "TechnicalOut",
    "TenderScore",
    "UnrankedOut",
    "WeightCaseOut",
    "lot_out",
    "sealed_lots",
    "technical_out",
    "weights_of",
]
