"""The decision document assembled from what the engines computed — pure: no store, no clock.

`arbitre.services.decide` gathers the workspace (workloads, costs, offers, frame, evidence), runs
the engines (pricing, qualification, allocation, scenarios, sensitivity, simulation check), and
hands their results here; `decision_document` writes them as one `DecisionDocument`. Money is
rounded to the cent as the document shows it; the exact figures stay in the engines' results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import numpy as np

from arbitre.costing.inhouse import HIDDEN
from arbitre.costing.portfolio import combine_inhouse
from arbitre.costing.workload import FlowWorkload
from arbitre.decision.allocate import Allocation
from arbitre.decision.blocks import INTERNAL, PricedBlock
from arbitre.decision.check import FlowCheck
from arbitre.decision.document import (
    AllocationSummary,
    BestOffer,
    BlockAllocation,
    Counted,
    DecisionDocument,
    DecisionInputs,
    Estimate,
    FlowDecision,
    FlowOfferEntry,
    FlowTco,
    Growth,
    InHouseSummary,
    ProviderCost,
    QualificationEntry,
    ReasonEntry,
    ReferencePeriod,
    ScenarioResult,
    ScenarioWarning,
    SensitivityBar,
    SimulationCheck,
    SimulationTarget,
    SiteCheck,
    TodayCost,
    WarningReason,
    WorkloadSummary,
)
from arbitre.decision.evidence import Qualification, Reason
from arbitre.decision.offers import best_offer, flow_offer
from arbitre.decision.plan import flow_allocation
from arbitre.decision.problem import AllocationProblem
from arbitre.decision.reconcile import Verdict
from arbitre.decision.scenarios import ScenarioCost, block_months
from arbitre.decision.sensitivity import Bar
from arbitre.domain.costing import DecisionSettings, InHouseCosts, Offer
from arbitre.domain.documents import Bilingual
from arbitre.fit.planning import PlanningPatience


@dataclass(frozen=True)
class Computed:
    """What the engines computed for a decision, as `decision_document` reads it."""

    priced: Sequence[PricedBlock]
    allocation: Allocation
    scenarios: Sequence[ScenarioCost]
    best: ScenarioCost
    qualifications: Mapping[str, Qualification]
    bars: Sequence[Bar]
    checks: Sequence[FlowCheck]
    shape: AllocationProblem
    verdict: Mapping[str, Verdict]
    growth: Growth


def decision_document(
    computed: Computed,
    *,
    workspace: str,
    labels: Mapping[str, str | None],
    costs: InHouseCosts,
    offers: Sequence[Offer],
    frame: DecisionSettings,
    workloads: Sequence[FlowWorkload],
    first: date,
    last: date,
    months: float,
    patience: Mapping[str, PlanningPatience],
    created_at: datetime,
) -> DecisionDocument:
    """The decision document of ``computed`` (see docs/decision.md); ``labels`` names the flows,
    ``first``–``last`` is the reference period (``months`` calendar months of it)."""
    c = computed
    site_index = {s: i for i, s in enumerate(c.shape.sites)}
    chosen = np.array([site_index[s] for s in c.best.assignment], dtype=np.int64)
    monthly = block_months(c.priced, c.best.assignment)
    today = block_months(c.priced, [p.today for p in c.priced])
    per_block = np.array([float(x) for x in monthly])
    flows = []
    for w in workloads:
        mine = [(i, p) for i, p in enumerate(c.priced) if p.block.flow == w.flow]
        if not mine:
            continue
        fa = flow_allocation(c.shape, w.flow, chosen, per_block)
        q = c.qualifications.get(w.flow)
        inhouse = combine_inhouse([p.inhouse for _, p in mine], flow=w.flow)
        flows.append(
            FlowDecision(
                flow=w.flow,
                label=labels.get(w.flow),
                channel=w.channel.value,
                recommendation=fa.recommendation.value,
                summary=Bilingual(fr=fa.summary.fr, en=fa.summary.en),
                verdict=c.verdict.get(w.flow),
                reasons=[] if q is None else [_reason(r) for r in q.reasons],
                qualification=None
                if q is None
                else QualificationEntry(
                    recommendation=q.recommendation.value,
                    scores={k.value: v for k, v in q.scores.items()},
                    summary=Bilingual(fr=q.summary.fr, en=q.summary.en),
                ),
                allocation=[
                    BlockAllocation(
                        band=p.block.band,
                        language=p.block.language,
                        site=c.best.assignment[i],
                        contacts_per_month=round(p.block.contacts_per_month, 1),
                        monthly_cost=_money(monthly[i]),
                        today=p.today,
                        today_monthly_cost=_money(today[i]),
                    )
                    for i, p in mine
                ],
                contacts_per_month=round(w.contacts / w.months, 1),
                counted=_counted(w),
                today=_today(mine, today, w),
                inhouse=InHouseSummary(
                    per_month=_money(inhouse.per_month),
                    per_contact=_maybe(inhouse.per_contact),
                    fte=inhouse.fte.quantize(Decimal("0.01")),
                    hidden_per_month=_money(inhouse.hidden_total / inhouse.months),
                    lines={k: _money(v / inhouse.months) for k, v in inhouse.by_component().items()},
                ),
                offers=_flow_offers(mine, offers),
                best_offer=_best(mine, offers),
                tco={s.name: _maybe(s.by_flow.get(w.flow)) for s in c.scenarios},
            )
        )
    return DecisionDocument(
        workspace=workspace,
        currency=costs.currency,
        baseline=c.scenarios[0].name,
        created_at=created_at.replace(microsecond=0),  # as the document writes it
        frame=frame.model_copy(update={"flows": {}}),  # the profiles are in inputs.decision
        reference_period=ReferencePeriod(start=first, end=last, months=round(months, 2)),
        flows=flows,
        scenarios=[_scenario(s, c.shape) for s in c.scenarios],
        recommended=c.best.name,
        hidden_components=sorted(HIDDEN),
        allocation=AllocationSummary(
            status=c.allocation.status,
            gap=c.allocation.gap,
            solve_s=round(c.allocation.solve_s, 3),
            monthly_cost=None if c.allocation.cost is None else round(c.allocation.cost, 2),
            reason=None
            if c.allocation.reason is None
            else Bilingual(fr=c.allocation.reason.fr, en=c.allocation.reason.en),
        ),
        sensitivity=[
            SensitivityBar(
                assumption=b.assumption.code,
                fr=b.assumption.fr,
                en=b.assumption.en,
                step=b.assumption.step,
                low=_money(b.low),
                high=_money(b.high),
                base=_money(b.base),
            )
            for b in c.bars
        ],
        inputs=DecisionInputs(
            costs=costs,
            offers=list(offers),
            decision=frame,
            workloads=[_workload(w) for w in workloads],
            patience=dict(patience),
        ),
        simulation=[_check(x) for x in c.checks],
        growth=c.growth,
    )


# --- parts ---------------------------------------------------------------------------------


def _money(x: Decimal) -> Decimal:
    """An amount as the document shows it: to the cent."""
    return x.quantize(Decimal("0.01"))


def _maybe(x: Decimal | None) -> Decimal | None:
    return None if x is None else _money(x)


def _today(mine: Sequence[tuple[int, PricedBlock]], today: Sequence[Decimal], w: FlowWorkload) -> TodayCost:
    """What the flow costs today, a month: its in-house part as one team (the in-house cost of the
    blocks handled in-house), and each provider's share of its invoice."""
    inside = [p.inhouse for _, p in mine if p.today == INTERNAL]
    sites: dict[str, Decimal] = {}
    if inside:
        sites[INTERNAL] = combine_inhouse(inside, flow=w.flow).per_month
    for i, p in mine:
        if p.today != INTERNAL:
            sites[p.today] = sites.get(p.today, Decimal(0)) + today[i]
    per_month = sum(sites.values(), Decimal(0))
    contacts = Decimal(str(w.contacts / w.months))
    return TodayCost(
        sites={k: _money(v) for k, v in sites.items()},
        per_month=_money(per_month),
        per_contact=_money(per_month / contacts) if contacts > 0 else None,
    )


