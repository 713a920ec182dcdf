"""The in-house cost model: a breakdown computed by hand, hidden costs, and sizing from the staffing engine."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from arbitre.costing.defaults import french_defaults
from arbitre.costing.inhouse import HIDDEN, inhouse_cost, planned_shrinkage, team_cost
from arbitre.costing.workload import FlowWorkload
from arbitre.domain.channels import Channel
from arbitre.domain.costing import Bands
from arbitre.domain.targets import CHANNEL_DEFAULTS, StaffingTargets
from arbitre.staffing.requirement import requirement
from arbitre.staffing.workforce import BANDS
from tests.costing.builders import round_costs, week

D = Decimal


def hand_workload(channel: Channel = Channel.VOICE_IN) -> FlowWorkload:
    """140 one-hour intervals with 8 agents on line each: 120 weekday daytime, 12 evening, 8 weekend.

    On line: 960 h day, 96 h evening, 64 h weekend (1,120 h); 50 contacts of 4 minutes' talk in
    each (7,000 contacts, 28,000 minutes).
    """
    band = np.array([0] * 120 + [1] * 12 + [3] * 8, dtype=np.int64)
    n = band.size
    return FlowWorkload(
        flow="hand",
        channel=channel,
        interval_s=3600.0,
        start_s=np.arange(n, dtype=np.int64) * 3600,
        band=band,
        open_=np.ones(n, bool),
        in_scope=np.ones(n, bool),
        volume=np.full(n, 50.0),
        aht_s=np.full(n, 300.0),
        talk_s=np.full(n, 240.0),
        targets=StaffingTargets(shrinkage=0.25),
        months=1.0,
    )


def test_a_breakdown_computed_by_hand() -> None:
    # Planned shrinkage 0.25 − 0.05 absence = 0.20: paid hours 960 ÷ 0.8 = 1,200 day, 120 evening,
    # 80 weekend (1,400 h); FTE = 1,400 ÷ (1,600 ÷ 12) = 10.5; seats 10.5 × 0.5 = 5.25; hires
    # 10.5 × 0.3 ÷ 12 = 0.2625. Loaded pay 12.50 €/h.
    cost = inhouse_cost(hand_workload(), costs=round_costs(), agents=np.full(140, 8, dtype=np.int64))
    expected = {
        "agents_pay": D("17500.00"),  # (1,200 + 120 + 80) × 12.50
        "band_premium": D("800.00"),  # 120 × 12.50 × 0.2 + 80 × 12.50 × 0.5 = 300 + 500
        "team_leaders": D("2625.00"),  # 10.5 ÷ 10 × 20,000 × 1.5 ÷ 12
        "managers": D("1050.00"),  # 10.5 ÷ 50 × 40,000 × 1.5 ÷ 12
        "support_staff": D("1312.50"),  # 10.5 × 5 % × 20,000 × 1.5 ÷ 12
        "recruiting": D("262.50"),  # 0.2625 × 1,000
        "initial_training": D("360.94"),  # 0.2625 × 10 × (7 × 12.50 + 50) = 360.9375
        "ongoing_training": D("87.50"),  # 10.5 ÷ 12 × 14 ÷ 7 × 50
        "absenteeism": D("1098.00"),  # 0.05 × (17,500 + 800) × 1.2
        "overtime": D("175.00"),  # 0.04 × 17,500 × 0.25
        "licences": D("525.00"),  # 5.25 × 100
        "equipment": D("262.50"),  # 5.25 × 600 ÷ 12
        "premises": D("1050.00"),  # 5.25 × 2,400 ÷ 12
        "telecom": D("560.00"),  # 28,000 min × 0.02
    }
    assert cost.by_component() == expected
    assert cost.total == D("27668.94") == sum(expected.values())
    assert cost.per_month == D("27668.94")
    assert cost.fte == D("10.500000")
    assert cost.paid_hours_by_band == {"day": D(1200), "evening": D(120), "night": D(0), "weekend": D(80)}
    assert cost.fte_by_band["day"] == D("9.000000")  # 1,200 ÷ 133.33
    assert cost.productive_hours == D(1120)
    assert cost.per_productive_hour == D("24.7044")  # 27,668.94 ÷ 1,120
    assert cost.per_contact == D("3.9527")  # ÷ 7,000
    assert cost.per_fte_per_month == D("2635.1371")  # ÷ 10.5
    assert cost.pay_by_band() == {"day": D(15000), "evening": D(1800), "night": D(0), "weekend": D(1500)}


def test_the_components_add_up_to_the_total() -> None:
    cost = inhouse_cost(week(), costs=french_defaults())
    assert cost.total == sum(ln.amount for ln in cost.lines)
    assert cost.per_month == round(cost.total / cost.months, 2)
    assert cost.hidden_total == sum(ln.amount for ln in cost.lines if ln.hidden)
    assert (
        cost.volume_driven_total + sum(ln.amount for ln in cost.lines if ln.driver == "fixed") == cost.total
    )


def test_hidden_costs_are_flagged_and_the_others_are_not() -> None:
    cost = inhouse_cost(hand_workload(), costs=round_costs(), agents=np.full(140, 8, dtype=np.int64))
    hidden = {ln.component for ln in cost.lines if ln.hidden}
    assert hidden == {"band_premium", "recruiting", "initial_training", "absenteeism", "overtime"} == HIDDEN
    assert cost.hidden_total == D("2696.44")  # 800 + 262.50 + 360.94 + 1,098 + 175


def test_agents_come_from_the_staffing_engine_on_the_contacts_in_scope() -> None:
    w = week()
    cost = inhouse_cost(w, costs=french_defaults())
    req = requirement(
        channel=w.channel,
        volume=w.volume * w.in_scope,
        aht_s=w.aht_s,
        interval_s=w.interval_s,
        targets=CHANNEL_DEFAULTS[w.channel],
        open_=w.open_,
    )
    # 16 calls of 300 s a half-hour need 5 agents: 5 × 80 half-hours = 200 h on line
    assert req.agents.max() == 5 and cost.model == "erlang_c"
    assert cost.productive_hours == D(int(req.agents.sum())) / 2 == D(200)
    assert cost.peak_agents == 5
    assert cost.contacts == D(1280)


def test_out_of_scope_contacts_cost_nothing() -> None:
    w = week()
    mornings = (w.start_s - w.start_s[0]) % 86400 < 13 * 3600
    half = inhouse_cost(w.only(mornings), costs=french_defaults())
    full = inhouse_cost(w, costs=french_defaults())
    assert half.productive_hours == full.productive_hours / 2
    assert half.total < full.total


def test_telecom_counts_talk_minutes_of_voice_only() -> None:
    agents = np.full(140, 8, dtype=np.int64)
    voice = inhouse_cost(hand_workload(Channel.VOICE_IN), costs=round_costs(), agents=agents)
    mail = inhouse_cost(hand_workload(Channel.EMAIL), costs=round_costs(), agents=agents)
    assert voice.talk_minutes == D(28000) and voice.amount("telecom") == D(560)
    assert mail.talk_minutes == 0 and mail.amount("telecom") == 0
    assert voice.total - mail.total == D(560)


def test_band_premiums_raise_the_cost_of_evening_and_weekend_hours_only() -> None:
    agents = np.full(140, 8, dtype=np.int64)
    flat = inhouse_cost(hand_workload(), costs=round_costs(band_premiums=Bands()), agents=agents)
    premium = inhouse_cost(hand_workload(), costs=round_costs(), agents=agents)
    # premiums 800, and absenteeism replaces premium hours too: + 0.05 × 800 × 1.2 = 48
    assert premium.total - flat.total == D(848)
    assert premium.pay_by_band()["day"] == flat.pay_by_band()["day"]


def test_absence_is_taken_out_of_the_shrinkage_when_priced_apart() -> None:
    costs = round_costs()
    assert planned_shrinkage(D("0.25"), costs=costs) == D("0.20")
    assert planned_shrinkage(D("0.03"), costs=costs) == 0  # never below zero
    apart = round_costs(shrinkage_includes_absenteeism=False)
    assert planned_shrinkage(D("0.25"), costs=apart) == D("0.25")
    agents = np.full(140, 8, dtype=np.int64)
    cost = inhouse_cost(hand_workload(), costs=apart, agents=agents)
    assert cost.fte == D("11.2")  # 1,120 ÷ 0.75 = 1,493.33 h ÷ 133.33


def test_a_team_of_given_fte_is_costed_like_a_workload_with_the_same_hours() -> None:
    agents = np.full(140, 8, dtype=np.int64)
    costs = round_costs(band_premiums=Bands())
    flow = inhouse_cost(hand_workload(Channel.EMAIL), costs=costs, agents=agents)
    team = team_cost(fte=D("10.5"), costs=costs, shrinkage=D("0.25"), talk_share=D(0))
    assert team.productive_hours == flow.productive_hours == D(1120)
    assert team.by_component() == flow.by_component()


def test_team_cost_checks_its_band_shares() -> None:
    with pytest.raises(ValueError, match="add up to 1"):
        team_cost(fte=5, costs=french_defaults(), band_shares={"day": D("0.5")})
    with pytest.raises(ValueError, match="unknown bands"):
        team_cost(fte=5, costs=french_defaults(), band_shares={"sunday": D(1)})
    evenings = team_cost(fte=5, costs=french_defaults(), band_shares={"day": D("0.5"), "evening": D("0.5")})
    assert evenings.per_month > team_cost(fte=5, costs=french_defaults()).per_month
    assert set(evenings.fte_by_band) == set(BANDS)


def test_the_same_service_as_five_offshore_agents_takes_more_than_five_french_fte() -> None:
    # 200 h on line a week need 200 ÷ (1 − 0.22) = 256.41 paid hours, and one FTE works
    # 1,607 × 12/52 ÷ 12 = 30.90 h a week: 8.30 FTE (35-hour weeks, leave and holidays, shrinkage).
    cost = inhouse_cost(week(), costs=french_defaults())
    assert cost.fte == D("8.297034")
    assert cost.per_month == D("36512.45")


def test_given_agents_must_match_the_intervals() -> None:
    with pytest.raises(ValueError, match="one value per interval"):
        inhouse_cost(hand_workload(), costs=round_costs(), agents=np.ones(3, dtype=np.int64))
