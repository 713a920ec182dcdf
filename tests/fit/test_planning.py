"""The plan, the costing and the decision size each queued flow with the patience and the model
that fit its history, and record where they come from."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from arbitre.cli.app import build
from arbitre.demo.generate import generate_history
from arbitre.fit.planning import planning_patience
from arbitre.fit.results import FlowFit, ModelFit
from arbitre.services import fit as fit_service
from arbitre.services.decide import decide
from arbitre.services.demo import DEMO_INPUTS
from arbitre.services.fit import RECORD_FILE, planning_inputs, recorded_fit
from arbitre.services.imports import import_file
from arbitre.services.plan import flow_histories, staffing_plan
from arbitre.store.workspace import Workspace


def model(name: str, sl: float, ab: float) -> ModelFit:
    return ModelFit(
        model=name,  # type: ignore[arg-type]
        mae_service_level=sl,
        rmse_service_level=sl,
        bias_service_level=0.0,
        mae_abandon_rate=ab,
        rmse_abandon_rate=ab,
        bias_abandon_rate=0.0,
        mae_asa_s=None,
        bias_asa_s=None,
        intervals=10,
        asa_intervals=0,
    )


def flow_fit(models: list[ModelFit], patience_s: float | None = 120.0) -> FlowFit:
    return FlowFit(
        flow="sav",
        channel="voice_in",
        queued=5000,
        abandoned=400 if patience_s else 0,
        short_abandoned=10,
        patience_mle_s=patience_s,
        patience_ci_s=(110.0, 131.0) if patience_s else None,
        patience_from_s=5.0,
        patience_by_band=[],
        kaplan_meier=None,
        aht_s=300.0,
        threshold_s=20.0,
        concurrency=1,
        pool=["sav"],
        model_patience_s=patience_s,
        agents=None,
        models=models,
        best_model=None,
    )


def test_the_model_that_fits_better_of_erlang_c_and_a_is_the_one_planned_with() -> None:
    a_wins = planning_patience(flow_fit([model("erlang_c", 0.2, 0.08), model("erlang_a", 0.1, 0.03)]))
    c_wins = planning_patience(flow_fit([model("erlang_c", 0.05, 0.01), model("erlang_a", 0.1, 0.03)]))
    assert (a_wins.model, a_wins.patience_s) == ("erlang_a", 120.0)
    assert (c_wins.model, c_wins.patience_s, c_wins.fitted_patience_s) == ("erlang_c", None, 120.0)
    assert "Erlang C fits better than Erlang A" in c_wins.source and "95 % CI 110–131 s" in c_wins.source


def test_the_simulator_is_not_a_sizing_model_and_without_comparison_erlang_a_keeps_the_patience() -> None:
    sim_best = planning_patience(
        flow_fit(
            [model("erlang_c", 0.2, 0.08), model("erlang_a", 0.1, 0.03), model("simulation", 0.01, 0.01)]
        )
    )
    unchecked = planning_patience(flow_fit([]))
    nobody_left = planning_patience(flow_fit([model("erlang_c", 0.1, 0.0)], patience_s=None))
    assert sim_best.model == "erlang_a"
    assert (unchecked.model, unchecked.patience_s, unchecked.compared) == ("erlang_a", 120.0, False)
    assert "name no agent" in unchecked.source
    assert (nobody_left.model, nobody_left.patience_s) == ("erlang_c", None)


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five weeks of the demo company at a twentieth of its size, with its decision inputs."""
    history = generate_history(seed=3, start=date(2025, 3, 3), end=date(2025, 4, 7), scale=0.05)
    folder = tmp_path_factory.mktemp("planning")
    pq.write_table(history.interactions, folder / "history.parquet")
    ws = Workspace.init(folder / "ws", settings=history.settings)
    try:
        import_file(ws, folder / "history.parquet")
    finally:
        ws.close()
    for name in ("costs.yaml", "decision.yaml"):
        shutil.copyfile(DEMO_INPUTS / name, folder / "ws" / name)
    shutil.copytree(DEMO_INPUTS / "offers", folder / "ws" / "offers")
    return folder / "ws"


