"""Readers see a snapshot (issue 17: "a reader crashes if an import commits while it reads (2 runs
in 125)"): `kpi` and `map` running while imports commit read the old or the new store, never a
file removed under them."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from arbitre.services.activity import activity_map
from arbitre.services.kpis import kpis
from arbitre.store.interactions import InteractionStore
from arbitre.store.workspace import Workspace
from tests.helpers import write_csv

HEADER = "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned,talk_s,hold_s,wrap_s"
IMPORTS = 25


def _month(path: Path, talk_s: int) -> Path:
    """Two days of January; each version changes every row's talk time (every import rewrites the month)."""
    rows = [
        f"{i},sav,voice_in,internal,2026-01-{5 + i % 2:02d}T{9 + i % 8:02d}:{i % 60:02d}:00+01:00,"
        f"2026-01-{5 + i % 2:02d}T{9 + i % 8:02d}:{i % 60:02d}:10+01:00,"
        f"2026-01-{5 + i % 2:02d}T{9 + i % 8:02d}:{i % 60:02d}:50+01:00,false,{talk_s},0,0"
        for i in range(200)
    ]
    return write_csv(path, HEADER, rows)


def test_kpi_and_map_read_a_whole_store_while_imports_commit(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws", name="Snapshot")
    from arbitre.services.imports import import_file

    import_file(ws, _month(tmp_path / "v0.csv", 30))
    files = [_month(tmp_path / f"v{i}.csv", 30 + i) for i in range(1, IMPORTS + 1)]
    script = (
        "import sys\n"
        "from arbitre.services.imports import import_file\n"
        "from arbitre.store.workspace import Workspace\n"
        "for f in sys.argv[2:]:\n"
        "    ws = Workspace.open(sys.argv[1])\n"
        "    import_file(ws, f)\n"
        "    ws.close()\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script, str(ws.root), *map(str, files)],
        stderr=subprocess.PIPE,
        text=True,
    )
    reads = 0
    seen: set[float] = set()
    try:
        while writer.poll() is None or reads < 10:
            reader = Workspace.open(ws.root)
            try:
                (row,) = kpis([reader.root])
                assert row["offered"] == 200
                seen.add(row["aht_s"])
                assert activity_map(reader).flows[0].contacts == 200
            finally:
                reader.close()
            reads += 1
            if reads > 2000:
                break
    finally:
        _, stderr = writer.communicate(timeout=300)
    assert writer.returncode == 0, stderr
    assert reads >= 10 and len(seen) >= 2  # the reads did overlap the commits
    # Once no reader is left, the next writer removes every replaced file.
    InteractionStore(ws).collect_garbage()
    assert len(list(ws.interactions_dir.rglob("*.parquet"))) == 1
    ws.close()


def test_a_reader_keeps_its_files_until_it_closes(tmp_path: Path) -> None:
    from arbitre.services.imports import import_file

    ws = Workspace.init(tmp_path / "ws", name="Snapshot")
    import_file(ws, _month(tmp_path / "v0.csv", 30))
    reader = Workspace.open(ws.root)
    (held,) = InteractionStore(reader).files()
    started = time.perf_counter()
    import_file(ws, _month(tmp_path / "v1.csv", 31))  # does not wait for the reader
    assert time.perf_counter() - started < 30
    assert held.exists()  # replaced, but a reader holds it
    other = Workspace.open(ws.root)
    (new,) = InteractionStore(other).files()
    other.close()
    assert new != held
    reader.close()
    import_file(ws, _month(tmp_path / "v2.csv", 32))
    assert not held.exists()
    ws.close()
