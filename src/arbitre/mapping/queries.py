"""The aggregates the activity profile needs, as relational queries over interaction records."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np

from arbitre.domain.hours import MINUTES_PER_DAY
from arbitre.mapping.document import HandleTimes
from arbitre.mapping.profile import Counts, period_dates

FlowKey = tuple[str, str]  # (flow, channel)


def flow_counts(
    con: duckdb.DuckDBPyConnection, source: str, *, tz: str, interval_min: int
) -> dict[FlowKey, Counts]:
    """Per (flow, channel): contacts per local date × interval and per weekday × minute."""
    local = f"timezone('{tz}', arrived_at)"
    per_slot = con.sql(
        f"""
        SELECT flow, channel, CAST({local} AS DATE) AS day,
               CAST((hour({local}) * 60 + minute({local})) // {int(interval_min)} AS INTEGER) AS slot,
               count(*) AS n
        FROM {source} GROUP BY ALL
        """
    ).to_arrow_table()
    per_minute = con.sql(
        f"""
        SELECT flow, channel, CAST(isodow({local}) - 1 AS INTEGER) AS wd,
               CAST(hour({local}) * 60 + minute({local}) AS INTEGER) AS minute, count(*) AS n
        FROM {source} GROUP BY ALL
        """
    ).to_arrow_table()
    if per_slot.num_rows == 0:
        return {}
    days = per_slot.column("day").to_pylist()
    first, last = min(days), max(days)
    dates = period_dates(first, last)
    slots = MINUTES_PER_DAY // interval_min
    out: dict[FlowKey, Counts] = {}
    flows = per_slot.column("flow").to_pylist()
    channels = per_slot.column("channel").to_pylist()
    day_idx = np.array([(d - first).days for d in days], dtype=np.int64)
    slot = per_slot.column("slot").to_numpy()
    n = per_slot.column("n").to_numpy()
    keys = sorted(set(zip(flows, channels, strict=True)))
    key_idx = {k: i for i, k in enumerate(keys)}
    which = np.array([key_idx[k] for k in zip(flows, channels, strict=True)], dtype=np.int64)
    grid = np.zeros((len(keys), len(dates), slots), dtype=np.int64)
    np.add.at(grid, (which, day_idx, slot), n)
    week = np.zeros((len(keys), 7, MINUTES_PER_DAY), dtype=np.int64)
    m_which = np.array(
        [
            key_idx[k]
            for k in zip(
                per_minute.column("flow").to_pylist(), per_minute.column("channel").to_pylist(), strict=True
            )
        ],
        dtype=np.int64,
    )
    np.add.at(
        week,
        (m_which, per_minute.column("wd").to_numpy(), per_minute.column("minute").to_numpy()),
        per_minute.column("n").to_numpy(),
    )
    for k, i in key_idx.items():
        # Each flow over its own period: a campaign of three months is not averaged over a year.
        active = np.flatnonzero(grid[i].sum(axis=1))
        a, b = int(active[0]), int(active[-1]) + 1
        out[k] = Counts(
            dates=dates[a:b],
            by_day_interval=grid[i, a:b],
            by_weekday_minute=week[i],
            interval_min=interval_min,
        )
    return out


def handle_times(con: duckdb.DuckDBPyConnection, source: str) -> dict[FlowKey, HandleTimes]:
    """Mean and percentiles of handle time (talk + hold + wrap) of answered contacts."""
    rows = con.sql(
        f"""
        SELECT flow, channel, count(h) AS n, avg(h) AS mean,
               quantile_cont(h, [0.5, 0.8, 0.9, 0.95]) AS q
        FROM (SELECT flow, channel, talk_s + hold_s + wrap_s AS h FROM {source}
              WHERE NOT abandoned AND answered_at IS NOT NULL) AS answered
        GROUP BY ALL
        """
    ).fetchall()
    out = {}
    for flow, channel, count, mean, q in rows:
        p50, p80, p90, p95 = q or [None] * 4
        out[(flow, channel)] = HandleTimes(
            contacts=int(count), mean_s=mean, p50_s=p50, p80_s=p80, p90_s=p90, p95_s=p95
        )
    return out


def languages(con: duckdb.DuckDBPyConnection, source: str) -> dict[FlowKey, list[tuple[str | None, int]]]:
    """Contacts per language, most frequent first."""
    rows = con.sql(
        f"SELECT flow, channel, language, count(*) AS n FROM {source} GROUP BY ALL ORDER BY flow, channel, n DESC, language"
    ).fetchall()
    out: dict[FlowKey, list[tuple[str | None, int]]] = {}
    for flow, channel, language, n in rows:
        out.setdefault((flow, channel), []).append((language, int(n)))
    return out


def period(con: duckdb.DuckDBPyConnection, source: str, *, tz: str) -> tuple[date, date] | None:
    row = con.sql(
        f"SELECT min(CAST(timezone('{tz}', arrived_at) AS DATE)), max(CAST(timezone('{tz}', arrived_at) AS DATE)) FROM {source}"
    ).fetchall()[0]
    return None if row[0] is None else (row[0], row[1])