def unfitted_copy(company: Path, tmp_path: Path) -> Path:
    """A copy of the workspace without a recorded fit."""
    root = tmp_path / "ws"
    shutil.copytree(company, root)
    (root / RECORD_FILE).unlink(missing_ok=True)
    return root


def test_the_plan_uses_the_fitted_patience_and_says_where_it_comes_from(company: Path) -> None:
    ws = Workspace.open(company)
    try:
        fitted = planning_inputs(ws)
        plan = staffing_plan(ws, horizon_days=2, flows=["sav-voice-fr", "sav-email-fr"])
        histories = flow_histories(ws)
    finally:
        ws.close()
    voice = next(f for f in plan["flows"] if f["flow"] == "sav-voice-fr")
    assert voice["patience_s"] == fitted["sav-voice-fr"].patience_s
    assert voice["model"] == fitted["sav-voice-fr"].model
    assert voice["patience_source"] == fitted["sav-voice-fr"].source
    assert voice["patience_source"].startswith("fitted from ")
    email = next(f for f in plan["flows"] if f["flow"] == "sav-email-fr")
    assert email["patience_source"] is None and "sav-email-fr" not in fitted  # a backlog, no queue
    assert histories["sav-voice-fr"].fitted == fitted["sav-voice-fr"]


def test_the_fit_is_recorded_once_and_refitted_when_the_store_changes(
    company: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = unfitted_copy(company, tmp_path)
    ws = Workspace.open(root)
    try:
        first = planning_inputs(ws)
        assert recorded_fit(ws) is not None

        def no_fit(*_: object, **__: object) -> None:
            raise AssertionError("the recorded fit should have been read")

        monkeypatch.setattr(fit_service, "fit", no_fit)
        assert planning_inputs(ws) == first
        monkeypatch.undo()
        (root / RECORD_FILE).write_text("{not json", encoding="utf-8")  # a damaged record is refitted
        assert recorded_fit(ws) is None
        assert planning_inputs(ws) == first
        settings = ws.settings.model_copy(update={"opening_hours": {"mon-sun": "00:00-24:00"}})
        ws.save_settings(settings)  # new opening hours: the record no longer holds
        assert recorded_fit(ws) is None
    finally:
        ws.close()


def test_a_workspace_where_the_record_cannot_be_written_still_gets_its_fit(
    company: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = unfitted_copy(company, tmp_path)

    def read_only(*_: object, **__: object) -> None:
        raise PermissionError("read-only workspace")

    monkeypatch.setattr(fit_service, "record_fit", read_only)
    ws = Workspace.open(root)
    try:
        fitted = planning_inputs(ws)
    finally:
        ws.close()
    assert fitted["sav-voice-fr"].source.startswith("fitted from ")
    assert not (root / RECORD_FILE).exists()


def test_arbitre_fit_records_the_fit_the_plan_then_reads(company: Path, tmp_path: Path) -> None:
    root = unfitted_copy(company, tmp_path)
    result = CliRunner().invoke(build(["fit"]), ["fit", str(root), "--replications", "1"])
    assert result.exit_code == 0, result.stderr
    ws = Workspace.open(root)
    try:
        recorded = recorded_fit(ws)
        assert recorded is not None and recorded.replications == 1
        assert all(f.model("simulation") is not None for f in recorded.flows if f.models)
    finally:
        ws.close()


def test_the_decision_records_the_patience_of_each_queued_flow_and_its_source(company: Path) -> None:
    ws = Workspace.open(company)
    try:
        document = decide(ws, record=False, sensitivity=False).model_dump(mode="json")
        fitted = planning_inputs(ws)
    finally:
        ws.close()
    inputs = document["inputs"]
    assert set(inputs["patience"]) == set(fitted)
    voice = inputs["patience"]["sav-voice-fr"]
    assert voice["source"] == fitted["sav-voice-fr"].source
    workload = next(w for w in inputs["workloads"] if w["flow"] == "sav-voice-fr")
    expected = fitted["sav-voice-fr"].patience_s
    assert workload["patience_s"] == (None if expected is None else round(expected, 1))
