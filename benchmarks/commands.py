"""Benchmarks of the commands people run, whole process, each against a peer in the same run.

``./scripts/bench --only commands`` (or ``python -m benchmarks.commands``). Every measurement is
a fresh process started the way a user starts it (``arbitre …``, ``python …``), timed from its
start to its exit, with its own peak resident memory (``wait4``'s ``ru_maxrss``) and CPU time:

| measurement | ours | peer | target |
|---|---|---|---|
| staff | ``arbitre staff --file`` of 200,000 intervals (1–2,000 Erlangs) ``--json`` | pyworkforce ``ErlangC.required_positions`` on a sample, extrapolated | ≥ 1,000× |
| kpi | ``arbitre kpi FILE.parquet --by flow,day --json`` (5 M rows) | a vectorised pandas script of the same definitions on the same file | ≥ 5× |
| import | ``arbitre import WS FILE.csv`` (10 M rows) | DuckDB's bare ``read_csv`` of the same file into a table | time ≤ 4×, peak RSS shown |
| demo | ``arbitre demo --dir D --no-serve`` | — | wall time |

Both sides of a ratio print or keep the same results: the KPIs of both are compared on every
group (`benchmarks.compare`), the agents of both on the sample. ``--arbitre PATH`` measures
another installation's command (a "before" figure from another checkout).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from benchmarks import data
from benchmarks import staffing_data as sd
from benchmarks.machine import Others, others_busy

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / ".data"
RESULTS = HERE / "results"

TARGETS = {"staff": 1000.0, "kpi": 5.0, "import_ratio": 4.0}
KINDS = ("staff", "kpi", "import", "demo")


@dataclass(frozen=True)
class Process:
    """One whole process: wall seconds from start to exit, CPU seconds, peak resident MiB, and
    the CPU other processes of the machine used meanwhile (% of all CPUs; before: when it started)."""

    seconds: float
    cpu_seconds: float
    peak_mib: float
    others_before_pct: float = 0.0
    others_during_pct: float = 0.0
    load_start: float = 0.0  # the 1-minute load average when it started and when it ended
    load_end: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
            "peak_mib": self.peak_mib,
            "others_before_pct": self.others_before_pct,
            "others_during_pct": self.others_during_pct,
            "load_start": self.load_start,
            "load_end": self.load_end,
        }


# Seconds to wait before each measured process for the other processes to leave the CPUs.
SETTLE_S = {"value": 0.0}


def run_process(cmd: list[str], *, stdout: Path | None = None, env: dict[str, str] | None = None) -> Process:
    """Run ``cmd`` to its end; its own time and peak memory (``wait4``), failing if it fails.

    First waits up to ``SETTLE_S`` for a quiet machine, and records how busy the others were.
    """
    before = others_busy(SETTLE_S["value"]) if SETTLE_S["value"] > 0 else 0.0
    others = Others()
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    load_start = os.getloadavg()[0]
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, cwd=REPO, env=env)
        assert proc.stderr is not None
        err = proc.stderr.read()  # the process's messages (progress); read so that it never blocks
        proc.stderr.close()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd[:3])}… exited {proc.returncode}: {err.decode()[-2000:]}")
    return Process(
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        before,
        others.during_pct(),
        load_start,
        os.getloadavg()[0],
    )


def default_arbitre() -> str:
    """The ``arbitre`` command beside this interpreter (the environment's own)."""
    beside = Path(sys.executable).parent / "arbitre"
    return str(beside) if beside.exists() else shutil.which("arbitre") or "arbitre"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _python_peer(*args: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.command_peers", *args]


# ---------------------------------------------------------------------------------------------
# staff --file


def staff(arbitre: str, *, intervals: int, sample: int, seed: int) -> dict[str, Any]:
    """``arbitre staff --file`` on ``intervals`` half-hours against pyworkforce on ``sample``."""
    x = sd.intervals(intervals, seed=seed)
    path = DATA / f"staff-intervals-{intervals}-s{seed}.csv"
    pacsv.write_csv(pa.table({"volume": x.volume, "aht": x.aht_s}), path)
    flags = ["--interval", str(sd.INTERVAL_S), "--threshold", str(sd.THRESHOLD_S), "--sl", str(sd.SL_TARGET)]
    result = DATA / "staff.json"
    ours = run_process([arbitre, "staff", "--file", str(path), *flags, "--json"], stdout=result)
    agents = np.array([r["agents"] for r in json.loads(result.read_bytes())], dtype=np.int64)
    peer_out = DATA / "staff-pyworkforce.json"
    peer_agents = DATA / "staff-pyworkforce.npy"
    peer_cmd = [sys.executable, "-m", "benchmarks.measure", "erlang-c-pyworkforce"]
    peer = run_process(
        [
            *peer_cmd,
            "--out",
            str(peer_out),
            "--intervals",
            str(intervals),
            "--sample",
            str(sample),
            "--seed",
            str(seed),
            "--result",
            str(peer_agents),
        ]
    )
    measured = json.loads(peer_out.read_text())
    theirs = np.load(peer_agents)
    idx = sd.subsample(intervals, sample, seed=seed)
    same = int((agents[idx] == theirs).sum())
    for p in (path, result, peer_out, peer_agents):
        p.unlink(missing_ok=True)
    extrapolated = float(measured["extrapolated_seconds"])
    # What bounds the whole command: Python's own start with NumPy, and arbitre's start alone.
    floor = min(
        (run_process([sys.executable, "-c", "import numpy"]) for _ in range(3)), key=lambda p: p.seconds
    )
    start = min((run_process([arbitre, "staff", "--help"]) for _ in range(3)), key=lambda p: p.seconds)
    return {
        "intervals": intervals,
        "floor": {"python_import_numpy": floor.as_dict(), "arbitre_staff_help": start.as_dict()},
        "ours": ours.as_dict(),
        "peer": peer.as_dict()
        | {
            "name": f"pyworkforce {measured.get('version', '')} ErlangC.required_positions",
            "sample": sample,
            "per_interval_us": measured["per_interval_us"],
            "extrapolated_seconds": extrapolated,
        },
        "ratio": extrapolated / ours.seconds,
        "ratio_at_floor": extrapolated / floor.seconds,
        "agreement": {"sample": sample, "same_agents": same},
    }


# ---------------------------------------------------------------------------------------------
# kpi FILE.parquet


def _interactions_csv(rows: int, seed: int) -> Path:
    csv = DATA / f"interactions-{rows}-s{seed}-v{data.VERSION}.csv"
    if not csv.exists():
        _log(f"  generating {rows:,} rows → {csv.name}")
        # In a process of its own: generated here, the rows' memory (kept by Arrow's pool) would
        # be the starting resident size of every process measured after it.
        code = f"from benchmarks import data; data.write_csv({str(csv)!r}, rows={rows}, seed={seed})"
        subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
    return csv


def _read_through(path: Path) -> None:
    """Read ``path`` once, so that it is in the page cache for every measurement (a file of
    the previous run may have been pushed out by a bigger one)."""
    with open(path, "rb", buffering=0) as handle:
        while handle.read(1 << 23):
            pass


def _interactions_parquet(rows: int, seed: int) -> Path:
    parquet = DATA / f"interactions-{rows}-s{seed}-v{data.VERSION}.parquet"
    if not parquet.exists():
        csv = _interactions_csv(rows, seed)
        _log(f"  converting to {parquet.name}")
        run_process(_python_peer("to-parquet", str(csv), str(parquet)))
    return parquet


def kpi(arbitre: str, *, rows: int, seed: int) -> dict[str, Any]:
    """``arbitre kpi FILE.parquet --by flow,day --json`` against pandas on the same file."""
    from benchmarks.compare import differences, summary
    from benchmarks.pandas_kpi import KPI_NAMES

    parquet = _interactions_parquet(rows, seed)
    _read_through(parquet)
    ours_out, theirs_out = DATA / "kpi-arbitre.json", DATA / "kpi-pandas.json"
    ours = run_process([arbitre, "kpi", str(parquet), "--by", "flow,day", "--json"], stdout=ours_out)
    peer = run_process(_python_peer("pandas-kpi", str(parquet), str(theirs_out)))
    engine, reference = json.loads(ours_out.read_bytes()), json.loads(theirs_out.read_bytes())
    diffs = differences(engine, reference, kpis=KPI_NAMES)
    for p in (ours_out, theirs_out):
        p.unlink(missing_ok=True)
    return {
        "rows": rows,
        "file_bytes": parquet.stat().st_size,
        "ours": ours.as_dict(),
        "peer": peer.as_dict() | {"name": "pandas (benchmarks/pandas_kpi.py)"},
        "ratio": peer.seconds / ours.seconds,
        "ratio_cpu": peer.cpu_seconds / ours.cpu_seconds,
        "agreement": {"groups": len(engine), "disagreements": len(diffs), "by_kpi": summary(diffs)},
    }


# ---------------------------------------------------------------------------------------------
# import FILE.csv


def import_(arbitre: str, *, rows: int, seed: int) -> dict[str, Any]:
    """``arbitre import`` of a fresh workspace against DuckDB's bare ``read_csv`` of the file."""
    csv = _interactions_csv(rows, seed)
    _read_through(csv)  # both commands then read it from the page cache, whichever runs first
    ws = DATA / "import-workspace"
    shutil.rmtree(ws, ignore_errors=True)
    subprocess.run([arbitre, "init", str(ws)], check=True, capture_output=True)
    try:
        ours = run_process([arbitre, "import", str(ws), str(csv), "--json"])
    finally:
        shutil.rmtree(ws, ignore_errors=True)
    peer = run_process(_python_peer("duckdb-read-csv", str(csv)))
    return {
        "rows": rows,
        "file_bytes": csv.stat().st_size,
        "ours": ours.as_dict(),
        "peer": peer.as_dict() | {"name": "DuckDB read_csv into a table"},
        "ratio": ours.seconds / peer.seconds,
        "ratio_cpu": ours.cpu_seconds / peer.cpu_seconds,
    }


# ---------------------------------------------------------------------------------------------
# demo


def demo(arbitre: str) -> dict[str, Any]:
    """``arbitre demo --no-serve`` into a fresh folder, end to end."""
    folder = DATA / "demo-workspace"
    shutil.rmtree(folder, ignore_errors=True)
    try:
        ours = run_process([arbitre, "demo", "--dir", str(folder), "--no-serve", "--json"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"ours": ours.as_dict()}


# ---------------------------------------------------------------------------------------------


def run_commands(
    *,
    arbitre: str,
    only: tuple[str, ...] = KINDS,
    intervals: int = 200_000,
    sample: int = 2_000,
    kpi_rows: int = 5_000_000,
    import_rows: int = 10_000_000,
    seed: int = 7,
) -> dict[str, Any]:
    """Every command measurement asked for; the report's ``commands`` part."""
    DATA.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"arbitre": Path(arbitre).name if os.sep in arbitre else arbitre}
    if "staff" in only:
        _log(f"staff --file, {intervals:,} intervals, against pyworkforce on {sample:,}")
        out["staff"] = staff(arbitre, intervals=intervals, sample=sample, seed=seed)
        _log(f"  {out['staff']['ours']['seconds']:.2f} s, {out['staff']['ratio']:,.0f}×")
    if "kpi" in only:
        _log(f"kpi FILE.parquet, {kpi_rows:,} rows, against pandas")
        out["kpi"] = kpi(arbitre, rows=kpi_rows, seed=seed)
        _log(f"  {out['kpi']['ours']['seconds']:.1f} s, {out['kpi']['ratio']:.2f}×")
    if "import" in only:
        _log(f"import, {import_rows:,} rows, against DuckDB's read_csv")
        out["import"] = import_(arbitre, rows=import_rows, seed=seed)
        _log(f"  {out['import']['ours']['seconds']:.1f} s, {out['import']['ratio']:.2f}× DuckDB")
    if "demo" in only:
        _log("demo, end to end")
        out["demo"] = demo(arbitre)
        _log(f"  {out['demo']['ours']['seconds']:.0f} s")
    return out


def problems(report: dict[str, Any]) -> list[str]:
    """What makes a ratio meaningless: the two sides did not compute the same thing."""
    found = []
    k = report.get("kpi")
    if k and k["agreement"]["disagreements"]:
        found.append(f"kpi: {k['agreement']['disagreements']} values differ from pandas")
    s = report.get("staff")
    if s and s["agreement"]["same_agents"] < s["agreement"]["sample"]:
        found.append(
            f"staff: agents differ from pyworkforce on {s['agreement']['sample'] - s['agreement']['same_agents']} intervals"
        )
    return found


def print_commands(report: dict[str, Any]) -> None:
    """The commands table on standard output: ours (wall, CPU, peak), the peer, the ratio, the
    target, met or not, and how busy the other processes of the machine were meanwhile."""
    header = (
        f"{'command (whole process)':<40} {'seconds':>8} {'CPU s':>7} {'peak MiB':>9} {'others':>6} {'load':>9}  "
        f"{'peer':<36} {'seconds':>8} {'CPU s':>7} {'peak MiB':>9} {'ratio':>9}  {'target':<9} {'met?':<4}"
    )
    print("\nCommands, whole process (fresh process each, wall time start to exit, CPU time, peak RSS)")
    print(header)
    print("-" * len(header))

    def line(name: str, x: dict[str, Any], ratio: str = "", target: str = "", met: str = "") -> None:
        ours, peer = x["ours"], x.get("peer", {})
        peer_s = peer.get("extrapolated_seconds", peer.get("seconds"))
        print(
            f"{name:<40} {ours['seconds']:8.2f} {ours['cpu_seconds']:7.1f} {ours['peak_mib']:9,.0f} "
            f"{ours.get('others_during_pct', 0.0):5.0f}% "
            f"{ours.get('load_start', 0.0):4.1f}→{ours.get('load_end', 0.0):<4.1f}  {peer.get('name', ''):<36.36} "
            f"{'' if peer_s is None else format(peer_s, '8.2f'):>8} "
            f"{'' if not peer else format(peer['cpu_seconds'], '7.1f'):>7} "
            f"{'' if not peer else format(peer['peak_mib'], '9,.0f'):>9} {ratio:>9}  {target:<9} {met:<4}"
        )

    if "staff" in report:
        s = report["staff"]
        line(
            f"staff --file, {s['intervals']:,} intervals",
            s,
            f"{s['ratio']:,.0f}×",
            "≥ 1,000×",
            "yes" if s["ratio"] >= TARGETS["staff"] else "NO",
        )
    if "kpi" in report:
        k = report["kpi"]
        line(
            f"kpi FILE.parquet --by flow,day, {k['rows'] / 1e6:g} M rows",
            k,
            f"{k['ratio']:.2f}×",
            "≥ 5×",
            "yes" if k["ratio"] >= TARGETS["kpi"] else "NO",
        )
    if "import" in report:
        i = report["import"]
        line(
            f"import CSV, {i['rows'] / 1e6:g} M rows",
            i,
            f"{i['ratio']:.2f}×",
            "≤ 4× time",
            "yes" if i["ratio"] <= TARGETS["import_ratio"] else "NO",
        )
    if "demo" in report:
        line("demo --no-serve, end to end", report["demo"])
    print("(others: CPU used by other processes of the machine during our command, % of all CPUs)")
    if "staff" in report:
        s = report["staff"]
        print(
            f"(staff: pyworkforce timed on {s['peer']['sample']:,} intervals, {s['peer']['per_interval_us']:,.0f} µs each, "
            f"extrapolated to {s['intervals']:,}; same agents on {s['agreement']['same_agents']:,} of {s['agreement']['sample']:,})"
        )
        floor = s.get("floor")
        if floor:
            numpy_s = floor["python_import_numpy"]["seconds"]
            print(
                f'(staff: start-up floor `python -c "import numpy"` {numpy_s:.3f} s, `arbitre staff --help` '
                f"{floor['arbitre_staff_help']['seconds']:.3f} s; a command taking only Python's start with NumPy "
                f"would be {s['ratio_at_floor']:,.0f}× pyworkforce)"
            )
    if "kpi" in report:
        a = report["kpi"]["agreement"]
        print(f"(kpi: {a['groups']:,} groups compared with pandas, {a['disagreements']} values differ)")
    for kind in ("kpi", "import"):
        if kind in report and "ratio_cpu" in report[kind]:
            print(
                f"({kind}: ratio of CPU seconds {report[kind]['ratio_cpu']:.2f}×, of wall seconds {report[kind]['ratio']:.2f}×)"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.commands", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--only", default=",".join(KINDS), help=f"comma-separated among {', '.join(KINDS)}")
    parser.add_argument("--arbitre", default=default_arbitre(), help="the command measured (this one's)")
    parser.add_argument("--intervals", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=2_000, help="intervals pyworkforce is timed on")
    parser.add_argument("--kpi-rows", type=int, default=5_000_000)
    parser.add_argument("--import-rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS / "commands.json")
    parser.add_argument(
        "--settle",
        type=float,
        default=60.0,
        help="seconds to wait for a quiet machine before each process (60)",
    )
    args = parser.parse_args(argv)
    SETTLE_S["value"] = args.settle
    only = tuple(k.strip() for k in args.only.split(",") if k.strip())
    bad = [k for k in only if k not in KINDS]
    if bad:
        parser.error(f"unknown measurement {bad[0]!r}: expected among {', '.join(KINDS)}")
    report = run_commands(
        arbitre=args.arbitre,
        only=only,
        intervals=args.intervals,
        sample=args.sample,
        kpi_rows=args.kpi_rows,
        import_rows=args.import_rows,
        seed=args.seed,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_commands(report)
    found = problems(report)
    for p in found:
        print(f"PROBLEM: {p}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
