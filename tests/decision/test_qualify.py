"""Qualification of a flow (docs/decision.md): each rule on a flow that triggers it, the sentences
quoting their evidence, and the recommendation rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arbitre.decision import Direction, FlowEvidence, Logic, Qualification, Reason, qualify, recommend
from arbitre.decision.thresholds import (
    LARGE_VOLUME_CONTACTS,
    MOVE_MARGIN,
    SMALL_VOLUME_CONTACTS,
    UNSOCIABLE_SHARE,
)
from arbitre.domain.channels import Channel
from arbitre.domain.costing import FlowProfile
from arbitre.errors import InputError

GRID = ("volume", "complexity", "cx_differentiator", "budget", "channels", "maturity")
NNBSP = "\u202f"


def evidence(**changes: Any) -> FlowEvidence:
    """A plain daytime flow of 3,000 calls in French, nothing remarkable, with ``changes``."""
    base: dict[str, Any] = {
        "flow": "sav",
        "label": "Service après-vente",
        "channel": Channel.VOICE_IN,
        "contacts_per_month": 3_000.0,
        "aht_s": 300.0,
        "outside_hours_share": 0.0,
        "band_shares": {"day": 1.0},
    }
    base.update(changes)
    return FlowEvidence(**base)


def profile(**changes: Any) -> FlowProfile:
    return FlowProfile(**changes)


def only(q: Qualification, code: str) -> Reason:
    found = [r for r in q.reasons if r.code == code]
    assert len(found) == 1, [r.code for r in q.reasons]
    return found[0]


def codes(q: Qualification) -> set[str]:
    return {r.code for r in q.reasons if r.logic is not Logic.GRID}


# --- The economic logic --------------------------------------------------------------------------


def test_an_evening_and_weekend_heavy_flow_gets_an_economic_reason_quoting_its_share() -> None:
    q = qualify(
        evidence(band_shares={"evening": 0.20, "night": 0.02, "weekend": 0.19}, outside_hours_share=0.35)
    )
    r = only(q, "unsociable_hours")
    assert (r.logic, r.direction, r.criterion) == (Logic.ECONOMIC, Direction.HYBRID, "hours")
    assert r.fr.startswith(
        f"41{NNBSP}% des appels arrivent après 19 h ou le week-end (soir 20{NNBSP}%, nuit 2{NNBSP}%"
    )
    assert r.en.startswith(
        "41% of calls arrive after 19:00 or at the weekend (evening 20%, night 2%, weekend 19%)"
    )
    assert r.scope.bands == ("evening", "weekend")  # 2 % at night is not worth a scope
    outside = only(q, "demand_outside_opening_hours")
    assert outside.en.startswith("35% of calls arrive outside opening hours")
    assert q.recommendation.value == "hybrid"
    assert q.scope.bands == ("evening", "weekend") and q.scope.outside_hours
    assert q.summary.en == (
        "Hybrid: to a provider evenings and weekends, as well as the hours outside opening; the rest in-house"
    )
    assert q.summary.fr == (
        "Hybride : à un prestataire le soir et le week-end, ainsi que les heures hors ouverture ; le reste en interne"
    )


def test_the_evening_start_quoted_is_the_one_of_the_workspace() -> None:
    q = qualify(evidence(band_shares={"evening": 0.30}, evening_start="20:30", channel=Channel.EMAIL))
    r = only(q, "unsociable_hours")
    assert r.fr.startswith(f"30{NNBSP}% des e-mails arrivent après 20 h 30")
    assert r.en.startswith("30% of emails arrive after 20:30")


def test_a_flow_under_the_unsociable_threshold_gets_no_hours_reason() -> None:
    just_under = UNSOCIABLE_SHARE - 0.01
    q = qualify(evidence(band_shares={"evening": just_under}))
    assert "unsociable_hours" not in codes(q)


def test_a_flow_almost_entirely_at_night_points_to_outsourcing_the_whole_flow() -> None:
    q = qualify(evidence(band_shares={"day": 0.1, "night": 0.6, "weekend": 0.3}))
    assert only(q, "unsociable_hours").direction is Direction.OUTSOURCE


def test_recurring_peaks_point_to_an_overflow_and_name_their_months_and_days() -> None:
    q = qualify(
        evidence(peak_ratio_month=1.45, peak_months=(11, 12), peak_ratio_day=1.62, peak_days=("mon",))
    )
    r = only(q, "recurring_peaks")
    assert r.direction is Direction.HYBRID and r.scope.overflow
    assert "le mois le plus chargé atteint 1,45 fois la moyenne (novembre et décembre)" in r.fr
    assert "the busiest day at 1.62 times the average (Monday)" in r.en


def test_a_large_highly_scripted_flow_is_outsourced_on_the_economic_logic() -> None:
    q = qualify(evidence(contacts_per_month=12_500, profile=profile(scripted=True, complexity="low")))
    r = only(q, "large_scripted_volume")
    assert (r.logic, r.direction) == (Logic.ECONOMIC, Direction.OUTSOURCE)
    assert r.fr.startswith(f"12{NNBSP}500 appels par mois sur une tâche fortement scriptée")
    assert r.en.startswith("12,500 calls a month")
    assert q.recommendation.value == "outsource"


def test_a_scripted_flow_below_the_large_volume_gets_no_volume_reason() -> None:
    q = qualify(evidence(contacts_per_month=LARGE_VOLUME_CONTACTS - 1, profile=profile(scripted=True)))
    assert "large_scripted_volume" not in codes(q)


def test_an_offer_well_below_in_house_cost_argues_for_outsourcing_and_quotes_both_costs() -> None:
    q = qualify(
        evidence(
            inhouse_cost_per_contact=Decimal("3.40"),
            offer_cost_per_contact=Decimal("2.50"),
            best_offer="ma-rabat",
        )
    )
    r = only(q, "offer_cheaper")
    assert r.direction is Direction.OUTSOURCE and r.weight == 2
    assert (
        r.fr
        == f"L'offre la moins chère (ma-rabat) revient à 2,50\u00a0€ par contact contre 3,40\u00a0€ en interne : 26{NNBSP}% d'économie"
    )
    assert r.en == "The cheapest offer (ma-rabat) costs €2.50 per contact against €3.40 in-house: 26% savings"


def test_savings_beyond_the_usual_range_are_flagged_for_checking() -> None:
    q = qualify(evidence(inhouse_cost_per_contact=Decimal("4"), offer_cost_per_contact=Decimal("2")))
    assert only(q, "offer_cheaper").en.endswith(
        "50% savings — above the usual 15 to 35%, the offer needs checking"
    )


def test_savings_too_thin_to_pay_for_the_transition_argue_for_keeping() -> None:
    q = qualify(evidence(offer_savings_share=0.03))
    r = only(q, "offer_not_cheaper")
    assert r.direction is Direction.KEEP
    assert r.en == "The cheapest offer: only 3% savings, which transition and governance absorb"
    dearer = qualify(evidence(inhouse_cost_per_contact=Decimal("2"), offer_cost_per_contact=Decimal("2.5")))
    assert only(dearer, "offer_not_cheaper").en.endswith("in-house is cheaper (a gap of 25%)")


# --- The competence logic ------------------------------------------------------------------------


def test_foreign_languages_the_team_lacks_are_a_competence_reason_for_a_split_by_language() -> None:
    q = qualify(evidence(languages={"fr": 0.82, "en": 0.12, "de": 0.06}, team_languages=frozenset({"fr"})))
    r = only(q, "languages_lacking")
    assert (r.logic, r.direction, r.scope.languages) == (Logic.COMPETENCE, Direction.HYBRID, ("en", "de"))
    assert r.fr == (
        f"18{NNBSP}% des contacts sont en anglais (12{NNBSP}%) et en allemand (6{NNBSP}%), "
        "langues que l'équipe ne maîtrise pas"
    )
    assert r.en == "18% of contacts are in English (12%) and German (6%), languages the team does not master"
    assert q.recommendation.value == "hybrid"
    assert q.summary.en == "Hybrid: to a provider contacts in English and German; the rest in-house"


def test_languages_the_team_speaks_are_no_reason() -> None:
    q = qualify(evidence(languages={"fr": 0.8, "en": 0.2}, team_languages=frozenset({"fr", "en"})))
    assert "languages_lacking" not in codes(q)


def test_a_flow_mostly_in_a_language_the_team_lacks_points_to_outsourcing_it_whole() -> None:
    q = qualify(evidence(languages={"es": 0.85, "fr": 0.15}))
    r = only(q, "languages_lacking")
    assert r.direction is Direction.OUTSOURCE
    assert r.en.endswith("a language the team does not master")


def test_a_sensitive_mission_outside_the_core_business_is_outsourced_on_competence() -> None:
    q = qualify(evidence(profile=profile(sensitive=True)))
    r = only(q, "sensitive_mission")
    assert (r.logic, r.direction) == (Logic.COMPETENCE, Direction.OUTSOURCE)
    assert q.recommendation.value == "outsource"  # sensitive + hygiene CX + constrained budget


def test_pointed_expertise_the_team_lacks_is_a_competence_reason() -> None:
    q = qualify(evidence(profile=profile(expertise="support IT niveau 2/3")))
    r = only(q, "pointed_expertise")
    assert (r.logic, r.direction) == (Logic.COMPETENCE, Direction.OUTSOURCE)
    assert "(support IT niveau 2/3)" in r.fr


# --- The keep-in-house rules ---------------------------------------------------------------------


def test_a_small_volume_is_kept_in_house_even_with_evening_demand() -> None:
    q = qualify(evidence(contacts_per_month=600, band_shares={"evening": 0.25}))
    r = only(q, "small_volume")
    assert (r.logic, r.direction) == (Logic.KEEP_IN_HOUSE, Direction.KEEP)
    assert r.fr.startswith("Seulement 600 appels par mois (50 h de traitement)")
    assert r.en.startswith("Only 600 calls a month (50 h of handling): too few")
    assert q.recommendation.value == "keep"


def test_few_but_long_contacts_are_not_a_small_volume() -> None:
    # 800 back-office cases of 30 minutes are 400 hours of work: a team a provider will staff
    q = qualify(
        evidence(contacts_per_month=SMALL_VOLUME_CONTACTS - 200, aht_s=1800, channel=Channel.BACKOFFICE)
    )
    assert "small_volume" not in codes(q)


def test_unique_know_how_keeps_a_flow_in_house() -> None:
    q = qualify(
        evidence(
            band_shares={"evening": 0.25},
            profile=profile(unique_know_how=True, expertise="conseil patrimonial", cx_differentiator=True),
        )
    )
    r = only(q, "unique_know_how")
    assert (r.logic, r.direction) == (Logic.KEEP_IN_HOUSE, Direction.KEEP)
    assert "pointed_expertise" not in codes(q)  # the expertise is the team's own
    assert q.recommendation.value == "keep"


def test_an_uncertain_volume_is_a_reason_to_keep() -> None:
    q = qualify(evidence(forecast_error=0.32))
    r = only(q, "uncertain_volume")
    assert r.direction is Direction.KEEP
    assert "misses by 32% on average" in r.en


# --- The grid ------------------------------------------------------------------------------------


def test_the_six_criteria_of_the_grid_each_appear_once_with_their_evidence() -> None:
    q = qualify(
        evidence(
            service_level=0.68,
            abandon_rate=0.12,
            inhouse_cost_per_contact=Decimal("3.40"),
            company_channels=4,
            company_languages=2,
            seven_days=True,
        )
    )
    grid = [r for r in q.reasons if r.logic is Logic.GRID]
    assert sorted(r.criterion for r in grid) == sorted(GRID)
    for r in grid:
        assert r.evidence and r.fr and r.en
    assert "the busiest month at 1.00 times the average" in only(q, "grid_volume").en
    assert "mean handle time 5 min 00 s" in only(q, "grid_complexity").en
    budget = only(q, "grid_budget")
    assert budget.en.startswith(
        "Constrained budget; the flow costs €3.40 per contact in-house, €10,200 a month"
    )
    channels = only(q, "grid_channels")
    assert channels.direction is Direction.OUTSOURCE
    assert channels.en.startswith("The company covers 4 channels and 2 languages, demand comes 7 days a week")
    maturity = only(q, "grid_maturity")
    assert maturity.direction is Direction.OUTSOURCE
    assert maturity.en == (
        "Operational maturity medium; service level 68% against a target of 80%; abandonment 12%: "
        "in need of continuous improvement"
    )


@pytest.mark.parametrize(
    ("changes", "criterion", "direction"),
    [
        ({"contacts_per_month": 20_000}, "volume", Direction.OUTSOURCE),
        ({"contacts_per_month": 400}, "volume", Direction.KEEP),
        ({"peak_ratio_month": 1.5}, "volume", Direction.OUTSOURCE),
        ({"profile": FlowProfile(complexity="high")}, "complexity", Direction.KEEP),
        ({"profile": FlowProfile(complexity="low")}, "complexity", Direction.OUTSOURCE),
        ({"profile": FlowProfile(cx_differentiator=True)}, "cx_differentiator", Direction.KEEP),
        ({"budget": "comfortable"}, "budget", Direction.KEEP),
        ({"company_channels": 2}, "channels", Direction.KEEP),
        ({"seven_days": True}, "channels", Direction.NEUTRAL),
        ({"profile": FlowProfile(maturity="high"), "service_level": 0.82}, "maturity", Direction.KEEP),
        ({"profile": FlowProfile(maturity="high"), "service_level": 0.55}, "maturity", Direction.NEUTRAL),
        ({"profile": FlowProfile(maturity="low")}, "maturity", Direction.OUTSOURCE),
    ],
)
def test_each_grid_criterion_points_the_way_seed_004_says(
    changes: dict[str, Any], criterion: str, direction: Direction
) -> None:
    (r,) = [
        r for r in qualify(evidence(**changes)).reasons if r.logic is Logic.GRID and r.criterion == criterion
    ]
    assert r.direction is direction
    assert r.weight == (0 if direction is Direction.NEUTRAL else 1)


def test_the_grid_alone_moves_a_flow_only_when_its_criteria_clearly_point_out() -> None:
    # five of the six criteria point out, no reason from the two logics
    q = qualify(
        evidence(
            profile=profile(complexity="low", maturity="low"),
            company_channels=4,
            company_languages=3,
            seven_days=True,
            peak_ratio_month=1.2,
        )
    )
    assert codes(q) == set()
    assert q.scores[Direction.OUTSOURCE] == 5 and q.scores[Direction.KEEP] == 0
    assert q.recommendation.value == "outsource"
    # a plain flow: customer experience as hygiene and a constrained budget point out, a narrow
    # coverage points in — one net nudge is under the margin
    plain = qualify(evidence())
    assert plain.scores[Direction.OUTSOURCE] - plain.scores[Direction.KEEP] == 1 < MOVE_MARGIN
    assert plain.recommendation.value == "keep"


# --- The recommendation rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outsource", "keep", "hybrid", "expected"),
    [
        (6, 1, 3, "outsource"),  # whole-flow reasons beat keeping and beat the split
        (3, 1, 3, "hybrid"),  # as many reasons for a split as for outsourcing: the narrower move
        (2, 1, 3, "hybrid"),
        (1, 4, 3, "keep"),  # moving must beat staying by the margin
        (2, 1, 0, "keep"),
        (0, 0, 0, "keep"),
    ],
)
def test_the_recommendation_follows_the_scores(
    outsource: float, keep: float, hybrid: float, expected: str
) -> None:
    scores = {Direction.OUTSOURCE: outsource, Direction.KEEP: keep, Direction.HYBRID: hybrid}
    assert recommend(scores).value == expected


def test_the_scores_add_the_weights_of_the_reasons_per_direction() -> None:
    q = qualify(evidence(band_shares={"evening": 0.3}, profile=profile(unique_know_how=True)))
    for d in (Direction.OUTSOURCE, Direction.KEEP, Direction.HYBRID):
        assert q.scores[d] == sum(r.weight for r in q.reasons if r.direction is d)


# --- Every sentence quotes its evidence ----------------------------------------------------------


def test_every_sentence_quotes_its_numbers_in_french_and_english_style() -> None:
    q = qualify(evidence(band_shares={"evening": 0.41}))
    r = only(q, "unsociable_hours")
    assert f"41{NNBSP}%" in r.fr and "41%" not in r.fr
    assert "41%" in r.en and "41 %" not in r.en


shares = st.floats(0, 1, allow_nan=False)


@st.composite
def random_evidence(draw: st.DrawFn) -> FlowEvidence:
    bands = draw(st.lists(shares, min_size=3, max_size=3))
    total = sum(bands)
    if total > 1:
        bands = [b / total * 0.999 for b in bands]
    foreign = draw(st.floats(0, 0.9))
    inhouse = draw(st.none() | st.decimals(min_value=Decimal("0.5"), max_value=Decimal("20"), places=2))
    offer = draw(st.none() | st.decimals(min_value=Decimal("0.3"), max_value=Decimal("20"), places=2))
    return evidence(
        channel=draw(st.sampled_from(list(Channel))),
        contacts_per_month=draw(st.floats(0, 200_000)),
        aht_s=draw(st.floats(10, 3_600)),
        outside_hours_share=draw(shares),
        band_shares=dict(zip(("evening", "night", "weekend"), bands, strict=True)),
        peak_ratio_interval=draw(st.floats(1, 6)),
        peak_ratio_day=draw(st.floats(1, 3)),
        peak_ratio_month=draw(st.floats(1, 3)),
        peak_months=tuple(draw(st.lists(st.integers(1, 12), max_size=3))),
        peak_days=tuple(draw(st.lists(st.sampled_from(["mon", "fri", "2025-11-28"]), max_size=2))),
        languages={"fr": 1 - foreign, "en": foreign * 0.7, "de": foreign * 0.3},
        service_level=draw(st.none() | shares),
        abandon_rate=draw(st.none() | shares),
        inhouse_cost_per_contact=inhouse,
        offer_cost_per_contact=offer,
        best_offer=draw(st.none() | st.just("mg-tana")),
        company_channels=draw(st.integers(1, 6)),
        company_languages=draw(st.integers(1, 5)),
        seven_days=draw(st.booleans()),
        forecast_error=draw(st.none() | st.floats(0, 1)),
        budget=draw(st.sampled_from(["constrained", "comfortable"])),
        profile=FlowProfile(
            complexity=draw(st.sampled_from(["low", "medium", "high"])),
            maturity=draw(st.sampled_from(["low", "medium", "high"])),
            cx_differentiator=draw(st.booleans()),
            scripted=draw(st.booleans()),
            sensitive=draw(st.booleans()),
            unique_know_how=draw(st.booleans()),
            expertise=draw(st.none() | st.just("recouvrement amiable")),
        ),
    )


@settings(max_examples=300, deadline=None)
@given(random_evidence())
def test_every_reason_quotes_each_of_its_numbers_in_both_languages(ev: FlowEvidence) -> None:
    q = qualify(ev)
    assert sorted(r.criterion for r in q.reasons if r.logic is Logic.GRID) == sorted(GRID)
    for r in q.reasons:
        assert r.evidence, r.code
        for e in r.evidence:
            if e.numeric:
                fr, en = e.text("fr"), e.text("en")
                assert fr in r.fr, (r.code, fr, r.fr)
                assert en in r.en, (r.code, en, r.en)
                if e.kind.value == "share":
                    assert fr.endswith(f"{NNBSP}%") and en.endswith("%") and " " not in en
    assert q.recommendation.value in {"keep", "outsource", "hybrid"}
    if q.recommendation.value == "hybrid":
        assert not q.scope.empty
    else:
        assert q.scope.empty


# --- Input ---------------------------------------------------------------------------------------


def test_band_shares_over_one_or_of_an_unknown_band_are_refused() -> None:
    with pytest.raises(InputError, match="band_shares: expected shares summing to at most 1"):
        evidence(band_shares={"evening": 0.7, "weekend": 0.6})
    with pytest.raises(InputError, match="expected bands among"):
        evidence(band_shares={"lunch": 0.2})


def test_a_peak_ratio_under_one_is_refused() -> None:
    with pytest.raises(InputError, match="peak_ratio_month: expected a number ≥ 1"):
        evidence(peak_ratio_month=0.8)
