"""Yearly volume growth from the forecast: the next twelve months against the last twelve.

Growth is the trend of the series, which a year of history cannot tell from the yearly season (a
retailer's December looks like growth to a model that has seen only one). So the rate needs two
years of daily history, which lets the forecast model the yearly season (MSTL with seasons of 7
and 365 days, `model.forecast_daily`); with less, there is no rate and the decision frame's
``volume_growth_per_year`` (or no growth) applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arbitre._types import FloatArray
from arbitre.forecast.model import YEAR_DAYS, forecast_daily

MIN_DAYS = 2 * YEAR_DAYS
LIMIT = 0.5  # a forecast growing or shrinking by more than half in a year is not a trend to cost


@dataclass(frozen=True)
class Growth:
    """The yearly rate and what it comes from."""

    rate: float  # next 365 days ÷ last 365 days − 1, within ±LIMIT
    ahead: float  # contacts forecast over the next 365 days
    last: float  # contacts over the last 365 days
    model: str
    clipped: bool


def yearly_growth(daily: FloatArray) -> Growth | None:
    """Growth a year of a daily series (contacts per day, oldest first); None under two years.

    >>> yearly_growth(np.ones(400)) is None
    True
    """
    y = np.asarray(daily, dtype=np.float64)
    if y.size < MIN_DAYS:
        return None
    last = float(y[-YEAR_DAYS:].sum())
    if last <= 0:
        return None
    result = forecast_daily(y, horizon_days=YEAR_DAYS)
    ahead = float(result.mean.sum())
    rate = ahead / last - 1.0
    clipped = abs(rate) > LIMIT
    return Growth(float(np.clip(rate, -LIMIT, LIMIT)), ahead, last, result.model, clipped)
