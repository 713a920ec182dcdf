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
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Literal

import highspy
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.domain.hours import DAYS, MINUTES_PER_DAY, parse_days
from arbitre.errors import InfeasibleError, InputError

MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
# A shortfall of a tenth of an agent over one interval costs more than the longest tour (see
# `ShiftRules.under_penalty_per_agent_h`): the solver covers whatever the rules let it cover.
_AUTO_PENALTY_TOURS_PER_AGENT_INTERVAL = 10.0

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


# --- Rules --------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class BreakRule(_Strict):
    """One break per shift, placed by the solver within its window.

    ``window`` is a clock-time range the whole break falls inside (``"11:30-14:30"``); the work
    before and after it is at least ``min_work_*_min`` and, when set, at most
    ``max_work_stretch_min`` (the French Code du travail asks for a pause after 6 hours of work,
    art. L3121-16: 360). An unpaid break lengthens the shift: 7 paid hours + 1 h lunch is 8 hours
    on site; a paid break does not.
    """

    length_min: int = Field(gt=0)
    paid: bool = False
    window: str | None = None
    min_work_before_min: int = Field(60, ge=0)
    min_work_after_min: int = Field(60, ge=0)
    max_work_stretch_min: int | None = Field(None, gt=0)

    @field_validator("window")
    @classmethod
    def _window(cls, v: str | None) -> str | None:
        if v is not None and not _clock_ranges(v):
            raise ValueError("expected a clock range such as 11:30-14:30")
        return v


