"""A contract's month as the monthly run gives it and the app database keeps it: `MonthResult`.

One typed document per contract and month (`arbitre.contract.referee.referee` makes it): the
provider's units and the fees the contract gives on them, each SLA met or missed with its credit
and bonus, the credits' cap and earn-back, the exclusions, the invoice check, the staffing the
units imply, the month-to-date warnings, the obligations calendar, the trend over the recorded
months, the business case against the month, the month's quality, and the record of the run.

Money is `Decimal` (to the cent where the run rounds it), months are `Month`, KPIs are named as
in the registry (`arbitre.domain.kpis`). What the run says — the invoice check's notes, the
warnings, the obligations — is codes with their figures (`arbitre.contract.notes`), written in
French or English by `arbitre.reports.notes`. Its JSON form (``model_dump(mode="json")``) is the
``--json`` of ``arbitre govern`` documented in docs/governance.md, key for key.

Schema version 3. The months stored before it hold sentences where version 3 holds codes: version
2, and version 1 (no ``schema_version``, otherwise the same keys), read through
`MonthResult.read` with each sentence kept as a `SaidAsStored` note, written back exactly as it
was stored; older runs without the parts added since read with those parts empty.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from arbitre.contract.coverage import Charge, Coverage
from arbitre.contract.credits import BonusRule
from arbitre.contract.notes import ObligationNote, SaidAsStored, WatchNote
from arbitre.contract.reconcile import BilledLine, ComputedUnits, Difference, EvidenceRequest, TotalSplit
from arbitre.contract.units import FlowStaffing
from arbitre.contract.volumes import DayAboveBand, DaysRule
from arbitre.decision.document import ReferencePeriod
from arbitre.domain.contract import Contract
from arbitre.domain.documents import Instant, Part, StoredDocument
from arbitre.domain.month import Month
from arbitre.quality.documents import QualityMonth


class FlowMonth(Part):
    """One flow's units of the month: contacts, agents, handling time, hours by band."""

    offered: int
    handled: int
    agents: int
    aht_s: float | None
    productive_hours: Decimal
    logged_hours: Decimal
    hours_by_band: dict[str, Decimal]


class Units(Part):
    """The provider's units of the month (logged hours estimated at the contract's occupancy)."""

    contacts_offered: int
    contacts_handled: int
    productive_hours: Decimal
    logged_hours: Decimal
    logged_hours_estimated: bool = True
    by_flow: dict[str, FlowMonth]


class FeeLine(Part):
    """A line of the fees the contract gives on the computed units."""

    component: str
    basis: str
    band: str | None
    amount: Decimal


class SlaWindows(Part):
    """The day or interval windows of an SLA: with contacts, met, left out entirely."""

    total: int
    met: int
    excluded: int


class SlaMonth(Part):
    """One SLA of the month: its definition's figures, its value, met or not, its money."""

    name: str
    kpi: str
    flows: list[str] | None
    target: float
    direction: Literal["at_least", "at_most"]
    window: str
    min_share_of_windows: float | None
    threshold_s: float | None
    actual: float | None  # the month's KPI, or the share of windows met
    month_value: float | None
    windows: SlaWindows | None
    contacts: int
    excluded_contacts: int
    counted: int = 0
    counted_unit: str | None = None
    met: bool | None
    weight: Decimal
    credit_before_cap: Decimal
    credit: Decimal
    bonus_target: float | None
    bonus: Decimal


class EarnBackLine(Part):
    """A credit of an earlier month (or of this one) and what became of it."""

    month: Month
    sla: str
    amount: Decimal
    status: str  # returned, pending, forfeited, to_settle
    decided_in: Month | None
    closes: Month


class FlowVolume(Part):
    """A flow's month against its forecast band."""

    flow: str
    forecast: float | None
    actual: int
    low: float | None
    high: float | None
    within: bool | None


class ExcludedDay(Part):
    """A day left out of a flow's SLAs (volume above the forecast band)."""

    flow: str
    day: date
    forecast: float
    limit: float
    actual: int
    reason: str = "volume above the forecast band"


