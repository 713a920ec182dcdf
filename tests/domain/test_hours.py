"""Weekly hours as people write them, compiled to minutes of the week."""

from __future__ import annotations

import numpy as np
import pytest

from arbitre.domain.hours import WeeklyHours, parse_days, parse_ranges


def test_days_accept_ranges_lists_and_wrap_around_the_week() -> None:
    assert parse_days("mon-fri") == [0, 1, 2, 3, 4]
    assert parse_days("sat,sun") == [5, 6]
    assert parse_days("sun-tue") == [6, 0, 1]
    with pytest.raises(ValueError, match="unknown day"):
        parse_days("lundi")


def test_a_range_past_midnight_ends_on_the_next_day() -> None:
    hours = WeeklyHours.parse({"fri": "22:00-02:00"})
    assert hours.describe()["fri"] == "22:00-24:00"
    assert hours.describe()["sat"] == "00:00-02:00"
    assert hours.hours_per_week() == 4.0
    # Sunday night wraps to Monday morning.
    assert WeeklyHours.parse({"sun": "23:00-01:00"}).describe()["mon"] == "00:00-01:00"


def test_split_days_and_closed_days() -> None:
    hours = WeeklyHours.parse({"mon-fri": "09:00-12:00, 14:00-18:00", "sat": "closed"})
    assert hours.hours_per_week() == 35.0
    inside = hours.contains(np.array([0, 0, 0, 5]), np.array([9 * 60, 13 * 60, 17 * 60 + 59, 10 * 60]))
    assert inside.tolist() == [True, False, True, False]


def test_bad_hours_say_what_is_expected() -> None:
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        parse_ranges("9h-18h")
    with pytest.raises(ValueError, match="not a time of day"):
        parse_ranges("09:00-25:00")
