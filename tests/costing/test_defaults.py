"""The French defaults: every figure sourced, coherent with the seed, editable in a workspace."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from arbitre.costing.defaults import french_defaults, load_costs
from arbitre.costing.inhouse import team_cost
from arbitre.domain.costing import InHouseCosts
from arbitre.errors import InputError

STATUTORY = {
    # figures that law or a decree sets: their source cites it
    "paid_hours_per_year": ("L3121-27", "L3121-41"),
    "overtime_premium": ("L3121-36",),
    "agent_gross_salary_per_year": ("2024-951", "IDCC 2098", "11.88"),
    "employer_charges_rate": ("URSSAF", "L241-13"),
}


def test_every_default_figure_has_a_source() -> None:
    costs = french_defaults()
    figures = set(InHouseCosts.model_fields) - {"currency", "sources", "sources_fr"}
    assert figures - set(costs.sources) == set()
    assert all(len(text) > 40 for text in costs.sources.values())
    # The same sources in French, for the French reports: every one, citing the same references.
    assert set(costs.sources_fr) == set(costs.sources)
    for field, refs in STATUTORY.items():
        for ref in refs:
            assert ref.replace("11.88", "11,88") in costs.sources_fr[field], (field, ref)


def test_a_figure_the_workspace_sets_loses_the_defaults_french_source(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from arbitre.costing.defaults import load_costs

    path = tmp_path / "costs.yaml"
    path.write_text(
        "agent_gross_salary_per_year: 25000\nturnover_rate_per_year: 0.3\n"
        "sources:\n  turnover_rate_per_year: 'HR report 2025'\n",
        encoding="utf-8",
    )
    costs = load_costs(path)
    assert (
        costs.source("agent_gross_salary_per_year", "fr")
        == "costs.yaml : valeur fixée par l'espace de travail"
    )
    assert costs.source("agent_gross_salary_per_year", "en") == "costs.yaml: set by the workspace"
    # Its own source, as given, in both languages: no translation of it exists.
    assert costs.source("turnover_rate_per_year", "fr") == "HR report 2025"
    assert costs.source("paid_hours_per_year", "fr").startswith("Code du travail art. L3121-27 (durée légale")


def test_statutory_figures_cite_the_law_and_estimates_say_they_are_estimates() -> None:
    costs = french_defaults()
    for field, refs in STATUTORY.items():
        for ref in refs:
            assert ref in costs.sources[field], (field, ref)
    estimated = set(costs.sources) - {
        "paid_hours_per_year",
        "overtime_premium",
        "shrinkage_includes_absenteeism",
    }
    for field in estimated:
        assert "estimate" in costs.sources[field].lower(), field


def test_the_french_year_is_35_hours_a_week_and_1607_hours() -> None:
    costs = french_defaults()
    assert costs.paid_hours_per_year == Decimal(1607)
    # The charges estimate is the URSSAF arithmetic written in its source: the réduction générale
    # at 26,400 € is 0.3234 / 0.6 × (1.6 × 21,621.60 / 26,400 − 1) = 0.1673 (16.7 points).
    reduction = (
        Decimal("0.3234") / Decimal("0.6") * (Decimal("1.6") * Decimal("21621.60") / Decimal(26400) - 1)
    )
    assert round(reduction, 3) == Decimal("0.167")
    assert costs.agent_gross_salary_per_year == Decimal(26400)


def test_five_agents_in_house_in_france_cost_about_25000_euros_a_month() -> None:
    # Seed 000: « 5 agents à Madagascar (8 €/h) coûtera environ 7 000 € par mois, contre 25 000 €
    # en France pour une équipe interne équivalente ». Per FTE and year with the defaults:
    # loaded pay 26,400 × 1.27 = 33,528; team leader 32,000 × 1.42 ÷ 12 = 3,786.67; manager
    # 48,000 × 1.42 ÷ 50 = 1,363.20; support 6 % × 32,000 × 1.42 = 2,726.40; recruiting
    # 0.25 × 3,000 = 750; initial training 0.25 × 15 × (7 × 33,528 ÷ 1,607 + 150) = 1,110.17;
    # ongoing training 21 ÷ 7 × 150 = 450; absenteeism 0.08 × 33,528 × 1.15 = 3,084.58; overtime
    # 0.02 × 33,528 × 0.25 = 167.64; seats 0.8 × (200 × 12 + 700 + 3,600) = 5,360; telecom
    # 1,607 × (1 − 0.22) × 60 × 0.7 × 0.015 = 789.68. Sum 53,116.34 a year, × 5 ÷ 12 = 22,131.81
    # (22,131.80 with each line rounded to the cent): −11.5 % from the seed's 25,000.
    d = Decimal
    loaded = d(26400) * d("1.27")
    per_fte_year = (
        loaded
        + d(32000) * d("1.42") / 12
        + d(48000) * d("1.42") / 50
        + d("0.06") * d(32000) * d("1.42")
        + d("0.25") * d(3000)
        + d("0.25") * 15 * (7 * loaded / 1607 + 150)
        + d(21) / 7 * 150
        + d("0.08") * loaded * d("1.15")
        + d("0.02") * loaded * d("0.25")
        + d("0.8") * (200 * 12 + 700 + 3600)
        + 1607 * d("0.78") * 60 * d("0.7") * d("0.015")
    )
    assert round(per_fte_year, 2) == d("53116.34")
    cost = team_cost(fte=5, costs=french_defaults())
    assert abs(cost.per_month - per_fte_year * 5 / 12) < d("0.05")
    assert cost.per_month == d("22131.80")
    assert abs(cost.per_month - 25000) / 25000 <= d("0.15")
    assert cost.fte == Decimal("5.000000")


def test_a_workspace_overrides_some_fields_and_keeps_the_other_defaults(tmp_path: Path) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text(
        "agent_gross_salary_per_year: 25000\n"
        "band_premiums:\n"
        "  weekend: 0.5\n"
        "sources:\n"
        "  band_premiums: accord d'entreprise 2024\n",
        encoding="utf-8",
    )
    costs = load_costs(path)
    base = french_defaults()
    assert costs.agent_gross_salary_per_year == Decimal(25000)
    assert costs.band_premiums.weekend == Decimal("0.5")
    assert costs.band_premiums.night == base.band_premiums.night  # merged key by key
    assert costs.turnover_rate_per_year == base.turnover_rate_per_year
    assert costs.sources["band_premiums"] == "accord d'entreprise 2024"
    # a figure set without a source no longer carries the default's source
    assert costs.sources["agent_gross_salary_per_year"] == "costs.yaml: set by the workspace"
    assert costs.sources["turnover_rate_per_year"] == base.sources["turnover_rate_per_year"]


def test_an_empty_costs_file_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert load_costs(path) == french_defaults()


def test_a_wrong_value_in_a_costs_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text("agent_gross_salary_per_year: 25000\n\nturnover_rate_per_year: 1.4\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_costs(path)
    assert err.value.line == 3
    assert err.value.field == "turnover_rate_per_year"
    assert "costs.yaml, line 3, field turnover_rate_per_year" in str(err.value)


def test_a_wrong_band_premium_names_its_nested_line(tmp_path: Path) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text("band_premiums:\n  evening: 0.1\n  sunday: 1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_costs(path)
    assert (err.value.line, err.value.field, err.value.message) == (
        3,
        "band_premiums.sunday",
        "unknown field",
    )


def test_an_unknown_field_and_broken_yaml_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "costs.yaml"
    path.write_text("seats_per_fte: 0.9\nsalaire: 2000\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_costs(path)
    assert (err.value.line, err.value.field) == (2, "salaire")
    path.write_text("seats_per_fte: 0.9\nband_premiums: {evening: 0.1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_costs(path)
    assert err.value.line is not None and "not valid YAML" in str(err.value)


def test_a_missing_costs_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_costs(tmp_path / "costs.yaml")
