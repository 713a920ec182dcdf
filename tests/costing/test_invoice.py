"""Each pricing model on a month computed by hand: bands, premiums, commitment, tolerance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from arbitre.costing.invoice import (
    Invoice,
    MonthUnits,
    monthly_invoice,
    months_outside_tolerance,
    progressive,
    tolerance_range,
)
from arbitre.domain.costing import Pricing

D = Decimal


def month(**units: Decimal | int) -> MonthUnits:
    return MonthUnits(units={k: D(v) for k, v in units.items()})


def lines(inv: Invoice) -> list[tuple[str, Decimal]]:
    return [(ln.component, ln.amount) for ln in inv.lines]


def test_per_productive_hour_is_hours_on_line_times_the_rate() -> None:
    inv = monthly_invoice(Pricing(model="per_productive_hour", rate=D(25)), month=month(productive_hour=400))
    assert inv.total == D(10000)  # 400 h × 25 €
    assert inv.unit == "productive_hour" and inv.marginal_rate == D(25)


def test_per_logged_hour_counts_logged_hours() -> None:
    p = Pricing(model="per_logged_hour", rate=D(20))
    inv = monthly_invoice(p, month=month(productive_hour=400, logged_hour=500))
    assert inv.total == D(10000)  # 500 logged h × 20 €


def test_volume_bands_are_progressive_each_unit_at_the_rate_of_its_band() -> None:
    p = Pricing(
        model="per_contact",
        bands=[{"up_to": 2000, "rate": D("1.50")}, {"up_to": 5000, "rate": D("1.20")}, {"rate": D("1.00")}],
    )
    # 6,000 contacts: 2,000 × 1.50 + 3,000 × 1.20 + 1,000 × 1.00 = 3,000 + 3,600 + 1,000
    assert monthly_invoice(p, month=month(contact=6000)).total == D(7600)
    assert monthly_invoice(p, month=month(contact=6000)).band_index == 2
    # at a limit the last unit belongs to the lower band; one more unit is priced at the next rate
    assert progressive(D(2000), pricing=p) == (D(3000), 0, D("1.50"))
    assert progressive(D(2001), pricing=p)[0] == D("3001.20")
    assert progressive(D(0), pricing=p) == (D(0), 0, D("1.50"))


def test_band_and_language_premiums_raise_the_variable_part_on_the_base_price() -> None:
    p = Pricing(
        model="per_contact",
        rate=D(2),
        band_premiums={"evening": D("0.2"), "weekend": D("0.5")},
        language_premiums={"de": D("0.3"), "en": D(0)},
    )
    m = MonthUnits(
        units={"contact": D(1000)},
        band_shares={"day": D("0.7"), "evening": D("0.2"), "weekend": D("0.1")},
        language_shares={"fr": D("0.75"), "de": D("0.25")},
    )
    inv = monthly_invoice(p, month=m)
    # base 1,000 × 2 = 2,000; evening 2,000 × 0.2 × 0.2 = 80; weekend 2,000 × 0.1 × 0.5 = 100;
    # German 2,000 × 0.25 × 0.3 = 150
    assert lines(inv) == [
        ("variable", D(2000)),
        ("band_premium", D(80)),
        ("band_premium", D(100)),
        ("language_premium", D(150)),
    ]
    assert inv.total == D(2330)


def test_the_minimum_commitment_tops_a_month_up() -> None:
    p = Pricing(model="per_contact", rate=D(2), minimum_monthly=D(5000))
    low = monthly_invoice(p, month=month(contact=1000))
    assert lines(low) == [("variable", D(2000)), ("minimum_commitment", D(3000))]
    assert low.total == D(5000)
    high = monthly_invoice(p, month=month(contact=3000))
    assert high.total == D(6000) and high.amount("minimum_commitment") == 0


def test_fixed_plus_variable_adds_a_flat_fee_to_a_unit_rate() -> None:
    p = Pricing(model="fixed_plus_variable", fixed_monthly=D(2000), rate=D("0.5"), variable_unit="contact")
    inv = monthly_invoice(p, month=month(contact=3000, productive_hour=300))
    assert lines(inv) == [("fixed_fee", D(2000)), ("variable", D(1500))]  # 2,000 + 3,000 × 0.50
    per_hour = Pricing(
        model="fixed_plus_variable", fixed_monthly=D(2000), rate=D(10), variable_unit="productive_hour"
    )
    assert monthly_invoice(per_hour, month=month(contact=3000, productive_hour=300)).total == D(5000)


def test_a_fixed_monthly_fee_ignores_volume() -> None:
    p = Pricing(model="fixed_monthly", fixed_monthly=D(9000), band_premiums={"night": D("0.5")})
    assert monthly_invoice(p, month=month(contact=10)).total == D(9000)
    assert monthly_invoice(p, month=month(contact=100000)).total == D(9000)


def test_per_outcome_pays_a_rate_per_outcome_or_a_share_of_its_value() -> None:
    per_lead = Pricing(model="per_outcome", rate=D(20), outcome="qualified_lead")
    # 3,000 calls × 0.1 leads a call = 300 leads × 20 €
    assert monthly_invoice(per_lead, month=month(contact=3000, outcome=300)).total == D(6000)
    recovery = Pricing(model="per_outcome", outcome_share=D("0.15"), outcome="recovered_file")
    m = MonthUnits(units={"outcome": D(120)}, outcome_value=D(400))
    inv = monthly_invoice(recovery, month=m)
    assert lines(inv) == [("outcome_share", D(7200))]  # 120 files × 15 % × 400 €
    with pytest.raises(ValueError, match="value of one outcome"):
        monthly_invoice(recovery, month=month(outcome=120))


def test_a_share_of_outcomes_is_refused_on_a_unit_that_is_not_an_outcome() -> None:
    with pytest.raises(ValidationError, match="outcome_share prices outcomes"):
        Pricing(model="per_contact", rate=D(1), outcome_share=D("0.1"))


def test_the_tolerance_range_and_the_band_it_falls_in() -> None:
    p = Pricing(
        model="per_contact",
        bands=[{"up_to": 2000, "rate": D("1.50")}, {"up_to": 5000, "rate": D("1.20")}, {"rate": D(1)}],
        tolerance=D("0.10"),
    )
    inside = tolerance_range(p, forecast=D(3000), unit="contact")
    # 3,000 ± 10 % = 2,700–3,300, all in the second band (2,000–5,000] at 1.20
    assert (inside.low, inside.high, inside.band_index, inside.band_rate) == (D(2700), D(3300), 1, D("1.20"))
    assert (inside.band_from, inside.band_to, inside.within_band) == (D(2000), D(5000), True)
    crossing = tolerance_range(p, forecast=D(4800), unit="contact")
    assert crossing.high == D(5280) and not crossing.within_band  # past 5,000: the marginal rate drops
    flat = tolerance_range(Pricing(model="per_contact", rate=D(2)), forecast=D(100), unit="contact")
    assert flat.within_band and flat.band_index is None and (flat.low, flat.high) == (D(90), D(110))


def test_months_outside_the_tolerance_are_flagged() -> None:
    p = Pricing(model="per_contact", rate=D(2), tolerance=D("0.15"))
    actual = {"2026-01": D(1000), "2026-02": D(849), "2026-03": D(1150), "2026-04": D("1150.01")}
    assert months_outside_tolerance(p, forecast=D(1000), actual=actual) == {
        "2026-02": "below",
        "2026-04": "above",
    }


def test_growing_a_month_reprices_it_through_its_bands() -> None:
    p = Pricing(model="per_contact", bands=[{"up_to": 1000, "rate": D(3)}, {"rate": D(2)}])
    m = month(contact=1000)
    assert monthly_invoice(p, month=m).total == D(3000)
    assert monthly_invoice(p, month=m.scaled(D("1.5"))).total == D(4000)  # 1,000 × 3 + 500 × 2
