"""Column-wise JSON and CSV writers: a table goes out as it is held, one column at a time.

A command that prints 200,000 intervals must not build 200,000 dicts and hand them to
``json.dumps``. Here each column is turned into JSON text in one call (orjson on the NumPy array
for numbers, one encoding per distinct value for text), the rows are assembled by Arrow's
element-wise string join, and the whole is written as bytes. NaN and infinities become ``null``,
as in every ``--json`` document; so do missing values.

`dumps` writes any document (dicts, lists, Arrow tables inside them) with orjson: an Arrow table
inside a document is embedded column-wise, not converted to rows of Python objects first.

>>> import pyarrow as pa
>>> print(table_json(pa.table({"agents": [14, 3], "sl": [0.8, float("nan")]})).decode())
[
  {
    "agents": 14,
    "sl": 0.8
  },
  {
    "agents": 3,
    "sl": null
  }
]
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import IO, Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from arbitre.errors import InputError
from arbitre.outputs import claim, write_csv

_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_SERIALIZE_NUMPY
    | orjson.OPT_NON_STR_KEYS
    # Dates and dataclasses print as ``str()`` does, as the documents always have.
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
_NULL = b"null"


def _default(value: Any) -> Any:
    if isinstance(value, pa.Table):
        return orjson.Fragment(table_json(value, indent=False))
    if isinstance(value, np.ndarray):  # an array of objects: orjson serialises numeric ones only
        return value.tolist()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return str(value)


def dumps(document: Any) -> bytes:
    """One JSON document (UTF-8, indented by two spaces), NaN and infinities as ``null``.

    Values JSON has no type for print as ``str()`` prints them (dates, decimals); Arrow tables
    are written column-wise by `table_json`; NumPy arrays and scalars as numbers.

    >>> dumps({"a": float("inf"), "b": [1, 2.5]}).decode()
    '{\\n  "a": null,\\n  "b": [\\n    1,\\n    2.5\\n  ]\\n}'
    """
    return orjson.dumps(document, default=_default, option=_OPTIONS)


def write_json(document: Any, stream: IO[str] | None = None) -> None:
    """Print `dumps` of ``document`` on ``stream`` (standard output by default), newline-ended."""
    stream = stream or sys.stdout
    data = dumps(document) + b"\n"
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(data)
        buffer.flush()
    else:  # a text-only stream (a test's capture)
        stream.write(data.decode("utf-8"))


def column_json(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Each value of ``column`` as JSON text (a string array of the same length).

    Numbers and booleans go through orjson on the whole NumPy array at once, then are split on
    the commas; text through one orjson call per distinct value; missing, NaN and infinite
    values are ``null``.

    >>> column_json(pa.array([1.5, None, float("nan"), 2.0])).to_pylist()
    ['1.5', 'null', 'null', '2.0']
    >>> column_json(pa.array(["a", 'say "hi"', None, "a"])).to_pylist()
    ['"a"', '"say \\\\"hi\\\\""', 'null', '"a"']
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], column.type)
    n = len(column)
    if n == 0:
        return pa.array([], pa.large_string())
    kind = column.type
    if pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        filled = column
        if column.null_count:
            zero = pa.scalar(False if pa.types.is_boolean(kind) else 0, kind)
            filled = pc.fill_null(column, zero)
        values = filled.to_numpy(zero_copy_only=False)
        texts = _split(orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY), n)
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_dictionary(kind):
        encoded = column if pa.types.is_dictionary(kind) else pc.dictionary_encode(column)
        words = [orjson.dumps(w) if w is not None else _NULL for w in encoded.dictionary.to_pylist()]
        texts = pc.take(pa.array(words, pa.binary()).cast(pa.large_string()), encoded.indices)
    else:  # dates, times, decimals: as `str()` writes them
        texts = pa.array(
            [_NULL if v is None else orjson.dumps(v, default=str) for v in column.to_pylist()], pa.binary()
        ).cast(pa.large_string())
    missing = column.is_null()
    if pa.types.is_floating(kind):
        missing = pc.fill_null(pc.invert(pc.is_finite(column)), True)
    if pc.any(missing).as_py():
        texts = pc.if_else(missing, pa.scalar("null", pa.large_string()), texts)
    return texts


def _split(encoded: bytes, n: int) -> pa.Array:
    """orjson's "[v1,v2,…]" of a numeric array as a string array of its values, without copying
    through Python objects: the commas are dropped and the offsets computed with NumPy."""
    raw = np.frombuffer(encoded, dtype=np.uint8)[1:-1]
    commas = np.flatnonzero(raw == ord(","))
    assert len(commas) == n - 1  # no value of a numeric array holds a comma
    data = np.delete(raw, commas)
    offsets = np.empty(n + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:-1] = commas - np.arange(n - 1)
    offsets[-1] = len(data)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def table_json(table: pa.Table, *, indent: bool = True) -> bytes:
    """``table`` as a JSON list of objects, one per row, keys in column order, built column-wise.

    The layout is the one of `dumps` (two-space indent) unless ``indent`` is false, where each
    object takes one line (the form used inside a larger document).
    """
    if table.num_rows == 0:
        return b"[]"
    inner, outer, sep = ("\n    ", "\n  ", ",\n  ") if indent else ("", "", ",")
    pieces: list[Any] = []
    for i, name in enumerate(table.column_names):
        key = orjson.dumps(name).decode()
        prefix = "{" + inner if i == 0 else "," + (inner or " ")
        pieces.extend([pa.scalar(f"{prefix}{key}: ", pa.large_string()), column_json(table.column(i))])
    # Each row carries the separator that follows it: the rows' data buffer is then the body.
    pieces.append(pa.scalar(outer + "}" + sep, pa.large_string()))
    rows = pc.binary_join_element_wise(*pieces, pa.scalar("", pa.large_string()))
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    offsets = np.frombuffer(
        rows.buffers()[1], dtype=np.int64 if pa.types.is_large_string(rows.type) else np.int32
    )
    first, last = int(offsets[rows.offset]), int(offsets[rows.offset + len(rows)])
    body: bytes = rows.buffers()[2].to_pybytes()[first : last - len(sep)]
    return b"[" + outer.encode() + body + ("\n" if indent else "").encode() + b"]"


def write_table(table: pa.Table, path: Path, *, quote_header: bool = True, force: bool = False) -> None:
    """``table`` to a ``.parquet`` file, else CSV (header, comma-separated), column-wise by Arrow.

    NaN and infinities are written as empty cells in CSV, as missing values are; text cells are
    quoted (Arrow's way), the header too unless ``quote_header`` is false, and a text cell that a
    spreadsheet would run as a formula starts with ``'``. An existing file that is not this
    table's kind is not overwritten unless ``force`` (`arbitre.outputs.claim`).
    """
    claim(path, columns=table.column_names, force=force)
    try:
        if path.suffix.lower() == ".parquet":
            pq.write_table(table, path)
            return
        options = pacsv.WriteOptions(quoting_header="needed" if quote_header else "none")
        write_csv(_finite(table), path, options=options)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=str(path)) from None


def _finite(table: pa.Table) -> pa.Table:
    columns = []
    for column in table.columns:
        if pa.types.is_floating(column.type):
            column = pc.if_else(pc.is_finite(column), column, pa.scalar(None, column.type))
        columns.append(column)
    return pa.table(columns, names=table.column_names)


__all__ = ["column_json", "dumps", "table_json", "write_json", "write_table"]
