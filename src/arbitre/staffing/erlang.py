"""Erlang B, C and A (Palm): what a number of agents delivers, and how many agents targets need.

Analytic queueing models of one interval, vectorised over arrays of intervals (NumPy
broadcasting). Poisson arrivals at rate λ, exponential handle times of mean ``aht_s`` (μ = 1/aht),
``agents`` identical agents (n), first come first served; offered load a = λ/μ Erlangs.

- Erlang C (M/M/n, Erlang 1917): callers wait as long as it takes.
- Erlang A (M/M/n+M, Palm 1943): each caller abandons after an exponential patience of mean
  ``patience_s`` (θ = 1/patience) if not answered by then.

Every formula is written with the regularised incomplete gamma functions and the Poisson
density, taken in log space, so that nothing overflows from 1 agent to 100,000 agents; where the
incomplete gamma functions underflow, the same ratios come from a 40-point Gauss–Legendre rule on
a log-concave integrand. docs/staffing-models.md derives the formulas and gives their sources.

>>> m = evaluate(agents=29, volume=180, interval_s=1800, aht_s=240, threshold_s=20)
>>> round(float(m.service_level), 4), round(float(m.asa_s), 2)
(0.8403, 11.63)
>>> int(required_agents(volume=180, interval_s=1800, aht_s=240, threshold_s=20, sl=0.8))
29
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.errors import InfeasibleError

__all__ = ["QueueMetrics", "erlang_b", "erlang_c", "evaluate", "required_agents"]

# Below this log-density the incomplete gamma functions are too close to underflow to be divided
# by each other; the ratio then comes from quadrature instead.
_FAR_LOG = -600.0
_TINY = 1e-250
# SciPy's regularised incomplete gamma sums at most 2000 terms of its power series, which is not
# enough for a shape above ~1e5 once |x − a| ≥ 4.5·√a (outside its asymptotic window): there,
# the lower tail comes from quadrature as well.
_SERIES_SHAPE = 5e4
# Gauss–Legendre nodes on [0, 1] for the half-line integrals: 40 nodes give ~1e-12 relative error
# over the whole range of shapes the integrands take (checked against mpmath in the tests).
_GL_T, _GL_W = np.polynomial.legendre.leggauss(40)
_GL_T = (_GL_T + 1.0) / 2.0
_GL_W = _GL_W / 2.0
_QUAD_CUT = 40.0  # the integrands are cut where they fall below e^-40 of their maximum
_CHUNK = 1 << 14  # rows per quadrature block (40 nodes each): bounded memory for big arrays
_LOG_2PI = math.log(2.0 * math.pi)
_PARALLEL_ROWS = 1 << 17  # from this many rows, evaluations are split over the CPU cores
_SEARCH_BLOCK = 1 << 14  # rows per block of the minimum-agents search: its temporaries stay in cache


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


def required_agents(
    *,
    volume: npt.ArrayLike,
    interval_s: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
    sl: npt.ArrayLike | None = None,
    max_asa_s: npt.ArrayLike | None = None,
    max_abandon: npt.ArrayLike | None = None,
    max_occupancy: npt.ArrayLike | None = None,
    patience_s: npt.ArrayLike | None = None,
    max_agents: int = 100_000,
) -> IntArray:
    """The fewest agents on line meeting every target given, interval by interval.

    Targets: ``sl`` (service level at ``threshold_s`` ≥ sl), ``max_asa_s`` (ASA ≤, seconds),
    ``max_abandon`` (abandon rate ≤), ``max_occupancy`` (occupancy ≤). A NaN in a target array
    means "no such target for that row". An interval with contacts gets at least one agent, and
    under Erlang C more agents than its load (a stable queue); one without contacts needs 0.
    The answer n meets every target with the numbers `evaluate` gives, and n − 1 does not.

    Raises InfeasibleError (first row, target) for a target no number of agents up to
    ``max_agents`` meets, ValueError for invalid inputs.

    >>> required_agents(volume=[180, 360], interval_s=1800, aht_s=240, threshold_s=20,
    ...                 sl=0.8, patience_s=120).tolist()
    [26, 49]
    """
    if isinstance(max_agents, bool) or not isinstance(max_agents, int | np.integer):
        raise ValueError(f"max_agents must be an integer, got {max_agents!r}")
    if max_agents < 1:
        raise ValueError(f"max_agents must be at least 1, got {max_agents}")
    given = {
        name: value
        for name, value in (
            ("sl", sl),
            ("max_asa_s", max_asa_s),
            ("max_abandon", max_abandon),
            ("max_occupancy", max_occupancy),
        )
        if value is not None
    }
    if not given:
        raise ValueError("no target given: pass sl, max_asa_s, max_abandon or max_occupancy")
    extra = {name: _target_array(name, value) for name, value in given.items()}
    rows = _Rows.build(
        volume=volume,
        interval_s=interval_s,
        aht_s=aht_s,
        threshold_s=threshold_s,
        patience_s=patience_s,
        extra=extra,
    )
    targets = _Targets(
        sl=rows.extra.get("sl"),
        max_asa_s=rows.extra.get("max_asa_s"),
        max_abandon=rows.extra.get("max_abandon"),
        max_occupancy=rows.extra.get("max_occupancy"),
    )
    return _search_in_blocks(rows, targets, int(max_agents)).reshape(rows.shape)


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


def _target_array(name: str, value: npt.ArrayLike) -> FloatArray:
    if name in ("sl", "max_abandon"):
        return _float_array(name, value, minimum=0.0, maximum=1.0, allow_nan=True)
    return _float_array(name, value, minimum=0.0, allow_nan=True)


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
# Special functions in log space


def _log_poisson(s: FloatArray, x: FloatArray) -> FloatArray:
    """log(xˢ e⁻ˣ / Γ(s+1)) for real s ≥ 0, x ≥ 0: the Poisson density at s, mean x.

    From s = 20 on, Loader's saddle-point form (deviance bd0 plus Stirling error) keeps full
    relative precision where xˢ and Γ(s+1) would overflow and their logs would cancel.
    """
    out = -_bd0(s, x) - 0.5 * (_LOG_2PI + np.log(s)) - _stirling_error(s)
    small = s < 20.0
    if np.any(small):
        ss, xs = s[small], x[small]
        out[small] = special.xlogy(ss, xs) - xs - special.gammaln(ss + 1.0)
    return out


def _bd0(s: FloatArray, x: FloatArray) -> FloatArray:
    """s·log(s/x) + x − s without cancellation (Loader 2000, "Fast and accurate computation of
    binomial probabilities"): a series in v = (s − x)/(s + x) when |v| < 0.1."""
    d = s - x
    v = d / (s + x)
    v2 = v * v
    poly = np.full(v2.shape, 1.0 / 19)
    for k in range(17, 1, -2):  # Σⱼ≥₁ v²ʲ/(2j+1) to j = 9: error < 1e-18 relative
        poly = 1.0 / k + v2 * poly
    series = d * v + 2.0 * s * v * v2 * poly
    direct = s * np.log(s / x) - d
    return np.where(np.abs(v) < 0.1, series, direct)


def _stirling_error(s: FloatArray) -> FloatArray:
    """log Γ(s+1) − (s+½)·log s + s − ½·log 2π, asymptotic series valid from s = 20 (< 1e-17)."""
    r = 1.0 / (s * s)
    return (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r * (1.0 / 1680 - r / 1188)))) / s


