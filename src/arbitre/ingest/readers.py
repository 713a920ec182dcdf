"""Readers: CSV (comma, semicolon or tab; UTF-8 or Windows-1252), Parquet and JSON lines.

A reader returns the file's columns as they are (CSV cells as text, nothing converted yet) and a
way back from a row to the line of the file where it starts, so that every error can name it.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from arbitre._types import IntArray
from arbitre.errors import InputError
from arbitre.ingest.mapping import SourceOptions

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@dataclass
class Source:
    """The raw columns of one file, and where each row starts in it."""

    file: str
    format: str
    table: pa.Table
    line_of: Callable[[IntArray], IntArray]
    encoding: str | None = None
    delimiter: str | None = None


def detect_format(path: Path, options: SourceOptions) -> str:
    if options.format:
        return options.format
    suffixes = [s.lower() for s in path.suffixes]
    for suffix in reversed(suffixes):
        if suffix in FORMATS:
            return FORMATS[suffix]
    raise InputError(
        "unknown file type: expected .csv, .tsv, .txt, .parquet, .jsonl or .ndjson (or source.format in the mapping)",
        file=str(path),
    )


def read_source(path: Path, options: SourceOptions) -> Source:
    """Read ``path`` with the mapping's source options."""
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    fmt = detect_format(path, options)
    if fmt == "csv":
        return _read_csv(path, options)
    if fmt == "parquet":
        return _read_parquet(path)
    return _read_jsonl(path, options)


# --- CSV -------------------------------------------------------------------------------------


def _read_csv(path: Path, options: SourceOptions) -> Source:
    """UTF-8 unless the mapping says otherwise; a file that is not valid UTF-8 is Windows-1252.

    Arrow checks UTF-8 while it reads, so the common case costs one pass over the file.
    """
    head = _head(path)
    if options.encoding:
        return _read_csv_as(path, options, head, options.encoding)
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return _read_csv_as(path, options, head, encoding)
    except _NotUtf8:
        return _read_csv_as(path, options, head, "cp1252")


class _NotUtf8(Exception):
    pass


def _read_csv_as(path: Path, options: SourceOptions, head: bytes, encoding: str) -> Source:
    strict = encoding.startswith("utf-8") and not options.encoding
    try:
        text_head = head.decode(encoding, errors="strict" if strict and len(head) < (1 << 16) else "replace")
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    text_head = text_head.lstrip("\ufeff")
    for _ in range(options.skip_rows):
        text_head = text_head.split("\n", 1)[1] if "\n" in text_head else ""
    delimiter = options.delimiter or sniff_delimiter(text_head)
    header = next(csv.reader(io.StringIO(text_head.split("\n", 1)[0]), delimiter=delimiter), [])
    names = [h.strip() for h in header]
    if strict and any("\ufffd" in n for n in names):
        raise _NotUtf8
    if not names or not any(names):
        raise InputError(
            "no header line: expected the column names on the first line",
            file=str(path),
            line=1 + options.skip_rows,
        )
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(
            f"column names appear twice in the header: {', '.join(dupes)}",
            file=str(path),
            line=1 + options.skip_rows,
        )
    read = pacsv.ReadOptions(
        encoding="utf8" if encoding.startswith("utf-8") else encoding,
        skip_rows=options.skip_rows + 1,
        column_names=names,
        block_size=16 << 20,
    )
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=None)
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
    )
    try:
        table = pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    except pa.ArrowInvalid as exc:
        if strict and "utf8" in str(exc).lower().replace("-", ""):
            raise _NotUtf8 from None
        raise _csv_error(path, str(exc), encoding, delimiter, options.skip_rows) from None
    lines = _CsvLines(path, encoding, delimiter, options.skip_rows, table.num_rows)
    return Source(str(path), "csv", table, lines, encoding=encoding, delimiter=delimiter)


