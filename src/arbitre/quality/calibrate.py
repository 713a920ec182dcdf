"""Calibration: how far the automatic answers agree with the human graders, and the graders
with one another.

- Per criterion, on the contacts graded both ways: the confusion matrix (human answer × automatic
  answer, over yes / no / N/A) and **Cohen's kappa** — the agreement beyond chance,
  κ = (p_o − p_e) ÷ (1 − p_e), with p_o the share of contacts where both say the same and p_e the
  share expected if each answered at random with its own frequencies (Cohen, 1960). A criterion
  is **trusted** automatically when κ ≥ the grid's ``trust_kappa`` over at least ``min_pairs``
  contacts; the others stay with the human graders. When the graders give one answer almost
  always (the rarer under `RARE` of their answers), κ collapses however well the check agrees
  (the « kappa paradox », Feinstein and Cicchetti, 1990): there the prevalence- and bias-adjusted
  kappa, PABAK = (k·p_o − 1) ÷ (k − 1) over the k answers used (Byrt, Bishop and Carlin, 1993),
  is held to the same threshold.
- Per grader, on the contacts several graders evaluated (calibration sessions): agreement with
  the consensus (the majority answer of the others), its kappa, and the grader's mean score
  against the mean of the others on the same contacts — the strictest grader scores lowest.

Everything here is arithmetic on arrays of answer codes; the service gathers them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from arbitre._types import FloatArray, IntArray

CATEGORIES = ("yes", "no", "na")
RARE = 0.1


def confusion(human: npt.ArrayLike, auto: npt.ArrayLike, *, k: int = 3) -> IntArray:
    """Counts of (human, automatic) answer pairs: rows human, columns automatic, codes 0…k-1.

    >>> confusion([0, 0, 1, 2], [0, 1, 1, 2]).tolist()
    [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    """
    h = np.asarray(human, dtype=np.int64)
    a = np.asarray(auto, dtype=np.int64)
    out: IntArray = np.bincount(h * k + a, minlength=k * k).reshape(k, k)
    return out


def cohen_kappa(table: npt.ArrayLike) -> float:
    """Cohen's kappa of a confusion matrix (NaN when there is nothing to compare, 1 when both
    raters use one and the same category throughout).

    >>> round(cohen_kappa([[20, 5], [10, 15]]), 4)
    0.4
    """
    t = np.asarray(table, dtype=np.float64)
    n = t.sum()
    if n == 0:
        return float("nan")
    p_o = np.trace(t) / n
    p_e = float((t.sum(axis=1) * t.sum(axis=0)).sum() / (n * n))
    if p_e >= 1.0:
        return 1.0 if p_o >= 1.0 else 0.0
    return float((p_o - p_e) / (1.0 - p_e))


@dataclass(frozen=True)
class CriterionAgreement:
    criterion: str
    pairs: int
    agreement: float  # share of pairs where both answered the same
    kappa: float
    confusion: IntArray  # rows human, columns automatic, in `CATEGORIES` order
    trusted: bool
    pabak: float = float("nan")
    measure: str = "kappa"  # the one held to the threshold: kappa, or pabak for a rare answer


def agreement(
    criterion: str, human: IntArray, auto: IntArray, *, trust_kappa: float, min_pairs: int
) -> CriterionAgreement:
    """The agreement of one criterion; ``human`` and ``auto`` hold codes 0 yes, 1 no, 2 N/A."""
    table = confusion(human, auto)
    n = int(table.sum())
    kappa = cohen_kappa(table)
    p_o = float(np.trace(table) / n) if n else float("nan")
    used = int(((table.sum(axis=0) + table.sum(axis=1)) > 0).sum())
    pabak = (used * p_o - 1) / (used - 1) if n and used > 1 else (1.0 if n else float("nan"))
    human_share = table.sum(axis=1) / n if n else np.zeros(3)
    rare = bool(n and human_share[human_share > 0].min(initial=1.0) < RARE) or bool(
        n and (human_share > 0).sum() == 1
    )
    value = pabak if rare else kappa
    return CriterionAgreement(
        criterion=criterion,
        pairs=n,
        agreement=p_o,
        kappa=kappa,
        confusion=table,
        trusted=bool(n >= min_pairs and np.isfinite(value) and value >= trust_kappa - 1e-12),
        pabak=pabak,
        measure="pabak" if rare else "kappa",
    )


@dataclass(frozen=True)
class GraderAlignment:
    grader: str
    answers: int  # answers compared with a consensus
    agreement: float
    kappa: float
    contacts: int  # contacts scored with at least one other grader
    mean_score: float
    others_mean_score: float  # the other graders' mean on the same contacts

    @property
    def leniency(self) -> float:
        """Points above (lenient) or below (strict) the others on the same contacts."""
        return self.mean_score - self.others_mean_score


def consensus(answers: IntArray) -> IntArray:
    """The majority code of each row of ``answers`` (codes 0…2, -1 absent); -1 on a tie or none.

    >>> consensus(np.array([[0, 0, 1], [0, 1, -1], [2, -1, -1]])).tolist()
    [0, -1, 2]
    """
    a = np.asarray(answers, dtype=np.int64)
    counts = np.stack([(a == c).sum(axis=1) for c in range(3)], axis=1)
    best = counts.argmax(axis=1)
    top = counts.max(axis=1)
    tie = (counts == top[:, None]).sum(axis=1) > 1
    out: IntArray = np.where((top == 0) | tie, -1, best)
    return out


def graders(
    names: list[str],
    answers: IntArray,
    scores: FloatArray,
) -> list[GraderAlignment]:
    """Each grader against the others.

    ``answers``: (items × graders) codes 0 yes, 1 no, 2 N/A, -1 not graded, one row per
    (contact, criterion) of the contacts at least two graders evaluated; ``scores``: (contacts ×
    graders) each grader's score of each such contact (NaN: not graded). The consensus a grader
    is compared with leaves that grader out.
    """
    out = []
    for g, name in enumerate(names):
        others = np.delete(answers, g, axis=1)
        ref = consensus(others)
        mine = answers[:, g]
        both = (mine >= 0) & (ref >= 0)
        table = confusion(mine[both], ref[both])
        s = scores[:, g]
        rest = np.delete(scores, g, axis=1)
        graded = ~np.isnan(s) & (~np.isnan(rest)).any(axis=1)
        with np.errstate(invalid="ignore"):
            others_mean = np.nanmean(rest[graded], axis=1) if graded.any() else np.array([])
        out.append(
            GraderAlignment(
                grader=name,
                answers=int(both.sum()),
                agreement=float(np.trace(table) / both.sum()) if both.any() else float("nan"),
                kappa=cohen_kappa(table),
                contacts=int(graded.sum()),
                mean_score=float(s[graded].mean()) if graded.any() else float("nan"),
                others_mean_score=float(others_mean.mean()) if graded.any() else float("nan"),
            )
        )
    return out
