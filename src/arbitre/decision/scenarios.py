"""Scenarios: an assignment of every block to a site, costed exactly over the contract term.

The allocation optimises monthly costs in floating point; a scenario is what the business case
states: each offer invoiced once for all it takes (`arbitre.costing.portfolio`), its TCO month by
month against today's cost of what it takes (`arbitre.costing.tco`), and the blocks kept
in-house at their in-house cost — in Decimal, over ``DecisionSettings.term_months``, with the same
growth and discounting on both sides.

Savings are measured against today's set-up (``current``: the site that handles each block in
the history — the in-house team, or a provider at its current offer), itself costed as a
scenario; "all in-house" is one scenario among the others. Work a provider already handles goes
through no transition where it stays; bringing work back in-house is costed at the in-house cost
from the first month (no recruiting ramp: a simplification that favours in-house).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from arbitre.costing.inhouse import InHouseCost
from arbitre.costing.money import ZERO, cents
from arbitre.costing.portfolio import combine_inhouse, combine_offer
from arbitre.costing.pricing import OfferCost
from arbitre.costing.tco import Tco, discount_factor, growth_factor, tco
from arbitre.decision.blocks import INTERNAL, PricedBlock, variable_per_month
from arbitre.domain.costing import DecisionSettings


@dataclass(frozen=True)
class ScenarioCost:
    """A scenario over the term: its cost, the all-in-house baseline, and where the money goes."""

    name: str
    assignment: tuple[str, ...]  # site of each block
    total: Decimal  # nominal cost over the term
    npv: Decimal
    baseline_total: Decimal  # today's set-up, the same months
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
    current: Sequence[str] | None = None,
    baseline: ScenarioCost | None = None,
) -> ScenarioCost:
    """The exact cost of ``assignment`` (a site per block of ``priced``) over the term, and its
    savings against today's set-up: ``baseline`` when given, else ``current`` (the site of each
    block today; None: all in-house) costed the same way."""
    if len(assignment) != len(priced):
        raise ValueError("one site per block")
    today = tuple(current) if current is not None else (INTERNAL,) * len(priced)
    if len(today) != len(priced):
        raise ValueError("one current site per block")
    g = frame.volume_growth_per_year if frame.volume_growth_per_year is not None else growth_per_year
    g = g if g is not None else ZERO
    term = frame.term_months
    discounts = [discount_factor(frame.discount_rate, month=m) for m in range(1, term + 1)]
    monthly, by_site, by_flow, tcos = _paths(priced, tuple(assignment), today, frame=frame, g=g)
    npv = cents(sum((m * d for m, d in zip(monthly, discounts, strict=True)), ZERO))
    if baseline is None and tuple(assignment) != today:
        baseline = evaluate("today", priced, today, frame=frame, growth_per_year=g, current=today)
    base_monthly = baseline.monthly if baseline is not None else tuple(monthly)
    base_npv = baseline.npv if baseline is not None else npv
    return ScenarioCost(
        name=name,
        assignment=tuple(assignment),
        total=sum(monthly, ZERO),
        npv=npv,
        baseline_total=sum(base_monthly, ZERO),
        baseline_npv=base_npv,
        monthly=tuple(monthly),
        baseline_monthly=tuple(base_monthly),
        by_site=by_site,
        by_flow=by_flow,
        tcos=tuple(tcos),
    )


def _paths(
    priced: Sequence[PricedBlock],
    assignment: tuple[str, ...],
    today: tuple[str, ...],
    *,
    frame: DecisionSettings,
    g: Decimal,
) -> tuple[list[Decimal], dict[str, Decimal], dict[str, Decimal], list[Tco]]:
    """Month by month cost of ``assignment``, by site and by flow, and each provider's TCO."""
    term = frame.term_months
    factors = [growth_factor(g, month=m) for m in range(1, term + 1)]

    def path(cost: InHouseCost) -> list[Decimal]:
        volume = cost.volume_driven_total / cost.months
        fixed = (cost.total - cost.volume_driven_total) / cost.months
        return [cents(volume * f + fixed) for f in factors]

    kept = [i for i, s in enumerate(assignment) if s == INTERNAL]
    monthly = path(combine_inhouse([priced[i].inhouse for i in kept], flow="kept")) if kept else [ZERO] * term
    by_site: dict[str, Decimal] = {INTERNAL: sum(monthly, ZERO)} if kept else {}
    by_flow: dict[str, Decimal] = {}
    for i in kept:
        share = sum(path(priced[i].inhouse), ZERO)
        by_flow[priced[i].block.flow] = by_flow.get(priced[i].block.flow, ZERO) + share
    now = block_months(priced, today) if any(s != INTERNAL for s in today) else []
    tcos = []
    for site in dict.fromkeys(s for s in assignment if s != INTERNAL):
        taken = [i for i, s in enumerate(assignment) if s == site]
        parts = [quote(priced[i], site) for i in taken]
        staying = [i for i in taken if today[i] == site]
        from_inside = [i for i in taken if today[i] == INTERNAL]
        elsewhere = sum((now[i] for i in taken if today[i] not in (site, INTERNAL)), ZERO)
        result = tco(
            inhouse=combine_inhouse([priced[i].inhouse for i in from_inside], flow=site)
            if from_inside
            else None,
            offer=combine_offer(parts),
            settings=frame,
            growth_per_year=g,
            incumbent=combine_offer([quote(priced[i], site) for i in staying]) if staying else None,
            elsewhere_per_month=elsewhere,
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
    return monthly, by_site, by_flow, tcos


def quote(p: PricedBlock, site: str) -> OfferCost:
    """The block's price at ``site``: the offer's, or today's provider's own price for the work it
    handles today (`PricedBlock.current`) — the status quo is always possible."""
    part = p.offers.get(site)
    if part is None and p.current is not None and p.current.offer.id == site:
        part = p.current
    if part is None:
        raise ValueError(f"block {p.block.flow} ({p.block.band}, {p.block.language}) cannot go to {site}")
    return part


def block_months(priced: Sequence[PricedBlock], assignment: Sequence[str]) -> list[Decimal]:
    """Each block's share of its site's monthly cost: in-house its own cost; at an offer, the
    offer's invoice for everything it takes, shared out in proportion to what each block adds to
    it (the fixed fee and the minimum top-up belong to the site, not to a block)."""
    out = [
        p.inhouse.per_month if s == INTERNAL else Decimal(0) for p, s in zip(priced, assignment, strict=True)
    ]
    for site in dict.fromkeys(s for s in assignment if s != INTERNAL):
        taken = [i for i, s in enumerate(assignment) if s == site]
        parts = [quote(priced[i], site) for i in taken]
        total = combine_offer(parts).per_month
        weights = [variable_per_month(p) for p in parts]
        weight = sum(weights, Decimal(0))
        for i, w in zip(taken, weights, strict=True):
            out[i] = total * (w / weight if weight > 0 else Decimal(1) / len(taken))
    return out


def all_at(
    site: str,
    priced: Sequence[PricedBlock],
    *,
    keep: frozenset[str] = frozenset(),
    current: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """Every block the offer can take goes to it; the others, and the flows in ``keep``, stay where
    they are today (``current``; None: in-house)."""
    today = tuple(current) if current is not None else (INTERNAL,) * len(priced)
    return tuple(
        site if (site == INTERNAL or (p.offers.get(site) is not None and p.block.flow not in keep)) else now
        for p, now in zip(priced, today, strict=True)
    )
