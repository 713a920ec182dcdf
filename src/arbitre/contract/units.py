"""What the provider's month is worth under the contract, computed from its interactions.

Units per flow: contacts offered and handled, productive hours (talk + hold + wrap of the handled
contacts), logged hours estimated as productive hours ÷ the contract's occupancy (interactions do
not record agents' logged time: the estimate is said to be one), their split over the hour bands
of the arrival time and over languages. The month's fees are the contract's pricing applied to
them (`arbitre.costing.invoice.monthly_invoice`): the same code that priced the offer in the
business case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb
import numpy as np
from pydantic import BaseModel, ConfigDict

from arbitre.contract.sla import minute_of_week_sql, scope_sql
from arbitre.costing.invoice import Invoice, MonthUnits, monthly_invoice, unit_of
from arbitre.costing.money import ZERO, round6
from arbitre.domain.contract import Contract
from arbitre.domain.month import Month
from arbitre.domain.settings import HourBands
from arbitre.staffing.workforce import BANDS

HOUR_UNITS = frozenset({"productive_hour", "logged_hour"})


@dataclass(frozen=True)
class FlowUnits:
    """One flow's month at the provider. ``agents``: the distinct (pseudonymised) agents who
    handled its contacts; ``aht_s``: the KPI's mean handling time (answered contacts with talk,
    hold and wrap all known), None without any."""

    offered: int
    handled: int
    productive_hours: Decimal
    hours_by_band: dict[str, Decimal] = field(default_factory=dict)
    handled_by_band: dict[str, int] = field(default_factory=dict)
    handled_by_language: dict[str, int] = field(default_factory=dict)
    agents: int = 0
    aht_s: float | None = None


@dataclass(frozen=True)
class ProviderMonth:
    """The month's units per flow and in total, the units the contract prices (``invoice_units``)
    and the fees they come to."""

    by_flow: dict[str, FlowUnits]
    occupancy: Decimal
    invoice: Invoice
    invoice_units: MonthUnits

    @property
    def offered(self) -> int:
        return sum(f.offered for f in self.by_flow.values())

    @property
    def handled(self) -> int:
        return sum(f.handled for f in self.by_flow.values())

    @property
    def productive_hours(self) -> Decimal:
        return sum((f.productive_hours for f in self.by_flow.values()), ZERO)

    @property
    def logged_hours(self) -> Decimal:
        return round6(self.productive_hours / self.occupancy)

    def logged_hours_of(self, flow: str) -> Decimal:
        return round6(self.by_flow[flow].productive_hours / self.occupancy)


class FlowStaffing(BaseModel):
    """The provider's staffing of one flow in the month: the agents who handled its contacts,
    its handling time, the productive hours measured, the logged hours billed (the provider's own
    statement of its staffed hours, when an invoice is given) and the occupancy they imply."""

    model_config = ConfigDict(frozen=True)

    flow: str
    agents: int
    handled: int
    aht_s: float | None
    productive_hours: Decimal
    estimated_logged_hours: Decimal
    billed_logged_hours: Decimal | None
    implied_occupancy: Decimal | None
    assumed_occupancy: Decimal
    hours_by_band: dict[str, Decimal]


def staffing(month: ProviderMonth, *, billed_logged_hours: Mapping[str, Decimal]) -> list[FlowStaffing]:
    """Each flow's staffing; ``billed_logged_hours`` per flow from the invoice (none without)."""
    out = []
    for flow, f in month.by_flow.items():
        billed = billed_logged_hours.get(flow)
        out.append(
            FlowStaffing(
                flow=flow,
                agents=f.agents,
                handled=f.handled,
                aht_s=None if f.aht_s is None else round(f.aht_s, 1),
                productive_hours=f.productive_hours.quantize(Decimal("0.01")),
                estimated_logged_hours=month.logged_hours_of(flow).quantize(Decimal("0.01")),
                billed_logged_hours=billed,
                implied_occupancy=None
                if not billed
                else (f.productive_hours / billed).quantize(Decimal("0.0001")),
                assumed_occupancy=month.occupancy,
                hours_by_band={b: h.quantize(Decimal("0.01")) for b, h in f.hours_by_band.items()},
            )
        )
    return out


