"""The fewest agents meeting service targets, interval by interval (`required_agents`).

The targets (service level, ASA, abandon rate, occupancy) are checked for reachability first; a
first probe per row comes from square-root staffing (Halfin & Whitt 1981) or a fluid model, then
a bracketed search interpolates the gap to the targets (inverse quadratic, as in Brent's method)
until n meets every target and n − 1 does not. Large inputs are searched in cache-sized blocks on
every CPU core.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.errors import InfeasibleError
from arbitre.staffing.erlang.models import _float_array, _metrics, _Rows, _Want

_SEARCH_BLOCK = 1 << 14  # rows per block of the minimum-agents search: its temporaries stay in cache


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
# The search for the fewest agents


def _target_array(name: str, value: npt.ArrayLike) -> FloatArray:
    if name in ("sl", "max_abandon"):
        return _float_array(name, value, minimum=0.0, maximum=1.0, allow_nan=True)
    return _float_array(name, value, minimum=0.0, allow_nan=True)


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
