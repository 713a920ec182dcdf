"""KPIs of a file read directly equal those of the same file imported (issue 11): the file path
reads only the columns the KPIs need and counts repeats with a window, the store reads the gaps
kept at import; both are checked the same way."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import pytest
from benchmarks.data import write_csv as generate_csv

from arbitre.domain.groups import KpiGroup
from arbitre.domain.kpis import KPI_NAMES, KpiRules
from arbitre.errors import RejectedRows
from arbitre.services.imports import import_file
from arbitre.services.kpis import kpis
from arbitre.store.workspace import Workspace
from tests.helpers import write_csv

HEADER = "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned,talk_s,hold_s,wrap_s,customer_id,agent_id"


def _same(left: list[KpiGroup], right: list[KpiGroup]) -> None:
    assert len(left) == len(right) > 0
    for g, h in zip(left, right, strict=True):
        x: dict[str, Any] = g.model_dump()
        y: dict[str, Any] = h.model_dump()
        assert x.keys() == y.keys()
        for key in x:
            u, v = x[key], y[key]
            if isinstance(u, float) and isinstance(v, float):
                assert (math.isnan(u) and math.isnan(v)) or u == pytest.approx(v, rel=1e-12, abs=0.0), key
            else:
                assert u == v, key


@pytest.mark.slow
def test_a_file_and_the_same_file_imported_give_identical_kpis(tmp_path: Path) -> None:
    """A year of generated contacts (DST days, short abandons, repeats, abandons without end)."""
    csv = tmp_path / "calls.csv"
    generate_csv(csv, rows=30_000, seed=11)
    parquet = tmp_path / "calls.parquet"
    duckdb.connect().execute(f"COPY (SELECT * FROM read_csv('{csv}')) TO '{parquet}' (FORMAT parquet)")
    ws = Workspace.init(tmp_path / "ws")
    assert import_file(ws, csv).inserted == 30_000
    for by in (["flow", "day"], ["channel", "interval"], ["site", "month"], []):
        for rules in (KpiRules(), KpiRules(repeat_window_s=40 * 86400.0)):  # read from gaps, then a window
            stored = kpis([ws.root], by=by, rules=rules)
            _same(kpis([csv], by=by, rules=rules), stored)
            _same(kpis([parquet], by=by, rules=rules), stored)
    assert {k for k in KPI_NAMES if stored[0].kpi(k) is not None} >= {
        "service_level",
        "repeat_rate_7d",
        "csat",
    }


def test_rows_sharing_a_key_are_compared_on_columns_the_kpis_do_not_read(tmp_path: Path) -> None:
    """The KPIs read no agent: two rows with one contact_id and site but another agent are still
    refused, as the import refuses them, each naming the other's line."""
    stamp = "2026-01-05T09:00:00+01:00"
    path = write_csv(
        tmp_path / "a.csv",
        HEADER,
        [
            f"1,sav,voice_in,internal,{stamp},{stamp},{stamp},false,100,0,20,C1,AG-1",
            f"1,sav,voice_in,internal,{stamp},{stamp},{stamp},false,100,0,20,C1,AG-2",
            f"2,sav,voice_in,internal,{stamp},{stamp},{stamp},false,100,0,20,C1,AG-1",
            f"2,sav,voice_in,internal,{stamp},{stamp},{stamp},false,100,0,20,C1,AG-1",
        ],
    )
    with pytest.raises(RejectedRows) as refused:
        kpis([path])
    assert [(e.line, e.column) for e in refused.value.errors] == [(2, "contact_id"), (3, "contact_id")]
    assert "same contact_id and site as line 3" in refused.value.errors[0].reason
