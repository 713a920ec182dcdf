"""Column mappings: how a source export's columns become the interaction record.

A mapping is a YAML file (docs/import.md, examples in ``arbitre/examples/mappings``)::

    name: telephony-cdr
    source:
      delimiter: ";"
      encoding: windows-1252
      decimal: ","
      timezone: Europe/Paris        # for timestamps written without an offset
      where: "\\"Type\\" <> 'TEST'"     # rows that are not contacts (SQL condition, optional)
    columns:
      contact_id: ID appel                     # a source column, by name
      channel: {value: voice_in}               # a constant
      arrived_at: {column: Début, format: "%d/%m/%Y %H:%M:%S"}
      abandoned: {column: Statut, map: {Abandonné: true, Répondu: false}}
      talk_s: {column: Conversation, duration: "h:mm:ss"}
      answered_at: {expr: "..."}               # a DuckDB SQL expression over the source columns
    derive:                                    # named expressions, usable like source columns
      start: "strptime(\"Date\" || ' ' || \"Heure\", '%d/%m/%Y %H:%M:%S')"

Every mapping compiles to one SQL select over the source, so a file of ten million rows is mapped
in one vectorised pass. Source columns that no mapping entry uses are kept in ``extra``.

A mapping may come from a provider: its expressions are checked and run in a sandbox
(``sandbox.py``), its constants must be finite, and a refused expression names its line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, create_model, field_validator, model_validator

from arbitre.domain.interactions import BY_NAME, NAMES
from arbitre.errors import InputError
from arbitre.ingest.sandbox import check_expression, sandbox
from arbitre.yamlio import Loc, line_of, parse_model_with_lines, read_text

Duration = Literal["s", "ms", "min", "h:mm:ss"]


class ColumnRule(BaseModel):
    """Where one canonical column comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    value: str | int | float | bool | None = None
    expr: str | None = None
    map: dict[str, str | int | float | bool | None] | None = None
    default: str | int | float | bool | None = None
    format: str | None = None
    duration: Duration | None = None

    @field_validator("value", "default")
    @classmethod
    def _finite(cls, v: object) -> object:
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError("a constant must be a finite number")
        return v

    @field_validator("map")
    @classmethod
    def _finite_map(cls, v: dict[str, object] | None) -> dict[str, object] | None:
        for value in (v or {}).values():
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError("a mapped value must be a finite number")
        return v

    @model_validator(mode="after")
    def _one_source(self) -> ColumnRule:
        given = [k for k in ("column", "value", "expr") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of column, value or expr")
        if self.value is not None and (self.map or self.format or self.duration):
            raise ValueError("a constant value takes no map, format or duration")
        return self


class SourceOptions(BaseModel):
    """How to read the file; anything left out is detected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["csv", "parquet", "jsonl"] | None = None
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    encoding: str | None = None
    decimal: Literal[".", ","] | None = None
    timezone: str | None = None
    skip_rows: int = Field(default=0, ge=0)
    where: str | None = None

    @field_validator("encoding")
    @classmethod
    def _codec(cls, v: str | None) -> str | None:
        if v is None:
            return v
        import codecs

        try:
            return codecs.lookup(v).name
        except LookupError:
            raise ValueError(f"unknown encoding {v!r}") from None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}") from None
        return v


# One optional field per column of the interaction record: an unknown name is refused on its line.
Columns = create_model(  # type: ignore[call-overload]
    "Columns",
    __config__=ConfigDict(extra="forbid", frozen=True),
    **dict.fromkeys(NAMES, (ColumnRule | str | None, None)),
)


class Mapping(BaseModel):
    """A column mapping file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str | None = None
    source: SourceOptions = Field(default_factory=SourceOptions)
    derive: dict[str, str] = Field(default_factory=dict)
    columns: Columns = Field(default_factory=Columns)  # type: ignore[valid-type]
    # Where the mapping came from (its file and the line of each field), to name refused parts.
    _file: str | None = PrivateAttr(default=None)
    _lines: dict[Loc, int] = PrivateAttr(default_factory=dict)

    def where_is(self, loc: Loc) -> tuple[str | None, int | None]:
        """The mapping's file and the line of the field at ``loc`` (None when built in Python)."""
        return self._file, line_of(self._lines, loc) if self._lines else None

    def rule(self, canonical: str) -> ColumnRule | None:
        """The rule for a canonical column; a bare string is a source column name."""
        rule = getattr(self.columns, canonical)
        if isinstance(rule, str):
            return ColumnRule(column=rule)
        return rule  # type: ignore[no-any-return]

    def mapped(self) -> list[str]:
        """The canonical columns this mapping gives a rule for."""
        return [name for name in NAMES if getattr(self.columns, name) is not None]


IDENTITY = Mapping(name="canonical")


def load_mapping(path: Path | str) -> Mapping:
    """Read and validate a mapping file; errors name the line, refused expressions included."""
    path = Path(path)
    mapping, lines = parse_model_with_lines(read_text(path), Mapping, file=str(path))
    mapping._file, mapping._lines = str(path), lines
    compile_expressions(mapping, None)  # refuse a hostile expression now, with its line
    return mapping


@dataclass(frozen=True)
class Compiled:
    """A mapping's expressions as they run: checked, rendered by DuckDB, and what they read."""

    derive: dict[str, str]
    exprs: dict[str, str]
    where: str | None
    used: set[str]


def compile_expressions(mapping: Mapping, available: list[str] | None) -> Compiled:
    """Check every expression of ``mapping`` (``derive``, ``expr``, ``source.where``).

    ``available``: the file's columns (None before a file is read: then the names are not
    checked). A ``derive`` may read the file's columns and the names derived before it.
    """
    names = None if available is None else {n.lower(): n for n in available}
    used: set[str] = set()
    derived: dict[str, str] = {}
    con = sandbox()
    try:

        def check(text: str, loc: Loc, known: set[str] | None) -> str:
            file, line = mapping.where_is(loc)
            what = ".".join(str(p) for p in loc)
            checked = check_expression(text, columns=known, what=what, file=file, line=line, con=con)
            used.update(names[c] for c in checked.columns if names is not None and c in names)
            return checked.sql

        for name, text in mapping.derive.items():
            if names is not None and name.lower() in names:
                file, line = mapping.where_is(("derive", name))
                raise InputError(
                    f"the derived name {name!r} is already a column of the file", file=file, line=line
                )
            known = None if names is None else set(names) | {d.lower() for d in derived}
            derived[name] = check(text, ("derive", name), known)
        everything = None if names is None else set(names) | {d.lower() for d in derived}
        exprs = {}
        for canonical in mapping.mapped():
            rule = mapping.rule(canonical)
            if rule is not None and rule.expr is not None:
                exprs[canonical] = check(rule.expr, ("columns", canonical, "expr"), everything)
        where = mapping.source.where
        where_sql = check(where, ("source", "where"), everything) if where is not None else None
    except duckdb.Error as exc:  # the parser itself failed: refuse rather than guess
        raise InputError(f"a mapping expression cannot be checked: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    return Compiled(derived, exprs, where_sql, used)


def sql_literal(value: Any) -> str:
    """A SQL literal for a constant of a mapping file."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_columns(mapping: Mapping, available: list[str], *, file: str) -> None:
    """Every source column a rule names must exist in the file."""
    have = set(available) | set(mapping.derive)
    for canonical in mapping.mapped():
        rule = mapping.rule(canonical)
        assert rule is not None
        if rule.column is not None and rule.column not in have:
            raise InputError(
                f"column {rule.column!r} (mapped to {canonical}) is not in the file; "
                f"it has: {', '.join(available)}",
                file=file,
            )
    for canonical in NAMES:
        if BY_NAME[canonical].required and mapping.rule(canonical) is None and canonical not in have:
            raise InputError(
                f"required column {canonical!r} is neither in the file nor in the mapping",
                file=file,
            )
