"""Mapping expressions are hostile input: checked on DuckDB's own parse tree, run in a sandbox.

A mapping (``expr``, ``derive``, ``source.where``) may come from a provider. Each expression is
parsed by DuckDB itself (``json_serialize_sql``) and accepted only as **one scalar expression**
over the source's columns, built from an allow-list of node kinds and functions: no statement,
subquery, table function, window, aggregate, lambda, parameter or ``*``, no ``COPY``, ``ATTACH``,
``SET`` or pragma (those are statements, and a statement is never an expression). What runs is
DuckDB's own rendering of the checked tree (``json_deserialize_sql``), and that rendering is
parsed and checked again: the text that runs is the text checked.

It runs on a `sandbox` connection: external access off (no file, no network, no extension can be
reached, Python replacement scans off), extensions never auto-loaded, the configuration locked.
The pseudonymisation key never enters that connection: ids are hashed later, on another one.

>>> check_expression("lower(trim(\\"Canal\\"))", columns={"Canal"}, what="columns.channel.expr").sql
'lower("trim"(Canal))'
>>> check_expression("(SELECT content FROM read_text('/etc/passwd'))", columns=set(), what="derive.x")
Traceback (most recent call last):
...
arbitre.errors.InputError: field derive.x: refused: a subquery is not allowed in a mapping expression (only one scalar expression over the file's columns)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NamedTuple

import duckdb

from arbitre.errors import InputError

# Expressions longer than this are refused before parsing (a mapping is written by hand).
MAX_EXPRESSION_CHARS = 10_000

# Node kinds of DuckDB's parse tree a mapping expression may use (``class`` / ``type``).
_CLASSES = {
    "COLUMN_REF",
    "CONSTANT",
    "FUNCTION",
    "CASE",
    "CAST",
    "TYPE",
    "COMPARISON",
    "CONJUNCTION",
    "BETWEEN",
    "OPERATOR",
}
# Types a CAST may name (built-in scalar types, and lists of them).
_TYPES = frozenset(
    """
    varchar text string char bpchar integer int int4 int32 bigint int8 int64 long smallint int2
    int16 short tinyint int1 hugeint int128 ubigint uinteger usmallint utinyint uhugeint double
    float8 float real float4 decimal numeric boolean bool logical date time timestamp datetime
    timestamptz timestamp_s timestamp_ms timestamp_ns interval list
    """.split()
) | {"timestamp with time zone", "time with time zone"}
_OPERATORS = {
    "OPERATOR_NOT",
    "OPERATOR_IS_NULL",
    "OPERATOR_IS_NOT_NULL",
    "COMPARE_IN",
    "COMPARE_NOT_IN",
    "OPERATOR_COALESCE",
    "ARRAY_EXTRACT",
    "ARRAY_SLICE",
}
_REFUSED_CLASSES = {
    "SUBQUERY": "a subquery",
    "STAR": "* or COLUMNS(…)",
    "WINDOW": "a window function",
    "LAMBDA": "a lambda",
    "LAMBDA_REF": "a lambda",
    "PARAMETER": "a parameter",
    "POSITIONAL_REFERENCE": "a positional reference",
    "COLLATE": "COLLATE",
    "DEFAULT": "DEFAULT",
}

# Scalar functions (and the operators DuckDB spells as functions) allowed in a mapping: text,
# numbers, dates and times, conditionals, small lists. Nothing that reads the clock, settings,
# variables, sequences, files or the environment, draws random numbers, or makes huge values.
ALLOWED_FUNCTIONS = frozenset(
    """
    + - * / // % ^ ** || ~~ !~~ ~~* !~~* ~~~ ^@ & | << >> ~ ->>
    add subtract multiply divide mod fmod abs sign ceil ceiling floor round round_even trunc
    greatest least sqrt pow power exp ln log log2 log10 isnan isinf isfinite even gcd lcm
    lower upper lcase ucase trim ltrim rtrim replace translate reverse strip_accents nfc_normalize
    substr substring left right length len strlen char_length character_length octet_length
    concat concat_ws contains starts_with ends_with prefix suffix strpos instr position split_part
    string_split str_split string_split_regex regexp_split_to_array string_to_array
    regexp_replace regexp_extract regexp_extract_all regexp_matches regexp_full_match
    like_escape not_like_escape ilike_escape not_ilike_escape ascii chr unicode ord
    md5 sha1 sha256 hash to_hex hex lpad rpad repeat
    strptime try_strptime strftime date_part datepart date_trunc datetrunc date_add date_sub
    date_diff datediff make_date make_time make_timestamp make_timestamptz epoch epoch_ms epoch_us
    epoch_ns to_timestamp timezone to_seconds to_minutes to_hours to_days to_weeks to_months to_years
    to_milliseconds to_microseconds year month day hour minute second millisecond microsecond
    dayofweek isodow dayofyear dayofmonth week weekofyear quarter last_day dayname monthname
    nullif if ifnull array_extract list_extract list_element element_at array_slice list_slice
    list_value list_contains list_has array_contains array_length cardinality
    json_extract json_extract_string json_value typeof
    """.split()
)
# Functions whose result grows with an argument: that argument must be a small integer constant.
_BOUNDED_ARGUMENT = {"lpad": 1, "rpad": 1, "repeat": 1}
MAX_PADDING = 1000


def sandbox(timezone: str | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that can reach nothing outside itself, its settings locked.

    Arrow tables handed to it with ``register`` are its only data.
    """
    con = duckdb.connect(
        config={
            "enable_external_access": False,
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
            "allow_community_extensions": False,
            "allow_unsigned_extensions": False,
        }
    )
    con.execute("SET enable_progress_bar = false")
    if timezone is not None:
        con.execute("SET TimeZone = " + _literal(timezone))
    con.execute("SET lock_configuration = true")
    return con


