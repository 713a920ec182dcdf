"""Which contacts a human grader should listen to: a risk-based sample, with a random part.

Clients audit 2 to 5 % of contacts by hand. With every contact checked automatically, the hand
audit goes where it is most useful:

- **risk**: each contact's risk adds up its signals — a low automatic score (below the grid's
  pass score: 1 + the points missing ÷ 100), a critical failure (2), a customer who ends
  unhappy (the probability), an escalation threat (1), a repeat contact (the customer came back
  on the same flow within 7 days: 1), an agent new on the flow (first contact less than 30 days
  before: 1);
- **fair**: every agent gets at least ``min_per_agent`` contacts reviewed (their riskiest), so
  that no one is judged on automatic checks alone;
- **unbiased**: a ``random_share`` of the sample is drawn at random among the contacts left, so
  that the calibration against the human graders (`arbitre.quality.calibrate`) is not measured
  on the hard cases only.

`select` is pure: the random generator is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray

REASONS = (
    "low_score",
    "critical",
    "negative",
    "escalation",
    "repeat",
    "new_agent",
    "agent_minimum",
    "random",
)


@dataclass(frozen=True)
class Signals:
    """Per contact: the automatic score (NaN: not checked), critical failure, probability of a
    negative ending (NaN: unknown), escalation, repeat contact, new agent."""

    score: FloatArray
    critical: BoolArray
    negative_p: FloatArray
    escalation: BoolArray
    repeat: BoolArray
    new_agent: BoolArray


def risk(signals: Signals, *, pass_score: float) -> FloatArray:
    """The risk of each contact (0: nothing to look at).

    >>> s = Signals(score=np.array([95.0, 60.0, np.nan]), critical=np.array([False, True, False]),
    ...             negative_p=np.array([0.1, 0.9, np.nan]), escalation=np.array([False, False, True]),
    ...             repeat=np.array([False, True, False]), new_agent=np.array([False, False, False]))
    >>> risk(s, pass_score=80).round(2).tolist()
    [0.1, 5.3, 1.0]
    """
    low = np.where(
        np.nan_to_num(signals.score, nan=100.0) < pass_score,
        1.0 + (100.0 - np.nan_to_num(signals.score, nan=100.0)) / 100.0,
        0.0,
    )
    out: FloatArray = (
        low
        + 2.0 * signals.critical
        + np.nan_to_num(signals.negative_p)
        + signals.escalation
        + signals.repeat
        + signals.new_agent
    )
    return out


def reasons(signals: Signals, *, pass_score: float) -> list[list[str]]:
    """The signals behind each contact's risk, by name."""
    flags = {
        "low_score": np.nan_to_num(signals.score, nan=100.0) < pass_score,
        "critical": signals.critical,
        "negative": np.nan_to_num(signals.negative_p) >= 0.5,
        "escalation": signals.escalation,
        "repeat": signals.repeat,
        "new_agent": signals.new_agent,
    }
    n = signals.score.shape[0]
    return [[k for k, v in flags.items() if v[i]] for i in range(n)]


@dataclass(frozen=True)
class Sample:
    """The chosen contacts (indexes into the input) and why: ``why[i]`` is ``risk``,
    ``agent_minimum`` or ``random``."""

    chosen: IntArray
    why: list[str]


def select(
    risk_score: FloatArray,
    agent: IntArray,
    *,
    share: float,
    min_per_agent: int,
    random_share: float,
    rng: np.random.Generator,
    eligible: BoolArray | None = None,
) -> Sample:
    """A sample of about ``share`` of the eligible contacts (at least each agent's minimum).

    ``agent``: an integer per contact (-1: no agent). Ties in risk go to the earlier contact.

    >>> r = np.array([0.0, 3.0, 0.0, 1.0, 0.0, 0.0, 2.0, 0.0])
    >>> a = np.array([0, 0, 1, 1, 2, 2, 0, 1])
    >>> s = select(r, a, share=0.5, min_per_agent=1, random_share=0.0, rng=np.random.default_rng(1))
    >>> sorted(zip(s.chosen.tolist(), s.why))
    [(1, 'agent_minimum'), (3, 'agent_minimum'), (4, 'agent_minimum'), (6, 'risk')]
    """
    n = risk_score.shape[0]
    ok = np.ones(n, dtype=bool) if eligible is None else eligible.copy()
    target = round(share * float(ok.sum()))
    taken = np.zeros(n, dtype=bool)
    why = np.full(n, "", dtype=object)
    # Riskiest first, the earlier contact first among equals.
    order = np.lexsort((np.arange(n), -risk_score))
    order = order[ok[order]]
    if min_per_agent > 0:
        with_agent = order[agent[order] >= 0]
        rank = _rank_within(agent[with_agent])
        first = with_agent[rank < min_per_agent]
        taken[first] = True
        why[first] = "agent_minimum"
    n_random = round(random_share * max(target - int(taken.sum()), 0))
    n_risk = max(target - int(taken.sum()) - n_random, 0)
    rest = order[~taken[order] & (risk_score[order] > 0)][:n_risk]
    taken[rest] = True
    why[rest] = "risk"
    pool = np.flatnonzero(ok & ~taken)
    n_random = min(max(target - int(taken.sum()), 0), pool.shape[0])
    if n_random:
        drawn = rng.choice(pool, size=n_random, replace=False)
        taken[drawn] = True
        why[drawn] = "random"
    chosen = np.flatnonzero(taken)
    return Sample(chosen=chosen, why=[str(w) for w in why[chosen]])


def _rank_within(groups: IntArray) -> IntArray:
    """0, 1, 2… within each group, in the order given."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    start = np.r_[True, g[1:] != g[:-1]]
    running = np.arange(g.shape[0])
    base = np.maximum.accumulate(np.where(start, running, 0))
    out = np.empty_like(order)
    out[order] = running - base
    return out
