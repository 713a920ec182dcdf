"""How commands print: one JSON document on stdout with --json, readable tables otherwise.

Progress and messages go to standard error, so ``--json`` output can be piped as it is.

Names are data, never markup: flows, sites, providers, contracts and files come from users and
providers (``SAV [/]`` once crashed every table). Both consoles print text as it is — no Rich
markup, no ``:emoji:`` codes, control characters stripped — tables and titles included. A
message that wants bold says so with `bold`, which escapes what it wraps.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.status import Status
from rich.table import Table
from rich.text import Text

# Piped output (a file, a script, CI logs) gets wide tables rather than rich's 80 columns.
# Control characters (an escape sequence in a flow name would drive the terminal) are shown
# as ``\x1b``, never sent; a line break in a name becomes a space.
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]} | {0x0A: " ", 0x0D: " ", 0x09: " "}


def safe(text: str) -> str:
    r"""``text`` with its control characters made visible.

    >>> safe("SAV\x1b[2J\nFR")
    'SAV\\x1b[2J FR'
    """
    return text.translate(_CONTROLS)


class _PlainConsole(Console):
    """A console that prints text as it is: no markup, no emoji codes, no control characters."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().print(*(safe(o) if isinstance(o, str) else o for o in objects), **kwargs)


_PLAIN: dict[str, Any] = {"highlight": False, "soft_wrap": True, "markup": False, "emoji": False}
out: Console = _PlainConsole(**_PLAIN)
if not out.is_terminal:  # piped: wide enough for the tables
    out = _PlainConsole(**_PLAIN, width=180)
err: Console = _PlainConsole(stderr=True, **_PLAIN)


def status(message: str) -> Status:
    """A spinner on standard error saying ``message`` (as text: a file name is not markup)."""
    return err.status(escape(safe(message)))


def bold(value: object) -> Text:
    """``value`` in bold, as text (never read as markup)."""
    return Text(safe(str(value)), style="bold")


def print_json(document: Any) -> None:
    """The one JSON document of a --json command (NaN and infinities become null)."""
    print(json.dumps(_clean(document), ensure_ascii=False, indent=2, default=str))  # noqa: T201


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def fmt_num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def fmt_s(value: float | None) -> str:
    """Seconds as a person reads them: 9 s, 386 s, 42 min, 11.1 h."""
    if value is None:
        return "—"
    if value < 600:
        return f"{value:,.0f} s"
    if value < 3 * 3600:
        return f"{value / 60:,.0f} min"
    return f"{value / 3600:,.1f} h"


def fmt_kpi(name: str, value: float | None) -> str:
    """A KPI's value by its unit in the registry (`arbitre.domain.kpis.KPIS`): a share in %, seconds
    as a person reads them, a score to one decimal, a count whole (``outside_hours``, the count
    beside the KPIs, too)."""
    from arbitre.domain.kpis import KPIS  # not at import: `arbitre staff` starts without pydantic

    unit = KPIS[name].unit if name in KPIS else "count"
    if unit == "share":
        return fmt_pct(value)
    if unit == "seconds":
        return fmt_s(value)
    return fmt_num(value, 1 if unit == "score" else 0)


def print_table(
    title: str | None, columns: Sequence[str], rows: Sequence[Sequence[str]], *, text: int = 1
) -> None:
    """A table whose first ``text`` columns are words (left-aligned) and the rest numbers."""
    table = Table(
        title=Text(safe(title)) if title is not None else None, title_justify="left", header_style="bold"
    )
    for i, column in enumerate(columns):
        table.add_column(Text(safe(column)), justify="left" if i < text else "right")
    for row in rows:
        table.add_row(*(Text(safe(cell)) for cell in row))
    out.print(table)
