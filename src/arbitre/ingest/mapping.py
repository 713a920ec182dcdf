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

Every mapping compiles to one SQL select over the source, so a file of ten million rows is mapped
in one vectorised pass. Source columns that no mapping entry uses are kept in ``extra``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arbitre.domain.interactions import BY_NAME, NAMES
from arbitre.errors import InputError
from arbitre.yamlio import load_model

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


class Mapping(BaseModel):
    """A column mapping file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str | None = None
    source: SourceOptions = Field(default_factory=SourceOptions)
    columns: dict[str, ColumnRule | str] = Field(default_factory=dict)

    @field_validator("columns")
    @classmethod
    def _canonical(cls, v: dict[str, ColumnRule | str]) -> dict[str, ColumnRule | str]:
        for name in v:
            if name not in BY_NAME:
                raise ValueError(f"{name!r} is not a column of the interaction record ({', '.join(NAMES)})")
        return v

    def rule(self, canonical: str) -> ColumnRule | None:
        """The rule for a canonical column; a bare string is a source column name."""
        rule = self.columns.get(canonical)
        if isinstance(rule, str):
            return ColumnRule(column=rule)
        return rule

    def used_columns(self) -> set[str]:
        """Source columns some rule reads (by name, or quoted in an expression)."""
        used: set[str] = set()
        for canonical in self.columns:
            rule = self.rule(canonical)
            assert rule is not None
            if rule.column is not None:
                used.add(rule.column)
            if rule.expr is not None:
                used.update(re.findall(r'"((?:[^"]|"")+)"', rule.expr))
        return used


IDENTITY = Mapping(name="canonical")


def load_mapping(path: Path | str) -> Mapping:
    """Read and validate a mapping file; errors name the line."""
    return load_model(Path(path), Mapping)


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
    have = set(available)
    for canonical in mapping.columns:
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
