"""Schedule service: a requirement file and a rules file in, tours and coverage records out.

The requirement file (CSV or Parquet) has one row per interval: ``interval_start`` (ISO 8601 with
its offset, ``2026-03-09T08:00:00+01:00``), ``agents`` (agents needed on duty, a number ≥ 0) and
optionally ``flow``. Shifts are wall-clock times, so each row is placed by its local time: the
hour repeated when clocks go back takes the larger of its two requirements, the hour skipped when
they go forward needs nobody. Intervals missing from the file need nobody; the horizon is the
whole weeks, Monday to Sunday, that hold the file's rows.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from arbitre._types import FloatArray
from arbitre.domain.hours import DAYS
from arbitre.errors import InputError
from arbitre.examples import EXAMPLES
from arbitre.staffing.document import FlowSchedule, ScheduleDocument, ScheduleInterval, ShiftDay, TourPlan
from arbitre.staffing.shifts import MINUTES_PER_WEEK, Schedule, ShiftRules, Tour, grid_min, schedule
from arbitre.tabular import write_table
from arbitre.yamlio import load_model

DEFAULT_RULES = EXAMPLES / "shifts" / "contact-centre-fr.yaml"
INTERVAL_COLUMNS = ("flow", "interval_start", "required", "scheduled", "under", "over")


def load_rules(path: Path | None = None) -> ShiftRules:
    """The rules YAML at ``path`` (the French contact-centre example when None), validated."""
    return load_model(path or DEFAULT_RULES, ShiftRules)


@dataclass(frozen=True, slots=True)
class RequirementRow:
    """One checked row: the line it came from (the row for Parquet), its flow, start and need."""

    line: int
    flow: str | None
    start: datetime  # aware
    agents: float


@dataclass(frozen=True, slots=True)
class FlowRequirement:
    """A flow's requirement on the engine's grid: Monday 00:00 of ``first_monday`` first."""

    flow: str | None
    first_monday: date
    interval_min: int
    agents: FloatArray
    labels: list[str]  # ISO start of each interval, with the offset of the nearest row before it


def schedule_file(
    requirements: Path,
    *,
    rules: ShiftRules | Path | None = None,
    total: bool = False,
    time_limit_s: float = 30,
    mip_gap: float = 0.005,
) -> ScheduleDocument:
    """Schedule each flow of ``requirements`` (or their total) under ``rules``.

    ``rules`` is a rules YAML file, already loaded rules, or None for the French contact-centre
    example. The time limit applies to each flow. Returns one document: the file, the rules' name
    and, per flow, the summary (paid and required hours, efficiency, under- and over-covered
    hours, solver status and gap), the tours and the per-interval records.

    >>> doc = schedule_file(EXAMPLES / "shifts" / "requirement-week.csv")
    >>> flow = doc.flows[0]
    >>> flow.flow, flow.status, flow.under_hours, len(flow.intervals)
    ('sav-voice-fr', 'optimal', 0.0, 336)
    """
    if isinstance(rules, ShiftRules):
        shift_rules, label = rules, rules.name
    else:
        path = rules or DEFAULT_RULES
        shift_rules = load_rules(path)
        label = shift_rules.name or path.name
    rows = read_requirements(requirements)
    grid = math.gcd(_file_interval_min(rows), grid_min(shift_rules))
    flows = []
    for req in requirement_series(rows, interval_min=grid, total=total):
        result = schedule(
            req.agents, rules=shift_rules, interval_min=grid, time_limit_s=time_limit_s, mip_gap=mip_gap
        )
        flows.append(_flow_record(req, result))
    return ScheduleDocument(requirements=str(requirements), rules=label, flows=flows)


def read_requirements(path: Path) -> list[RequirementRow]:
    """The rows of a requirement file, checked; errors name the line (the row for Parquet)."""
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        raw = list(_csv_rows(path))
    elif suffix == ".parquet":
        raw = list(_parquet_rows(path))
    else:
        raise InputError("unknown file type: expected .csv or .parquet", file=str(path))
    rows = [_check_row(str(path), line, record) for line, record in raw]
    if not rows:
        raise InputError("no rows", file=str(path))
    seen: dict[tuple[str | None, float], int] = {}
    for r in rows:
        key = (r.flow, r.start.timestamp())
        if key in seen:
            raise InputError(
                f"interval given twice for the same flow (first on line {seen[key]})",
                file=str(path),
                line=r.line,
                field="interval_start",
            )
        seen[key] = r.line
    return rows


def _csv_rows(path: Path) -> Iterator[tuple[int, Mapping[str, object]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    head = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=head.count)
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    _check_columns(str(path), reader.fieldnames or [])
    for record in reader:
        yield reader.line_num, record


def _parquet_rows(path: Path) -> Iterator[tuple[int, Mapping[str, object]]]:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"cannot read as Parquet: {exc}", file=str(path)) from None
    _check_columns(str(path), table.column_names)
    for i, record in enumerate(table.to_pylist()):
        yield i + 1, record


def _check_columns(file: str, names: Sequence[str]) -> None:
    for column in ("interval_start", "agents"):
        if column not in names:
            raise InputError(
                file=file, line=1, field=column, expected=f"a column named {column}", got=",".join(names)
            )


def _check_row(file: str, line: int, record: Mapping[str, object]) -> RequirementRow:
    value = record.get("interval_start")
    start: datetime | None
    if isinstance(value, datetime):
        start = value
    else:
        try:
            start = datetime.fromisoformat(str(value).strip())
        except ValueError:
            start = None
    if start is None or start.tzinfo is None or start.utcoffset() is None:
        raise InputError(
            file=file,
            line=line,
            field="interval_start",
            expected="an ISO 8601 date-time with its offset, such as 2026-03-09T08:00:00+01:00",
            got="" if value is None else value,
        )
    if start.second or start.microsecond:
        raise InputError(file=file, line=line, field="interval_start", expected="a whole minute", got=value)
    raw = record.get("agents")
    try:
        agents = float(str(raw).replace(",", ".")) if raw is not None and str(raw).strip() else math.nan
    except ValueError:
        agents = math.nan
    if not math.isfinite(agents) or agents < 0:
        raise InputError(
            file=file,
            line=line,
            field="agents",
            expected="a number of agents ≥ 0",
            got="" if raw is None else raw,
        )
    flow = record.get("flow")
    return RequirementRow(line, str(flow).strip() if flow not in (None, "") else None, start, agents)


def _file_interval_min(rows: list[RequirementRow]) -> int:
    """The interval of the file: what every row's local minute and the gaps between rows divide."""
    values = [1440]
    values.extend(r.start.hour * 60 + r.start.minute for r in rows)
    instants = sorted({r.start.timestamp() for r in rows})
    values.extend(round((b - a) / 60) for a, b in pairwise(instants))
    interval = math.gcd(*values)
    return interval if interval <= 60 else math.gcd(interval, 60)


