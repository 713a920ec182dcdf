"""Yearly growth from the forecast: measured on two years or more, refused on less."""

from __future__ import annotations

import numpy as np
import pytest

from arbitre.forecast.growth import LIMIT, MIN_DAYS, yearly_growth


def series(days: int, *, growth: float, seed: int = 1) -> np.ndarray:
    """Daily contacts with a weekly shape, a December peak and a steady yearly growth."""
    t = np.arange(days)
    weekly = np.array([1.2, 1.1, 1.0, 1.0, 0.95, 0.6, 0.15])[t % 7]
    yearly = 1.0 + 0.4 * np.exp(-(((t % 365) - 350) ** 2) / (2 * 12.0**2))  # Christmas run-up
    trend = (1.0 + growth) ** (t / 365.0)
    rng = np.random.default_rng(seed)
    return np.asarray(rng.poisson(800 * weekly * yearly * trend), dtype=np.float64)


@pytest.mark.parametrize("rate", [0.0, 0.10, -0.08])
def test_a_steady_trend_over_three_years_is_found(rate: float) -> None:
    found = yearly_growth(series(3 * 365, growth=rate))
    assert found is not None
    assert found.rate == pytest.approx(rate, abs=0.04)
    assert found.model.startswith("mstl(7,365)") or found.model == "ets"
    assert not found.clipped


def test_one_year_is_not_enough_to_tell_a_trend_from_christmas() -> None:
    assert yearly_growth(series(MIN_DAYS - 1, growth=0.2)) is None


def test_an_explosive_forecast_is_clipped_and_says_so() -> None:
    found = yearly_growth(series(3 * 365, growth=3.0))
    assert found is not None and found.clipped and found.rate == LIMIT
