"""Map, convert and check every row of a source against the interaction record, in one SQL pass.

The source's columns are mapped (``mapping.py``) into a table of raw values, then converted to
their types with a flag per check. Only the rows with a raised flag come back to Python, where
they become `RowError`s naming file, line, column and reason — every error of every row, not
only the first. The good rows stay in DuckDB for the next steps.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from arbitre._types import IntArray
from arbitre.domain.channels import CHANNELS
from arbitre.domain.interactions import BY_NAME, COLUMNS, NATURAL_KEY, Column
from arbitre.errors import InputError, RowError
from arbitre.ingest.mapping import (
    Compiled,
    Mapping,
    check_columns,
    compile_expressions,
    quote_ident,
    sql_literal,
)
from arbitre.ingest.readers import Reencoded, Source
from arbitre.ingest.sandbox import sandbox
from arbitre.store.duck import sql_type

# Size limits of one value: a name or an id, a free text (a transcript of 16 MiB is a long book).
MAX_NAME_CHARS = 1_000
MAX_TEXT_BYTES = 16 * 1024 * 1024
# Ids are kept as the text written: never through a floating-point number.
ID_COLUMNS = ("contact_id", "agent_id", "customer_id")
TRUE_WORDS = ("true", "1", "yes", "y", "t", "oui", "o", "vrai", "x")
FALSE_WORDS = ("false", "0", "no", "n", "f", "non", "faux", "")
# A real offset: from -14:00 to +14:00 (+25:00 once went through and broke every later command).
_TS_WITH_OFFSET = (
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]((0\d|1[0-3])(:?[0-5]\d)?|14(:?00)?))$"
)
# Instants a contact can have: one dated 0001 or 9999 once broke map, forecast and plan for good.
EARLIEST, LATEST = "1970-01-01 00:00:00+00", "2100-01-01 00:00:00+00"
# Names and ids are printed, charted and written to files: no control characters in them.
_CONTROL = "expected text without control characters"
_CONTROL_RE = "'[\\x00-\\x1f\\x7f]'"
_TS_NAIVE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"
# The usual shape among those, ``2025-03-30T01:59:59+01:00``, tested by position (a regular
# expression costs more than the conversion): 25 characters, an offset's hours below 14 and its
# minutes below 60; the conversion that follows checks that every other position is a digit.
_TS_USUAL = (
    "({x} LIKE '____-__-__T__:__:__+__:__' OR {x} LIKE '____-__-__T__:__:__-__:__') "
    "AND substr({x}, 21, 2) BETWEEN '00' AND '13' AND substr({x}, 24, 2) BETWEEN '00' AND '59'"
)


def _trimmed(text: str) -> str:
    """``text`` without its surrounding spaces, NULL when nothing is left, as
    ``NULLIF(trim(text), '')``; trimming (a copy of the text) only where it changes something:
    an ASCII text starting or ending with a space, or one that is not ASCII (trim also removes
    Unicode spaces).
    """
    return (
        f"(CASE WHEN {text} = '' THEN NULL WHEN {text} LIKE ' %' OR {text} LIKE '% ' "
        f"OR strlen({text}) <> length({text}) THEN NULLIF(trim({text}), '') ELSE {text} END)"
    )


@dataclass(frozen=True)
class Check:
    """One check: the flag column, the canonical column it is about, and the reason."""

    flag: str
    column: str
    reason: str


@dataclass
class Validated:
    """The outcome of validation: good rows in ``con`` as table ``clean``, and every error."""

    con: duckdb.DuckDBPyConnection
    rows_read: int
    filtered: int
    duplicates: int
    errors: list[RowError]
    rejected: IntArray
    extra_columns: list[str] = field(default_factory=list)

    @property
    def clean_rows(self) -> int:
        return _count(self.con, "clean")


def validate(
    source: Source,
    mapping: Mapping,
    con: duckdb.DuckDBPyConnection,
    *,
    columns: Collection[str] | None = None,
    replace: dict[str, str] | None = None,
    add: dict[str, str] | None = None,
    positions: bool = True,
) -> Validated:
    """Map and check ``source``; leaves table ``clean`` (canonical columns, ``extra``, ``__row``)
    in ``con``, which the caller drops when done.

    The file is read chunk by chunk (`Source.chunks`): each chunk is mapped, converted and
    checked on a `sandbox` connection (the chunk's own rows are all it can see), and its rows
    come back to ``con``, so that memory holds a chunk, not the file. Every check runs on every
    row; only the rows an error flags are read again, to show their values.

    ``columns``: the canonical columns the caller reads (default: every one). The others are NULL
    and neither read nor checked (a KPI needs no transcript); the natural key is always checked,
    and rows sharing one are compared on every column. ``replace`` and ``add``: SQL expressions
    computed in ``con`` as the checked rows arrive (``replace`` over the checked values, ``add``
    over the replaced ones): pseudonyms are computed there, where the key is, never in the
    sandbox. ``positions=False``: ``__row`` may be NULL in ``clean`` when no row is rejected
    (the import, which needs positions only to name errors): a CSV is then checked on every core
    first, and read again with its positions only when something must be named.
    """
    names = source.names
    check_columns(mapping, names, file=source.file)
    compiled = compile_expressions(mapping, names)
    tz = str(con.execute("SELECT current_setting('TimeZone')").fetchall()[0][0])
    wanted = [c for c in COLUMNS if columns is None or c.name in columns or c.name in NATURAL_KEY]
    # Only a mapping's expressions are SQL of its author: they run in the sandbox. A file read
    # as it is, or through names, constants and value maps (quoted literals), is checked on
    # ``con`` itself, without copying every row out of the sandbox.
    expressions = bool(compiled.derive or compiled.exprs or compiled.where)
    while True:
        box = sandbox(tz) if expressions else None
        try:
            checked = _check_rows(
                source,
                mapping,
                compiled,
                box or con,
                con,
                wanted=wanted,
                replace=replace or {},
                add=add or {},
                fast=not positions,
            )
        except Reencoded:  # the file was not UTF-8: it now reads as Windows-1252, from the start
            continue
        except _ReadEverything:  # rows share a key: compare them on every column, as an import does
            wanted = list(COLUMNS)
            continue
        except _ScanFailed:  # DuckDB could not read the CSV: Arrow reads it, and names what is wrong
            source.scan_sql = source.fast_scan_sql = None
            continue
        except _NeedRows:  # the pass without positions found something to name: again, numbered
            source.fast_scan_sql = None
            continue
        finally:
            if box is not None:
                box.close()
        return checked


def _check_rows(
    source: Source,
    mapping: Mapping,
    compiled: Compiled,
    box: duckdb.DuckDBPyConnection,
    con: duckdb.DuckDBPyConnection,
    *,
    wanted: list[Column],
    replace: dict[str, str],
    add: dict[str, str],
    fast: bool = False,
) -> Validated:
    names = source.names
    used = _used_columns(mapping, compiled) | set(BY_NAME)
    keep_extra = len(wanted) == len(COLUMNS)
    extra = [n for n in names if n not in used] if keep_extra else []
    read = _read_columns(mapping, compiled, names, wanted, extra)
    where = f"WHERE ({compiled.where})" if compiled.where else ""
    types = {n: str(source.schema.field(n).type) for n in read}
    types.update(dict.fromkeys(mapping.derive, "derived"))
    derived = ", ".join(f"({expr}) AS {quote_ident(name)}" for name, expr in compiled.derive.items())
    from_sql = f"(SELECT *, {derived} FROM src_raw) AS src" if derived else "src_raw"
    mapped = _mapped_columns(mapping, compiled, types, wanted, extra)
    decimal = _decimal(mapping, source)
    rows_read = 0
    checks: list[Check] = []
    # Checked in place, a Parquet file is read by DuckDB itself, in one parallel scan; otherwise
    # chunk by chunk (`None`: the scan).
    fast_scan = source.fast_scan_sql if fast else None
    scanner = (fast_scan or source.scan_sql) if box is con else None
    scan = scanner(read) if scanner is not None else None
    unordered = scan is not None and fast_scan is not None
    if unordered:  # rows without positions: in any order, so that no thread waits for another
        con.execute("SET preserve_insertion_order = false")
    try:
        for chunk in [None] if scan is not None else source.chunks(read):
            if chunk is None:
                box.execute(f"CREATE OR REPLACE TEMP VIEW src_raw AS {scan}")
            else:
                rows = np.arange(rows_read, rows_read + chunk.num_rows, dtype=np.int64)
                box.register("src_raw", chunk.append_column("__row", pa.array(rows)))
            if not checks:  # the first chunk: the views, once the source's types are known
                box.execute(
                    f"CREATE OR REPLACE TEMP VIEW mapped AS SELECT __row, {mapped} FROM {from_sql} {where}"
                )
                mapped_types = {r[0]: str(r[1]) for r in box.sql("DESCRIBE mapped").fetchall()}
                _refuse_float_ids(mapped_types, source)
                typed, checks, flags = _typed_select(mapping, mapped_types, decimal=decimal, wanted=wanted)
                errs = ", ".join(f"CASE WHEN {c.flag} THEN {i} END" for i, c in enumerate(checks))
                box.execute(
                    "CREATE OR REPLACE TEMP VIEW typed AS SELECT __row, "
                    f"{', '.join(quote_ident(c.name) for c in COLUMNS)}, extra, "
                    f"CASE WHEN {' OR '.join(c.flag for c in checks)} "
                    f"THEN list_filter([{errs}], lambda x: x IS NOT NULL) END AS __errs "
                    f"FROM (SELECT *, {', '.join(flags)} FROM ({typed}))"
                )
            if box is con:  # checked in place
                rows_in = "typed"
            else:  # the checked rows, out of the sandbox
                out = box.sql("SELECT * FROM typed").to_arrow_table()
                box.unregister("src_raw")
                con.register("checked_rows", out)
                rows_in = "checked_rows"
            select = f"SELECT * FROM {rows_in}"
            if replace:
                select = f"SELECT * REPLACE ({', '.join(f'{e} AS {quote_ident(n)}' for n, e in replace.items())}) FROM ({select})"
            if add:
                select = f"SELECT *, {', '.join(f'{e} AS {quote_ident(n)}' for n, e in add.items())} FROM ({select})"
            if rows_read == 0:
                con.execute(f"CREATE OR REPLACE TEMP TABLE clean AS {select}")
            else:
                con.execute(f"INSERT INTO clean {select}")
            if chunk is None:
                con.execute("DROP VIEW src_raw")
                if source.rows is None:  # a CSV read by DuckDB: no filter in place, every row is kept
                    counted = _count(con, "clean")
                    if source.rows_by_lines is None or counted != source.rows_by_lines():
                        raise _ScanFailed  # a row spanning lines, a blank line, or one DuckDB dropped
                    source.rows = counted
                rows_read = source.rows
            else:
                con.unregister("src_raw" if box is con else "checked_rows")
                rows_read += chunk.num_rows
            del chunk
    except _ScanFailed:
        con.execute("DROP VIEW IF EXISTS src_raw")
        con.execute("DROP TABLE IF EXISTS clean")
        raise
    except duckdb.Error as exc:
        if scan is not None and source.format == "csv":
            con.execute("DROP VIEW IF EXISTS src_raw")
            raise _ScanFailed from None
        raise InputError(
            f"the mapping does not apply to this file: {_first_line(exc)}", file=source.file
        ) from None
    finally:
        if unordered:
            con.execute("RESET preserve_insertion_order")
    filtered = rows_read - _count(con, "clean")
    key = ", ".join(quote_ident(k) for k in NATURAL_KEY)
    not_null = " AND ".join(f"{quote_ident(k)} IS NOT NULL" for k in NATURAL_KEY)
    # The keys seen twice: first their hashes (a group of numbers, not of texts), then the few
    # rows whose hash repeats, grouped by the key itself (two keys can share a hash).
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE repeated_keys AS "
        f"SELECT {key} FROM clean WHERE {not_null} AND hash({key}) IN ("
        f"SELECT h FROM (SELECT hash({key}) AS h FROM clean WHERE {not_null}) GROUP BY h HAVING count(*) > 1) "
        f"GROUP BY {key} HAVING count(*) > 1"
    )
    if unordered:  # rows without their positions
        if _count(con, "repeated_keys") or _count(con, "(SELECT 1 FROM clean WHERE __errs IS NOT NULL)"):
            con.execute("DROP TABLE clean")
            raise _NeedRows
    if len(wanted) < len(COLUMNS) and _count(con, "repeated_keys"):
        raise _ReadEverything
    errors, rejected = _collect(con, box, source, checks, read)
    duplicates, dup_errors, dup_rows = _duplicates(con, source)
    errors.extend(dup_errors)
    rejected = np.union1d(rejected, dup_rows)
    con.execute("CREATE OR REPLACE TEMP TABLE rejected_rows AS SELECT __row FROM dup_drop")
    if rejected.size:
        con.register("rejected_list", pa.table({"__row": pa.array(rejected, type=pa.int64())}))
        con.execute("INSERT INTO rejected_rows SELECT __row FROM rejected_list")
        con.unregister("rejected_list")
    if _count(con, "rejected_rows"):
        con.execute("DELETE FROM clean WHERE __row IN (SELECT __row FROM rejected_rows)")
    order = {name: i for i, name in enumerate(BY_NAME)}
    errors.sort(key=lambda e: (e.line, order.get(e.column, len(order))))
    return Validated(con, rows_read, filtered, duplicates, errors, rejected, extra)


def checked_in_place(
    source: Source, mapping: Mapping, con: duckdb.DuckDBPyConnection, *, columns: Collection[str]
) -> str | None:
    """The checked rows of ``source`` (``__row`` and the canonical columns, those not in
    ``columns`` NULL) as a query over the file itself, when DuckDB scans the file in place (a
    Parquet file read without mapping expressions) and finds no row an error flags and no key
    twice; None otherwise: `validate` then names every error, as it always does.

    Nothing is materialised: one aggregate pass counts the flagged rows (every check of
    `validate`, the same conversions) and the distinct keys, and the caller's query scans the
    file again through the same conversions. A clean file, the usual case, is read twice by
    columns instead of copied into a table and read back.
    """
    if source.scan_sql is None or source.format != "parquet":  # a CSV is checked by `validate`
        return None
    names = source.names
    check_columns(mapping, names, file=source.file)
    compiled = compile_expressions(mapping, names)
    if compiled.derive or compiled.exprs or compiled.where:  # the author's SQL runs in the sandbox
        return None
    wanted = [c for c in COLUMNS if c.name in columns or c.name in NATURAL_KEY]
    read = _read_columns(mapping, compiled, names, wanted, [])
    types = {n: str(source.schema.field(n).type) for n in read}
    mapped = f"SELECT __row, {_mapped_columns(mapping, compiled, types, wanted, [])} FROM ({source.scan_sql(read)})"
    key = ", ".join(quote_ident(k) for k in NATURAL_KEY)
    not_null = " AND ".join(f"{quote_ident(k)} IS NOT NULL" for k in NATURAL_KEY)
    try:
        mapped_types = {str(r[0]): str(r[1]) for r in con.sql(f"DESCRIBE {mapped}").fetchall()}
        _refuse_float_ids(mapped_types, source)
        typed, checks, flags = _typed_select(
            mapping, mapped_types, decimal=_decimal(mapping, source), wanted=wanted, rows=f"({mapped})"
        )
        # Whether any row is flagged: every check, but for the control characters of the names
        # and ids, the conversion's own `__ctrl_any` (one regular expression a row over their
        # concatenation, not one a column; trimming removes spaces only, so the raw values hold
        # the same control characters as the converted ones); `validate` finds which column.
        has_texts = any(c.kind == "string" for c in wanted)
        kept = [f for c, f in zip(checks, flags, strict=True) if c.reason != _CONTROL or not has_texts]
        if has_texts and len(kept) < len(flags):
            kept.append("coalesce(__ctrl_any, FALSE) AS __ctrl")
        any_flag = " OR ".join(f.rsplit(" AS ", 1)[1] for f in kept)
        # In the same pass, the keys: as many distinct hashes as keys, or some key (or only its
        # hash) is seen twice.
        flagged, keys, distinct = con.sql(
            f"SELECT count(*) FILTER (WHERE {any_flag}), count(*) FILTER (WHERE {not_null}), "
            f"count(DISTINCT hash({key})) FILTER (WHERE {not_null}) "
            f"FROM (SELECT *, {', '.join(kept)} FROM ({typed}))"
        ).fetchall()[0]
    except duckdb.Error:  # `validate` says what does not apply, with the file's name
        return None
    if flagged or distinct < keys:  # errors to name; rows sharing a key, compared by `validate`
        return None
    return f"SELECT __row, {', '.join(quote_ident(c.name) for c in COLUMNS)} FROM ({typed})"


class _ReadEverything(Exception):
    """Some rows of a partly read file share a key: read every column to compare them."""


class _NeedRows(Exception):
    """The pass over a file without row positions found an error or a key twice: read the
    file again with the positions, to name the lines."""


class _ScanFailed(Exception):
    """DuckDB's CSV reader refused the file (a ragged row, bytes not UTF-8…): read it with Arrow."""


def _read_columns(
    mapping: Mapping, compiled: Compiled, names: list[str], wanted: list[Column], extra: list[str]
) -> list[str]:
    """The file's columns the wanted canonical columns come from (in the file's order): their
    rules' columns, every column an expression reads, and the extra columns kept."""
    needed = set(compiled.used) | set(extra)
    for column in wanted:
        rule = mapping.rule(column.name)
        if rule is None:
            needed.add(column.name)
        elif rule.column is not None:
            needed.add(rule.column)
    return [n for n in names if n in needed]


def _mapped_columns(
    mapping: Mapping, compiled: Compiled, types: dict[str, str], wanted: list[Column], extra: list[str]
) -> str:
    """Every canonical column as mapped from the file's (NULL where not wanted), and ``extra``:
    the file's other columns as a JSON object, or NULL."""
    mapped = [
        f"{_raw_expr(c, mapping, compiled, types) if c in wanted else 'CAST(NULL AS VARCHAR)'} AS {quote_ident(c.name)}"
        for c in COLUMNS
    ]
    extra_sql = (
        "CAST(json_object("
        + ", ".join(f"{sql_literal(n)}, {quote_ident(n)}" for n in extra)
        + ") AS VARCHAR)"
        if extra
        else "CAST(NULL AS VARCHAR)"
    )
    return f"{', '.join(mapped)}, {extra_sql} AS extra"


def _decimal(mapping: Mapping, source: Source) -> str:
    return mapping.source.decimal or ("," if source.delimiter == ";" else ".")


def _refuse_float_ids(mapped_types: dict[str, str], source: Source) -> None:
    for name in ID_COLUMNS:
        kind = mapped_types[name]
        if kind.upper() in ("FLOAT", "DOUBLE", "REAL") or kind.startswith("DECIMAL"):
            raise InputError(
                f"{name} comes as {kind.lower()} numbers, which lose digits: expected ids as text or whole numbers",
                file=source.file,
                field=name,
            )


def _used_columns(mapping: Mapping, compiled: Compiled) -> set[str]:
    """Source columns some rule reads (by name, or in an expression), and derived names."""
    used = set(mapping.derive) | compiled.used
    for canonical in mapping.mapped():
        rule = mapping.rule(canonical)
        if rule is not None and rule.column is not None:
            used.add(rule.column)
    return used


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


# --- mapping to raw values --------------------------------------------------------------------


def _raw_expr(column: Column, mapping: Mapping, compiled: Compiled, types: dict[str, str]) -> str:
    rule = mapping.rule(column.name)
    if rule is None:
        return quote_ident(column.name) if column.name in types else "CAST(NULL AS VARCHAR)"
    if rule.value is not None:
        return sql_literal(rule.value)
    expr = quote_ident(rule.column) if rule.column is not None else f"({compiled.exprs[column.name]})"
    if rule.map:
        # Mapped values are text like the source's; conversion to the column's type comes after.
        whens = " ".join(f"WHEN {sql_literal(k)} THEN {_text_literal(v)}" for k, v in rule.map.items())
        expr = f"(CASE trim(CAST({expr} AS VARCHAR)) {whens} ELSE CAST({expr} AS VARCHAR) END)"
    if rule.default is not None:
        expr = f"coalesce(NULLIF(trim(CAST({expr} AS VARCHAR)), ''), {sql_literal(rule.default)})"
    return expr


def _text_literal(value: object) -> str:
    if value is None:
        return "CAST(NULL AS VARCHAR)"
    if isinstance(value, bool):
        return "'true'" if value else "'false'"
    return sql_literal(str(value))


# --- conversion and checks --------------------------------------------------------------------


def _typed_select(
    mapping: Mapping,
    mapped_types: dict[str, str],
    *,
    decimal: str,
    wanted: list[Column],
    rows: str = "mapped",
) -> tuple[str, list[Check], list[str]]:
    """The conversion query over ``rows`` (view ``mapped`` or its query: ``__row``, every column
    converted, its presence flag ``__p_…``, ``extra``), the checks, and the flag expressions of
    the checks.

    Each conversion is a chain of steps, each computed once per row in a projection of its own
    (the trimmed text, then its lower case, then the test…), not an expression repeating its
    inner parts. Flags are computed in an outer projection over the converted values. Columns
    not ``wanted`` are NULL, unchecked.
    """
    tz = mapping.source.timezone
    checks: list[Check] = []
    flags: list[str] = []
    chains: dict[str, list[str]] = {}
    first: list[str] = ["__row", "extra"]
    finals: list[str] = []
    presents: list[str] = []
    texts: list[str] = []  # the names and ids, sought for control characters all at once

    def check(column: str, reason: str, cond: str) -> None:
        flag = f"__e{len(checks)}"
        checks.append(Check(flag, column, reason))
        flags.append(f"coalesce({cond}, FALSE) AS {flag}")

    for column in COLUMNS:
        raw = quote_ident(column.name)
        if column not in wanted:
            finals.append(f"CAST(NULL AS {sql_type(column)}) AS {raw}")  # the type it converts to
            continue
        rule = mapping.rule(column.name)
        kind_sql = mapped_types[column.name].upper()
        is_text = kind_sql in ("VARCHAR", "NULL", '"NULL"')
        work = quote_ident("__w_" + column.name)
        present = f"__p_{column.name}"
        if is_text:  # the trimmed text, once: presence and most conversions start from it
            first.append(f"{_trimmed(f'CAST({raw} AS VARCHAR)')} AS {present}_t")
            presents.append(f"{present}_t IS NOT NULL AS {present}")
            start = f"{present}_t"
        else:
            first.append(f"{raw} IS NOT NULL AS {present}")
            presents.append(present)
            start = raw
        steps = _convert(
            column,
            kind_sql,
            tz=tz,
            decimal=decimal,
            fmt=rule.format if rule else None,
            duration=rule.duration if rule else None,
        )
        source = raw if column.kind == "text" or not is_text else start
        first.append(f"{steps[0].replace('{x}', source)} AS {work}")
        chains[column.name] = steps[1:]
        finals.append(f"{work} AS {raw}")
        if column.required:
            check(column.name, "required value missing", f"NOT {present}")
        reason = "expected " + column.expected
        if column.kind == "timestamp" and tz is None:
            reason += " (a file without offsets needs source.timezone in a mapping)"
        check(column.name, reason, f"{present} AND {raw} IS NULL")
        if column.kind == "string":  # names and ids: printed, charted, written to files
            texts.append(f"CAST({raw} AS VARCHAR)")
            check(
                column.name, _CONTROL, f"CASE WHEN __ctrl_any THEN regexp_matches({raw}, {_CONTROL_RE}) END"
            )
            check(
                column.name,
                f"expected at most {MAX_NAME_CHARS:,} characters",
                f"length({raw}) > {MAX_NAME_CHARS}",
            )
        if column.kind == "text":
            check(
                column.name, f"expected at most {MAX_TEXT_BYTES:,} bytes", f"strlen({raw}) > {MAX_TEXT_BYTES}"
            )
        if column.kind == "timestamp":
            check(
                column.name,
                "expected a time from 1970 to 2099",
                f"{raw} < TIMESTAMPTZ '{EARLIEST}' OR {raw} >= TIMESTAMPTZ '{LATEST}'",
            )
    # Whether any name or id of the row holds a control character: one regular expression over
    # their concatenation (a trimmed value holds the same characters, less spaces).
    ctrl_any = f"regexp_matches(concat({', '.join(texts)}), {_CONTROL_RE})" if texts else "FALSE"
    first.append(f"{ctrl_any} AS __ctrl_any")
    sql = f"SELECT {', '.join(first)} FROM {rows}"
    for depth in range(max((len(c) for c in chains.values()), default=0)):
        replaced = [
            f"{steps[depth].replace('{x}', quote_ident('__w_' + name))} AS {quote_ident('__w_' + name)}"
            for name, steps in chains.items()
            if depth < len(steps)
        ]
        sql = f"SELECT * REPLACE ({', '.join(replaced)}) FROM ({sql})"
    sql = f"SELECT __row, {', '.join(finals)}, {', '.join(presents)}, extra, __ctrl_any FROM ({sql})"
    # Rules between columns (docs/specs/interactions.md), where the columns are read.
    read = {c.name for c in wanted}
    for name, reason, cond in (
        ("answered_at", "answered_at is before arrived_at", '"answered_at" < "arrived_at"'),
        ("ended_at", "ended_at is before answered_at", '"ended_at" < "answered_at"'),
        ("ended_at", "ended_at is before arrived_at", '"ended_at" < "arrived_at"'),
        (
            "answered_at",
            "an abandoned contact has no answered_at",
            '"abandoned" AND "answered_at" IS NOT NULL',
        ),
    ):
        if {n for n in BY_NAME if f'"{n}"' in cond} <= read:
            check(name, reason, cond)
    return sql, checks, flags


def _convert(
    column: Column,
    kind_sql: str,
    *,
    tz: str | None,
    decimal: str,
    fmt: str | None,
    duration: str | None,
) -> list[str]:
    """The steps converting a mapped value to the column's type (NULL where it does not
    convert), each over the previous one's result, written ``{x}``.

    The first step starts from the trimmed text (NULL when empty) for a text source, from the
    value itself for a typed source (a Parquet number, a timestamp) and for free texts.
    """
    is_text = kind_sql in ("VARCHAR", "NULL", '"NULL"')
    if column.kind == "string":
        return ["{x}" if is_text else "NULLIF(trim(CAST({x} AS VARCHAR)), '')"]
    if column.kind == "text":
        return ["NULLIF(CAST({x} AS VARCHAR), '')"]
    text = "{x}" if is_text else "NULLIF(trim(CAST({x} AS VARCHAR)), '')"
    if column.kind == "channel":
        allowed = ", ".join(sql_literal(c) for c in CHANNELS)
        return [f"lower({text})", f"CASE WHEN {{x}} IN ({allowed}) THEN {{x}} END"]
    if column.kind == "boolean":
        if kind_sql == "BOOLEAN":
            return ["{x}"]
        t = ", ".join(sql_literal(w) for w in TRUE_WORDS)
        f = ", ".join(sql_literal(w) for w in FALSE_WORDS if w)
        return [f"lower({text})", f"CASE WHEN {{x}} IN ({t}) THEN TRUE WHEN {{x}} IN ({f}) THEN FALSE END"]
    if column.kind in ("number", "integer"):
        steps = _number(is_text=is_text, decimal=decimal, duration=duration)
        if column.minimum is not None:
            steps.append(f"CASE WHEN {{x}} >= {column.minimum} THEN {{x}} END")
        if column.maximum is not None:
            steps.append(f"CASE WHEN {{x}} <= {column.maximum} THEN {{x}} END")
        if column.kind == "integer":
            steps.append("CASE WHEN {x} = floor({x}) THEN CAST({x} AS TINYINT) END")
        return steps
    assert column.kind == "timestamp"
    return _timestamp(kind_sql, tz=tz, fmt=fmt)


def _number(*, is_text: bool, decimal: str, duration: str | None) -> list[str]:
    """Steps from the trimmed text (or a typed value) to a finite number of seconds or units."""
    if not is_text:
        steps = ["TRY_CAST({x} AS DOUBLE)"]
    else:
        steps = [
            "CASE WHEN contains({x}, ' ') OR contains({x}, '\u00a0') "
            "THEN replace(replace({x}, ' ', ''), '\u00a0', '') ELSE {x} END"
        ]
        if decimal == ",":
            steps.append(
                "CASE WHEN contains({x}, ',') THEN replace(replace({x}, '.', ''), ',', '.') ELSE {x} END"
            )
        if duration == "h:mm:ss":
            steps.append(
                "CASE WHEN regexp_matches({x}, '^\\d+(:\\d{1,2}){1,2}(\\.\\d+)?$') THEN "
                "list_reduce(list_transform(string_split({x}, ':'), lambda x: TRY_CAST(x AS DOUBLE)), "
                "lambda a, b: a * 60 + b) ELSE TRY_CAST({x} AS DOUBLE) END"
            )
            return steps
        steps.append("TRY_CAST({x} AS DOUBLE)")
    if duration == "ms":
        steps.append("{x} / 1000.0")
    elif duration == "min":
        steps.append("{x} * 60.0")
    steps.append("CASE WHEN isfinite({x}) THEN {x} END")
    return steps


def _timestamp(kind_sql: str, *, tz: str | None, fmt: str | None) -> list[str]:
    zone = sql_literal(tz) if tz else None
    if kind_sql.startswith("TIMESTAMP WITH TIME ZONE"):
        return ["{x}"]
    if kind_sql.startswith("TIMESTAMP") or kind_sql == "DATE":
        return [f"timezone({zone}, CAST({{x}} AS TIMESTAMP))" if zone else "CAST(NULL AS TIMESTAMPTZ)"]
    is_text = kind_sql in ("VARCHAR", "NULL", '"NULL"')
    steps = [] if is_text else ["NULLIF(trim(CAST({x} AS VARCHAR)), '')"]
    if fmt is not None:
        if "%z" in fmt or "%Z" in fmt:
            return [*steps, f"CAST(try_strptime({{x}}, {sql_literal(fmt)}) AS TIMESTAMPTZ)"]
        return [
            *steps,
            f"timezone({zone}, try_strptime({{x}}, {sql_literal(fmt)}))"
            if zone
            else "CAST(NULL AS TIMESTAMPTZ)",
        ]
    with_offset = (
        f"(CASE WHEN {_TS_USUAL} OR regexp_matches({{x}}, '{_TS_WITH_OFFSET}') "
        "THEN TRY_CAST({x} AS TIMESTAMPTZ) END)"
    )
    if zone is None:
        return [*steps, with_offset]
    naive = f"(CASE WHEN regexp_matches({{x}}, '{_TS_NAIVE}') THEN timezone({zone}, TRY_CAST({{x}} AS TIMESTAMP)) END)"
    return [*steps, f"coalesce({with_offset}, {naive})"]


# --- duplicates and error collection ---------------------------------------------------------


def _duplicates(con: duckdb.DuckDBPyConnection, source: Source) -> tuple[int, list[RowError], IntArray]:
    """Exact duplicate rows collapse to the first; rows sharing a key with other values are errors.

    Returns the number of rows dropped as exact duplicates, the errors, and the rejected rows.
    Only the rows whose key repeats (table ``repeated_keys``) are read whole.
    """
    key = ", ".join(quote_ident(k) for k in NATURAL_KEY)
    everything = ", ".join(quote_ident(c.name) for c in COLUMNS) + ", extra"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE keyed AS
        SELECT __row, {key}, row_number() OVER (PARTITION BY {key}, hash(struct_pack({everything})) ORDER BY __row) AS copy
        FROM clean SEMI JOIN repeated_keys USING ({key})
        """
    )
    con.execute("CREATE OR REPLACE TEMP TABLE dup_drop AS SELECT __row FROM keyed WHERE copy > 1")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE dup_groups AS
        SELECT list(__row ORDER BY __row) AS rows FROM keyed WHERE copy = 1 GROUP BY {key} HAVING count(*) > 1
        """
    )
    errors: list[RowError] = []
    rejected: list[int] = []
    for (rows,) in con.sql("SELECT rows FROM dup_groups").fetchall():
        lines = source.line_of(np.asarray(rows, dtype=np.int64))
        rejected.extend(rows)
        for line in lines:
            others = ", ".join(str(int(x)) for x in lines if x != line)
            reason = f"same contact_id and site as line {others}, with other values"
            errors.append(RowError(source.file, int(line), "contact_id", reason))
    return _count(con, "dup_drop"), errors, np.asarray(sorted(rejected), dtype=np.int64)