class ExcludedPeriod(Part):
    """An agreed period of the contract that falls in the month."""

    start: Instant
    end: Instant
    reason: str


class AgreedChange(Part):
    """A change of the month both parties agreed on when the client accepted a dispute, an input
    of the month's run (`arbitre.contract.referee.MonthInputs.agreed`): a (flow, day) left out of
    the SLAs (``exclude_day``) or counted again (``include_day``), or an SLA's result as agreed
    (``sla_result``: ``met``)."""

    dispute: str
    kind: Literal["exclude_day", "include_day", "sla_result"]
    flow: str | None = None
    day: date | None = None
    sla: str | None = None
    met: bool | None = None


class Exclusions(Part):
    """What the month leaves out of the SLAs: the rule for days above their band, the days it
    excluded, every day above its band, the agreed periods."""

    rule: DaysRule | None = None
    days: list[ExcludedDay] = Field(default_factory=list)
    days_above_band: list[DayAboveBand] = Field(default_factory=list)
    periods: list[ExcludedPeriod] = Field(default_factory=list)


class InvoiceCheck(Part):
    """The provider's invoice checked against the units and the contract's price."""

    file: str | None
    sha256: str
    billed: list[BilledLine]
    billed_total: Decimal
    computed: list[ComputedUnits] = Field(
        default_factory=list
    )  # the units the records give; their price is `fees_lines`
    computed_total: Decimal
    split: TotalSplit | None = None
    differences: list[Difference]
    flagged: int
    evidence: list[EvidenceRequest] = Field(default_factory=list)


class SlaWarning(Part):
    """Month to date: an SLA on track, at risk or already missed, from the forecast of the rest."""

    sla: str
    status: str  # on_track, at_risk, missed
    actual: float | None
    needed: float | None
    remaining: float
    target: float
    note: WatchNote


class ObligationItem(Part):
    """A dated item of the contract's calendar."""

    date: dt.date
    kind: str
    what: ObligationNote
    days_left: int
    severity: str  # overdue, soon, info


class TrendSla(Part):
    actual: float | None
    met: bool | None


class TrendRow(Part):
    """One recorded month in the trend: each SLA's value, the money, the contacts, the AHT."""

    month: Month
    slas: dict[str, TrendSla]
    fees: Decimal | None = None
    credits_total: Decimal | None = None
    bonus_total: Decimal | None = None
    net_fees: Decimal | None = None
    contacts_handled: int | None = None
    aht_s: dict[str, float | None] = Field(default_factory=dict)


class FlowCase(Part):
    """One flow of the business case: contacts and handling time, projected and actual."""

    flow: str
    projected_contacts: int
    actual_contacts: int
    projected_aht_s: float | None
    actual_aht_s: float | None


class BusinessCase(Part):
    """The decision's projection for the contract's flows at its offer against the month.

    ``projected_monthly`` is the offer's monthly invoice for the contract's flows together (its
    fixed fee and minimum once, `arbitre.contract.referee.projected_invoice`); ``actual_monthly``
    the month's net fees.
    """

    decision_id: str | None
    offer: str
    projected_monthly: Decimal
    actual_monthly: Decimal
    projected_contacts: int
    actual_contacts: int
    projected_per_contact: Decimal | None
    actual_per_contact: Decimal | None
    inhouse_monthly: Decimal
    projected_savings_share: float | None
    actual_savings_share: float | None
    difference_share: float | None
    reference_period: ReferencePeriod
    by_flow: list[FlowCase]


class RunRecord(Part):
    """Who recorded the run, when, and the fingerprint of its inputs."""

    id: str
    created_at: Instant
    who: str
    inputs_sha256: str


