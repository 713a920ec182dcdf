"""Readers: CSV (comma, semicolon or tab; UTF-8 or Windows-1252), Parquet and JSON lines.

A reader returns a `Source`: the file's columns as they are (CSV cells as text, nothing converted
yet), read in chunks of rows on demand (only the columns asked for: a CSV's other cells are
skipped, a Parquet file's other columns never decoded), and a way back from a row to the line of
the file where it starts, so that every error can name it. Memory holds one chunk at a time (and
the next one, read ahead in a thread), whatever the size of the file.

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
import queue
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from arbitre._types import IntArray
from arbitre.errors import InputError
from arbitre.ingest.mapping import SourceOptions, quote_ident, sql_literal

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


# Rows per chunk handed to validation: about 45 MB of CSV text; memory holds one or two at once.
CHUNK_ROWS = 1 << 18
# Bytes of CSV text Arrow parses at a time (a batch; a chunk is made of batches).
CSV_BLOCK_BYTES = 16 << 20

# Bytes of CSV text DuckDB's reader holds per buffer (a thread reads one at a time; its default,
# 32 MiB, would take half of a small memory limit alone). A line may not be longer than 2 MiB.
CSV_SCAN_BUFFER_BYTES = 8 << 20

Batches = Callable[[Sequence[str] | None], Iterator[pa.RecordBatch]]


@dataclass
class Source:
    """The raw columns of one file, read in chunks, and where each row starts in it.

    ``table`` holds the whole file when it was read at once (JSON lines, or a table built in
    Python); otherwise ``batches`` reads the file again each time it is called, only the columns
    asked for. ``rows`` is known once a chunked read went to the end.
    """

    file: str
    format: str
    table: pa.Table | None
    line_of: Callable[[IntArray], IntArray]
    encoding: str | None = None
    delimiter: str | None = None
    schema: pa.Schema = field(default_factory=lambda: pa.schema([]))
    batches: Batches | None = None
    rows: int | None = None
    # A CSV read as UTF-8 that turns out not to be: how to read it again as Windows-1252.
    fallback: Callable[[], Source] | None = None
    # The file as DuckDB reads it itself, ``columns`` and ``__row`` (its position), when it can:
    # a Parquet file (only those columns decoded) or a UTF-8 CSV, read in parallel.
    scan_sql: Callable[[Sequence[str]], str] | None = None
    # The same without the positions (``__row`` NULL), every step of the read in parallel: for a
    # first pass that finds nothing to name (a CSV's positions number the rows in one thread).
    fast_scan_sql: Callable[[Sequence[str]], str] | None = None
    # The rows a CSV holds when none spans lines: its lines less the header and those skipped.
    # DuckDB's reader once dropped a 17 MiB last line without a word: its count must be this.
    rows_by_lines: Callable[[], int] | None = None

    def __post_init__(self) -> None:
        if self.table is not None:
            self.schema = self.table.schema
            self.rows = self.table.num_rows

    @property
    def names(self) -> list[str]:
        return list(self.schema.names)

    def chunks(self, columns: Sequence[str] | None = None, rows: int | None = None) -> Iterator[pa.Table]:
        """The file's rows in order, about ``rows`` at a time (`CHUNK_ROWS`), with ``columns``
        only (all by default); at least one chunk, empty for a file of no rows.

        Raises `Reencoded` when a CSV read as UTF-8 is not (the source then reads as
        Windows-1252: start again).
        """
        rows = rows or CHUNK_ROWS
        names = list(columns) if columns is not None else self.names
        schema = pa.schema([self.schema.field(n) for n in names])
        if self.table is not None:
            table = self.table.select(names)
            for start in range(0, max(table.num_rows, 1), rows):
                yield table.slice(start, rows)
            return
        assert self.batches is not None
        pending: list[pa.RecordBatch] = []
        count = total = 0
        try:
            for batch in _read_ahead(self.batches(names)):
                pending.append(batch)
                count += batch.num_rows
                if count >= rows:
                    yield pa.Table.from_batches(pending, schema=schema)
                    total += count
                    pending, count = [], 0
        except _NotUtf8:
            if self.fallback is None:
                raise InputError(
                    "not valid UTF-8: set source.encoding in a mapping file", file=self.file
                ) from None
            _refuse_mixed_encodings(Path(self.file))
            other = self.fallback()
            self.table, self.batches, self.line_of, self.encoding = (
                None,
                other.batches,
                other.line_of,
                other.encoding,
            )
            self.fallback = None
            raise Reencoded from None
        if pending or total == 0:
            yield pa.Table.from_batches(pending, schema=schema)
        self.rows = total + count

    def take(self, rows: IntArray, columns: Sequence[str] | None = None) -> pa.Table:
        """The rows at ``rows`` (sorted indices), read again from the file, with ``__row``."""
        rows = np.asarray(rows, dtype=np.int64)
        taken: list[pa.Table] = []
        offset = 0
        for chunk in self.chunks(columns):
            inside = rows[(rows >= offset) & (rows < offset + chunk.num_rows)]
            if inside.size:
                picked = chunk.take(pa.array(inside - offset))
                taken.append(picked.append_column("__row", pa.array(inside)))
            offset += chunk.num_rows
            if rows.size == 0 or offset > rows[-1]:
                break
        if not taken:
            names = list(columns) if columns is not None else self.names
            fields = [self.schema.field(n) for n in names]
            return pa.schema([*fields, pa.field("__row", pa.int64())]).empty_table()
        return pa.concat_tables(taken)


class Reencoded(Exception):
    """The file was not UTF-8 after all: it now reads as Windows-1252; read it again."""


def _read_ahead(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``batches``, read in a thread one step ahead of the consumer (Arrow's readers release
    the GIL: reading the file overlaps with what is done with the previous batch)."""
    slots: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=4)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        slots.put(("batch", batch), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(("end", None))
        except BaseException as exc:  # handed over to the consumer, raised there
            slots.put(("error", exc))

    thread = threading.Thread(target=produce, name="arbitre-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = slots.get()
            if kind == "end":
                return
            if kind == "error":
                assert isinstance(value, BaseException)
                raise value
            assert isinstance(value, pa.RecordBatch)
            yield value
    finally:
        stop.set()
        while thread.is_alive():  # let the producer see the stop (drain what it put meanwhile)
            try:
                slots.get(timeout=0.05)
            except queue.Empty:
                pass
        thread.join()


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
        source = _read_csv(path, options)
    elif fmt == "parquet":
        source = _read_parquet(path)
    else:
        source = _read_jsonl(path, options)
    _refuse_names_differing_in_case(source)
    return source


def _refuse_names_differing_in_case(source: Source) -> None:
    """SQL names columns without case: ``flow`` and ``FLOW`` would read as one column."""
    seen: dict[str, str] = {}
    for name in source.names:
        other = seen.setdefault(name.lower(), name)
        if other != name:
            raise InputError(
                f"column names {other!r} and {name!r} differ only in case: rename one", file=source.file
            )


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
        source = _read_csv_as(path, options, head, encoding)
    except _NotUtf8:
        _refuse_mixed_encodings(path)
        return _read_csv_as(path, options, head, "cp1252")
    source.fallback = lambda: _read_csv_as(path, options, head, "cp1252")
    return source


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
        block_size=CSV_BLOCK_BYTES,
    )
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=None)

    def batches(columns: Sequence[str] | None) -> Iterator[pa.RecordBatch]:
        convert = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            include_columns=list(columns or names),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        )
        try:
            yield from pacsv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert)
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

    lines = _CsvLines(path, encoding, delimiter, options.skip_rows)
    source = Source(
        str(path),
        "csv",
        None,
        lines,
        encoding=encoding,
        delimiter=delimiter,
        schema=pa.schema([(n, pa.string()) for n in names]),
        batches=batches,
    )
    if _scannable_csv(path, encoding):
        source.scan_sql = _csv_scan(path, names, delimiter, options.skip_rows, numbered=True)
        source.fast_scan_sql = _csv_scan(path, names, delimiter, options.skip_rows, numbered=False)
        source.rows_by_lines = lambda: lines.physical_lines() - options.skip_rows - 1
    lines.source = source
    return source


