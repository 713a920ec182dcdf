"""The tender (step 5 of the method) as data: the tender file, a provider's bid, an evaluator's grades.

Seed 001: « Un appel d'offres avec plusieurs prestataires est indispensable pour obtenir un
benchmark pertinent ». Seed 003: the activity map « constitue aussi la base de votre futur cahier
des charges : les prestataires ont besoin de ces volumétries pour dimensionner et tarifer leur
offre ». The tender file (``tenders/<id>.yaml`` in a workspace, validated here with errors that
name the line) says what is bought — the scope (flows, hour bands, languages), the term, the
service levels, the timetable, the lots — and how the bids are judged: the criteria and their
weights, the price formula, the threshold of an abnormally low bid. ``docs/tender.md`` explains
each field with worked examples.

A `Bid` is what a provider's filled bid grid says once read (`arbitre.tender.grid`); an
`Evaluation` is one evaluator's grades of one provider's technical answers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arbitre.domain.costing import Money, PricingModel, Rate, Shore
from arbitre.domain.month import MONTH_PATTERN, Month

ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
MONTH = MONTH_PATTERN
Band = Literal["day", "evening", "night", "weekend"]
BANDS: tuple[Band, ...] = ("day", "evening", "night", "weekend")
PriceFormula = Literal["classique", "lineaire", "moyenne"]
#: The price formulas, in the order reports list them (docs/tender.md gives each with its source).
PRICE_FORMULAS: tuple[PriceFormula, ...] = ("classique", "lineaire", "moyenne")
WEIGHT_TOLERANCE = Decimal("0.0001")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Buyer(_Strict):
    name: str = Field(min_length=1)
    contact: str | None = None


class Scope(_Strict):
    """What is bought: flows of the store, the hour bands of the workspace's settings, languages."""

    flows: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]] = Field(min_length=1)
    bands: list[Band] = Field(default_factory=lambda: list(BANDS), min_length=1)
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(min_length=1)

    @field_validator("flows", "bands", "languages")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        dupes = sorted({x for x in v if v.count(x) > 1})
        if dupes:
            raise ValueError(f"{dupes[0]!r} is listed twice")
        return v


class Term(_Strict):
    """The contract's term: its first month and its length."""

    start: str = Field(pattern=MONTH)
    months: int = Field(gt=0, le=120)

    def first_day(self) -> date:
        return Month.parse(self.start).first_day

    def end_day(self) -> date:
        """The day after the last day of the term."""
        return Month.parse(self.start).shift(self.months).first_day


class ServiceLevel(_Strict):
    """The service a flow must get: a share answered within a threshold (voice, chat), a
    deadline (e-mail, back-office, social), and ceilings. Unset fields take the workspace's
    staffing targets of the flow."""

    flow: str = Field(min_length=1)
    sl: float | None = Field(default=None, gt=0, le=1)
    threshold_s: float | None = Field(default=None, gt=0)
    max_abandon: float | None = Field(default=None, ge=0, le=1)
    max_asa_s: float | None = Field(default=None, gt=0)
    deadline_s: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _pair(self) -> ServiceLevel:
        if (self.sl is None) != (self.threshold_s is None):
            raise ValueError(
                "give sl and threshold_s together (80 % answered within 20 s: sl 0.8, threshold_s 20)"
            )
        return self


class Timetable(_Strict):
    """The dates of the procedure; ``bids_due`` is the seal: no price is shown before it."""

    published: date
    questions_until: date
    bids_due: datetime
    award: date

    @model_validator(mode="after")
    def _order(self) -> Timetable:
        if self.bids_due.tzinfo is None:
            raise ValueError("give bids_due with its UTC offset (2026-02-13T12:00:00+01:00)")
        if not self.published <= self.questions_until <= self.bids_due.date() <= self.award:
            raise ValueError(
                "the dates must follow each other: published ≤ questions_until ≤ bids_due ≤ award"
            )
        return self


class SubCriterion(_Strict):
    """A sub-criterion: its share of its criterion's weight (the shares add up to 1)."""

    name: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    weight: Decimal = Field(gt=0, le=1)


