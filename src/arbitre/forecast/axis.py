"""The intervals of a run of local days in a time zone: days of 23, 24 or 25 hours.

An interval is the bucket the KPI engine uses (``kpi.buckets``): a stretch of ``interval_min``
minutes of the local wall clock. A day starts at its local midnight and its intervals follow one
another in real time until the next local midnight, so the day of the spring change has 46
half-hours (02:00 and 02:30 do not exist) and the day of the autumn change 50 (02:00 and 02:30
come twice, first at +02:00 then at +01:00). Each interval also carries its *wall-clock slot*
(``minute of the day // interval_min``): the two 02:30 of October share slot 5, and the day of
March has no slot 4 or 5. Profiles and handle times are indexed by wall-clock slot, because people
call at 10:00 on the clock, whatever the offset.

This assumes the zone's changes fall on interval boundaries (true of every European zone and of
all zones for 15- and 30-minute intervals except a handful, such as Lord Howe's 30-minute change
with 60-minute intervals).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from arbitre._types import IntArray

SECONDS_PER_DAY = 86_400
MINUTES_PER_DAY = 1_440


@dataclass(frozen=True)
class IntervalAxis:
    """The intervals of ``days`` consecutive local days from ``first_day``.

    ``day_start_s`` holds the epoch second of each local midnight and of the end of the last day
    (``days + 1`` values). Per interval: ``start_s`` (epoch second of its start), ``day`` (index of
    its local day) and ``slot`` (its wall-clock slot). Per day: ``weekday`` (Monday 0).
    """

    tz: str
    interval_min: int
    first_day: date
    day_start_s: IntArray
    start_s: IntArray
    day: IntArray
    slot: IntArray
    weekday: IntArray

    @property
    def days(self) -> int:
        return len(self.day_start_s) - 1

    @property
    def slots_per_day(self) -> int:
        """Wall-clock slots of an ordinary day (48 for half-hours)."""
        return MINUTES_PER_DAY // self.interval_min

    @property
    def intervals_per_day(self) -> IntArray:
        """How many intervals each day holds (46, 48 or 50 for half-hours in Europe)."""
        return np.diff(np.searchsorted(self.start_s, self.day_start_s)).astype(np.int64)

    def head(self, days: int) -> IntervalAxis:
        """The first ``days`` days of the axis."""
        days = max(0, min(days, self.days))
        n = int(np.searchsorted(self.start_s, self.day_start_s[days]))
        return IntervalAxis(
            tz=self.tz,
            interval_min=self.interval_min,
            first_day=self.first_day,
            day_start_s=self.day_start_s[: days + 1],
            start_s=self.start_s[:n],
            day=self.day[:n],
            slot=self.slot[:n],
            weekday=self.weekday[:days],
        )

    def date_of(self, day: int) -> date:
        return self.first_day + timedelta(days=int(day))

    def dates(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(self.days)]

    def day_index(self, when: date) -> int:
        """Index of the local day ``when`` (may be outside the axis: negative or ≥ ``days``)."""
        return (when - self.first_day).days

    def interval_index(self, epoch_s: IntArray) -> IntArray:
        """The interval holding each epoch second, or -1 when it is outside the axis."""
        i = np.searchsorted(self.start_s, epoch_s, side="right") - 1
        inside = (epoch_s >= self.day_start_s[0]) & (epoch_s < self.day_start_s[-1])
        return np.where(inside, i, -1).astype(np.int64)


def interval_axis(first_day: date, days: int, *, tz: str, interval_min: int) -> IntervalAxis:
    """The intervals of ``days`` local days from ``first_day`` in zone ``tz``.

    >>> axis = interval_axis(date(2026, 3, 28), 3, tz="Europe/Paris", interval_min=30)
    >>> axis.intervals_per_day.tolist()
    [48, 46, 48]
    >>> int(axis.slot[48 + 4])  # on 29 March the fifth half-hour starts at 03:00
    6
    """
    if days < 0:
        raise ValueError(f"days must be ≥ 0, got {days}")
    if interval_min <= 0 or MINUTES_PER_DAY % interval_min:
        raise ValueError(f"interval_min must divide a day, got {interval_min}")
    zone = ZoneInfo(tz)
    step = interval_min * 60
    # One zone lookup per day, not per interval: a Python loop over days is cheap.
    midnights = np.array(
        [
            int(datetime.combine(first_day + timedelta(days=i), datetime.min.time(), zone).timestamp())
            for i in range(days + 1)
        ],
        dtype=np.int64,
    )
    offsets_at_midnight = np.array(
        [_offset_s(int(t), zone) for t in midnights],
        dtype=np.int64,
    )
    lengths = np.diff(midnights)
    counts = -(-lengths // step)  # a day of 23 h has 46 half-hours, of 25 h 50
    total = int(counts.sum())
    day = np.repeat(np.arange(days, dtype=np.int64), counts)
    first_of_day = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    k = np.arange(total, dtype=np.int64) - first_of_day[day]
    start = midnights[day] + k * step
    # Wall-clock minute: elapsed minutes, corrected by the change of offset since midnight. Only
    # days whose length is not 24 h can change offset within the day.
    wall_min = k * interval_min
    uneven = np.flatnonzero(lengths != SECONDS_PER_DAY)
    if uneven.size:
        mask = np.isin(day, uneven)
        idx = np.flatnonzero(mask)
        offsets = np.array([_offset_s(int(t), zone) for t in start[idx]], dtype=np.int64)
        wall_min[idx] += (offsets - offsets_at_midnight[day[idx]]) // 60
    slot = (wall_min // interval_min) % (MINUTES_PER_DAY // interval_min)
    weekday = (np.arange(days, dtype=np.int64) + first_day.weekday()) % 7
    return IntervalAxis(
        tz=tz,
        interval_min=interval_min,
        first_day=first_day,
        day_start_s=midnights,
        start_s=start.astype(np.int64),
        day=day,
        slot=slot.astype(np.int64),
        weekday=weekday,
    )


def _offset_s(epoch_s: int, zone: ZoneInfo) -> int:
    offset = datetime.fromtimestamp(epoch_s, zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def day_of_epoch(epoch_s: int, *, tz: str) -> date:
    """The local date of an epoch second in ``tz``."""
    return datetime.fromtimestamp(epoch_s, ZoneInfo(tz)).date()
