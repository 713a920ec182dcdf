"""Bids made comparable: each priced on the tender's DQE at the required service level.

For each lot, each bid that covers it and each flow of the lot, the bid becomes an offer of the
costing engine (`arbitre.domain.costing.Offer`): its price schedule (`arbitre.tender.grid.
pricing_of`: pricing model, unit rate or volume tiers, flat fee, minimum, hour-band premiums),
its productivity (its handle time over the history's — the ``aht_factor`` —, occupancy,
shrinkage, paid hours per FTE), its capacity. `arbitre.costing.pricing.offer_cost` then sizes
it interval by interval on the term's forecast with the staffing engine, at the tender's service
level, and invoices the average month of the term; the term cost is that month × the term's
months, plus the bid's one-off fees (set-up, training of the agents it needs, exit), shared
between the lots it bids for in proportion to their recurring cost.

A bid is flagged as abnormally low — a request for justification (French public procurement:
Code de la commande publique, articles L2152-5 and L2152-6), never an exclusion — when its term
cost is more than the tender's ``below_mean_of_others`` under the mean of the other bids of the
lot, or more than ``below_inhouse`` under the in-house cost of the same volumes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from arbitre.costing.inhouse import InHouseCost
from arbitre.costing.money import ZERO, cents, dec, ratio
from arbitre.costing.pricing import OfferCost, offer_cost
from arbitre.costing.workload import FlowWorkload
from arbitre.domain.costing import Offer, Productivity, Transition
from arbitre.domain.tender import AbnormallyLow, Bid, Lot, Tender
from arbitre.tender.grid import pricing_of


@dataclass(frozen=True, slots=True)
class FlowQuote:
    """One flow of a bid priced on the DQE, with the assumptions that priced it."""

    flow: str
    model: str
    cost: OfferCost
    aht_s: float
    reference_aht_s: float
    aht_factor: Decimal
    occupancy: Decimal
    shrinkage: Decimal


@dataclass(frozen=True, slots=True)
class Flag:
    """A bid to justify: code ``below_mean_of_others`` or ``below_inhouse``, how far below, and
    against what amount."""

    code: str
    share_below: Decimal
    reference: Decimal


@dataclass(frozen=True, slots=True)
class LotQuote:
    """A bid's cost for a lot over the term: recurring, one-off, per year and per contact."""

    provider: str
    provider_name: str
    lot: str
    flows: tuple[FlowQuote, ...]
    recurring: Decimal  # the term's invoices
    one_off: Decimal  # set-up, training, exit (the lot's share)
    term_total: Decimal
    annual: Decimal
    per_month: Decimal
    contacts: Decimal  # over the term
    per_contact: Decimal | None
    feasible: bool
    refusals: tuple[str, ...]
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True, slots=True)
class LotComparison:
    lot: Lot
    quotes: tuple[LotQuote, ...]
    inhouse_total: Decimal | None  # the in-house cost of the same volumes over the term


def offer_of(bid: Bid, flow: str, workload: FlowWorkload, *, reference_aht_s: float) -> Offer:
    """The costing engine's offer for one flow of a bid (raises ValueError if the bid lacks it)."""
    price = bid.price_of(flow)
    prod = bid.productivity_of(flow)
    if price is None or prod is None:
        raise ValueError(f"bid {bid.provider} has no price or productivity for {flow}")
    site = bid.sites[0]
    languages = sorted({lang for s in bid.sites for lang in s.languages})
    return Offer(
        id=bid.provider,
        provider=bid.provider_name,
        site=site.name,
        shore=site.shore,
        country=site.country,
        city=site.city,
        channels=[workload.channel],
        languages=languages,
        flows=[flow],
        pricing=pricing_of(price),
        transition=Transition(
            knowledge_transfer_weeks=ZERO,
            parallel_run_weeks=ZERO,
            training_days_per_agent=bid.fees.training_days_per_agent,
            training_day_rate=bid.fees.training_day_rate,
        ),
        productivity=Productivity(
            aht_factor=dec(prod.aht_s) / dec(reference_aht_s),
            occupancy=prod.occupancy,
            shrinkage=prod.shrinkage,
            paid_hours_per_fte_per_month=prod.paid_hours_per_fte_per_month,
        ),
        capacity_agents=bid.ramp_up.max_agents,
    )


def quote_flow(
    bid: Bid, flow: str, workload: FlowWorkload, *, reference_aht_s: float, timezone: str
) -> FlowQuote:
    """One flow of ``bid`` sized and priced on ``workload`` (the DQE)."""
    offer = offer_of(bid, flow, workload, reference_aht_s=reference_aht_s)
    prod = offer.productivity
    bid_prod = bid.productivity_of(flow)
    assert bid_prod is not None
    return FlowQuote(
        flow=flow,
        model=offer.pricing.model.value,
        cost=offer_cost(offer, workload, timezone=timezone),
        aht_s=bid_prod.aht_s,
        reference_aht_s=reference_aht_s,
        aht_factor=prod.aht_factor,
        occupancy=prod.occupancy,
        shrinkage=prod.shrinkage,
    )


