"""Month-to-date projections and trends on small cases computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pytest

import arbitre
from arbitre.contract.watch import (
    CALLS,
    SlaValue,
    day_weights,
    expected_remaining,
    pace_remaining,
    project_ratio,
    project_value,
    project_windows,
    remaining_days,
    sla_remaining,
    sla_remaining_days,
    trend,
)
from arbitre.domain.contract import Contract, Sla, Volumes
from arbitre.domain.month import Month
from arbitre.reports.notes import say
from arbitre.yamlio import load_model

EXAMPLE = Path(arbitre.__file__).parent / "examples" / "contracts" / "callmada-2026.yaml"
NNBSP = "\u202f"


def sla(**fields: Any) -> Sla:
    return Sla.model_validate({"name": "s", "weight": 1, **fields})


SL = sla(name="answer-30s", kpi="service_level", target=0.8)
ABANDON = sla(name="abandon", kpi="abandon_rate", target=0.08)
DAILY_ABANDON = sla(name="abandon", kpi="abandon_rate", target=0.08, window="day", min_share_of_windows=0.9)


# --- at least (service level) ----------------------------------------------------------------


def test_a_month_that_can_just_reach_the_target_with_every_remaining_call_is_at_risk_not_missed() -> None:
    # (600 + 1000) / (1000 + 1000) = 0.80 exactly: possible only if all 1000 calls go right.
    p = project_ratio(SL, numerator=600, denominator=1000, remaining=1000)
    assert p.status == "at_risk"
    assert p.needed == pytest.approx(1.0)
    assert p.actual == pytest.approx(0.6)
    assert not p.final


def test_one_call_fewer_in_time_makes_the_month_missed() -> None:
    # (599 + 1000) / 2000 = 0.7995 < 0.80
    p = project_ratio(SL, numerator=599, denominator=1000, remaining=1000)
    assert p.status == "missed"
    assert p.needed == 1.0  # clipped: 1.001 would be needed
    assert (
        say(p.note, "en")
        == "out of reach: even with 100% on the 1,000 contacts left, the month would end at 79.9% (target 80.0%)"
    )


def test_a_month_exactly_on_target_is_on_track_since_the_rest_needs_the_same_rate() -> None:
    # needed = (0.8 × 1500 − 800) / 500 = 0.8 = the rate to date
    p = project_ratio(SL, numerator=800, denominator=1000, remaining=500)
    assert p.status == "on_track"
    assert p.needed == pytest.approx(0.8)


def test_a_month_just_below_target_is_at_risk() -> None:
    # needed = (1200 − 799) / 500 = 0.802 > 0.799
    p = project_ratio(SL, numerator=799, denominator=1000, remaining=500)
    assert p.status == "at_risk"
    assert p.needed == pytest.approx(0.802)
    assert say(p.note, "en") == "80.2% needed on the 500 contacts left, against 79.9% so far"


def test_a_bound_is_rounded_to_the_strict_side_not_onto_the_target() -> None:
    # needed = (0.8 × 2000 − 799.9) / 1000 = 0.8001: reads 80.1 %, not 80.0 % like the target
    p = project_ratio(SL, numerator=799.9, denominator=1000, remaining=1000)
    assert say(p.note, "en") == "80.1% needed on the 1,000 contacts left, against 80.0% so far"
    # float noise on an exact 80 % is not rounded up
    assert "80.0% needed" in say(project_ratio(SL, numerator=800, denominator=1000, remaining=500).note, "en")


def test_the_note_quotes_the_rate_needed_and_the_rate_so_far_in_both_languages() -> None:
    # needed = (0.8 × 78 400 − 46 860) / 18 400 = 15 860 / 18 400 = 0.86196
    p = project_ratio(SL, numerator=46_860, denominator=60_000, remaining=18_400, noun=CALLS)
    assert say(p.note, "fr") == (
        f"il faudrait 86,2{NNBSP}% sur les 18{NNBSP}400 appels restants, contre 78,1{NNBSP}% depuis le début du mois"
    )
    assert say(p.note, "en") == "86.2% needed on the 18,400 calls left, against 78.1% so far"


def test_a_target_already_secured_needs_nothing_on_the_rest() -> None:
    # (0.5 × 1500 − 1000) / 500 = −0.5: even all 500 remaining failing leaves 1000/1500 = 66.7 %
    p = project_ratio(sla(kpi="service_level", target=0.5), numerator=1000, denominator=1000, remaining=500)
    assert p.status == "on_track"
    assert p.needed == 0.0
    assert say(p.note, "en") == "target secured whatever the 500 contacts left"


def test_survey_responses_are_projected_in_proportion_to_the_contacts() -> None:
    # 100 responses out of 1000 contacts so far; 500 contacts left → 50 responses expected.
    p = project_ratio(
        sla(kpi="csat", target=0.7), numerator=68, denominator=100, remaining=500, contacts=1000
    )
    assert p.remaining == pytest.approx(50)
    assert p.needed == pytest.approx((0.7 * 150 - 68) / 50)  # 0.74
    assert p.status == "at_risk"


def test_no_contact_yet_is_on_track_and_needs_the_target() -> None:
    p = project_ratio(SL, numerator=0, denominator=0, remaining=1000)
    assert (p.status, p.actual) == ("on_track", None)
    assert p.needed == pytest.approx(0.8)


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="numerator"):
        project_ratio(SL, numerator=11, denominator=10, remaining=0)
    with pytest.raises(ValueError):
        project_ratio(SL, numerator=1, denominator=10, remaining=-1)


# --- at most (abandonment) -------------------------------------------------------------------


def test_an_abandon_rate_that_zero_abandons_on_the_rest_just_brings_to_target_is_at_risk() -> None:
    # 100 / (1000 + 250) = 0.08 exactly; needed = (0.08 × 1250 − 100) / 250 = 0
    p = project_ratio(ABANDON, numerator=100, denominator=1000, remaining=250)
    assert p.status == "at_risk"
    assert p.needed == pytest.approx(0.0, abs=1e-12)


def test_an_abandon_rate_one_abandon_above_is_missed() -> None:
    # 101 / 1250 = 0.0808 > 0.08
    p = project_ratio(ABANDON, numerator=101, denominator=1000, remaining=250)
    assert p.status == "missed"
    assert say(p.note, "en").startswith(
        "out of reach: even at 0% on the 250 contacts left, the month would end at 8.1%"
    )


def test_an_abandon_rate_below_target_is_on_track_with_room_on_the_rest() -> None:
    # 6 % so far; at most (0.08 × 2000 − 60) / 1000 = 10 % may be abandoned on the rest.
    p = project_ratio(ABANDON, numerator=60, denominator=1000, remaining=1000)
    assert p.status == "on_track"
    assert p.needed == pytest.approx(0.10)
    assert say(p.note, "en") == "at most 10.0% needed on the 1,000 contacts left, against 6.0% so far"


def test_an_abandon_rate_above_target_with_room_to_recover_is_at_risk() -> None:
    # 9 % so far; at most (160 − 90) / 1000 = 7 % on the rest
    p = project_ratio(ABANDON, numerator=90, denominator=1000, remaining=1000)
    assert p.status == "at_risk"
    assert p.needed == pytest.approx(0.07)


# --- complete month --------------------------------------------------------------------------


def test_a_complete_month_below_target_is_missed_for_good() -> None:
    p = project_ratio(SL, numerator=790, denominator=1000, remaining=0)
    assert (p.status, p.final, p.needed, p.remaining) == ("missed", True, None, 0.0)
    assert say(p.note, "en") == "month complete: 79.0% against a target of 80.0% — missed"


def test_a_complete_month_on_target_is_met() -> None:
    p = project_ratio(SL, numerator=800, denominator=1000, remaining=0)
    assert (p.status, p.final) == ("on_track", True)
    assert say(p.note, "fr").endswith("atteint")


def test_a_complete_abandon_month_is_judged_at_most() -> None:
    assert project_ratio(ABANDON, numerator=80, denominator=1000, remaining=0).status == "on_track"
    assert project_ratio(ABANDON, numerator=81, denominator=1000, remaining=0).status == "missed"


# --- day windows -----------------------------------------------------------------------------


def test_windows_that_all_remaining_days_must_meet_are_at_risk() -> None:
    # 90 % of 30 days = 27; 17 met, so 10 of the 10 days left: 100 % > 85 % so far
    p = project_windows(DAILY_ABANDON, met=17, total=20, remaining=10)
    assert (p.status, p.needed, p.actual) == ("at_risk", 1.0, 0.85)


def test_windows_short_of_even_all_remaining_days_are_missed() -> None:
    # 16 + 10 = 26 < 27; 26 / 30 = 86.67 % read down (a bound is rounded away from the target)
    p = project_windows(DAILY_ABANDON, met=16, total=20, remaining=10)
    assert p.status == "missed"
    assert (
        say(p.note, "en")
        == "out of reach: even with all 10 days left compliant, 86.6% of days would be (required 90.0%)"
    )


def test_windows_on_the_required_share_are_on_track() -> None:
    # 18 of 20 = 90 %; 9 of the 10 days left = 90 %
    p = project_windows(DAILY_ABANDON, met=18, total=20, remaining=10)
    assert (p.status, p.needed) == ("on_track", 0.9)
    assert say(p.note, "en") == "9 compliant days needed out of the 10 left (90.0%), against 90.0% so far"


def test_a_complete_month_of_windows_is_final() -> None:
    assert project_windows(DAILY_ABANDON, met=27, total=30, remaining=0).status == "on_track"
    missed = project_windows(DAILY_ABANDON, met=26, total=30, remaining=0)
    assert (missed.status, missed.final, missed.needed) == ("missed", True, None)


# --- KPIs that are not shares ----------------------------------------------------------------


def test_a_wait_in_seconds_is_judged_on_its_value_to_date() -> None:
    asa = sla(kpi="asa_s", target=30)
    assert project_value(asa, value=28, remaining=100).status == "on_track"
    assert project_value(asa, value=34, remaining=100).status == "at_risk"
    final = project_value(asa, value=34, remaining=0)
    assert (final.status, final.final, final.needed) == ("missed", True, None)


# --- expected remaining contacts -------------------------------------------------------------


def example() -> Contract:
    return load_model(EXAMPLE, Contract)


def test_the_remaining_forecast_follows_the_weekday_weights() -> None:
    # September 2026 starts on a Tuesday: 4 Mondays, 5 Tuesdays, 5 Wednesdays, 4 of the others.
    # Voice weights 1.3, 1.25, 1.15, 1.1, 1.1, 0.8, 0.35: the month weighs
    # 4×1.3 + 5×1.25 + 5×1.15 + 4×(1.1 + 1.1 + 0.8 + 0.35) = 30.6; after Sunday the 27th come
    # Monday 28, Tuesday 29 and Wednesday 30: 1.3 + 1.25 + 1.15 = 3.7.
    left = expected_remaining(example().volumes, Month("2026-09"), "sav-voice-fr", date(2026, 9, 27))
    assert left == pytest.approx(31_500 * 3.7 / 30.6)


def test_the_remaining_forecast_is_the_whole_month_before_it_and_nothing_after() -> None:
    v = example().volumes
    assert expected_remaining(v, Month("2026-12"), "sav-voice-fr", date(2026, 11, 30)) == pytest.approx(
        40_000
    )
    assert expected_remaining(v, Month("2026-12"), "sav-voice-fr", date(2026, 12, 31)) == 0.0
    assert expected_remaining(v, Month("2026-12"), "chat", date(2026, 12, 1)) is None


def test_an_sla_on_every_flow_expects_the_contacts_of_every_flow() -> None:
    c = example()
    csat = next(s for s in c.slas if s.name == "csat")
    through = date(2026, 9, 27)
    # E-mail weights 1.25, 1.15, 1.05, 1.05, 1.0, 0.9, 0.8: 4×1.25 + 5×1.15 + 5×1.05 + 4×3.75 = 31.0
    # for the month, 1.25 + 1.15 + 1.05 = 3.45 for the last three days.
    assert sla_remaining(c, csat, month=Month("2026-09"), through=through) == pytest.approx(
        31_500 * 3.7 / 30.6 + 18_500 * 3.45 / 31.0
    )


def test_day_shares_add_up_to_one_and_all_zero_weights_mean_the_same_every_day() -> None:
    assert sum(day_weights(Month("2026-02"), [Decimal(w) for w in range(1, 8)]).values()) == 1
    zero = day_weights(Month("2026-02"), [Decimal(0)] * 7)
    assert set(zero.values()) == {Decimal(1) / 28}


def test_remaining_days_skip_closed_weekdays() -> None:
    closed_sunday = [Decimal(1)] * 6 + [Decimal(0)]
    # 21 → 30 September 2026: Sundays 27 → 9 days with contacts
    assert remaining_days(Month("2026-09"), through=date(2026, 9, 20), weekday_weights=closed_sunday) == 9
    assert remaining_days(Month("2026-09"), through=date(2026, 9, 30)) == 0


def test_a_day_sla_counts_the_days_on_which_one_of_its_flows_expects_contacts() -> None:
    week = [Decimal(1)] * 6 + [Decimal(0)]
    volumes = Volumes(
        default={"voice": Decimal(1000)}, weekday_weights={"voice": week, "email": [Decimal(1)] * 7}
    )
    c = example().model_copy(update={"flows": ["voice", "email"], "volumes": volumes})
    # 21 → 30 September 2026: ten days, one of them (27) a Sunday without voice
    voice_only = sla(kpi="abandon_rate", target=0.08, window="day", flows=["voice"])
    assert sla_remaining_days(c, voice_only, month=Month("2026-09"), through=date(2026, 9, 20)) == 9
    every_flow = sla(kpi="abandon_rate", target=0.08, window="day")
    assert sla_remaining_days(c, every_flow, month=Month("2026-09"), through=date(2026, 9, 20)) == 10


def test_per_flow_weights_spread_each_flows_forecast() -> None:
    week = [Decimal(1)] * 6 + [Decimal(0)]
    volumes = Volumes(default={"voice": Decimal(2600)}, weekday_weights={"voice": week})
    # September 2026 has 26 days that are not Sundays: 100 a day; 21 → 30 has 9 of them
    assert expected_remaining(volumes, Month("2026-09"), "voice", date(2026, 9, 20)) == pytest.approx(900)


def test_the_pace_so_far_projects_a_flow_without_forecast() -> None:
    assert pace_remaining(600, Month("2026-09"), through=date(2026, 9, 10)) == pytest.approx(1200)
    assert pace_remaining(0, Month("2026-09"), through=date(2026, 8, 31)) is None


# --- trend -----------------------------------------------------------------------------------


def month(m: str, **actuals: float | None) -> tuple[Month, list[SlaValue]]:
    defs: dict[str, tuple[str, Literal["at_least", "at_most"], str, float]] = {
        "sl": ("service_level", "at_least", "month", 0.8),
        "ab": ("abandon_rate", "at_most", "month", 0.08),
        "abday": ("abandon_rate", "at_most", "day", 0.08),
        "asa": ("asa_s", "at_most", "month", 30),
    }
    return Month(m), [
        SlaValue(n, defs[n][0], defs[n][2], defs[n][1], defs[n][3], a, None) for n, a in actuals.items()
    ]


def test_trend_reads_each_change_on_the_slas_better_side() -> None:
    results = [
        month("2026-06", sl=0.85, ab=0.06, abday=0.95, asa=31.0),
        month("2026-05", sl=0.80, ab=0.09, abday=0.90, asa=30.0),  # out of order on purpose
    ]
    by_name = {t.sla: t for t in trend(results)}
    assert [p.month for p in by_name["sl"].points] == ["2026-05", "2026-06"]
    assert by_name["sl"].direction == "improving"  # up on an at-least KPI
    assert by_name["ab"].direction == "improving"  # down on an at-most KPI
    assert by_name["abday"].direction == "improving"  # more days met, whatever the KPI's side
    assert by_name["asa"].direction == "worsening"  # one second more: beyond 1 % of 30 s
    assert by_name["sl"].change == pytest.approx(0.05)


def test_trend_is_stable_within_the_tolerance() -> None:
    results = [month("2026-05", sl=0.80, asa=30.0), month("2026-06", sl=0.805, asa=30.2)]
    assert [t.direction for t in trend(results)] == ["stable", "stable"]
    assert [t.direction for t in trend(results, tolerance=0.001)] == ["improving", "worsening"]


def test_trend_needs_two_values() -> None:
    results = [month("2026-04", sl=0.7), month("2026-05", sl=None), month("2026-06")]
    (only,) = trend(results)
    assert (only.direction, only.change, len(only.points)) == (None, None, 2)
