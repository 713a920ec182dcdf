"""The mixed-integer program of shift scheduling, and the one place that speaks to HiGHS.

`_build` lays out the columns in the terms the solution is read back in: z counts the agents on
each days-off pattern × start band × length, y the agents on each daily shift × break placement
(tours implicit in the days, Jacobs & Brusco 1996; breaks placed per shift, Aykin 1996).
`_solve` assembles the rows column-wise — linking z and y day by day, coverage with a penalised
shortfall, head-count bounds — and `arbitre.mip.solve_mip` solves the program. `arbitre.staffing.shifts`
turns the solution into tours; docs/scheduling.md gives the formulation and its sources.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.domain.hours import DAYS, MINUTES_PER_DAY
from arbitre.errors import InfeasibleError, InputError
from arbitre.mip import solve_mip
from arbitre.staffing.document import ShiftNote
from arbitre.staffing.shift_rules import ShiftKind, ShiftRules, _clock_ranges, _hm

MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY


@dataclass(frozen=True, slots=True)
class _Model:
    """The MIP's columns and rows, in the terms the solution is read back in."""

    n_z: int
    n_y: int
    # tour-pattern columns: kind, week, days mask (7 bools), band, paid hours per day
    z_kind: IntArray
    z_week: IntArray
    z_days: BoolArray
    z_group: IntArray  # linking group (kind, week, band, length)
    z_paid_h: FloatArray
    # daily shift × break columns
    y_kind: IntArray
    y_day: IntArray  # day of the horizon (week * 7 + weekday)
    y_start: IntArray  # start minute of the day
    y_break: IntArray  # break offset from the start in minutes, -1 without break
    y_group: IntArray
    y_span_min: IntArray
    # coverage: column `duty_col[j]` is on duty in interval `duty_interval[j]`
    duty_col: IntArray
    duty_interval: IntArray
    coverable: BoolArray
    group_paid_h: FloatArray
    notes: tuple[ShiftNote, ...]


def _patterns(kind: ShiftKind, n: int) -> list[tuple[int, ...]]:
    if n == 7:
        return [tuple(range(7))]
    if kind.days_off == "any":
        return list(combinations(range(7), n))
    out: set[tuple[int, ...]] = set()
    for first_off in range(7):
        off = {(first_off + j) % 7 for j in range(7 - n)}
        out.add(tuple(d for d in range(7) if d not in off))
    return sorted(out)


def _break_offsets(kind: ShiftKind, *, start: int, span: int, interval_min: int) -> list[int]:
    """Break offsets from the shift start (minutes) the rule allows; [-1] for a kind without break."""
    b = kind.break_
    if b is None:
        return [-1]
    windows = _clock_ranges(b.window) if b.window else None
    work_min = span - b.length_min
    out = []
    for k in range(0, span - b.length_min + 1, interval_min):
        before, after = k, work_min - k
        if before < b.min_work_before_min or after < b.min_work_after_min:
            continue
        if b.max_work_stretch_min is not None and max(before, after) > b.max_work_stretch_min:
            continue
        if windows is not None:
            t = start + k
            if not any(
                a + shift <= t and t + b.length_min <= e + shift
                for a, e in windows
                for shift in (-MINUTES_PER_DAY, 0, MINUTES_PER_DAY)
            ):
                continue
        out.append(k)
    return out


def _bands(starts: list[int], width_min: int) -> dict[int, int]:
    """Start minute → band: consecutive starts no more than ``width_min`` apart from the band's first."""
    band: dict[int, int] = {}
    first = None
    n = -1
    for m in sorted(set(starts)):
        if first is None or m > first + width_min:
            first, n = m, n + 1
        band[m] = n
    return band


