"""A provider's monthly invoice from a month's units: rates, progressive volume bands, premiums, commitment.

The arithmetic of a price schedule (`arbitre.domain.costing.Pricing`), apart from where the units
come from (`arbitre.costing.pricing.offer_cost` sizes them from a workload; the TCO grows them
month after month):

- **unit**: what the model counts — productive hours (agent hours on line), logged hours
  (productive ÷ occupancy), handled contacts, outcomes; a fixed monthly fee counts none;
- **volume bands** are progressive, like tax brackets: each unit is priced at the rate of the band
  it falls in, so crossing a limit never makes the whole month cheaper or dearer at once;
- **premiums** raise the variable part of the units in a band (evening, night, weekend) and in a
  language, each on the base price: a German contact at night pays base × (1 + night + German);
- the **minimum commitment** tops a month up to ``minimum_monthly``;
- the **tolerance** is the range of monthly units the price holds for (forecast ± tolerance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from arbitre.costing.money import ONE, ZERO, cents, round6
from arbitre.domain.costing import Pricing, PricingModel
from arbitre.staffing.workforce import BANDS

Unit = Literal["productive_hour", "logged_hour", "contact", "outcome"]

_MODEL_UNIT: dict[PricingModel, Unit] = {
    PricingModel.PER_PRODUCTIVE_HOUR: "productive_hour",
    PricingModel.PER_LOGGED_HOUR: "logged_hour",
    PricingModel.PER_CONTACT: "contact",
    PricingModel.PER_OUTCOME: "outcome",
}


def unit_of(pricing: Pricing) -> Unit | None:
    """The unit the variable part counts; None for a fixed monthly fee.

    >>> unit_of(Pricing(model="fixed_plus_variable", fixed_monthly=1000, rate=2, variable_unit="contact"))
    'contact'
    """
    if pricing.model is PricingModel.FIXED_MONTHLY:
        return None
    if pricing.model is PricingModel.FIXED_PLUS_VARIABLE:
        return pricing.variable_unit
    return _MODEL_UNIT[pricing.model]


@dataclass(frozen=True, slots=True)
class MonthUnits:
    """What one month brings to an invoice.

    ``units`` by unit (productive and logged hours, contacts, outcomes — those that are known),
    their split over hour bands and languages (shares adding up to 1), and the value of one
    outcome when the price is a share of it.
    """

    units: Mapping[str, Decimal]
    band_shares: Mapping[str, Decimal] = field(default_factory=lambda: {"day": ONE})
    language_shares: Mapping[str, Decimal] = field(default_factory=dict)
    outcome_value: Decimal | None = None

    def of(self, unit: str) -> Decimal:
        try:
            return self.units[unit]
        except KeyError:
            raise ValueError(f"this month has no {unit} figure (it has {', '.join(self.units)})") from None

    def scaled(self, factor: Decimal) -> MonthUnits:
        """The same month with every unit × ``factor`` (volume growth)."""
        return replace(self, units={k: v * factor for k, v in self.units.items()})


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    component: str  # fixed_fee, variable, outcome_share, band_premium, language_premium, minimum_commitment
    amount: Decimal
    basis: str = ""
    band: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Invoice:
    """One month's invoice: its lines to the cent, their total, and the band the month falls in."""

    lines: tuple[InvoiceLine, ...]
    total: Decimal
    unit: Unit | None
    units: Decimal | None
    band_index: int | None  # the volume band of the month's last unit (None: one rate, or no unit)
    marginal_rate: Decimal | None

    def amount(self, component: str) -> Decimal:
        return sum((ln.amount for ln in self.lines if ln.component == component), ZERO)


def progressive(units: Decimal, *, pricing: Pricing) -> tuple[Decimal, int | None, Decimal | None]:
    """The charge of ``units`` under the rate or the progressive bands, the band of the last unit
    and its rate.

    >>> p = Pricing(model="per_contact", bands=[{"up_to": 1000, "rate": 3}, {"rate": 2}])
    >>> progressive(Decimal(1500), pricing=p)
    (Decimal('4000'), 1, Decimal('2'))
    """
    if pricing.bands:
        charge, lower = ZERO, ZERO
        for i, band in enumerate(pricing.bands):
            upper = band.up_to
            top = units if upper is None else min(units, upper)
            if top > lower:
                charge += (top - lower) * band.rate
            if upper is None or units <= upper:
                return charge, i, band.rate
            lower = upper
        raise AssertionError("the last band has no limit")  # the Pricing validator ensures it
    if pricing.rate is not None:
        return units * pricing.rate, None, pricing.rate
    return ZERO, None, None