def _best(mine: Sequence[tuple[int, PricedBlock]], offers: Sequence[Offer]) -> BestOffer | None:
    """The offer with the lowest price per contact at the flow's real mix (`best_offer`)."""
    best = best_offer([flow_offer(o, [p for _, p in mine]) for o in offers])
    if best is None:
        return None
    return BestOffer(
        offer=best.offer,
        per_contact=_maybe(best.variable_per_contact),
        covers=round(best.covers, 4),
        standalone_per_contact=_maybe(best.standalone_per_contact),
        minimum_monthly=_maybe(best.minimum_monthly),
        minimum_dominates=best.minimum_dominates,
    )


def _flow_offers(
    mine: Sequence[tuple[int, PricedBlock]], offers: Sequence[Offer]
) -> dict[str, FlowOfferEntry]:
    """The flow at each offer (`arbitre.decision.offers.FlowOffer`); ``per_month`` and
    ``per_contact`` are what it would invoice for the whole flow alone (None when it takes only
    part of it)."""
    blocks = [p for _, p in mine]
    out: dict[str, FlowOfferEntry] = {}
    for offer in offers:
        fo = flow_offer(offer, blocks)
        whole = fo.covers >= 1.0 - 1e-9
        out[offer.id] = FlowOfferEntry(
            **dict(fo),
            per_month=_maybe(fo.standalone_per_month) if whole else None,
            per_contact=_maybe(fo.standalone_per_contact) if whole else None,
        )
    return out


