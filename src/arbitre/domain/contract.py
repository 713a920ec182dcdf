"""The outsourcing contract (step 6 of the method) as data: what governance referees every month.

Seed 001: « 90 % des appels décrochés en moins de 30 secondes, taux de satisfaction client ≥ 85 %,
taux de résolution au premier contact > 75 % », penalties and bonus/malus on CSAT and NPS, audit
rights, reversibility, GDPR and ISO 27001. Seed 004: SLAs with penalties, steering committees,
audit rights. The mechanics of service credits follow the usual outsourcing practice: an amount
at risk (a share of the month's fees), allocated between the SLAs, capped, earned back when the
following months are met, and a bonus for exceeding a higher target. docs/governance.md explains
each with worked examples.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arbitre.domain.channels import Channel
from arbitre.domain.costing import Money, Pricing, Rate
from arbitre.domain.hours import WeeklyHours
from arbitre.domain.kpis import KPIS, SLA_KPIS
from arbitre.domain.month import MONTH_PATTERN, Month, months_between

#: The KPIs of the engine an SLA may use (`arbitre.domain.kpis.SLA_KPIS`), and which way is better.
KPI_DIRECTIONS: dict[str, Literal["at_least", "at_most"]] = {
    name: better for name in SLA_KPIS if (better := KPIS[name].better) is not None
}
MONTH = MONTH_PATTERN
Week = Annotated[list[Annotated[Decimal, Field(ge=0)]], Field(min_length=7, max_length=7)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Party(_Strict):
    name: str = Field(min_length=1)
    representative: str | None = None


class Provider(Party):
    """The provider and the sites of the contract: the ``site`` values of its interaction records."""

    sites: list[str] = Field(min_length=1)
    offer: str | None = None  # the offer of the decision it comes from (for business case vs actual)


class Renewal(_Strict):
    """Tacit renewal by ``period_months`` unless notice is given ``notice_days`` before the end."""

    automatic: bool = True
    period_months: int = Field(default=12, gt=0)
    notice_days: int = Field(default=180, ge=0)


class Volumes(_Strict):
    """Forecast volumes per month and flow, and the band within which the price and SLAs hold.

    ``monthly`` gives a month's contacts per flow; ``default`` the contacts of a month not listed.
    ``tolerance``: a month's volume may be this share above or below its forecast.
    ``weekday_weights``: how a month's forecast spreads over its days (Monday first; one list for
    every flow or one per flow; default: the same every day) — the daily forecast against which a
    day's volume is checked. A weight of 0 is a day the service is closed; a list of zeros is
    refused (it would expect no contact at all).
    ``closed_days``: dates the service is closed (public holidays) — one list for every flow or one
    per flow (a phone line closed on 1 May while e-mails keep coming): no contact is expected,
    and the month's forecast spreads over its other days.
    """

    tolerance: Rate = Decimal("0.15")
    default: dict[str, Annotated[Decimal, Field(ge=0)]] = Field(default_factory=dict)
    monthly: dict[Annotated[str, Field(pattern=MONTH)], dict[str, Annotated[Decimal, Field(ge=0)]]] = Field(
        default_factory=dict
    )
    weekday_weights: Week | dict[str, Week] | None = None
    closed_days: list[date] | dict[str, list[date]] = Field(default_factory=list)

    @field_validator("weekday_weights")
    @classmethod
    def _some_open_day(
        cls, w: list[Decimal] | dict[str, list[Decimal]] | None
    ) -> list[Decimal] | dict[str, list[Decimal]] | None:
        lists = w.items() if isinstance(w, dict) else [("", w)] if w is not None else []
        for flow, week in lists:
            if sum(week, Decimal(0)) <= 0:
                whose = f" of {flow}" if flow else ""
                raise ValueError(
                    f"the weekday weights{whose} are all 0: at least one day must expect contacts"
                )
        return w

    def forecast(self, month: str, flow: str) -> Decimal | None:
        return self.monthly.get(month, {}).get(flow, self.default.get(flow))

    def closed(self, flow: str) -> set[date]:
        """The days ``flow`` is closed: its own list, or the common one."""
        c = self.closed_days
        return set(c.get(flow) or []) if isinstance(c, dict) else set(c)

    def weights(self, flow: str) -> list[Decimal]:
        """The weekday weights of ``flow`` (Monday first): its own, the common ones, or flat."""
        w = self.weekday_weights
        if isinstance(w, dict):
            return list(w.get(flow) or [Decimal(1)] * 7)
        return list(w) if w is not None else [Decimal(1)] * 7


class Sla(_Strict):
    """One service level: a KPI of the engine with its definition, target, scope and weight.

    ``window``: the KPI is computed per interval, day or month. For a day or interval window, the
    SLA is met when at least ``min_share_of_windows`` of the windows (with contacts) meet the
    target; ``actual`` is then that share, and the month's pooled value is reported beside it.
    ``weight``: this SLA's share of the amount at risk (the weights add up to 1).
    ``bonus_target``: beating it earns the SLA's share of the bonus pool.
    """

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    kpi: Literal[
        "service_level",
        "abandon_rate",
        "asa_s",
        "aht_s",
        "fcr",
        "repeat_rate_7d",
        "csat",
        "csat_mean",
        "nps",
        "qa_score",
        "qa_auto_score",
        "qa_auto_critical_rate",
        "qa_human_score",
        "qa_human_critical_rate",
    ]
    target: float
    direction: Literal["at_least", "at_most"] | None = None  # default: the KPI's better side
    flows: list[str] | None = None  # None: every flow of the contract
    channels: list[Channel] | None = None
    hours: str | dict[str, str] | None = None  # arrivals in these weekly hours only
    threshold_s: float | None = Field(default=None, gt=0)
    short_abandon_s: float | None = Field(default=None, ge=0)
    short_abandons: Literal["exclude", "count"] | None = None
    window: Literal["interval", "day", "month"] = "month"
    aggregation: Literal["pooled", "interval_mean"] = "pooled"
    min_share_of_windows: float = Field(default=1.0, gt=0, le=1)
    weight: Decimal = Field(ge=0, le=1)
    bonus_target: float | None = None
    bonus_weight: Decimal | None = Field(default=None, ge=0, le=1)

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: str | dict[str, str] | None) -> str | dict[str, str] | None:
        if v is not None:
            WeeklyHours.parse(v)
        return v

    @model_validator(mode="after")
    def _coherent(self) -> Sla:
        if KPIS[self.kpi].unit == "share" and not 0 <= self.target <= 1:
            raise ValueError(f"{self.kpi} is a share: its target must be between 0 and 1, got {self.target}")
        if self.kpi == "nps" and not -100 <= self.target <= 100:
            raise ValueError(f"nps runs from -100 to 100, got {self.target}")
        if self.bonus_target is not None:
            better = (
                self.bonus_target > self.target
                if self.better == "at_least"
                else self.bonus_target < self.target
            )
            if not better:
                raise ValueError(
                    f"bonus_target {self.bonus_target} must be better than the target {self.target}"
                )
        return self

    @property
    def better(self) -> Literal["at_least", "at_most"]:
        return self.direction or KPI_DIRECTIONS[self.kpi]

    def meets(self, value: float, target: float | None = None) -> bool:
        """Whether ``value`` meets ``target`` (the SLA's by default) on the SLA's better side."""
        t = self.target if target is None else target
        return value >= t - 1e-12 if self.better == "at_least" else value <= t + 1e-12


class EarnBack(_Strict):
    """A month's credit on an SLA is returned when the SLA is met in each of the next ``months``."""

    months: int = Field(default=3, gt=0, le=12)


class Credits(_Strict):
    """Service credits: ``at_risk_share`` of the month's fees, allocated by the SLAs' weights;
    the month's credits never exceed ``cap_share`` of the fees. ``bonus_pool_share`` of the fees
    is shared between the SLAs that beat their bonus target (by their bonus weights), up to
    ``bonus_cap_share``."""

    at_risk_share: Rate = Decimal("0.10")
    cap_share: Rate = Decimal("0.10")
    earn_back: EarnBack | None = None
    bonus_pool_share: Rate = Decimal(0)
    bonus_cap_share: Rate | None = None
    bonus_only_if_all_met: bool = True  # bonus/malus: no bonus in a month with a missed SLA

    @model_validator(mode="after")
    def _cap(self) -> Credits:
        if self.cap_share > self.at_risk_share:
            # A cap above the amount at risk could never bind; the contract probably meant otherwise.
            raise ValueError(f"cap_share {self.cap_share} is above at_risk_share {self.at_risk_share}")
        return self


class Period(_Strict):
    """A stretch of time excluded from the SLAs (force majeure, an agreed incident)."""

    start: datetime
    end: datetime
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _order(self) -> Period:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("give start and end with their UTC offset (2026-05-12T08:00:00+02:00)")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class VolumeDays(_Strict):
    """Which days above their volume band are left out of the SLAs (docs/governance.md).

    A day is above its band when its contacts on a flow exceed its forecast (the month's, spread
    by the weekday weights) × (1 + ``tolerance``; default: ``volumes.tolerance``). ``when``:

    - ``month_above_band`` (the default): only in a month whose volume on the flow is itself above
      its band — within the monthly band the provider is priced and staffed for the month, and
      spreading it over the days is its workforce management; above it, the client's forecast
      was wrong and the days that made it so are excluded;
    - ``always``: every day above its band, whatever the month (the provider carries no daily
      forecast error);
    - ``never``: no day is excluded for volume.
    """

    when: Literal["month_above_band", "always", "never"] = "month_above_band"
    tolerance: Rate | None = None


class Exclusions(_Strict):
    """What the SLAs do not count: days whose volume is above the forecast band, under the rule
    of ``volume_days``, and agreed periods. ``volume_above_band`` is the older switch: ``true``
    is ``volume_days: {when: always}``, ``false`` is ``{when: never}``."""

    volume_days: VolumeDays | None = None
    volume_above_band: bool | None = None
    periods: list[Period] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_rule(self) -> Exclusions:
        if self.volume_days is not None and self.volume_above_band is not None:
            raise ValueError("give volume_days or the older volume_above_band, not both")
        return self

    @property
    def days_rule(self) -> VolumeDays:
        """The rule in force for days above their band."""
        if self.volume_days is not None:
            return self.volume_days
        if self.volume_above_band is None:
            return VolumeDays()
        return VolumeDays(when="always" if self.volume_above_band else "never")


Asset = Literal["scripts", "knowledge_base", "data", "tools", "recordings", "training_material"]


def _core_assets() -> list[Asset]:
    return ["scripts", "knowledge_base", "data"]


class Reversibility(_Strict):
    """Bringing the service back or to another provider: notice, transition, what the client owns."""

    notice_months: int = Field(default=6, ge=0)
    transition_months: int = Field(default=3, ge=0)
    assets: list[Asset] = Field(default_factory=_core_assets)
    exit_fee: Money = Decimal(0)


class Audit(_Strict):
    per_year: int = Field(default=1, ge=0)
    notice_days: int = Field(default=15, ge=0)
    scope: list[str] = Field(default_factory=lambda: ["quality", "security", "data protection", "billing"])


class Certification(_Strict):
    name: str = Field(min_length=1)
    expires: date


class DataProtection(_Strict):
    """GDPR article 28 terms, the transfer mechanism when the provider is outside the EU."""

    role: Literal["processor", "joint_controller", "controller"] = "processor"
    dpa_signed: date | None = None
    country: str = Field(pattern=r"^[A-Z]{2}$")
    transfer_mechanism: (
        Literal["adequacy_decision", "standard_contractual_clauses", "binding_corporate_rules"] | None
    ) = None
    certifications: list[Certification] = Field(default_factory=list)


class Committee(_Strict):
    """A governance meeting: ``monthly`` on ``day`` of the month, ``quarterly`` in the first month
    of each quarter on ``day``, ``weekly`` on ``weekday``."""

    name: str = Field(min_length=1)
    cadence: Literal["weekly", "monthly", "quarterly"]
    day: int | None = Field(default=None, ge=1, le=28)
    weekday: Literal["mon", "tue", "wed", "thu", "fri"] | None = None
    attendees: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _when(self) -> Committee:
        if self.cadence == "weekly" and self.weekday is None:
            raise ValueError("a weekly committee needs a weekday")
        if self.cadence != "weekly" and self.day is None:
            raise ValueError(f"a {self.cadence} committee needs a day of the month (1–28)")
        return self


class Contract(_Strict):
    """An outsourcing contract; see the module docstring and docs/governance.md."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str = ""
    client: Party
    provider: Provider
    flows: list[str] = Field(min_length=1)
    start: date
    end: date
    renewal: Renewal = Field(default_factory=Renewal)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    pricing: Pricing
    # Productive share of logged time, to estimate logged hours for the invoice check (above 0).
    productivity_occupancy: Annotated[Decimal, Field(gt=0, le=1)] = Decimal("0.85")
    volumes: Volumes = Field(default_factory=Volumes)
    slas: list[Sla] = Field(min_length=1)
    credits: Credits = Field(default_factory=Credits)
    exclusions: Exclusions = Field(default_factory=Exclusions)
    reversibility: Reversibility = Field(default_factory=Reversibility)
    audit: Audit = Field(default_factory=Audit)
    data_protection: DataProtection
    committees: list[Committee] = Field(default_factory=list)

    @field_validator("slas")
    @classmethod
    def _allocations(cls, slas: list[Sla]) -> list[Sla]:
        names = [s.name for s in slas]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"two SLAs are named {dupes[0]!r}")
        total = sum((s.weight for s in slas), Decimal(0))
        if total != 1:
            raise ValueError(
                f"the SLAs' weights (their shares of the amount at risk) add up to {total}, expected 1"
            )
        bonus = [s.bonus_weight for s in slas if s.bonus_weight is not None]
        if bonus and sum(bonus, Decimal(0)) != 1:
            raise ValueError(f"the SLAs' bonus weights add up to {sum(bonus, Decimal(0))}, expected 1")
        return slas

    @model_validator(mode="after")
    def _coherent(self) -> Contract:
        if self.end <= self.start:
            raise ValueError(f"the contract ends ({self.end}) before it starts ({self.start})")
        for s in self.slas:
            unknown = sorted(set(s.flows or []) - set(self.flows))
            if unknown:
                raise ValueError(f"SLA {s.name} names a flow outside the contract: {unknown[0]}")
        if self.credits.bonus_pool_share > 0 and not any(s.bonus_target is not None for s in self.slas):
            raise ValueError("a bonus pool needs at least one SLA with a bonus_target")
        if self.data_protection.country not in EEA and self.data_protection.transfer_mechanism is None:
            raise ValueError(
                f"the provider processes data in {self.data_protection.country}, outside the EEA: "
                "data_protection.transfer_mechanism is required (GDPR chapter V)"
            )
        return self

    def months(self) -> list[Month]:
        """The months of the term."""
        return months_between(Month.of(self.start), Month.of(self.end))

    def bonus_weights(self) -> dict[str, Decimal]:
        """Each SLA's share of the bonus pool: its bonus weight, else shared equally between the
        SLAs with a bonus target."""
        with_bonus = [s for s in self.slas if s.bonus_target is not None]
        if not with_bonus:
            return {}
        if any(s.bonus_weight is not None for s in with_bonus):
            return {s.name: s.bonus_weight or Decimal(0) for s in with_bonus}
        return {s.name: Decimal(1) / len(with_bonus) for s in with_bonus}


#: EU and EEA countries: transfers to them need no chapter V mechanism.
EEA = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)

__all__ = [
    "EEA",
    "KPI_DIRECTIONS",
    "Audit",
    "Certification",
    "Committee",
    "Contract",
    "Credits",
    "DataProtection",
    "EarnBack",
    "Exclusions",
    "Party",
    "Period",
    "Provider",
    "Renewal",
    "Reversibility",
    "Sla",
    "VolumeDays",
    "Volumes",
]
