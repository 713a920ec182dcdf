"""Run the benchmarks: ``./scripts/bench [--rows N] [--only import|kpi|staffing] [--keep]``.

1. Generate a canonical interaction CSV of N rows (`benchmarks.data`) under ``benchmarks/.data/``.
2. Import it into a fresh workspace with `import_file` (target: under 60 s for 10 million rows).
3. Compute every default KPI by flow × day over the store with the engine (target: under 3 s),
   and with plain pandas over the same Parquet files (target: the engine 10× faster or more).
4. Check that both sides agree on every KPI of every group (1e-9 relative; None and NaN alike).
5. Staffing (`benchmarks.staffing_run`): minimum agents for a million intervals against
   pyworkforce, Erlang A against a naive birth–death chain, the simulator against Ciw.
6. Commands, whole process (`benchmarks.commands`): ``arbitre staff --file``, ``kpi FILE.parquet``,
   ``import`` and ``demo`` as a user runs them, each against its peer in the same run.

Each measurement runs in its own fresh process (`benchmarks.measure`), one after the other, so
that its time and its peak memory are its own. Results go to ``benchmarks/results/latest.json``.
The exit status is 1 when the engine and pandas disagree, or when a staffing comparison finds
Arbitre wrong: timings of two computations that do not compute the same thing mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil

from benchmarks import commands, data, staffing_run
from benchmarks.compare import differences, summary
from benchmarks.machine import Others, others_busy
from benchmarks.pandas_kpi import KPI_NAMES

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / ".data"
RESULTS = HERE / "results"

TARGETS = {"import": 60.0, "engine": 3.0, "ratio": 10.0}
TARGET_ROWS = 10_000_000  # the targets are for this many rows; other sizes are not judged


def _rel(path: Path) -> str:
    """A path as the repository sees it (results must not name the machine's folders)."""
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return path.name


def _child(kind: str, *args: str, settle_s: float = 0.0) -> dict[str, Any]:
    """Run one measurement in a fresh Python process and return what it measured.

    Also returns how busy the other processes of the machine were before (``others_busy_pct``)
    and during it (``others_during_pct``: CPU time of the machine less the measurement's own, as a
    share of all CPUs over the measurement's wall time).
    """
    busy = others_busy(settle_s)
    out = DATA / f"{kind}.measure.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "benchmarks.measure", kind, "--out", str(out), *args]
    others = Others()
    subprocess.run(cmd, cwd=REPO, check=True)
    result: dict[str, Any] = json.loads(out.read_text())
    result["others_busy_pct"] = busy
    result["others_during_pct"] = others.during_pct()
    out.unlink()
    return result


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _machine() -> dict[str, Any]:
    model = None
    try:
        with open("/proc/cpuinfo") as handle:
            model = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), None
            )
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("duckdb", "pyarrow", "pandas", "numpy")},
    }


