"""Technical evaluation: each evaluator's grades, and the consensus that keeps them visible.

Each evaluator grades each provider on each graded name (a sub-criterion, or a criterion without
sub-criteria) on the tender's 0..max_score scale. The consensus of a grade is the one agreed in
the consensus meeting when it was entered (an `Evaluation` with ``consensus``), otherwise the
mean of the evaluators' grades; the individual grades stay beside it, with their spread, and a
spread above ``SPREAD_SHARE`` of the scale is flagged for discussion. A criterion's score is the
weighted sum of its sub-criteria's consensus grades (their shares add up to 1).

No price is needed here: the technical evaluation can be done, and is, before the bids' prices
are unsealed.

>>> from decimal import Decimal as D
>>> from arbitre.domain.tender import Criteria, Evaluation
>>> criteria = Criteria(max_score=D(20), price={"weight": D("0.4")},
...     technical=[{"name": "quality", "label": "Qualité", "weight": D("0.6")}])
>>> evals = [Evaluation(evaluator="ana", grades=[{"provider": "x", "criterion": "quality", "score": D(12)}]),
...          Evaluation(evaluator="bob", grades=[{"provider": "x", "criterion": "quality", "score": D(16)}])]
>>> board = consensus(evals, criteria=criteria, providers=["x"])
>>> cell = board.cells[0]
>>> cell.grades, cell.mean, cell.consensus, cell.agreed
({'ana': Decimal('12'), 'bob': Decimal('16')}, Decimal('14'), Decimal('14'), False)
>>> board.scores["x"]
{'quality': Decimal('14')}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from arbitre.domain.tender import Criteria, Evaluation

SPREAD_SHARE = Decimal("0.25")  # evaluators a quarter of the scale apart should talk it over


@dataclass(frozen=True, slots=True)
class Cell:
    """One provider on one graded name: every evaluator's grade, their mean, spread and the consensus."""

    provider: str
    criterion: str
    grades: dict[str, Decimal]
    mean: Decimal | None
    spread: Decimal | None
    consensus: Decimal | None
    agreed: bool  # the consensus was entered (True) or is the mean (False)
    discuss: bool  # the evaluators are far apart


@dataclass(frozen=True, slots=True)
class Board:
    """Every cell, each provider's score per technical criterion (complete providers only), and
    what is missing (provider, graded name)."""

    cells: tuple[Cell, ...]
    scores: dict[str, dict[str, Decimal]]
    missing: tuple[tuple[str, str], ...]
    evaluators: tuple[str, ...]

    def complete(self, provider: str) -> bool:
        return provider in self.scores


def consensus(evaluations: Sequence[Evaluation], *, criteria: Criteria, providers: Sequence[str]) -> Board:
    """The consensus board of ``providers`` from ``evaluations`` (validated against ``criteria``).

    Raises ValueError for a grade outside the scale or on an unknown criterion.
    """
    graded = criteria.graded()
    individual: dict[tuple[str, str], dict[str, Decimal]] = {}
    agreed: dict[tuple[str, str], Decimal] = {}
    evaluators: list[str] = []
    for ev in evaluations:
        if not ev.consensus and ev.evaluator not in evaluators:
            evaluators.append(ev.evaluator)
        for g in ev.grades:
            if g.criterion not in graded:
                raise ValueError(f"{g.criterion!r} is not a graded criterion ({', '.join(graded)})")
            if g.score > criteria.max_score:
                raise ValueError(
                    f"grade {g.score} of {g.provider} on {g.criterion} is above {criteria.max_score}"
                )
            key = (g.provider, g.criterion)
            if ev.consensus:
                agreed[key] = g.score
            else:
                individual.setdefault(key, {})[ev.evaluator] = g.score
    cells = []
    missing = []
    values: dict[tuple[str, str], Decimal] = {}
    for p in providers:
        for name in graded:
            key = (p, name)
            grades = individual.get(key, {})
            mean = sum(grades.values(), Decimal(0)) / len(grades) if grades else None
            spread = max(grades.values()) - min(grades.values()) if grades else None
            value = agreed.get(key, mean)
            if value is None:
                missing.append(key)
            else:
                values[key] = value
            cells.append(
                Cell(
                    provider=p,
                    criterion=name,
                    grades=dict(sorted(grades.items())),
                    mean=mean,
                    spread=spread,
                    consensus=value,
                    agreed=key in agreed,
                    discuss=spread is not None and spread > SPREAD_SHARE * criteria.max_score,
                )
            )
    scores: dict[str, dict[str, Decimal]] = {}
    for p in providers:
        if any(m[0] == p for m in missing):
            continue
        scores[p] = {}
        for c in criteria.technical:
            if c.sub:
                scores[p][c.name] = sum((s.weight * values[(p, s.name)] for s in c.sub), Decimal(0))
            else:
                scores[p][c.name] = values[(p, c.name)]
    return Board(tuple(cells), scores, tuple(missing), tuple(evaluators))


__all__ = ["SPREAD_SHARE", "Board", "Cell", "consensus"]
