"""Reference periods as whole local calendar days."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from arbitre.domain.periods import local_period

PARIS = ZoneInfo("Europe/Paris")


def test_a_year_of_paris_intervals_is_1_january_to_31_december() -> None:
    """Before: the decision's reference period started on "2024-12-31", the UTC date of Paris's
    midnight on 1 January 2025."""
    first = int(datetime(2025, 1, 1, 0, 0, tzinfo=PARIS).timestamp())
    last = int(datetime(2025, 12, 31, 23, 30, tzinfo=PARIS).timestamp())
    period = local_period(first, last, tz="Europe/Paris")
    assert (period.start, period.end, period.days) == (date(2025, 1, 1), date(2025, 12, 31), 365)


def test_a_period_west_of_utc_keeps_its_local_days_too() -> None:
    zone = ZoneInfo("America/Montreal")
    first = int(datetime(2026, 3, 1, 0, 0, tzinfo=zone).timestamp())
    last = int(datetime(2026, 3, 31, 23, 45, tzinfo=zone).timestamp())  # 04:45 UTC on 1 April
    period = local_period(first, last, tz="America/Montreal")
    assert (period.start, period.end, period.days) == (date(2026, 3, 1), date(2026, 3, 31), 31)
