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
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

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

    def rule(self, canonical: str) -> ColumnRule | None:
        """The rule for a canonical column; a bare string is a source column name."""
        rule = getattr(self.columns, canonical)
        if isinstance(rule, str):
            return ColumnRule(column=rule)
        return rule  # type: ignore[no-any-return]

    def mapped(self) -> list[str]:
        """The canonical columns this mapping gives a rule for."""
        return [name for name in NAMES if getattr(self.columns, name) is not None]

    def used_columns(self) -> set[str]:
        """Source columns some rule reads (by name, or quoted in an expression), and derived ones."""
        used: set[str] = set(self.derive)
        expressions = list(self.derive.values())
        for canonical in self.mapped():
            rule = self.rule(canonical)
            assert rule is not None
            if rule.column is not None:
                used.add(rule.column)
            if rule.expr is not None:
                expressions.append(rule.expr)
        for expr in expressions:
            used.update(re.findall(r'"((?:[^"]|"")+)"', expr))
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
