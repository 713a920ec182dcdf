"""File-level chores of the interaction store: private, durable writes and removal of leftovers."""

from __future__ import annotations

import os
import queue
import shutil
import threading
from pathlib import Path

import duckdb
import pyarrow as pa
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
# Columns of few distinct values a month, dictionary-encoded; the others are written plain
# (a dictionary of a column of unique values, an id or an instant, costs time and is dropped):
# 20 % less time to write a month, and files 20 % smaller.
DICTIONARY_COLUMNS = frozenset(
    {
        "flow",
        "channel",
        "site",
        "language",
        "reason",
        "agent_id",
        "import_id",
        "abandoned",
        "resolved",
        "csat",
        "nps",
    }
)


def private_folder(path: Path) -> Path:
    """``path`` created if missing (parents too), readable by the owner only."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(path, FOLDER_MODE)
    return path


def write_parquet(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> int:
    """Write the rows of ``query`` to ``target`` (zstd, row groups of 122,880), mode 600, flushed.

    Statistics are written for every column but `PRIVATE_COLUMNS`, dictionaries for
    `DICTIONARY_COLUMNS` only. Returns the number of rows.
    """
    reader = con.sql(query).to_arrow_reader(ROW_GROUP_ROWS)
    with _ParquetFile(target, reader.schema) as out:
        for batch in reader:
            out.write(batch)
    return out.rows


class _ParquetFile:
    """One store file being written: private, zstd, no statistics on private columns, flushed."""

    def __init__(self, target: Path, schema: pa.Schema) -> None:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        self.handle = os.fdopen(fd, "wb")
        stats = [name for name in schema.names if name not in PRIVATE_COLUMNS]
        self.writer = pq.ParquetWriter(
            self.handle,
            schema,
            compression="zstd",
            write_statistics=stats,
            use_dictionary=[name for name in schema.names if name in DICTIONARY_COLUMNS],
        )
        self.rows = 0

    def write(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows:
            self.writer.write_batch(batch, row_group_size=ROW_GROUP_ROWS)
            self.rows += batch.num_rows

    def __enter__(self) -> _ParquetFile:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            self.writer.close()
            if kind is None:
                self.handle.flush()
                os.fsync(self.handle.fileno())
        finally:
            self.handle.close()


class BackgroundWriter:
    """`write_parquet` with the compression and the writing in a thread: the caller's
    connection computes the next file's rows meanwhile. Batches pass through a short queue, so
    memory holds a few row groups, not a file. `finish` waits and returns each file's rows.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Path, pa.Schema] | pa.RecordBatch | None] = queue.Queue(maxsize=4)
        self._rows: dict[Path, int] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="arbitre-parquet-writer", daemon=True)
        self._thread.start()

    def write(self, con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
        """Queue the rows of ``query`` for ``target`` (returns once they are all read)."""
        reader = con.sql(query).to_arrow_reader(ROW_GROUP_ROWS)
        self._put((target, reader.schema))
        for batch in reader:
            self._put(batch)

    def finish(self) -> dict[Path, int]:
        """Wait until every file is written; their rows."""
        self._put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._rows

    def _put(self, item: tuple[Path, pa.Schema] | pa.RecordBatch | None) -> None:
        while True:
            if self._error is not None:
                raise self._error
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        current: _ParquetFile | None = None
        target = Path()
        try:
            while True:
                item = self._queue.get()
                if not isinstance(item, pa.RecordBatch):  # a new file, or the end: close the last
                    if current is not None:
                        current.__exit__(None)
                        self._rows[target] = current.rows
                        current = None
                    if item is None:
                        return
                    target, schema = item
                    current = _ParquetFile(target, schema)
                else:
                    assert current is not None
                    current.write(item)
        except BaseException as exc:  # raised in the caller's thread, at its next call
            self._error = exc
            if current is not None:
                current.handle.close()


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
