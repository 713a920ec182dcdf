"""Files Arbitre writes for a user: never over a file that is not its own, never a live formula.

**Whose file.** A command may replace a file it wrote itself — the same command run again — and
nothing else unless asked (``--force``, or ``force=True``):

- a CSV file is a command's own when its first line holds exactly the columns the command writes
  (a re-run of ``plan --out``, or the rejected rows of the same import, whose header starts with
  ``_line,_errors``);
- a Parquet file, when its columns are exactly the command's;
- an HTML report, when it carries Arbitre's ``generator`` mark; a PDF, when WeasyPrint made it.

Anything else (a spreadsheet, another command's output, a file of the same name) is refused with
an `InputError` naming it, and the file is left as it was.

**Formulas.** Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (CSV injection). In CSV outputs such a text cell gets a leading
``'``, as the OWASP guidance recommends: the cell shows as text, its value otherwise intact.
Numbers are numbers, not text, and are left alone.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from arbitre.errors import InputError

HTML_MARK = '<meta name="generator" content="Arbitre">'
FORMULA_START = r"^[=+\-@\t\r]"
Kind = Literal["csv", "parquet", "html", "pdf"]


def kind_of(path: Path) -> Kind:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".html", ".pdf"):
        return suffix[1:]  # type: ignore[return-value]
    return "csv"


def claim(
    path: Path, *, columns: Sequence[str] | None = None, force: bool = False, flag: str = "--out"
) -> Path:
    """``path`` if this command may write it: absent, its own (see the module), or ``force``.

    ``columns``: the header the command writes (CSV and Parquet). Raises `InputError` otherwise.
    """
    if path.is_dir():
        raise InputError("a folder, not a file", file=str(path), field=flag)
    if force or not path.exists():
        return path
    if _is_own(path, kind_of(path), columns):
        return path
    raise InputError(
        "exists and was not written by this command: not overwritten (choose another name, "
        "or add --force to replace it)",
        file=str(path),
        field=flag,
    )


def _is_own(path: Path, kind: Kind, columns: Sequence[str] | None) -> bool:
    try:
        if kind == "parquet":
            return columns is not None and list(pq.read_schema(path).names) == list(columns)
        with open(path, "rb") as handle:
            head = handle.read(4096)
        if kind == "html":
            return HTML_MARK.encode() in head
        if kind == "pdf":
            size = path.stat().st_size
            with open(path, "rb") as handle:
                handle.seek(max(0, size - 65536))
                tail = handle.read()
            return head.startswith(b"%PDF") and (b"WeasyPrint" in head or b"WeasyPrint" in tail)
        first = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
        if not first or columns is None:
            return False
        return next(csv.reader(io.StringIO(first[0])), []) == list(columns)
    except (OSError, pa.ArrowException, ValueError):
        return False


def neutralise_formulas(table: pa.Table) -> pa.Table:
    """``table`` with every text cell that a spreadsheet would run as a formula prefixed by ``'``.

    >>> neutralise_formulas(pa.table({"a": ["=1+2", "ok", "-3", "@SUM(A1)"], "n": [-1, 2, 3, 4]})).to_pydict()
    {'a': ["'=1+2", 'ok', "'-3", "'@SUM(A1)"], 'n': [-1, 2, 3, 4]}
    """
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.match_substring_regex(column, FORMULA_START)
            quoted = pc.binary_join_element_wise(
                pa.scalar("'", column.type), column, pa.scalar("", column.type)
            )
            column = pc.if_else(pc.fill_null(risky, False), quoted, column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def write_csv(table: pa.Table, path: Path, *, options: pacsv.WriteOptions | None = None) -> None:
    """``table`` as CSV with formulas neutralised, created with mode 600 when new."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        pacsv.write_csv(neutralise_formulas(table), handle, write_options=options)


__all__ = ["HTML_MARK", "claim", "kind_of", "neutralise_formulas", "write_csv"]
