"""Periods of whole calendar days in the workspace's time zone, counted as a practitioner counts them.

Interval starts are instants (seconds since the epoch, UTC); people read a period as the local
days it covers. Local midnight on 1 January in Paris is 23:00 UTC on 31 December: taking the UTC
date would start the year of 2025 on "2024-12-31".
"""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict


class CalendarPeriod(BaseModel):
    """From ``start`` to ``end``, both local calendar days included."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def local_period(first_s: int, last_s: int, *, tz: str) -> CalendarPeriod:
    """The local days from the instant ``first_s`` to the instant ``last_s`` (epoch seconds).

    >>> p = local_period(1735686000, 1767220200, tz="Europe/Paris")  # 2025-01-01 00:00 and 2025-12-31 23:30, Paris
    >>> p.start.isoformat(), p.end.isoformat(), p.days
    ('2025-01-01', '2025-12-31', 365)
    """
    zone = ZoneInfo(tz)
    start = datetime.fromtimestamp(first_s, UTC).astimezone(zone).date()
    end = datetime.fromtimestamp(last_s, UTC).astimezone(zone).date()
    return CalendarPeriod(start=start, end=end)


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


__all__ = ["CalendarPeriod", "calendar_months", "local_period"]
