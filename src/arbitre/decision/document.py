"""The decision document: what `arbitre decide` answers and records, as typed models.

One `DecisionDocument` per decision: the frame and the reference period, each flow (its
recommendation, reasons, allocation by block, what it costs today, in-house and at each offer),
the scenarios over the term, the sensitivity, the simulation check of the recommended plan, and
the inputs it was computed from. Money is `Decimal` to the cent (unit costs to four decimals);
shares are fractions. The business case (`arbitre.reports.business_case`), the governance's
business case against actual (`arbitre.contract.referee`), the web app and the tender read it by
attribute, never by key; its JSON (``arbitre decide --json``, the app database) is
``model_dump(mode="json")``. docs/decision.md describes every field.

Schema versions: 1 is what the releases before issue 10 stored (no ``schema_version``); 2 is the
same shape with its version, so version 1 reads as it is (`StoredDocument.read`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import PlainSerializer, SerializerFunctionWrapHandler, model_serializer

from arbitre.decision.offers import FlowOffer
from arbitre.decision.reconcile import Verdict
from arbitre.domain.costing import DecisionSettings, InHouseCosts, Offer
from arbitre.domain.documents import Bilingual, Instant, Part, StoredDocument
from arbitre.domain.targets import StaffingTargets
from arbitre.fit.planning import PlanningPatience

#: The frame as the document shows it: decision.yaml without its per-flow profiles (they are in
#: ``inputs.decision``).
Frame = Annotated[
    DecisionSettings,
    PlainSerializer(lambda f: f.model_dump(mode="json", exclude={"flows"}), return_type=dict),
]
#: Staffing targets as set: the targets a flow has, none of the unset ones.
Targets = Annotated[
    StaffingTargets,
    PlainSerializer(lambda t: t.model_dump(mode="json", exclude_none=True), return_type=dict),
]


class ReferencePeriod(Part):
    """The local days the decision read, and how many calendar months they make."""

    start: date
    end: date
    months: float


class ReasonEntry(Part):
    """One reason of a flow's qualification, with its code, criterion and words."""

    code: str
    criterion: str
    logic: str
    direction: str
    weight: float
    fr: str
    en: str


class QualificationEntry(Part):
    """What the reasons alone say: a recommendation, a score per direction, a summary."""

    recommendation: str
    scores: dict[str, float]
    summary: Bilingual


class BlockAllocation(Part):
    """One block of a flow (an hour band, a language): where the plan puts it and where it is
    handled today, each with its monthly cost."""

    band: str
    language: str | None
    site: str
    contacts_per_month: float
    monthly_cost: Decimal
    today: str
    today_monthly_cost: Decimal


class Counted(Part):
    """What the decision counts of a flow, per month (`arbitre.costing.workload.FlowWorkload.count`)."""

    contacts_per_month: float
    arriving_open_per_month: float
    arriving_closed_per_month: float
    treatment: str | None
    waiting_at_opening: float | None
    unserved_per_month: float
    unserved_by_band: dict[str, float]
    service_hours: dict[str, str]


class TodayCost(Part):
    """What the flow costs today, a month: its in-house part as one team, each provider's share."""

    sites: dict[str, Decimal]
    per_month: Decimal
    per_contact: Decimal | None


class InHouseSummary(Part):
    """The flow in-house, a month: total, per contact, the team, its hidden costs, each line."""

    per_month: Decimal
    per_contact: Decimal | None
    fte: Decimal
    hidden_per_month: Decimal
    lines: dict[str, Decimal]


class FlowOfferEntry(FlowOffer):
    """The flow at one offer (`FlowOffer`), and what it would invoice for the whole flow alone
    (None when the offer takes only part of it)."""

    per_month: Decimal | None
    per_contact: Decimal | None


class BestOffer(Part):
    """The offer with the lowest price per contact at the flow's real mix (`best_offer`)."""

    offer: str
    per_contact: Decimal | None
    covers: float
    standalone_per_contact: Decimal | None
    minimum_monthly: Decimal | None
    minimum_dominates: bool


class FlowDecision(Part):
    """One flow: the recommendation and why, its blocks, its costs today, in-house and at each offer,
    and its cost over the term in each scenario."""

    flow: str
    label: str | None
    channel: str
    recommendation: str
    summary: Bilingual
    verdict: Verdict | None
    reasons: list[ReasonEntry]
    qualification: QualificationEntry | None
    allocation: list[BlockAllocation]
    contacts_per_month: float
    counted: Counted
    today: TodayCost
    inhouse: InHouseSummary
    offers: dict[str, FlowOfferEntry]
    best_offer: BestOffer | None
    tco: dict[str, Decimal | None]


class ProviderCost(Part):
    """One provider of a scenario over the term: its TCO and its lines, the one-off costs, the
    governance team, the payback."""

    offer: str
    tco: Decimal
    npv: Decimal
    inhouse_tco: Decimal
    lines: dict[str, Decimal]
    one_off: Decimal
    governance_fte: Decimal
    payback_months: Decimal | None


class WarningReason(Part):
    code: str
    fr: str
    en: str


class ScenarioWarning(Part):
    """A plausibility warning on a provider's savings (`arbitre.costing.tco`)."""

    offer: str
    fr: str
    en: str
    reasons: list[WarningReason]


