"""Blocks: the parts of flows the allocation assigns, and what each costs at each site.

A block is one flow's hour band (day, evening, night, weekend) — and one language, when a flow's
contacts come in several languages a team may or may not speak. Blocks are disjoint (an interval
belongs to one band; a language is its own queue), so their requirements and costs add up to the
flow's. Each block is priced with the costing engine at the in-house team (with the pay premium of
agents hired for a language the team lacks) and at every offer that can take it; the agents it
needs in each interval of a typical week feed the allocation's capacity rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from arbitre._types import FloatArray, IntArray
from arbitre.costing.inhouse import InHouseCost, inhouse_cost
from arbitre.costing.pricing import OfferCost, answering, minute_of_week, offer_cost
from arbitre.costing.workload import FlowWorkload
from arbitre.decision.problem import AllocationProblem, Block
from arbitre.domain.channels import Channel
from arbitre.domain.costing import DecisionSettings, InHouseCosts, Offer
from arbitre.domain.targets import CHANNEL_DEFAULTS
from arbitre.errors import InputError
from arbitre.staffing.requirement import requirement
from arbitre.staffing.workforce import BANDS

REALTIME = frozenset({Channel.VOICE_IN, Channel.CHAT})
ALL = "all"  # the band of a block that spans them all
# A language gets its own block from this share of a flow's contacts (smaller ones ride along).
MIN_LANGUAGE_SHARE = 0.05
# The typical week of the capacity rows, in intervals of the workload.
WEEK_S = 7 * 86400
# Capacity is checked against this quantile of the agents a block needs in a slot of the week
# over the reference period: the ordinary busy week, not the one Black Friday falls in.
CAPACITY_QUANTILE = 0.9
# An offer may leave this share of a block's calls unanswered (its hours end a few minutes early).
UNSERVED_TOLERANCE = Decimal("0.01")
# Refusals that make a site unable to take a block; capacity and minimum volumes are the
# allocation's constraints (over a whole flow), not reasons to exclude one block.
BLOCKING = frozenset({"channel", "language", "flow"})
INTERNAL = "internal"  # the in-house team: a site of the allocation, and the store's site value


@dataclass(frozen=True)
class HandledBy:
    """Who handled a flow's contacts over the reference period: contacts per (store site, hour
    band, language) — today's set-up, which the decision costs as its baseline."""

    counts: Mapping[tuple[str, str, str | None], float]

    def site_of(self, band: str, language: str | None) -> tuple[str, float]:
        """The site that handled most of a block's contacts (band ``all``: every band; language
        None: every language), and the share it handled; the in-house team when none.

        >>> h = HandledBy({("internal", "day", "fr"): 30.0, ("bpo:x", "day", "en"): 70.0})
        >>> h.site_of("day", None), h.site_of("day", "fr")
        (('bpo:x', 0.7), ('internal', 1.0))
        """
        by_site: dict[str, float] = {}
        for (site, b, lang), n in self.counts.items():
            if (band == ALL or b == band) and (language is None or lang == language):
                by_site[site] = by_site.get(site, 0.0) + n
        total = sum(by_site.values())
        if total <= 0:
            return INTERNAL, 1.0
        site = max(sorted(by_site), key=lambda k: by_site[k])
        return site, by_site[site] / total


@dataclass(frozen=True)
class PricedBlock:
    """One block, its workload, and its cost at every site (None where the site cannot take it).

    ``today`` is the site that handles the block now (``internal`` or the id of the offer of
    today's provider) and ``current`` that provider's price for it (None in-house): the baseline.
    """

    block: Block
    workload: FlowWorkload
    inhouse: InHouseCost
    inhouse_agents: IntArray  # agents per interval in-house (cached for re-pricing)
    inhouse_costs: InHouseCosts  # the cost model used (with a language premium where due)
    offers: dict[str, OfferCost | None]
    agents_week: dict[str, FloatArray]  # site → agents per slot of the typical week
    today: str = INTERNAL
    current: OfferCost | None = None
    quotes: dict[str, OfferCost] = field(default_factory=dict)  # every offer's price, taken or not


