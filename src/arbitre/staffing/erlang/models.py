"""Erlang B, C and A: what a number of agents delivers in each interval.

`evaluate` gives the KPIs of Erlang C (M/M/n) or Erlang A (M/M/n+M) as a `QueueMetrics`;
`erlang_b` and `erlang_c` the classic probabilities. The inputs are validated, broadcast and
flattened once (`_Rows`); the KPIs of large arrays are computed in blocks over the CPU cores.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.staffing.erlang.special import (
    _half_line,
    _log_inv_erlang_b,
    _log_minus_digamma,
    _log_poisson,
    _log_ratio_u,
)

_PARALLEL_ROWS = 1 << 17  # from this many rows, evaluations are split over the CPU cores


@dataclass(frozen=True, slots=True)
class QueueMetrics:
    """What a staffing delivers in each interval; every field has the broadcast shape.

    - ``model``: ``"erlang_c"`` (no abandonment) or ``"erlang_a"`` (exponential patience).
    - ``agents``: agents on line; ``load_erlangs``: volume × aht_s / interval_s.
    - ``p_wait``: probability that an arriving contact waits (more than 0 s).
    - ``service_level``: share of all offered contacts answered within the threshold; an
      abandoned contact counts as not answered within it.
    - ``asa_s``: mean wait of the answered contacts, zero waits included (seconds).
    - ``abandon_rate``: abandoned ÷ offered (0 under Erlang C).
    - ``occupancy``: carried load ÷ agents, the carried load being the offered load less the
      abandoned part.

    Conventions at the edges: an unstable Erlang C interval (agents ≤ load) has p_wait 1,
    service_level 0, asa_s inf and occupancy 1; Erlang A with no agent has p_wait 1,
    abandon_rate 1, service_level 0, asa_s inf (nobody is answered) and occupancy 1; an interval
    without contacts has p_wait 0, service_level 1, asa_s 0, abandon_rate 0 and occupancy 0.
    """

    model: str
    agents: IntArray
    load_erlangs: FloatArray
    p_wait: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    abandon_rate: FloatArray
    occupancy: FloatArray


# --------------------------------------------------------------------------------------------
# Public functions


def erlang_b(agents: npt.ArrayLike, *, load: npt.ArrayLike) -> FloatArray:
    """Erlang B blocking probability of ``agents`` servers offered ``load`` Erlangs.

    B(n, a) = (aⁿ/n!) / Σₖ₌₀ⁿ aᵏ/k!, computed as the Poisson density over the Poisson
    distribution function in log space: stable for any n and a, no factorials.

    >>> round(float(erlang_b(10, load=5.0)), 10)
    0.0183845703
    """
    n = _agents_array(agents)
    a = _float_array("load", load, minimum=0.0)
    n, a = np.broadcast_arrays(n, a)
    with np.errstate(all="ignore"):
        out = np.exp(-_log_inv_erlang_b(n.astype(np.float64).ravel(), a.ravel()))
    return out.reshape(n.shape)


def erlang_c(agents: npt.ArrayLike, *, load: npt.ArrayLike) -> FloatArray:
    """Erlang C probability that a contact waits, for ``agents`` servers and ``load`` Erlangs.

    C(n, a) = n·B / (n − a + a·B) for n > a; 1.0 when agents ≤ load (the queue never empties).

    >>> round(float(erlang_c(28, load=24.0)), 10)
    0.333138528
    """
    n = _agents_array(agents)
    a = _float_array("load", load, minimum=0.0)
    n, a = np.broadcast_arrays(n, a)
    nf = n.astype(np.float64).ravel()
    af = a.ravel()
    with np.errstate(all="ignore"):
        out = _erlang_c_wait(nf, af)
    return out.reshape(n.shape)


def evaluate(
    *,
    agents: npt.ArrayLike,
    volume: npt.ArrayLike,
    interval_s: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
    patience_s: npt.ArrayLike | None = None,
) -> QueueMetrics:
    """What ``agents`` deliver when ``volume`` contacts arrive in an interval of ``interval_s``.

    Erlang C when ``patience_s`` is None, Erlang A (mean patience ``patience_s``, exponential)
    otherwise. All arguments broadcast together; durations are in seconds, service level is
    measured at ``threshold_s``.

    >>> m = evaluate(agents=[27, 28], volume=180, interval_s=1800, aht_s=240, threshold_s=20,
    ...              patience_s=120)
    >>> m.model, [round(v, 4) for v in m.abandon_rate.tolist()]
    ('erlang_a', [0.0445, 0.0331])
    """
    rows = _Rows.build(
        volume=volume,
        interval_s=interval_s,
        aht_s=aht_s,
        threshold_s=threshold_s,
        patience_s=patience_s,
        extra={"agents": _agents_array(agents)},
    )
    n = rows.extra["agents"].astype(np.int64)
    m = _metrics(rows, n.astype(np.float64), _ALL)
    shape = rows.shape
    return QueueMetrics(
        model=rows.model,
        agents=n.reshape(shape),
        load_erlangs=rows.load.reshape(shape),
        p_wait=m.p_wait.reshape(shape),
        service_level=m.service_level.reshape(shape),
        asa_s=m.asa_s.reshape(shape),
        abandon_rate=m.abandon_rate.reshape(shape),
        occupancy=m.occupancy.reshape(shape),
    )


# --------------------------------------------------------------------------------------------
# Inputs


def _agents_array(agents: npt.ArrayLike) -> IntArray:
    arr = np.asarray(agents)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"agents must be whole numbers ≥ 0, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.integer):
        f = arr.astype(np.float64)
        if not np.all(np.isfinite(f)) or np.any(f != np.floor(f)):
            raise ValueError("agents must be whole numbers ≥ 0")
    out = arr.astype(np.int64)
    if np.any(out < 0):
        raise ValueError("agents must be whole numbers ≥ 0")
    return out


def _float_array(
    name: str,
    value: npt.ArrayLike,
    *,
    minimum: float,
    strict: bool = False,
    maximum: float | None = None,
    allow_nan: bool = False,
) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    valid = arr[~np.isnan(arr)] if allow_nan else arr
    if not allow_nan and np.any(np.isnan(arr)):
        raise ValueError(f"{name} must be a number, got NaN")
    if np.any(~np.isfinite(valid)):
        raise ValueError(f"{name} must be finite")
    low = valid <= minimum if strict else valid < minimum
    if np.any(low):
        bound = f"> {minimum:g}" if strict else f"≥ {minimum:g}"
        raise ValueError(f"{name} must be {bound}, got {valid[low].flat[0]:g}")
    if maximum is not None and np.any(valid > maximum):
        raise ValueError(f"{name} must be ≤ {maximum:g}, got {valid[valid > maximum].flat[0]:g}")
    return arr


@dataclass(frozen=True, slots=True)
class _Rows:
    """Validated, broadcast and flattened inputs: one entry per interval."""

    shape: tuple[int, ...]
    model: str
    load: FloatArray
    aht_s: FloatArray
    threshold_s: FloatArray
    patience_s: FloatArray | None
    extra: dict[str, FloatArray]

    @staticmethod
    def build(
        *,
        volume: npt.ArrayLike,
        interval_s: npt.ArrayLike,
        aht_s: npt.ArrayLike,
        threshold_s: npt.ArrayLike,
        patience_s: npt.ArrayLike | None,
        extra: Mapping[str, npt.NDArray[np.generic]],
    ) -> _Rows:
        arrays: dict[str, npt.NDArray[np.generic]] = {
            "volume": _float_array("volume", volume, minimum=0.0),
            "interval_s": _float_array("interval_s", interval_s, minimum=0.0, strict=True),
            "aht_s": _float_array("aht_s", aht_s, minimum=0.0, strict=True),
            "threshold_s": _float_array("threshold_s", threshold_s, minimum=0.0),
        }
        if patience_s is not None:
            arrays["patience_s"] = _float_array("patience_s", patience_s, minimum=0.0, strict=True)
        arrays.update(extra)
        try:
            shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        except ValueError:
            shapes = ", ".join(f"{k} {a.shape}" for k, a in arrays.items())
            raise ValueError(f"inputs do not broadcast together: {shapes}") from None
        flat = {k: np.broadcast_to(a, shape).ravel() for k, a in arrays.items()}
        f64 = {k: np.ascontiguousarray(v, dtype=np.float64) for k, v in flat.items()}
        aht = f64["aht_s"]
        return _Rows(
            shape=shape,
            model="erlang_a" if patience_s is not None else "erlang_c",
            load=f64["volume"] * aht / f64["interval_s"],
            aht_s=aht,
            threshold_s=f64["threshold_s"],
            patience_s=f64.get("patience_s"),
            extra={k: f64[k] for k in extra},
        )

    def take(self, idx: IntArray | slice) -> _Rows:
        """The rows at `idx` (a slice gives views, an index array copies)."""
        load = self.load[idx]
        return _Rows(
            shape=load.shape,
            model=self.model,
            load=load,
            aht_s=self.aht_s[idx],
            threshold_s=self.threshold_s[idx],
            patience_s=None if self.patience_s is None else self.patience_s[idx],
            extra={k: v[idx] for k, v in self.extra.items()},
        )


# --------------------------------------------------------------------------------------------
# The models


@dataclass(frozen=True, slots=True)
class _Want:
    """Which Erlang A KPIs to compute (p_wait always; the search skips what it does not need)."""

    service_level: bool
    asa: bool
    abandon: bool


_ALL = _Want(service_level=True, asa=True, abandon=True)


@dataclass(frozen=True, slots=True)
class _Metrics:
    p_wait: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    abandon_rate: FloatArray
    occupancy: FloatArray


def _erlang_c_wait(n: FloatArray, a: FloatArray) -> FloatArray:
    """C(n, a) = n / ((n − a)/B + a); 1 where n ≤ a, 0 where a = 0."""
    c = n / ((n - a) * np.exp(_log_inv_erlang_b(n, a)) + a)
    return np.where(n <= a, 1.0, np.where(a == 0.0, 0.0, c))


def _metrics(rows: _Rows, n: FloatArray, want: _Want) -> _Metrics:
    """The KPIs of `rows` at `n` agents (whole numbers, as floats); unwanted Erlang A KPIs are NaN.

    Large arrays are cut in one block per CPU core, evaluated in threads (NumPy and SciPy
    release the GIL in their loops); the numbers do not depend on the cut.
    """
    shape = rows.load.shape
    # The defaults are those of an interval without contacts.
    out = _Metrics(
        p_wait=np.zeros(shape),
        service_level=np.ones(shape),
        asa_s=np.zeros(shape),
        abandon_rate=np.zeros(shape),
        occupancy=np.zeros(shape),
    )

    def fill(part: slice) -> None:
        with np.errstate(all="ignore"):
            block = rows.take(part)
            view = _Metrics(*(getattr(out, f)[part] for f in _Metrics.__slots__))
            if block.patience_s is None:
                _fill_erlang_c(view, block, n[part])
            else:
                _fill_erlang_a(view, block, block.patience_s, n[part], want)

    _in_blocks(fill, rows.load.size)
    return out


def _in_blocks(fill: Callable[[slice], None], size: int) -> None:
    workers = min(os.cpu_count() or 1, 8)
    if size < _PARALLEL_ROWS or workers == 1:
        fill(slice(0, size))
        return
    edges = np.linspace(0, size, workers + 1).astype(int)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(fill, [slice(int(b0), int(b1)) for b0, b1 in itertools.pairwise(edges)]))


def _fill_erlang_c(out: _Metrics, rows: _Rows, n: FloatArray) -> None:
    busy = rows.load > 0.0
    unstable = busy & (n <= rows.load)
    out.p_wait[unstable] = 1.0
    out.service_level[unstable] = 0.0
    out.asa_s[unstable] = np.inf
    out.occupancy[unstable] = 1.0
    ok = busy & ~unstable
    if not np.any(ok):
        return
    every = bool(np.all(ok))
    pick: slice | BoolArray = slice(None) if every else ok
    nn, a, aht = n[pick], rows.load[pick], rows.aht_s[pick]
    c = _erlang_c_wait(nn, a)
    out.p_wait[pick] = c
    # P(W > t) = C·exp(−(n − a)·t/aht);  ASA = C·aht/(n − a)
    out.service_level[pick] = 1.0 - c * np.exp(-(nn - a) * rows.threshold_s[pick] / aht)
    out.asa_s[pick] = c * aht / (nn - a)
    out.occupancy[pick] = a / nn


def _fill_erlang_a(out: _Metrics, rows: _Rows, patience_s: FloatArray, n: FloatArray, want: _Want) -> None:
    busy = rows.load > 0.0
    nobody = busy & (n == 0.0)
    out.p_wait[nobody] = 1.0
    out.service_level[nobody] = 0.0
    out.asa_s[nobody] = np.inf
    out.abandon_rate[nobody] = 1.0
    out.occupancy[nobody] = 1.0
    ok = busy & ~nobody
    if not np.any(ok):
        return
    pick: slice | BoolArray = slice(None) if bool(np.all(ok)) else ok
    nn, a, aht, patience = n[pick], rows.load[pick], rows.aht_s[pick], patience_s[pick]
    rho = a / nn
    s = nn * (patience / aht)  # nμ/θ
    x = a * (patience / aht)  # λ/θ
    log_inv_b = _log_inv_erlang_b(nn, a)
    log_g = _log_poisson(s, x)
    log_u, p1 = _log_ratio_u(s, x, log_g)
    # π(n agents busy, nobody waiting) ∝ 1/(1/B − 1 + S), S = 1 + U: the rest are ratios to it.
    log_total = np.logaddexp(log_inv_b, log_u)
    p_wait = np.exp(np.logaddexp(0.0, log_u) - log_total)
    not_wait = np.exp(log_inv_b + np.log(-np.expm1(-log_inv_b)) - log_total)
    answered_waited = np.exp(log_u - log_total) / rho
    out.p_wait[pick] = p_wait

    if want.abandon:
        abandon = np.maximum(p_wait - answered_waited, 0.0)
        # Below ρ = 1 that difference cancels when P(ab | wait) is small (long patience): there
        # the abandon mass comes from its integral, π·(J + x·∫(1−e⁻ᶻ)e^φ(z)dz), all positive.
        exact = (x < s + 1.0) & ((abandon < 1e-3 * p_wait) | np.isnan(p1))
        if np.any(exact):
            mom = _half_line(s[exact] + 1.0 - x[exact], x[exact], -1)
            mass = np.log(mom.k0 + x[exact] * mom.kab) - log_total[exact]
            abandon = np.where(exact, 0.0, abandon)
            abandon[exact] = np.exp(mass)
        out.abandon_rate[pick] = abandon
    else:
        out.abandon_rate[pick] = np.nan
    # Carried load / agents = ρ·P(answered); P(answered) as a sum of positive terms stays
    # accurate when nearly everyone abandons, where 1 − P(ab) would not.
    out.occupancy[pick] = np.minimum(rho * (not_wait + answered_waited), 1.0)

    if want.service_level:
        # Answered after waiting more than t: π/ρ · P(s+1, x·e^−θt)/g(s, x).
        theta_t = rows.threshold_s[pick] / patience
        log_g_t = log_g - s * theta_t - x * np.expm1(-theta_t)  # log g(s, x·e^−θt)
        log_u_t, _ = _log_ratio_u(s, x * np.exp(-theta_t), log_g_t)
        answered_late = np.exp(log_u_t + log_g_t - log_g - log_total) / rho
        sl = not_wait + np.maximum(answered_waited - answered_late, 0.0)
        out.service_level[pick] = np.minimum(sl, 1.0)
    else:
        out.service_level[pick] = np.nan

    if want.asa:
        out.asa_s[pick] = answered_waited * patience * _mean_log_wait(s, x, p1) / (not_wait + answered_waited)
    else:
        out.asa_s[pick] = np.nan


def _mean_log_wait(s: FloatArray, x: FloatArray, p1: FloatArray) -> FloatArray:
    """E[log(x/G) | G ≤ x] for G ~ Gamma(s+1): θ × the mean wait of those answered after waiting.

    Below the mode (x < s+1) it is the mean of u = log(x/G) ≥ 0, whose density is
    ∝ exp(−(s+1−x)u − x(e⁻ᵘ−1+u)). Above, E[log(x/G)] = log x − ψ(s+1) is corrected by the part
    G > x, whose v = log(G/x) has density ∝ exp(−(x−s−1)v − x(eᵛ−1−v)); p1 = P(s+1, x).
    """
    out = np.empty(s.shape)
    under = x < s + 1.0
    if np.any(under):
        mom = _half_line(s[under] + 1.0 - x[under], x[under], -1)
        out[under] = mom.k1 / mom.k0
    over = ~under
    if np.any(over):
        a1, xo = s[over] + 1.0, x[over]
        mom = _half_line(xo - a1, xo, +1)
        head = np.log1p((xo - a1) / a1) + _log_minus_digamma(a1)
        out[over] = (head + special.gammaincc(a1, xo) * mom.k1 / mom.k0) / p1[over]
    return out
