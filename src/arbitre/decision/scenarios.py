"""Scenarios: an assignment of every block to a site, costed exactly over the contract term.

The allocation optimises monthly costs in floating point; a scenario is what the business case
states: each offer invoiced once for all it takes (`arbitre.costing.portfolio`), its TCO month by
month against the in-house cost of what it takes (`arbitre.costing.tco`), and the blocks kept
in-house at their in-house cost — in Decimal, over ``DecisionSettings.term_months``, with the same
growth and discounting on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from arbitre.costing.inhouse import InHouseCost
from arbitre.costing.money import ZERO, cents
from arbitre.costing.portfolio import combine_inhouse, combine_offer
from arbitre.costing.tco import Tco, discount_factor, growth_factor, tco
from arbitre.decision.blocks import PricedBlock, variable_per_month
from arbitre.domain.costing import DecisionSettings

INTERNAL = "internal"


@dataclass(frozen=True)
class ScenarioCost:
    """A scenario over the term: its cost, the all-in-house baseline, and where the money goes."""

    name: str
    assignment: tuple[str, ...]  # site of each block
    total: Decimal  # nominal cost over the term
    npv: Decimal
    baseline_total: Decimal  # everything in-house, the same months
    baseline_npv: Decimal
    monthly: tuple[Decimal, ...]
    baseline_monthly: tuple[Decimal, ...]
    by_site: dict[str, Decimal]
    by_flow: dict[str, Decimal]
    tcos: tuple[Tco, ...] = field(default=())

    @property
    def savings(self) -> Decimal:
        return self.baseline_total - self.total

    @property
    def savings_npv(self) -> Decimal:
        return self.baseline_npv - self.npv

    @property
    def savings_share(self) -> Decimal | None:
        return self.savings_npv / self.baseline_npv if self.baseline_npv > 0 else None

    @property
    def sites(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.assignment))


def evaluate(
    name: str,
    priced: Sequence[PricedBlock],
    assignment: Sequence[str],
    *,
    frame: DecisionSettings,
    growth_per_year: Decimal | None,
) -> ScenarioCost:
    """The exact cost of ``assignment`` (a site per block of ``priced``) over the term."""
    if len(assignment) != len(priced):
        raise ValueError("one site per block")
    g = frame.volume_growth_per_year if frame.volume_growth_per_year is not None else growth_per_year
    g = g if g is not None else ZERO
    term = frame.term_months
    months = range(1, term + 1)
    factors = [growth_factor(g, month=m) for m in months]
    discounts = [discount_factor(frame.discount_rate, month=m) for m in months]

    def path(cost: InHouseCost) -> list[Decimal]:
        volume = cost.volume_driven_total / cost.months
        fixed = (cost.total - cost.volume_driven_total) / cost.months
        return [cents(volume * f + fixed) for f in factors]

    everything = combine_inhouse([p.inhouse for p in priced], flow="all")
    baseline = path(everything)
    kept = [i for i, s in enumerate(assignment) if s == INTERNAL]
    monthly = path(combine_inhouse([priced[i].inhouse for i in kept], flow="kept")) if kept else [ZERO] * term
    by_site: dict[str, Decimal] = {INTERNAL: sum(monthly, ZERO)} if kept else {}
    by_flow: dict[str, Decimal] = {}
    for i in kept:
        share = sum(path(priced[i].inhouse), ZERO)
        by_flow[priced[i].block.flow] = by_flow.get(priced[i].block.flow, ZERO) + share
    tcos = []
    for site in dict.fromkeys(s for s in assignment if s != INTERNAL):
        taken = [i for i, s in enumerate(assignment) if s == site]
        parts = []
        for i in taken:
            part = priced[i].offers.get(site)
            if part is None:
                raise ValueError(
                    f"block {i} ({priced[i].block.flow}, {priced[i].block.band}) cannot go to {site}"
                )
            parts.append(part)
        result = tco(
            inhouse=combine_inhouse([priced[i].inhouse for i in taken], flow=site),
            offer=combine_offer(parts),
            settings=frame,
            growth_per_year=g,
        )
        tcos.append(result)
        monthly = [a + mf.outsourced for a, mf in zip(monthly, result.months, strict=True)]
        by_site[site] = result.outsourced_total
        weights = [variable_per_month(part) for part in parts]
        total_weight = sum(weights, ZERO)
        for i, w in zip(taken, weights, strict=True):
            flow = priced[i].block.flow
            share = result.outsourced_total * (
                w / total_weight if total_weight > 0 else Decimal(1) / len(taken)
            )
            by_flow[flow] = by_flow.get(flow, ZERO) + cents(share)
    return ScenarioCost(
        name=name,
        assignment=tuple(assignment),
        total=sum(monthly, ZERO),
        npv=cents(sum((m * d for m, d in zip(monthly, discounts, strict=True)), ZERO)),
        baseline_total=sum(baseline, ZERO),
        baseline_npv=cents(sum((m * d for m, d in zip(baseline, discounts, strict=True)), ZERO)),
        monthly=tuple(monthly),
        baseline_monthly=tuple(baseline),
        by_site=by_site,
        by_flow=by_flow,
        tcos=tuple(tcos),
    )


def all_at(
    site: str, priced: Sequence[PricedBlock], *, keep: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """Every block the offer can take goes to it; the others, and the flows in ``keep``, stay in-house."""
    return tuple(
        site
        if (site == INTERNAL or (p.offers.get(site) is not None and p.block.flow not in keep))
        else INTERNAL
        for p in priced
    )
