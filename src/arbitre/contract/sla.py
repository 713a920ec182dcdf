"""SLAs computed with the KPI engine on the contract's own definitions, after exclusions.

Each SLA reads the provider's interactions of the month (its sites, the SLA's flows, channels and
hours), leaves out the excluded contacts (agreed periods; days whose volume is above the
forecast band, per flow), and computes its KPI with the SLA's definition — threshold,
short-abandon rule, pooled or averaged over intervals — over the month, or per day or interval
window. The queries are the KPI engine's (`arbitre.kpi.engine`), on a filtered source, and run
on DuckDB or on Spark (a `arbitre.kpi.spark.SparkConnection` as ``con``): the few functions that
differ come from `arbitre.kpi.buckets` with the connection's dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np

from arbitre.domain.contract import Contract, Sla
from arbitre.domain.hours import WeeklyHours
from arbitre.domain.kpis import KPIS, SLA_KPIS, KpiRules
from arbitre.domain.month import Month
from arbitre.kpi import buckets
from arbitre.kpi.buckets import Dialect, string_sql, timestamp_sql
from arbitre.kpi.connection import Connection, dialect_of
from arbitre.kpi.engine import compute_kpis

EXCLUDED_DAYS = "contract_excluded_days"  # temp table (flow VARCHAR, day DATE) of the run

#: What each SLA KPI is computed over (its denominator), as the report names it: contacts offered
#: (less short abandons when they are excluded), answered contacts (with the fact the KPI needs
#: known), survey answers, human evaluations, automatic checks (the KPI registry's ``basis``).
KPI_BASIS: dict[str, str] = {name: str(KPIS[name].basis) for name in SLA_KPIS}


@dataclass(frozen=True)
class Windows:
    total: int  # windows with contacts
    met: int
    bonus: int  # windows beating the bonus target
    excluded: int  # windows left out entirely (every contact excluded)


@dataclass(frozen=True)
class SlaResult:
    """One SLA over one month."""

    sla: Sla
    actual: float | None  # the month's KPI, or for day/interval windows the share of windows met
    month_value: float | None  # the KPI over the month (pooled or averaged, as defined)
    windows: Windows | None
    contacts: int  # contacts counted, after exclusions
    excluded_contacts: int
    met: bool | None  # None: nothing to measure
    beat_bonus: bool
    counted: int = 0  # what the KPI is computed over (`KPI_BASIS`): its denominator over the month


def kpi_rules(sla: Sla, *, interval_min: int) -> KpiRules:
    """The KPI engine's rules under the SLA's definition overrides."""
    base = KpiRules(interval_min=interval_min)  # type: ignore[arg-type]  # the workspace's 15/30/60
    update: dict[str, object] = {"aggregation": sla.aggregation}
    if sla.threshold_s is not None:
        update["thresholds_s"] = dict.fromkeys(base.thresholds_s, float(sla.threshold_s))
    if sla.short_abandon_s is not None:
        update["short_abandon_s"] = float(sla.short_abandon_s)
    if sla.short_abandons is not None:
        update["short_abandons"] = sla.short_abandons
    return base.model_copy(update=update)


def minute_of_week_sql(column: str, tz: str, *, dialect: Dialect = "duckdb") -> str:
    """Local minute of the week (Monday 00:00 is 0) of a TIMESTAMPTZ column."""
    return buckets.minute_of_week_sql(column, tz, dialect=dialect)


def hours_sql(hours: str | dict[str, str], *, column: str, tz: str, dialect: Dialect = "duckdb") -> str:
    """A predicate: ``column`` falls, on the local clock, in the weekly ``hours``."""
    mask = WeeklyHours.parse(hours).minute_mask()
    edges = np.flatnonzero(np.diff(np.concatenate([[False], mask, [False]]).astype(np.int8)))
    ranges = list(zip(edges[::2].tolist(), (edges[1::2] - 1).tolist(), strict=True))
    if not ranges:
        return "FALSE"
    mow = minute_of_week_sql(column, tz, dialect=dialect)
    return "(" + " OR ".join(f"{mow} BETWEEN {a} AND {b}" for a, b in ranges) + ")"


def _quote(values: Sequence[str], dialect: Dialect) -> str:
    return ", ".join(string_sql(v, dialect=dialect) for v in values)


def scope_sql(
    source: str,
    contract: Contract,
    *,
    month: Month,
    tz: str,
    flows: Sequence[str] | None = None,
    dialect: Dialect = "duckdb",
) -> str:
    """The provider's contacts of the month on the contract's flows (or ``flows``)."""
    start, end = month.bounds(tz)
    return (
        f"(SELECT * FROM {source} AS s WHERE site IN ({_quote(contract.provider.sites, dialect)})"
        f" AND flow IN ({_quote(list(flows or contract.flows), dialect)})"
        f" AND arrived_at >= {timestamp_sql(start, dialect=dialect)} AND arrived_at < {timestamp_sql(end, dialect=dialect)})"
    )


def sla_scope_sql(
    source: str, contract: Contract, sla: Sla, *, month: Month, tz: str, dialect: Dialect = "duckdb"
) -> str:
    """The contacts an SLA is measured on, before exclusions."""
    where = []
    if sla.channels:
        where.append(f"channel IN ({_quote([c.value for c in sla.channels], dialect)})")
    if sla.hours is not None:
        where.append(hours_sql(sla.hours, column="arrived_at", tz=tz, dialect=dialect))
    inner = scope_sql(source, contract, month=month, tz=tz, flows=sla.flows, dialect=dialect)
    return f"(SELECT * FROM {inner} AS x WHERE {' AND '.join(where)})" if where else inner


def excluded_sql(contract: Contract, *, tz: str, with_days: bool, dialect: Dialect = "duckdb") -> str:
    """A predicate true for an excluded contact: in an agreed period, or on an excluded day."""
    parts = [
        f"(arrived_at >= {timestamp_sql(p.start, dialect=dialect)} AND arrived_at < {timestamp_sql(p.end, dialect=dialect)})"
        for p in contract.exclusions.periods
    ]
    if with_days:
        day = buckets.time_key_sql("day", column="arrived_at", tz=tz, interval_min=30, dialect=dialect)
        parts.append(f"EXISTS (SELECT 1 FROM {EXCLUDED_DAYS} e WHERE e.flow = y.flow AND e.day = {day})")
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


def evaluate(
    con: duckdb.DuckDBPyConnection | Connection,
    source: str,
    contract: Contract,
    sla: Sla,
    *,
    month: Month,
    tz: str,
    interval_min: int,
    with_excluded_days: bool,
) -> SlaResult:
    """The SLA over the month: its KPI after exclusions, windows, met or not, bonus or not.

    ``con`` is DuckDB or Spark; with ``with_excluded_days`` it holds the `EXCLUDED_DAYS` table.
    """
    dialect = dialect_of(con)
    scoped = sla_scope_sql(source, contract, sla, month=month, tz=tz, dialect=dialect)
    excluded = excluded_sql(contract, tz=tz, with_days=with_excluded_days, dialect=dialect)
    kept = f"(SELECT * FROM {scoped} AS y WHERE NOT {excluded})"
    dropped = f"(SELECT * FROM {scoped} AS y WHERE {excluded})"
    rules = kpi_rules(sla, interval_min=interval_min)
    row = compute_kpis(con, kept, by=[], rules=rules, tz=tz)
    month_value = _value(row[0].get(sla.kpi)) if row else None
    contacts = int(row[0]["offered"] or 0) if row else 0
    excluded_n = int(con.sql(f"SELECT count(*) FROM {dropped} AS z").fetchall()[0][0])
    counted = _counted(
        con, kept, sla, rules=rules, offered=contacts, short=int(row[0]["short_abandoned"] or 0) if row else 0
    )
    if contacts == 0:
        month_value = None
    windows = None
    if sla.window == "month":
        actual = month_value
        met = None if actual is None else sla.meets(actual)
        beat = sla.bonus_target is not None and actual is not None and sla.meets(actual, sla.bonus_target)
    else:
        rows = compute_kpis(con, kept, by=[sla.window], rules=rules, tz=tz)
        values = [v for r in rows if (v := _value(r.get(sla.kpi))) is not None]
        every = compute_kpis(con, scoped, by=[sla.window], rules=rules, tz=tz)
        windows = Windows(
            total=len(values),
            met=sum(sla.meets(v) for v in values),
            bonus=sum(sla.meets(v, sla.bonus_target) for v in values) if sla.bonus_target is not None else 0,
            excluded=max(0, len(every) - len(rows)),
        )
        actual = windows.met / windows.total if windows.total else None
        met = None if actual is None else actual >= sla.min_share_of_windows - 1e-12
        beat = (
            sla.bonus_target is not None
            and windows.total > 0
            and windows.bonus / windows.total >= sla.min_share_of_windows - 1e-12
        )
    return SlaResult(
        sla=sla,
        actual=actual,
        month_value=month_value,
        windows=windows,
        contacts=contacts,
        excluded_contacts=excluded_n,
        met=met,
        beat_bonus=bool(beat) and met is True,
        counted=counted,
    )


def _counted(
    con: duckdb.DuckDBPyConnection | Connection,
    kept: str,
    sla: Sla,
    *,
    rules: KpiRules,
    offered: int,
    short: int,
) -> int:
    """The SLA's KPI denominator over the month, as the KPI engine defines it: the survey answers
    of a satisfaction KPI, not the contacts of its scope."""
    answered = "NOT abandoned AND answered_at IS NOT NULL"
    columns = {
        "survey_answers": "count(nps)" if sla.kpi == "nps" else "count(csat)",
        "evaluations": "count(qa_human_score)" if sla.kpi.startswith("qa_human") else "count(qa_score)",
        "checks": "count(qa_auto_score)",
    }
    basis = KPI_BASIS[sla.kpi]
    if basis == "contacts":
        outbound = int(
            con.sql(f"SELECT count(*) FROM {kept} AS k WHERE channel = 'voice_out'").fetchall()[0][0]
        )
        return offered - outbound - (short if rules.short_abandons == "exclude" else 0)
    if basis == "answered":
        needed = {
            "asa_s": "channel <> 'voice_out'",
            "aht_s": "talk_s IS NOT NULL AND hold_s IS NOT NULL AND wrap_s IS NOT NULL",
            "fcr": "resolved IS NOT NULL",
        }.get(sla.kpi, "TRUE")
        expr = f"count(*) FILTER (WHERE {answered} AND {needed})"
    else:
        expr = columns[basis]
    return int(con.sql(f"SELECT {expr} FROM {kept} AS k").fetchall()[0][0])


def _value(x: object) -> float | None:
    if x is None:
        return None
    f = float(x)  # type: ignore[arg-type]
    return None if np.isnan(f) else f


__all__ = [
    "EXCLUDED_DAYS",
    "KPI_BASIS",
    "SlaResult",
    "Windows",
    "evaluate",
    "excluded_sql",
    "hours_sql",
    "kpi_rules",
    "minute_of_week_sql",
    "scope_sql",
    "sla_scope_sql",
]