class Criterion(_Strict):
    """A technical criterion: its weight in the total (with the price's, the weights add up to 1)."""

    name: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    weight: Decimal = Field(gt=0, lt=1)
    sub: list[SubCriterion] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shares(self) -> Criterion:
        if self.sub:
            total = sum((s.weight for s in self.sub), Decimal(0))
            if abs(total - 1) > WEIGHT_TOLERANCE:
                raise ValueError(
                    f"the sub-criteria of {self.name} have shares adding up to {total}, expected 1"
                )
            names = [s.name for s in self.sub]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"two sub-criteria of {self.name} are named {dupes[0]!r}")
        return self

    def graded(self) -> list[str]:
        """The names an evaluator grades: the sub-criteria, or the criterion itself."""
        return [s.name for s in self.sub] if self.sub else [self.name]


class Price(_Strict):
    weight: Decimal = Field(gt=0, le=1)
    formula: PriceFormula = "classique"


class Criteria(_Strict):
    """How bids are judged: grades on 0..``max_score``, the price's weight and formula, the
    technical criteria."""

    max_score: Decimal = Field(default=Decimal(20), gt=0)
    price: Price
    technical: list[Criterion] = Field(default_factory=list)

    @model_validator(mode="after")
    def _weights(self) -> Criteria:
        total = self.price.weight + sum((c.weight for c in self.technical), Decimal(0))
        if abs(total - 1) > WEIGHT_TOLERANCE:
            raise ValueError(f"the price's and the criteria's weights add up to {total}, expected 1")
        names = [g for c in self.technical for g in [c.name, *(s.name for s in c.sub)]]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"two criteria are named {dupes[0]!r}")
        return self

    def graded(self) -> list[str]:
        return [g for c in self.technical for g in c.graded()]


class Lot(_Strict):
    id: str = Field(pattern=ID)
    title: str = Field(min_length=1)
    flows: list[str] = Field(min_length=1)


class DataProtection(_Strict):
    """GDPR article 28 processor terms, transfers outside the EEA (chapter V), ISO 27001."""

    processor_terms: bool = True
    transfers_outside_eea: Literal["forbidden", "with_safeguards"] = "with_safeguards"
    iso27001_required: bool = True


class Reversibility(_Strict):
    notice_months: int = Field(default=6, ge=0)
    transition_months: int = Field(default=3, ge=0)


class Reporting(_Strict):
    """The export the provider sends each month (the store's interaction columns) and when."""

    day_of_month: int = Field(default=5, ge=1, le=28)
    format: Literal["csv", "parquet"] = "csv"
    steering_committee: Literal["monthly", "quarterly"] = "monthly"


class Requirements(_Strict):
    data_protection: DataProtection = Field(default_factory=DataProtection)
    reversibility: Reversibility = Field(default_factory=Reversibility)
    reporting: Reporting = Field(default_factory=Reporting)


class AbnormallyLow(_Strict):
    """A bid is flagged for a request for justification (never excluded) when its cost over the
    term is more than ``below_mean_of_others`` under the mean of the other bids, or more than
    ``below_inhouse`` under the in-house cost of the same volumes. The default of the latter is
    the top of the savings seed 000 reports (« réduire les coûts de 30 à 70 % par rapport à une
    gestion en interne »): a bid cheaper than that is outside what the market is known to do."""

    below_mean_of_others: Rate = Decimal("0.20")
    below_inhouse: Rate = Decimal("0.70")


class Invitee(_Strict):
    """A provider invited to bid: the bidder id its grid must give (cell B5 of the bidder's sheet)
    and the sites its web accounts are bound to (docs/web.md: an account sees the tender when
    every one of these sites is its own, as it sees a contract)."""

    provider: str = Field(pattern=ID)
    name: str = Field(min_length=1, max_length=200)
    sites: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(min_length=1)


