"""Numbers as French and English write them (the reasons quote their evidence with these)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arbitre.decision import wording

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (0.41, f"41{NNBSP}%", "41%"),
        (0.125, f"13{NNBSP}%", "13%"),  # half away from zero, not to even
        (0.005, f"0,5{NNBSP}%", "0.5%"),
        (0.0, f"0{NNBSP}%", "0%"),
        (-0.25, f"-25{NNBSP}%", "-25%"),
        (1.0, f"100{NNBSP}%", "100%"),
    ],
)
def test_shares_are_written_with_the_sign_each_language_uses(value: float, fr: str, en: str) -> None:
    assert (wording.pct(value, "fr"), wording.pct(value, "en")) == (fr, en)


def test_counts_group_thousands_with_a_narrow_space_in_french_and_a_comma_in_english() -> None:
    assert wording.count(1_234_567.5, "fr") == f"1{NNBSP}234{NNBSP}568"
    assert wording.count(1_234_567.5, "en") == "1,234,568"


def test_money_puts_the_euro_after_in_french_and_before_in_english() -> None:
    assert wording.money(Decimal("3.405"), "fr") == "3,41\u00a0€"
    assert wording.money(Decimal("3.405"), "en") == "€3.41"
    assert wording.money(Decimal("25000"), "en", digits=0) == "€25,000"
    assert wording.money(Decimal("-0.001"), "en") == "€0.00"


def test_clock_times_are_written_the_french_way_in_french() -> None:
    assert [wording.clock(t, "fr") for t in ("19:00", "07:30")] == ["19 h", "7 h 30"]
    assert wording.clock("19:00", "en") == "19:00"


def test_unknown_languages_and_days_are_quoted_as_given() -> None:
    assert wording.language("sw") == wording.Text("sw", "sw")
    assert wording.day("black friday") == wording.Text("black friday", "black friday")
