"""The seed's rate table as reference data, with its provenance, and offers drafted from it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from arbitre.costing.pricing import offer_cost
from arbitre.costing.reference import column_for, draft_offer, seed000_rates
from arbitre.domain.costing import Shore
from tests.costing.builders import week

D = Decimal
SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_71ebc268917fb2d7.txt"

TABLE = {
    # service: (offshore min, max, Western Europe min, max), as printed in the seed
    "customer_service_telesales": (4, 12, 25, 40),
    "it_development": (10, 30, 50, 100),
    "technical_support_helpdesk": (5, 15, 30, 50),
    "accounting_hr": (6, 20, 40, 80),
    "data_science_ai": (15, 50, 60, 150),
}


def test_the_reference_table_holds_the_seeds_five_rows() -> None:
    rates = seed000_rates()
    got = {
        name: (row.offshore.min, row.offshore.max, row.western_europe.min, row.western_europe.max)
        for name, row in rates.services.items()
    }
    assert got == {name: tuple(D(x) for x in row) for name, row in TABLE.items()}


@pytest.mark.skipif(not SEED.exists(), reason="the seeds are not beside the repository")
def test_the_provenance_quotes_the_seed_verbatim() -> None:
    text = SEED.read_text(encoding="utf-8")
    prov = seed000_rates().provenance
    for line in prov.retrieved_text.splitlines():
        assert line in text, line
    assert "5 agents à Madagascar (8 €/h) coûtera environ 7 000 € par mois" in text
    assert (
        "Comparatif des coûts du BPO par service" in prov.section
        and "Comparatif des coûts du BPO par service" in text
    )
    assert (
        "Madagascar, l’Inde et l’Afrique du Nord proposent généralement les tarifs les plus compétitifs"
        in text
    )
    assert "Quality Call est une agence experte en externalisation" in text
    assert "000_71ebc268917fb2d7" in prov.source


def test_a_draft_offer_sits_at_the_midpoint_of_the_range_and_says_it_is_a_draft() -> None:
    offshore = draft_offer(
        service="customer_service_telesales",
        shore="offshore",
        country="MG",
        provider="Madagascar draft",
        site="Antananarivo",
        channels=["voice_in"],
        languages=["fr"],
    )
    assert offshore.pricing.rate == D(8)  # (4 + 12) ÷ 2: the seed's own Madagascar rate
    assert offshore.draft and offshore.notes is not None
    assert "Draft, not a bid" in offshore.notes and "4–12 EUR/h" in offshore.notes
    onshore = draft_offer(
        service="customer_service_telesales",
        shore=Shore.ONSHORE,
        country="FR",
        provider="Lille draft",
        site="Lille",
        channels=["voice_in"],
        languages=["fr"],
    )
    assert onshore.pricing.rate == D("32.5")  # (25 + 40) ÷ 2
    helpdesk = draft_offer(
        service="technical_support_helpdesk",
        shore="nearshore",
        country="MA",
        provider="Rabat draft",
        site="Rabat",
        channels=["voice_in", "email"],
        languages=["fr", "en"],
    )
    assert helpdesk.pricing.rate == D(10)  # nearshore reads the offshore column: (5 + 15) ÷ 2
    assert column_for(Shore.NEARSHORE) == "offshore"


def test_the_seeds_madagascar_example_through_a_drafted_offer() -> None:
    draft = draft_offer(
        service="customer_service_telesales",
        shore="offshore",
        country="MG",
        provider="Madagascar draft",
        site="Antananarivo",
        channels=["voice_in"],
        languages=["fr"],
    )
    # 5 agents × 40 h a week × 52/12 × 8 € = 6,933.33 € a month (the seed: « environ 7 000 € »)
    assert offer_cost(draft, week()).per_month == D("6933.33")


def test_an_unknown_service_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="customer_service_telesales"):
        draft_offer(
            service="cleaning",
            shore="offshore",
            country="MG",
            provider="x",
            site="y",
            channels=["voice_in"],
            languages=["fr"],
        )