def split(workload: FlowWorkload) -> list[tuple[Block, FlowWorkload]]:
    """The blocks of a flow: its bands with contacts in scope, each language apart if need be.

    Calls and chats are answered in the band they arrive in, so each band is its own block.
    Deferred work (e-mail, back-office, social) and outbound campaigns are one block (``all``):
    what arrives in the evening is handled the next morning, across bands.
    """
    languages = [lang for lang, share in sorted(workload.languages.items()) if share >= MIN_LANGUAGE_SHARE]
    parts = [workload.language(lang) for lang in languages] if len(languages) > 1 else [workload]
    bands = list(enumerate(BANDS)) if workload.channel in REALTIME else [(-1, ALL)]
    out = []
    for part in parts:
        lang = next(iter(part.languages)) if len(languages) > 1 else None
        for i, band in bands:
            piece = part.only(workload.band == i) if i >= 0 else part
            contacts = float((piece.volume * piece.in_scope).sum())
            if contacts <= 0:
                continue
            out.append((Block(workload.flow, band, lang, contacts / piece.months), piece))
    return out


def price_blocks(
    workloads: Sequence[FlowWorkload],
    *,
    costs: InHouseCosts,
    offers: Sequence[Offer],
    frame: DecisionSettings,
    timezone: str,
    capacity: bool = True,
    handled_by: Mapping[str, HandledBy] | None = None,
    site_offers: Mapping[str, str] | None = None,
) -> list[PricedBlock]:
    """Every block of every flow, priced in-house and at each offer (with the agents each needs
    in a typical week when ``capacity``).

    ``handled_by`` says who handles each flow today and ``site_offers`` which offer is the current
    price of each provider site of the store: a block a provider handles today is costed at that
    offer in today's set-up (`PricedBlock.today`, `PricedBlock.current`), and may stay there in any
    plan even if the offer would not take it new (its hours leave calls unanswered today too).
    Raises `InputError` when a provider's current offer does not take the work it handles today.
    """
    by_id = {o.id: o for o in offers}
    out = []
    for workload in workloads:
        for block, piece in split(workload):
            foreign = block.language is not None and block.language not in frame.inhouse_languages
            inhouse_costs = (
                _with_language_premium(costs, frame.foreign_language_premium) if foreign else costs
            )
            today = INTERNAL
            if handled_by is not None and workload.flow in handled_by:
                site, _ = handled_by[workload.flow].site_of(block.band, block.language)
                if site != INTERNAL:
                    today = (site_offers or {}).get(site) or site
            prices: dict[str, OfferCost | None] = {}
            quotes: dict[str, OfferCost] = {}
            week: dict[str, FloatArray] = {INTERNAL: np.zeros(0)}
            for offer in offers:
                priced = offer_cost(offer, piece, timezone=timezone)
                quotes[offer.id] = priced
                # An offer that leaves calls of the block unanswered (its hours are shorter) does
                # not give the same service: it cannot take the block — unless it handles it today.
                unanswered = priced.unserved.contacts > UNSERVED_TOLERANCE * max(
                    Decimal(1), priced.unserved.contacts + priced.contacts
                )
                refused = [r for r in priced.reasons if r.reason in BLOCKING]
                if offer.id == today and refused:
                    raise InputError(
                        f"{workload.flow}: {offer.provider} handles it today but its offer "
                        f"{offer.id}: {refused[0].message}",
                        field=f"offers.{offer.id}.{refused[0].reason}",
                        expected=refused[0].got,
                        got=refused[0].expected,
                    )
                blocked = (unanswered and offer.id != today) or bool(refused)
                prices[offer.id] = None if blocked else priced
                if capacity and not blocked:
                    week[offer.id] = _agents_week(offer, piece, timezone=timezone)
            if today != INTERNAL and today not in by_id:
                raise InputError(
                    f"{workload.flow}: handled today by {today}, which no offer prices",
                    field="offers",
                    expected=f"an offer with site: {today}",
                    got="none",
                )
            agents = inhouse_agents(piece)
            out.append(
                PricedBlock(
                    block=block,
                    workload=piece,
                    inhouse=inhouse_cost(piece, costs=inhouse_costs, agents=agents),
                    inhouse_agents=agents,
                    inhouse_costs=inhouse_costs,
                    offers=prices,
                    agents_week=week,
                    today=today,
                    current=quotes.get(today),
                    quotes=quotes,
                )
            )
    return out


def inhouse_agents(workload: FlowWorkload) -> IntArray:
    """The in-house team's agents per interval for the workload's demand in scope."""
    return requirement(
        channel=workload.channel,
        volume=workload.volume * workload.in_scope,
        aht_s=workload.aht_s,
        interval_s=workload.interval_s,
        targets=workload.targets.over(CHANNEL_DEFAULTS[workload.channel]),
        open_=workload.open_,
        patience_s=workload.patience_s,
        contact_rate=workload.contact_rate,
    ).agents


