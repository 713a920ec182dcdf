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

from arbitre.contract.sla import minute_of_week_sql, scope_sql
from arbitre.costing.invoice import Invoice, MonthUnits, monthly_invoice, unit_of
from arbitre.costing.money import ZERO, round6
from arbitre.domain.contract import Contract
from arbitre.domain.settings import HourBands
from arbitre.staffing.workforce import BANDS

HOUR_UNITS = frozenset({"productive_hour", "logged_hour"})


@dataclass(frozen=True)
class FlowUnits:
    offered: int
    handled: int
    productive_hours: Decimal
    hours_by_band: dict[str, Decimal] = field(default_factory=dict)
    handled_by_band: dict[str, int] = field(default_factory=dict)
    handled_by_language: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderMonth:
    """The month's units per flow and in total, and the fees they come to."""

    by_flow: dict[str, FlowUnits]
    occupancy: Decimal
    invoice: Invoice

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


def provider_month(
    con: duckdb.DuckDBPyConnection,
    source: str,
    contract: Contract,
    *,
    month: str,
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
    by_flow = {flow: acc.get(flow, _Acc()).units() for flow in contract.flows}
    occupancy = contract.productivity_occupancy
    return ProviderMonth(by_flow, occupancy, fees(contract, by_flow, occupancy=occupancy))


@dataclass
class _Acc:
    offered: int = 0
    handled: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    by_band: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)

    def units(self) -> FlowUnits:
        hours = {b: round6(Decimal(repr(self.seconds.get(b, 0.0))) / 3600) for b in BANDS}
        return FlowUnits(
            offered=self.offered,
            handled=self.handled,
            productive_hours=sum(hours.values(), ZERO),
            hours_by_band=hours,
            handled_by_band={b: self.by_band.get(b, 0) for b in BANDS},
            handled_by_language=dict(self.languages),
        )


def fees(contract: Contract, by_flow: Mapping[str, FlowUnits], *, occupancy: Decimal) -> Invoice:
    """The month's invoice under the contract's pricing, on the computed units."""
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
    month = MonthUnits(
        units={
            "productive_hour": productive,
            "logged_hour": round6(productive / occupancy),
            "contact": Decimal(handled),
        },
        band_shares=band_shares,
        language_shares={k: Decimal(v) / n_lang for k, v in languages.items()} if n_lang else {},
    )
    return monthly_invoice(contract.pricing, month=month)


__all__ = ["FlowUnits", "ProviderMonth", "fees", "provider_month"]
