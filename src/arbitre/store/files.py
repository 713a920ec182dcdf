"""File-level chores of the interaction store: durable writes and removal of leftovers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

STAGING = ".staging"


def fsync(path: Path) -> None:
    """Flush a file or a folder to disk (a rename is durable only once its folder is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def collect_garbage(root: Path, referenced: set[str]) -> list[Path]:
    """Remove the staging folder and every month file under ``root`` not in ``referenced``.

    ``referenced`` holds paths relative to ``root``, as the partition table records them.
    """
    removed: list[Path] = []
    staging = root / STAGING
    if staging.exists():
        shutil.rmtree(staging)
        removed.append(staging)
    for path in root.glob("month=*/*.parquet"):
        if str(path.relative_to(root)) not in referenced:
            path.unlink()
            removed.append(path)
    for folder in root.glob("month=*"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed
