"""Allocation of flows across the in-house team and provider offers: a mixed-integer program.

Step 4 of the method, after the qualification: each block — a flow in one hour band, and one
language where the flow has several — goes to exactly one site (the in-house team or an offer),
at the lowest monthly cost, within each site's capacity interval by interval, with no provider
taking more than a set share of the contacts (dependency risk), no provider receiving less of a
flow than it accepts, and the flows that must stay in-house kept there. Hybrid arrangements —
evenings and weekends to a provider, a language to another — come out of it. The formulation is
in docs/decision.md: `arbitre.decision.program` builds it, HiGHS solves it through
`arbitre.mip`, `arbitre.decision.plan` reads the plan flow by flow.

The costs are what the costing engine priced for each block at each site (the service level is
in them: the in-house team's and each provider's agents are sized by the staffing engine for the
same targets), as floats: the program chooses, the costing engine then prices the chosen plan
exactly in Decimal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from arbitre._types import IntArray
from arbitre.decision import wording
from arbitre.decision.plan import FlowAllocation, block_name, flow_allocation, interval_name
from arbitre.decision.problem import AllocationProblem
from arbitre.decision.program import INTERNAL, TOL, Program, all_in_house_feasible, all_in_house_start
from arbitre.decision.wording import Text

__all__ = [
    "FAMILIES",
    "INTERNAL",
    "Allocation",
    "FlowAllocation",
    "all_in_house_cost",
    "allocate",
]


@dataclass(frozen=True, slots=True)
class Allocation:
    """The solution of an `AllocationProblem`.

    ``status``: ``optimal`` (proved within ``mip_gap``), ``time_limit`` (the best plan found in
    time, ``gap`` from the optimum), ``infeasible`` (no plan meets every constraint: ``reason``
    says why, ``relaxations`` which constraint families, lifted alone, would make one exist),
    ``no_solution`` (time ran out before a plan was found). ``assignment`` gives the site of each
    block in the problem's order (empty without a plan); costs are monthly, ``cost`` =
    ``variable_cost`` + ``fixed_cost`` (None without a plan); ``solve_s`` is HiGHS's time.
    """

    status: str
    sites: tuple[str, ...]
    assignment: tuple[str, ...]
    cost: float | None
    variable_cost: float | None
    fixed_cost: float | None
    bound: float | None
    gap: float | None
    solve_s: float
    flows: tuple[FlowAllocation, ...]
    contacts_by_site: Mapping[str, float]
    used: tuple[str, ...]
    reason: Text | None = None
    relaxations: tuple[str, ...] = ()

    @property
    def solved(self) -> bool:
        """Whether there is a plan (optimal or the best found in time)."""
        return self.cost is not None

    def flow(self, flow: str) -> FlowAllocation:
        """The allocation of one flow."""
        for f in self.flows:
            if f.flow == flow:
                return f
        raise KeyError(flow)


# Constraint families the diagnosis of an infeasible problem lifts one at a time.
FAMILIES: dict[str, Text] = {
    "capacity": Text("la capacité des sites", "site capacity"),
    "max_share": Text("la part maximale par prestataire", "the maximum share per provider"),
    "min_contacts": Text("les volumes minimaux des prestataires", "providers' minimum volumes"),
    "keep_in_house": Text("les flux gardés en interne", "the flows kept in-house"),
}


def allocate(problem: AllocationProblem, *, time_limit_s: float = 10.0, mip_gap: float = 1e-6) -> Allocation:
    """The cheapest assignment of each block to one site under the problem's constraints.

    Never raises on an infeasible problem: the result says so (``status``, ``reason``). When
    keeping everything in-house is feasible it is handed to HiGHS as a starting plan, so the
    answer never costs more than that, even at the time limit.

    Example: two sites, one flow in two bands; the provider is cheaper in the evening only.

    >>> from arbitre.decision.problem import AllocationProblem, Block
    >>> blocks = (Block("sav", "day", None, 4000.0), Block("sav", "evening", None, 1000.0))
    >>> p = AllocationProblem(blocks=blocks, sites=("internal", "mg"),
    ...     cost=np.array([[10_000.0, 11_000.0], [4_000.0, 2_500.0]]),
    ...     agents=np.ones((2, 2, 4)), capacity=np.full((2, 4), np.inf),
    ...     fixed_cost=np.zeros(2), min_contacts_per_flow=np.zeros(2))
    >>> a = allocate(p)
    >>> a.status, a.assignment, a.cost, a.flow("sav").recommendation.value
    ('optimal', ('internal', 'mg'), 12500.0, 'hybrid')
    >>> print(a.flow("sav").summary.en)
    Hybrid by hour band: day in-house; evening to mg
    """
    if not problem.blocks:
        return _result(problem, "optimal", np.zeros(0, dtype=np.int64), None, 0.0)
    pre = _precheck(problem)
    if pre is not None:
        return _infeasible(problem, pre, (), 0.0)
    model = Program.build(problem, lifted=frozenset())
    solution = model.solve(
        time_limit_s=time_limit_s, mip_gap=mip_gap, start=all_in_house_start(problem, model)
    )
    if solution.x is None:
        if solution.status != "infeasible":
            text = Text(
                "Limite de temps atteinte avant de trouver une répartition réalisable",
                "The time limit was reached before a feasible plan was found",
            )
            return _result(problem, solution.status, None, text, solution.run_s)
        spent = solution.run_s
        relaxations = []
        for family in FAMILIES:
            lifted = Program.build(problem, lifted=frozenset({family}))
            left = max(time_limit_s - spent, 0.0) / len(FAMILIES)
            check = lifted.solve(time_limit_s=max(left, 0.5), mip_gap=1.0, start=None, feasibility=True)
            spent += check.run_s
            if check.x is not None:
                relaxations.append(family)
        return _infeasible(problem, _diagnosis(problem, relaxations), tuple(relaxations), spent)
    site = model.sites_of(solution.x)
    result = _result(problem, solution.status, site, None, solution.run_s)
    reason = None
    if solution.status == "time_limit":
        reason = Text(
            f"Limite de temps atteinte : meilleure répartition trouvée, à {wording.pct(solution.gap or 0.0, 'fr')} "
            "au plus de l'optimum",
            f"Time limit reached: the best plan found, within {wording.pct(solution.gap or 0.0, 'en')} of the optimum",
        )
    return replace(result, bound=solution.bound, gap=solution.gap, reason=reason)


def all_in_house_cost(problem: AllocationProblem) -> float | None:
    """Monthly cost of keeping every block in-house, or None when that breaks a constraint.

    The comparison the recommended plan must never lose (issue 4: "the recommended plan never
    costs more than keeping everything in-house when that is feasible").
    """
    if not all_in_house_feasible(problem):
        return None
    if not problem.blocks:
        return 0.0
    return float(problem.cost[:, INTERNAL].sum() + problem.fixed_cost[INTERNAL])


# --- Infeasibility -------------------------------------------------------------------------------


def _precheck(p: AllocationProblem) -> Text | None:
    """Causes of infeasibility that can be named precisely without solving."""
    eligible = p.eligible()
    kept = p.kept()
    for b in np.flatnonzero(~eligible.any(axis=1)):
        blk = p.blocks[b]
        name = block_name(blk)
        if kept[b]:
            return Text(
                f"Le flux {blk.flow} doit rester en interne mais l'équipe interne ne peut pas prendre {name.fr}",
                f"Flow {blk.flow} must stay in-house but the in-house team cannot take {name.en}",
            )
        return Text(f"Aucun site ne peut prendre {name.fr}", f"No site can take {name.en}")
    fits = eligible & np.all(p.agents <= p.capacity[None, :, :] + TOL, axis=2)
    for b in np.flatnonzero(~fits.any(axis=1)):
        name = block_name(p.blocks[b])
        return Text(
            f"{name.fr.capitalize()} demande plus d'agents que n'en a aucun des sites qui peuvent le prendre",
            f"{name.en.capitalize()} needs more agents than any site that can take it has",
        )
    if kept.any():
        load = p.agents[kept, INTERNAL, :].sum(axis=0)
        over = load - p.capacity[INTERNAL]
        i = int(np.argmax(over))
        if over[i] > TOL:
            when = interval_name(i, len(load))
            need = wording.ratio(float(load[i]), "fr"), wording.ratio(float(load[i]), "en")
            cap = (
                wording.ratio(float(p.capacity[INTERNAL, i]), "fr"),
                wording.ratio(float(p.capacity[INTERNAL, i]), "en"),
            )
            return Text(
                f"Les flux gardés en interne demandent {need[0]} agents le {when.fr}, l'équipe interne en a {cap[0]}",
                f"The flows kept in-house need {need[1]} agents on {when.en}; the in-house team has {cap[1]}",
            )
    return None


def _diagnosis(p: AllocationProblem, relaxations: list[str]) -> Text:
    head = Text(
        "Aucune répartition ne respecte toutes les contraintes à la fois",
        "No plan meets every constraint at once",
    )
    if not relaxations:
        return Text(
            head.fr + " ; lever une seule famille de contraintes ne suffit pas",
            head.en + "; lifting a single family of constraints is not enough",
        )
    names = [FAMILIES[f] for f in relaxations]
    if "max_share" in relaxations:
        share = Text(f" ({wording.pct(p.max_share, 'fr')})", f" ({wording.pct(p.max_share, 'en')})")
        names = [
            Text(n.fr + share.fr, n.en + share.en) if f == "max_share" else n
            for f, n in zip(relaxations, names, strict=True)
        ]
    fr = " ou ".join(n.fr for n in names)
    en = " or ".join(n.en for n in names)
    return Text(
        f"{head.fr} ; en levant {fr}, une répartition existe", f"{head.en}; lifting {en} would allow one"
    )


def _infeasible(
    p: AllocationProblem, reason: Text, relaxations: tuple[str, ...], solve_s: float
) -> Allocation:
    result = _result(p, "infeasible", None, reason, solve_s)
    return Allocation(
        status=result.status,
        sites=result.sites,
        assignment=(),
        cost=None,
        variable_cost=None,
        fixed_cost=None,
        bound=None,
        gap=None,
        solve_s=solve_s,
        flows=(),
        contacts_by_site={},
        used=(),
        reason=reason,
        relaxations=relaxations,
    )


def _result(
    p: AllocationProblem, status: str, site: IntArray | None, reason: Text | None, solve_s: float
) -> Allocation:
    if site is None:
        return Allocation(status, p.sites, (), None, None, None, None, None, solve_s, (), {}, (), reason)
    n_b = len(p.blocks)
    contacts = np.array([b.contacts_per_month for b in p.blocks])
    per_block = p.cost[np.arange(n_b), site] if n_b else np.zeros(0)
    used_mask = np.bincount(site, minlength=len(p.sites)) > 0 if n_b else np.zeros(len(p.sites), dtype=bool)
    variable = float(per_block.sum())
    fixed = float(p.fixed_cost[used_mask].sum())
    by_site = np.bincount(site, weights=contacts, minlength=len(p.sites)) if n_b else np.zeros(len(p.sites))
    return Allocation(
        status=status,
        sites=p.sites,
        assignment=tuple(p.sites[s] for s in site),
        cost=variable + fixed,
        variable_cost=variable,
        fixed_cost=fixed,
        bound=None,
        gap=None,
        solve_s=solve_s,
        flows=tuple(flow_allocation(p, f, site, per_block) for f in p.flows),
        contacts_by_site={s: float(by_site[i]) for i, s in enumerate(p.sites)},
        used=tuple(s for i, s in enumerate(p.sites) if used_mask[i]),
        reason=reason,
    )
