"""Readers: CSV (comma, semicolon or tab; UTF-8 or Windows-1252), Parquet and JSON lines.

A reader returns the file's columns as they are (CSV cells as text, nothing converted yet) and a
way back from a row to the line of the file where it starts, so that every error can name it.

What a reader will not guess: a file mixing UTF-8 and another encoding is refused with the lines
that are not UTF-8 (one stray byte once turned a whole UTF-8 file into mojibake); JSON-lines
numbers are kept as the text written (an id of 2^64 once became a float, and two contacts one);
nested values (objects, lists, Parquet structs) are refused with their line.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
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
    if not options.encoding and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("UTF-16 text: save it as UTF-8, or set source.encoding: utf-16", file=str(path))
    if b"\x00" in head and not (options.encoding or "").lower().startswith("utf-16"):
        raise InputError("not a text file (it holds NUL bytes): expected CSV text", file=str(path))
    if options.encoding:
        return _read_csv_as(path, options, head, options.encoding)
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return _read_csv_as(path, options, head, encoding)
    except _NotUtf8:
        _refuse_mixed_encodings(path)
        return _read_csv_as(path, options, head, "cp1252")


# A valid UTF-8 sequence of two to four bytes (beyond ASCII).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _refuse_mixed_encodings(path: Path) -> None:
    """A file that is not UTF-8 is read as Windows-1252 only when no line of it is UTF-8 text
    beyond ASCII; otherwise the lines that are not UTF-8 are named."""
    utf8: list[int] = []
    other: list[int] = []
    with _open_bytes(path) as handle:
        for number, line in enumerate(handle, start=1):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                other.append(number)
            else:
                if _UTF8_SEQUENCE.search(line):
                    utf8.append(number)
    if utf8 and other:
        shown = ", ".join(map(str, other[:10])) + (f" and {len(other) - 10} more" if len(other) > 10 else "")
        raise InputError(
            f"mixes encodings: {len(utf8)} line(s) are UTF-8 (first: line {utf8[0]}) and line(s) {shown} "
            "are not; fix those lines, or set source.encoding in a mapping",
            file=str(path),
            line=other[0],
        )


class _NotUtf8(Exception):
    pass


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _read_csv_as(path: Path, options: SourceOptions, head: bytes, encoding: str) -> Source:
    strict = encoding.startswith("utf-8") and not options.encoding
    try:
        text_head = head.decode(encoding, errors="strict" if strict and len(head) < (1 << 16) else "replace")
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    text_head = text_head.lstrip("\ufeff")
    head_lines = _NEWLINE.split(text_head, maxsplit=options.skip_rows + 1)  # CR, LF or CRLF
    first = head_lines[options.skip_rows] if len(head_lines) > options.skip_rows else ""
    delimiter = options.delimiter or sniff_delimiter(first)
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    except csv.Error as exc:
        raise InputError(
            f"cannot read the header as CSV: {exc}", file=str(path), line=1 + options.skip_rows
        ) from None
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
    except UnicodeDecodeError as exc:  # a byte the encoding does not have (0x8D in Windows-1252)
        raise InputError(
            f"not {'UTF-8 nor Windows-1252' if not options.encoding else encoding} text "
            f"(byte 0x{exc.object[exc.start]:02X}): set source.encoding in a mapping",
            file=str(path),
        ) from None
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
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"cannot read as Parquet: {str(exc).splitlines()[0][:200]}", file=str(path)
        ) from None
    source = Source(str(path), "parquet", table, lambda rows: np.asarray(rows, dtype=np.int64) + 1)
    _refuse_nested(source)
    return source


def _refuse_nested(source: Source) -> None:
    """An object, list or map in a column is refused with the line of its first value."""
    for field, column in zip(source.table.schema, source.table.columns, strict=True):
        if pa.types.is_nested(field.type) or (
            pa.types.is_dictionary(field.type) and pa.types.is_nested(field.type.value_type)
        ):
            present = np.flatnonzero(column.is_valid().to_numpy(zero_copy_only=False))
            if present.size:
                line = int(source.line_of(present[:1])[0])
                raise InputError(
                    file=source.file,
                    line=line,
                    field=field.name,
                    expected="one value (text, number, boolean or time)",
                    got=f"a nested value ({field.type})",
                )


def _read_jsonl(path: Path, options: SourceOptions) -> Source:
    """Arrow's reader for speed; Python's (numbers kept as the text written) on mixed types, a
    broken line to name, or a column of decimal numbers (where Arrow puts integers beyond 2^63
    too, losing digits)."""
    encoding = options.encoding or "utf-8"
    table: pa.Table | None = None
    starts, objects = _record_lines(path, encoding)
    # Arrow only on a file of one object per line: it crashes the process on a line "null".
    if encoding == "utf-8" and objects and starts.size:
        try:
            table = pajson.read_json(path)
            if table.num_rows != starts.size:  # two objects on a line: name the line instead
                raise _Inexact
            if any(pa.types.is_floating(f.type) for f in table.schema):
                raise _Inexact
            # Arrow infers timestamps from text, losing whether an offset was written: keep them text.
            stamps = [
                f.name for f in table.schema if pa.types.is_timestamp(f.type) or pa.types.is_date(f.type)
            ]
            if stamps:
                schema = pa.schema([(name, pa.string()) for name in stamps])
                options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
                table = pajson.read_json(path, parse_options=options)
        except (pa.ArrowInvalid, _Inexact):
            table = None
    if table is None:
        table = _records_to_table(_records(path, encoding), path, starts)
    source = Source(
        str(path), "jsonl", table, lambda rows: starts[np.asarray(rows, dtype=np.int64)], encoding=encoding
    )
    _refuse_nested(source)
    return source


class _Inexact(Exception):
    """Arrow read a column as floating point: read the numbers as written instead."""


def _record_lines(path: Path, encoding: str) -> tuple[IntArray, bool]:
    """The line of each record (blank lines are skipped), and whether each one is an object."""
    starts: list[int] = []
    objects = True
    number = 0
    try:
        with _open_text(path, encoding) as handle:
            for number, line in enumerate(handle, start=1):
                text = line.lstrip()
                if not text:
                    continue
                objects = objects and text.startswith("{")
                starts.append(number)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not {encoding} text ({exc.reason}): set source.encoding in a mapping",
            file=str(path),
            line=number + 1,
        ) from None
    return np.asarray(starts, dtype=np.int64), objects


def _parse_line(line: str, path: Path, number: int) -> dict[str, object]:
    try:
        # Numbers stay the text written: 18446744073709551617 and 0.10 come through as written.
        record = json.loads(line, parse_int=str, parse_float=str, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} at character {exc.colno}", file=str(path), line=number
        ) from None
    if not isinstance(record, dict):
        raise InputError(
            file=str(path), line=number, expected="a JSON object per line", got=line.strip()[:40]
        )
    return record


def _records(path: Path, encoding: str) -> list[dict[str, object]]:
    with _open_text(path, encoding) as handle:
        return [_parse_line(line, path, n) for n, line in enumerate(handle, start=1) if line.strip()]


def _constant(name: str) -> str:
    return name  # NaN and Infinity: text, refused later where a number is expected


def _records_to_table(records: list[dict[str, object]], path: Path, starts: IntArray) -> pa.Table:
    """Columns in order of first appearance; scalars as the text written, nested values refused."""
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(record))
    columns = {}
    for name in names:
        values: list[str | None] = []
        for i, record in enumerate(records):
            value = record.get(name)
            if value is None or isinstance(value, str):
                values.append(value)
            elif isinstance(value, bool):
                values.append("true" if value else "false")
            else:
                raise InputError(
                    file=str(path),
                    line=int(starts[i]),
                    field=name,
                    expected="one value (text, number, boolean or time)",
                    got="a nested value (an object or a list)",
                )
        columns[name] = pa.array(values, type=pa.string())
    return pa.table(columns)
