"""One measurement, alone in its process, so that its peak memory is its own.

`benchmarks.run` starts ``python -m benchmarks.measure KIND --out FILE ...`` once per measurement.
The measured call is timed with ``time.perf_counter``; the peak resident memory is the process's
high-water mark (``ru_maxrss``), which includes the interpreter and the libraries (the baseline,
reported beside it, is the resident memory just before the measured call).

Kinds:

- ``generate``: write the CSV (`benchmarks.data.write_csv`);
- ``import``: `Workspace.init` then `import_file` of the CSV, with the time of each stage of the
  import (the stage functions are wrapped with timers in this process only; nothing is changed in
  the product);
- ``engine``: `compute_kpis` by flow × day over the store, default rules, Europe/Paris;
- ``pandas``: `benchmarks.pandas_kpi` over the store's Parquet files;
- the staffing kinds (``erlang-c-arbitre``, ``erlang-c-pyworkforce``, ``sim-ciw``, …): see
  `benchmarks.staffing_measure`.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from benchmarks import staffing_measure

TZ = "Europe/Paris"
BY = ["flow", "day"]

# (label, module, attribute, class or None): functions of the import timed inside `import_file`.
IMPORT_STAGES: tuple[tuple[str, str, str, str | None], ...] = (
    ("read file", "arbitre.services.imports", "read_source", None),
    (
        "  of which: encoding check (decodes the whole file)",
        "arbitre.ingest.readers",
        "_guess_encoding",
        None,
    ),
    ("validate (map, convert, check)", "arbitre.services.imports", "validate", None),
    ("  of which: collect errors", "arbitre.ingest.validate", "_collect", None),
    ("  of which: duplicate keys", "arbitre.ingest.validate", "_duplicates", None),
    ("pseudonymise ids, redact", "arbitre.services.imports", "_protect", None),
    ("merge and write Parquet", "arbitre.store.interactions", "merge", "InteractionStore"),
    ("commit", "arbitre.store.interactions", "commit", "InteractionStore"),
    ("sha256 of the file", "arbitre.services.imports", "_sha256", None),
)


def _rss_mib() -> float:
    return psutil.Process().memory_info().rss / 2**20


def _cpu_s() -> float:
    """CPU seconds of this process, every thread (less sensitive than wall time to a busy machine)."""
    return time.process_time()


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _timed(stages: dict[str, float], label: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            stages[label] = stages.get(label, 0.0) + time.perf_counter() - started

    return wrapper


def _instrument(stages: dict[str, float]) -> None:
    """Wrap the import's stage functions with timers; a stage the code no longer has is skipped."""
    for label, module_name, attr, cls in IMPORT_STAGES:
        owner: Any = importlib.import_module(module_name)
        if cls is not None:
            owner = getattr(owner, cls, None)
        func = getattr(owner, attr, None) if owner is not None else None
        if func is not None:
            setattr(owner, attr, _timed(stages, label, func))


def measure_generate(csv: Path, *, rows: int, seed: int, abandons_with_end: bool) -> dict[str, Any]:
    from benchmarks.data import write_csv

    baseline = _rss_mib()
    stats = write_csv(csv, rows=rows, seed=seed, abandons_without_end=not abandons_with_end)
    return {"seconds": stats["seconds"], "bytes": stats["bytes"], "baseline_mib": baseline}


def measure_import(csv: Path, *, ws_dir: Path) -> dict[str, Any]:
    from arbitre.services.imports import import_file
    from arbitre.store.workspace import Workspace

    stages: dict[str, float] = {}
    _instrument(stages)
    started = time.perf_counter()
    ws = Workspace.init(ws_dir, name="benchmark")
    init_s = time.perf_counter() - started
    baseline = _rss_mib()
    cpu, started = _cpu_s(), time.perf_counter()
    summary = import_file(ws, csv)
    seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
    ws.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "init_seconds": init_s,
        "baseline_mib": baseline,
        "summary": summary.as_dict() | {"file": csv.name, "import_id": None},
        "stages": stages,
    }


def _store_files(ws_dir: Path) -> tuple[str, list[Path]]:
    from arbitre.store.interactions import InteractionStore
    from arbitre.store.workspace import Workspace

    ws = Workspace.open(ws_dir)
    store = InteractionStore(ws)
    source, files = store.source_sql(), store.files()
    ws.close()
    return source, files


def measure_engine(ws_dir: Path, *, result: Path) -> dict[str, Any]:
    from arbitre.domain.kpis import KpiRules
    from arbitre.kpi.engine import compute_kpis
    from arbitre.store.interactions import connect

    source, _ = _store_files(ws_dir)
    con = connect(TZ)
    baseline = _rss_mib()
    cpu, started = _cpu_s(), time.perf_counter()
    rows = compute_kpis(con, source, by=BY, rules=KpiRules(), tz=TZ)
    seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
    threads = con.sql("SELECT current_setting('threads')").fetchall()[0][0]
    con.close()
    result.write_text(json.dumps(rows))
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "baseline_mib": baseline,
        "groups": len(rows),
        "threads": int(threads),
    }


def measure_pandas(ws_dir: Path, *, result: Path) -> dict[str, Any]:
    from benchmarks import pandas_kpi

    _, files = _store_files(ws_dir)
    baseline = _rss_mib()
    cpu, started = _cpu_s(), time.perf_counter()
    df = pandas_kpi.read_parquet(files)
    read_s = time.perf_counter() - started
    rows = pandas_kpi.kpis_by_flow_day(df, tz=TZ)
    seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
    result.write_text(json.dumps(rows))
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "read_seconds": read_s,
        "baseline_mib": baseline,
        "groups": len(rows),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.measure")
    parser.add_argument("kind", choices=["generate", "import", "engine", "pandas", *staffing_measure.KINDS])
    parser.add_argument("--out", type=Path, required=True, help="where to write the measurement (JSON)")
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--ws", type=Path)
    parser.add_argument("--result", type=Path, help="where to write the KPI rows (JSON)")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--abandons-with-end", action="store_true")
    staffing_measure.add_arguments(parser)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    if args.kind == "generate":
        out = measure_generate(
            args.csv, rows=args.rows, seed=args.seed, abandons_with_end=args.abandons_with_end
        )
    elif args.kind == "import":
        out = measure_import(args.csv, ws_dir=args.ws)
    elif args.kind == "engine":
        out = measure_engine(args.ws, result=args.result)
    elif args.kind in staffing_measure.KINDS:
        out = staffing_measure.measure(args.kind, args)
    else:
        out = measure_pandas(args.ws, result=args.result)
    out["peak_mib"] = _peak_mib()
    out["load_before"] = load  # 1-minute load average when the measurement started
    args.out.write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