def _scannable_csv(path: Path, encoding: str) -> bool:
    """Whether DuckDB may read the file itself: UTF-8 text, at a path it takes literally (it
    would expand ``*``, ``?``, ``[`` and ``{`` as a pattern of several files)."""
    return encoding.startswith("utf-8") and not any(c in str(path) for c in "*?[]{}")


def _csv_scan(
    path: Path, names: list[str], delimiter: str, skip: int, *, numbered: bool
) -> Callable[[Sequence[str]], str]:
    """The file read by DuckDB's own CSV reader: ``columns`` as text, every cell as written (an
    empty cell is ``''``, as Arrow reads it), and ``__row``, each row's position when
    ``numbered`` (NULL otherwise).

    The dialect is the one already found (delimiter, ``"`` quotes doubled inside, the header
    skipped), nothing sniffed again; strict, so a row with more or fewer fields, an unclosed
    quote or bytes that are not UTF-8 fail the scan, and the caller then reads the file with
    Arrow, which names the line. DuckDB keeps the file's order, so ``row_number() OVER ()``
    numbers the rows as Arrow does; but that streaming window runs in one thread, and so does
    everything in its pipeline: unnumbered, the file is parsed and checked on every core.
    """
    position = "row_number() OVER () - 1" if numbered else "CAST(NULL AS BIGINT)"
    types = ", ".join(f"{sql_literal(n)}: 'VARCHAR'" for n in names)
    reader = (
        f"read_csv({sql_literal(str(path))}, columns = {{{types}}}, header = false, skip = {skip + 1}, "
        f"delim = {sql_literal(delimiter)}, quote = '\"', escape = '\"', auto_detect = false, "
        f"strict_mode = true, parallel = true, buffer_size = {CSV_SCAN_BUFFER_BYTES})"
    )

    def scan_sql(columns: Sequence[str]) -> str:
        cells = "".join(f"coalesce({quote_ident(c)}, '') AS {quote_ident(c)}, " for c in columns)
        return f"SELECT {cells}{position} AS __row FROM {reader}"

    return scan_sql


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

    def __init__(self, path: Path, encoding: str, delimiter: str, skip: int) -> None:
        self.path, self.encoding, self.delimiter, self.skip = path, encoding, delimiter, skip
        self.source: Source | None = None  # its rows are known once it was read through
        self._starts: IntArray | None = None
        self._lines: int | None = None

    def __call__(self, rows: IntArray) -> IntArray:
        rows = np.asarray(rows, dtype=np.int64)
        if self._starts is None:
            self._starts = self._scan()
        return self._starts[rows]

    def _scan(self) -> IntArray:
        first = self.skip + 2  # header line, then data
        count = self.source.rows if self.source is not None else None
        if count is None:  # not read through yet: count the records
            count = self._records()
        if self.physical_lines() == count + self.skip + 1:
            return np.arange(first, first + count, dtype=np.int64)
        starts = np.empty(count, dtype=np.int64)
        with _open_text(self.path, self.encoding) as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            for _ in range(self.skip + 1):
                next(reader, None)
            line = reader.line_num + 1
            for i, _row in enumerate(reader):
                if i >= count:
                    break
                starts[i] = line
                line = reader.line_num + 1
        return starts

    def _records(self) -> int:
        with _open_text(self.path, self.encoding) as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            return max(0, sum(1 for _ in reader) - self.skip - 1)

    def physical_lines(self) -> int:
        """The lines of the file (the last one counted even without its line break), counted once."""
        if self._lines is None:
            self._lines = self._count_lines()
        return self._lines

    def _count_lines(self) -> int:
        count, last = 0, b"\n"
        with _open_bytes(self.path) as handle:
            while chunk := handle.read(1 << 24):
                count += chunk.count(b"\n")
                last = chunk[-1:]
        return count + (0 if last == b"\n" else 1)


