"""Shared pieces of the hardening tests (issue 17): a small good file and the CLI in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import GOOD, HEADER, Ran, write_csv

__all__ = ["GOOD", "HEADER", "Ran", "arbitre"]


def arbitre(*args: str) -> Ran:
    """The `arbitre` command in this process."""
    from arbitre.cli.app import app
    from arbitre.cli.output import out

    # A wide terminal: a name is read whole, not wrapped over two lines of a table's cell.
    width, out.width = out.width, 250
    try:
        result = CliRunner().invoke(app, list(args))
    finally:
        out.width = width
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback would have reached the user: fail loudly
    return Ran(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "calls.csv", HEADER, [GOOD])
