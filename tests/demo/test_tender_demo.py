"""The demo's tender (step 5): the four providers bid with their offers' figures, the score
recommends the provider the demo signs with, and the award writes its offers and draft contracts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from arbitre.domain.contract import Contract
from arbitre.domain.costing import Offer
from arbitre.services.contracts import load_contract
from arbitre.services.demo import AWARDED_AT, TENDER
from arbitre.services.tender import load_tender
from arbitre.services.tender_bids import list_bids, unsealed_bids
from arbitre.store.workspace import Workspace
from arbitre.yamlio import load_model
from tests.demo.conftest import BuiltDemo


def test_the_demo_tenders_between_its_four_providers_and_signs_with_the_winner(small_demo: BuiltDemo) -> None:
    folder = small_demo.folder
    summary = small_demo.summary["tender"]
    # Call Mada is the cheapest on the DQE by far and graded close to the others: it wins both lots
    assert [(lot["lot"], lot["recommended"]) for lot in summary["lots"]] == [
        ("voix", "callmada-tana"),
        ("ecrit", "callmada-tana"),
    ]
    assert [(a["lot"], a["provider"]) for a in summary["awards"]] == [
        ("voix", "callmada-tana"),
        ("ecrit", "callmada-tana"),
    ]
    ws = Workspace.open(folder)
    try:
        tender = load_tender(ws, TENDER)
        assert tender.scope.flows == ["sav-voice-fr", "sav-email-fr"]
        assert sorted(b.provider for b in list_bids(ws, tender)) == [
            "atlas-casablanca",
            "callmada-tana",
            "hexa-amiens",
            "linguaserv-barcelona",
        ]
        bids = {b.provider: b for b in unsealed_bids(ws, tender, now=AWARDED_AT)}
        signed, _ = load_contract(ws, "callmada-2026")
    finally:
        ws.close()
    # Call Mada's grid is its offer: 8.50 € a logged hour, +10 % evening, +25 % night, +15 % weekend,
    # its 15,000 € monthly minimum shared between the two flows by their contacts, 12 % longer calls
    mada = bids["callmada-tana"]
    offer = load_model(folder / "offers" / "callmada-tana.yaml", Offer)
    voice, email = mada.price_of("sav-voice-fr"), mada.price_of("sav-email-fr")
    assert voice is not None and email is not None
    assert (voice.model.value, voice.rate) == ("per_logged_hour", Decimal("8.5"))
    assert (voice.evening_premium, voice.night_premium, voice.weekend_premium) == (
        Decimal("0.1"),
        Decimal("0.25"),
        Decimal("0.15"),
    )
    assert voice.minimum_monthly is not None and email.minimum_monthly is not None
    assert abs(voice.minimum_monthly + email.minimum_monthly - Decimal(15000)) <= Decimal("0.01")
    assert (mada.fees.setup_fee, mada.fees.exit_fee) == (offer.setup_fee, offer.exit_fee)
    assert mada.sites[0].name == offer.site == "callmada:tana"
    # The award: one offer per flow, the draft contracts, and the signed contract is with the winner's site
    assert sorted(p.name for p in (folder / "offers").glob("callmada-tana-*.yaml")) == [
        "callmada-tana-sav-email-fr.yaml",
        "callmada-tana-sav-voice-fr.yaml",
    ]
    awarded = load_model(folder / "offers" / "callmada-tana-sav-voice-fr.yaml", Offer)
    assert awarded.pricing.rate == Decimal("8.5") and awarded.site == "callmada:tana"
    draft = load_model(folder / "contracts" / "sav-2026-voix-callmada-tana.yaml", Contract)
    assert draft.flows == ["sav-voice-fr"] and draft.pricing.rate == signed.pricing.rate
    assert draft.data_protection.transfer_mechanism == signed.data_protection.transfer_mechanism
    assert set(signed.provider.sites) == {s.name for s in mada.sites}
    assert (folder / "reports" / f"analyse-des-offres-{TENDER}.html").exists()
    assert (folder / "reports" / f"grille-de-reponse-{TENDER}.xlsx").exists()
    assert AWARDED_AT > tender.timetable.bids_due and AWARDED_AT < datetime(2026, 4, 1, tzinfo=UTC)
