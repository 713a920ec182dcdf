"""Customer patience from censored waits: the exponential maximum-likelihood estimate and the
Kaplan–Meier survival curve, with confidence intervals.

A queued contact's patience is the wait it would accept before hanging up. An abandoned contact
shows it (its wait *is* its patience: an event); an answered contact shows only that its patience
was longer than its wait (a right-censored observation). Both estimators use every queued
contact, the answered ones included: averaging the waits of the abandoned alone would measure the
queue, not the customers (docs/model-fit.md).

Short abandons, as the KPI rules say: when the rules exclude abandons under ``S`` seconds (the
default, S = 5 s), they are not contacts — and the patience of the others is counted from ``S``
(``from_s``): a contact contributes the part of its wait beyond S, and only abandons after S are
events. The estimate is then that of patience beyond S; for an exponential patience (memoryless)
it is the same distribution, so nothing is biased by dropping the first seconds. With ``from_s``
0 it is the textbook estimate, total waiting time ÷ abandons.

Pure functions of arrays; confidence levels are two-sided.

>>> fit = exponential_patience(np.array([10.0, 30.0, 50.0, 90.0]), np.array([True, False, True, False]))
>>> float(fit.mean_s[0]), int(fit.abandons[0]), float(fit.exposure_s[0])
(90.0, 2, 180.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from arbitre._types import BoolArray, FloatArray, IntArray


@dataclass(frozen=True, slots=True)
class ExponentialFit:
    """Exponential patience per group (arrays of one entry per group).

    - ``mean_s``: the maximum-likelihood mean patience, exposure ÷ abandons; NaN without abandons;
    - ``ci_low_s``, ``ci_high_s``: its confidence interval, ``mean · exp(∓z/√abandons)`` (the
      Wald interval of log θ, whose observed information is the number of abandons);
    - ``abandons``: abandons counted (waits ≥ ``from_s``); ``exposure_s``: waiting time counted,
      Σ max(wait − from_s, 0); ``contacts``: queued contacts in the sample.
    """

    mean_s: FloatArray
    ci_low_s: FloatArray
    ci_high_s: FloatArray
    abandons: IntArray
    exposure_s: FloatArray
    contacts: IntArray
    from_s: float
    confidence: float


def exponential_patience(
    wait_s: FloatArray,
    abandoned: BoolArray,
    *,
    group: IntArray | None = None,
    n_groups: int = 1,
    from_s: float = 0.0,
    confidence: float = 0.95,
) -> ExponentialFit:
    """The exponential MLE of mean patience, per group, with its confidence interval.

    ``wait_s``: each queued contact's wait (to its answer, or to its hang-up when ``abandoned``),
    seconds ≥ 0. ``group``: an index in ``[0, n_groups)`` per contact (all in group 0 when None).
    Contacts that abandoned before ``from_s`` are short abandons and must already be left out by
    the caller (`sample`).

    The likelihood of rate θ over contacts i with waits wᵢ counted from S is
    θ^d · exp(−θ·Σ max(wᵢ − S, 0)), d the abandons at or after S: θ̂ = d / Σ max(wᵢ − S, 0).

    >>> fit = exponential_patience(np.array([5.0, 7.0, 65.0]), np.array([False, True, True]), from_s=5.0)
    >>> float(fit.mean_s[0]), int(fit.abandons[0])
    (31.0, 2)
    """
    wait = np.asarray(wait_s, dtype=np.float64)
    ab = np.asarray(abandoned, dtype=bool)
    _check_sample(wait, ab, confidence)
    g = np.zeros(wait.shape, dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64)
    if g.shape != wait.shape:
        raise ValueError(f"group must have one entry per contact: {g.shape} against {wait.shape}")
    if g.size and (g.min() < 0 or g.max() >= n_groups):
        raise ValueError(f"group must lie in [0, {n_groups})")
    counted = ab & (wait >= from_s)
    exposure = np.bincount(g, weights=np.maximum(wait - from_s, 0.0), minlength=n_groups).astype(np.float64)
    abandons = np.bincount(g, weights=counted, minlength=n_groups).astype(np.int64)
    contacts = np.bincount(g, minlength=n_groups).astype(np.int64)
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(abandons > 0, exposure / abandons, np.nan)
        spread = np.exp(z / np.sqrt(abandons))
        low = np.where(abandons > 0, mean / spread, np.nan)
        high = np.where(abandons > 0, mean * spread, np.nan)
    return ExponentialFit(
        mean_s=mean,
        ci_low_s=low,
        ci_high_s=high,
        abandons=abandons,
        exposure_s=exposure,
        contacts=contacts,
        from_s=float(from_s),
        confidence=float(confidence),
    )


@dataclass(frozen=True, slots=True)
class SurvivalCurve:
    """Kaplan–Meier estimate of P(patience > t), a step function falling at ``time_s``.

    ``survival[j]`` holds on ``[time_s[j], time_s[j+1])``; before ``time_s[0]`` it is 1.
    ``ci_low``/``ci_high``: pointwise confidence band (Greenwood's variance on the log(−log)
    scale). ``at_risk``: contacts still waiting just before ``time_s[j]``; ``events``: abandons
    at ``time_s[j]``. ``horizon_s``: the longest wait observed (the curve is known up to it).
    """

    time_s: FloatArray
    survival: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    at_risk: IntArray
    events: IntArray
    horizon_s: float
    from_s: float
    confidence: float

    def at(self, t_s: FloatArray) -> FloatArray:
        """S(t) at the times ``t_s`` (1 before the first abandon).

        >>> km = kaplan_meier(np.array([10.0, 20.0, 30.0]), np.array([True, False, True]))
        >>> km.at(np.array([0.0, 10.0, 25.0, 30.0])).tolist()
        [1.0, 0.6666666666666667, 0.6666666666666667, 0.0]
        """
        return _step(self.time_s, self.survival, t_s)

    def band_at(self, t_s: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The confidence band (low, high) at the times ``t_s``."""
        return _step(self.time_s, self.ci_low, t_s), _step(self.time_s, self.ci_high, t_s)

    @property
    def median_s(self) -> float | None:
        """The first time the curve reaches 0.5 or below; None if it never does (most callers
        are answered before half of them would have given up)."""
        below = np.flatnonzero(self.survival <= 0.5)
        return float(self.time_s[below[0]]) if below.size else None

    @property
    def restricted_mean_s(self) -> float:
        """∫₀^τ S(t) dt with τ the horizon: the mean patience restricted to the waits observed,
        a lower bound of the mean when the curve has not fallen to 0 by then."""
        edges = np.concatenate(([0.0], self.time_s, [self.horizon_s]))
        edges = np.clip(edges, 0.0, self.horizon_s)
        heights = np.concatenate(([1.0], self.survival))
        return float(np.sum(np.diff(edges) * heights))


