"""The engines are light: importing one loads neither the database stack, the data-frame stack,
the services nor the CLI (issue 10 item 6), so a notebook that sizes a queue starts at once.

Each check runs in a fresh interpreter (this test process has imported everything already).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

#: The modules a user imports alone, and the engines they stand on. `arbitre.kpi` runs the KPI
#: definitions on DuckDB (it is the KPI engine), and the simulator (`arbitre.staffing.simulation`)
#: computes its KPIs through it, so they are not among them.
LIGHT = (
    "arbitre",
    "arbitre.errors",
    "arbitre.domain",
    "arbitre.staffing",
    "arbitre.staffing.erlang",
    "arbitre.staffing.concurrency",
    "arbitre.staffing.backlog",
    "arbitre.staffing.outbound",
    "arbitre.staffing.workforce",
    "arbitre.staffing.document",
    "arbitre.staffing.shifts",
    "arbitre.costing",
    "arbitre.forecast",
    "arbitre.forecast.document",
    "arbitre.decision",
    "arbitre.decision.document",
    "arbitre.mapping",
    "arbitre.mapping.document",
    "arbitre.contract",
    "arbitre.tender",
    "arbitre.fit",
    "arbitre.quality",
    "arbitre.demo",
    "arbitre.reports",
)

#: What none of them may load.
HEAVY = (
    "sqlalchemy",
    "alembic",
    "duckdb",
    "pandas",
    "pyspark",
    "statsforecast",
    "fastapi",
    "typer",
    "arbitre.store",
    "arbitre.ingest",
    "arbitre.services",
    "arbitre.cli",
    "arbitre.web",
)

_PROBE = """
import importlib, sys
heavy = sys.argv[1].split(",")
for name in sys.argv[2].split(","):
    before = set(sys.modules)
    importlib.import_module(name)
    loaded = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in heavy or
                    any(m == h or m.startswith(h + ".") for h in heavy))
    if loaded:
        print(f"{name} loads {', '.join(loaded[:5])}")
"""


def test_importing_an_engine_loads_neither_the_database_nor_the_services_nor_the_cli() -> None:
    # One interpreter, the modules imported one after the other: a heavy module that appears is
    # blamed on the import that brought it (each loads what the ones before it had not).
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, ",".join(HEAVY), ",".join(LIGHT)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.splitlines() == []


@pytest.mark.parametrize("name", ["arbitre", "arbitre.staffing.erlang"])
def test_the_issue_s_own_check_passes(name: str) -> None:
    code = f"import sys, {name}; assert 'duckdb' not in sys.modules and 'sqlalchemy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
