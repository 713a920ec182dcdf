"""KPIs of a file read directly equal those of the same file imported (issue 11): the file path
reads only the columns the KPIs need and counts repeats with a window, the store reads the gaps
kept at import; both are checked the same way."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from benchmarks.data import write_csv as generate_csv

from arbitre.domain.groups import KpiGroup
from arbitre.domain.kpis import KPI_NAMES, KpiRules
from arbitre.errors import InputError, RejectedRows
from arbitre.ingest.mapping import IDENTITY, load_mapping
from arbitre.ingest.readers import read_source
from arbitre.ingest.validate import checked_in_place
from arbitre.services.imports import import_file
from arbitre.services.kpis import FILE_COLUMNS, kpis
from arbitre.store.interactions import connect
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


def _parquet(tmp_path: Path, csv: Path, name: str, select: str = "SELECT * FROM src") -> Path:
    """The CSV as a typed Parquet file (DuckDB's types: timestamps, booleans, numbers), through
    ``select`` over ``src``."""
    path = tmp_path / name
    con = duckdb.connect()
    con.execute(f"CREATE VIEW src AS SELECT * FROM read_csv('{csv}')")
    con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
    con.close()
    return path


def _rows(n: int) -> list[str]:
    """``n`` answered calls of two customers, an hour apart (repeats within the week)."""
    rows = []
    for i in range(n):
        at = f"2026-01-{5 + i // 10:02d}T{8 + i % 10:02d}:00:00+01:00"
        end = f"2026-01-{5 + i // 10:02d}T{8 + i % 10:02d}:05:00+01:00"
        rows.append(f"{i},sav,voice_in,internal,{at},{at},{end},false,{100 + i},0,20,C{i % 2},AG-1")
    return rows


def test_a_clean_parquet_file_is_checked_where_it_is_and_gives_the_kpis_of_its_csv(tmp_path: Path) -> None:
    """No row flagged and no key twice: the file is read in place (no table of checked rows),
    and its KPIs are those of the same rows checked into a table from the CSV."""
    csv = write_csv(tmp_path / "a.csv", HEADER, _rows(30))
    parquet = _parquet(tmp_path, csv, "a.parquet")
    assert checked_in_place(
        read_source(parquet, IDENTITY.source), IDENTITY, connect("UTC"), columns=FILE_COLUMNS
    )
    for by in (["flow", "day"], []):
        _same(kpis([parquet], by=by), kpis([csv], by=by))
    assert kpis([parquet])[0].kpi("repeat_rate_7d") == pytest.approx(28 / 30)


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ("CASE WHEN contact_id = 2 THEN 'C' || chr(1) ELSE customer_id END AS customer_id", "customer_id"),
        ("CASE WHEN contact_id = 2 THEN 'sav' || chr(10) || 'x' ELSE flow END AS flow", "flow"),
        ("CASE WHEN contact_id = 2 THEN chr(127) ELSE site END AS site", "site"),
        (
            "CASE WHEN contact_id = 2 THEN ' C' || chr(31) || ' ' ELSE customer_id END AS customer_id",
            "customer_id",
        ),
        ("CASE WHEN contact_id = 2 THEN -5 ELSE talk_s END AS talk_s", "talk_s"),
        ("CASE WHEN contact_id = 2 THEN 'telepathy' ELSE channel END AS channel", "channel"),
    ],
)
def test_a_parquet_file_with_a_bad_row_is_refused_naming_its_line_and_column(
    tmp_path: Path, change: str, column: str
) -> None:
    """The quick pass over a Parquet file only says whether some row is bad; the rows are then
    checked one by one as an import checks them, and the bad one named."""
    csv = write_csv(tmp_path / "a.csv", HEADER, _rows(30))
    parquet = _parquet(tmp_path, csv, "bad.parquet", f"SELECT * REPLACE ({change}) FROM src")
    assert (
        checked_in_place(
            read_source(parquet, IDENTITY.source), IDENTITY, connect("UTC"), columns=FILE_COLUMNS
        )
        is None
    )
    with pytest.raises(RejectedRows) as refused:
        kpis([parquet])
    assert [(e.line, e.column) for e in refused.value.errors] == [(3, column)]


def test_exact_duplicate_rows_of_a_parquet_file_count_once(tmp_path: Path) -> None:
    """A key seen twice takes the long way, as an import does: the copy collapses to the first."""
    csv = write_csv(tmp_path / "a.csv", HEADER, _rows(30))
    once = _parquet(tmp_path, csv, "once.parquet")
    twice = _parquet(
        tmp_path, csv, "twice.parquet", "SELECT * FROM src UNION ALL SELECT * FROM src WHERE contact_id = 7"
    )
    assert (
        checked_in_place(read_source(twice, IDENTITY.source), IDENTITY, connect("UTC"), columns=FILE_COLUMNS)
        is None
    )
    _same(kpis([twice], by=["day"]), kpis([once], by=["day"]))
    assert kpis([twice])[0].offered == 30


def test_two_parquet_files_checked_in_place_add_up(tmp_path: Path) -> None:
    """Each file's query keeps its own columns (no view shared between files)."""
    rows = _rows(30)
    whole = write_csv(tmp_path / "whole.csv", HEADER, rows)
    first = _parquet(tmp_path, write_csv(tmp_path / "a.csv", HEADER, rows[:12]), "a.parquet")
    second = _parquet(
        tmp_path,
        write_csv(tmp_path / "b.csv", HEADER, rows[12:]),
        "b.parquet",
        "SELECT site, * EXCLUDE (site) FROM src",
    )
    _same(kpis([first, second], by=["day"]), kpis([whole], by=["day"]))


def test_a_parquet_file_rewritten_between_its_check_and_its_kpis_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read in place, a file is read twice (checked, then the KPIs): rows written in between were
    never checked, so the command refuses rather than computing on them."""
    import arbitre.services.kpis as service

    csv = write_csv(tmp_path / "a.csv", HEADER, _rows(30))
    parquet = _parquet(tmp_path, csv, "a.parquet")
    bad = _parquet(tmp_path, csv, "bad.parquet", "SELECT * REPLACE (-5 AS talk_s) FROM src")
    compute = service.compute_kpis

    def rewritten_meanwhile(*args: Any, **kwargs: Any) -> Any:
        bad.replace(parquet)
        return compute(*args, **kwargs)

    monkeypatch.setattr(service, "compute_kpis", rewritten_meanwhile)
    with pytest.raises(InputError, match="the file changed while it was read"):
        kpis([parquet])


def test_hostile_names_and_values_of_a_parquet_file_read_in_place_are_data(tmp_path: Path) -> None:
    """A folder and a column named with quotes and SQL, mapped by name and by value: the file is
    still checked in place, and every name and value reaches the query as data."""
    hostile = "fl\"o'w; DROP TABLE clean; --"
    value = "x'); DROP TABLE clean; --"
    csv = write_csv(tmp_path / "a.csv", HEADER, _rows(30))
    table = duckdb.connect().sql(f"SELECT * FROM read_csv('{csv}')").to_arrow_table()
    flow = ["sav" if i >= 10 else value for i in range(30)]
    table = table.drop_columns(["flow", "site"]).append_column(hostile, pa.array(flow))
    folder = tmp_path / 'it\'s "here"; DROP TABLE x; --'
    folder.mkdir()
    parquet = folder / "a'.parquet"
    pq.write_table(table, parquet)
    (tmp_path / "m.yaml").write_text(
        "name: m\ncolumns:\n"
        f"  flow: {{column: {json.dumps(hostile)}, map: {{{json.dumps(value)}: ventes}}}}\n"
        f"  site: {{value: {json.dumps(value)}}}\n",
        encoding="utf-8",
    )
    mapping = load_mapping(tmp_path / "m.yaml")
    assert checked_in_place(
        read_source(parquet, mapping.source), mapping, connect("UTC"), columns=FILE_COLUMNS
    )
    got = {g.keys["flow"]: g.offered for g in kpis([parquet], by=["flow"], mapping=mapping)}
    assert got == {"sav": 20, "ventes": 10}
    assert {g.keys["site"] for g in kpis([parquet], by=["site"], mapping=mapping)} == {value}