# --- Parquet and JSON lines -------------------------------------------------------------------


def _read_parquet(path: Path) -> Source:
    """A Parquet file, read row group by row group, only the columns asked for."""

    def cannot(exc: BaseException) -> InputError:
        return InputError(f"cannot read as Parquet: {str(exc).splitlines()[0][:200]}", file=str(path))

    try:
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError) as exc:
        raise cannot(exc) from None

    def batches(columns: Sequence[str] | None) -> Iterator[pa.RecordBatch]:
        try:
            yield from pq.ParquetFile(path).iter_batches(batch_size=1 << 16, columns=columns)
        except (pa.ArrowException, OSError) as exc:
            raise cannot(exc) from None

    def scan_sql(columns: Sequence[str]) -> str:
        names = ", ".join(quote_ident(c) for c in columns)
        return (
            f"SELECT {names}{', ' if names else ''}file_row_number AS __row "
            f"FROM read_parquet({sql_literal(str(path))}, file_row_number = true)"
        )

    source = Source(
        str(path),
        "parquet",
        None,
        lambda rows: np.asarray(rows, dtype=np.int64) + 1,
        schema=schema,
        batches=batches,
        rows=parquet.metadata.num_rows,
        # DuckDB adds its own ``file_row_number``: a file holding one is read by Arrow.
        scan_sql=scan_sql if _scannable(schema.names) else None,
    )
    _refuse_nested(source)
    return source


def _scannable(names: Sequence[str]) -> bool:
    return "file_row_number" not in (n.lower() for n in names)


def _refuse_nested(source: Source) -> None:
    """An object, list or map in a column is refused with the line of its first value."""
    for column in source.schema:
        if pa.types.is_nested(column.type) or (
            pa.types.is_dictionary(column.type) and pa.types.is_nested(column.type.value_type)
        ):
            present = np.zeros(0, dtype=np.int64)
            offset = 0
            for chunk in source.chunks([column.name]):
                present = np.flatnonzero(chunk.column(0).is_valid().to_numpy(zero_copy_only=False)) + offset
                offset += chunk.num_rows
                if present.size:
                    break
            if present.size:
                line = int(source.line_of(present[:1])[0])
                raise InputError(
                    file=source.file,
                    line=line,
                    field=column.name,
                    expected="one value (text, number, boolean or time)",
                    got=f"a nested value ({column.type})",
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
