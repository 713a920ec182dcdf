"""KPIs of simulated records, through the KPI engine, and their spread over replications.

Each replication's records go through `arbitre.kpi.engine` unchanged (an in-memory DuckDB view
over the Arrow table, with the columns a simulation does not know set to null), so a simulated
service level is computed exactly as a measured one. Across replications each KPI gets its mean
and a 95 % confidence interval from Student's t: ``mean ± t(0.975, n−1) · s / √n`` over the ``n``
replications where the KPI is defined (a count is 0 in a replication without contacts in the
group; a ratio is then undefined and left out).

Occupancy is not a KPI of the interaction record (it needs the agents' time), so it is computed
here from the simulation itself: the agent-seconds spent serving (contacts finished after a shift
ends included) divided by the agent-seconds on duty, for groups by pool and/or interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
from numba import njit
from scipy import stats

from arbitre._types import FloatArray, IntArray
from arbitre.domain.kpis import SHARE_KPIS, KpiRules
from arbitre.kpi.buckets import format_interval
from arbitre.kpi.engine import compute_kpis_table

KPIS: tuple[str, ...] = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "service_level",
    "abandon_rate",
    "asa_s",
    "aht_s",
)
"""KPIs of the interaction record that a simulation produces (the others need surveys, QA or
customers' histories)."""

COUNTS = frozenset(KPIS[:4])

# Columns of the interaction record that simulated records lack, as typed nulls for the engine.
_MISSING = (
    "CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS VARCHAR) AS reason, "
    "CAST(NULL AS BOOLEAN) AS resolved, CAST(NULL AS TINYINT) AS csat, CAST(NULL AS TINYINT) AS nps, "
    "CAST(NULL AS DOUBLE) AS qa_score, CAST(NULL AS VARCHAR) AS transcript"
)


def records_source(table_name: str, *, replication: int | None = None) -> str:
    """A FROM-able SQL expression giving ``table_name``'s records every interaction-record column."""
    where = f" WHERE replication = {int(replication)}" if replication is not None else ""
    return f"(SELECT *, {_MISSING} FROM {table_name}{where})"


def replication_kpis(
    records: pa.Table, *, by: Sequence[str], rules: KpiRules, tz: str, replications: int
) -> list[list[dict[str, Any]]]:
    """The KPI engine's rows (``interval`` as epoch seconds) for each replication, in order."""
    con = duckdb.connect()
    try:
        con.execute(f"SET TimeZone = '{tz}'")
        con.register("simulated", records)
        out: list[list[dict[str, Any]]] = []
        for r in range(replications):
            table = compute_kpis_table(
                con, records_source("simulated", replication=r), by=by, rules=rules, tz=tz
            )
            rows: list[dict[str, Any]] = table.select([*by, *KPIS]).to_pylist()
            out.append(rows)
        return out
    finally:
        con.close()


def summarise(
    per_replication: Sequence[Sequence[dict[str, Any]]],
    *,
    by: Sequence[str],
    tz: str,
    extra: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Mean and 95 % confidence interval of every KPI per group, over the replications.

    Each KPI becomes ``{"mean", "ci_low", "ci_high", "n"}`` (``n``: replications where it is
    defined; the interval is null when ``n < 2``). ``extra`` names further per-row values to
    summarise the same way (occupancy). Groups are sorted by their keys; ``interval`` keys are
    epoch seconds in, ISO 8601 with the offset of ``tz`` out.

    >>> rows = summarise([[{"site": "a", "offered": 10, "service_level": 0.8}],
    ...                   [{"site": "a", "offered": 14, "service_level": 0.9}]], by=["site"], tz="UTC")
    >>> rows[0]["offered"]["mean"], rows[0]["service_level"]["ci_high"]  # a share stays within [0, 1]
    (12.0, 1.0)
    """
    names = [k for k in (*KPIS, *extra) if any(k in row for rows in per_replication for row in rows)]
    groups: dict[tuple[Any, ...], list[dict[str, Any] | None]] = {}
    n_rep = len(per_replication)
    for r, rows in enumerate(per_replication):
        for row in rows:
            key = tuple(row[k] for k in by)
            groups.setdefault(key, [None] * n_rep)[r] = row
    out = []
    for key in sorted(groups, key=lambda k: tuple((v is None, v) for v in k)):
        reps = groups[key]
        entry: dict[str, Any] = dict(zip(by, key, strict=True))
        if "interval" in entry and entry["interval"] is not None:
            entry["interval"] = format_interval(int(entry["interval"]), tz)
        for name in names:
            values = [(0.0 if name in COUNTS else None) if row is None else row.get(name) for row in reps]
            finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
            entry[name] = mean_ci(finite, bounds=(0.0, 1.0) if name in SHARES else None)
        out.append(entry)
    return out


# KPIs that are shares: their confidence intervals are clipped to [0, 1].
SHARES = SHARE_KPIS


def mean_ci(
    values: Sequence[float], *, level: float = 0.95, bounds: tuple[float, float] | None = None
) -> dict[str, Any]:
    """Mean and Student-t confidence interval of ``values`` (independent replications), clipped
    to ``bounds`` when given.

    >>> {k: round(v, 4) for k, v in mean_ci([1.0, 2.0, 3.0]).items()}  # t(0.975, 2) = 4.3027
    {'mean': 2.0, 'ci_low': -0.4841, 'ci_high': 4.4841, 'n': 3}
    """
    n = len(values)
    if n == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    x = np.asarray(values, dtype=np.float64)
    mean = float(x.mean())
    if n < 2:
        return {"mean": mean, "ci_low": None, "ci_high": None, "n": 1}
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1)) * float(x.std(ddof=1)) / math.sqrt(n)
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return {"mean": mean, "ci_low": low, "ci_high": high, "n": n}


# --- Occupancy ------------------------------------------------------------------------------


def on_duty_seconds(
    agent_pool: IntArray,
    duty_agent: IntArray,
    duty_start_s: FloatArray,
    duty_end_s: FloatArray,
    *,
    n_pools: int,
    interval_s: float,
    n_intervals: int,
) -> FloatArray:
    """Agent-seconds on duty per (pool, interval)."""
    out = np.zeros((n_pools, n_intervals))
    _spread(agent_pool[duty_agent], duty_start_s, duty_end_s, interval_s, out)
    return out


def busy_seconds(
    pool: IntArray,
    start_s: FloatArray,
    end_s: FloatArray,
    *,
    n_pools: int,
    interval_s: float,
    n_intervals: int,
) -> FloatArray:
    """Agent-seconds serving per (pool, interval), for the served contacts (start not NaN)."""
    out = np.zeros((n_pools, n_intervals))
    _spread(pool, start_s, end_s, interval_s, out)
    return out


@njit(cache=True)
def _spread(row: IntArray, a: FloatArray, b: FloatArray, dt: float, out: FloatArray) -> None:
    """Add the length of each span [a, b) to the intervals it covers (clipped to the grid); spans
    starting at NaN (contacts not served) are skipped."""
    n_int = out.shape[1]
    horizon = n_int * dt
    for i in range(row.shape[0]):
        if math.isnan(a[i]):
            continue
        lo = max(a[i], 0.0)
        hi = min(b[i], horizon)
        if hi <= lo:
            continue
        j = min(int(lo // dt), n_int - 1)
        while j < n_int and j * dt < hi:
            s = max(lo, j * dt)
            e = min(hi, (j + 1) * dt)
            if e > s:
                out[row[i], j] += e - s
            j += 1


def occupancy_rows(
    rows: list[dict[str, Any]],
    *,
    by: Sequence[str],
    busy: FloatArray,
    on_duty: FloatArray,
    pool_ids: Sequence[str],
    start_epoch_s: float,
    interval_s: float,
) -> None:
    """Add ``occupancy`` to KPI rows grouped by pool and/or interval (in place); no-op otherwise.

    Also adds a row for every (pool, interval) group with agents on duty but no contacts, so that
    an idle pool shows its occupancy of 0.
    """
    if any(k not in ("site", "interval") for k in by):
        return
    pools = {p: i for i, p in enumerate(pool_ids)}

    def select(key: dict[str, Any]) -> tuple[Any, Any]:
        p = slice(None) if "site" not in by else pools.get(key["site"], None)
        j = (
            slice(None)
            if "interval" not in by
            else round((int(key["interval"]) - start_epoch_s) / interval_s)
        )
        return p, j

    seen = set()
    for row in rows:
        p, j = select(row)
        seen.add(tuple(row[k] for k in by))
        if p is None or (isinstance(j, int) and not 0 <= j < busy.shape[1]):
            continue
        duty = float(np.sum(on_duty[p, j]))
        row["occupancy"] = float(np.sum(busy[p, j])) / duty if duty > 0 else None
    # Groups with agents but no contacts.
    p_range = range(len(pool_ids)) if "site" in by else [None]
    j_range = range(busy.shape[1]) if "interval" in by else [None]
    for p_i in p_range:
        for j_i in j_range:
            key: dict[str, Any] = {}
            if p_i is not None:
                key["site"] = pool_ids[p_i]
            if j_i is not None:
                key["interval"] = round(start_epoch_s + j_i * interval_s)
            if tuple(key[k] for k in by) in seen:
                continue
            p, j = select(key)
            duty = float(np.sum(on_duty[p, j]))
            if duty > 0:
                rows.append(
                    {
                        **key,
                        **dict.fromkeys(KPIS),
                        **dict.fromkeys(COUNTS, 0),
                        "occupancy": float(np.sum(busy[p, j])) / duty,
                    }
                )
