"""Activity profile of one flow (step 1 of the method, "cartographier l'activité").

Pure NumPy over small aggregates the queries in ``queries.py`` produce: contacts per local date
and interval, contacts per weekday and minute of the day. Out come what a consultant puts in the
specification and what later steps use: the average week, monthly curve, peak-to-average ratios,
seasonal peaks, the share of demand outside opening hours and in the evening/night/weekend bands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from pydantic import BaseModel, ConfigDict

from arbitre._types import FloatArray, IntArray
from arbitre.domain.hours import DAYS, MINUTES_PER_DAY, WeeklyHours
from arbitre.domain.periods import calendar_months
from arbitre.domain.settings import HourBands

# A week (or month, or day) is a seasonal peak when it carries this much more than the typical one.
PEAK_WEEK_RATIO = 1.25
PEAK_MONTH_RATIO = 1.10
PEAK_DAY_RATIO = 1.8


@dataclass(frozen=True)
class Counts:
    """Contacts of one flow: per (local date, interval of the day) and per (weekday, minute)."""

    dates: list[date]  # the days of the period, consecutive
    by_day_interval: IntArray  # shape (days, intervals per day)
    by_weekday_minute: IntArray  # shape (7, 1440), Monday first
    interval_min: int


@dataclass(frozen=True)
class Peak:
    key: str
    contacts: int
    ratio: float


class ClosedHour(BaseModel):
    """One hour of the week while the flow is closed, with the contacts that arrive in it."""

    model_config = ConfigDict(frozen=True)

    weekday: str  # mon … sun
    hour: int  # 0 … 23, local
    contacts_per_week: float


class OutsideHours(BaseModel):
    """The demand that arrives while the flow is closed: its own figure, never dropped.

    ``contacts`` over the period (``per_month`` its average calendar month), ``share``
    of all contacts, ``bands`` the share of them in each hour band, ``weekdays`` their count per
    weekday (Monday first), ``busiest`` the closed hours of the week that receive the most.
    """

    model_config = ConfigDict(frozen=True)

    contacts: int
    per_month: float
    share: float | None
    bands: dict[str, float | None]
    weekdays: list[int]
    busiest: list[ClosedHour]


@dataclass(frozen=True)
class Profile:
    contacts: int
    months: list[tuple[str, int]]
    average_week: FloatArray  # (7, intervals per day): mean contacts per occurrence of the slot
    peak_to_average: dict[str, float | None]
    peak_months: list[Peak]
    peak_weeks: list[Peak]
    peak_days: list[Peak]
    outside_opening_share: float | None
    band_shares: dict[str, float | None]
    outside: OutsideHours


# The closed hours listed as the busiest.
BUSIEST_CLOSED_HOURS = 5


def weekday_counts(dates: list[date]) -> IntArray:
    """How many Mondays … Sundays the period holds."""
    out = np.zeros(7, dtype=np.int64)
    for d in dates:
        out[d.weekday()] += 1
    return out


def profile(counts: Counts, *, hours: WeeklyHours, bands: HourBands) -> Profile:
    """The activity profile of one flow from its counts, its opening hours and the hour bands."""
    daily = counts.by_day_interval.sum(axis=1)
    total = int(daily.sum())
    months = _months(counts.dates, daily)
    wd = np.array([d.weekday() for d in counts.dates], dtype=np.int64)
    n_wd = np.maximum(weekday_counts(counts.dates), 1)
    week_sum = np.zeros((7, counts.by_day_interval.shape[1]), dtype=np.float64)
    np.add.at(week_sum, wd, counts.by_day_interval)
    average_week = week_sum / n_wd[:, None]

    open_slots = _open_slots(hours, counts.interval_min)
    open_values = average_week[open_slots]
    busy = average_week[average_week > 0]
    interval_ratio = (
        _ratio(open_values.max(), open_values.mean())
        if open_values.size
        else _ratio(busy.max() if busy.size else 0.0, busy.mean() if busy.size else 0.0)
    )
    weeks = _iso_weeks(counts.dates, daily)
    full_weeks = [(k, v) for k, v, n in weeks if n == 7]
    month_values = np.array([v for _, v in months], dtype=np.float64)
    week_values = np.array([v for _, v in full_weeks], dtype=np.float64)
    peak_to_average = {
        "interval": interval_ratio,
        "day": _ratio(daily.max(), daily.mean()) if daily.size else None,
        "week": _ratio(week_values.max(), week_values.mean()) if week_values.size else None,
        "month": _ratio(month_values.max(), month_values.mean()) if month_values.size > 1 else None,
    }
    peak_months = _peaks(months, np.median(month_values) if month_values.size else 0.0, PEAK_MONTH_RATIO)
    peak_weeks = _peaks(full_weeks, np.median(week_values) if week_values.size else 0.0, PEAK_WEEK_RATIO)
    peak_days = _peak_days(counts.dates, daily, wd)

    minute = counts.by_weekday_minute.reshape(-1).astype(np.float64)
    inside = hours.minute_mask()
    outside_share = float(minute[~inside].sum() / minute.sum()) if minute.sum() > 0 else None
    band_shares = _band_shares(counts.by_weekday_minute, bands)
    outside = _outside(counts, inside=inside, bands=bands)
    return Profile(
        contacts=total,
        months=months,
        average_week=average_week,
        peak_to_average=peak_to_average,
        peak_months=peak_months,
        peak_weeks=peak_weeks,
        peak_days=peak_days,
        outside_opening_share=outside_share,
        band_shares=band_shares,
        outside=outside,
    )


def _outside(counts: Counts, *, inside: np.ndarray, bands: HourBands) -> OutsideHours:
    """The contacts arriving while closed: how many, in which bands, weekdays and hours."""
    closed = np.where(inside.reshape(7, MINUTES_PER_DAY), 0, counts.by_weekday_minute)
    total = int(counts.by_weekday_minute.sum())
    n = int(closed.sum())
    days = len(counts.dates)
    weeks = np.maximum(weekday_counts(counts.dates), 1)
    per_hour = closed.reshape(7, 24, 60).sum(axis=2) / weeks[:, None]
    order = np.argsort(-per_hour, axis=None, kind="stable")[:BUSIEST_CLOSED_HOURS]
    busiest = [
        ClosedHour(
            weekday=DAYS[int(i) // 24], hour=int(i) % 24, contacts_per_week=round(float(per_hour.flat[i]), 1)
        )
        for i in order
        if per_hour.flat[i] > 0
    ]
    return OutsideHours(
        contacts=n,
        per_month=n / calendar_months(counts.dates[0], counts.dates[-1]) if days else 0.0,
        share=n / total if total else None,
        bands=_band_shares(closed, bands),
        weekdays=[int(x) for x in closed.sum(axis=1)],
        busiest=busiest,
    )


def _band_shares(by_weekday_minute: IntArray, bands: HourBands) -> dict[str, float | None]:
    flat = by_weekday_minute.reshape(-1).astype(np.float64)
    total = flat.sum()
    return {
        name: (float(flat[mask].sum() / total) if total > 0 else None)
        for name, mask in bands.minute_masks().items()
    }


def _open_slots(hours: WeeklyHours, interval_min: int) -> np.ndarray:
    """Slots (weekday, interval) open at least half of their length."""
    mask = hours.minute_mask().reshape(7, MINUTES_PER_DAY // interval_min, interval_min)
    return np.asarray(mask.mean(axis=2) >= 0.5)


def _ratio(peak: float, mean: float) -> float | None:
    return float(peak / mean) if mean > 0 else None


def _months(dates: list[date], daily: IntArray) -> list[tuple[str, int]]:
    out: dict[str, int] = {}
    for d, n in zip(dates, daily, strict=True):
        key = f"{d.year:04d}-{d.month:02d}"
        out[key] = out.get(key, 0) + int(n)
    return list(out.items())


def _iso_weeks(dates: list[date], daily: IntArray) -> list[tuple[str, int, int]]:
    """(ISO week, contacts, days of the week inside the period)."""
    out: dict[str, list[int]] = {}
    for d, n in zip(dates, daily, strict=True):
        y, w, _ = d.isocalendar()
        acc = out.setdefault(f"{y:04d}-W{w:02d}", [0, 0])
        acc[0] += int(n)
        acc[1] += 1
    return [(k, v[0], v[1]) for k, v in out.items()]


def _peaks(items: list[tuple[str, int]], typical: float, threshold: float) -> list[Peak]:
    if typical <= 0:
        return []
    return [Peak(k, v, float(v / typical)) for k, v in items if v >= threshold * typical]


def _peak_days(dates: list[date], daily: IntArray, wd: IntArray) -> list[Peak]:
    """Days well above the median of the same weekday (Black Friday stands out, Mondays do not)."""
    out: list[Peak] = []
    medians = np.array([np.median(daily[wd == i]) if np.any(wd == i) else 0.0 for i in range(7)])
    for d, n, w in zip(dates, daily, wd, strict=True):
        typical = medians[w]
        if typical > 0 and n >= PEAK_DAY_RATIO * typical:
            out.append(Peak(d.isoformat(), int(n), float(n / typical)))
    out.sort(key=lambda p: -p.ratio)
    return out[:10]


def period_dates(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