def provider_month(
    con: duckdb.DuckDBPyConnection,
    source: str,
    contract: Contract,
    *,
    month: Month,
    tz: str,
    bands: HourBands,
) -> ProviderMonth:
    """Count the month's units from the store and price them under the contract."""
    scoped = scope_sql(source, contract, month=month, tz=tz)
    mow = minute_of_week_sql("arrived_at", tz)
    answered = "(NOT abandoned AND answered_at IS NOT NULL)"
    handle = "(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrap_s, 0))"
    rows = con.sql(
        f"""SELECT flow, coalesce(language, '') AS language, {mow} AS mow,
                   count(*) AS offered,
                   count(*) FILTER (WHERE {answered}) AS handled,
                   coalesce(sum({handle}) FILTER (WHERE {answered}), 0) AS handle_s
            FROM {scoped} AS s GROUP BY ALL"""
    ).fetchall()
    known = "(talk_s IS NOT NULL AND hold_s IS NOT NULL AND wrap_s IS NOT NULL)"
    people = {
        flow: (int(agents), None if n == 0 else float(total) / int(n))
        for flow, agents, total, n in con.sql(
            f"""SELECT flow, count(DISTINCT agent_id) FILTER (WHERE {answered}),
                       coalesce(sum(talk_s + hold_s + wrap_s) FILTER (WHERE {answered} AND {known}), 0),
                       count(*) FILTER (WHERE {answered} AND {known})
                FROM {scoped} AS s GROUP BY flow"""
        ).fetchall()
    }
    masks = bands.minute_masks()
    band_of = np.zeros(7 * 1440, dtype=np.int64)
    for i, name in enumerate(BANDS):
        band_of[masks[name]] = i
    acc: dict[str, _Acc] = {}
    for flow, lang, minute, offered, handled, handle_s in rows:
        a = acc.setdefault(flow, _Acc())
        band = BANDS[int(band_of[int(minute)])]
        a.offered += int(offered)
        a.handled += int(handled)
        a.seconds[band] = a.seconds.get(band, 0.0) + float(handle_s)
        a.by_band[band] = a.by_band.get(band, 0) + int(handled)
        if lang:
            a.languages[lang] = a.languages.get(lang, 0) + int(handled)
    by_flow = {flow: acc.get(flow, _Acc()).units(*people.get(flow, (0, None))) for flow in contract.flows}
    return priced_month(contract, by_flow)


def priced_month(contract: Contract, by_flow: Mapping[str, FlowUnits]) -> ProviderMonth:
    """The month of ``by_flow`` priced under the contract (logged hours at its occupancy)."""
    occupancy = contract.productivity_occupancy
    priced = month_units(contract, by_flow, occupancy=occupancy)
    return ProviderMonth(dict(by_flow), occupancy, monthly_invoice(contract.pricing, month=priced), priced)


@dataclass
class _Acc:
    offered: int = 0
    handled: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    by_band: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)

    def units(self, agents: int = 0, aht_s: float | None = None) -> FlowUnits:
        hours = {b: round6(Decimal(repr(self.seconds.get(b, 0.0))) / 3600) for b in BANDS}
        return FlowUnits(
            offered=self.offered,
            handled=self.handled,
            productive_hours=sum(hours.values(), ZERO),
            hours_by_band=hours,
            handled_by_band={b: self.by_band.get(b, 0) for b in BANDS},
            handled_by_language=dict(self.languages),
            agents=agents,
            aht_s=aht_s,
        )


def fees(contract: Contract, by_flow: Mapping[str, FlowUnits], *, occupancy: Decimal) -> Invoice:
    """The month's invoice under the contract's pricing, on the computed units."""
    return monthly_invoice(contract.pricing, month=month_units(contract, by_flow, occupancy=occupancy))


def month_units(contract: Contract, by_flow: Mapping[str, FlowUnits], *, occupancy: Decimal) -> MonthUnits:
    """The units the contract prices: hours (logged ones estimated at ``occupancy``), contacts,
    and their split over hour bands (by hours or contacts, as the pricing counts) and languages."""
    productive = sum((f.productive_hours for f in by_flow.values()), ZERO)
    handled = sum(f.handled for f in by_flow.values())
    unit = unit_of(contract.pricing)
    hours_by_band = {b: sum((f.hours_by_band.get(b, ZERO) for f in by_flow.values()), ZERO) for b in BANDS}
    count_by_band = {b: sum(f.handled_by_band.get(b, 0) for f in by_flow.values()) for b in BANDS}
    weights: Mapping[str, Decimal | int] = hours_by_band if unit in HOUR_UNITS else count_by_band
    total_weight = Decimal(sum(weights.values()))
    band_shares = {b: (Decimal(w) / total_weight if total_weight > 0 else ZERO) for b, w in weights.items()}
    languages: dict[str, int] = {}
    for f in by_flow.values():
        for lang, n in f.handled_by_language.items():
            languages[lang] = languages.get(lang, 0) + n
    n_lang = sum(languages.values())
    return MonthUnits(
        units={
            "productive_hour": productive,
            "logged_hour": round6(productive / occupancy),
            "contact": Decimal(handled),
        },
        band_shares=band_shares,
        language_shares={k: Decimal(v) / n_lang for k, v in languages.items()} if n_lang else {},
    )


__all__ = [
    "FlowStaffing",
    "FlowUnits",
    "ProviderMonth",
    "fees",
    "month_units",
    "priced_month",
    "provider_month",
    "staffing",
]
