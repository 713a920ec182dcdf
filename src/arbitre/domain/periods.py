"""Periods of local days, counted as a practitioner counts them."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta


def calendar_months(first: date, last: date) -> float:
    """Calendar months from ``first`` to ``last`` included, partial months prorated by their days.

    >>> calendar_months(date(2025, 1, 1), date(2025, 12, 31)), calendar_months(date(2025, 2, 15), date(2025, 3, 31))
    (12.0, 1.5)
    """
    total = 0.0
    day = first
    while day <= last:
        month_days = monthrange(day.year, day.month)[1]
        end = min(last, day.replace(day=month_days))
        total += ((end - day).days + 1) / month_days
        day = end + timedelta(days=1)
    return total
