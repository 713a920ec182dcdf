"""The staffing calculator behind `arbitre staff` (specs/cli.md): one interval or a file of them."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from arbitre.errors import InfeasibleError, InputError
from arbitre.staffing.concurrency import evaluate_chat, required_chat_agents

FIELDS = (
    "volume",
    "interval",
    "aht",
    "sl",
    "threshold",
    "patience",
    "agents",
    "max_occupancy",
    "shrinkage",
    "channel",
    "concurrency",
)
OUTPUT = (
    "model",
    "agents",
    "service_level",
    "p_wait",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "fte",
    "load_erlangs",
)


@dataclass(frozen=True)
class Interval:
    """One validated question: what ``agents`` deliver, or how many meet the targets."""

    volume: float
    interval_s: float
    aht_s: float
    threshold_s: float
    sl: float | None
    patience_s: float | None
    agents: int | None
    max_occupancy: float | None
    shrinkage: float
    concurrency: int


def parse(values: Mapping[str, Any], *, file: str | None = None, line: int | None = None) -> Interval:
    """Validate one interval's values (flag names with ``_``); errors name the flag or the cell."""

    def fail(field: str, expected: str, got: object) -> InputError:
        if file is None:
            return InputError(f"--{field.replace('_', '-')}: expected {expected}, got {got}")
        return InputError(file=file, line=line, field=field, expected=expected, got=got)

    def number(
        field: str,
        *,
        required: bool,
        low: float,
        high: float = math.inf,
        low_open: bool = False,
        high_open: bool = False,
    ) -> float | None:
        raw = values.get(field)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                raise fail(field, "a value", "nothing")
            return None
        try:
            x = float(raw)
        except (TypeError, ValueError):
            raise fail(field, "a number", raw) from None
        below = x <= low if low_open else x < low
        above = x >= high if high_open else x > high
        if not math.isfinite(x) or below or above:
            left = "(" if low_open else "["
            right = ")" if high_open else "]"
            span = (
                f"≥ {low:g}"
                if high == math.inf and not low_open
                else (f"> {low:g}" if high == math.inf else f"in {left}{low:g}, {high:g}{right}")
            )
            raise fail(field, f"a number {span}", raw)
        return x

    channel = str(values.get("channel") or "voice").strip().lower()
    if channel not in ("voice", "voice_in", "chat"):
        raise fail("channel", "voice or chat", channel)
    concurrency = number("concurrency", required=False, low=1) or 1.0
    if concurrency != int(concurrency):
        raise fail("concurrency", "a whole number of chats ≥ 1", values.get("concurrency"))
    if channel != "chat" and concurrency != 1:
        raise fail("concurrency", "1 for voice (concurrency is for --channel chat)", int(concurrency))
    agents = number("agents", required=False, low=0)
    if agents is not None and agents != int(agents):
        raise fail("agents", "a whole number of agents", values.get("agents"))
    sl = number("sl", required=False, low=0, high=1)
    max_occupancy = number("max_occupancy", required=False, low=0, high=1, low_open=True)
    if agents is None and sl is None and max_occupancy is None:
        raise fail("sl", "a target (--sl, --max-occupancy) or --agents to evaluate", "none")
    return Interval(
        volume=_req(number("volume", required=True, low=0)),
        interval_s=_req(number("interval", required=True, low=0, low_open=True)),
        aht_s=_req(number("aht", required=True, low=0, low_open=True)),
        threshold_s=_req(number("threshold", required=True, low=0)),
        sl=sl,
        patience_s=number("patience", required=False, low=0, low_open=True),
        agents=None if agents is None else int(agents),
        max_occupancy=max_occupancy,
        shrinkage=number("shrinkage", required=False, low=0, high=1, high_open=True) or 0.0,
        concurrency=int(concurrency),
    )


def _req(x: float | None) -> float:
    assert x is not None
    return x