class ShiftKind(_Strict):
    """A kind of shift and of contract: full-time days, part-time evenings…

    Tours of this kind work ``days_per_week`` days (any of the values), the same paid length
    ``lengths_h`` every day of the week (any of the values), with weekly paid hours within
    ``weekly_hours_min``–``weekly_hours_max``. Days off are one block (``consecutive``, counted
    around the week: Sunday and Monday are consecutive) or ``any`` days. Starts are allowed every
    ``start_step_min`` within ``starts`` (ends included: ``"07:30-12:30"`` allows 07:30 and 12:30);
    a day with no window is not worked. An agent's start may vary from day to day by up to
    ``start_band_min`` (0: the same start every day), and never so much that the rest between two
    days falls under ``min_daily_rest_h`` (11 h in France, art. L3131-1).
    """

    name: str = Field(min_length=1)
    lengths_h: list[float] = Field(min_length=1)
    starts: str | dict[str, str]
    break_: BreakRule | None = Field(None, alias="break")
    start_step_min: int = Field(30, gt=0)
    days_per_week: list[int] = Field(default_factory=lambda: [5], min_length=1)
    weekly_hours_min: float | None = Field(None, ge=0)
    weekly_hours_max: float | None = Field(None, ge=0)
    days_off: Literal["consecutive", "any"] = "consecutive"
    start_band_min: int = Field(0, ge=0)
    min_daily_rest_h: float = Field(11, ge=0, le=24)
    min_agents: int = Field(0, ge=0)
    max_agents: int | None = Field(None, ge=0)

    @field_validator("days_per_week", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, int) else v

    @field_validator("days_per_week")
    @classmethod
    def _days(cls, v: list[int]) -> list[int]:
        if any(not 1 <= n <= 7 for n in v):
            raise ValueError("expected numbers of days from 1 to 7")
        return sorted(set(v))

    @field_validator("lengths_h")
    @classmethod
    def _lengths(cls, v: list[float]) -> list[float]:
        for hours in v:
            if not 0 < hours <= 24 or abs(hours * 60 - round(hours * 60)) > 1e-9:
                raise ValueError(f"expected hours > 0 and ≤ 24 in whole minutes, got {hours}")
        return sorted(set(v))

    @field_validator("starts")
    @classmethod
    def _starts(cls, v: str | dict[str, str]) -> str | dict[str, str]:
        _start_windows(v)  # raises ValueError with the reason
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ShiftKind:
        if self.max_agents is not None and self.min_agents > self.max_agents:
            raise ValueError(f"min_agents {self.min_agents} is above max_agents {self.max_agents}")
        if not self.week_shapes():
            raise ValueError(
                "no combination of days_per_week and lengths_h gives weekly hours within "
                f"[{self.weekly_hours_min}, {self.weekly_hours_max}]"
            )
        if not any(self.start_minutes(step_min=self.start_step_min)):
            raise ValueError("starts allow no start time on any day")
        rest_min = MINUTES_PER_DAY - self.start_band_min - max(self.span_min(h) for h in self.lengths_h)
        if rest_min < self.min_daily_rest_h * 60:
            raise ValueError(
                f"a shift of up to {max(self.span_min(h) for h in self.lengths_h) / 60:g} h on site with "
                f"starts varying by {self.start_band_min} min leaves {rest_min / 60:g} h of rest between "
                f"two days, under min_daily_rest_h {self.min_daily_rest_h:g}"
            )
        if self.break_ is not None:
            b = self.break_
            if b.paid and any(b.length_min >= h * 60 for h in self.lengths_h):
                raise ValueError("a paid break must be shorter than the shift")
        return self

    def span_min(self, paid_h: float) -> int:
        """Minutes on site of a shift of ``paid_h`` paid hours (an unpaid break adds its length)."""
        extra = self.break_.length_min if self.break_ is not None and not self.break_.paid else 0
        return round(paid_h * 60) + extra

    def week_shapes(self) -> list[tuple[int, float]]:
        """(days per week, paid hours per day) pairs within the weekly hours."""
        low = self.weekly_hours_min if self.weekly_hours_min is not None else 0.0
        high = self.weekly_hours_max if self.weekly_hours_max is not None else math.inf
        return [
            (n, h) for n in self.days_per_week for h in self.lengths_h if low - 1e-9 <= n * h <= high + 1e-9
        ]

    def start_minutes(self, *, step_min: int) -> list[tuple[int, ...]]:
        """Allowed start minutes (of the day) for each weekday, Monday first."""
        days: list[set[int]] = [set() for _ in range(7)]
        for day, a, b in _start_windows(self.starts):
            for m in range(a, b + 1, step_min):
                days[(day + m // MINUTES_PER_DAY) % 7].add(m % MINUTES_PER_DAY)
        return [tuple(sorted(d)) for d in days]


class ShiftRules(_Strict):
    """Everything a schedule must respect, as written in a rules YAML file (docs/scheduling.md)."""

    name: str | None = None
    description: str | None = None
    shifts: list[ShiftKind] = Field(min_length=1)
    under_penalty_per_agent_h: float | None = Field(None, gt=0)

    @field_validator("shifts")
    @classmethod
    def _unique(cls, v: list[ShiftKind]) -> list[ShiftKind]:
        names = [k.name for k in v]
        doubles = sorted({n for n in names if names.count(n) > 1})
        if doubles:
            raise ValueError(f"shift names must be unique, {doubles[0]!r} is repeated")
        return v

    def max_tour_paid_h(self) -> float:
        """Paid hours of the longest week any kind allows."""
        return max(n * h for kind in self.shifts for n, h in kind.week_shapes())

    def penalty_per_agent_h(self, *, interval_min: int) -> float:
        """Paid hours one under-covered agent-hour costs in the objective.

        Default: a shortfall of a tenth of an agent over one interval costs more than the longest
        tour, so a shortfall remains only where no tour allowed by the rules can cover it.
        """
        if self.under_penalty_per_agent_h is not None:
            return self.under_penalty_per_agent_h
        interval_h = interval_min / 60
        return _AUTO_PENALTY_TOURS_PER_AGENT_INTERVAL * self.max_tour_paid_h() / interval_h


def grid_min(rules: ShiftRules) -> int:
    """The coarsest interval (minutes) on which every start, length and break of ``rules`` falls.

    A requirement given on a coarser grid is repeated onto this one before scheduling.

    >>> grid_min(ShiftRules.model_validate({"shifts": [{"name": "day", "lengths_h": [7.5],
    ...     "starts": "08:00-10:00", "break": {"length_min": 45}}]}))
    15
    """
    values = [MINUTES_PER_DAY]
    for kind in rules.shifts:
        values.extend(m for day in kind.start_minutes(step_min=kind.start_step_min) for m in day)
        values.extend(round(h * 60) for h in kind.lengths_h)
        if kind.break_ is not None:
            values.append(kind.break_.length_min)
    return math.gcd(*values)


def _clock(text: str) -> int:
    m = _CLOCK.match(text)
    if not m:
        raise ValueError(f"expected a time as HH:MM, got {text.strip()!r}")
    h, mi = int(m.group(1)), int(m.group(2))
    if h > 24 or mi > 59 or (h == 24 and mi > 0):
        raise ValueError(f"not a time of day: {text.strip()!r}")
    return h * 60 + mi


def _clock_ranges(spec: str) -> list[tuple[int, int]]:
    """``"11:30-14:30, 18:00-19:00"`` → minute ranges; an end not after its start is the next day."""
    out = []
    for part in spec.split(","):
        if "-" in part:
            a_text, b_text = part.split("-", 1)
            a, b = _clock(a_text), _clock(b_text)
            out.append((a, b if b > a else b + MINUTES_PER_DAY))
        else:
            a = _clock(part)
            out.append((a, a))
    return out


def _start_windows(spec: str | dict[str, str]) -> list[tuple[int, int, int]]:
    """(weekday, first start, last start) windows; the last may pass midnight (next day)."""
    if isinstance(spec, str):
        spec = {"daily": spec}
    out: list[tuple[int, int, int]] = []
    for days, ranges in spec.items():
        text = str(ranges).strip().lower()
        if text in ("closed", "fermé", "ferme", "none", ""):
            continue
        for day in parse_days(days):
            out.extend((day, a, b) for a, b in _clock_ranges(text))
    return out


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
    lower bound; ``notes`` list what the rules made impossible (starts with no lawful break).
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
    notes: tuple[str, ...]

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
        notes=tuple(dict.fromkeys(n for b in blocks for n in b.notes)),
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
    notes: tuple[str, ...]


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
    notes: list[str] = []
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
                    f"{kind.name}: {hours:g}-h shifts starting at {_hm(m)} ({_day_list(days)}) have no "
                    "break placement within the rules; not used"
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
                f"{kind.name}: no week of {' or '.join(str(n) for n in kind.days_per_week)} days with "
                f"{kind.days_off} days off has an allowed start on every day worked; not used"
            )
    if not z_rows:
        raise InputError(f"the rules allow no tour: {'; '.join(dict.fromkeys(notes))}", field="shifts")
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
        notes=tuple(dict.fromkeys(notes)),
    )


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
    return _run_highs(
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


def _run_highs(
    *,
    cost: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    integer: BoolArray,
    rows: IntArray,
    cols: IntArray,
    vals: FloatArray,
    row_lower: FloatArray,
    row_upper: FloatArray,
    start: FloatArray,
    time_limit_s: float,
    mip_gap: float,
) -> _MipSolution:
    """min cost·x s.t. row_lower ≤ A x ≤ row_upper, lower ≤ x ≤ upper, x integer where asked.

    The one place that speaks to highspy. ``start`` is a feasible solution handed to HiGHS so that
    a time limit always leaves a schedule to report.
    """
    n_cols, n_rows = len(cost), len(row_lower)
    order = np.lexsort((rows, cols))
    a_index = rows[order].astype(np.int32)
    a_value = vals[order]
    a_start = np.searchsorted(cols[order], np.arange(n_cols + 1)).astype(np.int32)
    h = _highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("random_seed", 0)
    h.passModel(
        n_cols,
        n_rows,
        len(a_value),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        cost,
        lower,
        upper,
        row_lower,
        row_upper,
        a_start,
        a_index,
        a_value,
        integer.astype(np.int32),
    )
    h.setSolution(n_cols, np.arange(n_cols, dtype=np.int32), start)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != int(highspy.SolutionStatus.kSolutionStatusFeasible):
        raise InfeasibleError(f"HiGHS found no schedule: {h.modelStatusToString(status)}")
    if status == highspy.HighsModelStatus.kOptimal:
        label = "optimal"
    elif status == highspy.HighsModelStatus.kTimeLimit:
        label = "time_limit"
    else:
        label = h.modelStatusToString(status).lower().replace(" ", "_")
    x = np.asarray(h.getSolution().col_value, dtype=np.float64)
    return _MipSolution(
        x=x,
        status=label,
        objective=float(info.objective_function_value),
        bound=float(info.mip_dual_bound),
        gap=float(info.mip_gap),
        run_s=float(h.getRunTime()),
    )


def _highs() -> highspy._core._Highs:
    """A silent HiGHS instance (highspy's ``Highs.__init__`` carries no annotations)."""
    h: highspy._core._Highs = highspy.Highs()  # type: ignore[no-untyped-call]
    return h


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


def _day_list(days: list[int]) -> str:
    """[0, 1, 2, 4] → "mon-wed, fri"."""
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(DAYS[r[0]] if len(r) == 1 else f"{DAYS[r[0]]}-{DAYS[r[-1]]}" for r in runs)


def _hm(minute: int) -> str:
    minute %= MINUTES_PER_DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"
