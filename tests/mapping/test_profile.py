"""The activity profile on counts built by hand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from arbitre.domain.hours import WeeklyHours
from arbitre.domain.settings import HourBands
from arbitre.mapping.profile import Counts, profile


def four_weeks(*, black_friday: bool = False) -> Counts:
    """28 days from Monday 3 Nov 2025, 48 half-hours: 10 contacts in each open half-hour (9–18 h)."""
    dates = [date(2025, 11, 3) + timedelta(days=i) for i in range(28)]
    grid = np.zeros((28, 48), dtype=np.int64)
    grid[:, 18:36] = 10
    if black_friday:
        grid[dates.index(date(2025, 11, 28)), 18:36] = 40
    week = np.zeros((7, 1440), dtype=np.int64)
    for d, day in enumerate(dates):
        for s in range(48):
            week[day.weekday(), s * 30] += grid[d, s]
    return Counts(dates=dates, by_day_interval=grid, by_weekday_minute=week, interval_min=30)


HOURS = WeeklyHours.parse({"mon-fri": "09:00-18:00"})


def test_a_flat_month_has_ratios_of_one_and_no_peak() -> None:
    p = profile(four_weeks(), hours=HOURS, bands=HourBands())
    assert p.contacts == 28 * 18 * 10
    assert p.peak_to_average["interval"] == pytest.approx(1.0)
    assert p.peak_to_average["day"] == pytest.approx(1.0)
    assert p.peak_days == [] and p.peak_weeks == []
    assert p.average_week[0, 18] == pytest.approx(10.0)
    # Saturdays and Sundays carry 2/7 of the demand, all of it outside opening hours.
    assert p.outside_opening_share == pytest.approx(2 / 7)
    assert p.band_shares["weekend"] == pytest.approx(2 / 7)
    assert p.band_shares["evening"] == 0.0


def test_black_friday_stands_out_as_a_peak_day_and_week() -> None:
    p = profile(four_weeks(black_friday=True), hours=HOURS, bands=HourBands())
    assert [d.key for d in p.peak_days] == ["2025-11-28"]
    assert p.peak_days[0].ratio == pytest.approx(4.0)
    assert [w.key for w in p.peak_weeks] == ["2025-W48"]
    assert p.peak_to_average["day"] == pytest.approx(40 * 18 / ((27 * 180 + 720) / 28))


def test_evening_demand_is_counted_in_its_band_and_outside_hours() -> None:
    counts = four_weeks()
    counts.by_weekday_minute[0:5, 20 * 60] += 100  # 20:00 on weekdays
    p = profile(counts, hours=HOURS, bands=HourBands())
    total = counts.by_weekday_minute.sum()
    assert p.band_shares["evening"] == pytest.approx(500 / total)
    assert p.outside_opening_share == pytest.approx((500 + 2 * 4 * 180) / total)