def staff(
    intervals: Sequence[Interval], *, lines: Sequence[int] | None = None, file: str | None = None
) -> list[dict[str, Any]]:
    """Answer every interval, vectorised by kind (Erlang C or A; search or evaluation)."""
    out: list[dict[str, Any] | None] = [None] * len(intervals)
    groups: dict[tuple[bool, bool], list[int]] = {}
    for i, q in enumerate(intervals):
        groups.setdefault((q.patience_s is not None, q.agents is not None), []).append(i)
    for (with_patience, given), idx in groups.items():
        qs = [intervals[i] for i in idx]

        def col(name: str, qs: list[Interval] = qs) -> np.ndarray:
            return np.array([getattr(q, name) for q in qs], dtype=np.float64)

        common: dict[str, Any] = {
            "volume": col("volume"),
            "interval_s": col("interval_s"),
            "aht_s": col("aht_s"),
            "threshold_s": col("threshold_s"),
            "patience_s": col("patience_s") if with_patience else None,
        }
        concurrency = col("concurrency").astype(np.int64)
        if given:
            agents = col("agents").astype(np.int64)
        else:
            targets = {
                "sl": np.array([np.nan if q.sl is None else q.sl for q in qs]),
                "max_occupancy": np.array(
                    [np.nan if q.max_occupancy is None else q.max_occupancy for q in qs]
                ),
            }
            try:
                agents = required_chat_agents(concurrency=concurrency, **common, **targets)
            except InfeasibleError:
                raise _which_infeasible(qs, idx, lines=lines, file=file) from None
        m = evaluate_chat(agents=agents, concurrency=concurrency, **common)
        for k, i in enumerate(idx):
            n = int(m.agents[k])
            out[i] = {
                "model": m.model,
                "agents": n,
                "service_level": float(m.service_level[k]),
                "p_wait": float(m.p_wait[k]),
                "asa_s": float(m.asa_s[k]),
                "abandon_rate": float(m.abandon_rate[k]),
                "occupancy": float(m.occupancy[k]),
                "fte": n / (1.0 - intervals[i].shrinkage),
                "load_erlangs": float(m.load_erlangs[k]),
            }
    return [r for r in out if r is not None]


def _which_infeasible(
    qs: list[Interval], idx: list[int], *, lines: Sequence[int] | None, file: str | None
) -> InputError:
    """Find the first interval whose targets no staffing meets, and say so with its line."""
    for q, i in zip(qs, idx, strict=True):
        try:
            required_chat_agents(
                concurrency=q.concurrency,
                volume=q.volume,
                interval_s=q.interval_s,
                aht_s=q.aht_s,
                threshold_s=q.threshold_s,
                sl=q.sl,
                max_occupancy=q.max_occupancy,
                patience_s=q.patience_s,
            )
        except InfeasibleError as exc:
            where = f"{file}, line {lines[i]}: " if file and lines else ""
            reason = re.sub(r"^row \d+: ", "", str(exc))  # the row is this one, named by its line
            return InputError(f"{where}impossible target: {reason}")
    return InputError("impossible target")


def read_intervals(path: Path, defaults: Mapping[str, Any]) -> tuple[list[Interval], list[int]]:
    """Intervals from a CSV or Parquet file; a column absent takes the flag's value, an empty cell none."""
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    if path.suffix.lower() == ".parquet":
        table = pq.read_table(path)
        first_line = 1
    else:
        try:
            table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
        except pa.ArrowInvalid as exc:
            raise InputError(f"cannot read as CSV: {str(exc).splitlines()[0]}", file=str(path)) from None
        first_line = 2
    unknown = [c for c in table.column_names if c not in FIELDS]
    if unknown:
        raise InputError(
            f"unknown column {unknown[0]!r}: expected columns among {', '.join(FIELDS)}", file=str(path)
        )
    rows = table.to_pylist()
    intervals, lines = [], []
    for i, row in enumerate(rows):
        values = {k: v for k, v in defaults.items() if k not in row}
        values.update(row)
        line = first_line + i
        intervals.append(parse(values, file=str(path), line=line))
        lines.append(line)
    return intervals, lines
