"""Simulation service: load a scenario file, simulate it, and report KPIs the KPI engine computes.

The scenario is YAML validated by `arbitre.staffing.simulation.Scenario`; a mistake comes back as
``scenario.yaml, line 14, field flows.0.routing.1.to.0.pool: unknown pool 'tana'...``, including
the cross-reference checks that pydantic reports at the top of the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pydantic import ValidationError

from arbitre.domain.kpis import KpiRules
from arbitre.errors import InputError
from arbitre.kpi.engine import check_group_keys
from arbitre.outputs import claim
from arbitre.staffing.document import SimulatedGroup, SimulationDocument
from arbitre.staffing.simulation import Scenario, ScenarioError, SimulationResult, simulate
from arbitre.yamlio import line_of, parse_model, parse_with_lines

# The simulator's pools are the interaction record's sites: ``pool`` is accepted as a group key.
_ALIASES = {"pool": "site"}


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate a scenario file; raise `InputError` naming the line of the mistake."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    data, lines = parse_with_lines(text, file=str(path))
    if isinstance(data, dict):
        _read_series_files(data, lines, path)
    try:
        return Scenario.model_validate(data if data is not None else {})
    except ValidationError as exc:
        cause = (exc.errors()[0].get("ctx") or {}).get("error")
        if isinstance(cause, ScenarioError):
            field = ".".join(str(p) for p in cause.loc) or None
            raise InputError(
                cause.message, file=str(path), line=line_of(lines, cause.loc), field=field
            ) from None
    return parse_model(text, Scenario, file=str(path))  # raises the field-level error with its line


def _read_series_files(data: dict[str, object], lines: dict[tuple[str | int, ...], int], path: Path) -> None:
    """Replace ``arrivals: {file: …}`` and ``agents: {file: …}`` by the numbers the file holds.

    The file is what ``arbitre plan --out`` or ``arbitre schedule --out`` writes (CSV or Parquet,
    one row per flow and interval): ``interval_start`` with its offset, and the ``column`` asked
    (``volume`` for arrivals, ``agents`` for agents by default), for ``flow`` when given (else
    summed over flows). The scenario's intervals are looked up by their start; one it lacks is 0.
    So a plan can be checked with the simulator against its own forecast. ``data`` is the YAML as
    parsed (the edge where the scenario is read); what it does not understand is left for the
    model to report, with its line.
    """
    try:
        start = datetime.fromisoformat(str(data.get("start")))
        interval_s = 60 * int(str(data.get("interval_min", 30)))
    except ValueError:
        return  # the model reports the bad start or interval, with its line
    for group, field, default in (("flows", "arrivals", "volume"), ("pools", "agents", "agents")):
        items = data.get(group)
        for i, item in enumerate(items if isinstance(items, list) else []):
            spec = item.get(field) if isinstance(item, dict) else None
            if not isinstance(spec, dict):
                continue
            loc: tuple[str | int, ...] = (group, i, field)
            where = _Where(file=str(path), line=line_of(lines, loc), field=".".join(map(str, loc)))
            source = path.parent / str(spec.get("file", ""))
            series = _series(
                source, column=str(spec.get("column", default)), flow=spec.get("flow"), where=where
            )
            if data.get("intervals") is None:
                after = [t for t in series if t >= start.timestamp()]
                data["intervals"] = int((max(after) - start.timestamp()) // interval_s) + 1 if after else 0
            try:
                n = int(str(data["intervals"]))
            except ValueError:
                return  # the model reports the bad number of intervals, with its line
            values = [series.get(start.timestamp() + j * interval_s, 0.0) for j in range(n)]
            item[field] = [round(x) for x in values] if field == "agents" else values


@dataclass(frozen=True)
class _Where:
    """Where a series file is named in the scenario: its file, line and field."""

    file: str
    line: int | None
    field: str

    def error(self, message: str) -> InputError:
        return InputError(message, file=self.file, line=self.line, field=self.field)


def _series(source: Path, *, column: str, flow: object, where: _Where) -> dict[float, float]:
    """Epoch start of each interval → the column's value (summed over flows unless ``flow``)."""
    if not source.is_file():
        raise where.error(f"file not found: {source}")
    try:
        table = pq.read_table(source) if source.suffix.lower() == ".parquet" else pacsv.read_csv(source)
    except (pa.ArrowInvalid, OSError) as exc:
        raise where.error(f"cannot read {source.name}: {str(exc).splitlines()[0]}") from None
    for needed in ("interval_start", column):
        if needed not in table.column_names:
            raise where.error(f"{source.name} has no column {needed!r}")
    starts = table.column("interval_start").to_pylist()
    values = table.column(column).to_pylist()
    flows = table.column("flow").to_pylist() if "flow" in table.column_names else [None] * len(starts)
    out: dict[float, float] = {}
    for t, v, f in zip(starts, values, flows, strict=True):
        if flow is not None and f != flow:
            continue
        moment = t if isinstance(t, datetime) else datetime.fromisoformat(str(t))
        out[moment.timestamp()] = out.get(moment.timestamp(), 0.0) + float(v or 0)
    if not out:
        raise where.error(f"no row of flow {flow!r} in {source.name}")
    return out