def kaplan_meier(
    wait_s: FloatArray, abandoned: BoolArray, *, from_s: float = 0.0, confidence: float = 0.95
) -> SurvivalCurve:
    """The product-limit estimate of the survival of patience (Kaplan & Meier 1958).

    At each wait tⱼ where dⱼ contacts abandoned with nⱼ still waiting just before it,
    S(t) = Πⱼ:tⱼ≤t (1 − dⱼ/nⱼ). A contact answered at the same second as an abandon is still at
    risk at it (censoring after events, the usual convention). Only abandons at or after
    ``from_s`` are events: the curve is then P(patience > t | patience ≥ from_s).

    Band: Greenwood's v = Σ dⱼ/(nⱼ(nⱼ − dⱼ)) and, on the log(−log S) scale (Kalbfleisch &
    Prentice), S^exp(±z·√v/log S): it stays within [0, 1].

    >>> km = kaplan_meier(np.array([10.0, 20.0, 30.0, 40.0]), np.array([True, False, True, False]))
    >>> km.time_s.tolist(), [round(s, 4) for s in km.survival.tolist()]
    ([10.0, 30.0], [0.75, 0.375])
    """
    wait = np.asarray(wait_s, dtype=np.float64)
    ab = np.asarray(abandoned, dtype=bool)
    _check_sample(wait, ab, confidence)
    horizon = float(wait.max()) if wait.size else 0.0
    times, inverse, counts = np.unique(wait, return_inverse=True, return_counts=True)
    events_all = np.bincount(inverse, weights=ab & (wait >= from_s), minlength=times.size).astype(np.int64)
    # At risk just before tⱼ: every contact whose wait is ≥ tⱼ.
    at_risk_all = np.cumsum(counts[::-1])[::-1].astype(np.int64)
    keep = events_all > 0
    t, d, n = times[keep], events_all[keep], at_risk_all[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1.0 - d / n).astype(np.float64)
        var_terms = np.where(n > d, d / (n * (n - d)), np.inf)
        v = np.cumsum(var_terms)
        z = float(stats.norm.ppf(0.5 + confidence / 2.0))
        log_s = np.log(survival)
        c = z * np.sqrt(v) / np.abs(log_s)
        low = np.where(survival > 0.0, survival ** np.exp(c), 0.0)
        high = np.where(survival > 0.0, survival ** np.exp(-c), np.where(np.isfinite(v), 0.0, 1.0))
    low = np.where(np.isnan(low), 0.0, low)
    high = np.where(np.isnan(high), 1.0, high)
    return SurvivalCurve(
        time_s=t,
        survival=survival,
        ci_low=low,
        ci_high=high,
        at_risk=n,
        events=d,
        horizon_s=horizon,
        from_s=float(from_s),
        confidence=float(confidence),
    )


