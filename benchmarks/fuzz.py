"""The long run of the fuzzing suite (``./scripts/fuzz``): rounds of ``tests/hardening/test_fuzz.py``
with random seeds until the time is up, counting the inputs hypothesis tried and the failures.

Each round is a separate pytest process (a crash of the process — a segmentation fault in a
reader — is a failure too, and its round's output is kept in ``benchmarks/.data/fuzz-failure-*.log``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

TESTS = "tests/hardening/test_fuzz.py"
PASSING = re.compile(
    r"^(tests/\S+::\S+):\s*$|^\s+- (\d+) passing, (\d+) failing, and (\d+) invalid test cases", re.M
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=25.0)
    parser.add_argument("--examples", type=int, default=300, help="examples per test and round")
    args, pytest_args = parser.parse_known_args(argv)
    deadline = time.monotonic() + 60 * args.minutes
    tried: Counter[str] = Counter()
    invalid: Counter[str] = Counter()
    failures: list[Path] = []
    rounds = 0
    out_dir = Path("benchmarks/.data")
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    while time.monotonic() < deadline:
        rounds += 1
        env = {**os.environ, "ARBITRE_FUZZ_EXAMPLES": str(args.examples), "ARBITRE_FUZZ_RANDOM": "1"}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                TESTS,
                "-q",
                "-p",
                "no:cacheprovider",
                "--hypothesis-show-statistics",
                *pytest_args,
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        test = None
        for match in PASSING.finditer(done.stdout):
            if match.group(1):
                test = match.group(1).split("::")[-1]
            elif test is not None:
                tried[test] += int(match.group(2)) + int(match.group(3))
                invalid[test] += int(match.group(4))
        if done.returncode != 0:
            log = out_dir / f"fuzz-failure-{rounds}.log"
            log.write_text(done.stdout + "\n" + done.stderr, encoding="utf-8")
            failures.append(log)
            print(f"round {rounds}: FAILED (exit {done.returncode}), output in {log}", flush=True)
            break
        print(
            f"round {rounds}: {sum(tried.values()):,} inputs so far, {time.monotonic() - started:,.0f} s",
            flush=True,
        )
    print(
        f"\nFuzzing: {rounds} round(s) in {(time.monotonic() - started) / 60:.1f} min, {args.examples} examples per test and round"
    )
    for test, n in sorted(tried.items()):
        print(f"  {test}: {n:,} inputs ({invalid[test]:,} discarded by the strategies)")
    print(f"  total: {sum(tried.values()):,} inputs; failures: {len(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