def group_keys(by: Sequence[str]) -> tuple[list[str], list[str]]:
    """(keys as the user wrote them, keys for the KPI engine) from ``["pool,interval"]``-like input."""
    written = [k.strip() for item in by for k in item.split(",") if k.strip()]
    if "agent" in written:  # a KPI group of recorded contacts; simulated ones name no agent
        raise InputError(
            "simulated contacts have no agent: group by pool, flow, channel, language or time", field="--by"
        )
    try:
        engine = check_group_keys([_ALIASES.get(k, k) for k in written])
    except ValueError as exc:
        raise InputError(f"{exc} (or pool, the same as site)", field="--by") from None
    return written, engine


def run_simulation(
    scenario_file: Path | str,
    *,
    replications: int = 10,
    seed: int = 7,
    by: Sequence[str] = ("pool,interval",),
    out: Path | str | None = None,
    force: bool = False,
    threshold_s: float | None = None,
    short_abandon_s: float | None = None,
) -> SimulationDocument:
    """Simulate a scenario file and return the document of ``arbitre simulate``.

    ``replications`` independent runs from ``seed``; KPIs per group of ``by`` (``pool`` or
    ``site``, ``interval``, ``flow``, ``channel``, ``language``) with their mean and 95 %
    confidence interval; the records of every replication written to ``out`` (Parquet) if given.
    ``threshold_s`` / ``short_abandon_s`` replace the KPI defaults for every channel.
    """
    if replications < 1:
        raise InputError("expected at least 1", field="--replications", got=replications)
    written, keys = group_keys(by)
    scenario = load_scenario(scenario_file)
    try:
        rules = KpiRules().override(threshold_s=threshold_s, short_abandon_s=short_abandon_s)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    result = simulate(
        scenario,
        replications=replications,
        rng=np.random.default_rng(seed),
        by=keys,
        rules=rules,
        keep_records=out is not None,
    )
    if out is not None:
        claim(Path(out), columns=result.records.column_names, force=force)
        pq.write_table(result.records, str(out))
    return document(result, seed=seed, written_keys=written, scenario_file=scenario_file, out=out)


def document(
    result: SimulationResult,
    *,
    seed: int,
    written_keys: Sequence[str],
    scenario_file: Path | str,
    out: Path | str | None,
) -> SimulationDocument:
    """The document of a run: what was simulated, then one group per row of the KPIs, its keys
    named as the user wrote them (``pool`` for the engine's ``site``)."""
    rename = {_ALIASES[k]: k for k in written_keys if k in _ALIASES}
    keys = set(result.by)
    s = result.scenario
    return SimulationDocument(
        scenario=s.name or Path(scenario_file).stem,
        file=str(scenario_file),
        start=s.start,
        interval_min=s.interval_min,
        intervals=s.n_intervals,
        replications=result.replications,
        seed=seed,
        contacts=result.contacts,
        by=list(written_keys),
        records=str(out) if out is not None else None,
        kpis=[
            SimulatedGroup.model_validate(
                {
                    "keys": {rename.get(k, k): v for k, v in row.items() if k in keys},
                    **{k: v for k, v in row.items() if k not in keys},
                }
            )
            for row in result.kpis
        ],
    )
