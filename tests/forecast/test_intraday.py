"""The intraday profile and handle time per interval of the week, days of 23 and 25 hours included."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arbitre.forecast import (
    History,
    daily_totals,
    forecast,
    handle_time_of_week,
    interval_axis,
    slot_rates,
    spread,
    weekday_profile,
)
from tests.forecast.synthetic import expected_daily, expected_intervals, office_shape, synthetic_history


def test_the_profile_recovers_a_known_weekday_shape_from_noisy_counts() -> None:
    rng = np.random.default_rng(11)
    history, _ = synthetic_history(rng=rng, days=56, level=5000)
    rates = slot_rates(history.offered[0], axis=history.axis)
    profile = weekday_profile(rates, weekday=history.axis.weekday)
    truth = office_shape(30)
    assert np.allclose(profile.shares.sum(axis=1), 1.0)
    # Total variation distance between estimated and true shares: a few percent at most (Sundays,
    # at 500 contacts a day, are the noisiest).
    assert np.abs(profile.shares - truth).sum(axis=1).max() / 2 < 0.04
    assert profile.open.all()


def test_a_weekday_without_contacts_in_the_recent_weeks_is_closed_and_forecast_at_zero() -> None:
    rng = np.random.default_rng(5)
    history, _ = synthetic_history(rng=rng, days=70, level=500)
    sundays = history.axis.weekday[history.axis.day] == 6
    history.offered[0, sundays] = 0.0
    result = forecast(history, horizon_days=14, model="snaive")
    assert result.info[0].closed_weekdays == (6,)
    future_sundays = result.axis.weekday == 6
    assert np.all(result.daily[0, future_sundays] == 0.0)
    assert np.all(result.daily[0, ~future_sundays] > 0.0)
    assert np.all(result.volume[0, result.axis.weekday[result.axis.day] == 6] == 0.0)


@pytest.mark.parametrize(("start", "intervals"), [(date(2026, 3, 29), 46), (date(2026, 10, 25), 50)])
def test_days_of_23_and_25_hours_get_46_and_50_half_hours_and_keep_their_volume(
    start: date, intervals: int
) -> None:
    rng = np.random.default_rng(3)
    history, _ = synthetic_history(rng=rng, first_day=start - timedelta(days=70), days=70, level=1000)
    result = forecast(history, horizon_days=7, model="ets")
    assert result.axis.first_day == start and start.weekday() == 6
    per_day = result.axis.intervals_per_day
    assert per_day.tolist() == [intervals] + [48] * 6
    # Every day, those of 23 and 25 hours too, spreads exactly its daily forecast.
    assert np.allclose(daily_totals(result.volume, axis=result.axis), result.daily)
    assert result.daily[0, 0] > 0
    # The wall-clock shape is kept: 10:00 on the clock gets the Sunday share of 10:00.
    rates = slot_rates(history.offered[0], axis=history.axis)
    sunday = weekday_profile(rates, weekday=history.axis.weekday).shares[6]
    ten = (result.axis.slot == 20) & (result.axis.day == 0)
    assert result.volume[0, ten].tolist() == pytest.approx([result.daily[0, 0] * sunday[20]])


@pytest.mark.parametrize(("start", "intervals"), [(date(2026, 3, 29), 46), (date(2026, 10, 25), 50)])
def test_around_the_clock_a_day_of_23_or_25_hours_spreads_its_volume_over_all_its_intervals(
    start: date, intervals: int
) -> None:
    axis = interval_axis(start, 1, tz="Europe/Paris", interval_min=30)
    volume = spread(np.array([460.0 if intervals == 46 else 500.0]), np.full((7, 48), 1 / 48), axis=axis)
    assert volume.size == intervals
    assert np.allclose(volume, 10.0)


def test_a_day_whose_slots_all_have_zero_share_is_spread_evenly() -> None:
    axis = interval_axis(date(2026, 1, 5), 1, tz="UTC", interval_min=60)
    volume = spread(np.array([24.0]), np.zeros((7, 24)), axis=axis)
    assert np.allclose(volume, 1.0)


@settings(max_examples=60, deadline=None)
@given(
    first=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 1)),
    days=st.integers(min_value=1, max_value=20),
    interval_min=st.sampled_from([15, 30, 60]),
    tz=st.sampled_from(["Europe/Paris", "America/New_York", "Australia/Sydney", "UTC"]),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_spreading_keeps_each_days_volume_whatever_its_length(
    first: date, days: int, interval_min: int, tz: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    axis = interval_axis(first, days, tz=tz, interval_min=interval_min)
    shares = rng.random((7, 1440 // interval_min)) * (rng.random((7, 1440 // interval_min)) < 0.7)
    daily = rng.random(days) * 1000
    volume = spread(daily, shares, axis=axis)
    assert np.all(volume >= 0)
    assert np.allclose(daily_totals(volume[None, :], axis=axis)[0], daily)


def test_slot_rates_divide_the_repeated_hour_and_leave_the_missing_one_empty() -> None:
    spring = interval_axis(date(2026, 3, 29), 1, tz="Europe/Paris", interval_min=60)
    rates = slot_rates(np.arange(23.0), axis=spring)
    assert np.isnan(rates[0, 2]) and rates[0, 3] == 2.0 and rates[0, 1] == 1.0


def test_the_profile_ignores_the_missing_hour_instead_of_reading_it_as_quiet() -> None:
    # Four Sundays at 100 contacts an hour around the clock, the last one the day of 23 hours.
    axis = interval_axis(date(2026, 3, 8), 22, tz="Europe/Paris", interval_min=60)
    counts = np.full(axis.start_s.size, 100.0)
    profile = weekday_profile(slot_rates(counts, axis=axis), weekday=axis.weekday)
    assert np.allclose(profile.shares[6], 1 / 24)


def test_handle_time_recovers_morning_and_afternoon_means() -> None:
    rng = np.random.default_rng(2)
    history, _ = synthetic_history(rng=rng, days=28, level=1000, aht_s=300.0)
    aht = handle_time_of_week(history.handled[0], history.handle_s[0], axis=history.axis)
    busy = office_shape()[0] > 0.02
    morning, afternoon = busy & (np.arange(48) < 24), busy & (np.arange(48) >= 24)
    # Within 1 %: the shrinkage pulls each cell a little towards the whole flow's mean.
    assert np.allclose(aht[0, morning], 300.0, rtol=0.01) and np.allclose(aht[0, afternoon], 450.0, rtol=0.01)


def test_a_sparse_cell_is_pulled_towards_its_slot_and_a_cell_without_data_takes_the_slot() -> None:
    axis = interval_axis(date(2026, 1, 5), 14, tz="UTC", interval_min=720)
    handled = np.zeros(axis.start_s.size)
    handle_s = np.zeros(axis.start_s.size)
    handled[0], handle_s[0] = 1.0, 1000.0  # one contact of 1000 s on a Monday morning
    handled[2], handle_s[2] = 99.0, 99 * 100.0  # 99 of 100 s on a Tuesday morning
    aht = handle_time_of_week(handled, handle_s, axis=axis, prior_contacts=20)
    flow = (1000 + 9900) / 100
    slot = (1000 + 9900 + 20 * flow) / (100 + 20)
    assert aht[0, 0] == pytest.approx((1000 + 20 * slot) / 21)
    assert aht[3, 0] == pytest.approx(slot)  # Thursday morning: no data
    assert aht[3, 1] == pytest.approx(flow)  # afternoons: no data at all, the flow's mean


def test_a_flow_without_handle_times_gets_none() -> None:
    axis = interval_axis(date(2026, 1, 5), 7, tz="UTC", interval_min=720)
    zeros = np.zeros(axis.start_s.size)
    assert np.isnan(handle_time_of_week(zeros, zeros, axis=axis)).all()


def test_the_forecast_gives_each_interval_the_handle_time_of_its_interval_of_the_week() -> None:
    rng = np.random.default_rng(9)
    history, _ = synthetic_history(rng=rng, days=35, level=800, aht_s=200.0)
    result = forecast(history, horizon_days=7, model="snaive")
    slot = result.axis.slot
    open_ = result.volume[0] > 1
    assert np.allclose(result.aht_s[0, open_ & (slot < 24)], 200.0, rtol=0.01)
    assert np.allclose(result.aht_s[0, open_ & (slot >= 24)], 300.0, rtol=0.01)


def test_expected_intervals_of_the_synthetic_truth_keep_the_day() -> None:
    # The test generator itself: its days keep their totals (what the tests above rely on).
    axis = interval_axis(date(2026, 3, 23), 14, tz="Europe/Paris", interval_min=30)
    daily = expected_daily(axis, level=100.0)
    assert np.allclose(
        daily_totals(expected_intervals(daily, office_shape(), axis)[None], axis=axis)[0], daily
    )
    assert isinstance(History, type)
