"""Offers priced on a workload: the seed's example, each unit, refusals, hours not served, one-off costs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from arbitre.costing.pricing import Outcomes, minute_of_week, offer_cost
from arbitre.domain.channels import Channel
from arbitre.domain.costing import FlowProfile, Offer
from arbitre.domain.targets import StaffingTargets
from arbitre.errors import InputError
from tests.costing.builders import week

D = Decimal


def offer(**changes: Any) -> Offer:
    data: dict[str, Any] = {
        "id": "mada-1",
        "provider": "Mada Contact",
        "site": "Antananarivo",
        "shore": "offshore",
        "country": "MG",
        "channels": ["voice_in", "email"],
        "languages": ["fr"],
        "pricing": {"model": "per_productive_hour", "rate": 8},
    }
    data.update(changes)
    return Offer.model_validate(data)


def test_five_agents_in_madagascar_at_8_euros_an_hour_cost_about_7000_euros_a_month() -> None:
    # Seed 000: « 5 agents à Madagascar (8 €/h) coûtera environ 7 000 € par mois ».
    # The week needs 5 agents on line 8 h a day, 5 days: 200 h a week; a month is 52/12 weeks:
    # 5 × 8 € × 40 h × 52 / 12 = 6,933.33 €.
    cost = offer_cost(offer(), week())
    assert cost.peak_agents == 5 and cost.productive_hours == D(200)
    assert cost.per_month == D("6933.33")
    assert abs(cost.per_month - 7000) / 7000 < D("0.01")
    assert cost.per_productive_hour == D(8)
    assert cost.per_contact == D("1.25")  # 200 h × 8 € ÷ 1,280 calls
    assert cost.feasible and cost.reasons == ()
    assert cost.hours_by_band == {"day": D(200), "evening": D(0), "night": D(0), "weekend": D(0)}
    assert cost.period_total == D("1600.00")  # the week itself: 200 h × 8 €


def test_per_logged_hour_divides_productive_hours_by_occupancy() -> None:
    cost = offer_cost(
        offer(pricing={"model": "per_logged_hour", "rate": 8}, productivity={"occupancy": D("0.8")}),
        week(),
    )
    # 200 h ÷ 0.8 = 250 logged hours a week × 52/12 × 8 € = 8,666.67
    assert cost.logged_hours == D(250)
    assert cost.per_month == D("8666.67")


def test_the_offers_handle_time_factor_sizes_its_own_team() -> None:
    slow = offer_cost(offer(productivity={"aht_factor": D("1.3")}), week())
    # 16 calls of 390 s a half-hour need 6 agents instead of 5
    assert slow.peak_agents == 6
    assert slow.per_month > offer_cost(offer(), week()).per_month


def test_per_contact_with_progressive_bands_and_the_tolerance_in_units() -> None:
    bands = [{"up_to": 2000, "rate": D("1.50")}, {"up_to": 5000, "rate": D("1.20")}, {"rate": D(1)}]
    cost = offer_cost(offer(pricing={"model": "per_contact", "bands": bands, "tolerance": D("0.1")}), week())
    # 1,280 calls a week × 52/12 = 5,546.67 a month: 2,000 × 1.50 + 3,000 × 1.20 + 546.67 × 1 = 7,146.67
    assert cost.per_month == D("7146.67")
    assert cost.invoice.band_index == 2 and cost.invoice.marginal_rate == D(1)
    tol = cost.tolerance
    assert (tol.unit, tol.low, tol.high) == ("contact", D("4992.000000"), D("6101.333333"))
    assert not tol.within_band  # −10 % falls below 5,000: the price is renegotiated inside the band


def test_language_and_band_premiums_follow_the_flows_contacts() -> None:
    w = week(languages={"fr": 0.8, "de": 0.2})
    cost = offer_cost(
        offer(
            languages=["fr", "de"],
            pricing={"model": "per_contact", "rate": 2, "language_premiums": {"de": 0.25}},
        ),
        w,
    )
    # 5,546.67 calls × 2 € = 11,093.33; German premium 11,093.33 × 0.2 × 0.25 = 554.67
    assert cost.invoice.amount("variable") == D("11093.33")
    assert cost.invoice.amount("language_premium") == D("554.67")
    assert cost.per_month == D("11648.00")


def test_per_outcome_needs_the_flows_outcomes() -> None:
    p = offer(pricing={"model": "per_outcome", "rate": 20, "outcome": "lead"})
    with pytest.raises(InputError, match="outcomes"):
        offer_cost(p, week())
    cost = offer_cost(p, week(), outcomes=Outcomes(per_contact=D("0.1")))
    # 5,546.67 calls × 0.1 = 554.67 leads × 20 € = 11,093.33
    assert cost.outcomes == D(128) and cost.per_month == D("11093.33")
    share = offer(pricing={"model": "per_outcome", "outcome_share": D("0.2")})
    with pytest.raises(InputError, match="value"):
        offer_cost(share, week(), outcomes=Outcomes(per_contact=D("0.1")))
    profile = FlowProfile(outcome_rate=D("0.1"), outcome_value=D(50))
    outcomes = Outcomes.of(profile)
    assert outcomes == Outcomes(per_contact=D("0.1"), value_each=D(50))
    # 554.67 outcomes × 20 % × 50 € = 5,546.67
    assert offer_cost(share, week(), outcomes=outcomes).per_month == D("5546.67")


def test_fixed_plus_variable_and_the_minimum_commitment_on_a_workload() -> None:
    p = offer(
        pricing={"model": "fixed_plus_variable", "fixed_monthly": 1000, "rate": 1, "minimum_monthly": 8000}
    )
    cost = offer_cost(p, week())
    # 1,000 + 5,546.67 contacts × 1 € = 6,546.67, topped up to 8,000
    assert cost.invoice.amount("minimum_commitment") == D("1453.33")
    assert cost.per_month == D(8000)


def test_an_offer_that_cannot_take_the_flow_says_why() -> None:
    p = offer(
        channels=["email"],
        languages=["en"],
        flows=["other-flow"],
        min_contacts_per_month=10000,
        capacity_agents=4,
    )
    cost = offer_cost(p, week(languages={"fr": 1.0}))
    assert not cost.feasible
    assert [r.reason for r in cost.reasons] == ["channel", "language", "flow", "min_contacts", "capacity"]
    by = {r.reason: r for r in cost.reasons}
    assert by["capacity"].got.startswith("5 agents") and by["capacity"].expected == "≤ 4 agents on line"
    assert by["min_contacts"].got == "5546.67"
    assert by["language"].got == "fr"
    assert cost.per_month > 0  # priced anyway, to show what it would have cost


def test_calls_outside_the_offers_hours_are_reported_not_served() -> None:
    cost = offer_cost(offer(hours={"mon-fri": "09:00-13:00"}), week())
    # the week's calls come 09:00–17:00: the afternoons (8 half-hours × 5 days × 16) are not served
    assert cost.unserved.intervals == 40
    assert cost.unserved.contacts == D(640)
    assert cost.unserved.contacts_by_band["day"] == D(640)
    assert cost.contacts == D(640)
    assert cost.productive_hours == D(100)


def test_deferred_work_waits_for_the_offers_hours_instead_of_being_lost() -> None:
    four_hours = StaffingTargets(deadline_s=4 * 3600.0)
    mails = week(channel=Channel.EMAIL, volume=10.0, aht_s=360.0, talk_s=0.0, targets=four_hours)
    cost = offer_cost(offer(hours={"mon-fri": "09:00-13:00"}), mails)
    assert cost.unserved.contacts == 0
    assert cost.contacts == D(800)
    # Monday to Thursday: 640 mails × 6 min = 64 h of work, due within the week, at 85 %
    # occupancy: at least 75.3 h on line (Friday's afternoon mails fall due after the week)
    assert cost.productive_hours >= D(64) / D("0.85")
    assert cost.late_s == 0.0


def test_one_off_costs_setup_training_parallel_run_and_exit() -> None:
    p = offer(
        setup_fee=5000,
        exit_fee=3000,
        transition={"training_days_per_agent": 10, "training_day_rate": 100, "parallel_run_weeks": 2},
    )
    cost = offer_cost(p, week())
    # FTE: 866.67 h on line a month ÷ (1 − 0.25) = 1,155.56 paid h ÷ 151.67 = 7.62 → 8 agents to train
    assert cost.fte == D("7.618880")
    assert cost.one_off_amount("setup_fee") == D(5000)
    assert cost.one_off_amount("knowledge_transfer_training") == D(8000)  # 10 days × 8 × 100 €
    # two weeks = 0.4615 month of the provider's fees: 6,933.33 × 0.4615 = 3,199.73
    assert cost.one_off_amount("parallel_run") == D("3199.73")
    assert cost.transition_total == D("16199.73")
    assert cost.exit_fee == D(3000)


def test_intervals_are_placed_in_local_time_across_daylight_saving() -> None:
    # 2026-03-29 01:00 UTC is 03:00 in Paris (summer time began at 02:00): a Sunday
    winter = 1_774_742_400  # 2026-03-29 00:00 UTC = 01:00 Paris (UTC+1)
    summer = 1_774_746_000  # 01:00 UTC = 03:00 Paris (UTC+2)
    mow = minute_of_week(np.array([winter, summer]), timezone="Europe/Paris")
    assert mow.tolist() == [6 * 1440 + 60, 6 * 1440 + 180]


def test_an_offer_with_zero_occupancy_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"productivity\.occupancy"):
        offer_cost(offer(productivity={"occupancy": 0}), week())
