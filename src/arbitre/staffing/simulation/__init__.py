"""A discrete-event simulator of a contact centre: flows, pools, skills, languages and routing.

``simulate(scenario, replications=..., rng=...)`` runs a `Scenario` (pydantic models, loadable
from YAML) and returns interaction records plus the KPI engine's KPIs per group with confidence
intervals over replications. docs/simulation.md gives the model, the routing semantics and the
validation against Erlang C and Erlang A.
"""

from __future__ import annotations

from arbitre.staffing.simulation.kernel import Network, Outcome, run_network
from arbitre.staffing.simulation.model import (
    Branch,
    Empirical,
    Exponential,
    Fixed,
    Flow,
    Lognormal,
    NoPatience,
    Pool,
    Rule,
    Scenario,
    ScenarioError,
    Shift,
    Step,
    When,
)
from arbitre.staffing.simulation.network import Compiled, compile_scenario, plan_windows, single_pool_network
from arbitre.staffing.simulation.run import DEFAULT_BY, SimulationResult, simulate
from arbitre.staffing.simulation.summary import KPIS

__all__ = [
    "DEFAULT_BY",
    "KPIS",
    "Branch",
    "Compiled",
    "Empirical",
    "Exponential",
    "Fixed",
    "Flow",
    "Lognormal",
    "Network",
    "NoPatience",
    "Outcome",
    "Pool",
    "Rule",
    "Scenario",
    "ScenarioError",
    "Shift",
    "SimulationResult",
    "Step",
    "When",
    "compile_scenario",
    "plan_windows",
    "run_network",
    "simulate",
    "single_pool_network",
]
