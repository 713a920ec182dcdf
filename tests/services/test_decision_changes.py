"""The inputs a manager changes before deciding again: applied over the workspace's, checked as
``decision.yaml`` is, a bad value refused by its field — on the demo's own frame and offers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbitre.domain.costing import DecisionSettings, Offer
from arbitre.errors import InputError
from arbitre.services.decide import DecisionChanges, with_changes
from arbitre.services.demo import DEMO_INPUTS
from arbitre.web.pages.decision import read_changes
from arbitre.yamlio import load_model

FRAME = load_model(DEMO_INPUTS / "decision.yaml", DecisionSettings)
OFFERS = [load_model(p, Offer) for p in sorted((DEMO_INPUTS / "offers").glob("*.yaml"))]


def test_the_changes_replace_only_what_they_name() -> None:
    offers, frame = with_changes(
        OFFERS,
        FRAME,
        DecisionChanges(
            term_months=24, discount_rate=Decimal("0.05"), offers=["callmada-tana", "hexa-amiens"]
        ),
    )
    assert [o.id for o in offers] == ["callmada-tana", "hexa-amiens"]
    assert (frame.term_months, frame.discount_rate) == (24, Decimal("0.05"))
    assert frame.keep_in_house == FRAME.keep_in_house == ["claims-backoffice"]
    assert frame.flows == FRAME.flows and frame.max_share_per_provider == Decimal("0.70")
    same_offers, same = with_changes(OFFERS, FRAME, DecisionChanges())
    assert same == FRAME and same_offers == OFFERS


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (DecisionChanges(term_months=0), "term_months"),
        (DecisionChanges(term_months=121), "term_months"),
        (DecisionChanges(discount_rate=Decimal("1.5")), "discount_rate"),
        (DecisionChanges(max_share_per_provider=Decimal("-0.1")), "max_share_per_provider"),
        (DecisionChanges(volume_growth_per_year=Decimal("-1")), "volume_growth_per_year"),
        (DecisionChanges(offers=["<script>alert(1)</script>"]), "offers"),
        (DecisionChanges(offers=[]), "offers"),
    ],
)
def test_a_value_decision_yaml_would_refuse_is_refused_by_its_field(
    changes: DecisionChanges, field: str
) -> None:
    with pytest.raises(InputError) as info:
        with_changes(OFFERS, FRAME, changes)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"term_months": "abc"}, "term_months"),
        ({"term_months": "12.5"}, "term_months"),
        ({"discount_rate": "1e999"}, "discount_rate"),
        ({"discount_rate": "NaN"}, "discount_rate"),
        ({"max_share_per_provider": "=1+1"}, "max_share_per_provider"),
        ({"budget": "'; DROP TABLE decisions; --"}, "budget"),
    ],
)
def test_the_forms_text_is_read_as_numbers_or_refused_by_its_field(form: dict[str, str], field: str) -> None:
    values = {
        "term_months": "",
        "discount_rate": "",
        "max_share_per_provider": "",
        "volume_growth_per_year": "",
        "budget": "",
    } | form
    with pytest.raises(InputError) as info:
        read_changes(**values, keep_in_house=[], offers=["callmada-tana"])
    assert info.value.field == field


def test_the_forms_numbers_are_read_in_either_notation() -> None:
    changes = read_changes(
        term_months="24",
        discount_rate="0,05",
        max_share_per_provider=" 0.6 ",
        volume_growth_per_year="",
        budget="comfortable",
        keep_in_house=["claims-backoffice", "sav-voice-fr"],
        offers=["callmada-tana"],
    )
    assert changes == DecisionChanges(
        term_months=24,
        discount_rate=Decimal("0.05"),
        max_share_per_provider=Decimal("0.6"),
        budget="comfortable",
        keep_in_house=["claims-backoffice", "sav-voice-fr"],
        offers=["callmada-tana"],
    )
