"""Helpers for tests."""

from __future__ import annotations

from pathlib import Path


def write_csv(path: Path, header: str, rows: list[str], *, encoding: str = "utf-8") -> Path:
    """A CSV file from a header and rows written as text (tests read better with the raw lines)."""
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path
