"""Where the time goes: the import statement by statement, the KPI query part by part.

    python -m benchmarks.profile import CSV      # every SQL statement of import_file, with its time
    python -m benchmarks.profile kpi WORKSPACE  # the KPI query, then without its costly parts
    python -m benchmarks.profile kpi-file FILE  # every SQL statement of `arbitre kpi FILE --by flow,day`

Run it on data kept by ``./scripts/bench --keep`` (``benchmarks/.data/``), alone on the machine.

- ``import``: `import_file` into a fresh temporary workspace, with the DuckDB connections it opens
  (its own and the mapping sandbox, where each chunk is checked) wrapped so that each statement
  is timed (and the resident memory after it recorded); statements repeated for every chunk are
  added up. Nothing is changed in the product.
- ``kpi``: `kpi_sql` as the engine runs it, then variants that each remove one part (the repeat
  window, the text day key), so that the difference is that part's cost. The variants are
  yardsticks, not proposed code: a variant without the window does not compute ``repeat_rate_7d``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

TZ = "Europe/Paris"


def _label(query: str) -> str:
    text = re.sub(r"\s+", " ", query).strip()
    text = re.sub(r"'[^']*'", "'…'", text)
    return text[:100]


class _Log:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, float]] = []  # label, seconds, CPU s, RSS MiB after

    def add(self, query: str, seconds: float, cpu: float) -> None:
        self.rows.append((_label(query), seconds, cpu, psutil.Process().memory_info().rss / 2**20))


class _TimedRelation:
    """A relation whose results are timed when fetched (relations are lazy)."""

    def __init__(self, rel: Any, query: str, log: _Log) -> None:
        self._rel, self._query, self._log = rel, query, log

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._rel, name)
        if not callable(attr) or not (name.startswith(("fetch", "to_")) or name in ("df", "arrow")):
            return attr

        def timed(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return attr(*args, **kwargs)
            finally:
                self._log.add(self._query, time.perf_counter() - started, time.process_time() - cpu)

        return timed


class _TimedConnection:
    def __init__(self, con: Any, log: _Log) -> None:
        self._con, self._log = con, log

    def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return self._con.execute(query, *args, **kwargs)
        finally:
            self._log.add(query, time.perf_counter() - started, time.process_time() - cpu)

    def sql(self, query: str, *args: Any, **kwargs: Any) -> Any:
        return _TimedRelation(self._con.sql(query, *args, **kwargs), query, self._log)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _print_statements(log: _Log) -> None:
    print(f"{'seconds':>8} {'CPU s':>7} {'times':>5} {'RSS MiB':>8}  statement (RSS: the largest after it)")
    merged: dict[str, list[float]] = {}
    for label, seconds, cpu, rss in log.rows:
        entry = merged.setdefault(label, [0.0, 0.0, 0, 0.0])
        entry[0] += seconds
        entry[1] += cpu
        entry[2] += 1
        entry[3] = max(entry[3], rss)
    for label, (seconds, cpu, times, rss) in merged.items():
        if seconds >= 0.05:
            print(f"{seconds:8.2f} {cpu:7.2f} {int(times):5d} {rss:8,.0f}  {label}")
    small = sum(s for s, _, _, _ in merged.values() if s < 0.05)
    print(f"(statements under 0.05 s: {small:.2f} s in all)")


def profile_kpi_file(path: Path) -> None:
    """`kpis([path], by=["flow", "day"])` as `arbitre kpi FILE --by flow,day` runs it, with every
    statement on its DuckDB connection timed."""
    from contextlib import contextmanager

    import arbitre.services.kpis as kpis

    log = _Log()
    bounded: Callable[..., Any] = kpis.bounded_connection

    @contextmanager
    def timed(*args: Any, **kwargs: Any) -> Any:
        with bounded(*args, **kwargs) as con:
            yield _TimedConnection(con, log)

    kpis.bounded_connection = timed  # type: ignore[assignment]
    started, cpu_started = time.perf_counter(), time.process_time()
    groups = kpis.kpis([path], by=["flow", "day"])
    total, cpu_total = time.perf_counter() - started, time.process_time() - cpu_started
    statements = sum(r[1] for r in log.rows)
    print(
        f"kpis: {total:.1f} s ({cpu_total:.1f} CPU s), {len(groups):,} groups; SQL statements {statements:.1f} s"
    )
    _print_statements(log)


def profile_import(csv: Path) -> None:
    import arbitre.ingest.validate as validate
    import arbitre.services.imports as imports
    import arbitre.store.duck as duck
    import arbitre.store.files as files
    import arbitre.store.interactions as interactions
    from arbitre.store.workspace import Workspace

    log = _Log()
    connect: Callable[..., Any] = interactions.connect

    def timed_connect(*args: Any, **kwargs: Any) -> Any:
        return _TimedConnection(connect(*args, **kwargs), log)

    interactions.connect = timed_connect  # type: ignore[assignment]
    duck.connect = timed_connect  # type: ignore[assignment]  # the import's bounded connection
    write: Callable[..., Any] = files.BackgroundWriter.write

    def timed_write(self: Any, con: Any, query: str, target: Path) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        write(self, con, query, target)  # the query runs as its rows are read
        log.add("(write a month) " + query, time.perf_counter() - started, time.process_time() - cpu)

    files.BackgroundWriter.write = timed_write  # type: ignore[method-assign]
    sandbox: Callable[..., Any] = validate.sandbox
    validate.sandbox = lambda *a, **k: _TimedConnection(sandbox(*a, **k), log)  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(dir=csv.parent) as tmp:
        ws = Workspace.init(Path(tmp) / "ws", name="profile")
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = imports.import_file(ws, csv)
        total, cpu_total = time.perf_counter() - started, time.process_time() - cpu_started
        ws.close()
    statements = sum(r[1] for r in log.rows)
    print(
        f"import_file: {total:.1f} s ({cpu_total:.1f} CPU s) for {summary.rows_read:,} rows; "
        f"SQL statements {statements:.1f} s"
    )
    _print_statements(log)


def profile_kpi(ws_dir: Path, *, repeat: int = 3) -> None:
    from arbitre.domain.kpis import KpiRules
    from arbitre.kpi.engine import kpi_sql
    from arbitre.store.interactions import InteractionStore, connect
    from arbitre.store.workspace import Workspace

    ws = Workspace.open(ws_dir)
    source = InteractionStore(ws).source_sql()
    ws.close()
    con = connect(TZ)
    query = kpi_sql(source, by=["flow", "day"], rules=KpiRules(), tz=TZ)
    window = "lead(arrived_at) OVER (PARTITION BY customer_id, flow ORDER BY arrived_at, contact_id)"
    day = f"strftime(timezone('{TZ}', arrived_at), '%Y-%m-%d')"
    no_window = query.replace(window, "arrived_at")
    variants = {
        "kpi_sql as the engine runs it": query,
        "without the repeat window (lead(...) → arrived_at)": no_window,
        "without the window, day as CAST(arrived_at AS DATE)": no_window.replace(
            day, "CAST(arrived_at AS DATE)"
        ),
        "the window alone (count of repeats)": f"SELECT count(*) FILTER (WHERE r) FROM (SELECT epoch({window}) - epoch(arrived_at) <= 604800 AS r FROM {source})",
        "the scan alone (count of the columns read)": f"SELECT count(contact_id), count(flow), count(channel), count(arrived_at), count(answered_at), count(ended_at), count(abandoned), count(talk_s), count(hold_s), count(wrap_s), count(customer_id), count(resolved), count(csat), count(nps), count(qa_score) FROM {source}",
    }
    for name, text in variants.items():
        if name != "kpi_sql as the engine runs it" and text == query:
            print(f"{name}: the query changed, variant skipped")
            continue
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            con.sql(text).fetchall()
            runs.append(time.perf_counter() - started)
        print(
            f"{statistics.median(runs):7.2f} s  {name}  ({', '.join(f'{r:.2f}' for r in runs)})", flush=True
        )
    con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["import", "kpi", "kpi-file"])
    parser.add_argument(
        "path", type=Path, help="the CSV (import), the workspace (kpi) or the file (kpi-file)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if args.what == "import":
        profile_import(args.path)
    elif args.what == "kpi-file":
        profile_kpi_file(args.path)
    else:
        profile_kpi(args.path, repeat=args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
