"""Shift scheduling: weekly tours that cover a per-interval requirement at the fewest paid hours.

A tour is one agent's week: the days worked (a days-off pattern), a start time and a length each
working day, and where the break falls in each shift. The engine chooses how many agents work each
tour as a mixed-integer program solved by HiGHS (docs/scheduling.md gives the formulation and its
sources):

- tours are implicit in the days (Jacobs & Brusco 1996): a variable counts the agents on each
  days-off pattern × start band × length, another the agents on each daily shift × break placement,
  and one equality per day ties them, so an agent may start at a different time each day within
  its band without enumerating every combination;
- breaks are placed per shift as in Aykin (1996): each placement within the window is a variable,
  their sum is the number of agents on the shift;
- coverage of each interval has a slack for under-coverage, penalised so heavily that the model is
  always feasible and leaves a shortfall only where the rules cannot cover it (or a head-count cap
  forbids it); the objective is paid hours + penalty × under-covered agent-hours.

Time is wall-clock time on a grid of ``interval_min`` minutes from Monday 00:00 of the first week;
the horizon is whole weeks and cyclic (a shift starting Sunday 22:00 covers Monday 00:00–06:00 of
the first week when it is the last), as in continuous tour scheduling.

The rules and their parsing live in `arbitre.staffing.shift_rules`, the mixed-integer program and
HiGHS in `arbitre.staffing.shifts_mip`; this module schedules and reads the tours back.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.domain.hours import DAYS, MINUTES_PER_DAY
from arbitre.errors import InputError
from arbitre.staffing.document import ShiftNote
from arbitre.staffing.shift_rules import BreakRule, ShiftKind, ShiftRules, _hm, _start_windows, grid_min
from arbitre.staffing.shifts_mip import MINUTES_PER_WEEK, _build, _Model, _solve

__all__ = [
    "MINUTES_PER_WEEK",
    "BreakRule",
    "Schedule",
    "ShiftKind",
    "ShiftRules",
    "Tour",
    "grid_min",
    "schedule",
]


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tour:
    """``agents`` agents who all work this same week.

    ``days`` are the weekdays worked (Monday 0) in week ``week`` (0 first) of the horizon;
    ``start_min`` and ``break_start_min`` give, for each of them, the start of the shift and of
    its break in minutes from that day's midnight (past 1440 when it falls after midnight;
    ``None`` for a shift kind without a break).
    """

    shift: str
    agents: int
    week: int
    days: tuple[int, ...]
    start_min: tuple[int, ...]
    break_start_min: tuple[int | None, ...]
    paid_h_per_day: float
    span_min: int

    @property
    def weekly_paid_h(self) -> float:
        """Paid hours of one agent's week on this tour."""
        return len(self.days) * self.paid_h_per_day

    def describe(self) -> str:
        """``"mon-fri 08:00-16:00 (break 12:00)"``-like text; days with other times are listed."""
        parts = []
        for d, s, b in zip(self.days, self.start_min, self.break_start_min, strict=True):
            brk = f" ({_hm(b)})" if b is not None else ""
            parts.append(f"{DAYS[d]} {_hm(s)}-{_hm(s + self.span_min)}{brk}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Schedule:
    """Tours chosen, and what they cover, interval by interval (arrays aligned with the requirement).

    ``coverage`` counts agents on duty (not on break); ``under`` and ``over`` are the agents
    missing and in excess; ``coverable`` is false where no shift the rules allow is ever on duty.
    Hours are agent-hours. ``efficiency`` is required ÷ paid hours (NaN when nothing is paid).
    ``status`` is ``optimal`` (within ``mip_gap``) or ``time_limit`` (best schedule found in
    time); ``gap`` is the relative gap HiGHS proved between the schedule's objective and its
    lower bound; ``notes`` list what the rules made impossible (starts with no lawful break), as
    codes (`arbitre.staffing.document.ShiftNote`) the reports write.
    """

    tours: tuple[Tour, ...]
    interval_min: int
    required: FloatArray
    coverage: IntArray
    under: FloatArray
    over: FloatArray
    coverable: BoolArray
    paid_hours: float
    required_hours: float
    under_hours: float
    over_hours: float
    efficiency: float
    objective: float
    bound: float
    gap: float
    status: str
    solve_s: float
    penalty_per_agent_h: float
    notes: tuple[ShiftNote, ...]

    @property
    def weeks(self) -> int:
        """Weeks in the horizon."""
        return len(self.required) * self.interval_min // MINUTES_PER_WEEK

    def headcount(self, week: int = 0) -> int:
        """Agents working in ``week`` (0 first)."""
        return sum(t.agents for t in self.tours if t.week == week)


# --- Engine -------------------------------------------------------------------------------------


def schedule(
    requirement: IntArray | FloatArray,
    *,
    rules: ShiftRules,
    interval_min: int,
    time_limit_s: float = 30,
    mip_gap: float = 0.005,
) -> Schedule:
    """The tours covering ``requirement`` at the fewest paid hours, under ``rules``.

    ``requirement[i]`` is the agents needed on duty in interval ``i`` of ``interval_min`` minutes,
    interval 0 starting Monday 00:00 (wall-clock time); its length is a whole number of weeks.
    Every start, length and break of the rules must fall on that grid (`grid_min`). HiGHS stops at
    ``time_limit_s`` seconds or when the relative gap to the optimum is proved under ``mip_gap``.

    Example: 3 agents needed 08:00–16:00 Monday to Friday, 8-hour shifts from 08:00, 5 days a
    week — three tours of Monday to Friday, nothing short, nothing over.

    >>> need = np.zeros(7 * 24)
    >>> for d in range(5):
    ...     need[d * 24 + 8 : d * 24 + 16] = 3
    >>> rules = ShiftRules.model_validate({"shifts": [{"name": "day", "lengths_h": [8],
    ...     "starts": "08:00", "days_per_week": 5}]})
    >>> s = schedule(need, rules=rules, interval_min=60)
    >>> s.paid_hours, s.under_hours, s.over_hours, [t.days for t in s.tours]
    (120.0, 0.0, 0.0, [(0, 1, 2, 3, 4)])
    """
    req = _check_requirement(requirement, interval_min=interval_min)
    _check_grid(rules, interval_min=interval_min)
    per_week = MINUTES_PER_WEEK // interval_min
    weeks = len(req) // per_week
    if weeks == 1 or _crosses_week_end(rules):
        return _schedule_block(
            req, rules=rules, interval_min=interval_min, time_limit_s=time_limit_s, mip_gap=mip_gap
        )
    # No shift runs from one week into the next: the weeks are independent problems, solved apart
    # (the sum of their optima is the optimum), each with its share of the time.
    blocks = [
        _schedule_block(
            req[w * per_week : (w + 1) * per_week],
            rules=rules,
            interval_min=interval_min,
            time_limit_s=time_limit_s / weeks,
            mip_gap=mip_gap,
        )
        for w in range(weeks)
    ]
    return _concatenate(blocks)


def _crosses_week_end(rules: ShiftRules) -> bool:
    """Whether some shift the rules allow starts on Sunday and ends after midnight."""
    return any(
        m + kind.span_min(h) > MINUTES_PER_DAY
        for kind in rules.shifts
        for m in kind.start_minutes(step_min=kind.start_step_min)[6]
        for h in kind.lengths_h
    )


def _concatenate(blocks: list[Schedule]) -> Schedule:
    """Week-by-week schedules as one: tours renumbered by week, sums summed, the gap recomputed."""
    paid = sum(b.paid_hours for b in blocks)
    required_h = sum(b.required_hours for b in blocks)
    objective = sum(b.objective for b in blocks)
    bound = sum(b.bound for b in blocks)
    late = [b.status for b in blocks if b.status != "optimal"]
    return Schedule(
        tours=tuple(replace(t, week=w) for w, b in enumerate(blocks) for t in b.tours),
        interval_min=blocks[0].interval_min,
        required=np.concatenate([b.required for b in blocks]),
        coverage=np.concatenate([b.coverage for b in blocks]),
        under=np.concatenate([b.under for b in blocks]),
        over=np.concatenate([b.over for b in blocks]),
        coverable=np.concatenate([b.coverable for b in blocks]),
        paid_hours=paid,
        required_hours=required_h,
        under_hours=sum(b.under_hours for b in blocks),
        over_hours=sum(b.over_hours for b in blocks),
        efficiency=required_h / paid if paid > 0 else math.nan,
        objective=objective,
        bound=bound,
        gap=max(objective - bound, 0.0) / abs(objective) if objective else 0.0,
        status=late[0] if late else "optimal",
        solve_s=sum(b.solve_s for b in blocks),
        penalty_per_agent_h=blocks[0].penalty_per_agent_h,
        notes=tuple({n.model_dump_json(): n for b in blocks for n in b.notes}.values()),
    )


def _schedule_block(
    req: FloatArray, *, rules: ShiftRules, interval_min: int, time_limit_s: float, mip_gap: float
) -> Schedule:
    model = _build(req, rules=rules, interval_min=interval_min)
    penalty = rules.penalty_per_agent_h(interval_min=interval_min)
    interval_h = interval_min / 60
    rows_cov = np.flatnonzero(model.coverable & (req > 0))
    solution = _solve(
        model,
        rules=rules,
        weeks=len(req) * interval_min // MINUTES_PER_WEEK,
        req=req,
        rows_cov=rows_cov,
        penalty_per_interval=penalty * interval_h,
        time_limit_s=time_limit_s,
        mip_gap=mip_gap,
    )
    z = np.rint(solution.x[: model.n_z]).astype(np.int64)
    y = np.rint(solution.x[model.n_z : model.n_z + model.n_y]).astype(np.int64)
    coverage = np.zeros(len(req), dtype=np.int64)
    np.add.at(coverage, model.duty_interval, y[model.duty_col])
    under = np.maximum(req - coverage, 0.0)
    over = np.maximum(coverage - req, 0.0)
    paid = float(z @ model.z_paid_h)
    required_h = float(req.sum() * interval_h)
    under_h = float(under.sum() * interval_h)
    return Schedule(
        tours=_tours(model, z=z, y=y, rules=rules),
        interval_min=interval_min,
        required=req,
        coverage=coverage,
        under=under,
        over=over,
        coverable=model.coverable,
        paid_hours=paid,
        required_hours=required_h,
        under_hours=under_h,
        over_hours=float(over.sum() * interval_h),
        efficiency=required_h / paid if paid > 0 else math.nan,
        objective=solution.objective,
        bound=solution.bound,
        gap=solution.gap,
        status=solution.status,
        solve_s=solution.run_s,
        penalty_per_agent_h=penalty,
        notes=model.notes,
    )


def _check_requirement(requirement: IntArray | FloatArray, *, interval_min: int) -> FloatArray:
    if interval_min <= 0 or MINUTES_PER_DAY % interval_min:
        raise InputError(field="interval_min", expected="a divisor of 1440 minutes", got=interval_min)
    req = np.asarray(requirement, dtype=np.float64)
    per_week = MINUTES_PER_WEEK // interval_min
    if req.ndim != 1 or len(req) == 0 or len(req) % per_week:
        raise InputError(
            field="requirement",
            expected=f"whole weeks of {per_week} intervals of {interval_min} min from Monday 00:00",
            got=f"{len(req)} intervals",
        )
    bad = np.flatnonzero(~np.isfinite(req) | (req < 0))
    if len(bad):
        raise InputError(field=f"requirement[{bad[0]}]", expected="a number of agents ≥ 0", got=req[bad[0]])
    return req


def _check_grid(rules: ShiftRules, *, interval_min: int) -> None:
    for i, kind in enumerate(rules.shifts):
        where = f"shifts.{i}"
        window_starts = [a for _, a, _ in _start_windows(kind.starts)]
        all_starts = [m for day in kind.start_minutes(step_min=kind.start_step_min) for m in day]
        checks: list[tuple[str, list[int]]] = [
            ("lengths_h", [round(h * 60) for h in kind.lengths_h]),
            ("starts", window_starts),
            ("start_step_min", all_starts),
        ]
        if kind.break_ is not None:
            checks.append(("break.length_min", [kind.break_.length_min]))
        for field, minutes in checks:
            off = [m for m in minutes if m % interval_min]
            if off:
                raise InputError(
                    field=f"{where}.{field}",
                    expected=f"whole multiples of the {interval_min}-min interval",
                    got=f"{off[0]} min",
                )


def _tours(model: _Model, *, z: IntArray, y: IntArray, rules: ShiftRules) -> tuple[Tour, ...]:
    """Individual agents' weeks from the pattern and daily-shift counts, grouped when identical.

    Within a linking group, the agents working a day take that day's shifts in order of start
    and break; any assignment is valid (the band keeps the daily rest), this one keeps an agent's
    starts close from day to day.
    """
    counts: Counter[tuple[int, int, tuple[int, ...], tuple[int, ...], tuple[int | None, ...], float, int]] = (
        Counter()
    )
    for group in np.unique(model.z_group[z > 0]):
        g = int(group)
        agents: list[tuple[int, ...]] = []
        for j in np.flatnonzero((model.z_group == g) & (z > 0)):
            agents.extend([tuple(int(d) for d in np.flatnonzero(model.z_days[j]))] * int(z[j]))
        ys = np.flatnonzero((model.y_group == g) & (y > 0))
        kind = int(model.y_kind[ys[0]])
        week = int(model.y_day[ys[0]]) // 7
        span = int(model.y_span_min[ys[0]])
        pools: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for j in ys[np.lexsort((model.y_break[ys], model.y_start[ys]))]:
            pools[int(model.y_day[j]) % 7].extend(
                [(int(model.y_start[j]), int(model.y_break[j]))] * int(y[j])
            )
        taken = dict.fromkeys(range(7), 0)
        for days in agents:
            starts, breaks = [], []
            for d in days:
                m, k = pools[d][taken[d]]
                taken[d] += 1
                starts.append(m)
                breaks.append(m + k if k >= 0 else None)
            counts[kind, week, days, tuple(starts), tuple(breaks), float(model.group_paid_h[g]), span] += 1
    tours = [
        Tour(
            shift=rules.shifts[kind].name,
            agents=n,
            week=week,
            days=days,
            start_min=starts,
            break_start_min=breaks,
            paid_h_per_day=paid_h,
            span_min=span,
        )
        for (kind, week, days, starts, breaks, paid_h, span), n in counts.items()
    ]
    order = {k.name: i for i, k in enumerate(rules.shifts)}
    return tuple(
        sorted(tours, key=lambda t: (t.week, order[t.shift], t.start_min, t.days, t.break_start_min))
    )
