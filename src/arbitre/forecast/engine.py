"""The forecast of every flow: daily model × intraday profile, and handle time per interval.

For each flow (see docs/forecasting.md):

1. daily totals in the workspace's time zone, from the flow's first day with contacts;
2. known events and odd days replaced by a same-weekday baseline, future days multiplied by
   the events' lifts (``events.py``, ``cleaning.py``);
3. a daily model (``model.py``) forecasts the days from ``start``;
4. weekdays closed in the recent weeks are set to 0;
5. each day is spread over its intervals (46, 48 or 50 half-hours) by the weekday's intraday
   profile (``intraday.py``), and each interval gets the handle time of its interval of the week.

Pure: arrays in, arrays out; no clock (``start`` is given or is the day after the history).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from arbitre._types import FloatArray
from arbitre.forecast.axis import IntervalAxis, interval_axis
from arbitre.forecast.cleaning import clean
from arbitre.forecast.events import Event, EventEffect, effects
from arbitre.forecast.intraday import (
    AHT_PRIOR_CONTACTS,
    PROFILE_MIN_CONTACTS,
    PROFILE_WEEKS,
    handle_time_of_week,
    slot_rates,
    spread,
    weekday_profile,
)
from arbitre.forecast.model import DailyModel, forecast_daily

DEFAULT_HORIZON_DAYS = 56


@dataclass(frozen=True)
class History:
    """Contacts of several flows per interval of ``axis``: arrays of shape (flows, intervals).

    ``offered`` counts every contact offered (answered or not); ``handled`` the answered contacts
    with a complete handle time, ``handle_s`` the sum of their handle times in seconds.
    """

    flows: tuple[str, ...]
    axis: IntervalAxis
    offered: FloatArray
    handled: FloatArray
    handle_s: FloatArray

    def __post_init__(self) -> None:
        shape = (len(self.flows), self.axis.start_s.size)
        for name in ("offered", "handled", "handle_s"):
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got {getattr(self, name).shape}")

    @property
    def last_day(self) -> date:
        return self.axis.date_of(self.axis.days - 1)

    def head(self, days: int) -> History:
        """The first ``days`` days of the history."""
        axis = self.axis.head(days)
        n = axis.start_s.size
        return History(self.flows, axis, self.offered[:, :n], self.handled[:, :n], self.handle_s[:, :n])

    def select(self, flows: Sequence[int]) -> History:
        """The history of some flows only (by index)."""
        idx = np.asarray(flows, dtype=np.int64)
        return History(
            tuple(self.flows[i] for i in idx),
            self.axis,
            self.offered[idx],
            self.handled[idx],
            self.handle_s[idx],
        )

    def daily(self) -> FloatArray:
        """Contacts per flow and local day, shape (flows, days)."""
        return daily_totals(self.offered, axis=self.axis)


@dataclass(frozen=True)
class FlowInfo:
    """How one flow was forecast."""

    flow: str
    model: str
    first_day: date | None  # first day with contacts in the history used
    history_days: int
    closed_weekdays: tuple[int, ...]  # Monday 0
    events: tuple[EventEffect, ...] = ()
    odd_days: tuple[date, ...] = ()  # days found odd and replaced before fitting (cleaning.py)


@dataclass(frozen=True)
class Forecast:
    """Expected contacts and handle time per flow and interval of ``axis`` (the future days).

    ``volume`` and ``aht_s`` have shape (flows, intervals), ``daily`` (flows, days). ``aht_s`` is
    NaN for a flow whose history has no handle time.
    """

    flows: tuple[str, ...]
    axis: IntervalAxis
    volume: FloatArray
    aht_s: FloatArray
    daily: FloatArray
    info: tuple[FlowInfo, ...] = field(default=())


def daily_totals(values: FloatArray, *, axis: IntervalAxis) -> FloatArray:
    """Sum of ``values`` (flows, intervals) over each local day of ``axis``: (flows, days).

    >>> axis = interval_axis(date(2026, 3, 28), 2, tz="Europe/Paris", interval_min=60)
    >>> daily_totals(np.ones((1, axis.start_s.size)), axis=axis).tolist()  # 29 March: 23 hours
    [[24.0, 23.0]]
    """
    if axis.days == 0:
        return np.zeros((values.shape[0], 0))
    starts = np.searchsorted(axis.start_s, axis.day_start_s[:-1])
    return np.asarray(np.add.reduceat(values, starts, axis=1), dtype=np.float64)


def forecast(
    history: History,
    *,
    start: date | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    model: DailyModel = "auto",
    events: Sequence[Event] = (),
    profile_weeks: int = PROFILE_WEEKS,
    profile_min_contacts: float = PROFILE_MIN_CONTACTS,
    aht_prior_contacts: float = AHT_PRIOR_CONTACTS,
) -> Forecast:
    """Forecast ``horizon_days`` days from ``start`` for every flow of ``history``.

    ``start`` defaults to the day after the history; an earlier ``start`` uses only the days before
    it (what one would have forecast then), a later one leaves a gap the model bridges. Volumes
    are expected contacts per interval, handle times seconds.

    Four identical weeks of two half-days (30 + 10 contacts on weekdays, 5 + 5 on Saturdays, none
    on Sundays), every contact handled in 180 s:

    >>> axis = interval_axis(date(2026, 1, 5), 28, tz="UTC", interval_min=720)
    >>> offered = np.tile([30.0, 10.0] * 5 + [5.0, 5.0, 0.0, 0.0], 4)[None, :]
    >>> history = History(("sav",), axis, offered, offered, 180.0 * offered)
    >>> result = forecast(history, horizon_days=7, model="snaive")
    >>> result.daily[0].tolist(), result.info[0].closed_weekdays
    ([40.0, 40.0, 40.0, 40.0, 40.0, 10.0, 0.0], (6,))
    >>> result.volume[0, :2].tolist(), result.aht_s[0, :2].tolist()
    ([30.0, 10.0], [180.0, 180.0])
    """
    if horizon_days < 1:
        raise ValueError(f"horizon_days must be ≥ 1, got {horizon_days}")
    axis = history.axis
    start = start or history.last_day + timedelta(days=1)
    used = axis.day_index(start)
    if used < 1:
        raise ValueError(f"start {start} must be after the first day of history {axis.first_day}")
    past = history.head(min(used, axis.days))
    gap = used - past.axis.days
    future = interval_axis(start, horizon_days, tz=axis.tz, interval_min=axis.interval_min)
    daily_hist = past.daily()
    n_flows = len(history.flows)
    daily = np.zeros((n_flows, horizon_days))
    volume = np.zeros((n_flows, future.start_s.size))
    aht = np.full((n_flows, future.start_s.size), np.nan)
    infos = []
    for f, flow in enumerate(history.flows):
        y = daily_hist[f]
        active = np.flatnonzero(y > 0)
        if active.size == 0:
            infos.append(FlowInfo(flow, "no-history", None, 0, ()))
            continue
        first = int(active[0])
        y = y[first:]
        first_day = past.axis.date_of(first)
        flow_events = [e for e in events if e.applies_to(flow)]
        known, factor, found = effects(
            y, first_day=first_day, horizon_days=gap + horizon_days, events=flow_events
        )
        cleaned, odd = clean(y, known=known)
        fitted = forecast_daily(cleaned, horizon_days=gap + horizon_days, model=model)
        days = (fitted.mean * factor)[gap:]
        rates = slot_rates(past.offered[f], axis=past.axis)[first:]
        profile = weekday_profile(
            rates,
            weekday=past.axis.weekday[first:],
            weeks=profile_weeks,
            min_contacts=profile_min_contacts,
        )
        days = np.where(profile.open[future.weekday], days, 0.0)
        daily[f] = days
        volume[f] = spread(days, profile.shares, axis=future)
        week_aht = handle_time_of_week(
            past.handled[f],
            past.handle_s[f],
            axis=past.axis,
            weeks=profile_weeks,
            prior_contacts=aht_prior_contacts,
        )
        aht[f] = week_aht[future.weekday[future.day], future.slot]
        infos.append(
            FlowInfo(
                flow,
                fitted.model,
                first_day,
                int(y.size),
                tuple(int(d) for d in np.flatnonzero(~profile.open)),
                tuple(found),
                tuple(first_day + timedelta(days=int(d)) for d in np.flatnonzero(odd)),
            )
        )
    return Forecast(history.flows, future, volume, aht, daily, tuple(infos))