class Tender(_Strict):
    """A tender file; see the module docstring and docs/tender.md."""

    id: str = Field(pattern=ID)
    title: str = Field(min_length=1)
    buyer: Buyer
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    scope: Scope
    term: Term
    service_levels: list[ServiceLevel] = Field(default_factory=list)
    timetable: Timetable
    criteria: Criteria
    lots: list[Lot] = Field(default_factory=list)
    requirements: Requirements = Field(default_factory=Requirements)
    abnormally_low: AbnormallyLow = Field(default_factory=AbnormallyLow)
    invited: list[Invitee] = Field(default_factory=list)

    @model_validator(mode="after")
    def _coherent(self) -> Tender:
        invited = [i.provider for i in self.invited]
        if len(set(invited)) != len(invited):
            raise ValueError("a provider is invited twice")
        flows = set(self.scope.flows)
        for s in self.service_levels:
            if s.flow not in flows:
                raise ValueError(f"service level for {s.flow}, a flow outside the scope")
        seen: dict[str, str] = {}
        for lot in self.lots:
            for f in lot.flows:
                if f not in flows:
                    raise ValueError(f"lot {lot.id} names {f}, a flow outside the scope")
                if f in seen:
                    raise ValueError(f"{f} is in two lots, {seen[f]} and {lot.id}")
                seen[f] = lot.id
        if self.lots and set(seen) != flows:
            missing = sorted(flows - set(seen))
            raise ValueError(f"{missing[0]} is in the scope but in no lot")
        ids = [lot.id for lot in self.lots]
        if len(set(ids)) != len(ids):
            raise ValueError("two lots have the same id")
        if self.term.first_day() <= self.timetable.award:
            raise ValueError(f"the term starts ({self.term.start}) before the award ({self.timetable.award})")
        return self

    def all_lots(self) -> list[Lot]:
        """The lots, or one lot holding the whole scope."""
        return self.lots or [Lot(id="all", title=self.title, flows=list(self.scope.flows))]

    def service_level(self, flow: str) -> ServiceLevel | None:
        return next((s for s in self.service_levels if s.flow == flow), None)


# --- a bid ---------------------------------------------------------------------------------


class VolumeTier(_Strict):
    up_to: Decimal | None = Field(default=None, gt=0)
    rate: Money


class FlowPrice(_Strict):
    """A bid's price for one flow: the pricing model, its unit rate (or volume tiers), the flat
    and minimum monthly amounts, premiums by hour band (a share of the base rate)."""

    flow: str
    model: PricingModel
    rate: Money | None = None
    tiers: list[VolumeTier] = Field(default_factory=list)
    fixed_monthly: Money | None = None
    minimum_monthly: Money | None = None
    evening_premium: Rate = Decimal(0)
    night_premium: Rate = Decimal(0)
    weekend_premium: Rate = Decimal(0)


class FlowProductivity(_Strict):
    """What the provider assumes of its agents on one flow."""

    flow: str
    aht_s: float = Field(gt=0)
    occupancy: Rate
    shrinkage: Annotated[Decimal, Field(ge=0, lt=1)]
    paid_hours_per_fte_per_month: Annotated[Decimal, Field(gt=0)] = Decimal("151.67")


class Fees(_Strict):
    setup_fee: Money = Decimal(0)
    training_days_per_agent: Annotated[Decimal, Field(ge=0)] = Decimal(0)
    training_day_rate: Money = Decimal(0)
    exit_fee: Money = Decimal(0)


class RampUp(_Strict):
    """How fast the provider can staff: agents trained per class, weeks of initial training,
    agents on line at the start, weeks to full capacity."""

    class_size: int = Field(gt=0)
    training_weeks: Decimal = Field(ge=0)
    agents_at_start: int = Field(ge=0)
    weeks_to_full: Decimal = Field(ge=0)
    max_agents: int | None = Field(default=None, gt=0)


class BidSite(_Strict):
    name: str = Field(min_length=1)
    city: str = Field(min_length=1)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    shore: Shore
    seats: int = Field(gt=0)
    languages: list[str] = Field(min_length=1)


class BidCertification(_Strict):
    name: str = Field(min_length=1)
    reference: str | None = None
    expires: date | None = None


