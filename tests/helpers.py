"""Helpers for tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# A small interaction file: the canonical header and one good row.
HEADER = "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned"
GOOD = "1,sav,voice_in,internal,2026-01-05T09:00:00+01:00,2026-01-05T09:00:10+01:00,2026-01-05T09:03:00+01:00,false"


@dataclass
class Ran:
    """What a command printed and how it ended."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def one_line_error(self) -> bool:
        """Exactly one line on standard error, the CLI's own, and no traceback anywhere."""
        lines = self.stderr.strip().splitlines()
        return (
            len(lines) == 1
            and lines[0].startswith("arbitre: error: ")
            and "Traceback" not in self.stderr + self.stdout
        )


def write_csv(path: Path, header: str, rows: list[str], *, encoding: str = "utf-8") -> Path:
    """A CSV file from a header and rows written as text (tests read better with the raw lines)."""
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path
