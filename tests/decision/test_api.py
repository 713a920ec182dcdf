"""The decision package's public API, its place in the dependencies, and its documentation."""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import arbitre.decision as decision

PACKAGE = Path(decision.__file__).parent
DOCS = Path(__file__).resolve().parents[2] / "docs"
FORBIDDEN = {"store", "ingest", "services", "cli", "reports", "web"}


def test_all_public_names_are_exported() -> None:
    assert decision.__doc__ and decision.__doc__.startswith("The make-or-buy decision")
    for name in decision.__all__:
        assert getattr(decision, name) is not None, name
    assert {"FlowEvidence", "Qualification", "qualify", "AllocationProblem", "Block", "allocate"} <= set(
        decision.__all__
    )


def test_the_decision_imports_no_store_ingest_service_cli_or_report() -> None:
    offences = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offences += [
                f"{path.name}: {n}"
                for n in names
                if n.startswith("arbitre.") and n.split(".")[1] in FORBIDDEN
            ]
    assert offences == []


def test_the_examples_of_the_documentation_run() -> None:
    result = doctest.testfile(str(DOCS / "decision.md"), module_relative=False)
    assert result.attempted >= 10 and result.failed == 0


def test_the_modules_examples_run() -> None:
    for name in ("allocate", "program", "plan", "qualify", "logics", "grid", "evidence", "wording"):
        module = importlib.import_module(f"arbitre.decision.{name}")
        result = doctest.testmod(module)
        assert result.failed == 0, name
