"""The staffing calculator behind `arbitre staff` (docs/specs/cli.md): one interval or a file of them."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.errors import InfeasibleError, InputError
from arbitre.staffing.concurrency import evaluate_chat, required_chat_agents
from arbitre.staffing.document import ANSWER_FIELDS, StaffingAnswer

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
OUTPUT = ANSWER_FIELDS


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


def parse(values: Mapping[str, object], *, file: str | None = None, line: int | None = None) -> Interval:
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
            if not isinstance(raw, int | float | str):
                raise TypeError(raw)
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


@dataclass(frozen=True)
class Columns:
    """Validated intervals as columns (NaN for a value not given, -1 for agents to search)."""

    volume: FloatArray
    interval_s: FloatArray
    aht_s: FloatArray
    threshold_s: FloatArray
    sl: FloatArray
    patience_s: FloatArray
    agents: IntArray
    max_occupancy: FloatArray
    shrinkage: FloatArray
    concurrency: IntArray

    def __len__(self) -> int:
        return len(self.volume)

    @staticmethod
    def of(intervals: Sequence[Interval]) -> Columns:
        """The columns of already validated intervals."""

        def col(name: str) -> FloatArray:
            return np.array([_nan(getattr(q, name)) for q in intervals], dtype=np.float64)

        return Columns(
            volume=col("volume"),
            interval_s=col("interval_s"),
            aht_s=col("aht_s"),
            threshold_s=col("threshold_s"),
            sl=col("sl"),
            patience_s=col("patience_s"),
            agents=np.array([-1 if q.agents is None else q.agents for q in intervals], dtype=np.int64),
            max_occupancy=col("max_occupancy"),
            shrinkage=col("shrinkage"),
            concurrency=np.array([q.concurrency for q in intervals], dtype=np.int64),
        )

    def take(self, idx: IntArray) -> Columns:
        return Columns(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    def row(self, i: int) -> Interval:
        """One interval back as a record (to name it in an error)."""

        def opt(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return Interval(
            volume=float(self.volume[i]),
            interval_s=float(self.interval_s[i]),
            aht_s=float(self.aht_s[i]),
            threshold_s=float(self.threshold_s[i]),
            sl=opt(self.sl[i]),
            patience_s=opt(self.patience_s[i]),
            agents=None if self.agents[i] < 0 else int(self.agents[i]),
            max_occupancy=opt(self.max_occupancy[i]),
            shrinkage=float(self.shrinkage[i]),
            concurrency=int(self.concurrency[i]),
        )


def _nan(x: float | None) -> float:
    return np.nan if x is None else float(x)


class _Queue(NamedTuple):
    """The queue of a batch of intervals, as the chat and Erlang engines take it."""

    volume: FloatArray
    interval_s: FloatArray
    aht_s: FloatArray
    threshold_s: FloatArray
    patience_s: FloatArray | None


def staff(
    intervals: Sequence[Interval], *, lines: Sequence[int] | None = None, file: str | None = None
) -> list[StaffingAnswer]:
    """Answer every interval (`staff_table`), one `StaffingAnswer` per interval."""
    table = staff_table(Columns.of(intervals), lines=lines, file=file)
    return [StaffingAnswer.model_validate(row) for row in table.to_pylist()]


def staff_table(columns: Columns, *, lines: Sequence[int] | None = None, file: str | None = None) -> pa.Table:
    """Answer every interval, vectorised by kind (Erlang C or A; search or evaluation): a table
    with the columns of `OUTPUT`, one row per interval in the input's order."""
    n = len(columns)
    with_patience = ~np.isnan(columns.patience_s)
    given = columns.agents >= 0
    model = np.empty(n, dtype=object)
    agents = np.zeros(n, dtype=np.int64)
    metrics = {k: np.zeros(n, dtype=np.float64) for k in OUTPUT if k not in ("model", "agents", "fte")}
    for patience in (False, True):
        for evaluated in (False, True):
            idx = np.flatnonzero((with_patience == patience) & (given == evaluated))
            if len(idx) == 0:
                continue
            qs = columns.take(idx)
            queue = _Queue(
                qs.volume, qs.interval_s, qs.aht_s, qs.threshold_s, qs.patience_s if patience else None
            )
            if evaluated:
                chosen = qs.agents
            else:
                try:
                    chosen = required_chat_agents(
                        concurrency=qs.concurrency,
                        sl=qs.sl,
                        max_occupancy=qs.max_occupancy,
                        **queue._asdict(),
                    )
                except InfeasibleError:
                    raise _which_infeasible(qs, idx, lines=lines, file=file) from None
            m = evaluate_chat(agents=chosen, concurrency=qs.concurrency, **queue._asdict())
            model[idx] = m.model
            agents[idx] = m.agents
            for k, values in metrics.items():
                values[idx] = getattr(m, k)
    out = {
        "model": pa.array(model, pa.string()),
        "agents": agents,
        **{k: metrics[k] for k in ("service_level", "p_wait", "asa_s", "abandon_rate", "occupancy")},
        "fte": agents / (1.0 - columns.shrinkage),
        "load_erlangs": metrics["load_erlangs"],
    }
    return pa.table({k: out[k] for k in OUTPUT})


def _which_infeasible(
    qs: Columns, idx: IntArray, *, lines: Sequence[int] | None, file: str | None
) -> InputError:
    """Find the first interval whose targets no staffing meets, and say so with its line."""
    for k, i in enumerate(idx.tolist()):
        q = qs.row(k)
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


