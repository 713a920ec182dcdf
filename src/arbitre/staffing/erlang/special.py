"""Special functions in log space for the Erlang models, and the quadrature they fall back on.

The Poisson density comes from Loader's saddle-point form (deviance bd0 plus Stirling error) and
the regularised incomplete gamma functions from SciPy, both in log space, so that nothing
overflows from 1 agent to 100,000 agents. Where the incomplete gamma functions underflow, or
SciPy's power series falls short, the same ratios come from a 40-point Gauss–Legendre rule on a
log-concave integrand (`_half_line`). docs/staffing-models.md derives the formulas and gives
their sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from arbitre._types import BoolArray, FloatArray

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
