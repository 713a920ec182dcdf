"""Price scores, weighted totals and the ranking of bids (step 5 of the method).

French buyers turn a price into points with a formula (the Bercy legal directorate's technical
sheet « Les méthodes de notation du critère prix dans les marchés publics », updated in January
2024, presents three: the « classique » method, the « linéaire » one and a method based on the
mean of the bids; docs/tender.md quotes what it says of each). With ``N`` the maximum score,
``P`` the bid's price and ``Pmin``, ``Pmax``, ``Pmoy`` the lowest, highest and mean prices of
the bids ranked together:

- ``classique``: ``N × Pmin / P`` — points in proportion to the lowest price;
- ``lineaire``: ``N × (Pmax − P) / (Pmax − Pmin)`` — a straight line from the lowest price (N) to
  the highest (0); every bid gets N when all prices are equal;
- ``moyenne``: ``N × (1 − P / (2 × Pmoy))``, never below 0 — the mean price gets half the
  points, each percent below (above) the mean adds (takes) half a percent of N, a bid at twice
  the mean or more gets 0. Arbitre's mean-based formula: see docs/tender.md for why this one.

The total of a bid is ``price_weight × price_score + Σ weight × score`` over the technical
criteria (grades on the same 0..N scale, weights adding up to 1 with the price's). Pure: numbers
in, records out.

>>> rows = rank([Candidate("a", 100.0, {"q": 12.0}), Candidate("b", 120.0, {"q": 16.0})],
...             weights=Weights(max_score=20.0, price_weight=0.4, criteria=(("q", 0.6),)),
...             formula="classique")
>>> [(r.provider, round(r.total, 4), r.rank) for r in rows]
[('b', 16.2667, 1), ('a', 15.2, 2)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from arbitre.domain.tender import PRICE_FORMULAS, PriceFormula

TIE = 1e-9  # totals closer than this share a rank (they differ by rounding only)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A bid to rank: its price (the same basis for every bid: the term cost on the same
    volumes) and its technical grades by criterion, on the 0..max_score scale."""

    provider: str
    price: float
    scores: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Weights:
    """The scale and the weights: ``price_weight`` + Σ criteria weights = 1."""

    max_score: float
    price_weight: float
    criteria: tuple[tuple[str, float], ...] = ()

    def moved(self, points: float) -> Weights | None:
        """The price weight moved by ``points`` (0.1 is ten points), the technical weights scaled
        to keep the sum at 1; None when the price weight would leave ]0, 1[ or no criterion
        is left to take the difference."""
        pw = self.price_weight + points
        rest = 1.0 - self.price_weight
        if not 0.0 < pw < 1.0 or rest <= 0 or not self.criteria:
            return None
        scale = (1.0 - pw) / rest
        return Weights(self.max_score, pw, tuple((n, w * scale) for n, w in self.criteria))


@dataclass(frozen=True, slots=True)
class Ranked:
    """A bid's place: price and technical scores on 0..max_score before weighting, the total."""

    provider: str
    price: float
    price_score: float
    technical_score: float
    total: float
    rank: int


def price_scores(prices: Sequence[float], *, formula: PriceFormula, max_score: float) -> list[float]:
    """The price score of each price under ``formula`` (see the module docstring).

    >>> price_scores([100, 120, 200], formula="classique", max_score=20)
    [20.0, 16.666666666666668, 10.0]
    >>> price_scores([100, 120, 200], formula="lineaire", max_score=20)
    [20.0, 16.0, 0.0]
    >>> [round(x, 4) for x in price_scores([100, 120, 200], formula="moyenne", max_score=20)]  # mean 140
    [12.8571, 11.4286, 5.7143]
    """
    p = np.asarray(prices, dtype=np.float64)
    if p.size == 0:
        return []
    if not np.all(np.isfinite(p)) or np.any(p <= 0):
        raise ValueError("prices must be finite and > 0")
    if formula == "classique":
        out = max_score * p.min() / p
    elif formula == "lineaire":
        span = p.max() - p.min()
        out = np.full(p.shape, max_score) if span == 0 else max_score * (p.max() - p) / span
    elif formula == "moyenne":
        out = np.maximum(0.0, max_score * (1.0 - p / (2.0 * p.mean())))
    else:
        raise ValueError(f"unknown price formula {formula!r}: expected one of {', '.join(PRICE_FORMULAS)}")
    return [float(x) for x in out]


def technical_score(scores: Mapping[str, float], *, weights: Weights) -> float:
    """The weighted mean of the technical grades, on the 0..max_score scale (0 without criteria)."""
    total_w = sum(w for _, w in weights.criteria)
    if total_w <= 0:
        return 0.0
    return sum(w * scores[n] for n, w in weights.criteria) / total_w


