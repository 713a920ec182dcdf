"""`arbitre forecast`: one JSON document with --json, exit 1 and one line on bad input (docs/specs/cli.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from arbitre.cli import app as cli
from arbitre.cli import forecast as forecast_command
from arbitre.services.imports import import_file
from arbitre.store.workspace import Workspace
from tests.forecast.synthetic import synthetic_history, write_contacts_csv


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    """The command in the `arbitre` app, as cli/app.py registers it (added here if it does not yet)."""
    before = list(cli.app.registered_commands)
    if not any(c.name == "forecast" for c in before):
        forecast_command.register(cli.app)
        info = cli.app.registered_commands[-1]
        guard = getattr(cli, "_guarded", None)  # app.py wraps every command it registers
        if guard is not None and info.callback is not None:
            info.callback = guard(info.callback)
    yield
    cli.app.registered_commands[:] = before


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["arbitre", *args])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    out = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out.out, out.err


@pytest.fixture(scope="module")
def workspace_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(5)
    history, _ = synthetic_history(rng=rng, flows=1, first_day=date(2026, 1, 5), days=34, level=40)
    ws = Workspace.init(root / "ws", name="Acme")
    import_file(ws, write_contacts_csv(root / "contacts.csv", history, rng=rng))
    ws.close()
    return root / "ws"


def test_json_prints_one_document_and_nothing_else(
    workspace_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "intervals.csv"
    code, out, _ = run(
        monkeypatch, capsys, "forecast", str(workspace_dir), "--horizon-days", "7", "--backtest", "--windows", "1",
        "--out", str(out_file), "--json",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert document["start"] == "2026-02-08" and document["horizon_days"] == 7
    assert len(document["intervals"]) == 7 * 48
    assert [b["flow"] for b in document["backtest"]] == ["flow-0"]
    assert out_file.read_text(encoding="utf-8").count("\n") == 7 * 48 + 1


def test_the_tables_show_each_flow_its_weeks_and_its_backtest(
    workspace_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        monkeypatch, capsys, "forecast", str(workspace_dir), "--horizon-days", "14", "--backtest"
    )
    assert code == 0
    assert "flow-0" in out and "Contacts per week" in out and "Backtest" in out and "2026-02-15" in out


def test_a_workspace_without_history_exits_1_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Workspace.init(tmp_path / "empty", name="Empty").close()
    code, out, err = run(monkeypatch, capsys, "forecast", str(tmp_path / "empty"), "--json")
    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0
    assert err.startswith("arbitre: error: ") and "no interactions to forecast from" in err


def test_a_folder_that_is_not_a_workspace_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, "forecast", str(tmp_path), "--json")
    assert code == 1 and out == "" and "is not a workspace" in err


def test_a_bad_flag_value_is_a_usage_error(
    workspace_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "forecast", str(workspace_dir), "--start", "5 March", "--json")
    assert code == 2 and out == ""
    code, out, _ = run(monkeypatch, capsys, "forecast", str(workspace_dir), "--horizon-days", "0")
    assert code == 2 and out == ""
