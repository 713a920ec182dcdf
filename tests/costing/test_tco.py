"""Total cost of ownership: cash flows and present value on a hand case, growth, the savings warning."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from arbitre.costing.pricing import OfferCost, offer_cost
from arbitre.costing.tco import discount_factor, growth_factor, tco
from arbitre.domain.costing import DecisionSettings, Offer
from arbitre.errors import InputError
from tests.costing.builders import flat_inhouse, week

D = Decimal
# 1.01¹² − 1, exactly: an annual rate whose monthly equivalent is 1 %.
ONE_PERCENT_A_MONTH = D("1.01") ** 12 - 1


def provider(rate: int = 30, **changes: Any) -> OfferCost:
    """200 h on line a month (the week's pattern taken as the reference month) at ``rate`` €/h.

    Shrinkage 0.2 and 125 paid hours a month per FTE: 200 ÷ 0.8 = 250 h, 2 FTE to train and govern.
    """
    data: dict[str, Any] = {
        "id": "hand",
        "provider": "Hand BPO",
        "site": "Rabat",
        "shore": "nearshore",
        "country": "MA",
        "channels": ["voice_in"],
        "languages": ["fr"],
        "pricing": {"model": "per_productive_hour", "rate": rate},
        "setup_fee": 2000,
        "exit_fee": 1200,
        "transition": {
            "knowledge_transfer_weeks": 0,
            "parallel_run_weeks": D("4.3333"),  # × 12 ÷ 52 = 1.0000 month
            "training_days_per_agent": 10,
            "training_day_rate": 100,
        },
        "productivity": {"shrinkage": D("0.2"), "paid_hours_per_fte_per_month": 125},
    }
    data.update(changes)
    return offer_cost(Offer.model_validate(data), week(months=1.0))


def settings(**changes: Any) -> DecisionSettings:
    data: dict[str, Any] = {
        "term_months": 12,
        "discount_rate": ONE_PERCENT_A_MONTH,
        "governance_fte_per_outsourced_fte": D("0.05"),
        "governance_salary_per_year": 60000,
        "volume_growth_per_year": 0,
    }
    data.update(changes)
    return DecisionSettings.model_validate(data)


def inhouse() -> Any:
    return flat_inhouse(volume_per_month=D(9000), fixed_per_month=D(1000))


def test_the_cash_flows_of_a_twelve_month_term_by_hand() -> None:
    offer = provider()
    assert offer.per_month == D(6000) and offer.fte == D(2)
    result = tco(inhouse=inhouse(), offer=offer, settings=settings())
    first, middle, last = result.months[0], result.months[5], result.months[-1]
    # Month 1: the parallel run pays both sides: in-house 10,000 + provider 6,000 + governance
    # 0.05 × 2 FTE × 60,000 ÷ 12 = 500 + set-up 2,000 + training 10 days × 2 agents × 100 = 2,000.
    assert first.outsourced_lines == {
        "in_house_until_handover": D(10000),
        "provider_fees": D(6000),
        "governance": D(500),
        "retained_in_house": D(0),
        "setup_fee": D(2000),
        "knowledge_transfer_training": D(2000),
        "exit_fee": D(0),
    }
    assert first.outsourced == D(20500)
    assert middle.outsourced == D(6500)  # provider 6,000 + governance 500
    assert last.outsourced == D(7700)  # + the exit fee
    assert all(m.inhouse == D(10000) for m in result.months)
    assert result.inhouse_total == D(120000)
    assert result.outsourced_total == D(93200)  # 20,500 + 10 × 6,500 + 7,700
    assert result.savings == D(26800)
    assert result.one_off_total == D(11200)  # 2,000 + 2,000 + 6,000 (parallel run) + 1,200
    assert result.run_rate_savings_share == D("0.35")  # (10,000 − 6,500) ÷ 10,000
    assert result.payback_months == D("3.2")  # 11,200 ÷ 3,500


def test_present_values_at_one_percent_a_month_by_hand() -> None:
    result = tco(inhouse=inhouse(), offer=provider(), settings=settings())
    # Flows at the end of each month, discounted by 1.01^m (the annual rate is 1.01¹² − 1):
    # in-house 10,000 × (1 − 1.01⁻¹²) ÷ 0.01 = 10,000 × 11.255077 = 112,550.77;
    # outsourced 6,500 × 11.255077 + 14,000 ÷ 1.01 + 1,200 ÷ 1.01¹² = 88,084.33.
    v = Fraction(100, 101)
    inhouse_pv = sum(Fraction(10000) * v**m for m in range(1, 13))
    flows = [20500] + [6500] * 10 + [7700]
    out_pv = sum(Fraction(f) * v**m for m, f in enumerate(flows, start=1))
    assert (
        result.inhouse_npv == D("112550.77") == round(D(inhouse_pv.numerator) / D(inhouse_pv.denominator), 2)
    )
    assert result.outsourced_npv == D("88084.33") == round(D(out_pv.numerator) / D(out_pv.denominator), 2)
    assert result.savings_npv == D("24466.44")
    assert result.savings_share == D("0.2174")  # 24,466.44 ÷ 112,550.77
    assert round(result.monthly_discount_rate, 20) == D("0.01")
    assert result.warning is None  # inside 15–35 %


def test_an_annual_discount_rate_compounds_monthly() -> None:
    # 8 % a year: a month discounts at 1.08^(1/12) − 1 = 0.6434 %, a year at exactly 1/1.08
    assert discount_factor(D("0.08"), month=12) == 1 / D("1.08")
    assert (
        round(discount_factor(D("0.08"), month=1), 6)
        == round(1 / D("1.08") ** (D(1) / 12), 6)
        == D("0.993607")
    )
    assert discount_factor(D(0), month=7) == 1


def test_volume_growth_compounds_monthly_and_spares_fixed_costs() -> None:
    assert growth_factor(D("0.05"), month=13) == D("1.05")
    assert round(growth_factor(D("0.05"), month=7), 6) == D("1.024695")  # 1.05^(6/12)
    result = tco(
        inhouse=inhouse(),
        offer=provider(),
        settings=settings(term_months=13, volume_growth_per_year=D("0.05")),
    )
    month13 = result.months[12]
    assert month13.inhouse == D(10450)  # 9,000 × 1.05 + 1,000 (premises do not grow)
    assert month13.outsourced_lines["provider_fees"] == D(6300)  # 210 h × 30 €
    assert month13.outsourced_lines["governance"] == D(525)
    assert month13.outsourced_lines["exit_fee"] == D(1200)


def test_the_forecasts_growth_applies_when_the_settings_leave_it_unset() -> None:
    unset = settings(volume_growth_per_year=None, term_months=13)
    result = tco(inhouse=inhouse(), offer=provider(), settings=unset, growth_per_year=D("0.10"))
    assert result.growth_per_year == D("0.10")
    assert result.months[12].inhouse == D(10900)
    assert tco(inhouse=inhouse(), offer=provider(), settings=unset).growth_per_year == 0


def test_a_knowledge_transfer_delays_the_providers_fees() -> None:
    offer = provider(
        transition={"knowledge_transfer_weeks": D("4.3333"), "parallel_run_weeks": D("4.3333")},
    )
    result = tco(inhouse=inhouse(), offer=offer, settings=settings())
    m1, m2, m3 = result.months[:3]
    assert (m1.outsourced_lines["in_house_until_handover"], m1.outsourced_lines["provider_fees"]) == (
        D(10000),
        0,
    )
    assert (m2.outsourced_lines["in_house_until_handover"], m2.outsourced_lines["provider_fees"]) == (
        D(10000),
        D(6000),
    )
    assert (m3.outsourced_lines["in_house_until_handover"], m3.outsourced_lines["provider_fees"]) == (
        0,
        D(6000),
    )


def test_savings_below_the_band_come_with_their_likely_reasons() -> None:
    result = tco(inhouse=inhouse(), offer=provider(rate=40), settings=settings())
    # 8,000 € a month + 500 of governance against 10,000: 1,500 a month once handed over, and
    # 2,000 + 2,000 + 8,000 + 1,200 = 13,200 of one-off costs
    warning = result.warning
    assert warning is not None and warning.side == "below"
    assert result.savings_share is not None and result.savings_share < D("0.15")
    codes = [r.code for r in warning.reasons]
    assert codes == ["transition", "rate", "short_term"]
    transition = warning.reasons[0]
    assert "more than 8 months of savings" in transition.message
    assert transition.figures == {"one_off": D(13200), "monthly_savings": D(1500)}


def test_savings_above_the_band_point_at_optimistic_inputs() -> None:
    result = tco(inhouse=inhouse(), offer=provider(rate=10), settings=settings())
    warning = result.warning
    assert warning is not None and warning.side == "above"
    assert warning.reasons[0].code == "aht_factor"
    assert "providers are rarely as fast as a trained in-house team" in warning.reasons[0].message
    # The studies' 15–35 % (seeds 001 and 004) and the 30–70 % offshore providers advertise (seed
    # 000), in both languages.
    assert warning.message == (
        "savings of 62% over 12 months at present value, above the 15–35% of sector studies, "
        "but within the 30–70% offshore providers advertise"
    )
    assert warning.text.fr == (
        "économie de 62\u202f% sur 12 mois en valeur actuelle, au-dessus des 15 à 35\u202f% des études "
        "sectorielles, mais dans les 30 à 70\u202f% qu'annoncent les prestataires offshore"
    )
    assert "le facteur de durée de traitement" in warning.reasons[0].text.fr


def test_a_slower_provider_is_not_blamed_for_speed() -> None:
    result = tco(
        inhouse=inhouse(), offer=provider(rate=10, productivity={"aht_factor": D("1.2")}), settings=settings()
    )
    assert result.warning is not None
    assert "aht_factor" not in [r.code for r in result.warning.reasons]


def test_contacts_the_offer_leaves_stay_in_house() -> None:
    partial = provider(rate=10, hours={"mon-fri": "09:00-13:00"})
    assert partial.unserved.contacts == D(640)
    alone = tco(inhouse=inhouse(), offer=partial, settings=settings())
    assert alone.warning is not None and "unserved" in [r.code for r in alone.warning.reasons]
    kept = flat_inhouse(volume_per_month=D(4500), fixed_per_month=D(500))
    with_rest = tco(inhouse=inhouse(), offer=partial, settings=settings(), retained=kept)
    assert with_rest.months[0].outsourced_lines["retained_in_house"] == 0  # the whole team still runs
    assert with_rest.months[1].outsourced_lines["retained_in_house"] == D(5000)
    assert with_rest.outsourced_total - alone.outsourced_total == 11 * D(5000)


def test_both_sides_must_be_in_the_same_currency() -> None:
    with pytest.raises(InputError, match="different currencies") as err:
        tco(inhouse=inhouse(), offer=provider(currency="MAD"), settings=settings())
    assert (err.value.expected, err.value.got) == ("EUR", "MAD")
