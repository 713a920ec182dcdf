"""Every error Arbitre raises on purpose, in one tree.

    ArbitreError
    ├── InputError            bad input from a user: a file, a row, a flag, a setting
    │   ├── RejectedRows      a file with rows that break the interaction contract (all of them)
    │   └── RejectedCells     a spreadsheet (a bid grid) with cells that break its layout (all of them)
    ├── WorkspaceError        a folder that is not a workspace, or one in a state we cannot use
    ├── Conflict              what is asked is done already and may be done once (a lot awarded)
    └── InfeasibleError       a question with no answer (a target no staffing can meet)

Errors carry data: the file, line, field, what was expected and what was found, so that the CLI
prints one line a user can act on and the web app can point at the cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ArbitreError(Exception):
    """Base of every error Arbitre raises on purpose."""


class InputError(ArbitreError):
    """Bad input: names where it is (file, line, field) and what was expected instead.

    >>> str(InputError(file="calls.csv", line=17, field="talk_s", expected="number ≥ 0", got="-3"))
    'calls.csv, line 17, field talk_s: expected number ≥ 0, got "-3"'
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        expected: str | None = None,
        got: object = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.expected = expected
        self.got = got
        self.message = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field {self.field}")
        what = self.message or ""
        if self.expected is not None:
            what = f"expected {self.expected}" + (f", got {_quote(self.got)}" if self.got is not None else "")
            if self.message:
                what = f"{self.message}: {what}"
        head = ", ".join(where)
        return f"{head}: {what}" if head and what else head or what


def _quote(value: object) -> str:
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f'"{text}"'


@dataclass(frozen=True, slots=True)
class RowError:
    """One reason one row of a file was rejected."""

    file: str
    line: int
    column: str
    reason: str
    value: str | None = None

    def __str__(self) -> str:
        got = f" (got {_quote(self.value)})" if self.value is not None else ""
        return f"{self.file}, line {self.line}, column {self.column}: {self.reason}{got}"


class RejectedRows(InputError):
    """A file whose rows break the contract; `errors` lists every reason for every row."""

    def __init__(self, file: str, errors: Sequence[RowError], *, rows: int) -> None:
        self.errors = list(errors)
        self.rows = rows
        lines = len({e.line for e in self.errors})
        first = self.errors[0] if self.errors else None
        summary = f"{lines} of {rows} rows rejected"
        if first is not None:
            summary += f"; first: line {first.line}, column {first.column}: {first.reason}"
        super().__init__(summary, file=file)


@dataclass(frozen=True, slots=True)
class CellError:
    """One cell of a spreadsheet a user filled in, and what it should have held."""

    file: str
    sheet: str
    cell: str
    expected: str
    got: str | None = None

    def __str__(self) -> str:
        got = f", got {_quote(self.got)}" if self.got is not None else ""
        return f"{self.file}, sheet {self.sheet}, cell {self.cell}: expected {self.expected}{got}"


class RejectedCells(InputError):
    """A spreadsheet whose cells break its layout; `errors` lists every faulty cell.

    >>> str(RejectedCells("bid.xlsx", [CellError("bid.xlsx", "Prix", "D5", "a price ≥ 0", "-3")]))
    'bid.xlsx: 1 cell rejected; first: sheet Prix, cell D5: expected a price ≥ 0, got "-3"'
    """

    def __init__(self, file: str, errors: Sequence[CellError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        got = f", got {_quote(first.got)}" if first.got is not None else ""
        n = len(self.errors)
        super().__init__(
            f"{n} cell{'s' if n != 1 else ''} rejected; first: sheet {first.sheet}, cell {first.cell}: "
            f"expected {first.expected}{got}",
            file=file,
        )


class WorkspaceError(ArbitreError):
    """A folder that is not a workspace, or a workspace we cannot use as it is."""


class Conflict(ArbitreError):
    """What is asked is already done and may be done only once (a tender's lot awarded): HTTP 409."""


class InfeasibleError(ArbitreError):
    """A question with no answer, such as a target that no number of agents meets."""
