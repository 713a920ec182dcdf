"""Shared pieces of the hardening tests (issue 17): a small good file and the CLI in-process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import write_csv

HEADER = "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned"
GOOD = "1,sav,voice_in,internal,2026-01-05T09:00:00+01:00,2026-01-05T09:00:10+01:00,2026-01-05T09:03:00+01:00,false"


@dataclass
class Ran:
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


def arbitre(*args: str) -> Ran:
    """The `arbitre` command in this process."""
    from arbitre.cli.app import app

    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback would have reached the user: fail loudly
    return Ran(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "calls.csv", HEADER, [GOOD])
