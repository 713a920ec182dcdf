"""The standalone ranking of procurement (`arbitre tender rank FILE.yaml`): prices and grades in,
the ranking, the ranking under each price formula and the warnings out.

>>> from decimal import Decimal as D
>>> from arbitre.domain.tender import RankRequest
>>> request = RankRequest(max_score=D(20), price_weight=D("0.4"), price_formula="lineaire",
...     criteria=[{"name": "quality", "weight": D("0.6")}],
...     bids=[{"provider": "a", "price": D(100), "scores": {"quality": D(12)}},
...           {"provider": "b", "price": D(120), "scores": {"quality": D(16)}}])
>>> result = ranking(request)
>>> [(r.provider, r.price_score, r.total, r.rank) for r in result.ranking]
[('a', 20.0, 15.2, 1), ('b', 0.0, 9.6, 2)]
>>> result.by_formula["classique"]
['b', 'a']
>>> [(w.code, w.params.get("formula")) for w in result.warnings]
[('formula_changes_winner', 'classique'), ('formula_changes_winner', 'moyenne'), ('linear_two_bids', None)]
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from arbitre.domain.tender import RankRequest
from arbitre.tender.scoring import Candidate, Weights, rank, sensitivity, warnings

DIGITS = 6  # scores are shown to six decimals: enough to see a tie, short enough to read


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class RankRow(_Out):
    provider: str
    price_score: float
    technical_score: float
    total: float
    rank: int


class RankWarning(_Out):
    code: str
    params: dict[str, str]


class RankResult(_Out):
    """``ranking`` best first; ``by_formula`` the providers in rank order under each formula."""

    ranking: list[RankRow]
    by_formula: dict[str, list[str]]
    warnings: list[RankWarning]


def candidates_and_weights(request: RankRequest) -> tuple[list[Candidate], Weights]:
    weights = Weights(
        max_score=float(request.max_score),
        price_weight=float(request.price_weight),
        criteria=tuple((c.name, float(c.weight)) for c in request.criteria),
    )
    bids = [
        Candidate(b.provider, float(b.price), {k: float(v) for k, v in b.scores.items()})
        for b in request.bids
    ]
    return bids, weights


def ranking(request: RankRequest) -> RankResult:
    """Rank the bids of ``request`` (validated: weights add up to 1, every grade on the scale)."""
    bids, weights = candidates_and_weights(request)
    formula = request.price_formula
    rows = rank(bids, weights=weights, formula=formula)
    result = sensitivity(bids, weights=weights, formula=formula)
    found = warnings(bids, weights=weights, formula=formula, result=result)
    return RankResult(
        ranking=[
            RankRow(
                provider=r.provider,
                price_score=round(r.price_score, DIGITS),
                technical_score=round(r.technical_score, DIGITS),
                total=round(r.total, DIGITS),
                rank=r.rank,
            )
            for r in rows
        ],
        by_formula={f: list(order) for f, order in result.by_formula.items()},
        warnings=[RankWarning(code=w.code, params=w.params) for w in found],
    )


__all__ = ["RankResult", "RankRow", "RankWarning", "candidates_and_weights", "ranking"]