def _commit() -> str | None:
    """The commit measured, with ``+changes`` when the product's sources differ from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "src"], cwd=REPO, capture_output=True, text=True
        )
    except OSError:
        return None
    if head.returncode:
        return None
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows of the generated CSV (10 million)")
    parser.add_argument(
        "--only",
        choices=["import", "kpi", "staffing", "commands"],
        help="run only the import, only the KPIs, only the staffing benchmarks, or only the commands (whole process)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated CSV and workspace for the next run"
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the generator")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the engine (the median counts); pandas runs once"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=60.0,
        help="seconds to wait, before each measurement, for other processes to leave the CPUs (60)",
    )
    parser.add_argument(
        "--abandons-with-end",
        action="store_true",
        help="give every abandoned contact its ended_at (by default a few have none, as some sources do)",
    )
    staffing = parser.add_argument_group("staffing")
    staffing.add_argument("--intervals", type=int, default=1_000_000, help="intervals for Erlang C and A")
    staffing.add_argument(
        "--sample", type=int, default=2_000, help="intervals for pyworkforce and the naive chain (2,000)"
    )
    staffing.add_argument(
        "--customers", type=int, default=5_000_000, help="customers for Arbitre's simulators"
    )
    staffing.add_argument("--ciw-customers", type=int, default=300_000, help="customers for Ciw (300,000)")
    args = parser.parse_args(argv)

    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    variant = "-ended" if args.abandons_with_end else ""
    stem = f"interactions-{args.rows}-s{args.seed}-v{data.VERSION}{variant}"
    csv, ws = DATA / f"{stem}.csv", DATA / f"workspace-{stem}"
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": args.rows,
        "commit": _commit(),
        "generator": {
            "seed": args.seed,
            "version": data.VERSION,
            "abandons_without_end": not args.abandons_with_end,
        },
        "machine": _machine(),
        "targets": TARGETS,
        "measurements": {},
    }
    if args.only == "staffing":
        return _staffing_only(args, report)
    if args.only == "commands":
        return _commands_only(report, settle_s=args.settle)
    reuse_store = args.only == "kpi" and (ws / "arbitre.yaml").exists()
    try:
        if reuse_store:
            _log(f"using the workspace {_rel(ws)}")
        elif csv.exists():
            _log(f"using {_rel(csv)} ({csv.stat().st_size / 2**30:.2f} GiB)")
        else:
            _log(f"generating {args.rows:,} rows → {_rel(csv)}")
            gen = _child(
                "generate",
                "--csv",
                str(csv),
                "--rows",
                str(args.rows),
                "--seed",
                str(args.seed),
                *(["--abandons-with-end"] if args.abandons_with_end else []),
            )
            report["measurements"]["generate"] = gen
            _log(f"  {gen['seconds']:.1f} s, {gen['bytes'] / 2**30:.2f} GiB")
        if csv.exists():
            report["csv_bytes"] = csv.stat().st_size

        if not reuse_store:
            shutil.rmtree(ws, ignore_errors=True)
            _log(f"importing into a fresh workspace {_rel(ws)}")
            imp = _child("import", "--csv", str(csv), "--ws", str(ws), settle_s=args.settle)
            if args.only != "kpi":
                report["measurements"]["import"] = imp
            _log(f"  {imp['seconds']:.1f} s, peak {imp['peak_mib']:,.0f} MiB, {imp['summary']}")
            if imp["summary"]["rejected"] or imp["summary"]["inserted"] != args.rows:
                _log("the import rejected rows or did not insert them all: see the summary above")
                return 1

        if args.only != "import":
            engine_runs = []
            for i in range(args.repeat):
                _log(f"KPIs with the engine, run {i + 1}/{args.repeat}")
                run = _child(
                    "engine",
                    "--ws",
                    str(ws),
                    "--result",
                    str(DATA / "engine.kpis.json"),
                    settle_s=args.settle,
                )
                _log(f"  {run['seconds']:.2f} s, peak {run['peak_mib']:,.0f} MiB")
                engine_runs.append(run)
            median = statistics.median(r["seconds"] for r in engine_runs)
            engine = dict(min(engine_runs, key=lambda r: abs(r["seconds"] - median)))
            engine.update(
                seconds=median,
                runs=[r["seconds"] for r in engine_runs],
                peak_mib=max(r["peak_mib"] for r in engine_runs),
                others_busy_pct=max(r["others_busy_pct"] for r in engine_runs),
                others_during_pct=max(r["others_during_pct"] for r in engine_runs),
            )
            _log("KPIs with pandas")
            pandas = _child(
                "pandas", "--ws", str(ws), "--result", str(DATA / "pandas.kpis.json"), settle_s=args.settle
            )
            _log(f"  {pandas['seconds']:.1f} s, peak {pandas['peak_mib']:,.0f} MiB")
            report["measurements"].update(engine=engine, pandas=pandas)
            report["ratio_pandas_over_engine"] = pandas["seconds"] / engine["seconds"]
            diffs = differences(
                json.loads((DATA / "engine.kpis.json").read_text()),
                json.loads((DATA / "pandas.kpis.json").read_text()),
                kpis=KPI_NAMES,
            )
            report["agreement"] = {
                "groups": engine["groups"],
                "values": engine["groups"] * len(KPI_NAMES),
                "disagreements": len(diffs),
                "by_kpi": summary(diffs),
                "examples": [d | {"group": list(d["group"])} for d in diffs[:10]],
            }
            for name in ("engine.kpis.json", "pandas.kpis.json"):
                (DATA / name).unlink(missing_ok=True)
    finally:
        if not args.keep:
            for path in (csv, ws):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)

    if args.only is None:
        report["staffing"] = _staffing(args)
        commands.SETTLE_S["value"] = args.settle
        report["commands"] = commands.run_commands(arbitre=commands.default_arbitre(), seed=args.seed)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    agreement = report.get("agreement")
    staffing_problems = report.get("staffing", {}).get("problems")
    command_problems = commands.problems(report.get("commands", {}))
    return 1 if (agreement and agreement["disagreements"]) or staffing_problems or command_problems else 0


def _staffing(args: argparse.Namespace) -> dict[str, Any]:
    options = staffing_run.Options(
        intervals=args.intervals,
        sample=args.sample,
        customers=args.customers,
        ciw_customers=args.ciw_customers,
        seed=args.seed,
        repeat=args.repeat,
        settle_s=args.settle,
    )
    return staffing_run.run_staffing(_child, work=DATA, options=options, log=_log)


def _staffing_only(args: argparse.Namespace, report: dict[str, Any]) -> int:
    """``--only staffing``: no CSV, no workspace; the report holds the staffing part alone."""
    for key in ("rows", "generator"):
        report.pop(key)
    report["staffing"] = _staffing(args)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    return 1 if report["staffing"]["problems"] else 0


def _commands_only(report: dict[str, Any], *, settle_s: float) -> int:
    """``--only commands``: the commands as a user runs them, each against its peer."""
    for key in ("rows", "generator"):
        report.pop(key)
    commands.SETTLE_S["value"] = settle_s
    report["commands"] = commands.run_commands(arbitre=commands.default_arbitre(), seed=report.get("seed", 7))
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    return 1 if commands.problems(report["commands"]) else 0


def _fmt(x: float | None, spec: str) -> str:
    return "" if x is None else format(x, spec)


def print_report(report: dict[str, Any]) -> None:
    """The final table, the import's stages and the agreement, then the staffing benchmarks."""
    if report["measurements"]:
        _print_rows_report(report)
    if "staffing" in report:
        staffing_run.print_staffing(report["staffing"])
    if "commands" in report:
        commands.print_commands(report["commands"])
        for problem in commands.problems(report["commands"]):
            print(f"PROBLEM: {problem}")


