"""Daily volume models: one series of contacts per local day and flow → the next days.

Contact centres forecast the day first and split it into intervals afterwards (``intraday.py``):
daily totals are large counts with clear weekly and yearly seasons, where interval counts are
small and noisy. The models are the classical ones of Hyndman & Athanasopoulos, *Forecasting:
Principles and Practice* (3rd ed., 2021), as implemented by Nixtla's statsforecast:

- ``mstl``: MSTL decomposition (Bandara, Hyndman & Bergmeir, 2021; FPP3 §3.6) with a weekly season,
  plus a yearly one (365 days) once two full years are known; the deseasonalised series is
  forecast by a non-seasonal ETS (``AutoETS(model="ZZN")``: error and trend chosen by AICc, trend
  possibly damped) and the seasons are repeated.
- ``ets``: ``AutoETS(season_length=7)``, exponential smoothing with a weekly season whose
  error, trend and season forms (additive or multiplicative, damped or not) are chosen by AICc
  (FPP3 ch. 8).
- ``snaive``: seasonal naive, every day the same as a week before (FPP3 §5.2); the baseline every
  model must beat.
- ``auto`` (the default): ``mstl`` and ``ets`` are both fitted on the series less its last four
  weeks and scored (WAPE) on those weeks; the better one is refitted on the whole series.

Forecasts are clipped at zero. Series shorter than two weeks fall back to the seasonal naive (one
week) or the mean (less than a week).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from arbitre._types import FloatArray

DailyModel = Literal["auto", "mstl", "ets", "snaive"]
MODELS: tuple[DailyModel, ...] = ("auto", "mstl", "ets", "snaive")

WEEK_DAYS = 7
YEAR_DAYS = 365
MIN_SEASONAL_DAYS = 2 * WEEK_DAYS
"""Two full weeks: the least a weekly season can be estimated from."""
VALIDATION_DAYS = 28
"""The last four weeks of the series on which ``auto`` compares its candidates."""


@dataclass(frozen=True)
class DailyForecast:
    """The forecast of one daily series: ``mean`` (contacts per day) and the model that made it."""

    mean: FloatArray
    model: str


def forecast_daily(y: FloatArray, *, horizon_days: int, model: DailyModel = "auto") -> DailyForecast:
    """Forecast ``horizon_days`` days after the daily series ``y`` (contacts per day, oldest first).

    >>> y = np.tile([120.0, 110, 100, 100, 90, 40, 10], 8)
    >>> forecast_daily(y, horizon_days=7, model="snaive").mean.tolist()
    [120.0, 110.0, 100.0, 100.0, 90.0, 40.0, 10.0]
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError("y must be one-dimensional")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite")
    if horizon_days < 1:
        raise ValueError(f"horizon_days must be ≥ 1, got {horizon_days}")
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}: expected one of {', '.join(MODELS)}")
    if y.size == 0:
        raise ValueError("y is empty: no history to forecast from")
    if y.size < WEEK_DAYS:
        return DailyForecast(np.full(horizon_days, float(y.mean())), "mean")
    if model == "snaive" or y.size < MIN_SEASONAL_DAYS:
        return DailyForecast(seasonal_naive(y, horizon_days=horizon_days), "snaive")
    if not np.any(y > 0):
        return DailyForecast(np.zeros(horizon_days), "zero")
    if model == "auto":
        model = _select(y)
    if model == "mstl":
        mean, name = _mstl(y, horizon_days)
    else:
        mean, name = _ets(y, horizon_days), "ets"
    return DailyForecast(np.clip(mean, 0.0, None), name)


def seasonal_naive(y: FloatArray, *, horizon_days: int, season: int = WEEK_DAYS) -> FloatArray:
    """The last ``season`` values of ``y`` repeated over the horizon.

    >>> seasonal_naive(np.arange(10.0), horizon_days=4, season=3).tolist()
    [7.0, 8.0, 9.0, 7.0]
    """
    y = np.asarray(y, dtype=np.float64)
    if y.size < season:
        raise ValueError(f"seasonal naive needs at least {season} values, got {y.size}")
    last = y[-season:]
    return np.asarray(last[np.arange(horizon_days) % season], dtype=np.float64)


def _select(y: FloatArray) -> Literal["mstl", "ets"]:
    """The candidate with the lower WAPE on the last four weeks, each fitted on what precedes them."""
    train, test = y[:-VALIDATION_DAYS], y[-VALIDATION_DAYS:]
    if train.size < 2 * MIN_SEASONAL_DAYS or test.sum() <= 0:
        return "mstl"
    errors = {
        "mstl": np.abs(np.clip(_mstl(train, VALIDATION_DAYS)[0], 0, None) - test).sum(),
        "ets": np.abs(np.clip(_ets(train, VALIDATION_DAYS), 0, None) - test).sum(),
    }
    return "ets" if errors["ets"] < errors["mstl"] else "mstl"


def _mstl(y: FloatArray, horizon_days: int) -> tuple[FloatArray, str]:
    # On the log scale the weekly season is multiplicative (a Sunday at 10 % of a Monday stays at
    # 10 % when the level grows), as contact volumes are. log1p keeps closed days (0) defined; the
    # back-transform adds half the residual variance so that it gives the mean, not the median
    # (FPP3 §5.6, bias adjustment).
    from statsforecast.models import MSTL, AutoETS  # here: loading it takes seconds, not every command

    seasons = [WEEK_DAYS, YEAR_DAYS] if y.size >= 2 * YEAR_DAYS else [WEEK_DAYS]
    model = MSTL(season_length=seasons, trend_forecaster=AutoETS(model="ZZN"))
    z = np.log1p(y)
    fitted = model.forecast(y=z, h=horizon_days, fitted=True)
    residuals = z - np.asarray(fitted["fitted"], dtype=np.float64)
    variance = float(np.nanvar(residuals)) if np.any(np.isfinite(residuals)) else 0.0
    mean = np.expm1(np.asarray(fitted["mean"], dtype=np.float64) + 0.5 * variance)
    name = "mstl(7,365)" if len(seasons) == 2 else "mstl(7)"
    return mean, name


def _ets(y: FloatArray, horizon_days: int) -> FloatArray:
    from statsforecast.models import AutoETS

    mean = AutoETS(season_length=WEEK_DAYS).forecast(y=y, h=horizon_days)["mean"]
    return np.asarray(mean, dtype=np.float64)
