"""The KPI engine on DuckDB and on Spark over the same store: the figures of docs/scale.md.

``python -m benchmarks.scale [--rows 1000000,10000000] [--master local[2]]``: for each size, the
benchmark's CSV is imported into a fresh workspace, then every default KPI by flow × day is
computed over the store, on DuckDB (in the process) and on Spark (``--master``); both results are
compared on every KPI of every group. Spark's session start is timed apart from the queries; each
query runs twice (the first run includes Spark's planning and JIT warm-up; the second is shown).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import time
from pathlib import Path
from typing import Any

from benchmarks import data

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
BY = ["flow", "day"]
TZ = "Europe/Paris"


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> int:
    bad = 0
    for x, y in zip(a, b, strict=True):
        for k, v in y.items():
            w = x[k]
            if isinstance(v, float) and isinstance(w, float):
                bad += not math.isclose(v, w, rel_tol=1e-12, abs_tol=1e-12)
            else:
                bad += v != w
    return bad + abs(len(a) - len(b))


def measure(rows: int, *, master: str, seed: int) -> dict[str, Any]:
    from arbitre.domain.kpis import KpiRules
    from arbitre.kpi.engine import compute_kpis
    from arbitre.kpi.spark import SparkConnection
    from arbitre.services.imports import import_file
    from arbitre.store.interactions import InteractionStore, connect
    from arbitre.store.workspace import Workspace

    csv = DATA / f"interactions-{rows}-s{seed}-v{data.VERSION}.csv"
    if not csv.exists():
        data.write_csv(csv, rows=rows, seed=seed)
    root = DATA / f"scale-workspace-{rows}"
    shutil.rmtree(root, ignore_errors=True)
    ws = Workspace.init(root, name="scale")
    started = time.perf_counter()
    import_file(ws, csv)
    imported = time.perf_counter() - started
    store = InteractionStore(ws)
    files = store.files()
    out: dict[str, Any] = {
        "rows": rows,
        "import_s": imported,
        "store_bytes": sum(f.stat().st_size for f in files),
    }
    rules = KpiRules()
    con = connect(TZ)
    runs = []
    for _ in range(2):
        t = time.perf_counter()
        duck = compute_kpis(con, store.source_sql(), by=BY, rules=rules, tz=TZ)
        runs.append(time.perf_counter() - t)
    con.close()
    out["duckdb_s"] = runs
    t = time.perf_counter()
    spark = SparkConnection.start(master)
    out["spark_start_s"] = time.perf_counter() - t
    try:
        source = spark.parquet_view(files)
        runs = []
        for _ in range(2):
            t = time.perf_counter()
            sp = compute_kpis(spark, source, by=BY, rules=rules, tz=TZ)
            runs.append(time.perf_counter() - t)
        out["spark_s"] = runs
        # Repeats from the window over every customer's contacts (a window longer than the
        # store's repeat gaps): the engine's heaviest query.
        long = KpiRules(repeat_window_s=40 * 86400)
        con = connect(TZ)
        t = time.perf_counter()
        duck_long = compute_kpis(con, store.source_sql(), by=BY, rules=long, tz=TZ)
        out["duckdb_window_s"] = time.perf_counter() - t
        con.close()
        t = time.perf_counter()
        sp_long = compute_kpis(spark, source, by=BY, rules=long, tz=TZ)
        out["spark_window_s"] = time.perf_counter() - t
    finally:
        spark.close()
    out["groups"] = len(duck)
    out["disagreements"] = _same(sp, duck) + _same(sp_long, duck_long)
    ws.close()
    shutil.rmtree(root, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000,10000000")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "scale.json")
    args = parser.parse_args()
    results = [measure(int(n), master=args.master, seed=args.seed) for n in args.rows.split(",")]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"{'rows':>11} {'import s':>9} {'DuckDB s':>9} {'Spark s':>8} {'start s':>8} {'DuckDB win s':>13} {'Spark win s':>12} {'groups':>7} {'differ':>6}"
    )
    for r in results:
        print(
            f"{r['rows']:>11,} {r['import_s']:9.1f} {r['duckdb_s'][-1]:9.2f} {r['spark_s'][-1]:8.2f} "
            f"{r['spark_start_s']:8.1f} {r['duckdb_window_s']:13.2f} {r['spark_window_s']:12.2f} {r['groups']:7,} {r['disagreements']:6}"
        )


if __name__ == "__main__":
    main()