def _with_language_premium(costs: InHouseCosts, premium: Decimal) -> InHouseCosts:
    """Agents hired for a language the team lacks are paid more (and so are their replacements)."""
    factor = Decimal(1) + premium
    return costs.model_copy(
        update={"agent_gross_salary_per_year": costs.agent_gross_salary_per_year * factor}
    )


def offer_agents(offer: Offer, workload: FlowWorkload, *, timezone: str) -> IntArray:
    """The provider's agents per interval for the workload's demand it answers (its handle time)."""
    answers = answering(offer, workload, timezone=timezone)
    # Calls outside its hours are not its; deferred work waits for its opening (`offer_cost`).
    served = workload.in_scope & answers if workload.realtime else workload.in_scope
    return requirement(
        channel=workload.channel,
        volume=workload.volume * served,
        aht_s=workload.aht_s * float(offer.productivity.aht_factor),
        interval_s=workload.interval_s,
        targets=workload.targets.over(CHANNEL_DEFAULTS[workload.channel]),
        open_=answers,
        patience_s=workload.patience_s,
        contact_rate=workload.contact_rate,
    ).agents


def _agents_week(offer: Offer, workload: FlowWorkload, *, timezone: str) -> FloatArray:
    """Agents the offer needs in each slot of the week (a high quantile over the weeks)."""
    need = offer_agents(offer, workload, timezone=timezone).astype(np.float64)
    slot_min = int(workload.interval_s // 60)
    slot = minute_of_week(workload.start_s, timezone=timezone) // slot_min
    slots = WEEK_S // int(workload.interval_s)
    out = np.zeros(slots)
    for s in range(slots):
        values = need[slot == s]
        if values.size:
            out[s] = float(np.quantile(values, CAPACITY_QUANTILE))
    return out


def variable_per_month(oc: OfferCost) -> Decimal:
    """What a block adds to an offer's monthly invoice: all but the fixed fee and the minimum top-up."""
    return oc.invoice.total - oc.invoice.amount("fixed_fee") - oc.invoice.amount("minimum_commitment")


def problem(
    priced: Sequence[PricedBlock], *, offers: Sequence[Offer], frame: DecisionSettings
) -> AllocationProblem:
    """The allocation problem of the priced blocks.

    Monthly costs: in-house, the block's cost; at an offer, the invoice's variable part (the fixed
    fee and the minimum commitment belong to the site), the transition one-offs and the
    governance team spread over the term. Fixed per site: the fixed fee, the set-up and exit fees
    spread over the term.
    """
    sites = (INTERNAL, *(o.id for o in offers))
    term = Decimal(frame.term_months)
    incumbents = {p.today for p in priced}
    n_b = len(priced)
    cost = np.full((n_b, len(sites)), np.inf)
    slots = max((a.size for p in priced for a in p.agents_week.values()), default=0)
    agents = np.zeros((n_b, len(sites), slots))
    for b, p in enumerate(priced):
        cost[b, 0] = float(p.inhouse.per_month)
        for s, offer in enumerate(offers, start=1):
            oc = p.offers.get(offer.id)
            if oc is None:
                continue
            variable = variable_per_month(oc)
            # Work that stays with today's provider goes through no transition.
            training = (
                Decimal(0)
                if p.today == offer.id
                else sum(
                    (
                        o.amount
                        for o in oc.one_off
                        if o.component in ("knowledge_transfer_training", "parallel_run")
                    ),
                    Decimal(0),
                )
            )
            governance = (
                frame.governance_fte_per_outsourced_fte * oc.fte * frame.governance_salary_per_year / 12
            )
            cost[b, s] = float(variable + training / term + governance)
            agents[b, s, :] = p.agents_week[offer.id]
    capacity = np.full((len(sites), slots), np.inf)
    fixed = np.zeros(len(sites))
    minimum = np.zeros(len(sites))
    for s, offer in enumerate(offers, start=1):
        if offer.capacity_agents is not None:
            capacity[s, :] = offer.capacity_agents
        fee = offer.pricing.fixed_monthly or Decimal(0)
        setup = Decimal(0) if offer.id in incumbents else offer.setup_fee  # already set up
        fixed[s] = float(fee + (setup + offer.exit_fee) / term)
        minimum[s] = float(offer.min_contacts_per_month or 0)
    return AllocationProblem(
        blocks=tuple(p.block for p in priced),
        sites=sites,
        cost=cost,
        agents=agents,
        capacity=capacity,
        fixed_cost=fixed,
        min_contacts_per_flow=minimum,
        max_share=float(frame.max_share_per_provider),
        keep_in_house=frozenset(frame.keep_in_house),
    )
