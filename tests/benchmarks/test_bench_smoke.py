"""The benchmark kept honest at small scale: generated data imports cleanly, pandas and the engine agree.

The pandas reference needs pandas, which comes with the ``bench`` extra: without it those tests skip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from benchmarks.compare import agree, differences
from benchmarks.data import write_csv

from arbitre.domain.kpis import KPI_NAMES, KpiRules
from arbitre.kpi.engine import compute_kpis
from arbitre.services.imports import import_file
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from tests.helpers import write_csv as write_lines

ROWS = 20_000
TZ = "Europe/Paris"


def _pandas_kpi() -> Any:
    return pytest.importorskip("benchmarks.pandas_kpi", reason="the pandas reference needs the bench extra")


def _import(tmp_path: Path, csv: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws")
    summary = import_file(ws, csv)
    assert (summary.rejected, summary.duplicates) == (0, 0)
    return ws


def _engine(ws: Workspace) -> list[dict[str, Any]]:
    con = connect(TZ)
    try:
        source = InteractionStore(ws).source_sql()
        return compute_kpis(con, source, by=["flow", "day"], rules=KpiRules(), tz=TZ)
    finally:
        con.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 contacts of the benchmark's generator, abandons without ``ended_at`` included."""
    csv = tmp_path_factory.mktemp("bench") / "interactions.csv"
    write_csv(csv, rows=ROWS, seed=3)
    return csv


def test_the_generated_csv_imports_with_no_rejected_row(generated: Path, tmp_path: Path) -> None:
    ws = _import(tmp_path, generated)
    assert InteractionStore(ws).rows() == ROWS
    ws.close()


def test_pandas_and_the_engine_agree_on_every_kpi_of_every_flow_and_day(
    generated: Path, tmp_path: Path
) -> None:
    pandas_kpi = _pandas_kpi()
    ws = _import(tmp_path, generated)
    engine = _engine(ws)
    from_store = pandas_kpi.kpis_by_flow_day(pandas_kpi.read_parquet(InteractionStore(ws).files()))
    from_csv = pandas_kpi.kpis_by_flow_day(pandas_kpi.read_csv(generated))
    ws.close()
    assert len(engine) > 8 * 300  # every flow on most days of the year
    assert differences(engine, from_store, kpis=KPI_NAMES) == []
    assert differences(engine, from_csv, kpis=KPI_NAMES) == []


HEADER = "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned,talk_s,hold_s,wrap_s,customer_id,resolved,csat,nps"
# Three inbound calls on 1 March 2025: answered after 10 s, abandoned after 2 s (short), abandoned
# with no ended_at (a wait nobody knows: an ordinary abandon). docs/specs/interactions.md gives
# short_abandoned 1, service_level 1 ÷ (3 − 1) and abandon_rate (2 − 1) ÷ (3 − 1).
HAND_WORKED = [
    "1,f,voice_in,s,2025-03-01T10:00:00+01:00,2025-03-01T10:00:10+01:00,2025-03-01T10:05:10+01:00,false,280,20,10,c1,true,5,6",
    "2,f,voice_in,s,2025-03-01T10:01:00+01:00,,2025-03-01T10:01:02+01:00,true,,,,c2,,,",
    "3,f,voice_in,s,2025-03-01T10:02:00+01:00,,,true,,,,c2,,,",
]
EXPECTED = {
    "flow": "f",
    "day": "2025-03-01",
    "offered": 3,
    "answered": 1,
    "abandoned": 2,
    "short_abandoned": 1,
    "service_level": 0.5,
    "abandon_rate": 0.5,
    "asa_s": 10.0,
    "aht_s": 310.0,
    "fcr": 1.0,
    "repeat_rate_7d": 0.0,
    "csat": 1.0,
    "csat_mean": 5.0,
    "nps": -100.0,
    "qa_score": None,
}


def test_pandas_and_the_engine_both_follow_the_spec_on_a_hand_worked_day(tmp_path: Path) -> None:
    pandas_kpi = _pandas_kpi()
    csv = write_lines(tmp_path / "day.csv", HEADER, HAND_WORKED)
    (reference,) = pandas_kpi.kpis_by_flow_day(pandas_kpi.read_csv(csv))
    ws = _import(tmp_path, csv)
    (engine,) = _engine(ws)
    ws.close()
    assert reference == EXPECTED
    # The engine has quality monitoring's KPIs too (issue 14): no check, no evaluation, null; and it
    # counts the contacts arriving outside opening hours: none known here (null).
    assert engine.pop("outside_hours") is None
    quality = dict.fromkeys(
        ("qa_auto_score", "qa_auto_critical_rate", "qa_human_score", "qa_human_critical_rate")
    )
    assert engine == {**EXPECTED, **quality}


def test_values_agree_within_a_relative_tolerance_and_missing_values_alike() -> None:
    assert agree(None, float("nan"))
    assert agree(1.0, 1.0 + 1e-12)
    assert not agree(1.0, 1.0 + 1e-6)
    assert not agree(0.0, 1e-300)
    assert not agree(None, 0.0)
