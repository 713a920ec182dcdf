"""The staffing plan of a workspace: forecast, the model of each channel, people and hours."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.demo.generate import generate_history
from arbitre.services.imports import import_file
from arbitre.services.plan import flow_histories, staffing_plan
from arbitre.store.workspace import Workspace


@pytest.fixture(scope="module")
def eight_weeks(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    history = generate_history(seed=3, start=date(2025, 3, 3), end=date(2025, 4, 28), scale=0.05)
    folder = tmp_path_factory.mktemp("plan")
    pq.write_table(history.interactions, folder / "history.parquet")
    ws = Workspace.init(folder / "ws", settings=history.settings)
    import_file(ws, folder / "history.parquet")
    return ws


def test_each_channel_is_sized_with_its_own_model(eight_weeks: Workspace) -> None:
    plan = staffing_plan(eight_weeks, horizon_days=7)
    models = {f["flow"]: f["model"] for f in plan["flows"]}
    assert models["sav-voice-fr"] == "erlang_a"
    assert models["sav-chat-fr"] == "erlang_a_chat"
    assert models["sav-email-fr"] == "backlog" and models["claims-backoffice"] == "backlog"
    assert models["winback-outbound"] == "outbound"
    assert (plan["start"], plan["end"]) == ("2025-04-28", "2025-05-04")


def test_hours_add_up_from_the_intervals(eight_weeks: Workspace) -> None:
    plan = staffing_plan(eight_weeks, horizon_days=7, flows=["sav-voice-fr"])
    (flow,) = plan["flows"]
    rows = plan["intervals"]
    assert {r["flow"] for r in rows} == {"sav-voice-fr"}
    assert flow["agent_hours"] == pytest.approx(sum(r["agents"] for r in rows) / 2)
    assert flow["paid_hours"] == pytest.approx(
        sum(r["fte"] for r in rows) / 2, rel=1e-4
    )  # fte rounded per interval
    assert sum(flow["paid_hours_by_band"].values()) == pytest.approx(flow["paid_hours"])
    closed = [r for r in rows if not r["open"]]
    assert flow["paid_hours_outside_opening"] == pytest.approx(sum(r["fte"] for r in closed) / 2, rel=1e-4)
    assert all(r["agents"] == 0 for r in rows if r["volume"] == 0)


def test_patience_is_measured_in_the_history(eight_weeks: Workspace) -> None:
    known = flow_histories(eight_weeks)
    assert known["sav-voice-fr"].patience_s is not None and 30 < known["sav-voice-fr"].patience_s < 600
    assert known["sav-email-fr"].patience_s is None  # nobody abandons an e-mail
    assert 0.2 < (known["winback-outbound"].contact_rate or 0) < 0.5


def test_the_plan_command_writes_intervals_and_prints_json(eight_weeks: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    result = CliRunner().invoke(
        app,
        [
            "plan",
            str(eight_weeks.root),
            "--horizon-days",
            "2",
            "--flow",
            "sav-email-fr",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith('"flow","interval_start","volume"')
    bad = CliRunner().invoke(app, ["plan", str(eight_weeks.root), "--flow", "nope"])
    assert bad.exit_code == 1 and "--flow" in bad.stderr


def test_the_simulator_checks_a_plan_against_its_own_forecast(eight_weeks: Workspace, tmp_path: Path) -> None:
    from arbitre.services.simulate import run_simulation

    out = tmp_path / "plan.csv"
    result = CliRunner().invoke(
        app,
        ["plan", str(eight_weeks.root), "--horizon-days", "1", "--flow", "sav-voice-fr", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    plan = staffing_plan(eight_weeks, horizon_days=1, flows=["sav-voice-fr"])
    (flow,) = plan["flows"]
    scenario = tmp_path / "check.yaml"
    scenario.write_text(
        f"""
name: the plan, simulated
start: "{plan["intervals"][0]["interval_start"]}"
interval_min: 30
flows:
  - id: sav-voice-fr
    channel: voice_in
    languages: {{fr: 1.0}}
    arrivals: {{file: plan.csv, flow: sav-voice-fr, column: volume}}
    handle: {{distribution: exponential, mean_s: {sum(r["aht_s"] for r in plan["intervals"]) / len(plan["intervals"]):.1f}}}
    patience: {{distribution: exponential, mean_s: {flow["patience_s"]:.1f}}}
pools:
  - id: internal
    skills: [sav-voice-fr]
    languages: [fr]
    agents: {{file: plan.csv, flow: sav-voice-fr}}