class MonthResult(StoredDocument):
    """One contract's month refereed (module docstring); ``run`` once recorded."""

    SCHEMA_VERSION: ClassVar[int] = 3

    schema_version: int = SCHEMA_VERSION
    contract: str
    contract_version: int | None = None
    title: str
    provider: str
    month: Month
    currency: str
    as_of: date | None = None  # the run date the obligations count from
    complete: bool = True
    data_through: date | None = None
    coverage: Coverage | None = None
    charge: Charge | None = None
    units: Units
    fees: Decimal
    fees_lines: list[FeeLine] = Field(default_factory=list)
    at_risk: Decimal
    cap: Decimal
    slas: list[SlaMonth]
    credits_before_cap: Decimal
    credits_total: Decimal
    earn_back: list[EarnBackLine] = Field(default_factory=list)
    earned_back_total: Decimal
    bonus_pool: Decimal
    bonus_total: Decimal
    net_fees: Decimal
    bonus_rule: BonusRule | None = None
    volumes: list[FlowVolume] = Field(default_factory=list)
    exclusions: Exclusions = Field(default_factory=Exclusions)
    invoice: InvoiceCheck | None = None
    staffing: list[FlowStaffing] = Field(default_factory=list)
    warnings: list[SlaWarning] = Field(default_factory=list)
    obligations: list[ObligationItem] = Field(default_factory=list)
    trend: list[TrendRow] = Field(default_factory=list)
    trend_directions: dict[str, str | None] = Field(default_factory=dict)
    business_case: BusinessCase | None = None
    quality: QualityMonth | None = None
    #: The changes of accepted disputes the month was refereed with (absent from the JSON of a
    #: month without any: the documents of earlier releases read back as they were written).
    agreed: list[AgreedChange] = Field(default_factory=list)
    run: RunRecord | None = None

    @classmethod
    def upgrade(cls, data: dict[str, Any], version: int) -> dict[str, Any]:
        """A month of schema version 1 or 2 in version 3's shape: each sentence (``{"fr", "en"}``,
        or a plain string from the oldest runs) becomes a ``said`` note holding it as stored."""
        if version < 3:
            invoice = data.get("invoice") or {}
            for key, field in (("differences", "note"), ("computed", "note")):
                for item in invoice.get(key) or []:
                    item[field] = _said(item.get(field))
            for item in data.get("warnings") or []:
                item["note"] = _said(item.get("note"))
            for item in data.get("obligations") or []:
                item["what"] = _said(item.get("what"))
        return data

    @model_serializer(mode="wrap")
    def _agreed_when_any(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if not data.get("agreed"):
            data.pop("agreed", None)
        return data

    def sla(self, name: str) -> SlaMonth | None:
        """The month's SLA ``name``, or None."""
        return next((s for s in self.slas if s.name == name), None)

    def run_date(self) -> date:
        """The date the run counts its days from: its ``as_of``; for a run recorded before it was
        kept, the day it was recorded; else the month's last day."""
        if self.as_of is not None:
            return self.as_of
        if self.run is not None:
            return self.run.created_at.date()
        return self.month.last_day


def _said(value: object) -> dict[str, Any]:
    """A stored sentence as a `SaidAsStored` note's JSON: both languages, or one text as both."""
    if isinstance(value, dict):
        return SaidAsStored(fr=str(value.get("fr", "")), en=str(value.get("en", ""))).model_dump()
    text = "" if value is None else str(value)
    return SaidAsStored(fr=text, en=text).model_dump()


class MonthReview(BaseModel):
    """What the steering committee reviews: the month's result, the earlier recorded months
    (oldest first) and the contract version the month was refereed under."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    document: MonthResult
    history: list[MonthResult]
    contract: Contract


__all__ = [
    "BusinessCase",
    "EarnBackLine",
    "ExcludedDay",
    "ExcludedPeriod",
    "Exclusions",
    "FeeLine",
    "FlowCase",
    "FlowMonth",
    "FlowVolume",
    "InvoiceCheck",
    "MonthResult",
    "MonthReview",
    "ObligationItem",
    "RunRecord",
    "SlaMonth",
    "SlaWarning",
    "SlaWindows",
    "TrendRow",
    "TrendSla",
]
