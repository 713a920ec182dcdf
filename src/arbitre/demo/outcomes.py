"""What each contact was about and how it went: handle times, resolution, surveys, QA, reasons.

Pure functions of arrays and a ``np.random.Generator``; the generator calls them per flow.

- Handle times are lognormal (mean and coefficient of variation per flow), in whole seconds, as
  ACD exports give them; hold happens on a share of calls only.
- ``resolved`` follows the issue chains: an answered contact after which the issue goes on (the
  customer comes back) was not resolved; the source's own flag is a little noisy
  (``RESOLVED_NOISE`` of answers flipped), as first-contact-resolution flags are.
- Surveys (CSAT 1–5, NPS 0–10) come from a latent satisfaction that drops with the wait and
  with an unresolved issue, and rises with the agent's skill; unhappy customers answer a little
  more often. QA scores (0–100) sample a few contacts and follow the agent's skill.
"""

from __future__ import annotations

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.demo.company import DemoFlow, HandleTime
from arbitre.domain import Channel

RESOLVED_NOISE = 0.03
MISSING_WRAP = 0.005  # share of answered rows whose export lacks wrap_s
MISSING_HOLD = 0.002  # … and hold_s, on voice


def lognormal(mean: float, cv: float, size: int, rng: np.random.Generator) -> FloatArray:
    """Lognormal draws with the given mean and coefficient of variation."""
    sigma2 = np.log1p(cv * cv)
    return rng.lognormal(np.log(mean) - sigma2 / 2.0, np.sqrt(sigma2), size)


def handle_times(
    handle: HandleTime, size: int, rng: np.random.Generator, *, minimum_talk_s: float = 10.0
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Talk, hold and wrap in whole seconds for ``size`` answered contacts."""
    talk = np.maximum(np.round(lognormal(handle.talk_mean_s, handle.talk_cv, size, rng)), minimum_talk_s)
    on_hold = rng.random(size) < handle.hold_share
    hold_mean = max(handle.hold_mean_s, 1.0)
    hold = np.where(on_hold, np.maximum(np.round(rng.exponential(hold_mean, size)), 1.0), 0.0)
    wrap = np.round(lognormal(handle.wrap_mean_s, handle.wrap_cv, size, rng))
    return talk, hold, wrap


def resolution(*, continues: BoolArray, answered: BoolArray, rng: np.random.Generator) -> BoolArray:
    """Resolved at this contact, per row: answered and the issue does not go on (noisy flag).

    Meaningful only where ``answered``; the caller leaves the others null.
    """
    resolved = ~continues
    flip = rng.random(continues.shape[0]) < RESOLVED_NOISE
    out: BoolArray = np.where(flip, ~resolved, resolved) & answered
    return out


def surveys(
    flow: DemoFlow,
    *,
    answered: BoolArray,
    resolved: BoolArray,
    wait_s: FloatArray,
    skill: FloatArray,
    rng: np.random.Generator,
) -> tuple[IntArray, IntArray, BoolArray]:
    """(csat 1–5, nps 0–10, answered the survey) per row; values are meaningless where not.

    Satisfaction ``s = 4.25 + 0.5 resolved − 0.9 unresolved − wait penalty + 0.25 skill + ε``;
    the wait penalty grows with the minutes of wait on live channels, the hours beyond the first
    on social media and the days on e-mail and back-office, and is capped.
    """
    n = answered.shape[0]
    p = flow.survey_share * np.where(resolved, 1.0, 1.3)
    responds = answered & (rng.random(n) < p)
    if flow.channel in (Channel.VOICE_IN, Channel.CHAT):
        penalty = 0.5 * np.minimum(np.nan_to_num(wait_s) / 120.0, 3.0)
    elif flow.channel is Channel.SOCIAL:
        hours_late = np.maximum(np.nan_to_num(wait_s) / 3600.0 - 1.0, 0.0)
        penalty = 0.3 * np.minimum(hours_late / 8.0, 2.0)
    else:
        penalty = 0.4 * np.minimum(np.nan_to_num(wait_s) / 86_400.0, 3.0)
    s = 4.25 + np.where(resolved, 0.5, -0.9) - penalty + 0.25 * skill + rng.normal(0.0, 0.8, n)
    csat = np.clip(np.round(s), 1, 5).astype(np.int64)
    nps = np.clip(np.round(2.2 * s - 1.2 + rng.normal(0.0, 1.2, n)), 0, 10).astype(np.int64)
    return csat, nps, responds


def qa_scores(
    flow: DemoFlow,
    *,
    answered: BoolArray,
    resolved: BoolArray,
    skill: FloatArray,
    rng: np.random.Generator,
) -> tuple[FloatArray, BoolArray]:
    """(score 0–100 by halves, evaluated) on a ``qa_share`` sample of answered contacts."""
    n = answered.shape[0]
    evaluated = answered & (rng.random(n) < flow.qa_share)
    score = 81.0 + 6.0 * skill + np.where(resolved, 3.0, -5.0) + rng.normal(0.0, 7.0, n)
    return np.clip(np.round(score * 2.0) / 2.0, 0.0, 100.0), evaluated


def reasons(flow: DemoFlow, *, returns_lift: FloatArray, rng: np.random.Generator) -> IntArray:
    """Index into ``flow.reasons`` per issue chain.

    ``returns_lift`` is the returns season multiplier on the chain's first day: after the sales
    and Christmas, a larger share of issues are returns and refunds.
    """
    labels = [r for r, _ in flow.reasons]
    base = np.array([w for _, w in flow.reasons], dtype=np.float64)
    base /= base.sum()
    n = returns_lift.shape[0]
    pick = np.asarray(rng.choice(len(labels), size=n, p=base), dtype=np.int64)
    returnish = np.array([lab in ("retour produit", "remboursement") for lab in labels])
    if returnish.any():
        mix = base * returnish
        mix /= mix.sum()
        p_returns = np.clip((returns_lift - 1.0) * 0.8, 0.0, 0.5)
        alt = rng.choice(len(labels), size=n, p=mix)
        pick = np.where(rng.random(n) < p_returns, alt, pick)
    return np.asarray(pick, dtype=np.int64)


def languages(flow: DemoFlow, n: int, rng: np.random.Generator) -> IntArray:
    """Index into ``flow.languages`` per issue chain."""
    shares = np.array([s for _, s in flow.languages], dtype=np.float64)
    return rng.choice(shares.shape[0], size=n, p=shares / shares.sum()).astype(np.int64)
