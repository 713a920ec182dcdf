"""Names reach Spark SQL as data: a flow or site name ending in a backslash, or holding a quote,
is read back exactly and closes nothing (Spark reads a backslash as an escape, DuckDB does not)."""

from __future__ import annotations

import duckdb
import pytest

from arbitre.kpi.buckets import string_sql
from arbitre.kpi.spark import SparkConnection

NAMES = ["sav", "l'offre", "a\\", "x\\' OR 1=1 --", "\\\\'", "q''\\"]


@pytest.mark.parametrize("name", NAMES)
def test_a_name_is_read_back_as_written_by_duckdb(name: str) -> None:
    assert duckdb.sql(f"SELECT {string_sql(name)}").fetchall() == [(name,)]


def test_a_name_is_read_back_as_written_by_spark(spark: SparkConnection) -> None:
    literals = ", ".join(f"{string_sql(n, dialect='spark')} AS c{i}" for i, n in enumerate(NAMES))
    (row,) = spark.sql(f"SELECT {literals}").fetchall()
    assert list(row) == NAMES
