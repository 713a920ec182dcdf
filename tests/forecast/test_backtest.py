"""The backtest's errors against a hand computation, and its rolling origins."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from arbitre.forecast import History, backtest, errors, interval_axis

WEEK = [10.0, 20, 30, 40, 50, 60, 70]  # Monday … Sunday
# The week after: each day's two half-days (slots of 12 hours).
TEST_WEEK = [(6, 6), (9, 9), (10, 20), (0, 0), (25, 30), (30, 30), (40, 37)]


def tiny_history(weeks: int) -> History:
    """``weeks`` identical weeks (each day split half and half), then the test week."""
    axis = interval_axis(date(2026, 1, 5), 7 * (weeks + 1), tz="UTC", interval_min=720)
    train = np.repeat(np.tile(WEEK, weeks) / 2, 2)
    offered = np.concatenate([train, np.array(TEST_WEEK, dtype=np.float64).ravel()])[None, :]
    return History(("sav",), axis, offered, np.zeros_like(offered), np.zeros_like(offered))


def test_wape_mape_and_bias_follow_their_definitions() -> None:
    e = errors(np.array([100.0, 0.0, 50.0]), np.array([90.0, 5.0, 60.0]))
    assert e.wape == pytest.approx(25 / 150)
    assert e.mape == pytest.approx((10 / 100 + 10 / 50) / 2)  # the zero actual is left out
    assert e.bias == pytest.approx(5 / 150)
    assert math.isnan(errors(np.zeros(2), np.ones(2)).wape)


def test_the_backtest_errors_match_a_hand_computation() -> None:
    (result,) = backtest(tiny_history(4), horizon_days=7, windows=1, model="snaive")
    # The forecast is last week again, split half and half: 5, 5, 10, 10, … 35, 35.
    # Days: |12−10| + |18−20| + 0 + |0−40| + |55−50| + 0 + |77−70| = 56 over 252 contacts.
    assert result.windows == 1 and result.models == ("snaive",)
    assert result.day.wape == pytest.approx(56 / 252)
    assert result.day.mape == pytest.approx((2 / 12 + 2 / 18 + 0 + 5 / 55 + 0 + 7 / 77) / 6)
    assert result.day.bias == pytest.approx((280 - 252) / 252)
    # Half-days: 1+1, 1+1, 5+5, 20+20, 0+5, 0+0, 5+2 = 66; the Thursday's two zeros out of MAPE.
    assert result.interval.wape == pytest.approx(66 / 252)
    interval_mape = (
        1 / 6 + 1 / 6 + 1 / 9 + 1 / 9 + 5 / 10 + 5 / 20 + 0 + 5 / 30 + 0 + 0 + 5 / 40 + 2 / 37
    ) / 12
    assert result.interval.mape == pytest.approx(interval_mape)
    assert result.interval.points == 14 and result.day.points == 7
    # The seasonal naive baseline makes the same forecast here.
    assert result.baseline_day == result.day and result.baseline_interval == result.interval


def test_errors_are_pooled_over_the_windows() -> None:
    (result,) = backtest(tiny_history(4), horizon_days=7, windows=2, model="snaive", min_train_days=14)
    # The first window (week 4 from weeks 1-3) is exact: its 280 contacts add to the denominator.
    assert result.windows == 2
    assert result.day.wape == pytest.approx(56 / (280 + 252))
    assert result.day.mape == pytest.approx((2 / 12 + 2 / 18 + 5 / 55 + 7 / 77) / 13)


def test_a_window_leaving_too_little_history_is_skipped() -> None:
    (result,) = backtest(tiny_history(4), horizon_days=7, windows=2, model="snaive")
    assert result.windows == 1  # the origin after three weeks leaves 21 days < 28
    (none,) = backtest(tiny_history(2), horizon_days=7, windows=1, model="snaive")
    assert none.windows == 0 and none.models == () and math.isnan(none.day.wape)


def test_the_backtest_forecast_does_not_see_the_days_after_its_origin() -> None:
    history = tiny_history(4)
    (before,) = backtest(history, horizon_days=7, windows=1, model="mstl")
    history.offered[0, -14:] *= 3  # triple the test week
    (after,) = backtest(history, horizon_days=7, windows=1, model="mstl")
    # Same forecast, three times the actuals: |3A − F| summed, over 3 × 252.
    assert after.models == before.models
    assert after.day.bias == pytest.approx((before.day.bias * 252 + 252 - 3 * 252) / (3 * 252))
