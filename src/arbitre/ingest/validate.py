"""Map, convert and check every row of a source against the interaction record, in one SQL pass.

The source's columns are mapped (``mapping.py``) into a table of raw values, then converted to
their types with a flag per check. Only the rows with a raised flag come back to Python, where
they become `RowError`s naming file, line, column and reason — every error of every row, not
only the first. The good rows stay in DuckDB for the next steps.
"""

from __future__ import annotations

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
from arbitre.ingest.readers import Source
from arbitre.ingest.sandbox import sandbox

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
_TS_NAIVE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"


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


def validate(source: Source, mapping: Mapping, con: duckdb.DuckDBPyConnection) -> Validated:
    """Map and check ``source``; leaves table ``clean`` (canonical columns, ``extra``, ``__row``)
    in ``con``, which the caller drops when done.

    The mapping runs on a `sandbox` connection (the file's own rows are all it can see); only the
    checked rows come back to ``con``.
    """
    names = list(source.table.column_names)
    check_columns(mapping, names, file=source.file)
    compiled = compile_expressions(mapping, names)
    tz = str(con.execute("SELECT current_setting('TimeZone')").fetchall()[0][0])
    box = sandbox(tz)
    try:
        checked = _check_rows(source, mapping, compiled, box)
        # The clean rows, streamed into the caller's connection.
        reader = box.sql("SELECT * FROM clean").to_arrow_reader(1 << 17)
        con.register("clean_rows", reader)
        con.execute("CREATE OR REPLACE TEMP TABLE clean AS SELECT * FROM clean_rows")
        con.unregister("clean_rows")
    finally:
        box.close()
    checked.con = con
    return checked


