"""Where `required_agents` spends its time on a million intervals: ``python -m benchmarks.staffing_profile``.

Run alone on a quiet machine (each variant in a fresh process, as the benchmark measures): the
call as the benchmark times it (first call of a fresh process, then again in the same process,
with the minor page faults of each), then the same million intervals given to the public
`required_agents` in blocks of a few thousand rows, one after the other and over the CPU cores
in threads. The blocks are a yardstick of what the engine could do by working in cache-sized
pieces; nothing of the product is changed. ``--patience`` profiles Erlang A instead of Erlang C.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import staffing_data as sd

REPO = Path(__file__).resolve().parent.parent
BLOCKS = (0, 16_384, 65_536)  # 0: the whole array in one call


def _variant(*, intervals: int, seed: int, block: int, threads: int, patience: bool) -> dict[str, Any]:
    from arbitre.staffing.erlang import required_agents

    x = sd.intervals(intervals, seed=seed)

    def call(part: slice) -> np.ndarray:
        return required_agents(
            volume=x.volume[part],
            interval_s=sd.INTERVAL_S,
            aht_s=x.aht_s[part],
            threshold_s=sd.THRESHOLD_S,
            sl=sd.SL_TARGET,
            patience_s=x.patience_s[part] if patience else None,
        )

    def run() -> np.ndarray:
        if block == 0:
            return call(slice(None))
        parts = [slice(i, i + block) for i in range(0, len(x), block)]
        with ThreadPoolExecutor(threads) as pool:
            return np.concatenate(list(pool.map(call, parts)))

    call(slice(0, 10))
    out: dict[str, Any] = {"block": block, "threads": threads, "calls": []}
    for _ in range(2):
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        cpu, started = time.process_time(), time.perf_counter()
        agents = run()
        out["calls"].append(
            {
                "seconds": time.perf_counter() - started,
                "cpu_seconds": time.process_time() - cpu,
                "page_faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults,
            }
        )
    out["agents_sum"] = int(agents.sum())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.staffing_profile", description=__doc__)
    parser.add_argument("--intervals", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--patience", action="store_true", help="Erlang A (patience) instead of Erlang C")
    parser.add_argument("--variant", help=argparse.SUPPRESS)  # "block,threads": run one, print JSON
    args = parser.parse_args(argv)
    if args.variant:
        block, threads = (int(v) for v in args.variant.split(","))
        result = _variant(
            intervals=args.intervals, seed=args.seed, block=block, threads=threads, patience=args.patience
        )
        print(json.dumps(result))
        return 0
    cores = os.cpu_count() or 1
    model = "Erlang A" if args.patience else "Erlang C"
    print(f"required_agents, {model}, {args.intervals:,} intervals (first call of a fresh process; again)")
    sums = set()
    for block in BLOCKS:
        for threads in (1, cores) if block else (1,):
            cmd = [sys.executable, "-m", "benchmarks.staffing_profile", "--variant", f"{block},{threads}"]
            cmd += ["--intervals", str(args.intervals), "--seed", str(args.seed)]
            cmd += ["--patience"] if args.patience else []
            done = subprocess.run(cmd, cwd=REPO, check=True, capture_output=True, text=True)
            r = json.loads(done.stdout)
            sums.add(r["agents_sum"])
            name = (
                "one call (as the product runs)"
                if block == 0
                else f"blocks of {block:,}, {threads} thread(s)"
            )
            calls = " | ".join(
                f"{c['seconds']:.3f} s, CPU {c['cpu_seconds']:.2f} s, {c['page_faults']:,} faults"
                for c in r["calls"]
            )
            print(f"  {name:<34} {calls}")
    print("  same answers in every variant" if len(sums) == 1 else "  ANSWERS DIFFER between variants")
    return 0


if __name__ == "__main__":
    sys.exit(main())