def draw_patience(
    curve: SurvivalCurve, *, tail_mean_s: float, size: int, rng: np.random.Generator
) -> FloatArray:
    """Patience draws from a Kaplan–Meier curve (inverse transform), exponential beyond it.

    u ~ U(0, 1) gives the first time the curve falls to u or below. Where u lies below the
    curve's last value (the curve stops falling at the longest observed abandon), the draw is the
    last event time plus an exponential of mean ``tail_mean_s``: the remaining survival is spread
    with the constant hazard the exponential fit found. A curve with no event is all tail, from
    ``from_s``.

    >>> km = kaplan_meier(np.array([10.0, 20.0]), np.array([True, True]))
    >>> sorted(set(draw_patience(km, tail_mean_s=60.0, size=50, rng=np.random.default_rng(1)).tolist()))
    [10.0, 20.0]
    """
    if not (np.isfinite(tail_mean_s) and tail_mean_s > 0.0):
        raise ValueError(f"tail_mean_s must be a finite number > 0, got {tail_mean_s}")
    u = rng.random(size)
    if curve.time_s.size == 0:
        return curve.from_s + rng.exponential(tail_mean_s, size)
    last_s = float(curve.survival[-1])
    # survival is non-increasing: index of the first value ≤ u, on the reversed (ascending) array.
    ascending = curve.survival[::-1]
    j = curve.survival.size - np.searchsorted(ascending, u, side="right")
    j = np.minimum(j, curve.survival.size - 1)
    out = curve.time_s[j]
    tail = u < last_s
    if np.any(tail):
        extra = -np.log(u[tail] / last_s) * tail_mean_s
        out = out.copy()
        out[tail] = curve.time_s[-1] + extra
    return np.asarray(out, dtype=np.float64)


def _step(x: FloatArray, y: FloatArray, t: FloatArray) -> FloatArray:
    j = np.searchsorted(x, np.asarray(t, dtype=np.float64), side="right") - 1
    return np.where(j >= 0, y[np.maximum(j, 0)] if y.size else 1.0, 1.0)


def _check_sample(wait: FloatArray, abandoned: BoolArray, confidence: float) -> None:
    if wait.shape != abandoned.shape or wait.ndim != 1:
        raise ValueError(
            f"wait_s and abandoned must be one-dimensional, same length: {wait.shape}, {abandoned.shape}"
        )
    if wait.size and not (np.all(np.isfinite(wait)) and wait.min() >= 0.0):
        raise ValueError("wait_s must be finite and ≥ 0")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
