"""Volume and handle-time forecasts per flow and interval (docs/forecasting.md).

The engine is pure: a `History` of contacts per flow and interval in, a `Forecast` out::

    from arbitre.forecast import History, forecast, interval_axis
    axis = interval_axis(date(2025, 1, 1), 365, tz="Europe/Paris", interval_min=30)
    history = History(("sav",), axis, offered, handled, handle_s)   # arrays (flows, intervals)
    result = forecast(history, horizon_days=56)                     # result.volume, result.aht_s
    backtest(history, horizon_days=56, windows=3)                   # WAPE and MAPE per flow
"""

from __future__ import annotations

from arbitre.forecast.axis import IntervalAxis, interval_axis
from arbitre.forecast.backtest import Errors, FlowBacktest, backtest, errors
from arbitre.forecast.engine import (
    DEFAULT_HORIZON_DAYS,
    FlowInfo,
    Forecast,
    History,
    daily_totals,
    forecast,
)
from arbitre.forecast.events import Event, EventEffect
from arbitre.forecast.intraday import Profile, handle_time_of_week, slot_rates, spread, weekday_profile
from arbitre.forecast.model import MODELS, DailyForecast, DailyModel, forecast_daily, seasonal_naive

__all__ = [
    "DEFAULT_HORIZON_DAYS",
    "MODELS",
    "DailyForecast",
    "DailyModel",
    "Errors",
    "Event",
    "EventEffect",
    "FlowBacktest",
    "FlowInfo",
    "Forecast",
    "History",
    "IntervalAxis",
    "Profile",
    "backtest",
    "daily_totals",
    "errors",
    "forecast",
    "forecast_daily",
    "handle_time_of_week",
    "interval_axis",
    "seasonal_naive",
    "slot_rates",
    "spread",
    "weekday_profile",
]