class Bid(_Strict):
    """A provider's bid, as its filled grid says (nothing computed yet)."""

    tender: str
    provider: str = Field(pattern=ID)
    provider_name: str = Field(min_length=1)
    contact: str | None = None
    lots: list[str] = Field(min_length=1)
    prices: list[FlowPrice]
    productivity: list[FlowProductivity]
    fees: Fees = Field(default_factory=Fees)
    ramp_up: RampUp
    sites: list[BidSite] = Field(min_length=1)
    certifications: list[BidCertification] = Field(default_factory=list)
    answers: dict[str, str] = Field(default_factory=dict)

    def price_of(self, flow: str) -> FlowPrice | None:
        return next((p for p in self.prices if p.flow == flow), None)

    def productivity_of(self, flow: str) -> FlowProductivity | None:
        return next((p for p in self.productivity if p.flow == flow), None)


class Grade(_Strict):
    """One evaluator's grade of one provider on one criterion or sub-criterion (0..max_score)."""

    provider: str
    criterion: str
    score: Decimal = Field(ge=0)
    comment: str | None = Field(default=None, max_length=2000)


class Evaluation(_Strict):
    """One evaluator's grades (or, with ``consensus``, the grades agreed in the consensus meeting)."""

    evaluator: str = Field(min_length=1, max_length=100)
    consensus: bool = False
    grades: list[Grade] = Field(min_length=1)


# --- the standalone ranking (`arbitre tender rank FILE.yaml`) --------------------------------


class RankCriterion(_Strict):
    name: str = Field(min_length=1)
    weight: Decimal = Field(gt=0, lt=1)


class RankBid(_Strict):
    provider: str = Field(min_length=1)
    price: Decimal = Field(gt=0)
    scores: dict[str, Decimal] = Field(default_factory=dict)


class RankRequest(_Strict):
    """The input of the standalone ranking: the scale, the price's weight and formula, the
    technical criteria and each bid's price and grades."""

    max_score: Decimal = Field(gt=0)
    price_weight: Decimal = Field(gt=0, le=1)
    price_formula: PriceFormula
    criteria: list[RankCriterion] = Field(default_factory=list)
    bids: list[RankBid] = Field(min_length=1)

    @model_validator(mode="after")
    def _coherent(self) -> RankRequest:
        total = self.price_weight + sum((c.weight for c in self.criteria), Decimal(0))
        if abs(total - 1) > WEIGHT_TOLERANCE:
            raise ValueError(f"price_weight and the criteria's weights add up to {total}, expected 1")
        names = [c.name for c in self.criteria]
        if len(set(names)) != len(names):
            raise ValueError("two criteria have the same name")
        providers = [b.provider for b in self.bids]
        dupes = sorted({p for p in providers if providers.count(p) > 1})
        if dupes:
            raise ValueError(f"two bids are from {dupes[0]!r}")
        for b in self.bids:
            unknown = sorted(set(b.scores) - set(names))
            if unknown:
                raise ValueError(f"bid {b.provider}: {unknown[0]!r} is not a criterion ({', '.join(names)})")
            missing = [n for n in names if n not in b.scores]
            if missing:
                raise ValueError(f"bid {b.provider} has no score for {missing[0]!r}")
            for n, v in b.scores.items():
                if not 0 <= v <= self.max_score:
                    raise ValueError(f"bid {b.provider}: score {v} for {n!r} is outside 0..{self.max_score}")
        return self


__all__ = [
    "BANDS",
    "PRICE_FORMULAS",
    "AbnormallyLow",
    "Bid",
    "BidCertification",
    "BidSite",
    "Buyer",
    "Criteria",
    "Criterion",
    "DataProtection",
    "Evaluation",
    "Fees",
    "FlowPrice",
    "FlowProductivity",
    "Grade",
    "Lot",
    "Price",
    "PriceFormula",
    "RampUp",
    "RankBid",
    "RankCriterion",
    "RankRequest",
    "Reporting",
    "Requirements",
    "Reversibility",
    "Scope",
    "ServiceLevel",
    "SubCriterion",
    "Tender",
    "Term",
    "Timetable",
    "VolumeTier",
]