def _open_bytes(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when it ends in .gz (exports are often sent compressed)."""
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _open_text(path: Path, encoding: str) -> IO[str]:
    return io.TextIOWrapper(_open_bytes(path), encoding=encoding, newline="")


def _head(path: Path, size: int = 1 << 16) -> bytes:
    with _open_bytes(path) as handle:
        return handle.read(size)


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV header: the most frequent of ``;``, ``,``, tab and ``|`` outside quotes.

    >>> sniff_delimiter("date;heure;durée")
    ';'
    """
    line = text.split("\n", 1)[0]
    outside = "".join(part for i, part in enumerate(line.split('"')) if i % 2 == 0)
    counts = {d: outside.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _csv_error(path: Path, message: str, encoding: str, delimiter: str, skip: int) -> InputError:
    # Arrow says "Expected 17 columns, got 16: <row text>" without a line; find the line ourselves.
    if "columns" in message and "Expected" in message:
        with _open_text(path, encoding) as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            for _ in range(skip):
                next(reader, None)
            header = next(reader, [])
            start = reader.line_num + 1
            for row in reader:
                if len(row) != len(header):
                    return InputError(
                        file=str(path),
                        line=start,
                        expected=f"{len(header)} fields as in the header",
                        got=f"{len(row)} fields",
                    )
                start = reader.line_num + 1
    if "UTF8" in message or "UTF-8" in message:
        return InputError("not valid UTF-8: set source.encoding in a mapping file", file=str(path))
    return InputError(f"cannot read as CSV: {message.splitlines()[0]}", file=str(path))


class _CsvLines:
    """Row index → line of the file where the row starts (quoted cells may hold line breaks)."""

    def __init__(self, path: Path, encoding: str, delimiter: str, skip: int, rows: int) -> None:
        self.path, self.encoding, self.delimiter, self.skip, self.rows = path, encoding, delimiter, skip, rows
        self._starts: IntArray | None = None

    def __call__(self, rows: IntArray) -> IntArray:
        rows = np.asarray(rows, dtype=np.int64)
        if self._starts is None:
            self._starts = self._scan()
        return self._starts[rows]

    def _scan(self) -> IntArray:
        first = self.skip + 2  # header line, then data
        if self._physical_lines() == self.rows + self.skip + 1:
            return np.arange(first, first + self.rows, dtype=np.int64)
        starts = np.empty(self.rows, dtype=np.int64)
        with _open_text(self.path, self.encoding) as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            for _ in range(self.skip + 1):
                next(reader, None)
            line = reader.line_num + 1
            for i, _row in enumerate(reader):
                if i >= self.rows:
                    break
                starts[i] = line
                line = reader.line_num + 1
        return starts

    def _physical_lines(self) -> int:
        count, last = 0, b"\n"
        with _open_bytes(self.path) as handle:
            while chunk := handle.read(1 << 24):
                count += chunk.count(b"\n")
                last = chunk[-1:]
        return count + (0 if last == b"\n" else 1)


# --- Parquet and JSON lines -------------------------------------------------------------------


def _read_parquet(path: Path) -> Source:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"cannot read as Parquet: {exc}", file=str(path)) from None
    return Source(str(path), "parquet", table, lambda rows: np.asarray(rows, dtype=np.int64) + 1)


def _read_jsonl(path: Path, options: SourceOptions) -> Source:
    """Arrow's reader for speed; on mixed types or a broken line, Python's, to name the line."""
    encoding = options.encoding or "utf-8"
    table: pa.Table | None = None
    if encoding == "utf-8":
        try:
            table = pajson.read_json(path)
            # Arrow infers timestamps from text, losing whether an offset was written: keep them text.
            stamps = [
                f.name for f in table.schema if pa.types.is_timestamp(f.type) or pa.types.is_date(f.type)
            ]
            if stamps:
                schema = pa.schema([(name, pa.string()) for name in stamps])
                options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
                table = pajson.read_json(path, parse_options=options)
        except pa.ArrowInvalid:
            table = None
    starts = _record_lines(path, encoding, parse=table is None)
    if table is None:
        table = _records_to_table(_records(path, encoding))
    return Source(
        str(path), "jsonl", table, lambda rows: starts[np.asarray(rows, dtype=np.int64)], encoding=encoding
    )


def _record_lines(path: Path, encoding: str, *, parse: bool) -> IntArray:
    """The line of each record (blank lines are skipped); with ``parse``, check each line too."""
    starts: list[int] = []
    with _open_text(path, encoding) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            if parse:
                _parse_line(line, path, number)
            starts.append(number)
    return np.asarray(starts, dtype=np.int64)


def _parse_line(line: str, path: Path, number: int) -> dict[str, object]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} at character {exc.colno}", file=str(path), line=number
        ) from None
    if not isinstance(record, dict):
        raise InputError(
            file=str(path), line=number, expected="a JSON object per line", got=type(record).__name__
        )
    return record


def _records(path: Path, encoding: str) -> list[dict[str, object]]:
    with _open_text(path, encoding) as handle:
        return [_parse_line(line, path, n) for n, line in enumerate(handle, start=1) if line.strip()]


def _records_to_table(records: list[dict[str, object]]) -> pa.Table:
    """Columns in order of first appearance; values kept as JSON scalars rendered to text."""
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(record))
    columns = {}
    for name in names:
        values = []
        for record in records:
            value = record.get(name)
            if value is None or isinstance(value, str):
                values.append(value)
            elif isinstance(value, bool):
                values.append("true" if value else "false")
            elif isinstance(value, int | float):
                values.append(repr(value))
            else:
                values.append(json.dumps(value, ensure_ascii=False))
        columns[name] = pa.array(values, type=pa.string())
    return pa.table(columns)