def _collect(
    con: duckdb.DuckDBPyConnection,
    box: duckdb.DuckDBPyConnection,
    source: Source,
    checks: list[Check],
    read: list[str],
) -> tuple[list[RowError], IntArray]:
    """Every error of every flagged row, with the value as mapped (read again for those rows)."""
    bad = con.sql("SELECT __row, __errs FROM clean WHERE __errs IS NOT NULL ORDER BY __row").to_arrow_table()
    if bad.num_rows == 0:
        return [], np.zeros(0, dtype=np.int64)
    rows = bad.column("__row").to_numpy().astype(np.int64)
    raw_cols = sorted({c.column for c in checks})
    raws = _raw_values(box, source, read, rows, raw_cols)
    lines = source.line_of(rows)
    errors: list[RowError] = []
    for i, flagged in enumerate(bad.column("__errs").to_pylist()):
        for k in flagged:
            check = checks[k]
            value = raws[check.column][i]
            shown = None if check.reason == "required value missing" or "is before" in check.reason else value
            errors.append(RowError(source.file, int(lines[i]), check.column, check.reason, shown))
    return errors, rows


def _raw_values(
    box: duckdb.DuckDBPyConnection, source: Source, read: list[str], rows: IntArray, columns: list[str]
) -> dict[str, list[str | None]]:
    """The mapped values of ``columns`` (as text) for the sorted ``rows``, read again from the file."""
    box.register("src_raw", source.take(rows, read))
    shown = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident('raw_' + c)}" for c in columns)
    got = box.sql(f"SELECT __row, {shown} FROM mapped ORDER BY __row").to_arrow_table()
    box.unregister("src_raw")
    return {c: got.column("raw_" + c).to_pylist() for c in columns}
