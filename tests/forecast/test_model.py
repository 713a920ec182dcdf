"""The daily models and the whole forecast against series whose truth is known."""

from __future__ import annotations

import numpy as np
import pytest

from arbitre._types import FloatArray
from arbitre.forecast import MODELS, backtest, errors, forecast, forecast_daily, seasonal_naive
from arbitre.forecast.model import DailyModel
from tests.forecast.synthetic import expected_daily, expected_intervals, office_shape, synthetic_history


@pytest.mark.parametrize("model", ["auto", "mstl", "ets"])
def test_the_forecast_recovers_a_known_weekly_and_intraday_pattern_within_a_few_percent(
    model: DailyModel,
) -> None:
    rng = np.random.default_rng(0)
    history, _ = synthetic_history(rng=rng, days=364, level=1000)
    result = forecast(history, horizon_days=56, model=model)
    truth_daily = expected_daily(result.axis, level=1000)
    truth = expected_intervals(truth_daily, office_shape(), result.axis)
    assert result.volume.shape == (1, 56 * 48)
    assert errors(truth_daily, result.daily[0]).wape < 0.03
    assert abs(errors(truth_daily, result.daily[0]).bias) < 0.03
    assert errors(truth, result.volume[0]).wape < 0.06


def test_the_model_beats_the_seasonal_naive_on_a_series_with_trend_and_weekly_season() -> None:
    rng = np.random.default_rng(1)
    history, _ = synthetic_history(rng=rng, days=364, level=1000, trend_per_year=0.3, day_noise=0.05)
    (result,) = backtest(history, horizon_days=56, windows=3)
    assert result.windows == 3
    assert result.day.wape < 0.85 * result.baseline_day.wape
    assert result.interval.wape < 0.85 * result.baseline_interval.wape
    assert result.day.mape < result.baseline_day.mape


@pytest.mark.parametrize("model", MODELS)
def test_every_model_gives_a_non_negative_forecast_of_the_horizon(model: DailyModel) -> None:
    rng = np.random.default_rng(4)
    y = rng.poisson(np.tile([5.0, 4, 4, 3, 3, 1, 0], 10)).astype(np.float64)
    out = forecast_daily(y, horizon_days=30, model=model)
    assert out.mean.shape == (30,) and np.all(out.mean >= 0) and np.all(np.isfinite(out.mean))


def test_a_declining_series_is_not_forecast_below_zero() -> None:
    y = np.maximum(200.0 - 4.0 * np.arange(60), 0.0) * np.tile([1.2, 1.1, 1, 1, 0.9, 0.5, 0.3], 9)[:60]
    assert np.all(forecast_daily(y, horizon_days=56, model="ets").mean >= 0)
    assert np.all(forecast_daily(y, horizon_days=56, model="mstl").mean >= 0)


def test_two_years_of_history_bring_the_yearly_season_in_and_follow_it() -> None:
    rng = np.random.default_rng(8)
    truth = expected_daily_series(800 + 56, yearly=0.25)
    y = rng.poisson(truth[:800]).astype(np.float64)
    yearly = forecast_daily(y, horizon_days=56, model="mstl")
    assert yearly.model == "mstl(7,365)"
    assert forecast_daily(y[:400], horizon_days=28, model="mstl").model == "mstl(7)"
    # The yearly wave peaks 20 days into the horizon: a trend cannot turn, a yearly season does.
    weekly_only = forecast_daily(y, horizon_days=56, model="ets")
    assert errors(truth[800:], yearly.mean).wape < 0.7 * errors(truth[800:], weekly_only.mean).wape


def expected_daily_series(days: int, *, yearly: float) -> FloatArray:
    t = np.arange(days)
    weekly = np.tile([1.2, 1.1, 1, 1, 0.9, 0.5, 0.3], days // 7 + 1)[:days]
    return np.asarray(500 * weekly * (1 + yearly * np.cos(2 * np.pi * (t - 820) / 365.25)), dtype=np.float64)


def test_short_histories_fall_back_to_simple_methods() -> None:
    assert forecast_daily(np.array([3.0, 5.0]), horizon_days=3).model == "mean"
    assert forecast_daily(np.array([3.0, 5.0]), horizon_days=3).mean.tolist() == [4.0, 4.0, 4.0]
    week = np.arange(1.0, 11.0)
    short = forecast_daily(week, horizon_days=8)
    assert short.model == "snaive" and short.mean.tolist() == seasonal_naive(week, horizon_days=8).tolist()
    assert forecast_daily(np.zeros(30), horizon_days=5).mean.tolist() == [0.0] * 5


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown model"):
        forecast_daily(np.ones(30), horizon_days=3, model="prophet")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="horizon_days"):
        forecast_daily(np.ones(30), horizon_days=0)
    with pytest.raises(ValueError, match="empty"):
        forecast_daily(np.zeros(0), horizon_days=3)
