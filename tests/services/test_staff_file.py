"""`arbitre staff --file` reads and checks its file column-wise, with the flags' messages.

The reference is the row-by-row path (`parse` on every row, then `staff`): the column-wise
reader must accept the same files, reject the same first row with the same message, and give
the same numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arbitre.errors import InputError
from arbitre.services.staff import parse, read_intervals, staff, staff_table

# Cells of every kind a user writes, good and bad, per column.
CELLS: dict[str, list[Any]] = {
    "volume": [None, 0, 12, 250.5, -3, float("nan"), 1800],
    "interval": [None, 1800, 900, 0, -1],
    "aht": [None, 180, 240.5, 0, -4],
    "sl": [None, 0.8, 0.95, 1.2, 0, 1],
    "threshold": [None, 20, 0, -1],
    "patience": [None, 120, 0, 45.5],
    "agents": [None, 12, 0, 2.5, -1],
    "max_occupancy": [None, 0.85, 0, 1.5],
    "shrinkage": [None, 0.3, 1, 0],
    "concurrency": [None, 1, 2, 0, 1.5],
    "channel": [None, "voice", "chat", " Chat ", "email"],
}


def reference(path: Path, defaults: dict[str, Any]) -> list[dict[str, Any]] | str:
    """The row-by-row answer: the rows, or the first error's message."""
    table = (
        pq.read_table(path)
        if path.suffix == ".parquet"
        else pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    )
    first = 1 if path.suffix == ".parquet" else 2
    try:
        qs = []
        for i, row in enumerate(table.to_pylist()):
            values = {k: v for k, v in defaults.items() if k not in row}
            values.update(row)
            qs.append(parse(values, file=str(path), line=first + i))
        return [a.model_dump() for a in staff(qs, lines=list(range(first, first + len(qs))), file=str(path))]
    except InputError as exc:
        return str(exc)


def columnwise(path: Path, defaults: dict[str, Any]) -> list[dict[str, Any]] | str:
    try:
        columns, lines = read_intervals(path, defaults)
        rows: list[dict[str, Any]] = staff_table(columns, lines=lines, file=str(path)).to_pylist()
        return rows
    except InputError as exc:
        return str(exc)


@st.composite
def files(draw: st.DrawFn) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    names = draw(st.lists(st.sampled_from(sorted(CELLS)), unique=True, min_size=1, max_size=6))
    n = draw(st.integers(1, 6))
    # Mostly good rows: a sound base every row starts from, a few cells drawn from everything.
    base = {"volume": 100, "interval": 1800, "aht": 180, "sl": 0.8, "threshold": 20}
    columns: dict[str, list[Any]] = {}
    for name in names:
        good = [v for v in CELLS[name] if v is not None][:2]
        columns[name] = [
            draw(st.sampled_from(CELLS[name])) if draw(st.booleans()) else draw(st.sampled_from(good))
            for _ in range(n)
        ]
        if name == "concurrency" and "channel" not in names:
            columns[name] = [
                1 if v not in (None,) and v != 1 and draw(st.booleans()) else v for v in columns[name]
            ]
    defaults = {k: v for k, v in base.items() if k not in names}
    return columns, defaults


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=files(), parquet=st.booleans())
def test_the_column_wise_reader_agrees_with_the_row_by_row_one(
    tmp_path: Path, case: tuple[dict[str, list[Any]], dict[str, Any]], parquet: bool
) -> None:
    columns, defaults = case
    path = tmp_path / ("i.parquet" if parquet else "i.csv")
    table = pa.table(
        {k: pa.array(v, pa.string() if k == "channel" else pa.float64()) for k, v in columns.items()}
    )
    if parquet:
        pq.write_table(table, path)
    else:
        pacsv.write_csv(table, path)
    # The same numbers exactly (the same engine calls on the same arrays), or the same message.
    assert _nan_free(columnwise(path, defaults)) == _nan_free(reference(path, defaults))


def _nan_free(result: list[dict[str, Any]] | str) -> list[dict[str, Any]] | str:
    if isinstance(result, str):
        return result
    return [{k: None if v != v else v for k, v in r.items()} for r in result]


def test_a_cell_of_text_in_a_numeric_column_is_named_as_a_flag_would_be(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text("volume,aht,sl\n100,180,0.8\n100,abc,0.8\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 3, field aht: expected a number, got \"abc\""):
        read_intervals(path, {"interval": 1800, "threshold": 20})


def test_numbers_written_as_text_with_spaces_are_read(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text('volume,aht,sl\n" 100",180,0.8\n', encoding="utf-8")
    columns, _ = read_intervals(path, {"interval": 1800, "threshold": 20})
    assert staff_table(columns).column("agents").to_pylist() == [14]
