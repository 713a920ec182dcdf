"""A UTF-8 CSV is read by DuckDB's own reader (issue 11): the same rows, the same errors with the
same lines as Arrow's reader gives, and Arrow's reader whenever DuckDB's cannot be trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

import arbitre.ingest.readers as readers
from arbitre.errors import RejectedRows
from arbitre.ingest.mapping import IDENTITY
from arbitre.ingest.readers import read_source
from arbitre.services.imports import import_file
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from benchmarks import data
from tests.helpers import GOOD, HEADER, write_csv

EVERYTHING = "SELECT * EXCLUDE (import_id) FROM {store} ORDER BY contact_id, site"


def _stored(ws: Workspace, sql: str = EVERYTHING) -> list[tuple[object, ...]]:
    con = connect(ws.settings.timezone)
    try:
        return con.sql(sql.format(store=InteractionStore(ws).source_sql())).fetchall()
    finally:
        con.close()


def _import(tmp_path: Path, name: str, path: Path, *, duckdb_reads: bool) -> Workspace:
    ws = Workspace.init(tmp_path / name, name=name)
    with pytest.MonkeyPatch.context() as patch:
        if not duckdb_reads:
            patch.setattr(readers, "_scannable_csv", lambda *_: False)
        import_file(ws, path)
    return ws


def _errors(ws: Workspace, path: Path, *, duckdb_reads: bool) -> list[tuple[int, str, str]]:
    with pytest.MonkeyPatch.context() as patch:
        if not duckdb_reads:
            patch.setattr(readers, "_scannable_csv", lambda *_: False)
        with pytest.raises(RejectedRows) as refused:
            import_file(ws, path)
    return [(e.line, e.column, e.reason) for e in refused.value.errors]


def _arrow_never_reads(patch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("Arrow read the CSV")

    patch.setattr(readers.pacsv, "open_csv", refuse)


def test_a_clean_file_is_read_by_duckdb_alone(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "it's.csv", HEADER + ",transcript", [GOOD + ",a", GOOD.replace("1,sav", "2,sav") + ","]
    )
    with pytest.MonkeyPatch.context() as patch:
        _arrow_never_reads(patch)
        summary = import_file(workspace, path)
    assert (summary.rows_read, summary.inserted) == (2, 2)
    assert _stored(workspace, "SELECT contact_id, transcript FROM {store} ORDER BY contact_id") == [
        ("1", "a"),
        ("2", None),
    ]


@pytest.mark.slow
def test_the_benchmark_file_read_by_duckdb_stores_what_arrow_reading_it_stores(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    data.write_csv(path, rows=20_000, seed=11)
    by_duckdb = _import(tmp_path, "duckdb", path, duckdb_reads=True)
    by_arrow = _import(tmp_path, "arrow", path, duckdb_reads=False)
    # Workspaces have keys of their own: compare what does not depend on the key.
    keyless = (
        "SELECT * EXCLUDE (import_id, agent_id, customer_id, customer_key) FROM {store} "
        "ORDER BY contact_id, site"
    )
    rows = _stored(by_duckdb, keyless)
    assert len(rows) == 20_000
    assert rows == _stored(by_arrow, keyless)
    assert _stored(by_duckdb, "SELECT count(DISTINCT customer_key) FROM {store}") == _stored(
        by_arrow, "SELECT count(DISTINCT customer_key) FROM {store}"
    )


def test_every_error_keeps_its_line_and_column_when_duckdb_reads_the_file(
    workspace: Workspace, tmp_path: Path
) -> None:
    rows = [
        GOOD,
        GOOD.replace("1,sav", "2,sav").replace("voice_in", "pigeon"),
        GOOD.replace("1,sav", "3,sav").replace("2026-01-05T09:00:00+01:00", "2026-01-05T09:00:00+15:00"),
        GOOD.replace("1,sav", "4,s\x07v"),
        # +14:00, a real offset the shape test leaves to the regular expression: accepted
        GOOD.replace("1,sav", "5,sav").replace("+01:00,2026-01-05T09:00:10", "+14:00,2026-01-05T09:00:10"),
        GOOD.replace("1,sav", "6,sav").replace("2026-01-05T09:03:00+01:00", "05/01/2026 09:03"),
        GOOD,  # the first row again: an exact duplicate, dropped
    ]
    path = write_csv(tmp_path / "calls.csv", HEADER, rows)
    found = _errors(workspace, path, duckdb_reads=True)
    assert found == _errors(workspace, path, duckdb_reads=False)
    assert [(line, column) for line, column, _ in found] == [
        (3, "channel"),
        (4, "arrived_at"),
        (5, "flow"),
        (7, "ended_at"),
    ]


def test_a_row_spanning_lines_is_named_by_the_line_where_it_starts(
    workspace: Workspace, tmp_path: Path
) -> None:
    header = HEADER + ",transcript"
    rows = [GOOD + ',"two\nlines"', GOOD.replace("1,sav", "2,sav").replace("voice_in", "pigeon") + ",x"]
    path = write_csv(tmp_path / "calls.csv", header, rows)
    found = _errors(workspace, path, duckdb_reads=True)
    assert [(line, column) for line, column, _ in found] == [(4, "channel")]
    assert found == _errors(workspace, path, duckdb_reads=False)


def test_a_clean_file_with_a_row_spanning_lines_imports_whole(workspace: Workspace, tmp_path: Path) -> None:
    header = HEADER + ",transcript"
    rows = [GOOD + ',"two\nlines"', GOOD.replace("1,sav", "2,sav") + ",plain"]
    path = write_csv(tmp_path / "calls.csv", header, rows)
    summary = import_file(workspace, path)
    assert (summary.rows_read, summary.inserted) == (2, 2)
    assert _stored(workspace, "SELECT contact_id, transcript FROM {store} ORDER BY contact_id") == [
        ("1", "two\nlines"),
        ("2", "plain"),
    ]


@pytest.mark.parametrize("name", ["it's.csv", "calls [1].csv", "a*b?.csv", "{x}.csv"])
def test_a_file_name_duckdb_would_read_as_a_pattern_or_quote_imports_that_file(
    workspace: Workspace, tmp_path: Path, name: str
) -> None:
    write_csv(tmp_path / "other.csv", HEADER, [GOOD.replace("1,sav", "99,sav")])  # what a pattern might match
    path = write_csv(tmp_path / name, HEADER, [GOOD, GOOD.replace("1,sav", "2,sav")])
    summary = import_file(workspace, path)
    assert (summary.rows_read, summary.inserted) == (2, 2)
    assert _stored(workspace, "SELECT contact_id FROM {store} ORDER BY contact_id") == [("1",), ("2",)]


def test_hostile_column_names_reach_duckdb_as_literals(workspace: Workspace, tmp_path: Path) -> None:
    weird = "a'b\"c); DROP TABLE clean; --"
    path = write_csv(
        tmp_path / "calls.csv", HEADER + f',"{weird.replace(chr(34), chr(34) * 2)}"', [GOOD + ",kept"]
    )
    assert read_source(path, IDENTITY.source).fast_scan_sql is not None
    with pytest.MonkeyPatch.context() as patch:
        _arrow_never_reads(patch)  # read by DuckDB
        summary = import_file(workspace, path)
    assert summary.inserted == 1
    assert _stored(workspace, "SELECT extra FROM {store}") == [
        ('{"' + weird.replace('"', '\\"') + '":"kept"}',)
    ]


def test_a_file_that_is_not_utf8_is_still_read_as_windows_1252(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes((HEADER + ",reason\n" + GOOD + ",caf\xe9\n").encode("cp1252"))
    assert import_file(workspace, path).inserted == 1
    assert _stored(workspace, "SELECT reason FROM {store}") == [("café",)]


def test_a_blank_line_is_skipped_as_arrow_skips_it(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(HEADER + "\n" + GOOD + "\n\n" + GOOD.replace("1,sav", "2,sav") + "\n", encoding="utf-8")
    summary = import_file(workspace, path)
    assert (summary.rows_read, summary.inserted) == (2, 2)
