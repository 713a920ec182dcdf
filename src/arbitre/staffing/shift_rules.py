"""The rules a shift schedule must respect, as written in a rules YAML file (docs/scheduling.md).

`ShiftRules` lists the kinds of shift and contract (`ShiftKind`): lengths, start windows, days
per week, days off, weekly hours and head-count bounds, and the break of each shift
(`BreakRule`). They are validated once at the edge (pydantic); `grid_min` gives the coarsest
interval on which every start, length and break falls. Clock times are read from ``"HH:MM"``
ranges and written back as ``"HH:MM"`` here.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arbitre.domain.hours import MINUTES_PER_DAY, parse_days

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


def _hm(minute: int) -> str:
    minute %= MINUTES_PER_DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"