def _build(req: FloatArray, *, rules: ShiftRules, interval_min: int) -> _Model:
    n_int = len(req)
    weeks = n_int * interval_min // MINUTES_PER_WEEK
    per_day = MINUTES_PER_DAY // interval_min
    notes: list[ShiftNote] = []
    z_rows: list[tuple[int, int, tuple[int, ...], int, float]] = []  # kind, week, days, group, paid/day
    y_rows: list[tuple[int, int, int, int, int, int]] = []  # kind, day, start, break, group, span
    group_paid: list[float] = []
    for ki, kind in enumerate(rules.shifts):
        used = False
        starts = kind.start_minutes(step_min=kind.start_step_min)
        band_of = _bands([m for day in starts for m in day], kind.start_band_min)
        n_bands = max(band_of.values()) + 1
        for n_days, paid_h in kind.week_shapes():
            span = kind.span_min(paid_h)
            # (weekday, band) → [(start, break offset)] the rules allow
            daily: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
            no_break: dict[tuple[float, int], list[int]] = defaultdict(list)
            for d in range(7):
                for m in starts[d]:
                    offsets = _break_offsets(kind, start=m, span=span, interval_min=interval_min)
                    if not offsets:
                        no_break[paid_h, m].append(d)
                    daily[d, band_of[m]].extend((m, k) for k in offsets)
            for (hours, m), days in no_break.items():
                notes.append(
                    ShiftNote(
                        shift=kind.name,
                        code="no_break",
                        hours=hours,
                        start=_hm(m),
                        days=[DAYS[d] for d in days],
                    )
                )
            for band in range(n_bands):
                patterns = [p for p in _patterns(kind, n_days) if all(daily.get((d, band)) for d in p)]
                if not patterns:
                    continue
                used = True
                worked = sorted({d for p in patterns for d in p})
                for week in range(weeks):
                    group = len(group_paid)
                    group_paid.append(paid_h)
                    z_rows.extend((ki, week, p, group, paid_h) for p in patterns)
                    for d in worked:
                        y_rows.extend((ki, week * 7 + d, m, k, group, span) for m, k in daily[d, band])
        if not used:
            notes.append(
                ShiftNote(
                    shift=kind.name,
                    code="no_week",
                    days_per_week=list(kind.days_per_week),
                    days_off=kind.days_off,
                )
            )
    notes = _distinct(notes)
    if not z_rows:
        unusable = ", ".join(dict.fromkeys(n.shift for n in notes))
        raise InputError(
            f"the rules allow no tour: no shift of {unusable} has a week with an allowed start and a "
            "lawful break on every day worked",
            field="shifts",
        )
    n_z, n_y = len(z_rows), len(y_rows)
    z_days = np.zeros((n_z, 7), dtype=np.bool_)
    for j, (_, _, p, _, _) in enumerate(z_rows):
        z_days[j, list(p)] = True
    y = np.array(y_rows, dtype=np.int64).reshape(-1, 6)
    y_kind, y_day, y_start, y_break, y_group, y_span = y.T
    # Duty intervals of each y column, vectorised over columns of the same (span, break) shape.
    duty_col_parts, duty_int_parts = [], []
    first_interval = y_day * per_day + y_start // interval_min
    break_len = np.array([k.break_.length_min if k.break_ else 0 for k in rules.shifts], dtype=np.int64)[
        y_kind
    ]
    shapes = np.stack([y_span, y_break, break_len], axis=1)
    for shape in np.unique(shapes, axis=0):
        shape_span, brk, blen = (int(v) for v in shape)
        cols = np.flatnonzero((shapes == shape).all(axis=1))
        steps = np.arange(shape_span // interval_min)
        if brk >= 0:
            steps = steps[(steps < brk // interval_min) | (steps >= (brk + blen) // interval_min)]
        duty_col_parts.append(np.repeat(cols, len(steps)))
        duty_int_parts.append(((first_interval[cols][:, None] + steps[None, :]) % n_int).ravel())
    duty_col = np.concatenate(duty_col_parts).astype(np.int64)
    duty_interval = np.concatenate(duty_int_parts).astype(np.int64)
    coverable = np.zeros(n_int, dtype=np.bool_)
    coverable[duty_interval] = True
    return _Model(
        n_z=n_z,
        n_y=n_y,
        z_kind=np.array([r[0] for r in z_rows], dtype=np.int64),
        z_week=np.array([r[1] for r in z_rows], dtype=np.int64),
        z_days=z_days,
        z_group=np.array([r[3] for r in z_rows], dtype=np.int64),
        z_paid_h=np.array([len(r[2]) * r[4] for r in z_rows], dtype=np.float64),
        y_kind=y_kind.copy(),
        y_day=y_day.copy(),
        y_start=y_start.copy(),
        y_break=y_break.copy(),
        y_group=y_group.copy(),
        y_span_min=y_span.copy(),
        duty_col=duty_col,
        duty_interval=duty_interval,
        coverable=coverable,
        group_paid_h=np.array(group_paid, dtype=np.float64),
        notes=tuple(notes),
    )


def _distinct(notes: list[ShiftNote]) -> list[ShiftNote]:
    """Each note once, in the order first given."""
    seen: dict[str, ShiftNote] = {}
    for note in notes:
        seen.setdefault(note.model_dump_json(), note)
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class _MipSolution:
    x: FloatArray
    status: str
    objective: float
    bound: float
    gap: float
    run_s: float


def _solve(
    model: _Model,
    *,
    rules: ShiftRules,
    weeks: int,
    req: FloatArray,
    rows_cov: IntArray,
    penalty_per_interval: float,
    time_limit_s: float,
    mip_gap: float,
) -> _MipSolution:
    """Assemble the MIP column-wise and solve it.

    Columns: z (agents per tour pattern), y (agents per daily shift × break), u (shortfall per
    covered row). Rows: linking (group, weekday): Σ y − Σ z = 0; coverage: Σ y on duty + u ≥ r;
    head-count per (kind, week): min ≤ Σ z ≤ max.
    """
    n_z, n_y, n_u = model.n_z, model.n_y, len(rows_cov)
    # linking rows: one per (group, day of the horizon) that some y column works
    y_link_key = model.y_group * 10_000_000 + model.y_day
    link_keys, y_link_row = np.unique(y_link_key, return_inverse=True)
    z_link_r, z_link_c = [], []
    key_row = {int(k): i for i, k in enumerate(link_keys)}
    for j in range(n_z):
        week = int(model.z_week[j])
        for d in np.flatnonzero(model.z_days[j]):
            z_link_r.append(key_row[int(model.z_group[j]) * 10_000_000 + week * 7 + int(d)])
            z_link_c.append(j)
    n_link = len(link_keys)
    # coverage rows: only the intervals with a requirement that some shift can cover
    cov_row_of = np.full(len(req), -1, dtype=np.int64)
    cov_row_of[rows_cov] = n_link + np.arange(n_u)
    keep = cov_row_of[model.duty_interval] >= 0
    # head-count rows: min_agents ≤ Σ z ≤ max_agents per (kind, week), where a bound is set
    cap_r: list[int] = []
    cap_c: list[int] = []
    cap_lo: list[float] = []
    cap_hi: list[float] = []
    for k, kind in enumerate(rules.shifts):
        if kind.min_agents == 0 and kind.max_agents is None:
            continue
        for w in range(weeks):
            members = np.flatnonzero((model.z_kind == k) & (model.z_week == w))
            row = n_link + n_u + len(cap_lo)
            cap_r.extend([row] * len(members))
            cap_c.extend(members.tolist())
            cap_lo.append(float(kind.min_agents))
            cap_hi.append(np.inf if kind.max_agents is None else float(kind.max_agents))
    rows_r = [
        np.array(z_link_r, dtype=np.int64),
        y_link_row.astype(np.int64),
        cov_row_of[model.duty_interval[keep]],
        n_link + np.arange(n_u),
        np.array(cap_r, dtype=np.int64),
    ]
    cols = [
        np.array(z_link_c, dtype=np.int64),
        n_z + np.arange(n_y),
        n_z + model.duty_col[keep],
        n_z + n_y + np.arange(n_u),
        np.array(cap_c, dtype=np.int64),
    ]
    vals = [
        np.full(len(z_link_c), -1.0),
        np.ones(n_y),
        np.ones(int(keep.sum())),
        np.ones(n_u),
        np.ones(len(cap_c)),
    ]
    row_lo = [np.zeros(n_link), req[rows_cov], np.array(cap_lo, dtype=np.float64)]
    row_hi = [np.zeros(n_link), np.full(n_u, np.inf), np.array(cap_hi, dtype=np.float64)]
    result = solve_mip(
        cost=np.concatenate([model.z_paid_h, np.zeros(n_y), np.full(n_u, penalty_per_interval)]),
        lower=np.zeros(n_z + n_y + n_u),
        upper=np.full(n_z + n_y + n_u, np.inf),
        integer=np.concatenate([np.ones(n_z + n_y, dtype=np.bool_), np.zeros(n_u, dtype=np.bool_)]),
        rows=np.concatenate(rows_r),
        cols=np.concatenate(cols),
        vals=np.concatenate(vals),
        row_lower=np.concatenate(row_lo),
        row_upper=np.concatenate(row_hi),
        start=np.concatenate([np.zeros(n_z + n_y), req[rows_cov]]),
        time_limit_s=time_limit_s,
        mip_gap=mip_gap,
    )
    # The start is feasible, so HiGHS always has a schedule; guard anyway.
    if result.x is None or result.objective is None or result.bound is None or result.gap is None:
        raise InfeasibleError(f"HiGHS found no schedule: {result.status}")
    return _MipSolution(
        x=result.x,
        status=result.status,
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        run_s=result.run_s,
    )
