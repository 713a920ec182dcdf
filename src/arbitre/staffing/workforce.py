"""From agents on line to people and paid hours: shrinkage, FTE, weekly hours, hour bands.

Costing needs what the staffing engine knows interval by interval: how many people must be paid
(agents on line ÷ (1 − shrinkage), shrinkage being breaks, training, meetings, absence) and when
those hours fall, because evenings, nights and weekends are paid more and are where outsourcing
pays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from arbitre._types import BoolArray, FloatArray, IntArray

BANDS: tuple[str, ...] = ("day", "evening", "night", "weekend")


def fte(agents: npt.ArrayLike, *, shrinkage: npt.ArrayLike) -> FloatArray:
    """People to schedule for ``agents`` on line: agents ÷ (1 − shrinkage), not rounded.

    >>> fte([7, 14], shrinkage=0.3).round(2).tolist()
    [10.0, 20.0]
    """
    s = np.asarray(shrinkage, dtype=np.float64)
    if np.any(s < 0) or np.any(s >= 1):
        raise ValueError("shrinkage must be in [0, 1)")
    return np.asarray(agents, dtype=np.float64) / (1.0 - s)


@dataclass(frozen=True, slots=True)
class BandHours:
    """Paid hours per band (day, evening, night, weekend) and in total."""

    hours: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.hours.values())

    def shares(self) -> dict[str, float]:
        total = self.total
        return {k: (v / total if total > 0 else 0.0) for k, v in self.hours.items()}


def band_hours(
    agents: npt.ArrayLike,
    *,
    shrinkage: npt.ArrayLike,
    interval_s: float,
    band: npt.ArrayLike,
) -> BandHours:
    """Paid hours of a staffing plan split by band.

    ``band`` gives each interval's band index into `BANDS` (use `band_of_intervals`).
    """
    hours = fte(agents, shrinkage=shrinkage) * (interval_s / 3600.0)
    idx = np.asarray(band, dtype=np.int64)
    sums = np.bincount(idx, weights=hours, minlength=len(BANDS))
    return BandHours({name: float(sums[i]) for i, name in enumerate(BANDS)})


def band_of_intervals(weekday: npt.ArrayLike, minute: npt.ArrayLike, masks: dict[str, BoolArray]) -> IntArray:
    """The band of each interval from its local weekday (Monday 0) and minute of the day.

    ``masks`` are the minute-of-week masks of `arbitre.domain.settings.HourBands.minute_masks`.
    """
    at = np.asarray(weekday, dtype=np.int64) * 1440 + np.asarray(minute, dtype=np.int64)
    out = np.full(at.shape, -1, dtype=np.int64)
    for i, name in enumerate(BANDS):
        out[masks[name][at]] = i
    if np.any(out < 0):
        raise ValueError("hour band masks do not cover every minute of the week")
    return out


def weekly(values: npt.ArrayLike, *, week: npt.ArrayLike) -> dict[str, float]:
    """Sums per ISO week key (``2026-W13``) of per-interval values."""
    keys = np.asarray(week)
    vals = np.asarray(values, dtype=np.float64)
    out: dict[str, float] = {}
    for k in np.unique(keys):
        out[str(k)] = float(vals[keys == k].sum())
    return out
