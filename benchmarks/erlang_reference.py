"""Straightforward references for the staffing benchmarks, written from the models' definitions.

- `erlang_a_chain`: Erlang A (M/M/n+M) one interval at a time, from the birth–death chain of the
  number of contacts present, as a textbook states it, with NumPy and SciPy; nothing of
  `arbitre.staffing.erlang` (no incomplete gamma functions, no quadrature, no log-space special
  functions). The "naive" side of the Erlang A benchmark, and its judge.
- `erlang_c_service_level`: Erlang C's service level with 40 significant digits (mpmath), to say
  which side is right when Arbitre and pyworkforce disagree on a number of agents.

The chain: Poisson arrivals at λ, n agents serving at μ each, each waiting contact abandoning at
θ. With k present, the chain goes up at λ and down at min(k, n)·μ + max(k − n, 0)·θ, so
π(k) ∝ Πᵢ₌₁ᵏ λ / (min(i, n)·μ + max(i − n, 0)·θ). An arrival sees π (PASTA). One that finds
n + j present waits behind j others; while i are ahead it moves up at nμ + iθ (a service or an
abandon ahead) and gives up at θ, so it is answered with probability Πᵢ₌₀ʲ (nμ + iθ)/(nμ + (i+1)θ)
after a mean wait (if answered) of Σᵢ₌₀ʲ 1/(nμ + (i+1)θ), and within T with the probability that
this absorbing chain reaches "answered" by T — a matrix exponential, here applied to the whole
initial distribution at once (`scipy.sparse.linalg.expm_multiply`).

>>> m = erlang_a_chain(agents=28, load=24.0, aht_s=240.0, patience_s=120.0, threshold_s=20.0)
>>> round(m["abandon_rate"], 4)
0.0331
"""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import expm_multiply
from scipy.special import logsumexp

# States of the chain whose probability is below e^-50 of the largest are left out (< 2e-22).
_TAIL_NATS = 50.0


def erlang_a_chain(
    *, agents: int, load: float, aht_s: float, patience_s: float, threshold_s: float
) -> dict[str, float]:
    """Erlang A KPIs of one interval, with the definitions of `arbitre.staffing.erlang.QueueMetrics`:
    ``p_wait``, ``service_level`` (answered within ``threshold_s``, of all offered), ``asa_s`` (mean
    wait of the answered, zeros included), ``abandon_rate``, ``occupancy``."""
    n = int(agents)
    if load <= 0.0:
        return {"p_wait": 0.0, "service_level": 1.0, "asa_s": 0.0, "abandon_rate": 0.0, "occupancy": 0.0}
    if n == 0:
        return {"p_wait": 1.0, "service_level": 0.0, "asa_s": math.inf, "abandon_rate": 1.0, "occupancy": 1.0}
    mu, theta = 1.0 / aht_s, 1.0 / patience_s
    lam = load * mu
    # log π(k) − log π(0) for k ≤ n (all agents not yet busy), then n + j for j = 1, 2, …
    below = np.concatenate(([0.0], np.cumsum(math.log(lam) - np.log(np.arange(1, n + 1) * mu))))
    j_max = 64
    while True:
        j = np.arange(1, j_max + 1)
        above = below[-1] + np.cumsum(math.log(lam) - np.log(n * mu + j * theta))
        top = max(below.max(), above.max())
        # Past the mode (the down rate beats λ) and far below it: the rest is negligible.
        if n * mu + j_max * theta > lam and above[-1] < top - _TAIL_NATS:
            break
        j_max *= 2
    keep = above >= top - _TAIL_NATS
    last = int(np.flatnonzero(keep)[-1]) + 1 if keep.any() else 0
    log_pi = np.concatenate((below, above[:last]))
    pi = np.exp(log_pi - logsumexp(log_pi))
    answered_at_once = float(pi[:n].sum())  # an agent is free
    waits = pi[n:]  # waits[j]: the arrival finds n + j present, j contacts ahead of it

    i = np.arange(waits.size)
    up = n * mu + i * theta  # rate at which the contact moves up (or reaches an agent, i = 0)
    out = up + theta  # its total rate of leaving a state: moving up or giving up
    # Π up/out, and 1 − Π without cancellation when abandons are rare (long patience).
    log_answered_given = np.cumsum(np.log1p(-theta / out))
    p_answered_given = np.exp(log_answered_given)
    mean_wait_given = np.cumsum(1.0 / out)
    p_answered = answered_at_once + float(np.sum(waits * p_answered_given))
    abandon = float(np.sum(waits * -np.expm1(log_answered_given)))
    asa = float(np.sum(waits * p_answered_given * mean_wait_given)) / p_answered
    return {
        "p_wait": float(waits.sum()),
        "service_level": answered_at_once + _answered_by(waits, up, out, threshold_s),
        "asa_s": asa,
        "abandon_rate": abandon,
        "occupancy": float(min(load * p_answered / n, 1.0)),
    }


def _answered_by(start: np.ndarray, up: np.ndarray, out: np.ndarray, t: float) -> float:
    """Mass that the waiting contacts' absorbing chain, started from ``start`` (by contacts
    ahead), carries into "answered" by time ``t``: p(t) = p(0)·exp(Q t)."""
    size = start.size
    if size == 0 or t <= 0.0:
        return 0.0
    # Transposed generator (columns are "from"): state i → i − 1 at up[i] (i ≥ 1), state 0 →
    # answered (index `size`) at up[0]; every state loses `out` (the rest is abandoning).
    rows = np.concatenate((np.arange(size), np.arange(size - 1), [size]))
    cols = np.concatenate((np.arange(size), np.arange(1, size), [0]))
    vals = np.concatenate((-out, up[1:], up[:1]))
    q_t = sparse.csc_matrix((vals * t, (rows, cols)), shape=(size + 1, size + 1))
    p = expm_multiply(q_t, np.concatenate((start, [0.0])))
    return float(p[size])


def erlang_c_service_level(agents: int, *, load: float, aht_s: float, threshold_s: float) -> float:
    """Erlang C service level 1 − C(n, a)·e^{−(n − a)·T/AHT} with 40 digits (0 when n ≤ a), as a
    float. C from Erlang B's recurrence 1/B(k) = 1 + (k/a)·(1/B(k − 1)), exact in mpmath.

    >>> round(erlang_c_service_level(29, load=24.0, aht_s=240.0, threshold_s=20.0), 4)
    0.8403
    """
    import mpmath

    with mpmath.workdps(40):
        a = mpmath.mpf(load)
        n = int(agents)
        if n <= a:
            return 0.0
        inv_b = mpmath.mpf(1)
        for k in range(1, n + 1):
            inv_b = 1 + inv_b * k / a
        b = 1 / inv_b
        c = n * b / (n - a * (1 - b))
        return float(1 - c * mpmath.exp(-(n - a) * mpmath.mpf(threshold_s) / mpmath.mpf(aht_s)))