class Expression(NamedTuple):
    """A checked mapping expression: the SQL that runs, and the columns it reads (lower case)."""

    sql: str
    columns: frozenset[str]


def check_expression(
    text: str,
    *,
    columns: Iterable[str] | None,
    what: str,
    file: str | None = None,
    line: int | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Expression:
    """DuckDB's rendering of ``text`` once checked as one allowed scalar expression.

    ``columns``: the names it may refer to (compared without case, as DuckDB binds them); None
    skips that check (the file is not known yet). Raises `InputError` naming ``file``, ``line``
    and the mapping field ``what``.
    """

    def refuse(reason: str) -> InputError:
        return InputError(f"refused: {reason}", file=file, line=line, field=what)

    if len(text) > MAX_EXPRESSION_CHARS:
        raise refuse(f"an expression of {len(text):,} characters (at most {MAX_EXPRESSION_CHARS:,})")
    if "\x00" in text:
        raise refuse("a NUL character")
    own = con is None
    con = con or sandbox()
    try:
        known = None if columns is None else {c.lower() for c in columns}
        _walk(_parse(con, text, refuse), known, refuse, set())
        # What runs is DuckDB's rendering of that tree, checked again as DuckDB reads it.
        rendered = _render(con, text)
        used: set[str] = set()
        _walk(_parse(con, rendered, refuse), known, refuse, used)
    finally:
        if own:
            con.close()
    return Expression(rendered, frozenset(used))


def _parse(con: duckdb.DuckDBPyConnection, text: str, refuse: Any) -> dict[str, Any]:
    """The tree of the single select item of ``SELECT (text)``, after checking the statement."""
    raw = con.execute("SELECT json_serialize_sql(?)", ["SELECT (\n" + text + "\n)"]).fetchall()[0][0]
    document = json.loads(raw)
    if document.get("error"):
        message = str(document.get("error_message", "not an expression")).splitlines()[0]
        if document.get("error_type") == "not implemented":
            raise refuse("only one scalar expression is allowed, not a statement")
        raise refuse(f"not a valid expression ({message})")
    statements = document.get("statements") or []
    if len(statements) != 1:
        raise refuse("only one expression is allowed (no ';')")
    node = statements[0].get("node") or {}
    if node.get("type") != "SELECT_NODE":
        raise refuse("only one scalar expression is allowed, not a statement")
    if (
        len(node.get("select_list") or []) != 1
        or (node.get("from_table") or {}).get("type") != "EMPTY"
        or node.get("where_clause") is not None
        or node.get("group_expressions")
        or node.get("group_sets")
        or node.get("having") is not None
        or node.get("qualify") is not None
        or node.get("sample") is not None
        or node.get("modifiers")
        or (node.get("cte_map") or {}).get("map")
        or node.get("aggregate_handling") != "STANDARD_HANDLING"
    ):
        raise refuse("only one scalar expression is allowed (no FROM, WHERE, GROUP BY, ',' or clauses)")
    item: dict[str, Any] = node["select_list"][0]
    if item.get("alias"):
        raise refuse("an alias (AS …) is not allowed in a mapping expression")
    return item


def _walk(node: Any, known: set[str] | None, refuse: Any, used: set[str]) -> None:
    """Check every node of the tree: allowed kinds, allowed functions, known columns (into ``used``)."""
    if isinstance(node, list):
        for item in node:
            _walk(item, known, refuse, used)
        return
    if not isinstance(node, dict):
        return
    if "node" in node or str(node.get("type", "")).endswith("_NODE") or "from_table" in node:
        raise refuse("a subquery is not allowed in a mapping expression")
    kind = node.get("class")
    if kind is not None:
        _check_node(node, str(kind), known, refuse)
        if kind == "COLUMN_REF":
            used.add(str(node["column_names"][0]).lower())
    for value in node.values():
        _walk(value, known, refuse, used)


def _check_node(node: dict[str, Any], kind: str, known: set[str] | None, refuse: Any) -> None:
    scalar = "(only one scalar expression over the file's columns)"
    if kind in _REFUSED_CLASSES:
        raise refuse(f"{_REFUSED_CLASSES[kind]} is not allowed in a mapping expression {scalar}")
    if kind not in _CLASSES:
        raise refuse(f"{kind.lower()} is not allowed in a mapping expression {scalar}")
    if kind == "OPERATOR" and node.get("type") not in _OPERATORS:
        raise refuse(f"the operator {str(node.get('type')).lower()} is not allowed in a mapping expression")
    if kind == "TYPE":
        name = str(node.get("type_name", ""))
        if node.get("schema") or node.get("catalog") or name.lower() not in _TYPES:
            raise refuse(f"the type {name} is not allowed in a mapping expression")
    if kind == "COLUMN_REF":
        names = node.get("column_names") or []
        if len(names) != 1:
            raise refuse(f"{'.'.join(map(str, names))}: refer to a column by its name alone")
        if known is not None and str(names[0]).lower() not in known:
            raise refuse(f"column {names[0]!r} is not in the file (nor derived)")
    if kind == "FUNCTION":
        name = str(node.get("function_name", ""))
        if node.get("schema") or node.get("catalog"):
            raise refuse(
                f"{node.get('schema') or node.get('catalog')}.{name}: qualified functions are not allowed"
            )
        if name.lower() not in ALLOWED_FUNCTIONS:
            raise refuse(
                f"the function {name}() is not allowed in a mapping expression (allowed: docs/import.md)"
            )
        if (
            node.get("filter") is not None
            or (node.get("order_bys") or {}).get("orders")
            or node.get("distinct")
            or node.get("export_state")
        ):
            raise refuse(f"{name}(): FILTER, ORDER BY and DISTINCT belong to aggregates, not allowed here")
        bounded = _BOUNDED_ARGUMENT.get(name.lower())
        if bounded is not None:
            args = node.get("arguments") or node.get("children") or []
            arg = args[bounded] if bounded < len(args) else None
            arg = arg.get("expression", arg) if isinstance(arg, dict) else arg
            size = _small_int(arg)
            if size is None or size > MAX_PADDING:
                raise refuse(f"{name}(): the length must be a whole number from 0 to {MAX_PADDING}")


def _small_int(node: Any) -> int | None:
    if not isinstance(node, dict) or node.get("class") != "CONSTANT":
        return None
    literal = node.get("literal") or node.get("value") or {}
    text = str(literal.get("text", literal.get("value", "")))
    return int(text) if text.isdigit() else None


def _render(con: duckdb.DuckDBPyConnection, text: str) -> str:
    raw = con.execute("SELECT json_serialize_sql(?)", ["SELECT (\n" + text + "\n)"]).fetchall()[0][0]
    rendered = str(con.execute("SELECT json_deserialize_sql(?)", [raw]).fetchall()[0][0])
    if not rendered.startswith("SELECT "):
        raise InputError("refused: the expression could not be rendered back")
    return rendered[len("SELECT ") :]


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
