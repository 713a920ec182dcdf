"""The KPI scope "within opening hours": calls arriving while a flow is closed are unserved demand,
counted apart, not abandons; the waiting KPIs count the contacts arriving while it is open.

Every expected value below is counted by hand from the rows, with the flows' hours of `HOURS`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.domain.kpis import KpiRules, OpeningHours
from arbitre.domain.settings import FlowSettings, WorkspaceSettings
from arbitre.kpi.engine import hours_sql, kpi_sql
from arbitre.services.imports import import_file
from arbitre.services.kpis import kpis
from arbitre.store.workspace import Workspace
from tests.helpers import write_csv

HEADER = "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned,talk_s,hold_s,wrap_s"
# Monday 4 May 2026. The workspace opens 08:00-20:00 on weekdays; "tel" keeps those hours, "late"
# opens 08:00-22:00.
ROWS = [
    # tel, open: answered after 10 s (within 20 s)
    "1,tel,voice_in,internal,2026-05-04T10:00:00+02:00,2026-05-04T10:00:10+02:00,2026-05-04T10:05:00+02:00,false,280,0,10",
    # tel, open: answered after 40 s
    "2,tel,voice_in,internal,2026-05-04T11:00:00+02:00,2026-05-04T11:00:40+02:00,2026-05-04T11:05:00+02:00,false,250,0,10",
    # tel, open: abandoned after 30 s
    "3,tel,voice_in,internal,2026-05-04T12:00:00+02:00,,2026-05-04T12:00:30+02:00,true,,,",
    # tel, closed (21:00): the caller hung up on the closed message after 40 s
    "4,tel,voice_in,internal,2026-05-04T21:00:00+02:00,,2026-05-04T21:00:40+02:00,true,,,",
    # tel, closed (Sunday 3 May): hung up after 60 s
    "5,tel,voice_in,internal,2026-05-03T15:00:00+02:00,,2026-05-03T15:01:00+02:00,true,,,",
    # late, 21:00 is open for it: answered after 5 s
    "6,late,voice_in,internal,2026-05-04T21:00:00+02:00,2026-05-04T21:00:05+02:00,2026-05-04T21:04:00+02:00,false,200,0,20",
    # late, 23:00 is closed: hung up after 50 s
    "7,late,voice_in,internal,2026-05-04T23:00:00+02:00,,2026-05-04T23:00:50+02:00,true,,,",
]
HOURS = OpeningHours(default={"mon-fri": "08:00-20:00"}, flows={"late": {"mon-fri": "08:00-22:00"}})


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "calls.csv", HEADER, ROWS)


def _kpis(path: Path, rules: KpiRules) -> dict[str, dict]:
    return {r["flow"]: r for r in kpis([path], by=["flow"], rules=rules)}


def test_calls_arriving_while_closed_are_counted_apart_not_as_abandons(calls: Path) -> None:
    within = _kpis(calls, KpiRules.within(HOURS))
    tel = within["tel"]
    # Three calls while open: one within 20 s, one abandoned (not short).
    assert tel["offered"] == 5 and tel["outside_hours"] == 2 and tel["abandoned"] == 3
    assert tel["service_level"] == pytest.approx(1 / 3)
    assert tel["abandon_rate"] == pytest.approx(1 / 3)
    assert tel["asa_s"] == pytest.approx((10 + 40) / 2)
    late = within["late"]
    assert (late["offered"], late["outside_hours"]) == (2, 1)
    assert late["service_level"] == pytest.approx(1.0) and late["abandon_rate"] == pytest.approx(0.0)


def test_the_specs_definitions_count_every_contact_and_know_no_hours(calls: Path) -> None:
    every = _kpis(calls, KpiRules())
    tel = every["tel"]
    assert tel["outside_hours"] is None
    assert tel["service_level"] == pytest.approx(1 / 5)
    assert tel["abandon_rate"] == pytest.approx(3 / 5)
    # The hours alone (scope "all") count the closed contacts without changing the KPIs.
    counted = _kpis(calls, KpiRules(opening_hours=HOURS))["tel"]
    assert counted["outside_hours"] == 2 and counted["service_level"] == pytest.approx(1 / 5)


def test_an_averaged_service_level_leaves_out_the_intervals_with_closed_calls_only(calls: Path) -> None:
    rules = KpiRules(scope="opening_hours", opening_hours=HOURS, aggregation="interval_mean")
    tel = _kpis(calls, rules)["tel"]
    # Three open half-hours: 1, 0 and 0 within 20 s; the two closed ones have no denominator.
    assert tel["service_level"] == pytest.approx(1 / 3)
    assert tel["outside_hours"] == 2


def test_the_scope_needs_hours_and_refuses_a_flow_id_that_could_break_the_query() -> None:
    with pytest.raises(ValidationError, match="needs the opening_hours"):
        KpiRules(scope="opening_hours")
    with pytest.raises(ValidationError, match="flow id"):
        OpeningHours(default={"daily": "24h"}, flows={"x' OR 1=1 --": {"daily": "24h"}})
    with pytest.raises(ValidationError):
        OpeningHours(default={"mon": "25:00-26:00"})


def test_a_flow_name_with_a_quote_in_the_data_is_only_ever_compared_as_a_literal(tmp_path: Path) -> None:
    hostile = "x'); DROP TABLE t; --"
    rows = [f'1,"{hostile}",voice_in,internal,2026-05-04T21:00:00+02:00,,2026-05-04T21:00:40+02:00,true,,,']
    path = write_csv(tmp_path / "hostile.csv", HEADER, rows)
    (row,) = _kpis(path, KpiRules.within(HOURS)).values()
    assert row["flow"] == hostile and row["outside_hours"] == 1 and row["abandon_rate"] is None


def test_the_hours_compile_to_ranges_of_the_minute_of_the_week() -> None:
    sql = hours_sql(OpeningHours(default={"sat": "09:00-12:00"}), minute="m", flow="f")
    # Saturday is day 5: 5 × 1440 + 540 = 7740.
    assert sql == "(m >= 7740 AND m < 7920)"


def test_the_scoped_query_still_transpiles_to_spark_sql() -> None:
    import sqlglot
    from sqlglot.errors import ErrorLevel

    query = kpi_sql("interactions", by=["flow", "month"], rules=KpiRules.within(HOURS), tz="Europe/Paris")
    (spark,) = sqlglot.transpile(query, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE)
    assert "queued AND in_hours AND answered" in spark.replace("\n", " ")


@pytest.fixture
def workspace_with_calls(calls: Path, tmp_path: Path) -> Path:
    settings = WorkspaceSettings(
        name="Hours",
        opening_hours={"mon-fri": "08:00-20:00"},
        flows={"late": FlowSettings(opening_hours={"mon-fri": "08:00-22:00"})},
    )
    ws = Workspace.init(tmp_path / "ws", settings=settings)
    try:
        import_file(ws, calls)
    finally:
        ws.close()
    return tmp_path / "ws"


def test_a_workspace_counts_its_waiting_kpis_within_its_opening_hours_by_default(
    workspace_with_calls: Path,
) -> None:
    result = CliRunner().invoke(app, ["kpi", str(workspace_with_calls), "--by", "flow", "--json"])
    assert result.exit_code == 0, result.output
    tel = next(r for r in json.loads(result.stdout) if r["flow"] == "tel")
    assert tel["outside_hours"] == 2 and tel["abandon_rate"] == pytest.approx(1 / 3)
    every = CliRunner().invoke(
        app, ["kpi", str(workspace_with_calls), "--by", "flow", "--all-hours", "--json"]
    )
    tel = next(r for r in json.loads(every.stdout) if r["flow"] == "tel")
    assert tel["outside_hours"] is None and tel["abandon_rate"] == pytest.approx(3 / 5)
    table = CliRunner().invoke(app, ["kpi", str(workspace_with_calls), "--by", "flow"])
    assert "closed" in table.stdout


def test_a_file_alone_has_no_opening_hours_and_keeps_the_specs_definitions(calls: Path) -> None:
    rows = {r["flow"]: r for r in kpis([calls], by=["flow"])}
    assert rows["tel"]["outside_hours"] is None and rows["tel"]["abandon_rate"] == pytest.approx(3 / 5)