def requirement_series(
    rows: list[RequirementRow], *, interval_min: int, total: bool
) -> list[FlowRequirement]:
    """Each flow's requirement (or the total) on the grid, over the whole weeks holding the rows."""
    per_row = _file_interval_min(rows)
    walls = [r.start.replace(tzinfo=None) for r in rows]
    first_monday = min(walls).date() - timedelta(days=min(walls).weekday())
    origin = datetime.combine(first_monday, datetime.min.time())
    last = max(walls) + timedelta(minutes=per_row)
    weeks = max(1, math.ceil((last - origin) / timedelta(weeks=1)))
    n = weeks * MINUTES_PER_WEEK // interval_min
    span = max(1, per_row // interval_min)
    slot = np.array([int((w - origin) / timedelta(minutes=interval_min)) for w in walls], dtype=np.int64)
    labels = _labels(rows, slot, origin=origin, n=n, interval_min=interval_min)
    names = sorted({r.flow or "" for r in rows})
    groups: list[tuple[str | None, list[int]]]
    if total or names == [""]:
        groups = [(None if names == [""] else "total", list(range(len(rows))))]
    else:
        groups = [(name or None, [i for i, r in enumerate(rows) if (r.flow or "") == name]) for name in names]
    out = []
    for flow, members in groups:
        # Agents needed at the same instant add up across flows.
        by_instant: dict[float, tuple[int, float]] = {}
        for i in members:
            r = rows[i]
            s, a = by_instant.get(r.start.timestamp(), (int(slot[i]), 0.0))
            by_instant[r.start.timestamp()] = (s, a + r.agents)
        agents = np.zeros(n, dtype=np.float64)
        for s, a in by_instant.values():
            # the hour repeated in autumn maps twice onto the same local slots: keep the larger need
            agents[s : s + span] = np.maximum(agents[s : s + span], a)
        out.append(FlowRequirement(flow, first_monday, interval_min, agents, labels))
    return out


def _labels(
    rows: list[RequirementRow], slot: np.ndarray, *, origin: datetime, n: int, interval_min: int
) -> list[str]:
    order = np.argsort(slot, kind="stable")
    sorted_slots = slot[order]
    offsets = [rows[int(i)].start.utcoffset() or timedelta(0) for i in order]
    labels = []
    for k in range(n):
        j = int(np.searchsorted(sorted_slots, k, side="right")) - 1
        offset = offsets[max(j, 0)]
        wall = origin + timedelta(minutes=k * interval_min)
        labels.append(wall.replace(tzinfo=timezone(offset)).isoformat())
    return labels


def _flow_record(req: FlowRequirement, result: Schedule) -> FlowSchedule:
    weeks = result.weeks
    return FlowSchedule(
        flow=req.flow,
        first_monday=req.first_monday,
        weeks=weeks,
        interval_min=result.interval_min,
        status=result.status,
        gap=result.gap,
        solve_s=result.solve_s,
        paid_hours=result.paid_hours,
        required_hours=result.required_hours,
        under_hours=result.under_hours,
        over_hours=result.over_hours,
        efficiency=result.efficiency,
        uncoverable_hours=float(result.under[~result.coverable].sum() * result.interval_min / 60),
        agents_per_week=[result.headcount(w) for w in range(weeks)],
        penalty_per_agent_h=result.penalty_per_agent_h,
        notes=list(result.notes),
        tours=[_tour_record(t, req.first_monday) for t in result.tours],
        intervals=[
            ScheduleInterval.model_construct(
                flow=req.flow,
                interval_start=req.labels[i],
                required=float(result.required[i]),
                scheduled=int(result.coverage[i]),
                under=float(result.under[i]),
                over=float(result.over[i]),
            )
            for i in range(len(result.required))
        ],
    )


def _tour_record(tour: Tour, first_monday: date) -> TourPlan:
    return TourPlan(
        shift=tour.shift,
        agents=tour.agents,
        week_start=first_monday + timedelta(weeks=tour.week),
        days=[DAYS[d] for d in tour.days],
        paid_h_per_day=tour.paid_h_per_day,
        weekly_paid_h=tour.weekly_paid_h,
        shifts=[
            ShiftDay(
                day=DAYS[d],
                start=_hm(s),
                end=_hm(s + tour.span_min),
                break_start=None if b is None else _hm(b),
            )
            for d, s, b in zip(tour.days, tour.start_min, tour.break_start_min, strict=True)
        ],
    )


def write_intervals_csv(document: ScheduleDocument, *, path: Path, force: bool = False) -> Path:
    """Every flow's per-interval records of a `schedule_file` document, as one CSV file (Arrow's
    writer, column by column)."""
    records = [r for flow in document.flows for r in flow.intervals]
    types = {"required": pa.float64(), "scheduled": pa.int64(), "under": pa.float64(), "over": pa.float64()}
    table = pa.table(
        {
            name: pa.array(
                [(r.flow or "") if name == "flow" else getattr(r, name) for r in records],
                types.get(name, pa.string()),
            )
            for name in INTERVAL_COLUMNS
        }
    )
    write_table(table, path, quote_header=False, force=force)
    return path


def _hm(minute: int) -> str:
    minute %= 1440
    return f"{minute // 60:02d}:{minute % 60:02d}"
