"""Backtest: how wrong the forecast would have been, per flow, against a naive baseline.

Rolling origin (Hyndman & Athanasopoulos, *FPP3* §5.10, "time series cross-validation"): the
history is cut at ``windows`` origins, ``horizon_days`` apart, the last one ``horizon_days``
before its end; at each origin the whole method (events, daily model, profile, closed days) is run
on the days before it only, and its forecast is compared with what happened over the next
``horizon_days`` days. The errors are pooled over the windows.

Errors, at day level (daily totals) and interval level:

- WAPE = Σ|A − F| ÷ Σ A, the error in contacts as a share of the contacts (what staffing feels);
- MAPE = mean of |A − F| ÷ A over the points where A > 0 (closed days and empty intervals,
  where it is undefined, are left out; at interval level it is dominated by the quiet intervals,
  which is why WAPE is the headline);
- bias = Σ(F − A) ÷ Σ A, positive when the forecast is too high.

The baseline is the seasonal naive: at day level every day as the same weekday of the last week
before the origin; at interval level every interval as the same weekday and wall-clock slot of that
week. A model worth its keep has a lower WAPE than its baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arbitre._types import FloatArray
from arbitre.forecast.engine import DEFAULT_HORIZON_DAYS, History, forecast
from arbitre.forecast.events import Event
from arbitre.forecast.intraday import PROFILE_WEEKS, slot_rates
from arbitre.forecast.model import WEEK_DAYS, DailyModel, seasonal_naive

DEFAULT_WINDOWS = 3
MIN_TRAIN_DAYS = 28
"""A flow enters a window only with four weeks of history before the origin."""


@dataclass(frozen=True)
class Errors:
    """WAPE, MAPE and bias of a forecast (fractions; NaN when undefined)."""

    wape: float
    mape: float
    bias: float
    points: int


def errors(actual: FloatArray, predicted: FloatArray) -> Errors:
    """WAPE, MAPE (over actual > 0) and bias of ``predicted`` against ``actual``.

    >>> e = errors(np.array([10.0, 20.0, 0.0]), np.array([12.0, 15.0, 1.0]))
    >>> round(e.wape, 4), round(e.mape, 4), round(e.bias, 4)  # 8 ÷ 30; (0.2 + 0.25) ÷ 2; −2 ÷ 30
    (0.2667, 0.225, -0.0667)
    """
    a = np.asarray(actual, dtype=np.float64).ravel()
    f = np.asarray(predicted, dtype=np.float64).ravel()
    if a.shape != f.shape:
        raise ValueError(f"actual and predicted differ in size: {a.size} and {f.size}")
    total = a.sum()
    positive = a > 0
    return Errors(
        wape=float(np.abs(a - f).sum() / total) if total > 0 else float("nan"),
        mape=float(np.mean(np.abs(a - f)[positive] / a[positive])) if positive.any() else float("nan"),
        bias=float((f - a).sum() / total) if total > 0 else float("nan"),
        points=int(a.size),
    )


@dataclass(frozen=True)
class FlowBacktest:
    """The backtest of one flow: errors of the method and of the seasonal naive baseline."""

    flow: str
    models: tuple[str, ...]  # the daily model chosen at each origin, oldest first
    horizon_days: int
    windows: int
    day: Errors
    interval: Errors
    baseline_day: Errors
    baseline_interval: Errors


def backtest(
    history: History,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    windows: int = DEFAULT_WINDOWS,
    model: DailyModel = "auto",
    events: Sequence[Event] = (),
    profile_weeks: int = PROFILE_WEEKS,
    min_train_days: int = MIN_TRAIN_DAYS,
) -> list[FlowBacktest]:
    """Rolling-origin backtest of `forecast` over the last ``windows`` × ``horizon_days`` days.

    A window whose origin leaves a flow fewer than ``min_train_days`` days of history is skipped
    for that flow; a flow with no window at all gets NaN errors and ``windows`` 0.
    """
    if windows < 1:
        raise ValueError(f"windows must be ≥ 1, got {windows}")
    axis = history.axis
    daily = history.daily()
    n_flows = len(history.flows)
    active = [np.flatnonzero(d > 0) for d in daily]
    first = np.array([a[0] if a.size else axis.days for a in active])
    origins = [axis.days - k * horizon_days for k in range(windows, 0, -1)]
    origins = [o for o in origins if o >= 1]
    parts: list[list[tuple[FloatArray, ...]]] = [[] for _ in range(n_flows)]
    models: list[list[str]] = [[] for _ in range(n_flows)]
    for origin in origins:
        eligible = np.flatnonzero(origin - first >= max(min_train_days, WEEK_DAYS))
        if eligible.size == 0:
            continue
        past = history.head(origin).select(eligible.tolist())
        result = forecast(
            past,
            horizon_days=horizon_days,
            model=model,
            events=events,
            profile_weeks=profile_weeks,
        )
        future = result.axis
        lo = int(np.searchsorted(axis.start_s, axis.day_start_s[origin]))
        hi = lo + future.start_s.size
        week_of = past.axis.weekday[-WEEK_DAYS:]
        for j, f in enumerate(eligible.tolist()):
            # Seasonal naive at interval level: the same weekday and wall-clock slot a week before.
            rates = slot_rates(past.offered[j], axis=past.axis)[-WEEK_DAYS:]
            by_weekday = np.zeros_like(rates)
            by_weekday[week_of] = np.nan_to_num(rates)
            naive_i = by_weekday[future.weekday[future.day], future.slot]
            naive_d = seasonal_naive(daily[f, :origin], horizon_days=horizon_days)
            actual_d = daily[f, origin : origin + horizon_days]
            actual_i = history.offered[f, lo:hi]
            parts[f].append((actual_d, result.daily[j], naive_d, actual_i, result.volume[j], naive_i))
            models[f].append(result.info[j].model)
    out = []
    for f, flow in enumerate(history.flows):
        if parts[f]:
            a_d, f_d, n_d, a_i, f_i, n_i = (np.concatenate(x) for x in zip(*parts[f], strict=True))
        else:
            a_d = f_d = n_d = a_i = f_i = n_i = np.zeros(0)
        out.append(
            FlowBacktest(
                flow=flow,
                models=tuple(models[f]),
                horizon_days=horizon_days,
                windows=len(parts[f]),
                day=errors(a_d, f_d),
                interval=errors(a_i, f_i),
                baseline_day=errors(a_d, n_d),
                baseline_interval=errors(a_i, n_i),
            )
        )
    return out