def _log_minus_digamma(a: FloatArray) -> FloatArray:
    """log a − ψ(a) for a ≥ 1, without the cancellation of two large terms."""
    out = np.log(a) - special.digamma(a)
    big = a >= 20.0
    r = 1.0 / (a * a)
    series = 0.5 / a + r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r / 240)))
    return np.where(big, series, out)


def _log_inv_erlang_b(n: FloatArray, a: FloatArray) -> FloatArray:
    """log(1/B(n, a)) = log Q(n+1, a) − log(Poisson density at n, mean a), for a > 0."""
    log_g = _log_poisson(n, a)
    out: FloatArray = np.log(special.gammaincc(n + 1.0, a)) - log_g
    far = (log_g < _FAR_LOG) & (a > n + 1.0)
    if np.any(far):
        # Q and the density both underflow: 1/B = ∫₀^∞ e⁻ᵗ(1 + t/a)ⁿ dt
        #   = a ∫₀^∞ exp(−(a−n−1)v − a(eᵛ−1−v)) dv   (t = a(eᵛ − 1))
        af, nf = a[far], n[far]
        out[far] = np.log(af * _half_line(af - nf - 1.0, af, +1).k0)
    tail = _series_regime(n + 1.0, a)
    if np.any(tail):
        # Q = 1 − P(n+1, a) with P/g = U(n, a) by quadrature (P is small here).
        af, nf, lg = a[tail], n[tail], log_g[tail]
        u = af * _half_line(nf + 1.0 - af, af, -1).k0
        out[tail] = np.log1p(-np.exp(lg) * u) - lg
    return out


