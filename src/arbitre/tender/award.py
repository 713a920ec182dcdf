"""The award: the winning bid of a lot as offers the decision can use, and as a draft contract.

**Offers.** A bid prices each flow on its own (a pricing model, a minimum, tiers, premiums) and
assumes its own productivity per flow, while an `Offer` has one pricing and one productivity: the
bid becomes one offer per flow of the lot, ``<provider>-<flow>``, the same offer the comparison
priced (`arbitre.tender.normalise.offer_of`), plus what the comparison counts apart from the
invoices: the bid's set-up and exit fees, shared between the flows in proportion to their cost
over the term among every flow the bid prices (as `normalise.compare` shares them between
lots), and its transition — the training days and their price, the weeks of initial training as
the knowledge transfer, the weeks to full capacity as the parallel run.

**Draft contract.** What the tender fixed and the bid offered, for `arbitre contract`: one
contract per price schedule (the flows of a lot priced alike share a contract; a lot whose flows
are priced differently gets one contract per schedule, as a contract has one pricing):

- flows, the term (its first day to the day before its end), the buyer, the provider and its
  sites (the bid's site names: the ``site`` its interaction exports will carry);
- ``pricing``: the bid's price of those flows (`arbitre.tender.grid.pricing_of`), and the bid's
  occupancy of them for the invoice check of a price per logged hour;
- ``volumes.monthly``: the DQE — the forecast of the term, month by month, rounded to the contact;
- ``slas``: the tender's service levels (over the workspace's targets, as the DQE sized them):
  a share within a threshold (calls, chats), within the deadline (written work: the share the
  targets set, else 90 %), the abandon and speed-of-answer ceilings; the amount at risk shared
  equally between them;
- ``reversibility``: the tender's notice and transition, the bid's exit fee;
- ``data_protection``: processor, the country of the bid's first site outside the EEA (else of
  its first site), standard contractual clauses when that is outside the EEA (the tender's
  ``with_safeguards``; a tender that forbids transfers refuses such a bid), the bid's dated
  certifications;
- ``committees``: the steering committee of the tender's reporting requirement, five days after
  the monthly export is due.

Service credits, exclusions and audit keep the contract model's defaults: they are negotiated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal

from arbitre.costing.money import ZERO, cents
from arbitre.costing.workload import FlowWorkload
from arbitre.domain.contract import (
    EEA,
    Certification,
    Committee,
    Contract,
    DataProtection,
    Party,
    Provider,
    Reversibility,
    Sla,
    Volumes,
)
from arbitre.domain.costing import Offer, Transition
from arbitre.domain.tender import Bid, BidSite, Lot, Tender
from arbitre.tender.grid import pricing_of
from arbitre.tender.normalise import offer_of

WRITTEN_SHARE = 0.90  # the share of written work within its deadline when the targets set none


class AwardError(ValueError):
    """The bid cannot be awarded as it is (a transfer the tender forbids, a flow it does not price)."""


def award_offers(
    bid: Bid,
    lot: Lot,
    *,
    workloads: Mapping[str, FlowWorkload],
    reference_aht_s: Mapping[str, float],
    term_cost: Mapping[str, Decimal],
) -> list[Offer]:
    """The offers of ``bid`` for the flows of ``lot`` (see the module docstring).

    ``term_cost``: the bid's invoices over the term for every flow it prices (the comparison's),
    which share its set-up and exit fees.
    """
    total = sum(term_cost.values(), ZERO)
    out = []
    for flow in lot.flows:
        share = term_cost[flow] / total if total > 0 else Decimal(1) / len(term_cost)
        offer = offer_of(bid, flow, workloads[flow], reference_aht_s=reference_aht_s[flow])
        out.append(
            offer.model_copy(
                update={
                    "id": f"{bid.provider}-{flow}",
                    "setup_fee": cents(bid.fees.setup_fee * share),
                    "exit_fee": cents(bid.fees.exit_fee * share),
                    "transition": Transition(
                        knowledge_transfer_weeks=bid.ramp_up.training_weeks,
                        parallel_run_weeks=bid.ramp_up.weeks_to_full,
                        training_days_per_agent=bid.fees.training_days_per_agent,
                        training_day_rate=bid.fees.training_day_rate,
                    ),
                    "notes": f"{bid.tender}, lot {lot.id}: awarded bid of {bid.provider_name} (arbitre tender award)",
                }
            )
        )
    return [Offer.model_validate(o.model_dump()) for o in out]  # validated as a file would be


def draft_contracts(
    tender: Tender,
    bid: Bid,
    lot: Lot,
    *,
    offers: Sequence[Offer],
    workloads: Mapping[str, FlowWorkload],
    monthly: Mapping[str, Mapping[str, float]],
) -> list[Contract]:
    """The draft contracts of the award (see the module docstring).

    ``offers``: the award's offers of the lot's flows; ``monthly``: the DQE's contacts per month
    (``YYYY-MM``) and flow.
    """
    site = _data_site(bid)
    outside = site.country not in EEA
    if outside and tender.requirements.data_protection.transfers_outside_eea == "forbidden":
        raise AwardError(
            f"{bid.provider_name} would process the data in {site.country} ({site.name}), outside the EEA, "
            "which the tender forbids (requirements.data_protection.transfers_outside_eea)"
        )
    groups: dict[str, list[str]] = {}
    for flow in lot.flows:
        price, prod = bid.price_of(flow), bid.productivity_of(flow)
        if price is None or prod is None:
            raise AwardError(f"the bid of {bid.provider} has no price or productivity for {flow}")
        key = pricing_of(price).model_dump_json() + f"|{prod.occupancy}"
        groups.setdefault(key, []).append(flow)
    by_flow = {o.flows[0]: o for o in offers if o.flows}
    reporting = tender.requirements.reporting
    committee = Committee(
        name="Comité de pilotage mensuel"
        if reporting.steering_committee == "monthly"
        else "Comité de pilotage trimestriel",
        cadence=reporting.steering_committee,
        day=min(28, reporting.day_of_month + 5),
    )
    out = []
    for flows in groups.values():
        first = flows[0]
        price, prod = bid.price_of(first), bid.productivity_of(first)
        assert price is not None and prod is not None
        suffix = "" if len(groups) == 1 else f"-{first}"
        out.append(
            Contract(
                id=f"{tender.id}-{lot.id}-{bid.provider}{suffix}",
                title=f"{tender.title} — {lot.title} — {bid.provider_name}",
                client=Party(name=tender.buyer.name, representative=tender.buyer.contact),
                provider=Provider(
                    name=bid.provider_name,
                    representative=bid.contact,
                    sites=list(dict.fromkeys(s.name for s in bid.sites)),
                    offer=by_flow[first].id if len(flows) == 1 and first in by_flow else None,
                ),
                flows=flows,
                start=tender.term.first_day(),
                end=tender.term.end_day() - timedelta(days=1),
                currency=tender.currency,
                pricing=pricing_of(price),
                productivity_occupancy=prod.occupancy,
                volumes=Volumes(
                    monthly={
                        m: {f: Decimal(round(by_month.get(f, 0.0))) for f in flows}
                        for m, by_month in monthly.items()
                    }
                ),
                slas=_slas(flows, workloads),
                reversibility=Reversibility(
                    notice_months=tender.requirements.reversibility.notice_months,
                    transition_months=tender.requirements.reversibility.transition_months,
                    exit_fee=cents(bid.fees.exit_fee),
                ),
                data_protection=DataProtection(
                    role="processor",
                    country=site.country,
                    transfer_mechanism="standard_contractual_clauses" if outside else None,
                    certifications=[
                        Certification(name=c.name, expires=c.expires)
                        for c in bid.certifications
                        if c.expires is not None
                    ],
                ),
                committees=[committee],
            )
        )
    return out


def _data_site(bid: Bid) -> BidSite:
    """Where the bid processes the data: its first site outside the EEA, else its first site."""
    return next((s for s in bid.sites if s.country not in EEA), bid.sites[0])


def _slas(flows: Sequence[str], workloads: Mapping[str, FlowWorkload]) -> list[Sla]:
    """The service levels of ``flows`` as the DQE sized them, sharing the amount at risk equally."""
    found: list[tuple[str, dict[str, object]]] = []
    for flow in flows:
        t = workloads[flow].targets
        if t.deadline_s is not None and t.threshold_s is None:
            share = t.sl if t.sl is not None else WRITTEN_SHARE
            found.append(
                (
                    flow,
                    {
                        "name": f"{flow}-deadline",
                        "kpi": "service_level",
                        "threshold_s": t.deadline_s,
                        "target": share,
                    },
                )
            )
        elif t.sl is not None and t.threshold_s is not None:
            found.append(
                (
                    flow,
                    {
                        "name": f"{flow}-sl",
                        "kpi": "service_level",
                        "threshold_s": t.threshold_s,
                        "target": t.sl,
                    },
                )
            )
        if t.max_abandon is not None:
            found.append((flow, {"name": f"{flow}-abandon", "kpi": "abandon_rate", "target": t.max_abandon}))
        if t.max_asa_s is not None:
            found.append((flow, {"name": f"{flow}-asa", "kpi": "asa_s", "target": t.max_asa_s}))
    if not found:
        raise AwardError(f"no service level for {', '.join(flows)}: set one in the tender (service_levels)")
    weights = _equal_shares(len(found))
    return [
        Sla.model_validate({**sla, "flows": [flow], "weight": w})
        for (flow, sla), w in zip(found, weights, strict=True)
    ]


def _equal_shares(n: int) -> list[Decimal]:
    """``n`` shares to the ten-thousandth adding up to exactly 1 (the last takes the rest).

    >>> _equal_shares(3)
    [Decimal('0.3333'), Decimal('0.3333'), Decimal('0.3334')]
    """
    each = (Decimal(1) / n).quantize(Decimal("0.0001"))
    return [each] * (n - 1) + [Decimal(1) - each * (n - 1)]


__all__ = ["AwardError", "award_offers", "draft_contracts"]