def rank(candidates: Sequence[Candidate], *, weights: Weights, formula: PriceFormula) -> list[Ranked]:
    """The bids from best to worst total; equal totals share a rank (1, 1, 3), listed by provider."""
    ps = price_scores([c.price for c in candidates], formula=formula, max_score=weights.max_score)
    rows = []
    for c, s in zip(candidates, ps, strict=True):
        tech = sum(w * c.scores[n] for n, w in weights.criteria)
        rows.append(
            (
                c.provider,
                c.price,
                s,
                technical_score(c.scores, weights=weights),
                weights.price_weight * s + tech,
            )
        )
    rows.sort(key=lambda r: (-r[4], r[0]))
    out: list[Ranked] = []
    for i, (provider, price, s, tech, total) in enumerate(rows):
        place = out[-1].rank if out and abs(out[-1].total - total) <= TIE else i + 1
        out.append(Ranked(provider, price, s, tech, total, place))
    return out


def winners(rows: Sequence[Ranked]) -> list[str]:
    """The providers ranked first (more than one on a tie)."""
    return [r.provider for r in rows if r.rank == 1]


@dataclass(frozen=True, slots=True)
class WeightCase:
    """The ranking with the price weight moved by ``points``."""

    points: float
    price_weight: float
    order: tuple[str, ...]
    winners: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Removal:
    """The ranking without one bid: is the winner still the winner?"""

    removed: str
    order: tuple[str, ...]
    winners: tuple[str, ...]
    same_winner: bool


@dataclass(frozen=True, slots=True)
class Sensitivity:
    by_formula: dict[str, tuple[str, ...]]
    by_weights: tuple[WeightCase, ...]
    removals: tuple[Removal, ...]


@dataclass(frozen=True, slots=True)
class Warning:
    """Something a buyer must know about the ranking: a code and its parameters (reports word it)."""

    code: str
    params: dict[str, str]


def sensitivity(
    candidates: Sequence[Candidate],
    *,
    weights: Weights,
    formula: PriceFormula,
    points: float = 0.10,
) -> Sensitivity:
    """The ranking under each formula, with the price weight moved ± ``points``, and without each
    bid that did not win (rank reversal: the winner should not change when a losing bid leaves)."""
    by_formula: dict[str, tuple[str, ...]] = {
        f: tuple(r.provider for r in rank(candidates, weights=weights, formula=f)) for f in PRICE_FORMULAS
    }
    cases = []
    for step in (-points, points):
        moved = weights.moved(step)
        if moved is None:
            continue
        rows = rank(candidates, weights=moved, formula=formula)
        cases.append(
            WeightCase(step, moved.price_weight, tuple(r.provider for r in rows), tuple(winners(rows)))
        )
    base = winners(rank(candidates, weights=weights, formula=formula))
    removals = []
    for c in candidates:
        if c.provider in base or len(candidates) < 3:
            continue
        rest = [x for x in candidates if x.provider != c.provider]
        rows = rank(rest, weights=weights, formula=formula)
        w = winners(rows)
        removals.append(Removal(c.provider, tuple(r.provider for r in rows), tuple(w), w == base))
    return Sensitivity(by_formula, tuple(cases), tuple(removals))


def warnings(
    candidates: Sequence[Candidate], *, weights: Weights, formula: PriceFormula, result: Sensitivity
) -> list[Warning]:
    """What could make the ranking contestable: ties, a winner that depends on the formula, on the
    weights or on a losing bid, and the linear formula with two bids."""
    rows = rank(candidates, weights=weights, formula=formula)
    first = winners(rows)
    out: list[Warning] = []
    if len(first) > 1:
        out.append(Warning("tie", {"providers": ", ".join(first)}))
    for r in result.removals:
        if not r.same_winner:
            out.append(
                Warning(
                    "rank_reversal",
                    {"removed": r.removed, "winner": ", ".join(first), "new_winner": ", ".join(r.winners)},
                )
            )
    for f, order in result.by_formula.items():
        if f != formula and order and len(first) == 1 and order[0] != first[0]:
            out.append(
                Warning("formula_changes_winner", {"formula": f, "winner": first[0], "new_winner": order[0]})
            )
    for case in result.by_weights:
        if len(first) == 1 and case.winners and case.winners[0] != first[0]:
            out.append(
                Warning(
                    "weights_change_winner",
                    {
                        "points": f"{case.points * 100:+.0f}",
                        "price_weight": f"{case.price_weight:.2f}",
                        "winner": first[0],
                        "new_winner": case.winners[0],
                    },
                )
            )
    if formula == "lineaire" and len(candidates) == 2:
        out.append(Warning("linear_two_bids", {}))
    return out


__all__ = [
    "Candidate",
    "Ranked",
    "Removal",
    "Sensitivity",
    "Warning",
    "WeightCase",
    "Weights",
    "price_scores",
    "rank",
    "sensitivity",
    "technical_score",
    "warnings",
    "winners",
]
