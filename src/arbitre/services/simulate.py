"""Simulation service: load a scenario file, simulate it, and report KPIs the KPI engine computes.

The scenario is YAML validated by `arbitre.staffing.simulation.Scenario`; a mistake comes back as
``scenario.yaml, line 14, field flows.0.routing.1.to.0.pool: unknown pool 'tana'...``, including
the cross-reference checks that pydantic reports at the top of the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
from pydantic import ValidationError

from arbitre.domain.kpis import KpiRules
from arbitre.errors import InputError
from arbitre.kpi.engine import check_group_keys
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


def group_keys(by: Sequence[str]) -> tuple[list[str], list[str]]:
    """(keys as the user wrote them, keys for the KPI engine) from ``["pool,interval"]``-like input."""
    written = [k.strip() for item in by for k in item.split(",") if k.strip()]
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
    threshold_s: float | None = None,
    short_abandon_s: float | None = None,
) -> dict[str, Any]:
    """Simulate a scenario file and return the JSON document of ``arbitre simulate``.

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
        pq.write_table(result.records, str(out))
    return document(result, seed=seed, written_keys=written, scenario_file=scenario_file, out=out)


def document(
    result: SimulationResult,
    *,
    seed: int,
    written_keys: Sequence[str],
    scenario_file: Path | str,
    out: Path | str | None,
) -> dict[str, Any]:
    """The JSON document of a run: what was simulated, then one object per group."""
    rename = {_ALIASES[k]: k for k in written_keys if k in _ALIASES}
    s = result.scenario
    return {
        "scenario": s.name or Path(scenario_file).stem,
        "file": str(scenario_file),
        "start": s.start.isoformat(),
        "interval_min": s.interval_min,
        "intervals": s.n_intervals,
        "replications": result.replications,
        "seed": seed,
        "contacts": result.contacts,
        "by": list(written_keys),
        "records": str(out) if out is not None else None,
        "kpis": [{rename.get(k, k): v for k, v in row.items()} for row in result.kpis],
    }
