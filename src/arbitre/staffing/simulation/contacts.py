"""Draw one replication's contacts: arrivals, flows, languages, durations and routes, vectorised.

Arrivals are a non-homogeneous Poisson process with a rate constant within each interval. Rather
than one process per flow merged by a sort, the superposition is drawn once (a Poisson count per
interval of the total rate) and each contact is then marked with its flow, with probability the
flow's share of the interval's rate — the same process in law (the marking theorem), in time
linear in the contacts. Within an interval the arrival times are the order statistics of
uniforms, drawn already sorted from exponential spacings, so no sort is needed either.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from arbitre._types import FloatArray, IntArray
from arbitre.staffing.simulation.model import Empirical, Exponential, Fixed, Lognormal, NoPatience
from arbitre.staffing.simulation.network import Compiled

Distribution = Exponential | Lognormal | Empirical | Fixed | NoPatience


@dataclass(frozen=True, slots=True)
class Contacts:
    """One replication's contacts, sorted by arrival; indices into the compiled scenario's lists."""

    arrival_s: FloatArray  # seconds from the scenario start
    flow: IntArray
    language: IntArray
    service_s: FloatArray
    patience_s: FloatArray  # inf: never abandons
    route: IntArray

    @property
    def size(self) -> int:
        return int(self.arrival_s.shape[0])


def sample(dist: Distribution, size: int, rng: np.random.Generator) -> FloatArray:
    """``size`` durations in seconds from ``dist`` (``none``: infinite patience).

    >>> sample(Fixed(distribution="fixed", value_s=30), 2, np.random.default_rng(0)).tolist()
    [30.0, 30.0]
    """
    if isinstance(dist, Exponential):
        return rng.exponential(dist.mean_s, size)
    if isinstance(dist, Lognormal):
        sigma2 = np.log1p(dist.cv * dist.cv)
        return rng.lognormal(np.log(dist.mean_s) - sigma2 / 2.0, np.sqrt(sigma2), size)
    if isinstance(dist, Empirical):
        values = np.asarray(dist.values_s, dtype=np.float64)
        if dist.weights is None:
            return values[rng.integers(0, values.shape[0], size)]
        w = np.asarray(dist.weights, dtype=np.float64)
        return rng.choice(values, size=size, p=w / w.sum())
    if isinstance(dist, Fixed):
        return np.full(size, dist.value_s)
    return np.full(size, np.inf)


def poisson_arrivals(
    rate: FloatArray, *, interval_s: float, rng: np.random.Generator
) -> tuple[FloatArray, IntArray]:
    """Arrival times of a Poisson process with ``rate[j]`` expected contacts in interval ``j``.

    Returns the times (sorted, seconds from the start of interval 0) and each one's interval.
    Within an interval the n times are ``interval_s * S_k / S_{n+1}`` for the partial sums
    ``S`` of n+1 standard exponentials: the order statistics of n uniforms.

    >>> t, j = poisson_arrivals(np.array([3.0, 0.0, 2.0]), interval_s=60.0, rng=np.random.default_rng(1))
    >>> bool(np.all(np.diff(t) >= 0) and np.all((j * 60.0 <= t) & (t < (j + 1) * 60.0)))
    True
    """
    counts = rng.poisson(rate).astype(np.int64)
    spacing = rng.standard_exponential(int(counts.sum()) + counts.shape[0])
    return _order_statistics(counts, spacing, float(interval_s))


@njit(cache=True)
def _order_statistics(counts: IntArray, spacing: FloatArray, dt: float) -> tuple[FloatArray, IntArray]:
    n = 0
    for j in range(counts.shape[0]):
        n += counts[j]
    times = np.empty(n)
    interval = np.empty(n, dtype=np.int64)
    at = 0  # next spacing
    k = 0  # next contact
    for j in range(counts.shape[0]):
        m = counts[j]
        total = 0.0
        for i in range(at, at + m + 1):
            total += spacing[i]
        partial = 0.0
        lo = j * dt
        for i in range(m):
            partial += spacing[at + i]
            # Clamp the rounding of partial/total just below 1 inside the interval.
            times[k] = min(lo + dt * (partial / total), np.nextafter((j + 1) * dt, lo))
            interval[k] = j
            k += 1
        at += m + 1
    return times, interval


def draw_contacts(c: Compiled, rng: np.random.Generator) -> Contacts:
    """One replication's contacts for the compiled scenario ``c``."""
    total = c.rates.sum(axis=0)
    arrival, interval = poisson_arrivals(total, interval_s=c.interval_s, rng=rng)
    n = arrival.shape[0]
    n_flows = len(c.flow_ids)

    flow = np.zeros(n, dtype=np.int64)
    if n_flows > 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            cum = np.cumsum(c.rates, axis=0) / total  # (flows, intervals)
        u = rng.random(n)
        for f in range(n_flows - 1):
            flow += u >= cum[f, interval]

    minute = None
    if c.needs_clock:
        offset_min = ((arrival - interval * c.interval_s) // 60.0).astype(np.int64)
        minute = (c.week_minute[interval] + offset_min) % (7 * 1440)
    if n_flows == 1:  # the common case of a single-queue study: no gathers, no scatters
        language, service, patience, route = _flow_draws(c, 0, n, minute, rng)
    else:
        language = np.empty(n, dtype=np.int64)
        service = np.empty(n)
        patience = np.empty(n)
        route = np.empty(n, dtype=np.int64)
        for f in range(n_flows):
            idx = np.flatnonzero(flow == f)
            draws = _flow_draws(c, f, idx.shape[0], None if minute is None else minute[idx], rng)
            language[idx], service[idx], patience[idx], route[idx] = draws
    return Contacts(
        arrival_s=arrival, flow=flow, language=language, service_s=service, patience_s=patience, route=route
    )


def _flow_draws(
    c: Compiled, f: int, m: int, minute: IntArray | None, rng: np.random.Generator
) -> tuple[IntArray, FloatArray, FloatArray, IntArray]:
    """Language, handle time, patience and route of ``m`` contacts of flow ``f``."""
    spec = c.scenario.flows[f]
    share = c.language_share[f]
    if np.count_nonzero(share) > 1:
        language = np.searchsorted(np.cumsum(share)[:-1], rng.random(m), side="right").astype(np.int64)
    else:
        language = np.full(m, int(np.argmax(share)), dtype=np.int64)
    service = sample(spec.handle, m, rng)
    patience = sample(spec.patience, m, rng)
    return language, service, patience, _routes(c, f, language, minute, rng)


def _routes(
    c: Compiled,
    f: int,
    language: IntArray,
    minute: IntArray | None,
    rng: np.random.Generator,
) -> IntArray:
    """The route of each contact of flow ``f`` (given its language and local minute of the week):
    its first matching rule, else the default route."""
    if not c.rules[f] and np.count_nonzero(c.language_share[f]) == 1:
        return np.full(language.shape[0], c.default_routes[f, np.argmax(c.language_share[f])], dtype=np.int64)
    out = np.full(language.shape[0], -1, dtype=np.int64)
    open_ = np.ones(language.shape[0], dtype=np.bool_)
    for rule in c.rules[f]:
        hit = open_ & rule.languages[language]
        if rule.hours is not None:
            assert minute is not None
            hit &= rule.hours[minute]
        if not hit.any():
            continue
        branch = np.zeros(int(hit.sum()), dtype=np.int64)
        if rule.cum_share.shape[0] > 1:
            branch = np.searchsorted(rule.cum_share[:-1], rng.random(branch.shape[0]), side="right")
        out[hit] = rule.routes[branch, language[hit]]
        open_ &= ~hit
    out[open_] = c.default_routes[f, language[open_]]
    if np.any(out < 0):  # the scenario's validation rules this out
        raise AssertionError("a contact has no route")
    return out
