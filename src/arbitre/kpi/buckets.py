"""Time buckets in a time zone: interval, day, ISO week, month — in DuckDB's SQL and Spark's.

Buckets are computed on the wall clock of the zone, so a day has 23 or 25 hours at the
daylight-saving changes and the repeated hour of October gives two distinct intervals
(``02:00+02:00`` then ``02:00+01:00``). These functions are the only SQL of the KPI query that
differs between the two engines (``dialect``: ``"duckdb"`` or ``"spark"``); the rest is standard
SQL both run as written. Spark's session must run in UTC (`arbitre.kpi.spark` sets it): the
local clock is then ``from_utc_timestamp(ts, zone)``.

An interval starts at ``epoch − ((local epoch) mod length)``: the instant's own offset is kept,
which is what separates the two 02:30 of October. It is DuckDB's ``time_bucket`` with a zone
wherever the zone's offsets are whole multiples of the interval (every zone at 15 minutes;
at 30 and 60 minutes all but Lord Howe's half-hour daylight saving).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from arbitre.domain.kpis import TIME_KEYS

Dialect = Literal["duckdb", "spark"]


def local_sql(column: str, tz: str, *, dialect: Dialect = "duckdb") -> str:
    """The wall-clock time in ``tz`` of ``column`` (a time zone-aware timestamp)."""
    return f"from_utc_timestamp({column}, '{tz}')" if dialect == "spark" else f"timezone('{tz}', {column})"


def time_key_sql(key: str, *, column: str, tz: str, interval_min: int, dialect: Dialect = "duckdb") -> str:
    """SQL for the bucket of ``column`` (a TIMESTAMPTZ) under ``key``, as a native value to group
    on (a date, or for ``interval`` the epoch second of the interval's start); `time_key_text`
    turns the grouped value into its text key."""
    if dialect == "spark":
        return _spark_time_key(key, column=column, tz=tz, interval_min=interval_min)
    local = local_sql(column, tz)
    if key == "day":
        return f"CAST({local} AS DATE)"
    if key == "week":
        return f"CAST(date_trunc('week', {local}) AS DATE)"  # the ISO week's Monday
    if key == "month":
        return f"CAST(date_trunc('month', {local}) AS DATE)"
    if key == "interval":
        return f"CAST(epoch(time_bucket(INTERVAL '{int(interval_min)} minutes', {column}, '{tz}')) AS BIGINT)"
    raise ValueError(f"unknown time key {key!r}: expected one of {', '.join(TIME_KEYS)}")


def _spark_time_key(key: str, *, column: str, tz: str, interval_min: int) -> str:
    local = local_sql(column, tz, dialect="spark")
    if key == "day":
        return f"to_date({local})"
    if key == "week":
        return f"CAST(date_trunc('WEEK', {local}) AS DATE)"  # Spark's weeks start on Monday
    if key == "month":
        return f"trunc(to_date({local}), 'MM')"
    if key == "interval":
        length = int(interval_min) * 60
        return f"(unix_seconds({column}) - pmod(unix_seconds({local}), {length}))"
    raise ValueError(f"unknown time key {key!r}: expected one of {', '.join(TIME_KEYS)}")


def time_key_text(key: str, ref: str, *, dialect: Dialect = "duckdb") -> str:
    """SQL turning a grouped time key into its text: ``2026-03-29``, ``2026-W13``, ``2026-03``;
    ``interval`` stays epoch seconds (`format_interval` writes it with its offset)."""
    if dialect == "spark":
        if key == "week":  # the ISO year is the year of the week's Thursday
            return (
                f"concat(CAST(year(date_add({ref}, 3)) AS STRING), '-W', "
                f"lpad(CAST(weekofyear({ref}) AS STRING), 2, '0'))"
            )
        patterns = {"day": "yyyy-MM-dd", "month": "yyyy-MM"}
        return f"date_format({ref}, '{patterns[key]}')" if key in patterns else ref
    formats = {"day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m"}
    return f"strftime({ref}, '{formats[key]}')" if key in formats else ref


def instant_us_sql(column: str, *, dialect: Dialect = "duckdb") -> str:
    """Microseconds since the epoch of a TIMESTAMPTZ."""
    return f"unix_micros({column})" if dialect == "spark" else f"epoch_us({column})"


def seconds_between_sql(later: str, earlier: str, *, dialect: Dialect = "duckdb") -> str:
    """Seconds from ``earlier`` to ``later`` (timestamps), exact to the microsecond, the same
    double on both engines (a difference of microseconds, divided once)."""
    return f"({instant_us_sql(later, dialect=dialect)} - {instant_us_sql(earlier, dialect=dialect)}) / 1e6"


def minute_of_week_sql(column: str, tz: str, *, dialect: Dialect = "duckdb") -> str:
    """Local minute of the week (Monday 00:00 is 0) of a TIMESTAMPTZ column."""
    local = local_sql(column, tz, dialect=dialect)
    # ISO day of the week less one: Spark's dayofweek counts from Sunday = 1.
    day = f"((dayofweek({local}) + 5) % 7)" if dialect == "spark" else f"(isodow({local}) - 1)"
    return f"({day} * 1440 + hour({local}) * 60 + minute({local}))"


def string_sql(text: str, *, dialect: Dialect = "duckdb") -> str:
    r"""``text`` as an SQL string literal. DuckDB doubles quotes; Spark SQL also reads a backslash
    as an escape (a name ending in ``\`` would close the literal there), so both are escaped.

    >>> print(string_sql("l'offre"), string_sql("l'offre", dialect="spark"), string_sql("a\\", dialect="spark"))
    'l''offre' 'l\'offre' 'a\\'
    """
    if dialect == "spark":
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + text.replace("'", "''") + "'"


def timestamp_sql(instant: datetime, *, dialect: Dialect = "duckdb") -> str:
    """A time zone-aware instant as an SQL literal."""
    return f"{'TIMESTAMP' if dialect == 'spark' else 'TIMESTAMPTZ'} '{instant.isoformat()}'"


def format_interval(epoch_s: int, tz: str) -> str:
    """The start of an interval as ISO 8601 with its offset.

    >>> format_interval(1792888200, "Europe/Paris")
    '2026-10-25T02:30:00+02:00'
    >>> format_interval(1792891800, "Europe/Paris")
    '2026-10-25T02:30:00+01:00'
    """
    return datetime.fromtimestamp(epoch_s, ZoneInfo(tz)).isoformat()
