"""The peers of the command benchmarks, each run as its own whole process (`benchmarks.commands`).

``python -m benchmarks.command_peers KIND ARGS``:

- ``pandas-kpi FILE.parquet OUT.json``: the KPIs by flow × day of `benchmarks.pandas_kpi` (plain
  vectorised pandas, written from the spec) on an interaction Parquet file, as JSON;
- ``duckdb-read-csv FILE.csv``: DuckDB's bare ``read_csv`` of the file into a table (types
  detected, nothing checked): the floor of what reading a CSV costs on this machine;
- ``to-parquet FILE.csv FILE.parquet``: the canonical CSV as a Parquet file (not measured).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def pandas_kpi(parquet: Path, out: Path) -> None:
    from benchmarks.pandas_kpi import kpis_by_flow_day, read_parquet

    out.write_text(json.dumps(kpis_by_flow_day(read_parquet([parquet]))))


def duckdb_read_csv(csv: Path) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE TABLE interactions AS SELECT * FROM read_csv('{csv}')")
    (n,) = con.sql("SELECT count(*) FROM interactions").fetchall()[0]
    print(n)


def to_parquet(csv: Path, parquet: Path) -> None:
    import duckdb

    tmp = parquet.with_name(parquet.name + ".tmp")
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_csv('{csv}')) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd)"
    )
    tmp.replace(parquet)


def main(argv: list[str]) -> None:
    kind, *args = argv
    paths = [Path(a) for a in args]
    {"pandas-kpi": pandas_kpi, "duckdb-read-csv": duckdb_read_csv, "to-parquet": to_parquet}[kind](*paths)


if __name__ == "__main__":
    main(sys.argv[1:])
