"""Time buckets in a time zone: interval, day, ISO week, month.

Buckets are computed on the wall clock of the zone, so a day has 23 or 25 hours at the
daylight-saving changes and the repeated hour of October gives two distinct intervals
(``02:00+02:00`` then ``02:00+01:00``). The SQL is DuckDB's; each function is the one place a
Spark translation would change (``date_format``, ``window``), the rest of the KPI query is
standard SQL.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from arbitre.domain.kpis import TIME_KEYS


def time_key_sql(key: str, *, column: str, tz: str, interval_min: int) -> str:
    """SQL for the bucket of ``column`` (a TIMESTAMPTZ) under ``key``, as a native value to group
    on (a date, or for ``interval`` the epoch second of the interval's start); `time_key_text`
    turns the grouped value into its text key."""
    local = f"timezone('{tz}', {column})"
    if key == "day":
        return f"CAST({local} AS DATE)"
    if key == "week":
        return f"CAST(date_trunc('week', {local}) AS DATE)"  # the ISO week's Monday
    if key == "month":
        return f"CAST(date_trunc('month', {local}) AS DATE)"
    if key == "interval":
        return f"CAST(epoch(time_bucket(INTERVAL '{int(interval_min)} minutes', {column}, '{tz}')) AS BIGINT)"
    raise ValueError(f"unknown time key {key!r}: expected one of {', '.join(TIME_KEYS)}")


def time_key_text(key: str, ref: str) -> str:
    """SQL turning a grouped time key into its text: ``2026-03-29``, ``2026-W13``, ``2026-03``;
    ``interval`` stays epoch seconds (`format_interval` writes it with its offset)."""
    formats = {"day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m"}
    return f"strftime({ref}, '{formats[key]}')" if key in formats else ref


def instant_us_sql(column: str) -> str:
    """Microseconds since the epoch of a TIMESTAMPTZ (Spark: ``unix_micros``)."""
    return f"epoch_us({column})"


def format_interval(epoch_s: int, tz: str) -> str:
    """The start of an interval as ISO 8601 with its offset.

    >>> format_interval(1792888200, "Europe/Paris")
    '2026-10-25T02:30:00+02:00'
    >>> format_interval(1792891800, "Europe/Paris")
    '2026-10-25T02:30:00+01:00'
    """
    return datetime.fromtimestamp(epoch_s, ZoneInfo(tz)).isoformat()
