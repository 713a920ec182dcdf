"""File-level chores of the interaction store: private, durable writes and removal of leftovers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

STAGING = ".staging"
FILE_MODE = 0o600
FOLDER_MODE = 0o700
ROW_GROUP_ROWS = 122_880
# Columns whose values are personal or free text: no min/max statistics in the Parquet footer
# (they would hold raw values readable without scanning a page), and no bloom filter.
PRIVATE_COLUMNS = frozenset(
    {"contact_id", "agent_id", "customer_id", "customer_key", "reason", "transcript", "extra"}
)


def private_folder(path: Path) -> Path:
    """``path`` created if missing (parents too), readable by the owner only."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(path, FOLDER_MODE)
    return path


def write_parquet(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> int:
    """Write the rows of ``query`` to ``target`` (zstd, row groups of 122,880), mode 600, flushed.

    Statistics are written for every column but `PRIVATE_COLUMNS`. Returns the number of rows.
    """
    reader = con.sql(query).to_arrow_reader(ROW_GROUP_ROWS)
    stats = [name for name in reader.schema.names if name not in PRIVATE_COLUMNS]
    rows = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        with pq.ParquetWriter(handle, reader.schema, compression="zstd", write_statistics=stats) as writer:
            for batch in reader:
                if batch.num_rows:
                    writer.write_batch(batch, row_group_size=ROW_GROUP_ROWS)
                    rows += batch.num_rows
        handle.flush()
        os.fsync(handle.fileno())
    return rows


def fsync(path: Path) -> None:
    """Flush a file or a folder to disk (a rename is durable only once its folder is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def collect_garbage(root: Path, referenced: set[str], *, months: bool = True) -> list[Path]:
    """Remove the staging folder and, with ``months``, every month file under ``root`` not in
    ``referenced`` (only when no reader can still hold one: see `Workspace.readers_gone`).

    ``referenced`` holds paths relative to ``root``, as the partition table records them.
    """
    removed: list[Path] = []
    staging = root / STAGING
    if staging.exists():
        shutil.rmtree(staging)
        removed.append(staging)
    if not months:
        return removed
    for path in root.glob("month=*/*.parquet"):
        if str(path.relative_to(root)) not in referenced:
            path.unlink()
            removed.append(path)
    for folder in root.glob("month=*"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed
