"""The backtest figures docs/forecasting.md quotes, on its realistic synthetic year."""

from __future__ import annotations

import numpy as np
import pytest

from arbitre.forecast import backtest
from tests.forecast.synthetic import synthetic_history

# contacts a day → day WAPE, day MAPE, bias, interval WAPE, interval MAPE, baseline day WAPE, baseline interval WAPE
DOCUMENTED = {
    2000: (0.068, 0.068, -0.036, 0.108, 0.137, 0.081, 0.142),
    500: (0.081, 0.086, -0.036, 0.185, 0.291, 0.107, 0.250),
    100: (0.116, 0.145, -0.037, 0.373, 0.454, 0.117, 0.488),
    20: (0.200, 0.333, -0.033, 0.793, 0.448, 0.237, 1.007),
}


@pytest.mark.parametrize("level", sorted(DOCUMENTED))
def test_the_documented_backtest_figures_hold(level: int) -> None:
    rng = np.random.default_rng(2025)
    history, _ = synthetic_history(
        rng=rng, days=365, level=level, trend_per_year=0.1, yearly_amplitude=0.1, day_noise=0.06
    )
    (b,) = backtest(history, horizon_days=56, windows=3, model="auto")
    measured = (
        b.day.wape,
        b.day.mape,
        b.day.bias,
        b.interval.wape,
        b.interval.mape,
        b.baseline_day.wape,
        b.baseline_interval.wape,
    )
    assert measured == pytest.approx(DOCUMENTED[level], abs=0.003)
    assert b.day.wape < b.baseline_day.wape and b.interval.wape < b.baseline_interval.wape
