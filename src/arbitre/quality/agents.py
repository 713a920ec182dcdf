"""Agents whose automatic checks stand out from their site's: the flagged agents of a month.

For each agent and automatic criterion, the failures (answers *no*) among the agent's answered
contacts are set against the rate of every other agent of the same site: under the hypothesis
that the agent fails as often as the others, the count is binomial, and a one-sided tail
probability below ``alpha`` ÷ (agents × criteria) (Bonferroni: with 60 agents and 8 criteria,
480 tests must not flag a handful by chance) flags the criterion for that agent. An agent whose
mean automatic score is below the grid's pass score is flagged too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binom

from arbitre._types import FloatArray, IntArray


@dataclass(frozen=True)
class CriterionGap:
    criterion: str
    contacts: int  # the agent's contacts answered yes or no on it
    failures: int
    rate: float  # the agent's failure rate
    others_rate: float  # the rate of the site's other agents
    p_value: float


@dataclass(frozen=True)
class AgentFlag:
    agent: str
    site: str
    contacts: int
    score: float  # mean automatic score
    below_pass: bool
    gaps: list[CriterionGap]


def flag_agents(
    agent: list[str],
    site: list[str],
    code: IntArray,
    criteria: list[str],
    score: FloatArray,
    *,
    pass_score: float,
    alpha: float = 0.05,
    min_contacts: int = 20,
) -> list[AgentFlag]:
    """The flagged agents, most contacts first.

    ``agent``, ``site``: per contact; ``code``: answers (contacts × criteria), 1 yes, 0 no,
    others not counted; ``score``: per contact (NaN: not scored). Agents with fewer than
    ``min_contacts`` checked contacts are not judged.

    >>> code = np.array([[1], [1], [0], [0]] + [[1]] * 40 + [[0]] * 2)
    >>> who = ["a"] * 4 + ["b"] * 20 + ["c"] * 22
    >>> flags = flag_agents(who, ["s"] * 46, code, ["x"], np.full(46, 90.0), pass_score=80, min_contacts=4)
    >>> [(f.agent, [(g.criterion, g.failures, g.contacts) for g in f.gaps]) for f in flags]
    [('a', [('x', 2, 4)])]
    """
    agents = np.asarray(agent, dtype=object)
    sites = np.asarray(site, dtype=object)
    keys = sorted({(str(a), str(s)) for a, s in zip(agents, sites, strict=True) if a is not None})
    tests = max(1, len(keys) * len(criteria))
    out = []
    for a, s in keys:
        mine = (agents == a) & (sites == s)
        n_scored = int((mine & ~np.isnan(score)).sum())
        if n_scored < min_contacts:
            continue
        others = (sites == s) & ~mine
        gaps = []
        for j, name in enumerate(criteria):
            answered = (code[:, j] == 0) | (code[:, j] == 1)
            n = int((mine & answered).sum())
            m = int((others & answered).sum())
            if n == 0 or m == 0:
                continue
            x = int((mine & (code[:, j] == 0)).sum())
            p0 = float((others & (code[:, j] == 0)).sum()) / m
            p_value = float(binom.sf(x - 1, n, p0)) if x > 0 else 1.0
            if p_value < alpha / tests and x / n > p0:
                gaps.append(CriterionGap(name, n, x, x / n, p0, p_value))
        mean = float(np.nanmean(score[mine]))
        below = mean < pass_score
        if gaps or below:
            out.append(AgentFlag(agent=a, site=s, contacts=n_scored, score=mean, below_pass=below, gaps=gaps))
    return sorted(out, key=lambda f: (-f.contacts, f.agent))
