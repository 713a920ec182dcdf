"""The import's memory does not grow with the file (issue 11): chunks of rows, DuckDB bounded.

Each import runs in a fresh process whose peak resident memory is its own. The
chunk size and DuckDB's limit are scaled down with the files (the product reads a million rows a
chunk with DuckDB at 1 GB), so that a file a few times the chunk shows whether memory follows
the file or the chunk: before issue 11, the import held the whole file, about 800 bytes a row.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from arbitre.store.workspace import Workspace
from benchmarks import data

# The peak is the process's high-water mark since it started (VmHWM): ``ru_maxrss`` would start
# from this test process's own memory, which a forked child inherits.
MEASURE = """
import sys
import arbitre.ingest.readers as readers
import arbitre.store.duck as duck
readers.CHUNK_ROWS = 20_000
readers.CSV_BLOCK_BYTES = 1 << 20
duck.MEMORY_LIMIT = "64MB"
from arbitre.services.imports import import_file
from arbitre.store.workspace import Workspace
summary = import_file(Workspace.open(sys.argv[1]), sys.argv[2])
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(summary.inserted, int(peak.split()[1]) // 1024)
"""


def _import_peak_mib(tmp_path: Path, rows: int) -> int:
    csv = tmp_path / f"calls-{rows}.csv"
    data.write_csv(csv, rows=rows, seed=5)
    ws = Workspace.init(tmp_path / f"ws-{rows}")
    ws.close()
    ran = subprocess.run(
        [sys.executable, "-c", MEASURE, str(ws.root), str(csv)], capture_output=True, text=True, check=True
    )
    inserted, peak = (int(x) for x in ran.stdout.split())
    assert inserted == rows
    return peak


@pytest.mark.slow
def test_the_peak_memory_of_an_import_does_not_grow_with_the_file(tmp_path: Path) -> None:
    small = _import_peak_mib(tmp_path, 150_000)
    large = _import_peak_mib(tmp_path, 600_000)
    # 450,000 more rows held whole would take about 350 MiB more; chunks take the same memory.
    assert large - small < 60, (small, large)
