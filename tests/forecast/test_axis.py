"""Intervals of local days: days of 23 and 25 hours, wall-clock slots, the KPI engine's buckets."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from arbitre.forecast import interval_axis
from arbitre.kpi.buckets import format_interval


def test_the_days_of_the_clock_changes_have_46_and_50_half_hours() -> None:
    spring = interval_axis(date(2026, 3, 28), 3, tz="Europe/Paris", interval_min=30)
    autumn = interval_axis(date(2026, 10, 24), 3, tz="Europe/Paris", interval_min=30)
    assert spring.intervals_per_day.tolist() == [48, 46, 48]
    assert autumn.intervals_per_day.tolist() == [48, 50, 48]


def test_intervals_follow_each_other_in_real_time_and_start_on_the_local_clock() -> None:
    axis = interval_axis(date(2026, 10, 25), 1, tz="Europe/Paris", interval_min=30)
    assert np.all(np.diff(axis.start_s) == 1800)
    starts = [format_interval(int(t), "Europe/Paris") for t in axis.start_s[4:8]]
    assert starts == [
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T02:30:00+01:00",
    ]


def test_the_repeated_half_hours_share_their_wall_clock_slot_and_the_missing_ones_are_absent() -> None:
    autumn = interval_axis(date(2026, 10, 25), 1, tz="Europe/Paris", interval_min=30)
    spring = interval_axis(date(2026, 3, 29), 1, tz="Europe/Paris", interval_min=30)
    assert autumn.slot[:8].tolist() == [0, 1, 2, 3, 4, 5, 4, 5]
    assert np.bincount(autumn.slot, minlength=48).tolist() == [1] * 4 + [2, 2] + [1] * 42
    assert 4 not in spring.slot and 5 not in spring.slot and spring.slot[4] == 6


@pytest.mark.parametrize("interval_min", [15, 30, 60])
def test_every_interval_starts_at_its_slot_on_the_wall_clock(interval_min: int) -> None:
    zone = ZoneInfo("Europe/Paris")
    axis = interval_axis(date(2026, 1, 1), 365, tz="Europe/Paris", interval_min=interval_min)
    local = [datetime.fromtimestamp(int(t), zone) for t in axis.start_s]
    assert [(x.hour * 60 + x.minute) // interval_min for x in local] == axis.slot.tolist()
    assert [(x.date() - date(2026, 1, 1)).days for x in local] == axis.day.tolist()
    assert axis.weekday.tolist() == [(3 + i) % 7 for i in range(365)]  # 1 January 2026 is a Thursday


def test_an_instant_maps_to_the_interval_holding_it_or_to_none_outside() -> None:
    axis = interval_axis(date(2026, 3, 29), 1, tz="Europe/Paris", interval_min=30)
    three_ten = int(datetime(2026, 3, 29, 3, 10, tzinfo=ZoneInfo("Europe/Paris")).timestamp())
    before = int(axis.day_start_s[0]) - 1
    assert axis.interval_index(np.array([three_ten, before, int(axis.day_start_s[-1])])).tolist() == [
        4,
        -1,
        -1,
    ]


def test_a_zone_without_daylight_saving_has_days_of_equal_length() -> None:
    axis = interval_axis(date(2026, 1, 1), 365, tz="Asia/Kolkata", interval_min=15)
    assert set(axis.intervals_per_day.tolist()) == {96}
