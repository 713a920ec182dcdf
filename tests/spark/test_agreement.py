"""The KPI engine and the SLA evaluation on Spark give DuckDB's results on the same store.

The store holds the hand-built edge cases of the KPI tests (a wait across the spring-forward
change, both 02:30 of the repeated October hour, a short abandon, outbound calls, repeats at the
same instant) and a year of the benchmark's generated contacts (the missing hour of 30 March and
the repeated one of 26 October hold arrivals; short abandons; 12 % of contacts repeat one of the
same customer a day and a half later). Every KPI of every group is compared: counts exactly,
ratios and means to 1e-12 relative (sums of floats in another order).
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml

from arbitre.contract.sla import EXCLUDED_DAYS, SlaResult, evaluate
from arbitre.domain.contract import Contract
from arbitre.domain.kpis import KPI_NAMES, KpiRules, OpeningHours
from arbitre.domain.month import Month
from arbitre.kpi.engine import compute_kpis
from arbitre.kpi.spark import SparkConnection
from arbitre.services.imports import import_file
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from benchmarks import data
from tests.helpers import write_csv
from tests.kpi.test_engine import HEADER, ROWS

TZ = "Europe/Paris"
COUNTS = {"offered", "answered", "abandoned", "short_abandoned"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("spark-store")
    ws = Workspace.init(root / "ws", name="spark")
    try:
        import_file(ws, write_csv(root / "edge.csv", HEADER, ROWS))
        generated = root / "year.csv"
        data.write_csv(generated, rows=20_000, seed=11)
        summary = import_file(ws, generated)
        assert summary.rejected == 0
        return InteractionStore(ws).files()
    finally:
        ws.close()


def _duckdb_source(files: list[Path]) -> str:
    return "read_parquet([" + ", ".join(f"'{f}'" for f in files) + "])"


def assert_same(spark_rows: list[dict[str, Any]], duck_rows: list[dict[str, Any]]) -> None:
    assert len(spark_rows) == len(duck_rows)
    for s, d in zip(spark_rows, duck_rows, strict=True):
        assert s.keys() == d.keys()
        for name, value in d.items():
            other = s[name]
            if name in COUNTS or not isinstance(value, float) or not isinstance(other, float):
                assert other == value, (name, d)
            else:
                assert math.isclose(other, value, rel_tol=1e-12, abs_tol=1e-12), (name, other, value, d)


RULES = {
    "defaults": KpiRules(),
    "interval_mean": KpiRules(aggregation="interval_mean", interval_min=15),
    "short_abandons_counted": KpiRules(short_abandons="count", short_abandon_s=10),
    "one_threshold": KpiRules().override(threshold_s=30),
    # Longer than the store's repeat gaps: repeats from the window over the customers' contacts.
    "repeat_window_40_days": KpiRules(repeat_window_s=40 * 86400, interval_min=60),
    # The waiting KPIs within opening hours (the local minute of the week on both engines).
    "within_opening_hours": KpiRules.within(
        OpeningHours(
            default={"mon-fri": "08:30-19:00", "sat": "09:00-17:00"},
            flows={"sav": {"daily": "22:00-07:00"}},
        )
    ),
}
GROUPINGS = [
    [],
    ["flow", "day"],
    ["flow", "channel", "site", "language", "month"],
    ["week"],
    ["site", "interval"],
    ["flow", "interval"],
]


@pytest.mark.parametrize("rules", list(RULES), ids=list(RULES))
def test_every_kpi_of_every_group_agrees_with_duckdb(
    spark: SparkConnection, store: list[Path], rules: str
) -> None:
    source = spark.parquet_view(store)
    duck = connect(TZ)
    try:
        # Every grouping under the default rules; the groupings the other rules change, under them.
        for by in GROUPINGS if rules == "defaults" else GROUPINGS[:2] + GROUPINGS[4:5]:
            expected = compute_kpis(duck, _duckdb_source(store), by=by, rules=RULES[rules], tz=TZ)
            got = compute_kpis(spark, source, by=by, rules=RULES[rules], tz=TZ)
            assert_same(got, expected)
            assert set(expected[0]) >= set(KPI_NAMES)
    finally:
        duck.close()


def test_the_data_holds_the_cases_the_comparison_is_about(spark: SparkConnection, store: list[Path]) -> None:
    source = spark.parquet_view(store)
    rows = compute_kpis(spark, source, by=["day"], rules=KpiRules(), tz=TZ)
    days = {r["day"]: r for r in rows}
    # Both daylight-saving days of 2025 and of 2026 hold contacts; short abandons and repeats exist.
    assert {"2025-03-30", "2025-10-26", "2026-03-29", "2026-10-25"} <= set(days)
    assert sum(r["short_abandoned"] for r in rows) > 50
    total = compute_kpis(spark, source, by=[], rules=KpiRules(), tz=TZ)[0]
    assert 0.05 < total["repeat_rate_7d"] < 0.5
    # The repeated October hour of 2026 gives two intervals with their own offsets.
    intervals = {
        r["interval"]
        for r in compute_kpis(spark, source, by=["interval"], rules=KpiRules(), tz=TZ)
        if r["interval"].startswith("2026-10-25T02:30")
    }
    assert intervals == {"2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00"}


CONTRACT = {
    "id": "spark-check",
    "client": {"name": "Client"},
    "provider": {"name": "Provider A", "sites": ["provider-a:lisbon"]},
    "flows": ["sav-voice-fr", "sav-chat-fr", "sav-email-fr", "social-fr"],
    "start": "2025-01-01",
    "end": "2027-12-31",
    "pricing": {"model": "per_contact", "rate": 2},
    "slas": [
        {
            "name": "sl",
            "kpi": "service_level",
            "flows": ["sav-voice-fr"],
            "threshold_s": 20,
            "target": 0.8,
            "weight": 0.2,
        },
        {
            "name": "aband-day",
            "kpi": "abandon_rate",
            "flows": ["sav-voice-fr"],
            "target": 0.05,
            "window": "day",
            "min_share_of_windows": 0.9,
            "short_abandons": "count",
            "weight": 0.2,
        },
        {
            "name": "chat-interval",
            "kpi": "service_level",
            "channels": ["chat"],
            "window": "interval",
            "aggregation": "interval_mean",
            "min_share_of_windows": 0.8,
            "target": 0.7,
            "weight": 0.2,
        },
        {
            "name": "evenings",
            "kpi": "asa_s",
            "hours": {"mon-fri": "18:00-22:00", "sat": "09:00-12:00"},
            "target": 60,
            "weight": 0.2,
        },
        {"name": "repeats", "kpi": "repeat_rate_7d", "target": 0.2, "weight": 0.1},
        {"name": "aht", "kpi": "aht_s", "target": 600, "bonus_target": 400, "bonus_weight": 1, "weight": 0.1},
    ],
    "exclusions": {
        "periods": [
            {"start": "2025-03-30T01:00:00+01:00", "end": "2025-03-30T04:00:00+02:00", "reason": "outage"}
        ]
    },
    "data_protection": {"country": "FR"},
}


def test_every_sla_of_a_month_agrees_with_duckdb(spark: SparkConnection, store: list[Path]) -> None:
    contract = Contract.model_validate(yaml.safe_load(yaml.safe_dump(CONTRACT)))
    excluded = pa.table(
        {"flow": ["sav-voice-fr", "sav-chat-fr"], "day": [date(2025, 3, 3), date(2025, 10, 6)]}
    )
    duck = connect(TZ)
    try:
        duck.register("_excluded", excluded)
        duck.execute(
            f"CREATE TEMP TABLE {EXCLUDED_DAYS} AS SELECT flow, CAST(day AS DATE) AS day FROM _excluded"
        )
        spark.register(EXCLUDED_DAYS, excluded)
        source = spark.parquet_view(store)
        for month in (Month("2025-03"), Month("2025-10")):
            for sla in contract.slas:
                kwargs: dict[str, Any] = {
                    "month": month,
                    "tz": TZ,
                    "interval_min": 30,
                    "with_excluded_days": True,
                }
                expected = evaluate(duck, _duckdb_source(store), contract, sla, **kwargs)
                got = evaluate(spark, source, contract, sla, **kwargs)
                _same_result(got, expected)
                assert expected.contacts > 0, sla.name
    finally:
        duck.close()


def _same_result(got: SlaResult, expected: SlaResult) -> None:
    assert (got.contacts, got.excluded_contacts, got.met, got.beat_bonus, got.windows) == (
        expected.contacts,
        expected.excluded_contacts,
        expected.met,
        expected.beat_bonus,
        expected.windows,
    ), expected.sla.name
    for a, b in ((got.actual, expected.actual), (got.month_value, expected.month_value)):
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_the_kpi_command_on_spark_prints_what_it_prints_on_duckdb(
    spark: SparkConnection, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from arbitre.cli.app import app

    ws = Workspace.init(tmp_path / "ws", name="cli")
    import_file(ws, write_csv(tmp_path / "edge.csv", HEADER, ROWS))
    ws.close()
    runner = CliRunner()
    args = ["kpi", str(tmp_path / "ws"), "--by", "flow,interval", "--json"]
    duck = runner.invoke(app, args)
    on_spark = runner.invoke(app, [*args, "--engine", "spark"])
    assert duck.exit_code == 0 and on_spark.exit_code == 0, on_spark.output
    assert_same(json.loads(on_spark.stdout), json.loads(duck.stdout))
    assert spark.sql("SELECT 1").fetchall() == [(1,)]  # the run's session is still up


def test_spark_reads_workspaces_only_and_says_so(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from arbitre.cli.app import app

    path = write_csv(tmp_path / "edge.csv", HEADER, ROWS)
    result = CliRunner().invoke(app, ["kpi", str(path), "--engine", "spark"])
    assert result.exit_code == 1
    assert "--engine spark reads workspaces only" in result.output
