"""The forecast of a workspace as a typed document (`arbitre forecast`, docs/forecasting.md).

`arbitre.services.forecast.forecast_workspace` returns a `ForecastDocument`; its JSON (``arbitre
forecast --json``) is ``model_dump(mode="json")``.
"""

from __future__ import annotations

from datetime import date

from arbitre.domain.documents import Instant, Part


class HistorySpan(Part):
    """The days of history the forecast stands on."""

    start: date
    end: date
    days: int


class PeakDay(Part):
    date: date
    contacts: float


class EventApplied(Part):
    """A known event applied to a flow: its multiplier, estimated from its past days or given."""

    name: str
    multiplier: float | None
    estimated: bool
    past_days: int


class DayVolume(Part):
    date: date
    contacts: float


class FlowForecast(Part):
    """A flow's forecast: the daily model chosen, its history, contacts over the horizon, the
    busiest day, the mean handle time, closed weekdays (``mon``…``sun``), odd days left out of
    the history, the events applied, and the contacts of each day."""

    flow: str
    model: str
    history_start: date | None
    history_days: int
    contacts: float
    contacts_per_day: float
    peak_day: PeakDay
    aht_s: float | None
    closed_weekdays: list[str]
    odd_days: list[date]
    events: list[EventApplied]
    days: list[DayVolume]


class IntervalForecast(Part):
    """One flow and interval: expected contacts and handle time (None: no history in that slot)."""

    flow: str
    interval_start: Instant
    volume: float
    aht_s: float | None


class ForecastErrors(Part):
    """WAPE, MAPE and bias of a backtest (None where undefined), over ``points`` points."""

    wape: float | None
    mape: float | None
    bias: float | None
    points: int


class Baseline(Part):
    model: str
    day: ForecastErrors
    interval: ForecastErrors


class FlowBacktestResult(Part):
    """The rolling-origin backtest of a flow: the model of its last window, the models of every
    window, errors per day and per interval, and the seasonal naive baseline's."""

    flow: str
    model: str | None
    models: list[str]
    horizon_days: int
    windows: int
    day: ForecastErrors
    interval: ForecastErrors
    baseline: Baseline


class ForecastDocument(Part):
    """The forecast of every flow of a workspace for ``horizon_days`` from ``start``."""

    workspace: str
    timezone: str
    interval_min: int
    history: HistorySpan
    start: date
    end: date
    horizon_days: int
    flows: list[FlowForecast]
    intervals: list[IntervalForecast]
    backtest: list[FlowBacktestResult] | None


__all__ = [
    "Baseline",
    "DayVolume",
    "EventApplied",
    "FlowBacktestResult",
    "FlowForecast",
    "ForecastDocument",
    "ForecastErrors",
    "HistorySpan",
    "IntervalForecast",
    "PeakDay",
]
