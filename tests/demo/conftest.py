"""The demo at a twentieth of its volumes, built once for the tests of this folder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.store.decisions import latest_decision
from arbitre.store.workspace import Workspace
from tests.demo.figures import demo_figures
from tests.helpers import runs_json

SMALL = 0.05


@dataclass(frozen=True)
class BuiltDemo:
    """The demo's folder, what ``arbitre demo --json`` printed, and its key figures as built
    (read before any test runs a command on it again)."""

    folder: Path
    summary: dict[str, Any]
    figures: dict[str, Any]


def build(folder: Path, *, scale: float) -> BuiltDemo:
    result = CliRunner().invoke(app, ["demo", "--dir", str(folder), "--scale", str(scale), "--json"])
    assert result.exit_code == 0, result.output
    return BuiltDemo(folder, json.loads(result.stdout), recorded_figures(folder))


def recorded_figures(folder: Path) -> dict[str, Any]:
    """The key figures of the decision and the governance months recorded in the workspace."""
    ws = Workspace.open(folder)
    try:
        decision = latest_decision(ws)
        assert decision is not None
        months = runs_json(ws, "callmada-2026")
    finally:
        ws.close()
    return demo_figures(decision.model_dump(mode="json"), months)


# ``small_demo`` (the demo at scale 0.05, built once per run) is in tests/conftest.py: the web app's
# browser tests walk it too.
