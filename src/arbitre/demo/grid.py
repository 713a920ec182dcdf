"""The time grid of the demo: fixed-length intervals in UTC, labelled with Europe/Paris local time.

A day in Paris lasts 23 hours on the last Sunday of March and 25 on the last Sunday of October;
the grid is regular in UTC (every interval lasts ``step_s``) and each interval carries its local
date, weekday and minute of day, so the spring day simply has fewer intervals and the autumn day
has the hour 02:00–03:00 twice. Offsets of whole quarter hours keep local boundaries aligned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np

from arbitre._types import IntArray

_SECONDS_PER_DAY = 86_400


@dataclass(frozen=True, slots=True)
class Grid:
    """Intervals ``[t0 + i*step, t0 + (i+1)*step)`` covering local days ``[start, end)``.

    - ``t0_epoch_s``: UTC instant (seconds since 1970) of local midnight on the first day;
      simulation clocks count seconds from it.
    - ``local_day``: epoch day (days since 1970-01-01) of the local date of each interval;
      ``weekday`` (Monday 0) and ``minute`` (local minute of the day) likewise.
    - ``days``: the epoch days covered, in order; ``day_index`` maps each interval to it;
      ``day_start[k]`` is the first interval of day ``k`` (``day_start[-1] == n``).
    """

    t0_epoch_s: int
    step_s: int
    local_day: IntArray
    weekday: IntArray
    minute: IntArray
    days: IntArray
    day_index: IntArray
    day_start: IntArray

    @property
    def n(self) -> int:
        return int(self.local_day.shape[0])

    @property
    def horizon_s(self) -> float:
        return float(self.n * self.step_s)

    def interval_of(self, t_s: np.ndarray) -> IntArray:
        """Interval index of times in seconds from ``t0`` (clipped to the grid)."""
        j = np.floor_divide(np.asarray(t_s, dtype=np.float64), self.step_s).astype(np.int64)
        return np.clip(j, 0, self.n - 1)

    def day_start_s(self, k: IntArray) -> IntArray:
        """Start, in seconds from ``t0``, of local day ``k`` (``k`` may equal the day count)."""
        return np.asarray(self.day_start[k], dtype=np.int64) * self.step_s


def _offset_s(epoch_s: int, zone: ZoneInfo) -> int:
    offset = datetime.fromtimestamp(epoch_s, tz=zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def build_grid(start: date, end: date, *, zone: ZoneInfo, step_s: int = 900) -> Grid:
    """The grid of local days ``start`` (inclusive) to ``end`` (exclusive) in ``zone``.

    >>> g = build_grid(date(2025, 3, 30), date(2025, 3, 31), zone=ZoneInfo("Europe/Paris"))
    >>> g.n  # 23 hours of 15 minutes
    92
    """
    if end <= start:
        raise ValueError(f"end {end} must come after start {start}")
    if _SECONDS_PER_DAY % step_s or step_s % 60:
        raise ValueError(f"step_s must divide a day in whole minutes, got {step_s}")
    t0 = int(datetime.combine(start, time(), tzinfo=zone).timestamp())
    t1 = int(datetime.combine(end, time(), tzinfo=zone).timestamp())
    n = (t1 - t0) // step_s
    starts = t0 + step_s * np.arange(n, dtype=np.int64)
    # The offset only changes at a few instants a year: look it up once per distinct hour.
    hours = np.unique(starts // 3600)
    offsets_by_hour = np.array([_offset_s(int(h) * 3600, zone) for h in hours], dtype=np.int64)
    offsets = offsets_by_hour[np.searchsorted(hours, starts // 3600)]
    local = starts + offsets
    local_day = np.floor_divide(local, _SECONDS_PER_DAY)
    minute = (local - local_day * _SECONDS_PER_DAY) // 60
    weekday = (local_day + 3) % 7  # 1970-01-01 was a Thursday
    days, day_index = np.unique(local_day, return_inverse=True)
    day_start = np.searchsorted(local_day, np.append(days, days[-1] + 1)).astype(np.int64)
    return Grid(
        t0_epoch_s=t0,
        step_s=step_s,
        local_day=local_day.astype(np.int64),
        weekday=weekday.astype(np.int64),
        minute=minute.astype(np.int64),
        days=days.astype(np.int64),
        day_index=day_index.astype(np.int64),
        day_start=day_start,
    )
