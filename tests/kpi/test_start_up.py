"""`arbitre kpi FILE` starts light (issue 11): over files alone the command loads neither the app
database's modules (SQLAlchemy, Alembic) nor those of other commands (SciPy, Numba, the reports),
which took about 1.2 CPU seconds of a 5-million-row run before any row was read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

from arbitre.store.workspace import Workspace

#: Modules the KPIs of files never use.
HEAVY = ("sqlalchemy", "alembic", "scipy", "numba", "jinja2", "arbitre.store.workspace", "arbitre.reports")

_RUN = """
import json, sys
from arbitre.cli.app import main
sys.argv = ["arbitre", "kpi", *sys.argv[1:], "--json"]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
heavy = sys.stdin.read().split(",")
loaded = sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))
print(json.dumps(loaded), file=sys.stderr)
"""


def _loaded(*args: str) -> tuple[list[str], list[dict[str, object]]]:
    """What the command loaded (read from its standard error), and its JSON."""
    ran = subprocess.run(
        [sys.executable, "-c", _RUN, *args], input=",".join(HEAVY), capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(ran.stderr.strip().splitlines()[-1])
    return loaded, json.loads(ran.stdout)


def _parquet(tmp_path: Path) -> Path:
    path = tmp_path / "calls.parquet"
    duckdb.connect().execute(
        "COPY (SELECT 'c' || i AS contact_id, 'sav' AS flow, 'voice_in' AS channel, 'internal' AS site, "
        "TIMESTAMPTZ '2026-01-05 09:00:00+01' + i * INTERVAL 1 MINUTE AS arrived_at, "
        "TIMESTAMPTZ '2026-01-05 09:00:10+01' + i * INTERVAL 1 MINUTE AS answered_at, "
        "TIMESTAMPTZ '2026-01-05 09:05:00+01' + i * INTERVAL 1 MINUTE AS ended_at, FALSE AS abandoned, "
        f"100 AS talk_s, 0 AS hold_s, 20 AS wrap_s FROM range(10) t(i)) TO '{path}' (FORMAT parquet)"
    )
    return path


def test_the_kpis_of_a_file_load_neither_the_app_database_nor_other_commands_modules(tmp_path: Path) -> None:
    loaded, groups = _loaded(str(_parquet(tmp_path)), "--by", "flow,day")
    assert loaded == []
    assert [(g["flow"], g["day"], g["offered"], g["service_level"]) for g in groups] == [
        ("sav", "2026-01-05", 10, 1.0)
    ]


def test_a_workspace_among_the_inputs_still_opens_through_the_app_database(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    ws.close()
    loaded, groups = _loaded(str(_parquet(tmp_path)), str(ws.root))
    assert "sqlalchemy" in loaded and "arbitre.store.workspace" in loaded
    assert [g["offered"] for g in groups] == [10]
