"""The public API of the forecast engine, its purity, and the examples in its docstrings."""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import pytest

import arbitre.forecast

MODULES = ["axis", "backtest", "cleaning", "engine", "events", "intraday", "model"]


def test_all_names_are_exported() -> None:
    for name in arbitre.forecast.__all__:
        assert getattr(arbitre.forecast, name) is not None


@pytest.mark.parametrize("module", MODULES)
def test_the_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"arbitre.forecast.{module}"))
    assert result.attempted > 0 and result.failed == 0


def test_the_engine_reads_no_store_and_no_clock() -> None:
    root = Path(arbitre.forecast.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        modules |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {
            m
            for m in modules
            if m.split(".")[:2]
            in (["arbitre", "store"], ["arbitre", "services"], ["arbitre", "cli"], ["arbitre", "ingest"])
        }, path
        text = path.read_text(encoding="utf-8")
        assert ".now(" not in text and "today(" not in text and "time.time" not in text, path
