"""Weekly hours: opening hours of a flow and the evening/night/weekend bands.

Written the way people write them in a settings file::

    opening_hours:
      mon-fri: "08:00-20:00"
      sat: "09:00-12:00, 14:00-18:00"
      sun: closed

and compiled to a boolean mask over the minutes of the week (Monday 00:00 first), which the
mapping and costing engines index with the local weekday and minute of each contact.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from arbitre._types import BoolArray

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 1440
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_days(spec: str) -> list[int]:
    """Weekday indices (Monday 0) of ``"mon-fri"``, ``"sat,sun"`` or ``"daily"``.

    >>> parse_days("fri-mon")
    [4, 5, 6, 0]
    """
    spec = spec.strip().lower()
    if spec in ("daily", "all", "mon-sun"):
        return list(range(7))
    days: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            a, b = (p.strip() for p in part.split("-", 1))
            i, j = _day(a), _day(b)
            days.extend((i + k) % 7 for k in range((j - i) % 7 + 1))
        else:
            days.append(_day(part))
    return days


def _day(name: str) -> int:
    try:
        return DAYS.index(name[:3])
    except ValueError:
        raise ValueError(f"unknown day {name!r}: expected one of {', '.join(DAYS)}") from None


def parse_ranges(spec: str) -> list[tuple[int, int]]:
    """Minute ranges of ``"08:00-12:00, 14:00-18:00"``; ``"closed"`` is none.

    A range whose end is not after its start runs past midnight (``"22:00-07:00"``), and ``24:00``
    is the end of the day.

    >>> parse_ranges("22:00-07:00")
    [(1320, 1440), (0, 420)]
    """
    return [(a, b) for a, b, _ in _shifted_ranges(spec)]


def _shifted_ranges(spec: str) -> list[tuple[int, int, int]]:
    """(start, end, day shift): the part of a range past midnight has a day shift of 1."""
    spec = spec.strip().lower()
    if spec in ("closed", "fermé", "ferme", ""):
        return []
    if spec in ("24h", "00:00-24:00"):
        return [(0, MINUTES_PER_DAY, 0)]
    out: list[tuple[int, int, int]] = []
    for part in spec.split(","):
        m = _RANGE.match(part)
        if not m:
            raise ValueError(f"expected hours as HH:MM-HH:MM, got {part.strip()!r}")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2 > 0):
            raise ValueError(f"not a time of day in {part.strip()!r}")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end > start:
            out.append((start, end, 0))
        else:
            out.append((start, MINUTES_PER_DAY, 0))
            if end > 0:
                out.append((0, end, 1))
    return out


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """A set of minutes of the week, as ranges per weekday (Monday 0)."""

    ranges: tuple[tuple[tuple[int, int], ...], ...]

    @classmethod
    def parse(cls, spec: Mapping[str, str] | str) -> WeeklyHours:
        """From ``{"mon-fri": "08:00-20:00", "sat": "09:00-18:00"}`` or one string for every day.

        A range past midnight belongs to the day it starts on: Friday ``22:00-07:00`` covers
        Saturday until 07:00.
        """
        if isinstance(spec, str):
            spec = {"daily": spec}
        mask = np.zeros(MINUTES_PER_WEEK, dtype=bool)
        for days, hours in spec.items():
            for day in parse_days(days):
                for start, end, shift in _shifted_ranges(str(hours)):
                    offset = ((day + shift) % 7) * MINUTES_PER_DAY
                    mask[offset + start : offset + end] = True
        return cls.from_mask(mask)

    @classmethod
    def from_mask(cls, mask: BoolArray) -> WeeklyHours:
        days = []
        for d in range(7):
            day = mask[d * MINUTES_PER_DAY : (d + 1) * MINUTES_PER_DAY]
            edges = np.flatnonzero(np.diff(np.concatenate(([False], day, [False])).astype(np.int8)))
            days.append(tuple((int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)))
        return cls(tuple(days))

    def minute_mask(self) -> BoolArray:
        """Boolean per minute of the week, Monday 00:00 first."""
        mask = np.zeros(MINUTES_PER_WEEK, dtype=bool)
        for d, ranges in enumerate(self.ranges):
            for a, b in ranges:
                mask[d * MINUTES_PER_DAY + a : d * MINUTES_PER_DAY + b] = True
        return mask

    def contains(self, weekday: np.ndarray, minute: np.ndarray) -> BoolArray:
        """Whether each (weekday Monday 0, minute of day) falls inside these hours."""
        idx = np.asarray(weekday, dtype=np.int64) * MINUTES_PER_DAY + np.asarray(minute, dtype=np.int64)
        return self.minute_mask()[idx]

    def hours_per_week(self) -> float:
        return float(self.minute_mask().sum()) / 60.0

    def describe(self) -> dict[str, str]:
        """Back to the settings-file form, one entry per weekday."""
        out = {}
        for d, ranges in enumerate(self.ranges):
            out[DAYS[d]] = ", ".join(f"{_hm(a)}-{_hm(b)}" for a, b in ranges) or "closed"
        return out


def _hm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


ALWAYS = WeeklyHours.parse("24h")