def _scenario(s: ScenarioCost, shape: AllocationProblem) -> ScenarioResult:
    warnings = [
        ScenarioWarning(
            offer=t.offer_id,
            fr=t.warning.text.fr,
            en=t.warning.text.en,
            reasons=[WarningReason(code=r.code, fr=r.text.fr, en=r.text.en) for r in t.warning.reasons],
        )
        for t in s.tcos
        if t.warning is not None
    ]
    providers = []
    for t in s.tcos:
        lines: dict[str, Decimal] = {}
        for m in t.months:
            for k, v in m.outsourced_lines.items():
                lines[k] = lines.get(k, Decimal(0)) + v
        providers.append(
            ProviderCost(
                offer=t.offer_id,
                tco=_money(t.outsourced_total),
                npv=_money(t.outsourced_npv),
                inhouse_tco=_money(t.inhouse_total),
                lines={k: _money(v) for k, v in lines.items()},
                one_off=_money(t.one_off_total),
                governance_fte=t.governance_fte.quantize(Decimal("0.01")),
                payback_months=t.payback_months,
            )
        )
    return ScenarioResult(
        name=s.name,
        tco=_money(s.total),
        internal_tco=_money(s.by_site.get(INTERNAL, Decimal(0))),
        providers=providers,
        npv=_money(s.npv),
        baseline_tco=_money(s.baseline_total),
        savings=_money(s.savings),
        savings_npv=_money(s.savings_npv),
        savings_share=None if s.savings_share is None else float(round(s.savings_share, 4)),
        sites={k: _money(v) for k, v in s.by_site.items()},
        flows=[FlowTco(flow=f, tco=_money(v)) for f, v in sorted(s.by_flow.items())],
        monthly=[_money(m) for m in s.monthly],
        warnings=warnings,
        within_frame=in_frame(s, shape),
        follows_reasons=follows(s, shape),
        provider_shares={k: round(v, 4) for k, v in shares(s, shape).items()},
    )


def within(s: ScenarioCost, shape: AllocationProblem) -> bool:
    """Whether a scenario keeps to the frame and to the flows' reasons."""
    return in_frame(s, shape) and follows(s, shape)