def monthly_invoice(pricing: Pricing, *, month: MonthUnits) -> Invoice:
    """The invoice of ``month`` under ``pricing``.

    >>> p = Pricing(model="per_productive_hour", rate=8, band_premiums={"weekend": 0.5},
    ...             minimum_monthly=1000)
    >>> inv = monthly_invoice(p, month=MonthUnits({"productive_hour": Decimal(100)},
    ...                                    band_shares={"day": Decimal("0.8"), "weekend": Decimal("0.2")}))
    >>> [(ln.component, ln.amount) for ln in inv.lines], inv.total
    ([('variable', Decimal('800.00')), ('band_premium', Decimal('80.00')), ('minimum_commitment', Decimal('120.00'))], Decimal('1000.00'))
    """
    unit = unit_of(pricing)
    lines: list[InvoiceLine] = []
    if pricing.fixed_monthly is not None and pricing.model in (
        PricingModel.FIXED_MONTHLY,
        PricingModel.FIXED_PLUS_VARIABLE,
    ):
        lines.append(InvoiceLine("fixed_fee", cents(pricing.fixed_monthly), "flat monthly fee"))
    units: Decimal | None = None
    band_index: int | None = None
    marginal: Decimal | None = None
    if unit is not None:
        units = month.of(unit)
        base, band_index, marginal = progressive(units, pricing=pricing)
        variable = base
        if pricing.rate is not None or pricing.bands:
            lines.append(InvoiceLine("variable", cents(base), _basis(units, unit, pricing)))
        if pricing.outcome_share is not None and unit == "outcome":
            if month.outcome_value is None:
                raise ValueError("a share of outcomes needs the value of one outcome")
            share = units * pricing.outcome_share * month.outcome_value
            variable += share
            lines.append(
                InvoiceLine(
                    "outcome_share",
                    cents(share),
                    f"{round6(units)} outcomes × {pricing.outcome_share} × {month.outcome_value} €",
                )
            )
        for band in BANDS:
            rate = pricing.band_premiums.of(band)
            band_share = Decimal(month.band_shares.get(band, ZERO))
            if rate > 0 and band_share > 0:
                lines.append(
                    InvoiceLine(
                        "band_premium",
                        cents(variable * band_share * rate),
                        f"{band_share:.4f} of the units × {rate}",
                        band=band,
                    )
                )
        for lang, rate in sorted(pricing.language_premiums.items()):
            lang_share = Decimal(month.language_shares.get(lang, ZERO))
            if rate > 0 and lang_share > 0:
                lines.append(
                    InvoiceLine(
                        "language_premium",
                        cents(variable * lang_share * rate),
                        f"{lang_share:.4f} of the contacts × {rate}",
                        language=lang,
                    )
                )
    subtotal = sum((ln.amount for ln in lines), ZERO)
    if pricing.minimum_monthly is not None and subtotal < pricing.minimum_monthly:
        lines.append(
            InvoiceLine(
                "minimum_commitment",
                cents(pricing.minimum_monthly) - subtotal,
                f"topped up to the monthly minimum of {pricing.minimum_monthly} €",
            )
        )
    total = sum((ln.amount for ln in lines), ZERO)
    return Invoice(tuple(lines), total, unit, units, band_index, marginal)


def _basis(units: Decimal, unit: str, pricing: Pricing) -> str:
    if pricing.bands:
        return f"{round6(units)} {unit}s over progressive bands"
    return f"{round6(units)} {unit}s × {pricing.rate} €"


@dataclass(frozen=True, slots=True)
class ToleranceRange:
    """The monthly units the price holds for, and the volume band they fall in.

    ``within_band`` is False when forecast ± tolerance crosses a band limit: inside the tolerance
    the marginal rate then changes (progressive bands: the average price moves smoothly).
    """

    unit: str
    forecast: Decimal
    tolerance: Decimal
    low: Decimal
    high: Decimal
    band_index: int | None
    band_rate: Decimal | None
    band_from: Decimal
    band_to: Decimal | None
    within_band: bool


def tolerance_range(pricing: Pricing, *, forecast: Decimal, unit: str) -> ToleranceRange:
    """Forecast ± tolerance in ``unit`` (the pricing's unit, or contacts for a fixed fee).

    >>> p = Pricing(model="per_contact", bands=[{"up_to": 1000, "rate": 3}, {"rate": 2}], tolerance=0.1)
    >>> r = tolerance_range(p, forecast=Decimal(950), unit="contact")
    >>> r.low, r.high, r.band_index, r.within_band
    (Decimal('855.000000'), Decimal('1045.000000'), 0, False)
    """
    low = forecast * (ONE - pricing.tolerance)
    high = forecast * (ONE + pricing.tolerance)
    if not pricing.bands or unit_of(pricing) is None:
        return ToleranceRange(
            unit,
            round6(forecast),
            pricing.tolerance,
            round6(low),
            round6(high),
            None,
            pricing.rate,
            ZERO,
            None,
            True,
        )
    _, index, rate = progressive(forecast, pricing=pricing)
    assert index is not None
    band_from = pricing.bands[index - 1].up_to if index > 0 else ZERO
    band_to = pricing.bands[index].up_to
    assert band_from is not None
    inside = (index == 0 or low > band_from) and (band_to is None or high <= band_to)
    return ToleranceRange(
        unit,
        round6(forecast),
        pricing.tolerance,
        round6(low),
        round6(high),
        index,
        rate,
        band_from,
        band_to,
        inside,
    )


def months_outside_tolerance(
    pricing: Pricing, *, forecast: Decimal, actual: Mapping[str, Decimal]
) -> dict[str, Literal["below", "above"]]:
    """The months (by key, e.g. ``2026-03``) whose units fall outside forecast ± tolerance.

    With one reference period there is one forecast month; once the contract runs, the monthly
    actuals are checked against it here.

    >>> p = Pricing(model="per_contact", rate=2, tolerance=0.1)
    >>> months_outside_tolerance(p, forecast=Decimal(1000), actual={"2026-01": Decimal(1050),
    ...     "2026-02": Decimal(880), "2026-03": Decimal(1101)})
    {'2026-02': 'below', '2026-03': 'above'}
    """
    low = forecast * (ONE - pricing.tolerance)
    high = forecast * (ONE + pricing.tolerance)
    out: dict[str, Literal["below", "above"]] = {}
    for key, units in actual.items():
        if units < low:
            out[key] = "below"
        elif units > high:
            out[key] = "above"
    return out
