"""Helpers for tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
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


def demo_company(folder: Path, *, seed: int, start: date, end: date, scale: float) -> Path:
    """A workspace of the demo company's history from ``start`` to ``end`` at ``scale``, with its
    decision inputs (costs, frame, offers): the workspace's folder."""
    import pyarrow.parquet as pq

    from arbitre.demo.generate import generate_history
    from arbitre.services.demo import DEMO_INPUTS
    from arbitre.services.imports import import_file
    from arbitre.store.workspace import Workspace

    history = generate_history(seed=seed, start=start, end=end, scale=scale)
    pq.write_table(history.interactions, folder / "history.parquet")
    ws = Workspace.init(folder / "ws", settings=history.settings)
    try:
        import_file(ws, folder / "history.parquet")
    finally:
        ws.close()
    for name in ("costs.yaml", "decision.yaml"):
        shutil.copyfile(DEMO_INPUTS / name, folder / "ws" / name)
    shutil.copytree(DEMO_INPUTS / "offers", folder / "ws" / "offers")
    return folder / "ws"
