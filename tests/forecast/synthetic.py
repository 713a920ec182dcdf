"""Synthetic contact histories with a known truth: level × trend × seasons × intraday shape + noise.

Every test builds its own series from these, with a fixed ``rng``: the truth is known, so the
forecast can be held to it.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from arbitre._types import FloatArray
from arbitre.forecast import History, IntervalAxis, interval_axis

WEEKLY = np.array([1.25, 1.10, 1.05, 1.00, 0.95, 0.55, 0.10])  # Monday … Sunday, mean 0.857


def office_shape(interval_min: int = 30) -> FloatArray:
    """Shares per weekday and wall-clock slot (7, slots): two peaks on weekdays, shorter weekends."""
    slots = 1440 // interval_min
    hour = (np.arange(slots) + 0.5) * interval_min / 60
    weekday = np.exp(-((hour - 10.5) ** 2) / 3.0) + 0.8 * np.exp(-((hour - 14.5) ** 2) / 4.0)
    weekday = np.where((hour >= 8) & (hour < 20), weekday + 0.1, 0.0)
    saturday = np.where((hour >= 9) & (hour < 18), np.exp(-((hour - 12) ** 2) / 8.0) + 0.1, 0.0)
    sunday = np.where((hour >= 10) & (hour < 16), 1.0, 0.0)
    shape = np.vstack([weekday] * 5 + [saturday, sunday])
    return np.asarray(shape / shape.sum(axis=1, keepdims=True), dtype=np.float64)


def expected_daily(
    axis: IntervalAxis,
    *,
    level: float,
    weekly: FloatArray = WEEKLY,
    trend_per_year: float = 0.0,
    yearly_amplitude: float = 0.0,
) -> FloatArray:
    """Expected contacts per day: level × (1 + trend) × weekday factor × yearly wave (peak mid-December)."""
    t = np.arange(axis.days, dtype=np.float64)
    doy = np.array([d.timetuple().tm_yday for d in axis.dates()], dtype=np.float64)
    yearly = 1.0 + yearly_amplitude * np.cos(2 * np.pi * (doy - 350) / 365.25)
    return np.asarray(
        level * (1 + trend_per_year * t / 365.0) * weekly[axis.weekday] * yearly, dtype=np.float64
    )


def expected_intervals(daily: FloatArray, shape: FloatArray, axis: IntervalAxis) -> FloatArray:
    """Each day's expected contacts spread by wall-clock slot; the day keeps its total."""
    raw = shape[axis.weekday[axis.day], axis.slot]
    day_sum = np.bincount(axis.day, weights=raw, minlength=axis.days)
    return np.asarray(daily[axis.day] * raw / day_sum[axis.day], dtype=np.float64)


def synthetic_history(
    *,
    rng: np.random.Generator,
    flows: int = 1,
    first_day: date = date(2025, 1, 1),
    days: int = 365,
    tz: str = "Europe/Paris",
    interval_min: int = 30,
    level: float = 1000.0,
    trend_per_year: float = 0.0,
    yearly_amplitude: float = 0.0,
    day_noise: float = 0.0,
    aht_s: float = 300.0,
) -> tuple[History, FloatArray]:
    """A history of ``flows`` flows and the expected contacts per interval it was drawn from.

    Counts are Poisson around the expectation, times a lognormal day effect of sd ``day_noise``.
    Flow ``k`` has level ``level × (1 + k / 4)``. Handle time: all contacts answered, each with a
    mean handle time of ``aht_s`` seconds in the morning and 1.5 × in the afternoon.
    """
    axis = interval_axis(first_day, days, tz=tz, interval_min=interval_min)
    shape = office_shape(interval_min)
    offered = np.zeros((flows, axis.start_s.size))
    expected = np.zeros_like(offered)
    for k in range(flows):
        daily = expected_daily(
            axis, level=level * (1 + k / 4), trend_per_year=trend_per_year, yearly_amplitude=yearly_amplitude
        )
        daily = daily * np.exp(rng.normal(-0.5 * day_noise**2, day_noise, axis.days))
        expected[k] = expected_intervals(daily, shape, axis)
        offered[k] = rng.poisson(expected[k])
    afternoon = (axis.slot * interval_min >= 12 * 60).astype(np.float64)
    handle_s = offered * aht_s * (1 + 0.5 * afternoon)
    names = tuple(f"flow-{k}" for k in range(flows))
    return History(names, axis, offered, offered.copy(), handle_s), expected


HEADER = "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned,talk_s,hold_s,wrap_s"


def write_contacts_csv(
    path: Path, history: History, *, rng: np.random.Generator, abandon_every: int = 10
) -> Path:
    """The contacts of ``history`` as an interaction file (docs/specs/interactions.md), arrivals spread in
    their interval; one in ``abandon_every`` is abandoned, the others have talk 200 + hold 10 + wrap 30 s."""
    zone = ZoneInfo(history.axis.tz)
    step = history.axis.interval_min * 60
    rows = []
    n = 0
    for f, flow in enumerate(history.flows):
        counts = history.offered[f].astype(np.int64)
        arrivals = np.repeat(history.axis.start_s, counts) + rng.integers(0, step, int(counts.sum()))
        for t in arrivals.tolist():
            n += 1
            at = datetime.fromtimestamp(t, zone).isoformat()
            if n % abandon_every == 0:
                left = datetime.fromtimestamp(t + 30, zone).isoformat()
                rows.append(f"{n},{flow},voice_in,internal,{at},,{left},true,,,")
            else:
                answered = datetime.fromtimestamp(t + 10, zone).isoformat()
                ended = datetime.fromtimestamp(t + 250, zone).isoformat()
                rows.append(f"{n},{flow},voice_in,internal,{at},{answered},{ended},false,200,10,30")
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path
