"""DuckDB connections over interaction files and stores, and the SQL types of the record's columns.

Apart from `arbitre.store.interactions` (which reads and writes the store through the app
database), so that a command over files alone — `arbitre kpi FILE` — starts without the app
database's modules (SQLAlchemy, Alembic).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from arbitre.domain.interactions import Column

_SQL_TYPES = {
    "string": "VARCHAR",
    "channel": "VARCHAR",
    "text": "VARCHAR",
    "timestamp": "TIMESTAMPTZ",
    "boolean": "BOOLEAN",
    "number": "DOUBLE",
    "integer": "TINYINT",
}


def sql_type(column: Column) -> str:
    return _SQL_TYPES[column.kind]


def connect(timezone: str, *, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection whose session time zone is ``timezone``.

    Day, week, month and interval buckets are computed in the session time zone, as Spark does
    with ``spark.sql.session.timeZone``.
    """
    con = duckdb.connect(config={"threads": threads} if threads else {})
    con.execute("SET enable_progress_bar = false")  # it would write to stdout, where --json goes
    con.execute(f"SET TimeZone = '{timezone}'")
    return con


# DuckDB's share of memory in a command over interaction files (an import, KPIs of files): past
# it, tables and operators spill to a private temporary folder, so that memory does not grow
# with the file.
MEMORY_LIMIT = "768MB"


@contextmanager
def bounded_connection(timezone: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A `connect` connection using at most `MEMORY_LIMIT`, spilling beyond it to a temporary
    folder only its owner can read (removed when the connection closes)."""
    with tempfile.TemporaryDirectory(prefix="arbitre-") as folder:
        con = connect(timezone)
        try:
            con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            con.execute("SET temp_directory = '" + folder.replace("'", "''") + "'")
            yield con
        finally:
            con.close()