def _print_rows_report(report: dict[str, Any]) -> None:
    """The import and KPI table, the import's stages and the agreement, on standard output."""
    rows = report["rows"]
    m = report["measurements"]
    table: list[tuple[str, dict[str, Any], str, str]] = []
    if "generate" in m:
        table.append(("generate CSV (not a target)", m["generate"], "", ""))
    if "import" in m:
        met = _met(m["import"]["seconds"] < TARGETS["import"], rows)
        table.append(("import CSV (import_file)", m["import"], "< 60 s", met))
    if "engine" in m:
        met = _met(m["engine"]["seconds"] < TARGETS["engine"], rows)
        table.append(
            (f"KPIs flow×day, engine (median of {len(m['engine']['runs'])})", m["engine"], "< 3 s", met)
        )
        table.append(("KPIs flow×day, pandas", m["pandas"], "", ""))
    machine = report["machine"]
    print(f"\nArbitre benchmarks, {rows:,} rows, {machine['cpus']} CPUs, {machine['memory_gib']} GiB")
    header = (
        f"{'measurement':<40} {'seconds':>8} {'CPU s':>7} {'rows/s':>11} {'peak MiB':>9}  {'target':<7} "
        f"{'met?':<4} {'others':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, x, target, met in table:
        cpu = x.get("cpu_seconds")
        others = x.get("others_during_pct")
        print(
            f"{name:<40} {x['seconds']:8.2f} {_fmt(cpu, '7.1f'):>7} {rows / x['seconds']:11,.0f} "
            f"{x['peak_mib']:9,.0f}  {target:<7} {met:<4} {_fmt(others, '5.0f') + '%' if others is not None else '':>6}"
        )
    if "ratio_pandas_over_engine" in report:
        ratio = report["ratio_pandas_over_engine"]
        met = _met(ratio >= TARGETS["ratio"], rows)
        print(
            f"{'ratio pandas ÷ engine (same run)':<40} {ratio:7.2f}×{'':>7} {'':>11} {'':>9}  {'≥ 10×':<7} {met}"
        )
    print("(others: CPU used by other processes of the machine during the measurement, % of all CPUs)")
    if rows != TARGET_ROWS:
        print(f"(the targets are for {TARGET_ROWS:,} rows: not judged at {rows:,})")
    if any((x.get("others_during_pct") or 0) > 10 for x in m.values()):
        print("WARNING: the machine was busy with other work during a measurement: its time is inflated.")
    if "import" in m:
        i = m["import"]
        print(f"\nimport stages (s; workspace init {i['init_seconds']:.2f} s, not counted):")
        top = 0.0
        for label, seconds in sorted(i["stages"].items(), key=lambda kv: _stage_order(kv[0])):
            print(f"  {label:<52} {seconds:8.2f}")
            top += 0.0 if label.startswith(" ") else seconds
        print(f"  {'other':<52} {i['seconds'] - top:8.2f}")
    if "engine" in m:
        e, p = m["engine"], m["pandas"]
        runs = ", ".join(f"{s:.2f}" for s in e["runs"])
        print(f"\nengine runs: {runs} s (best {min(e['runs']):.2f} s; {e['threads']} threads)")
        print(
            f"pandas: read Parquet {p['read_seconds']:.1f} s, compute {p['seconds'] - p['read_seconds']:.1f} s"
        )
    agreement = report.get("agreement")
    if agreement:
        n, bad = agreement["values"], agreement["disagreements"]
        print(
            f"\nagreement, engine vs pandas: {agreement['groups']:,} groups × {len(KPI_NAMES)} KPIs = "
            f"{n:,} values, {bad:,} disagree"
        )
        if bad:
            print(f"  by KPI: {agreement['by_kpi']}")
            for d in agreement["examples"][:5]:
                print(f"  {tuple(d['group'])} {d['kpi']}: engine {d['engine']}, pandas {d['reference']}")
            print("  The two sides compute different things: see benchmarks/README.md, 'Agreement'.")


def _met(ok: bool, rows: int) -> str:
    if rows != TARGET_ROWS:
        return "n/a"
    return "yes" if ok else "NO"


def _stage_order(label: str) -> int:
    from benchmarks.measure import IMPORT_STAGES

    labels = [s[0] for s in IMPORT_STAGES]
    return labels.index(label) if label in labels else len(labels)


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    _log(f"\nbenchmark done in {time.perf_counter() - started:.0f} s")
    sys.exit(code)
