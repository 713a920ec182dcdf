"""The KPI engine: the definitions of docs/specs/interactions.md compiled to one relational query.

Three steps, each a SELECT over the previous one:

1. ``facts``: per contact, the derived facts (wait, handle time, whether it was answered within the
   threshold of its channel, whether it was a short abandon, whether the same customer came back
   on the same flow within the repeat window — a window function);
2. ``totals``: per group (and per interval when intervals are averaged), the numerators and
   denominators of every KPI, as filtered counts and sums;
3. the KPIs: ratios of those sums (``pooled``), or means over intervals of the per-interval ratios
   (``interval_mean``); counts are always summed.

The query is plain SQL but for the time buckets (``buckets.py``), so that the same definitions
run on Spark (``dialect="spark"``, `arbitre.kpi.spark`) when one machine no longer holds a
client's history. `kpi_sql` is pure; `compute_kpis` runs it on DuckDB or on Spark.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from arbitre.domain.channels import Channel
from arbitre.domain.hours import MINUTES_PER_DAY, WeeklyHours
from arbitre.domain.kpis import (
    GROUP_COLUMNS,
    GROUP_KEYS,
    KPI_NAMES,
    OUTSIDE_HOURS,
    QUALITY_COLUMNS,
    REPEAT_GAP_CAP_S,
    TIME_KEYS,
    KpiRules,
    OpeningHours,
)
from arbitre.kpi.buckets import (
    Dialect,
    format_interval,
    instant_us_sql,
    minute_of_week_sql,
    seconds_between_sql,
    string_sql,
    time_key_sql,
    time_key_text,
)
from arbitre.kpi.connection import Connection, dialect_of

# KPI → (numerator sum, denominator sum, scale). Counts have no denominator.
_RATIOS: dict[str, tuple[str, str, float]] = {
    "service_level": ("n_in_sl", "n_sl_base", 1.0),
    "abandon_rate": ("n_ab_real", "n_sl_base", 1.0),
    "asa_s": ("sum_wait", "n_wait", 1.0),
    "aht_s": ("sum_handle", "n_handle", 1.0),
    "fcr": ("n_resolved", "n_fcr_known", 1.0),
    "repeat_rate_7d": ("n_repeat", "n_repeat_known", 1.0),
    "csat": ("n_csat_top", "n_csat", 1.0),
    "csat_mean": ("sum_csat", "n_csat", 1.0),
    "nps": ("n_nps_net", "n_nps", 100.0),
    "qa_score": ("sum_qa", "n_qa", 1.0),
    "qa_auto_score": ("sum_qa_auto", "n_qa_auto", 1.0),
    "qa_auto_critical_rate": ("sum_qa_auto_critical", "n_qa_auto", 1.0),
    "qa_human_score": ("sum_qa_human", "n_qa_human", 1.0),
    "qa_human_critical_rate": ("sum_qa_human_critical", "n_qa_human", 1.0),
}
_COUNTS = ("offered", "answered", "abandoned", "short_abandoned", OUTSIDE_HOURS)


def check_group_keys(by: Sequence[str]) -> list[str]:
    """Validate grouping keys: any of flow, channel, site, language and at most one time key."""
    keys = [k.strip() for k in by if k.strip()]
    unknown = [k for k in keys if k not in GROUP_KEYS and k not in TIME_KEYS]
    if unknown:
        raise ValueError(
            f"unknown group key {unknown[0]!r}: expected any of {', '.join(GROUP_KEYS + TIME_KEYS)}"
        )
    if sum(k in TIME_KEYS for k in keys) > 1:
        raise ValueError("group by at most one of interval, day, week, month")
    if len(set(keys)) != len(keys):
        raise ValueError("a group key is given twice")
    return keys


def kpi_sql(
    source: str,
    *,
    by: Sequence[str],
    rules: KpiRules,
    tz: str,
    repeat_key: str = "customer_id",
    repeat_gap: str | None = None,
    quality: bool = False,
    dialect: Dialect = "duckdb",
) -> str:
    """The query computing every KPI of ``source`` grouped by ``by``.

    ``source`` is anything a FROM clause takes (a table, a view, ``read_parquet([...])``) with the
    columns of the interaction record. Output: the group keys (``interval`` as epoch seconds, the
    other time keys as text), then one column per KPI name, ordered by the keys.

    ``repeat_key`` is the column identifying a customer for repeats: ``customer_id``, or the
    store's ``customer_key`` (the same pseudonym as a 64-bit integer, much faster to partition on).
    ``repeat_gap`` names a column holding each contact's gap to the same customer's next contact
    on the same flow (the store's ``repeat_gap_s``, kept up to `REPEAT_GAP_CAP_S`): when the
    repeat window fits under that cap, repeats are read from it instead of a window function.
    ``quality``: the source has the `QUALITY_COLUMNS` (else the quality KPIs are null).
    """
    keys = check_group_keys(by)
    averaged = rules.aggregation == "interval_mean"
    interval = time_key_sql(
        "interval", column="arrived_at", tz=tz, interval_min=rules.interval_min, dialect=dialect
    )
    group_exprs = [
        (
            k,
            time_key_sql(k, column="arrived_at", tz=tz, interval_min=rules.interval_min, dialect=dialect)
            if k in TIME_KEYS
            else GROUP_COLUMNS.get(k, k),
        )
        for k in keys
    ]
    if averaged:
        group_exprs.append(("__interval", interval))
    group_cols = [name for name, _ in group_exprs]
    group_select = "".join(f"{expr} AS {name}, " for name, expr in group_exprs)
    group_by = f"GROUP BY {', '.join(group_cols)}" if group_cols else ""
    thresholds = " ".join(
        f"WHEN '{c.value}' THEN {float(t)!r}" for c in Channel if (t := rules.threshold(c)) is not None
    )
    short_limit = float(rules.short_abandon_s)
    short = (
        f"abandoned AND coalesce(wait_s < {short_limit!r}, FALSE)"
        if rules.short_abandons == "exclude"
        else "FALSE"
    )
    answered = "NOT abandoned AND answered_at IS NOT NULL"
    hours = rules.opening_hours
    in_hours = (
        "TRUE" if hours is None else hours_sql(hours, minute="minute_of_week", flow="flow", dialect=dialect)
    )
    # The waiting KPIs count the contacts in scope: all of them, or those arriving within hours.
    waits = "queued AND in_hours" if rules.scope == "opening_hours" else "queued"
    minute_col = (
        f",\n          {minute_of_week_sql('arrived_at', tz, dialect=dialect)} AS minute_of_week"
        if hours is not None
        else ""
    )
    window_us = round(rules.repeat_window_s * 1e6)
    use_gap = repeat_gap is not None and rules.repeat_window_s <= REPEAT_GAP_CAP_S
    gap_facts = (
        f",\n        CASE WHEN {repeat_key} IS NOT NULL THEN coalesce({repeat_gap} <= {float(rules.repeat_window_s)!r}, FALSE) END"
        " AS has_repeat"
        if use_gap
        else ""
    )
    quality_facts = ", ".join(c if quality else f"CAST(NULL AS DOUBLE) AS {c}" for c in QUALITY_COLUMNS)
    facts = f"""
    facts AS (
      SELECT {group_select}
        channel <> 'voice_out' AS queued,
        {answered} AS answered,
        abandoned,
        abandoned AND coalesce(wait_s < {short_limit!r}, FALSE) AS short_abandon,
        {short} AS short_excluded,
        wait_s,
        talk_s + hold_s + wrap_s AS handle_s,
        CASE channel {thresholds} END AS threshold_s,
        {in_hours} AS in_hours,
        resolved, csat, nps, qa_score, {quality_facts}{gap_facts}
      FROM (
        SELECT *,
          CASE WHEN NOT abandoned AND answered_at IS NOT NULL THEN {seconds_between_sql("answered_at", "arrived_at", dialect=dialect)}
               WHEN abandoned AND ended_at IS NOT NULL THEN {seconds_between_sql("ended_at", "arrived_at", dialect=dialect)} END AS wait_s{minute_col}
        FROM {source}
      ) AS derived
    )"""
    gap_totals = (
        ",\n        count(*) FILTER (WHERE answered AND has_repeat) AS n_repeat,"
        "\n        count(has_repeat) FILTER (WHERE answered) AS n_repeat_known"
        if use_gap
        else ""
    )
    totals = f"""
    totals AS (
      SELECT {"".join(f"{c}, " for c in group_cols)}
        count(*) AS offered,
        count(*) FILTER (WHERE answered) AS answered,
        count(*) FILTER (WHERE abandoned) AS abandoned,
        count(*) FILTER (WHERE short_abandon) AS short_abandoned,
        count(*) FILTER (WHERE queued) AS n_queued,
        count(*) FILTER (WHERE NOT in_hours) AS outside_hours,
        count(*) FILTER (WHERE {waits} AND answered AND wait_s <= threshold_s) AS n_in_sl,
        count(*) FILTER (WHERE {waits} AND NOT short_excluded) AS n_sl_base,
        count(*) FILTER (WHERE {waits} AND abandoned AND NOT short_excluded) AS n_ab_real,
        sum(wait_s) FILTER (WHERE {waits} AND answered) AS sum_wait,
        count(wait_s) FILTER (WHERE {waits} AND answered) AS n_wait,
        sum(handle_s) FILTER (WHERE answered) AS sum_handle,
        count(handle_s) FILTER (WHERE answered) AS n_handle,
        count(*) FILTER (WHERE answered AND resolved) AS n_resolved,
        count(resolved) FILTER (WHERE answered) AS n_fcr_known,
        count(*) FILTER (WHERE csat >= 4) AS n_csat_top,
        count(csat) AS n_csat,
        sum(csat) AS sum_csat,
        count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6) AS n_nps_net,
        count(nps) AS n_nps,
        sum(qa_score) AS sum_qa,
        count(qa_score) AS n_qa,
        sum(qa_auto_score) AS sum_qa_auto,
        count(qa_auto_score) AS n_qa_auto,
        sum(CAST(qa_auto_critical AS DOUBLE)) FILTER (WHERE qa_auto_score IS NOT NULL) AS sum_qa_auto_critical,
        sum(qa_human_score) AS sum_qa_human,
        count(qa_human_score) AS n_qa_human,
        sum(CAST(qa_human_critical AS DOUBLE)) FILTER (WHERE qa_human_score IS NOT NULL) AS sum_qa_human_critical{gap_totals}
      FROM facts {group_by}
    )"""
    # Repeats need each contact's next one (same customer, same flow): a window, run on the few
    # columns it needs only. A contact at the same instant counts as following (a tie is a repeat
    # for both), which keeps the result independent of row order.
    repeats = f"""
    repeats AS (
      SELECT {"".join(f"{c}, " for c in group_cols)}
        count(*) FILTER (WHERE has_repeat) AS n_repeat,
        count(*) AS n_repeat_known
      FROM (
        SELECT *, count(*) OVER (
            PARTITION BY {repeat_key}, flow ORDER BY arrived_us
            RANGE BETWEEN CURRENT ROW AND {window_us} FOLLOWING) > 1 AS has_repeat
        FROM (
          SELECT {group_select}{repeat_key}, {"" if "flow" in group_cols else "flow, "}{instant_us_sql("arrived_at", dialect=dialect)} AS arrived_us, {answered} AS answered
          FROM {source} WHERE {repeat_key} IS NOT NULL
        ) AS keyed
      ) AS flagged
      WHERE answered {group_by}
    )"""
    on = " AND ".join(f"t.{c} IS NOT DISTINCT FROM r.{c}" for c in group_cols) or "TRUE"
    joined = f"""
    joined AS (
      SELECT t.*, coalesce(r.n_repeat, 0) AS n_repeat, coalesce(r.n_repeat_known, 0) AS n_repeat_known
      FROM totals t LEFT JOIN repeats r ON {on}
    )"""
    ratios = {k: _ratio(num, den, scale) for k, (num, den, scale) in _RATIOS.items()}
    # Waiting KPIs exist only where contacts queued (outbound calls do not).
    for k in ("service_level", "abandon_rate", "asa_s"):
        ratios[k] = f"CASE WHEN n_queued > 0 THEN {ratios[k]} END"
    if averaged:
        inner = ", ".join([*keys, *_COUNTS, *(f"{e} AS {k}" for k, e in ratios.items())])
        outer = ", ".join(
            [
                *keys,
                *(f"CAST(sum({c}) AS BIGINT) AS {c}" for c in _COUNTS),
                *(f"avg({k}) AS {k}" for k in ratios),
            ]
        )
        select = f"SELECT {outer} FROM (SELECT {inner} FROM joined) AS per_interval"
        select += f" GROUP BY {', '.join(keys)}" if keys else ""
    else:
        cols = ", ".join([*keys, *_COUNTS, *(f"{e} AS {k}" for k, e in ratios.items())])
        select = f"SELECT {cols} FROM joined"
    # NULLS LAST spelled out: DuckDB's default, not Spark's.
    order = f" ORDER BY {', '.join(f'{k} NULLS LAST' for k in keys)}" if keys else ""
    shown = [f"{time_key_text(k, k, dialect=dialect)} AS {k}" if k in TIME_KEYS else k for k in keys]
    # Without opening hours, nobody knows which contacts arrived while closed: null.
    outside = OUTSIDE_HOURS if hours is not None else f"CAST(NULL AS BIGINT) AS {OUTSIDE_HOURS}"
    names = ", ".join([*shown, *KPI_NAMES, outside])
    if use_gap:
        joined = "joined AS (SELECT * FROM totals)"
        parts: tuple[str, ...] = (facts, totals, joined)
    else:
        parts = (facts, totals, repeats, joined)
    ctes = ",\n".join(part.strip() for part in parts)
    return f"WITH {ctes}\nSELECT {names} FROM ({select}{order}) AS kpis"


def hours_sql(hours: OpeningHours, *, minute: str, flow: str, dialect: Dialect = "duckdb") -> str:
    """A boolean SQL expression: whether the contact arrived within its flow's opening hours.

    ``minute`` is a column holding the local minute of the week (Monday 00:00 is 0), ``flow`` the
    flow column. Each flow named in ``hours`` gets its own ranges, the others the default's.

    >>> hours_sql(OpeningHours(default={"mon": "08:00-10:00"}, flows={"x": {"sun": "closed"}}),
    ...           minute="m", flow="f")
    "CASE f WHEN 'x' THEN FALSE ELSE (m >= 480 AND m < 600) END"
    """
    whens = " ".join(
        f"WHEN {string_sql(f, dialect=dialect)} THEN {_ranges_sql(hours.of(f), minute)}"
        for f in sorted(hours.flows)
    )
    default = _ranges_sql(WeeklyHours.parse(hours.default), minute)
    return f"CASE {flow} {whens} ELSE {default} END" if whens else default


def _ranges_sql(hours: WeeklyHours, minute: str) -> str:
    parts = [
        f"({minute} >= {d * MINUTES_PER_DAY + a} AND {minute} < {d * MINUTES_PER_DAY + b})"
        for d, ranges in enumerate(hours.ranges)
        for a, b in ranges
    ]
    return " OR ".join(parts) if parts else "FALSE"


def _ratio(num: str, den: str, scale: float) -> str:
    factor = f"{scale!r} * " if scale != 1.0 else ""
    return f"CASE WHEN {den} > 0 THEN {factor}CAST({num} AS DOUBLE) / {den} END"


def compute_kpis_table(
    con: duckdb.DuckDBPyConnection | Connection,
    source: str,
    *,
    by: Sequence[str],
    rules: KpiRules,
    tz: str,
    repeat_key: str | None = None,
) -> pa.Table:
    """Run `kpi_sql` on ``con`` (DuckDB, or a `arbitre.kpi.spark.SparkConnection`); the
    ``interval`` key stays as epoch seconds.

    Repeats come from the store's ``repeat_gap_s`` when the source has it; otherwise from a window
    partitioned on ``repeat_key`` (by default the store's ``customer_key`` when the source has it,
    else ``customer_id``).
    """
    columns = con.sql(f"SELECT * FROM {source} AS s LIMIT 0").columns
    if repeat_key is None:
        repeat_key = "customer_key" if "customer_key" in columns else "customer_id"
    gap = "repeat_gap_s" if "repeat_gap_s" in columns else None
    quality = all(c in columns for c in QUALITY_COLUMNS)
    dialect = dialect_of(con)
    return con.sql(
        kpi_sql(
            source,
            by=by,
            rules=rules,
            tz=tz,
            repeat_key=repeat_key,
            repeat_gap=gap,
            quality=quality,
            dialect=dialect,
        )
    ).to_arrow_table()


def compute_kpis(
    con: duckdb.DuckDBPyConnection | Connection,
    source: str,
    *,
    by: Sequence[str],
    rules: KpiRules,
    tz: str,
    repeat_key: str | None = None,
) -> list[dict[str, Any]]:
    """KPIs as one dict per group, time keys as text (``interval`` with its offset), NaN as None."""
    table = compute_kpis_table(con, source, by=by, rules=rules, tz=tz, repeat_key=repeat_key)
    out: list[dict[str, Any]] = table.to_pylist()
    for row in out:
        if "interval" in row and row["interval"] is not None:
            row["interval"] = format_interval(int(row["interval"]), tz)
        for k, v in row.items():
            if isinstance(v, float) and not math.isfinite(v):
                row[k] = None
    return out
