"""What a flow costs in-house and what a provider asks: the inputs of steps 2 and 4 of the method.

Three files of a workspace, YAML validated here (errors name their line):

- ``costs.yaml`` — the in-house cost model (`InHouseCosts`); absent, the French defaults of
  ``arbitre/costing/defaults_fr.yaml`` apply, each figure with its source;
- ``offers/*.yaml`` — provider offers (`Offer`): location, pricing model, volume bands and
  tolerance, commitment, fees, premiums, productivity, capacity;
- ``decision.yaml`` — the frame of the decision (`DecisionSettings`): contract term, discount
  rate, governance, growth, dependency limit, flows that stay in-house, and what only people know
  of each flow (`FlowProfile`: complexity, whether customer experience differentiates the brand,
  scripting, sensitivity, know-how).

Money is `Decimal` (YAML numbers are read through their text: ``0.1`` is exactly 0.1), rates are
fractions (0.42, not 42).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from arbitre.domain.channels import Channel

Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)]
Rate = Annotated[Decimal, Field(ge=0, le=1)]
Count = Annotated[Decimal, Field(gt=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bands(_Strict):
    """A premium (or a share) per hour band, as a fraction of the base: 0.25 is +25 %."""

    day: Rate = Decimal(0)
    evening: Rate = Decimal(0)
    night: Rate = Decimal(0)
    weekend: Rate = Decimal(0)

    def of(self, band: str) -> Decimal:
        return Decimal(getattr(self, band))


class InHouseCosts(_Strict):
    """The in-house cost model of one site.

    People: agents' gross pay and employer charges over the paid hours of a year, premiums by
    hour band; supervision (team leaders, managers, support staff such as workforce planning,
    quality and tools; trainers' time is in ``training_cost_per_day``) in proportion to agents.
    Hidden costs, shown apart: turnover (recruiting and initial training of replacements),
    absenteeism (replacements at a premium), overtime at peaks. Per seat: software licences, equipment, premises; telecom per minute of talk.

    ``paid_hours_per_year`` is the time a full-time employee works in a year (1,607 h in France):
    payroll FTE are hours to staff ÷ these hours. ``staff_employer_charges_rate`` is the employer
    charges rate of team leaders, managers and support staff (None: the agents' rate) — the French
    reduction on low wages makes it higher than the agents'. ``shrinkage_includes_absenteeism``
    says whether the staffing targets' shrinkage already counts absence: if so, costing takes
    ``absenteeism_rate`` out of it to size the scheduled team and prices absence apart, as
    replacements (a hidden cost), so that absence is neither counted twice nor forgotten.
    See ``docs/costing.md``.
    """

    currency: str = "EUR"
    agent_gross_salary_per_year: Money
    employer_charges_rate: Rate
    staff_employer_charges_rate: Rate | None = None
    paid_hours_per_year: Count
    band_premiums: Bands = Field(default_factory=Bands)
    agents_per_team_leader: Count
    team_leader_gross_salary_per_year: Money
    agents_per_manager: Count
    manager_gross_salary_per_year: Money
    support_staff_per_100_agents: Decimal = Field(ge=0)
    support_gross_salary_per_year: Money
    recruiting_cost_per_hire: Money
    initial_training_days: Decimal = Field(ge=0)
    training_cost_per_day: Money
    ongoing_training_hours_per_year: Decimal = Field(ge=0)
    turnover_rate_per_year: Rate
    absenteeism_rate: Rate
    replacement_premium: Rate
    peak_overtime_share: Rate
    overtime_premium: Rate
    licences_per_seat_per_month: Money
    equipment_per_seat_per_year: Money
    premises_per_seat_per_year: Money
    seats_per_fte: Rate
    telecom_per_talk_minute: Money
    shrinkage_includes_absenteeism: bool = True
    sources: dict[str, str] = Field(default_factory=dict)
    sources_fr: dict[str, str] = Field(default_factory=dict)  # the same in French (the defaults')

    def source(self, field: str, lang: str) -> str | None:
        """Where a figure comes from, in ``lang`` when a translation is known (French defaults)."""
        if lang == "fr" and field in self.sources_fr:
            return self.sources_fr[field]
        return self.sources.get(field)


class Shore(StrEnum):
    ONSHORE = "onshore"
    NEARSHORE = "nearshore"
    OFFSHORE = "offshore"


class PricingModel(StrEnum):
    """How a provider bills (seed 000: hourly, per performance, flat fee; and their mixes)."""

    PER_PRODUCTIVE_HOUR = "per_productive_hour"  # hours agents spend handling contacts or available for them
    PER_LOGGED_HOUR = "per_logged_hour"  # every hour an agent is logged in (productive hours ÷ occupancy)
    PER_CONTACT = "per_contact"  # each handled contact or transaction
    PER_OUTCOME = "per_outcome"  # each outcome (a qualified lead, a sale) or a share of amounts recovered
    FIXED_MONTHLY = "fixed_monthly"  # a flat monthly fee for a defined scope
    FIXED_PLUS_VARIABLE = "fixed_plus_variable"  # a flat monthly fee plus a unit rate


class VolumeBand(_Strict):
    """A unit rate that applies up to ``up_to`` units a month (the last band has none)."""

    up_to: Decimal | None = Field(default=None, gt=0)
    rate: Money


class Pricing(_Strict):
    """The price schedule of an offer.

    ``rate`` is the unit price of the model's unit (hour, contact, outcome); ``bands`` replace it
    with rates that depend on the month's volume (each unit priced at the band it falls in —
    progressive, like tax brackets); ``fixed_monthly`` is the flat part; ``tolerance`` the share by
    which monthly volume may differ from the forecast at the agreed price (outside it, the
    contract renegotiates — the decision flags it); ``minimum_monthly`` the commitment: a month
    never costs less; ``premiums`` raise the hourly or unit price of hours in a band and of
    contacts in a language; ``outcome_share`` is the share of an outcome's value paid per outcome
    (recovery: a share of amounts recovered; the value is the flow's ``outcome_value``). ``variable_unit`` is the unit of the variable part
    of a fixed-plus-variable price (the other models carry their unit in their name).
    """

    model: PricingModel
    rate: Money | None = None
    bands: list[VolumeBand] | None = None
    fixed_monthly: Money | None = None
    tolerance: Rate = Decimal("0.10")
    minimum_monthly: Money | None = None
    band_premiums: Bands = Field(default_factory=Bands)
    language_premiums: dict[str, Rate] = Field(default_factory=dict)
    outcome: str | None = None
    outcome_share: Rate | None = None
    variable_unit: Literal["productive_hour", "logged_hour", "contact", "outcome"] = "contact"

    @model_validator(mode="after")
    def _complete(self) -> Pricing:
        unit = self.rate is not None or bool(self.bands)
        needs_unit = self.model is not PricingModel.FIXED_MONTHLY
        needs_fixed = self.model in (PricingModel.FIXED_MONTHLY, PricingModel.FIXED_PLUS_VARIABLE)
        if needs_unit and not unit and self.outcome_share is None:
            raise ValueError(f"pricing model {self.model.value} needs a rate or bands")
        if needs_fixed and self.fixed_monthly is None:
            raise ValueError(f"pricing model {self.model.value} needs fixed_monthly")
        if self.rate is not None and self.bands:
            raise ValueError("give rate or bands, not both")
        per_outcome = self.model is PricingModel.PER_OUTCOME or (
            self.model is PricingModel.FIXED_PLUS_VARIABLE and self.variable_unit == "outcome"
        )
        if self.outcome_share is not None and not per_outcome:
            raise ValueError(
                "outcome_share prices outcomes: use it with per_outcome (or a variable unit of outcome)"
            )
        if self.bands:
            ups = [b.up_to for b in self.bands]
            if any(u is None for u in ups[:-1]) or ups[-1] is not None:
                raise ValueError("every band but the last needs up_to; the last has none")
            if any(a >= b for a, b in pairwise(ups[:-1]) if a is not None and b is not None):
                raise ValueError("band limits must increase")
        return self


class Transition(_Strict):
    """Moving a flow to the provider: knowledge transfer, a parallel run, training."""

    knowledge_transfer_weeks: Decimal = Field(default=Decimal(4), ge=0)
    parallel_run_weeks: Decimal = Field(default=Decimal(2), ge=0)
    training_days_per_agent: Decimal = Field(default=Decimal(10), ge=0)
    training_day_rate: Money = Decimal(0)  # what the provider bills per agent-day of training


class Productivity(_Strict):
    """How the provider's agents work compared with the in-house team."""

    aht_factor: Decimal = Field(default=Decimal(1), gt=0)  # their handle time ÷ ours (1.1: 10 % longer)
    occupancy: Rate = Decimal("0.85")  # productive share of logged time
    shrinkage: Rate = Decimal("0.25")
    # hours a provider's full-time agent is paid in a month (35 h a week: 151.67; 40 h: 173.33),
    # to turn its hours into people for the training days and the governance team
    paid_hours_per_fte_per_month: Count = Decimal("151.67")


class Offer(_Strict):
    """A provider's offer (a bid, or a draft from the reference rate table)."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
    provider: str
    site: str
    shore: Shore
    country: str = Field(pattern=r"^[A-Z]{2}$")
    city: str | None = None
    currency: str = "EUR"
    channels: list[Channel] = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    flows: list[str] | None = None  # the flows it bids for; None: any of its channels and languages
    pricing: Pricing
    setup_fee: Money = Decimal(0)
    transition: Transition = Field(default_factory=Transition)
    exit_fee: Money = Decimal(0)  # reversibility: what bringing the flows back costs at the end
    productivity: Productivity = Field(default_factory=Productivity)
    capacity_agents: int | None = Field(default=None, gt=0)  # most agents on line at once
    min_contacts_per_month: int | None = Field(default=None, ge=0)  # smallest volume it takes per flow
    hours: dict[str, str] | None = None  # when it answers (settings form); None: around the clock
    draft: bool = False  # drafted from the reference rates, not a bid
    # today's price of the work this provider's site handles (when several offers name the site)
    current: bool = False
    notes: str | None = None


Level = Literal["low", "medium", "high"]


class FlowProfile(_Strict):
    """What only people know of a flow, for the criteria of the decision (seeds 003 and 004)."""

    complexity: Level = "medium"
    cx_differentiator: bool = False  # customer experience is the brand's edge here
    scripted: bool = False  # largely scripted, standardisable
    sensitive: bool = False  # sensitive mission outside the core business (recovery, surveys…)
    unique_know_how: bool = False  # know-how the team built and that would be hard to transfer
    expertise: str | None = None  # a specialist skill (IT level 2/3, legal, luxury codes…)
    maturity: Level = "medium"  # how documented and stable its processes are
    service_hours: dict[str, str] | None = None  # the hours to serve (settings form); None: opening hours
    outcome_value: Money | None = None  # value of one outcome (per-outcome pricing)
    outcome_rate: Rate | None = None  # outcomes per handled contact


class DecisionSettings(_Strict):
    """The frame of the decision."""

    term_months: int = Field(default=36, gt=0, le=120)
    history_until: date | None = None  # the decision's history ends here (later months: governance)
    start_month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    discount_rate: Rate = Decimal("0.08")  # a year
    governance_fte_per_outsourced_fte: Decimal = Field(default=Decimal("0.03"), ge=0)
    governance_salary_per_year: Money = Decimal("55000")  # vendor manager, loaded
    volume_growth_per_year: Decimal | None = Field(default=None, gt=-1)  # None: from the forecast
    max_share_per_provider: Rate = Decimal("0.70")
    keep_in_house: list[str] = Field(default_factory=list)
    inhouse_languages: list[str] = Field(default_factory=lambda: ["fr"])  # what the team speaks today
    foreign_language_premium: Rate = Decimal("0.20")  # pay premium of agents hired for another language
    budget: Literal["constrained", "comfortable"] = "constrained"
    # Savings seen in sector studies (seeds 001 and 004): outside them the decision warns …
    savings_band: tuple[Rate, Rate] = (Decimal("0.15"), Decimal("0.35"))
    # … and places them against what offshore providers advertise (seed 000: 30 à 70 %).
    advertised_savings_band: tuple[Rate, Rate] = (Decimal("0.30"), Decimal("0.70"))
    flows: dict[str, FlowProfile] = Field(default_factory=dict)

    def profile(self, flow: str) -> FlowProfile:
        return self.flows.get(flow) or FlowProfile()
