"""What the KPI engine and the SLA evaluation need of a SQL engine: run a query, read its result.

A DuckDB connection is one as it is; `arbitre.kpi.spark.SparkConnection` wraps a Spark session to
be one too, and says ``dialect = "spark"``, so the same compiled definitions run on either.
"""

from __future__ import annotations

from typing import Any, Protocol

import pyarrow as pa

from arbitre.kpi.buckets import Dialect


class Relation(Protocol):
    """A query's result, as DuckDB's relations give it."""

    @property
    def columns(self) -> list[str]: ...

    def to_arrow_table(self) -> pa.Table: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...


class Connection(Protocol):
    """Anything that runs SQL text and hands back a `Relation`."""

    def sql(self, query: str) -> Relation: ...


def dialect_of(con: object) -> Dialect:
    """``"spark"`` for a Spark connection, ``"duckdb"`` for anything else.

    >>> import duckdb
    >>> dialect_of(duckdb.connect())
    'duckdb'
    """
    dialect: Dialect = getattr(con, "dialect", "duckdb")
    return dialect