def _series_regime(shape: FloatArray, x: FloatArray) -> BoolArray:
    """Where SciPy would take P(shape, x) from its truncated power series (x < shape)."""
    return (shape > _SERIES_SHAPE) & (shape - x >= 4.4 * np.sqrt(shape))


def _log_ratio_u(s: FloatArray, x: FloatArray, log_g: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(log U, P) with U(s, x) = P(s+1, x)/g(s, x) = Σⱼ≥₁ xʲ/((s+1)⋯(s+j)), g = e^log_g.

    P is the regularised lower incomplete gamma P(s+1, x). Where it underflows (x well below s)
    or SciPy's series falls short, U = x ∫₀^∞ exp(−(s+1−x)z − x(e⁻ᶻ−1+z)) dz by quadrature, and
    P is returned as NaN there.
    """
    p = special.gammainc(s + 1.0, x)
    out = np.log(p) - log_g
    far = ((log_g < _FAR_LOG) | (p < _TINY) | _series_regime(s + 1.0, x)) & (x < s + 1.0)
    if np.any(far):
        sf, xf = s[far], x[far]
        out[far] = np.log(xf * _half_line(sf + 1.0 - xf, xf, -1).k0)
        p = np.where(far, np.nan, p)
    return out, p


@dataclass(frozen=True, slots=True)
class _Moments:
    k0: FloatArray  # ∫ f
    k1: FloatArray  # ∫ w·f
    kab: FloatArray  # ∫ (1 − e⁻ʷ)·f


def _half_line(c: FloatArray, x: FloatArray, sign: int) -> _Moments:
    """∫₀^∞ {1, w, 1−e⁻ʷ} · exp(−c·w − x·ψ(w)) dw for c ≥ 0, x ≥ 0.

    ψ(w) = e⁻ʷ − 1 + w (sign −1) or eʷ − 1 − w (sign +1) is convex and ≈ w²/2 near 0, so the
    integrand is log-concave with its maximum, 1, at w = 0. Newton finds W where
    c·w + x·ψ(w) = 40; 40-point Gauss–Legendre on [0, W] then resolves exponential, Gaussian and
    mixed shapes alike (about 1e-12 relative error, checked against mpmath in the tests).
    """
    k0 = np.empty(c.shape)
    k1 = np.empty(c.shape)
    kab = np.empty(c.shape)
    for start in range(0, c.size, _CHUNK):
        part = slice(start, start + _CHUNK)
        cc, xx = c[part, None], x[part, None]
        end = _half_line_end(c[part], x[part], sign)[:, None]
        w = end * _GL_T
        f = np.exp(-(cc * w) - xx * _psi(w, sign)) * (end * _GL_W)
        k0[part] = f.sum(axis=1)
        k1[part] = (w * f).sum(axis=1)
        kab[part] = (-np.expm1(-w) * f).sum(axis=1)
    return _Moments(k0=k0, k1=k1, kab=kab)


def _psi(w: FloatArray, sign: int) -> FloatArray:
    if sign < 0:
        return w + np.expm1(-w)
    return np.expm1(w) - w


def _half_line_end(c: FloatArray, x: FloatArray, sign: int) -> FloatArray:
    cut = _QUAD_CUT
    # The root of c·w + x·w²/2 = cut lies below the end for sign −1 (Newton then overshoots once
    # and comes back monotonically) and above it for sign +1 (monotone from the start).
    w = 2.0 * cut / (c + np.sqrt(c * c + 2.0 * x * cut))
    if sign > 0:
        # eʷ − 1 − w ≥ cut/x from w = 2·log1p(cut/x) on, when cut/x ≥ ½: a closer start.
        w = np.where(2.0 * x <= cut, np.minimum(w, 2.0 * np.log1p(cut / x)), w)
    for _ in range(12):
        slope = c + x * (np.expm1(w) if sign > 0 else -np.expm1(-w))
        w = w - (c * w + x * _psi(w, sign) - cut) / slope
    return w


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


# --------------------------------------------------------------------------------------------
# The search for the fewest agents


@dataclass(frozen=True, slots=True)
class _Targets:
    sl: FloatArray | None
    max_asa_s: FloatArray | None
    max_abandon: FloatArray | None
    max_occupancy: FloatArray | None

    def take(self, idx: IntArray) -> _Targets:
        def pick(v: FloatArray | None) -> FloatArray | None:
            return None if v is None else v[idx]

        return _Targets(pick(self.sl), pick(self.max_asa_s), pick(self.max_abandon), pick(self.max_occupancy))

    def named(self) -> list[tuple[str, FloatArray]]:
        pairs = [
            ("sl", self.sl),
            ("max_asa_s", self.max_asa_s),
            ("max_abandon", self.max_abandon),
            ("max_occupancy", self.max_occupancy),
        ]
        return [(k, v) for k, v in pairs if v is not None]

    def want(self) -> _Want:
        return _Want(
            service_level=self.sl is not None,
            asa=self.max_asa_s is not None,
            abandon=self.max_abandon is not None,
        )


def _assess(rows: _Rows, targets: _Targets, n: FloatArray) -> tuple[list[tuple[str, BoolArray]], FloatArray]:
    """(failures per target, gap) at `n` agents.

    A failure compares the KPI with its target exactly as a reader of `evaluate` would. The gap,
    log(KPI/limit) (log of the shortfall 1 − SL for service level), is > 0 where the target fails
    and smooth in n: the search interpolates the largest one to place its next probe.
    """
    m = _metrics(rows, n, targets.want())
    fails: list[tuple[str, BoolArray]] = []
    gap = np.full(n.shape, -np.inf)

    def add(name: str, failed: BoolArray, g: FloatArray) -> None:
        nonlocal gap
        fails.append((name, failed))
        gap = np.fmax(gap, g)  # a NaN gap (no target on that row) is ignored

    # A NaN target never fails: `metric < NaN` and `metric > NaN` are both False.
    if targets.sl is not None:
        add("sl", m.service_level < targets.sl, np.log1p(-m.service_level) - np.log1p(-targets.sl))
    if targets.max_asa_s is not None:
        add("max_asa_s", m.asa_s > targets.max_asa_s, np.log(m.asa_s / targets.max_asa_s))
    if targets.max_abandon is not None:
        ratio = m.abandon_rate / targets.max_abandon
        add("max_abandon", m.abandon_rate > targets.max_abandon, np.log(ratio))
    if targets.max_occupancy is not None:
        ratio = m.occupancy / targets.max_occupancy
        add("max_occupancy", m.occupancy > targets.max_occupancy, np.log(ratio))
    if rows.model == "erlang_c":
        unstable = n <= rows.load
        add("a stable queue (agents > load)", unstable, np.where(unstable, np.inf, -np.inf))
    return fails, gap


def _search_in_blocks(rows: _Rows, targets: _Targets, cap: int) -> IntArray:
    """`_search` over blocks of `_SEARCH_BLOCK` rows, on every CPU core.

    Each row's search is independent of the others, so the answer does not depend on the cut;
    blocks keep the search's many temporaries in cache (a million rows searched at once spend
    more time allocating memory than computing).
    """
    size = rows.load.size
    if size <= 2 * _SEARCH_BLOCK:
        return _search(rows, targets, cap)
    _check_targets(rows, targets)  # on the whole input, so that an error names its row
    out = np.empty(size, dtype=np.int64)

    def one(start: int) -> None:
        idx = np.arange(start, min(start + _SEARCH_BLOCK, size))
        out[idx] = _search(rows.take(idx), targets.take(idx), cap, offset=start, label_shape=rows.shape)

    workers = min(os.cpu_count() or 1, 8)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, range(0, size, _SEARCH_BLOCK)))
    return out


def _check_targets(rows: _Rows, targets: _Targets) -> None:
    busy = rows.load > 0.0
    untargeted = busy & np.all([np.isnan(v) for _, v in targets.named()], axis=0)
    if np.any(untargeted):
        label = _row_label(rows.shape, int(np.flatnonzero(untargeted)[0]))
        raise ValueError(f"row {label}: no target for an interval with contacts")
    _check_reachable(rows, targets, busy)


def _search(
    rows: _Rows, targets: _Targets, cap: int, *, offset: int = 0, label_shape: tuple[int, ...] | None = None
) -> IntArray:
    """The fewest agents per row; ``offset`` and ``label_shape`` place a block in the whole input
    for error messages."""
    a = rows.load
    result = np.zeros(a.shape, dtype=np.int64)
    busy = a > 0.0
    if label_shape is None:
        _check_targets(rows, targets)
    idx = np.flatnonzero(busy)
    if idx.size == 0:
        return result
    sub_rows, sub_targets = rows.take(idx), targets.take(idx)

    def assess(i: IntArray, n: IntArray) -> tuple[BoolArray, FloatArray]:
        with np.errstate(all="ignore"):
            fails, gap = _assess(sub_rows.take(i), sub_targets.take(i), n.astype(np.float64))
        ok = np.ones(n.shape, dtype=np.bool_)
        for _, failed in fails:
            ok &= ~failed
        return ok, gap

    with np.errstate(all="ignore"):
        lower = _known_failing(sub_rows, sub_targets)
        guess, second = _guess(sub_rows, sub_targets)
        found = _bracket_search(assess, lower=lower, guess=guess, cap=cap, second=second)
    beyond = found > cap
    if np.any(beyond):
        row = int(idx[np.flatnonzero(beyond)[0]])
        one = np.array([row])
        with np.errstate(all="ignore"):
            fails, _ = _assess(rows.take(one), targets.take(one), np.array([float(cap)]))
        names = " and ".join(name for name, failed in fails if failed[0])
        raise InfeasibleError(
            f"row {_row_label(label_shape or rows.shape, offset + row)}: {names} not met with max_agents={cap} "
            f"(load {a[row]:.6g} Erlangs)"
        )
    result[idx] = found
    return result


def _check_reachable(rows: _Rows, targets: _Targets, busy: BoolArray) -> None:
    """Targets that no finite number of agents meets, whatever the rounding of the KPIs."""
    erlang_a = rows.model == "erlang_a"
    checks: list[tuple[str, FloatArray | None, Callable[[FloatArray], BoolArray], str]] = [
        ("sl", targets.sl, lambda v: v >= 1.0, "the service level stays below 1"),
        ("max_asa_s", targets.max_asa_s, lambda v: v <= 0.0, "some contacts always wait"),
        (
            "max_abandon",
            targets.max_abandon if erlang_a else None,
            lambda v: v <= 0.0,
            "some contacts always abandon",
        ),
        ("max_occupancy", targets.max_occupancy, lambda v: v <= 0.0, "agents always carry load"),
    ]
    impossible: list[tuple[int, str]] = []
    for name, values, bad, why in checks:
        if values is None:
            continue
        hit = np.flatnonzero(busy & bad(values))
        if hit.size:
            first = int(hit[0])
            impossible.append(
                (first, f"{name}={values[first]:g} cannot be met by any number of agents ({why})")
            )
    if impossible:
        row, what = min(impossible)
        raise InfeasibleError(f"row {_row_label(rows.shape, row)}: {what}")


def _row_label(shape: tuple[int, ...], flat: int) -> str:
    if len(shape) <= 1:
        return str(flat)
    return str(tuple(int(i) for i in np.unravel_index(flat, shape)))


def _known_failing(rows: _Rows, targets: _Targets) -> IntArray:
    """An agent count known to fail each row (all rows have contacts): ⌊load⌋ under Erlang C
    (unstable); under Erlang A 0 (no agent answers nobody), or the last n below sl·load, since
    SL ≤ P(answered) = carried load / load ≤ n / load."""
    a = rows.load
    if rows.model == "erlang_c":
        return np.floor(a).astype(np.int64)
    lower = np.zeros(a.shape, dtype=np.int64)
    if targets.sl is not None:
        # A margin of 1e-9 keeps the bound clear of rounding in the computed service level.
        bound = np.nan_to_num(targets.sl * a * (1.0 - 1e-9), nan=0.0)
        lower = np.maximum(lower, np.ceil(bound).astype(np.int64) - 1)
    return lower


def _bracket_search(
    assess: Callable[[IntArray, IntArray], tuple[BoolArray, FloatArray]],
    *,
    lower: IntArray,
    guess: IntArray,
    cap: int,
    second: IntArray | None = None,
) -> IntArray:
    """Smallest n in (lower, cap] meeting the targets, per row; cap + 1 where none does.

    `assess(rows, n)` gives (meets, gap), `meets` monotone in n and `gap` > 0 where it fails.
    The first pass probes `guess` and `second` (default: guess − 1). Each later pass probes every
    open row once: the root of the gap interpolated through the last three points (inverse
    quadratic, as in Brent's method; a secant with two), kept inside the known bracket; near the
    answer the probe comes with its neighbour n − 1, so that a right estimate closes the row in
    one pass. Without a usable estimate the row gallops (steps 1, 2, 4, …) or bisects.
    """
    size = lower.size
    lo = lower.astype(np.int64).copy()  # fails (known, or assumed from `lower`)
    hi = np.full(size, cap + 1, dtype=np.int64)  # meets; cap + 1 until a probe meets
    lo_seen = np.zeros(size, dtype=np.bool_)
    hi_seen = np.zeros(size, dtype=np.bool_)
    step = np.ones(size, dtype=np.int64)
    estimates_left = np.full(size, 12, dtype=np.int64)  # then bisection: a bound on the passes
    hist_n = np.zeros((size, 3))  # the last three points probed, oldest first
    hist_g = np.full((size, 3), np.nan)
    rows = np.arange(size)
    probe = np.clip(guess, lo + 1, cap)
    # The second probe of the first pass: given, or the neighbour below the guess.
    other = probe - 1 if second is None else np.clip(second, lo + 1, probe - 1)
    pair = (other > lo) & (other < probe)
    while rows.size:
        pair &= other > lo[rows]
        ok, gap = assess(np.concatenate([rows, rows[pair]]), np.concatenate([probe, other[pair]]))
        ok_p, gap_p = ok[: rows.size], gap[: rows.size]
        ok_b = np.zeros(rows.size, dtype=np.bool_)
        gap_b = np.full(rows.size, np.nan)
        ok_b[pair], gap_b[pair] = ok[rows.size :], gap[rows.size :]
        # Bracket: the smallest probe that meets, the largest that fails (other < probe).
        low = np.where(ok_p, lo[rows], probe)
        high = np.where(ok_p, probe, hi[rows])
        high = np.where(pair & ok_b, np.minimum(high, other), high)
        low = np.where(pair & ~ok_b, np.maximum(low, other), low)
        lo[rows], hi[rows] = low, high
        hi_seen[rows] |= ok_p | (pair & ok_b)
        lo_seen[rows] |= ~ok_p | (pair & ~ok_b)
        # History: the second probe (when there is one), then the probe.
        hn, hg = hist_n[rows], hist_g[rows]
        hn[pair] = np.column_stack([hn[pair, 1:], other[pair].astype(np.float64)])
        hg[pair] = np.column_stack([hg[pair, 1:], gap_b[pair]])
        hn = np.column_stack([hn[:, 1:], probe.astype(np.float64)])
        hg = np.column_stack([hg[:, 1:], gap_p])
        hist_n[rows], hist_g[rows] = hn, hg

        keep = high - low > 1
        rows, low, high, hn, hg = rows[keep], low[keep], high[keep], hn[keep], hg[keep]
        if rows.size == 0:
            break
        estimate = _root_estimate(hn, hg)
        usable = np.isfinite(estimate) & (estimates_left[rows] > 0)
        estimates_left[rows] -= usable
        newton = np.ceil(np.clip(np.where(usable, estimate, 0.0), -1.0, float(cap)))
        newton = np.clip(newton.astype(np.int64), low + 1, np.minimum(high, cap))
        up = ~hi_seen[rows]
        down = ~up & ~lo_seen[rows]
        st = step[rows]
        fallback = np.where(up, np.minimum(low + st, cap), (low + high + 1) // 2)
        fallback = np.where(down, np.maximum(high - st, low + 1), fallback)
        step[rows] = np.where(up | down, st * 2, st)
        probe = np.where(usable, newton, fallback)
        pair = (usable & (np.abs(estimate - hn[:, 2]) <= 2.0)) | (high - low <= 3)
        # A probe known to meet is not probed again: only its neighbour below is.
        again = hi_seen[rows] & (probe == high)
        probe = np.where(again, high - 1, probe)
        pair &= ~again
        other = probe - 1
    return hi


def _root_estimate(n: FloatArray, g: FloatArray) -> FloatArray:
    """Where the gap crosses 0, from the last three points (n, g) per row (oldest first).

    Inverse quadratic interpolation n(g) at g = 0 when the three gaps are finite and distinct,
    the secant through the last two otherwise; NaN where neither applies.
    """
    n0, n1, n2 = n[:, 0], n[:, 1], n[:, 2]
    g0, g1, g2 = g[:, 0], g[:, 1], g[:, 2]
    secant = n2 - g2 * (n2 - n1) / (g2 - g1)
    secant = np.where(np.isfinite(secant) & ((g2 - g1) * (n2 - n1) < 0.0), secant, np.nan)
    iqi = (
        n0 * g1 * g2 / ((g0 - g1) * (g0 - g2))
        + n1 * g0 * g2 / ((g1 - g0) * (g1 - g2))
        + n2 * g0 * g1 / ((g2 - g0) * (g2 - g1))
    )
    # Inverse interpolation is trusted only on a monotone history and between its neighbours.
    monotone = ((g0 > g1) == (n0 < n1)) & ((g1 > g2) == (n1 < n2)) & ((g0 > g2) == (n0 < n2))
    span = np.abs(iqi - n2) <= 2.0 * np.abs(secant - n2) + 2.0
    good = np.isfinite(iqi) & monotone & span
    return np.where(good, iqi, secant)


def _guess(rows: _Rows, targets: _Targets) -> tuple[IntArray, IntArray | None]:
    """A first probe per row: square-root staffing (Halfin & Whitt 1981) for the service level and
    ASA, a/limit for occupancy, a fluid model under Erlang A; the search corrects it."""
    a = rows.load
    guess = np.floor(a).astype(np.int64) + 1
    second: IntArray | None = None
    sl_guess: IntArray | None = None
    sqrt_a = np.sqrt(a)
    if targets.sl is not None:
        # C·exp(−β·√a·t/aht) = 1 − sl, with C ≈ 1/(1 + β·Φ(β)/φ(β))
        tail = np.log1p(-np.minimum(targets.sl, 1.0 - 1e-12))
        speed = sqrt_a * rows.threshold_s / rows.aht_s

        def sl_gap(b: FloatArray) -> tuple[FloatArray, FloatArray]:
            log_inv_c, slope = _hw_log_inv_wait(b)
            return log_inv_c + b * speed + tail, slope + speed

        n_sl = a + _newton_beta(sl_gap, a.shape) * sqrt_a
        if rows.patience_s is not None:
            # Fluid model of an overloaded Erlang A queue: the answered wait about
            # patience·log(a/n) and n/a of the callers are answered, so SL ≈ n/a once that wait
            # is within the threshold; √a agents more for the randomness. The lower wins, and
            # the fluid point itself is the second probe of the first pass.
            fluid = a * np.maximum(targets.sl, np.exp(-rows.threshold_s / rows.patience_s))
            n_sl = np.minimum(n_sl, fluid + sqrt_a)
            second = np.where(np.isnan(fluid), 0, np.ceil(np.minimum(fluid, 1e9))).astype(np.int64)
        guess = _raise(guess, n_sl, targets.sl)
        sl_guess = guess.copy()
    if targets.max_asa_s is not None:
        # C·aht/(β·√a) = max_asa_s
        ratio = np.log(rows.aht_s / (sqrt_a * np.maximum(targets.max_asa_s, 1e-300)))

        def asa_gap(b: FloatArray) -> tuple[FloatArray, FloatArray]:
            log_inv_c, slope = _hw_log_inv_wait(b)
            return log_inv_c + np.log(b) - ratio, slope + 1.0 / b

        guess = _raise(guess, a + _newton_beta(asa_gap, a.shape) * sqrt_a, targets.max_asa_s)
    if targets.max_occupancy is not None:
        guess = _raise(guess, a / targets.max_occupancy, targets.max_occupancy)
    if targets.max_abandon is not None:
        guess = _raise(guess, a * (1.0 - targets.max_abandon), targets.max_abandon)
    if second is not None and sl_guess is not None:
        # Only where the service level sets the guess; elsewhere the neighbour below it.
        second = np.where(guess == sl_guess, second, guess - 1)
    return guess, second


def _raise(guess: IntArray, n: FloatArray, target: FloatArray) -> IntArray:
    n = np.where(np.isfinite(n) & ~np.isnan(target), np.ceil(np.minimum(n, 1e9)), 0.0)
    return np.maximum(guess, n.astype(np.int64))


def _hw_log_inv_wait(beta: FloatArray) -> tuple[FloatArray, FloatArray]:
    """log(1/P(wait)) ≈ log(1 + β·Φ(β)/φ(β)) (Halfin & Whitt 1981) and its derivative in β."""
    r = special.ndtr(beta) * math.sqrt(2.0 * math.pi) * np.exp(0.5 * beta * beta)  # Φ/φ
    q = beta * r
    return np.log1p(q), (r * (1.0 + beta * beta) + beta) / (1.0 + q)


def _newton_beta(
    gap: Callable[[FloatArray], tuple[FloatArray, FloatArray]], shape: tuple[int, ...]
) -> FloatArray:
    """Root in β ∈ [1e-8, 30] of an increasing `gap` (value, slope): Newton kept in a bracket."""
    lo = np.full(shape, 1e-8)
    hi = np.full(shape, 30.0)
    beta = np.ones(shape)
    for _ in range(6):
        value, slope = gap(beta)
        above = value > 0.0
        hi = np.where(above, beta, hi)
        lo = np.where(above, lo, beta)
        step = beta - value / slope
        beta = np.where((step > lo) & (step < hi), step, np.sqrt(lo * hi))
    return beta