def _check_rows(
    source: Source, mapping: Mapping, compiled: Compiled, con: duckdb.DuckDBPyConnection
) -> Validated:
    names = list(source.table.column_names)
    table = source.table.append_column("__row", pa.array(np.arange(source.table.num_rows, dtype=np.int64)))
    con.register("src_raw", table)
    where = f"WHERE ({compiled.where})" if compiled.where else ""
    types = {n: str(t) for n, t in zip(names, source.table.schema.types, strict=True)}
    types.update(dict.fromkeys(mapping.derive, "derived"))
    derived = ", ".join(f"({expr}) AS {quote_ident(name)}" for name, expr in compiled.derive.items())
    from_sql = f"(SELECT *, {derived} FROM src_raw) AS src" if derived else "src_raw"
    mapped = [f"{_raw_expr(c, mapping, compiled, types)} AS {quote_ident(c.name)}" for c in COLUMNS]
    used = _used_columns(mapping, compiled) | set(BY_NAME)
    extra = [n for n in names if n not in used]
    extra_sql = (
        "CAST(json_object("
        + ", ".join(f"{sql_literal(n)}, {quote_ident(n)}" for n in extra)
        + ") AS VARCHAR)"
        if extra
        else "CAST(NULL AS VARCHAR)"
    )
    # Views, not tables: the source is read once, by the conversion below, without a copy.
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW mapped AS SELECT __row, {', '.join(mapped)}, {extra_sql} AS extra "
            f"FROM {from_sql} {where}"
        )
        mapped_types = {r[0]: str(r[1]) for r in con.sql("DESCRIBE mapped").fetchall()}
        for name in ID_COLUMNS:
            if mapped_types[name].upper() in ("FLOAT", "DOUBLE", "REAL") or mapped_types[name].startswith(
                "DECIMAL"
            ):
                raise InputError(
                    f"{name} comes as {mapped_types[name].lower()} numbers, which lose digits: "
                    "expected ids as text or whole numbers",
                    file=source.file,
                    field=name,
                )
        decimal = mapping.source.decimal or ("," if source.delimiter == ";" else ".")
        values, presents, checks, rule_flags = _typed_select(mapping, mapped_types, decimal=decimal)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE typed AS SELECT *, {', '.join(rule_flags)} FROM "
            f"(SELECT __row, {', '.join(values)}, {', '.join(presents)}, extra FROM mapped)"
        )
    except duckdb.Error as exc:
        con.unregister("src_raw")
        raise InputError(
            f"the mapping does not apply to this file: {_first_line(exc)}", file=source.file
        ) from None
    filtered = source.table.num_rows - _count(con, "typed")
    errors, rejected = _collect(con, source, checks)
    con.execute("DROP VIEW mapped")
    con.unregister("src_raw")
    duplicates, dup_errors, dup_rows = _duplicates(con, source)
    errors.extend(dup_errors)
    rejected = np.union1d(rejected, dup_rows)
    con.execute("CREATE OR REPLACE TEMP TABLE rejected_rows AS SELECT __row FROM dup_drop")
    if rejected.size:
        con.register("rejected_list", pa.table({"__row": pa.array(rejected, type=pa.int64())}))
        con.execute("INSERT INTO rejected_rows SELECT __row FROM rejected_list")
        con.unregister("rejected_list")
    keep = ", ".join(quote_ident(c.name) for c in COLUMNS)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW clean AS SELECT __row, {keep}, extra FROM typed "
        "ANTI JOIN rejected_rows USING (__row)"
    )
    order = {name: i for i, name in enumerate(BY_NAME)}
    errors.sort(key=lambda e: (e.line, order.get(e.column, len(order))))
    return Validated(con, source.table.num_rows, filtered, duplicates, errors, rejected, extra)


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
    mapping: Mapping, mapped_types: dict[str, str], *, decimal: str
) -> tuple[list[str], list[str], list[Check], list[str]]:
    """Conversion expressions, presence flags, the checks, and the flag expressions of the checks.

    Flags are computed in an outer projection over the converted values, so each conversion runs
    once per row.
    """
    tz = mapping.source.timezone
    values: list[str] = []
    presents: list[str] = []
    checks: list[Check] = []
    flags: list[str] = []

    def check(column: str, reason: str, cond: str) -> None:
        flag = f"__e{len(checks)}"
        checks.append(Check(flag, column, reason))
        flags.append(f"coalesce({cond}, FALSE) AS {flag}")

    for column in COLUMNS:
        raw = quote_ident(column.name)
        rule = mapping.rule(column.name)
        value = _convert(
            column,
            raw,
            mapped_types[column.name].upper(),
            tz=tz,
            decimal=decimal,
            fmt=rule.format if rule else None,
            duration=rule.duration if rule else None,
        )
        present = f"__p_{column.name}"
        values.append(f"{value} AS {raw}")
        presents.append(f"(NULLIF(trim(CAST({raw} AS VARCHAR)), '') IS NOT NULL) AS {present}")
        if column.required:
            check(column.name, "required value missing", f"NOT {present}")
        reason = "expected " + column.expected
        if column.kind == "timestamp" and tz is None:
            reason += " (a file without offsets needs source.timezone in a mapping)"
        check(column.name, reason, f"{present} AND {raw} IS NULL")
        if column.kind == "string":  # names and ids: printed, charted, written to files
            check(
                column.name,
                "expected text without control characters",
                f"regexp_matches({raw}, '[\\x00-\\x1f\\x7f]')",
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
    # Rules between columns (specs/interactions.md).
    check("answered_at", "answered_at is before arrived_at", '"answered_at" < "arrived_at"')
    check("ended_at", "ended_at is before answered_at", '"ended_at" < "answered_at"')
    check("ended_at", "ended_at is before arrived_at", '"ended_at" < "arrived_at"')
    check(
        "answered_at",
        "an abandoned contact has no answered_at",
        '"abandoned" AND "answered_at" IS NOT NULL',
    )
    return values, presents, checks, flags


def _convert(
    column: Column,
    raw: str,
    kind_sql: str,
    *,
    tz: str | None,
    decimal: str,
    fmt: str | None,
    duration: str | None,
) -> str:
    """The SQL converting a mapped raw value to the column's type; NULL where it does not convert."""
    is_text = kind_sql in ("VARCHAR", "NULL", '"NULL"')
    text = f"NULLIF(trim(CAST({raw} AS VARCHAR)), '')"
    if column.kind == "string":
        return text
    if column.kind == "text":
        return f"NULLIF(CAST({raw} AS VARCHAR), '')"
    if column.kind == "channel":
        allowed = ", ".join(sql_literal(c) for c in CHANNELS)
        return f"(CASE WHEN lower({text}) IN ({allowed}) THEN lower({text}) END)"
    if column.kind == "boolean":
        if kind_sql == "BOOLEAN":
            return raw
        t = ", ".join(sql_literal(w) for w in TRUE_WORDS)
        f = ", ".join(sql_literal(w) for w in FALSE_WORDS if w)
        return f"(CASE WHEN lower({text}) IN ({t}) THEN TRUE WHEN lower({text}) IN ({f}) THEN FALSE END)"
    if column.kind in ("number", "integer"):
        number = _number(raw, is_text=is_text, decimal=decimal, duration=duration)
        if column.minimum is not None:
            number = f"(CASE WHEN {number} >= {column.minimum} THEN {number} END)"
        if column.maximum is not None:
            number = f"(CASE WHEN {number} <= {column.maximum} THEN {number} END)"
        if column.kind == "integer":
            return f"(CASE WHEN {number} = floor({number}) THEN CAST({number} AS TINYINT) END)"
        return number
    assert column.kind == "timestamp"
    return _timestamp(raw, kind_sql, text=text, tz=tz, fmt=fmt)


def _number(raw: str, *, is_text: bool, decimal: str, duration: str | None) -> str:
    if not is_text:
        base = f"TRY_CAST({raw} AS DOUBLE)"
    else:
        text = f"replace(replace(trim(CAST({raw} AS VARCHAR)), ' ', ''), '\u00a0', '')"
        if decimal == ",":
            text = f"(CASE WHEN contains({text}, ',') THEN replace(replace({text}, '.', ''), ',', '.') ELSE {text} END)"
        if duration == "h:mm:ss":
            parts = f"string_split({text}, ':')"
            return (
                f"(CASE WHEN regexp_matches({text}, '^\\d+(:\\d{{1,2}}){{1,2}}(\\.\\d+)?$') THEN "
                f"list_reduce(list_transform({parts}, lambda x: TRY_CAST(x AS DOUBLE)), lambda a, b: a * 60 + b) "
                f"ELSE TRY_CAST({text} AS DOUBLE) END)"
            )
        base = f"TRY_CAST({text} AS DOUBLE)"
    if duration == "ms":
        base = f"({base} / 1000.0)"
    elif duration == "min":
        base = f"({base} * 60.0)"
    return f"(CASE WHEN isfinite({base}) THEN {base} END)"


def _timestamp(raw: str, kind_sql: str, *, text: str, tz: str | None, fmt: str | None) -> str:
    zone = sql_literal(tz) if tz else None
    if kind_sql.startswith("TIMESTAMP WITH TIME ZONE"):
        return raw
    if kind_sql.startswith("TIMESTAMP") or kind_sql == "DATE":
        return f"timezone({zone}, CAST({raw} AS TIMESTAMP))" if zone else "CAST(NULL AS TIMESTAMPTZ)"
    if fmt is not None:
        if "%z" in fmt or "%Z" in fmt:
            return f"CAST(try_strptime({text}, {sql_literal(fmt)}) AS TIMESTAMPTZ)"
        return (
            f"timezone({zone}, try_strptime({text}, {sql_literal(fmt)}))"
            if zone
            else "CAST(NULL AS TIMESTAMPTZ)"
        )
    with_offset = (
        f"(CASE WHEN regexp_matches({text}, '{_TS_WITH_OFFSET}') THEN TRY_CAST({text} AS TIMESTAMPTZ) END)"
    )
    if zone is None:
        return with_offset
    naive = f"(CASE WHEN regexp_matches({text}, '{_TS_NAIVE}') THEN timezone({zone}, TRY_CAST({text} AS TIMESTAMP)) END)"
    return f"coalesce({with_offset}, {naive})"


# --- duplicates and error collection ---------------------------------------------------------


def _duplicates(con: duckdb.DuckDBPyConnection, source: Source) -> tuple[int, list[RowError], IntArray]:
    """Exact duplicate rows collapse to the first; rows sharing a key with other values are errors.

    Returns the number of rows dropped as exact duplicates, the errors, and the rejected rows.
    """
    key = ", ".join(quote_ident(k) for k in NATURAL_KEY)
    everything = ", ".join(quote_ident(c.name) for c in COLUMNS) + ", extra"
    not_null = " AND ".join(f"{quote_ident(k)} IS NOT NULL" for k in NATURAL_KEY)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE keyed AS
        SELECT __row, {key}, row_number() OVER (PARTITION BY {key}, hash(struct_pack({everything})) ORDER BY __row) AS copy
        FROM typed WHERE {not_null} AND ({key}) IN (
            SELECT ({key}) FROM typed WHERE {not_null} GROUP BY {key} HAVING count(*) > 1)
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
    con: duckdb.DuckDBPyConnection, source: Source, checks: list[Check]
) -> tuple[list[RowError], IntArray]:
    if not checks:
        return [], np.zeros(0, dtype=np.int64)
    flags = ", ".join(c.flag for c in checks)
    any_flag = " OR ".join(c.flag for c in checks)
    raw_cols = sorted({c.column for c in checks})
    raw_sel = ", ".join(f"CAST(m.{quote_ident(c)} AS VARCHAR) AS {quote_ident('raw_' + c)}" for c in raw_cols)
    # The flags first (one pass over the converted rows); the raw values only for flagged rows.
    con.execute(f"CREATE OR REPLACE TEMP TABLE flagged AS SELECT __row, {flags} FROM typed WHERE {any_flag}")
    if _count(con, "flagged") == 0:
        return [], np.zeros(0, dtype=np.int64)
    bad = con.sql(
        f"SELECT t.__row, {flags}, {raw_sel} FROM flagged t JOIN mapped m USING (__row) ORDER BY t.__row"
    ).to_arrow_table()
    rows = bad.column("__row").to_numpy()
    lines = source.line_of(rows)
    errors: list[RowError] = []
    raws = {c: bad.column("raw_" + c).to_pylist() for c in raw_cols}
    for check in checks:
        hit = np.flatnonzero(bad.column(check.flag).to_numpy(zero_copy_only=False))
        for i in hit:
            value = raws[check.column][i]
            shown = None if check.reason == "required value missing" or "is before" in check.reason else value
            errors.append(RowError(source.file, int(lines[i]), check.column, check.reason, shown))
    return errors, rows.astype(np.int64)
