"""Run a scenario: replications of the event loop, records, and KPIs with confidence intervals.

>>> from arbitre.staffing.simulation import Scenario, simulate
>>> scenario = Scenario.model_validate({
...     "start": "2026-03-02T08:00:00+01:00", "interval_min": 30,
...     "flows": [{"id": "sav", "arrivals": [40, 60],
...                "handle": {"distribution": "exponential", "mean_s": 240},
...                "patience": {"distribution": "exponential", "mean_s": 120}}],
...     "pools": [{"id": "internal", "skills": ["sav"], "languages": ["fr"], "agents": [6, 8]}]})
>>> result = simulate(scenario, replications=3, rng=np.random.default_rng(7), by=["site"])
>>> result.records.num_rows == sum(row["offered"]["mean"] for row in result.kpis) * 3
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from arbitre.domain.kpis import KpiRules
from arbitre.kpi.engine import check_group_keys
from arbitre.staffing.simulation.contacts import draw_contacts
from arbitre.staffing.simulation.kernel import Outcome, run_network
from arbitre.staffing.simulation.model import Scenario
from arbitre.staffing.simulation.network import Compiled, compile_scenario
from arbitre.staffing.simulation.records import empty_table, to_table
from arbitre.staffing.simulation.summary import (
    busy_seconds,
    occupancy_rows,
    on_duty_seconds,
    replication_kpis,
    summarise,
)

DEFAULT_BY: tuple[str, ...] = ("site", "interval")


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """What `simulate` returns.

    - ``records``: every simulated contact of every replication, as interaction records with a
      ``replication`` column (`records.SCHEMA`); empty when ``keep_records`` was false.
    - ``kpis``: one dict per group of ``by``: the group's keys, then per KPI (and ``occupancy``
      when grouping by pool and/or interval only) ``{"mean", "ci_low", "ci_high", "n"}`` over
      the replications. Empty when ``by`` was None.
    - ``per_replication``: the KPI engine's rows for each replication.
    - ``contacts``: contacts simulated, all replications together.
    """

    scenario: Scenario
    replications: int
    by: tuple[str, ...]
    records: pa.Table
    kpis: list[dict[str, Any]]
    per_replication: list[list[dict[str, Any]]]
    contacts: int


def simulate(
    scenario: Scenario,
    *,
    replications: int = 10,
    rng: np.random.Generator,
    by: Sequence[str] | None = DEFAULT_BY,
    rules: KpiRules | None = None,
    keep_records: bool = True,
) -> SimulationResult:
    """Simulate ``replications`` independent days (or horizons) of ``scenario``.

    Replication ``r`` draws from its own stream, ``rng.spawn(replications)[r]``, so a result is
    reproducible from the seed and one replication's draws do not depend on how many there are.
    ``by``: group keys of the KPI engine (``site`` is the pool; ``interval`` the scenario's);
    None skips the KPIs. ``rules``: KPI definitions (default: the spec's, at the scenario's
    interval length).
    """
    if replications < 1:
        raise ValueError(f"replications must be ≥ 1, got {replications}")
    keys = check_group_keys(list(by)) if by is not None else None
    compiled = compile_scenario(scenario)
    rules = (rules or KpiRules()).model_copy(update={"interval_min": scenario.interval_min})
    net = compiled.network
    on_duty = on_duty_seconds(
        net.agent_pool,
        net.duty_agent,
        net.duty_start_s,
        net.duty_end_s,
        n_pools=net.n_pools,
        interval_s=compiled.interval_s,
        n_intervals=compiled.n_intervals,
    )
    tables = []
    busy = []
    total = 0
    for r, stream in enumerate(rng.spawn(replications)):
        contacts = draw_contacts(compiled, stream)
        outcome = run_network(
            net,
            arrival_s=contacts.arrival_s,
            service_s=contacts.service_s,
            patience_s=contacts.patience_s,
            route=contacts.route,
        )
        total += contacts.size
        busy.append(_busy(compiled, outcome))
        if keep_records or keys is not None:
            tables.append(to_table(compiled, contacts, outcome, replication=r))
    records = pa.concat_tables(tables) if tables else empty_table()
    per_rep: list[list[dict[str, Any]]] = []
    summary: list[dict[str, Any]] = []
    if keys is not None:
        per_rep = replication_kpis(
            records, by=keys, rules=rules, tz=scenario.timezone, replications=replications
        )
        for rows, b in zip(per_rep, busy, strict=True):
            occupancy_rows(
                rows,
                by=keys,
                busy=b,
                on_duty=on_duty,
                pool_ids=compiled.pool_ids,
                start_epoch_s=compiled.start_epoch_s,
                interval_s=compiled.interval_s,
            )
        summary = summarise(per_rep, by=keys, tz=scenario.timezone, extra=("occupancy",))
    return SimulationResult(
        scenario=scenario,
        replications=replications,
        by=tuple(keys or ()),
        records=records if keep_records else empty_table(),
        kpis=summary,
        per_replication=per_rep,
        contacts=total,
    )


def _busy(c: Compiled, outcome: Outcome) -> Any:
    return busy_seconds(
        outcome.pool,
        outcome.start_s,
        outcome.end_s,
        n_pools=c.network.n_pools,
        interval_s=c.interval_s,
        n_intervals=c.n_intervals,
    )