class FlowTco(Part):
    flow: str
    tco: Decimal


class ScenarioResult(Part):
    """One scenario over the term against today's set-up: nominal and present value, savings,
    where the money goes (sites, flows, months), warnings, and whether it keeps to the frame and
    to the reasons."""

    name: str
    tco: Decimal
    internal_tco: Decimal
    providers: list[ProviderCost]
    npv: Decimal
    baseline_tco: Decimal
    savings: Decimal
    savings_npv: Decimal
    savings_share: float | None
    sites: dict[str, Decimal]
    flows: list[FlowTco]
    monthly: list[Decimal]
    warnings: list[ScenarioWarning]
    within_frame: bool
    follows_reasons: bool
    provider_shares: dict[str, float]


class AllocationSummary(Part):
    """How the optimisation went: the solver's status and gap, its time, the monthly cost of its
    plan, and why there is none when there is none."""

    status: str
    gap: float | None
    solve_s: float
    monthly_cost: float | None
    reason: Bilingual | None


class SensitivityBar(Part):
    """The recommended plan's savings (present value) with one assumption at its low and high value."""

    assumption: str
    fr: str
    en: str
    step: Decimal
    low: Decimal
    high: Decimal
    base: Decimal


class WorkloadSummary(Part):
    """A flow's workload over the reference period, as the costing engine read it."""

    flow: str
    channel: str
    contacts_in_scope: int
    contacts_outside_scope: int
    contacts_arriving_closed: int
    aht_s: float | None
    languages: dict[str, float]
    patience_s: float | None
    contact_rate: float | None
    targets: Targets


class DecisionInputs(Part):
    """What the decision was computed from: the cost model, the offers, the frame, the workloads and
    the patience of each queued flow."""

    costs: InHouseCosts
    offers: list[Offer]
    decision: DecisionSettings
    workloads: list[WorkloadSummary]
    patience: dict[str, PlanningPatience]


class Estimate(Part):
    """A simulated mean and its 95 % confidence interval."""

    mean: float
    ci_low: float
    ci_high: float


class SimulationTarget(Part):
    service_level: float
    threshold_s: float


class SiteCheck(Part):
    site: str
    band: str
    language: str | None
    offered_per_week: float
    service_level: Estimate | None
    abandon_rate: Estimate | None


class SimulationCheck(Part):
    """The simulated week of one flow under the recommended plan, against its target."""

    flow: str
    week_start: str
    replications: int
    contacts: int
    target: SimulationTarget
    service_level: Estimate | None
    abandon_rate: Estimate | None
    ok: bool
    sites: list[SiteCheck]


class Growth(Part):
    """The yearly volume growth the scenarios apply, and where it comes from: ``decision.yaml``,
    the ``forecast`` (its model, the next and last 365 days, whether it was clipped) or ``none``
    (``why``). Only the fields of its source are written."""

    per_year: Decimal
    source: Literal["decision.yaml", "forecast", "none"]
    why: str | None = None
    model: str | None = None
    next_365_days: int | None = None
    last_365_days: int | None = None
    clipped: bool | None = None

    @model_serializer(mode="wrap")
    def _set_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None}


class DecisionDocument(StoredDocument):
    """The make-or-buy decision of a workspace (see docs/decision.md)."""

    SCHEMA_VERSION: ClassVar[int] = 2

    schema_version: int = SCHEMA_VERSION
    workspace: str
    currency: str
    baseline: str
    created_at: Instant
    frame: Frame
    reference_period: ReferencePeriod
    flows: list[FlowDecision]
    scenarios: list[ScenarioResult]
    recommended: str
    hidden_components: list[str]
    allocation: AllocationSummary
    sensitivity: list[SensitivityBar]
    inputs: DecisionInputs
    simulation: list[SimulationCheck]
    growth: Growth
    decision_id: str | None = None  # set once recorded (absent from an unrecorded document's JSON)

    @model_serializer(mode="wrap")
    def _recorded(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("decision_id") is None:
            data.pop("decision_id", None)
        return data

    def scenario(self, name: str) -> ScenarioResult:
        """The scenario ``name``; ``KeyError`` when the decision has none of that name."""
        for s in self.scenarios:
            if s.name == name:
                return s
        raise KeyError(name)

    @property
    def recommended_scenario(self) -> ScenarioResult:
        return self.scenario(self.recommended)

    def flow(self, name: str) -> FlowDecision | None:
        """The flow ``name``, or None when the decision has none of that name."""
        return next((f for f in self.flows if f.flow == name), None)

    def workload(self, name: str) -> WorkloadSummary | None:
        return next((w for w in self.inputs.workloads if w.flow == name), None)


__all__ = [
    "AllocationSummary",
    "BestOffer",
    "BlockAllocation",
    "Counted",
    "DecisionDocument",
    "DecisionInputs",
    "Estimate",
    "FlowDecision",
    "FlowOfferEntry",
    "FlowTco",
    "Growth",
    "InHouseSummary",
    "ProviderCost",
    "QualificationEntry",
    "ReasonEntry",
    "ReferencePeriod",
    "ScenarioResult",
    "ScenarioWarning",
    "SensitivityBar",
    "SimulationCheck",
    "SimulationTarget",
    "SiteCheck",
    "TodayCost",
    "WarningReason",
    "WorkloadSummary",
]
