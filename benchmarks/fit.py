"""`arbitre fit` as a user runs it, whole process, beside the KPI pass it builds on.

``python -m benchmarks.fit [--workspace DIR] [--bank FILE] [--repeat 3]``: the demo workspace
(built with ``arbitre demo --no-serve`` into ``benchmarks/.data/demo`` when ``--workspace`` is not
given) and, when given, the bank's month of records with the shipped mapping. Each command is a
fresh process (`benchmarks.commands.run_process`: wall time, CPU time, peak resident memory by
``wait4``), run ``--repeat`` times; the median run is shown. The peer is ``arbitre kpi … --by
flow,interval --json``: the KPI engine's values per flow and interval that the fit compares the
models with, on the same input.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.commands import DATA, Process, default_arbitre, run_process

MAPPING = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "arbitre"
    / "examples"
    / "mappings"
    / "anonymous-bank-1999.yaml"
)


def median_run(cmd: list[str], repeat: int) -> Process:
    runs = sorted((run_process(cmd) for _ in range(repeat)), key=lambda p: p.seconds)
    return runs[len(runs) // 2]


def measure(arbitre: str, source: Path, extra: list[str], repeat: int) -> dict[str, object]:
    fit = median_run([arbitre, "fit", str(source), *extra, "--json"], repeat)
    kpi = median_run([arbitre, "kpi", str(source), *extra, "--by", "flow,interval", "--json"], repeat)
    return {
        "source": str(source),
        "fit": fit.as_dict(),
        "kpi_by_flow_interval": kpi.as_dict(),
        "ratio": round(fit.seconds / kpi.seconds, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", type=Path, help="a demo workspace (default: build one)")
    parser.add_argument(
        "--bank", type=Path, help="the bank's month of records (anonymous_bank_1999_02.txt.gz)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--arbitre", default=default_arbitre())
    args = parser.parse_args(argv)
    workspace = args.workspace
    if workspace is None:
        workspace = DATA / "demo"
        if not (workspace / "arbitre.yaml").exists():
            DATA.mkdir(parents=True, exist_ok=True)
            run_process([args.arbitre, "demo", "--dir", str(workspace), "--no-serve"])
    results = [measure(args.arbitre, workspace, [], args.repeat)]
    if args.bank is not None:
        results.append(measure(args.arbitre, args.bank, ["--mapping", str(MAPPING)], args.repeat))
    print(json.dumps(results, indent=2))
    for r in results:
        fit, kpi = r["fit"], r["kpi_by_flow_interval"]
        assert isinstance(fit, dict) and isinstance(kpi, dict)
        print(
            f"{r['source']}: fit {fit['seconds']:.1f} s, {fit['peak_mib']:.0f} MiB — "
            f"kpi by flow and interval {kpi['seconds']:.1f} s, {kpi['peak_mib']:.0f} MiB "
            f"({r['ratio']}×; median of {args.repeat})",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
