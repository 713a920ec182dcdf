"""How much the recommended plan's savings move with the main assumptions (a tornado).

Each assumption moves down and up by a stated step, the others held, the plan held (the same
site for every block), and the plan is costed again exactly: savings at present value against
today's set-up, costed under the same assumption. Pay and turnover re-price the in-house side
only; prices re-price the offers' same units (today's provider's included); volumes and handle
times change the requirements, so every block is sized again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from arbitre.costing.inhouse import inhouse_cost
from arbitre.costing.portfolio import reprice, scale_prices
from arbitre.costing.workload import FlowWorkload
from arbitre.decision.blocks import PricedBlock, price_blocks
from arbitre.decision.scenarios import evaluate
from arbitre.domain.costing import DecisionSettings, InHouseCosts, Offer


@dataclass(frozen=True)
class Assumption:
    """One assumption of the tornado and the step it moves by (a relative change)."""

    code: str
    fr: str
    en: str
    step: Decimal


ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption("wage", "Niveau des salaires internes", "In-house pay level", Decimal("0.10")),
    Assumption("turnover", "Turnover interne", "In-house turnover", Decimal("0.50")),
    Assumption("volume", "Volumes", "Volumes", Decimal("0.20")),
    Assumption("aht", "Durée moyenne de traitement", "Handle time", Decimal("0.10")),
    Assumption("offer_price", "Prix des prestataires", "Providers' prices", Decimal("0.10")),
)


@dataclass(frozen=True)
class Bar:
    """The savings (present value) when the assumption is at its low and at its high value."""

    assumption: Assumption
    low: Decimal
    high: Decimal
    base: Decimal

    @property
    def spread(self) -> Decimal:
        return abs(self.high - self.low)


def tornado(
    *,
    priced: Sequence[PricedBlock],
    workloads: Sequence[FlowWorkload],
    costs: InHouseCosts,
    offers: Sequence[Offer],
    assignment: Sequence[str],
    frame: DecisionSettings,
    timezone: str,
    growth_per_year: Decimal | None,
) -> list[Bar]:
    """The bars, widest first (savings against today's set-up: each block's `PricedBlock.today`)."""
    current = [p.today for p in priced]

    def savings(blocks: Sequence[PricedBlock]) -> Decimal:
        return evaluate(
            "what-if", blocks, assignment, frame=frame, growth_per_year=growth_per_year, current=current
        ).savings_npv

    base = savings(priced)

    def inhouse(change: Callable[[InHouseCosts], InHouseCosts]) -> list[PricedBlock]:
        out = []
        for p in priced:
            model = change(p.inhouse_costs)
            out.append(
                replace(
                    p,
                    inhouse=inhouse_cost(p.workload, costs=model, agents=p.inhouse_agents),
                    inhouse_costs=model,
                )
            )
        return out

    def prices(factor: Decimal) -> list[PricedBlock]:
        scaled = {o.id: scale_prices(o, factor) for o in offers}
        return [
            replace(
                p,
                offers={k: (None if v is None else reprice(v, scaled[k])) for k, v in p.offers.items()},
                current=None if p.current is None else reprice(p.current, scaled[p.current.offer.id]),
            )
            for p in priced
        ]

    def sized(change: Callable[[FlowWorkload], FlowWorkload]) -> list[PricedBlock]:
        again = price_blocks(
            [change(w) for w in workloads],
            costs=costs,
            offers=offers,
            frame=frame,
            timezone=timezone,
            capacity=False,
        )
        if [_key(p) for p in again] != [_key(p) for p in priced]:
            raise ValueError("the what-if changed the blocks")  # volumes scale, so zero bands stay zero
        # Today's set-up does not move with the what-if: the same sites, at their new prices.
        return [
            replace(a, today=p.today, current=a.quotes.get(p.today))
            for a, p in zip(again, priced, strict=True)
        ]

    def what_if(code: str, k: Decimal) -> list[PricedBlock]:
        f = float(k)
        if code == "wage":
            return inhouse(lambda c: _pay(c, k))
        if code == "turnover":
            return inhouse(
                lambda c: c.model_copy(
                    update={"turnover_rate_per_year": min(Decimal(1), c.turnover_rate_per_year * k)}
                )
            )
        if code == "offer_price":
            return prices(k)
        if code == "volume":
            return sized(lambda w: replace(w, volume=w.volume * f))
        return sized(lambda w: replace(w, aht_s=w.aht_s * f, talk_s=w.talk_s * f))

    bars = []
    for a in ASSUMPTIONS:
        low, high = (savings(what_if(a.code, k)) for k in (Decimal(1) - a.step, Decimal(1) + a.step))
        bars.append(Bar(a, low, high, base))
    bars.sort(key=lambda b: -b.spread)
    return bars


def _pay(costs: InHouseCosts, k: Decimal) -> InHouseCosts:
    return costs.model_copy(
        update={
            "agent_gross_salary_per_year": costs.agent_gross_salary_per_year * k,
            "team_leader_gross_salary_per_year": costs.team_leader_gross_salary_per_year * k,
            "manager_gross_salary_per_year": costs.manager_gross_salary_per_year * k,
            "support_gross_salary_per_year": costs.support_gross_salary_per_year * k,
        }
    )


def _key(p: PricedBlock) -> tuple[str, str, str | None]:
    return (p.block.flow, p.block.band, p.block.language)