""",
        encoding="utf-8",
    )
    document = run_simulation(scenario, replications=20, seed=1, by=["pool"])
    (row,) = document["kpis"]
    assert row["offered"]["mean"] == pytest.approx(flow["contacts"], rel=0.1)
    # Planned at 80 % within 20 s interval by interval (Erlang A): the day lands near or above it.
    assert row["service_level"]["mean"] > 0.75


def test_fte_per_week_count_only_the_days_of_a_partial_week(eight_weeks: Workspace) -> None:
    # From Thursday 1 May 2025 for 28 days: ISO weeks of 4, 7, 7, 7 and 3 days (counted by hand).
    plan = staffing_plan(eight_weeks, start=date(2025, 5, 1), horizon_days=28, flows=["sav-voice-fr"])
    (flow,) = plan["flows"]
    days = {"2025-W18": 4, "2025-W19": 7, "2025-W20": 7, "2025-W21": 7, "2025-W22": 3}
    assert list(flow["paid_hours_by_week"]) == list(days)
    for week, hours in flow["paid_hours_by_week"].items():
        assert flow["fte_by_week"][week] == pytest.approx(hours / (35.0 * days[week] / 7))
    # The horizon's FTE: all its paid hours over four weeks of 35 h — not the mean of the weeks
    # as if the partial ones were whole (which put 70 FTE at 56 in the issue).
    assert flow["fte"] == pytest.approx(flow["paid_hours"] / (35.0 * 4))
    unprorated = sum(h / 35.0 for h in flow["paid_hours_by_week"].values()) / len(days)
    assert unprorated < 0.85 * flow["fte"]


@pytest.fixture(scope="module")
def one_flow_left(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Eight weeks of history, but the e-mails stop three weeks early (their work went elsewhere)."""
    history = generate_history(seed=3, start=date(2025, 3, 3), end=date(2025, 4, 28), scale=0.05)
    import pyarrow.compute as pc

    table = history.interactions
    late = pc.greater_equal(
        table.column("arrived_at"),
        pc.strptime("2025-04-07T00:00:00+02:00", format="%Y-%m-%dT%H:%M:%S%z", unit="us"),
    )
    drop = pc.and_(pc.equal(table.column("flow"), "sav-email-fr"), late)
    folder = tmp_path_factory.mktemp("plan-left")
    pq.write_table(table.filter(pc.invert(drop)), folder / "history.parquet")
    ws = Workspace.init(folder / "ws", settings=history.settings)
    import_file(ws, folder / "history.parquet")
    return ws


def test_each_flow_is_planned_from_the_day_after_its_own_history(one_flow_left: Workspace) -> None:
    plan = staffing_plan(one_flow_left, horizon_days=7)
    starts = {f["flow"]: f["start"] for f in plan["flows"]}
    email = next(f for f in plan["flows"] if f["flow"] == "sav-email-fr")
    # The e-mails' last contact is before 7 April: planned from then, with contacts, not 0.
    assert email["history_end"] == "2025-04-06" and starts["sav-email-fr"] == "2025-04-07"
    assert email["contacts"] > 0
    # The others keep the store's last day, even the outbound campaign closed at the weekend.
    assert starts["sav-voice-fr"] == starts["winback-outbound"] == "2025-04-28"
    assert plan["warnings"] == []


def test_a_flow_planned_on_no_data_is_said(one_flow_left: Workspace) -> None:
    plan = staffing_plan(one_flow_left, start=date(2025, 4, 28), horizon_days=7)
    # Planned from a common start, the e-mails are forecast on three weeks without them: warned,
    # with the day their history ends (a gap bridged, or nothing forecast at all).
    (warning,) = plan["warnings"]
    assert warning["flow"] == "sav-email-fr" and warning["code"] in {"gap", "no_contacts"}
    assert "2025-04-06" in warning["message"]
    # A Sunday only: the outbound campaign calls nobody on Sundays, and the plan says so.
    sunday = staffing_plan(one_flow_left, start=date(2025, 4, 27), horizon_days=1, flows=["winback-outbound"])
    (warning,) = sunday["warnings"]
    assert warning["code"] == "no_contacts" and "winback-outbound" in warning["message"]
    result = CliRunner().invoke(
        app, ["plan", str(one_flow_left.root), "--start", "2025-04-28", "--horizon-days", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "warning: sav-email-fr: " in result.stderr and "2025-04-06" in result.stderr