def compare(
    tender: Tender,
    bids: Sequence[Bid],
    *,
    workloads: Mapping[str, FlowWorkload],
    reference_aht_s: Mapping[str, float],
    inhouse: Mapping[str, InHouseCost] | None = None,
    timezone: str = "Europe/Paris",
) -> list[LotComparison]:
    """Every bid priced on the same DQE, lot by lot, with the abnormally-low flags."""
    recurring: dict[tuple[str, str], tuple[list[FlowQuote], Decimal]] = {}
    for bid in bids:
        for lot in tender.all_lots():
            if lot.id not in bid.lots:
                continue
            quotes = [
                quote_flow(bid, f, workloads[f], reference_aht_s=reference_aht_s[f], timezone=timezone)
                for f in lot.flows
            ]
            recurring[(bid.provider, lot.id)] = (quotes, sum((q.cost.period_total for q in quotes), ZERO))
    out = []
    months = Decimal(tender.term.months)
    for lot in tender.all_lots():
        lot_quotes = []
        for bid in bids:
            if (bid.provider, lot.id) not in recurring:
                continue
            quotes, rec = recurring[(bid.provider, lot.id)]
            all_rec = sum((v[1] for k, v in recurring.items() if k[0] == bid.provider), ZERO)
            share = rec / all_rec if all_rec > 0 else Decimal(1) / len(bid.lots)
            training = sum((q.cost.one_off_amount("knowledge_transfer_training") for q in quotes), ZERO)
            one_off = cents((bid.fees.setup_fee + bid.fees.exit_fee) * share + training)
            total = cents(rec + one_off)
            contacts = sum((q.cost.contacts for q in quotes), ZERO)
            refusals = tuple(r.message for q in quotes for r in q.cost.reasons)
            lot_quotes.append(
                LotQuote(
                    provider=bid.provider,
                    provider_name=bid.provider_name,
                    lot=lot.id,
                    flows=tuple(quotes),
                    recurring=cents(rec),
                    one_off=one_off,
                    term_total=total,
                    annual=cents(total * 12 / months),
                    per_month=cents(total / months),
                    contacts=contacts,
                    per_contact=ratio(total, contacts),
                    feasible=not refusals,
                    refusals=refusals,
                )
            )
        inhouse_total = None
        if inhouse is not None and all(f in inhouse for f in lot.flows):
            inhouse_total = cents(sum((inhouse[f].total for f in lot.flows), ZERO))
        out.append(
            LotComparison(
                lot,
                tuple(flagged(lot_quotes, rules=tender.abnormally_low, inhouse_total=inhouse_total)),
                inhouse_total,
            )
        )
    return out


def flagged(
    quotes: Sequence[LotQuote], *, rules: AbnormallyLow, inhouse_total: Decimal | None
) -> list[LotQuote]:
    """The quotes with their abnormally-low flags (see the module docstring).

    >>> from decimal import Decimal as D
    >>> from arbitre.domain.tender import AbnormallyLow
    >>> q = lambda p, t: LotQuote(p, p, "all", (), t, D(0), t, t, t, D(1), None, True, ())
    >>> out = flagged([q("a", D(70)), q("b", D(100)), q("c", D(100))], rules=AbnormallyLow(), inhouse_total=D(250))
    >>> [(x.provider, [(f.code, f.share_below) for f in x.flags]) for x in out]
    [('a', [('below_mean_of_others', Decimal('0.3000')), ('below_inhouse', Decimal('0.7200'))]), ('b', []), ('c', [])]
    """
    out = []
    for q in quotes:
        flags = []
        others = [o.term_total for o in quotes if o.provider != q.provider]
        if others:
            mean = sum(others, ZERO) / len(others)
            below = (mean - q.term_total) / mean if mean > 0 else ZERO
            if below > rules.below_mean_of_others:
                flags.append(Flag("below_mean_of_others", below.quantize(Decimal("0.0001")), cents(mean)))
        if inhouse_total is not None and inhouse_total > 0:
            below = (inhouse_total - q.term_total) / inhouse_total
            if below > rules.below_inhouse:
                flags.append(Flag("below_inhouse", below.quantize(Decimal("0.0001")), inhouse_total))
        out.append(replace(q, flags=tuple(flags)))
    return out


__all__ = ["Flag", "FlowQuote", "LotComparison", "LotQuote", "compare", "flagged", "offer_of", "quote_flow"]