def in_frame(s: ScenarioCost, shape: AllocationProblem) -> bool:
    """No provider above its share of the contacts; the flows the frame keeps, kept."""
    if any(
        site != INTERNAL
        for b, site in zip(shape.blocks, s.assignment, strict=True)
        if b.flow in shape.keep_in_house
    ):
        return False
    return max(shares(s, shape).values(), default=0.0) <= shape.max_share + 1e-9


def follows(s: ScenarioCost, shape: AllocationProblem) -> bool:
    """The blocks the reasons keep in-house, kept."""
    return all(s.assignment[i] == INTERNAL for i in shape.keep_blocks)


def shares(s: ScenarioCost, shape: AllocationProblem) -> dict[str, float]:
    """Each provider's share of all the contacts in a scenario."""
    total = sum(b.contacts_per_month for b in shape.blocks)
    out: dict[str, float] = {}
    for b, site in zip(shape.blocks, s.assignment, strict=True):
        if site != INTERNAL:
            out[site] = out.get(site, 0.0) + b.contacts_per_month / total
    return out


def _check(c: FlowCheck) -> SimulationCheck:
    def estimate(x: tuple[float, float, float] | None) -> Estimate | None:
        return (
            None
            if x is None
            else Estimate(mean=round(x[0], 4), ci_low=round(x[1], 4), ci_high=round(x[2], 4))
        )

    return SimulationCheck(
        flow=c.flow,
        week_start=c.week_start,
        replications=c.replications,
        contacts=c.contacts,
        target=SimulationTarget(service_level=c.target_sl, threshold_s=c.threshold_s),
        service_level=estimate(c.service_level),
        abandon_rate=estimate(c.abandon_rate),
        ok=c.ok,
        sites=[
            SiteCheck(
                site=r.site,
                band=r.band,
                language=r.language,
                offered_per_week=round(r.offered, 1),
                service_level=estimate(r.service_level),
                abandon_rate=estimate(r.abandon_rate),
            )
            for r in c.sites
        ],
    )


def _reason(r: Reason) -> ReasonEntry:
    return ReasonEntry(
        code=r.code,
        criterion=r.criterion,
        logic=r.logic.value,
        direction=r.direction.value,
        weight=r.weight,
        fr=r.fr,
        en=r.en,
    )


def _counted(w: FlowWorkload) -> Counted:
    """What the decision counts of the flow, per month, rounded for the document."""
    c = w.count()
    return Counted(
        contacts_per_month=round(c.contacts_per_month, 1),
        arriving_open_per_month=round(c.arriving_open_per_month, 1),
        arriving_closed_per_month=round(c.arriving_closed_per_month, 1),
        treatment=c.treatment,
        waiting_at_opening=None if c.waiting_at_opening is None else round(c.waiting_at_opening, 1),
        unserved_per_month=round(c.unserved_per_month, 1),
        unserved_by_band={k: round(v, 1) for k, v in c.unserved_by_band.items()},
        service_hours=w.hours,
    )


def _workload(w: FlowWorkload) -> WorkloadSummary:
    handled = w.volume * w.in_scope
    return WorkloadSummary(
        flow=w.flow,
        channel=w.channel.value,
        contacts_in_scope=round(float(handled.sum())),
        contacts_outside_scope=round(float((w.volume * ~w.in_scope).sum())),
        contacts_arriving_closed=round(float((w.volume * ~w.open_).sum())),
        aht_s=round(float((w.aht_s * handled).sum() / handled.sum()), 1) if handled.sum() > 0 else None,
        languages={k: round(v, 4) for k, v in w.languages.items()},
        patience_s=None if w.patience_s is None else round(w.patience_s, 1),
        contact_rate=None if w.contact_rate is None else round(w.contact_rate, 4),
        targets=w.targets,
    )


__all__ = ["Computed", "decision_document", "follows", "in_frame", "shares", "within"]