def read_intervals(path: Path, defaults: Mapping[str, object]) -> tuple[Columns, list[int]]:
    """Intervals from a CSV or Parquet file; a column absent takes the flag's value, an empty cell none.

    Read and validated column-wise (Arrow, NumPy); a bad row is then named by `parse`, the same
    check as a flag's, on that row alone — so a file and the flags give the same messages.
    """
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
    lines = list(range(first_line, first_line + table.num_rows))
    columns = _columns(table, defaults)
    if columns is not None:
        valid, cols = columns
        for i in np.flatnonzero(~valid).tolist():
            # The vectorised checks flag every row `parse` rejects, so `parse` on the first of
            # them gives the error a flag would; should it accept one, the exact path decides.
            parse(_row_values(table.slice(i, 1).to_pylist()[0], defaults), file=str(path), line=lines[i])
        if valid.all():
            return cols, lines
    # A numeric column holding text (or a row only the exact path accepts): row by row, as a flag.
    rows = [
        parse(_row_values(row, defaults), file=str(path), line=line)
        for row, line in zip(table.to_pylist(), lines, strict=True)
    ]
    return Columns.of(rows), lines


def _row_values(row: Mapping[str, object], defaults: Mapping[str, object]) -> dict[str, object]:
    values = {k: v for k, v in defaults.items() if k not in row}
    values.update(row)
    return values


def _number(raw: object) -> float:
    """A flag's value as a number (NaN when it is none: the row check then names it)."""
    try:
        return float(raw) if isinstance(raw, int | float | str) else math.nan
    except ValueError:
        return math.nan


def _columns(table: pa.Table, defaults: Mapping[str, object]) -> tuple[BoolArray, Columns] | None:
    """The file's values as columns and a mask of the rows every check of `parse` passes, or
    None when a numeric column holds text that is not a number."""
    n = table.num_rows
    num: dict[str, FloatArray] = {}
    has: dict[str, BoolArray] = {}  # a value given (a cell, else the flag)
    for name in FIELDS:
        if name == "channel":
            continue
        if name in table.column_names:
            column = table.column(name)
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                try:
                    column = pc.cast(pc.utf8_trim_whitespace(column), pa.float64())
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    return None
            elif not (
                pa.types.is_integer(column.type)
                or pa.types.is_floating(column.type)
                or pa.types.is_boolean(column.type)
                or pa.types.is_null(column.type)
            ):
                return None
            num[name] = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
            num[name] = np.where(column.is_null().to_numpy(zero_copy_only=False), np.nan, num[name])
            # A NaN written in the file is a bad value, not an empty cell: keep the two apart.
            present = ~column.is_null().to_numpy(zero_copy_only=False)
        else:
            raw = defaults.get(name)
            value = np.nan if raw is None else _number(raw)
            num[name] = np.full(n, value)
            present = np.full(n, raw is not None)
        has[name] = present
    if "channel" in table.column_names:
        column = table.column("channel")
        if not (pa.types.is_string(column.type) or pa.types.is_null(column.type)):
            return None
        text = pc.fill_null(pc.utf8_lower(pc.utf8_trim_whitespace(column.cast(pa.string()))), "voice")
        text = pc.if_else(pc.equal(text, ""), "voice", text)
        channel = text.to_numpy(zero_copy_only=False).astype(str)
    else:
        channel = np.full(n, str(defaults.get("channel") or "voice").strip().lower())

    def finite(name: str) -> BoolArray:
        return np.isfinite(num[name])

    def ok(
        name: str,
        *,
        required: bool,
        low: float,
        high: float = math.inf,
        low_open: bool = False,
        high_open: bool = False,
    ) -> BoolArray:
        x = num[name]
        present = has[name]
        with np.errstate(invalid="ignore"):
            inside = (
                finite(name)
                & ((x > low) if low_open else (x >= low))
                & ((x < high) if high_open else (x <= high))
            )
        return inside if required else (~present | inside)

    chat = channel == "chat"
    concurrency = np.where(has["concurrency"], num["concurrency"], 1.0)
    with np.errstate(invalid="ignore"):
        whole_conc = ~has["concurrency"] | (np.isfinite(concurrency) & (concurrency == np.round(concurrency)))
        whole_agents = ~has["agents"] | (finite("agents") & (num["agents"] == np.round(num["agents"])))
    valid = (
        np.isin(channel, ["voice", "voice_in", "chat"])
        & ok("concurrency", required=False, low=1)
        & whole_conc
        & (chat | (concurrency == 1))
        & ok("agents", required=False, low=0)
        & whole_agents
        & ok("sl", required=False, low=0, high=1)
        & ok("max_occupancy", required=False, low=0, high=1, low_open=True)
        & (has["agents"] | has["sl"] | has["max_occupancy"])
        & ok("volume", required=True, low=0)
        & ok("interval", required=True, low=0, low_open=True)
        & ok("aht", required=True, low=0, low_open=True)
        & ok("threshold", required=True, low=0)
        & ok("patience", required=False, low=0, low_open=True)
        & ok("shrinkage", required=False, low=0, high=1, high_open=True)
    )

    def given(name: str) -> FloatArray:
        return np.where(has[name], num[name], np.nan)

    with np.errstate(invalid="ignore"):
        cols = Columns(
            volume=num["volume"],
            interval_s=num["interval"],
            aht_s=num["aht"],
            threshold_s=num["threshold"],
            sl=given("sl"),
            patience_s=given("patience"),
            agents=np.where(has["agents"] & valid, np.nan_to_num(num["agents"]), -1).astype(np.int64),
            max_occupancy=given("max_occupancy"),
            shrinkage=np.where(has["shrinkage"], num["shrinkage"], 0.0),
            concurrency=np.where(valid, np.nan_to_num(concurrency, nan=1.0), 1).astype(np.int64),
        )
    return valid, cols
