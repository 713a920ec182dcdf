"""The tender connected to the rest of the method: its scope from the decision, the award into
offers and a draft contract, and `arbitre decide` on the awarded bids."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.domain.contract import Contract
from arbitre.domain.costing import Offer
from arbitre.errors import InputError
from arbitre.services.contracts import store_contract
from arbitre.services.decide import decide
from arbitre.services.tender import init_tender, load_tender
from arbitre.services.tender_award import MARK, award
from arbitre.services.tender_bids import SealedError, import_bids
from arbitre.services.tender_score import dqe, score_tender
from arbitre.store.decisions import latest_decision
from arbitre.store.workspace import Workspace
from arbitre.yamlio import load_model

from .test_service import AFTER, BEFORE, RECEIVED, company, grade_all, grid  # noqa: F401

DEMO_INPUTS = Path(__file__).parents[2] / "src" / "arbitre" / "demo" / "workspace"
# An offer drafted from the reference rates (arbitre.costing.draft_offer), before any tender.
DRAFT = """id: draft-madagascar
provider: Draft Madagascar
site: "draft:tana"
shore: offshore
country: MG
channels: [voice_in, email, chat, social, backoffice]
languages: [fr]
pricing: {model: per_productive_hour, rate: 8}
draft: true
"""


@pytest.fixture(scope="module")
def decided(company: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """The company with its decision inputs — the demo's frame and costs, today's price of the
    international support, one draft offer — and a decision recorded on them."""
    folder = tmp_path_factory.mktemp("decided") / "ws"
    shutil.copytree(company, folder)
    shutil.copyfile(DEMO_INPUTS / "decision.yaml", folder / "decision.yaml")
    (folder / "offers").mkdir()
    shutil.copyfile(
        DEMO_INPUTS / "offers" / "linguaserv-barcelona.yaml", folder / "offers" / "linguaserv-barcelona.yaml"
    )
    (folder / "offers" / "draft-madagascar.yaml").write_text(DRAFT, encoding="utf-8")
    ws = Workspace.open(folder)
    try:
        decide(ws, who="test")
    finally:
        ws.close()
    return folder


@pytest.fixture
def ws(decided: Path, tmp_path: Path) -> Iterator[Workspace]:
    shutil.copytree(decided, tmp_path / "ws")
    w = Workspace.open(tmp_path / "ws")
    yield w
    w.close()


def test_the_tender_s_scope_is_what_the_recorded_decision_outsources(ws: Workspace) -> None:
    decision = latest_decision(ws)
    assert decision is not None
    outside = {
        f.flow: [(b.band, b.language) for b in f.allocation if b.site != "internal"] for f in decision.flows
    }
    outside = {f: blocks for f, blocks in outside.items() if blocks}
    assert outside  # the decision outsources something (else the scope falls back to the store's flows)
    result = init_tender(ws, "from-decision")
    tender = load_tender(ws, "from-decision")
    assert result.source == "decision" and result.decision_id == decision.decision_id
    assert tender.scope.flows == [f.flow for f in decision.flows if f.flow in outside]
    # the bands of the outsourced blocks; a block of band "all" (written work) brings every band
    bands = {b for blocks in outside.values() for b, _ in blocks}
    want = {"day", "evening", "night", "weekend"} if "all" in bands else bands
    assert set(tender.scope.bands) == want
    # blocks of no language speak the flow's languages: this company's French flows and the
    # international support in English, Spanish and German
    langs = {lang for blocks in outside.values() for _, lang in blocks if lang is not None}
    if any(lang is None for blocks in outside.values() for _, lang in blocks):
        langs.add("fr")
    assert set(tender.scope.languages) == langs
    text = result.path.read_text(encoding="utf-8")
    assert f"décision {decision.decision_id}" in text
    # by hand, the flows chosen win over the decision
    chosen = init_tender(ws, "by-hand", flows=["sav-chat-fr"])
    assert chosen.source == "flows" and load_tender(ws, "by-hand").scope.flows == ["sav-chat-fr"]


def test_an_award_writes_the_bid_as_offers_and_a_draft_contract_checked_by_hand(
    ws: Workspace, tmp_path: Path
) -> None:
    import_bids(
        ws,
        "sav-2026",
        [grid(tmp_path, "callmada", rate=14.5), grid(tmp_path, "atlas", rate=16.0)],
        received_at=RECEIVED,
        now=BEFORE,
    )
    grade_all(ws, ["callmada", "atlas"], {"callmada": "14", "atlas": "14"})
    with pytest.raises(SealedError):
        award(ws, "sav-2026", "voix", "callmada", now=BEFORE)
    result = award(ws, "sav-2026", "voix", "callmada", now=AFTER)
    assert result.recommended == "callmada"  # same grades, the cheaper price per hour
    assert [p.name for p in result.offers] == ["callmada-sav-voice-fr.yaml", "callmada-orders-voice-fr.yaml"]
    # the draft offer is set aside, today's price of the international support stays
    assert [p.relative_to(ws.root).as_posix() for p in result.set_aside] == [
        "offers/drafts/draft-madagascar.yaml"
    ]
    assert sorted(p.name for p in (ws.root / "offers").glob("*.yaml")) == [
        "callmada-orders-voice-fr.yaml",
        "callmada-sav-voice-fr.yaml",
        "linguaserv-barcelona.yaml",
    ]
    voice = load_model(ws.root / "offers" / "callmada-sav-voice-fr.yaml", Offer)
    orders = load_model(ws.root / "offers" / "callmada-orders-voice-fr.yaml", Offer)
    # The grid (tests/tender/grids.py): 14.50 € a productive hour, +10 % evening and +25 % weekend on
    # the after-sales calls only; 330 s and 300 s against the history's handle times; 85 %
    # occupancy, 30 % shrinkage; set-up 20,000 €, exit 15,000 €, 10 training days at 80 €;
    # 3 weeks of training, 8 weeks to full capacity, at most 150 agents; a site in Antananarivo.
    assert voice.flows == ["sav-voice-fr"] and orders.flows == ["orders-voice-fr"]
    assert voice.pricing.rate == orders.pricing.rate == Decimal("14.5")
    assert (voice.pricing.band_premiums.evening, voice.pricing.band_premiums.weekend) == (
        Decimal("0.1"),
        Decimal("0.25"),
    )
    assert orders.pricing.band_premiums.evening == orders.pricing.band_premiums.weekend == 0
    tender = load_tender(ws, "sav-2026")
    reference = dqe(ws, tender).reference_aht_s
    assert abs(float(voice.productivity.aht_factor) * reference["sav-voice-fr"] - 330) < 1e-6
    assert abs(float(orders.productivity.aht_factor) * reference["orders-voice-fr"] - 300) < 1e-6
    assert (voice.productivity.occupancy, voice.productivity.shrinkage) == (Decimal("0.85"), Decimal("0.3"))
    assert voice.transition.model_dump() == {
        "knowledge_transfer_weeks": Decimal(3),
        "parallel_run_weeks": Decimal(8),
        "training_days_per_agent": Decimal(10),
        "training_day_rate": Decimal(80),
    }
    assert (voice.site, voice.country, voice.shore.value, voice.capacity_agents) == (
        "Tana 1",
        "MG",
        "offshore",
        150,
    )
    assert not voice.draft
    # The fees: each flow's share of the bid's invoices over the term, among every flow it prices
    # (as the score shares them between lots): the two voice offers carry the voice lot's share.
    score = score_tender(ws, "sav-2026", now=AFTER)
    quotes = {(lot.lot, q.provider): q for lot in score.lots for q in lot.quotes}
    voix, ecrit = quotes[("voix", "callmada")].recurring, quotes[("ecrit", "callmada")].recurring
    share = voix / (voix + ecrit)
    assert abs(voice.setup_fee + orders.setup_fee - Decimal(20000) * share) <= Decimal("0.01")
    assert abs(voice.exit_fee + orders.exit_fee - Decimal(15000) * share) <= Decimal("0.01")
    # the e-mails' lot, 2.10 € a contact with a 5,000 € monthly minimum: 12 months at the minimum
    assert ecrit == Decimal(60000)
    # Two price schedules (the premiums differ), so two draft contracts.
    assert [p.name for p in result.contracts] == [
        "sav-2026-voix-callmada-sav-voice-fr.yaml",
        "sav-2026-voix-callmada-orders-voice-fr.yaml",
    ]
    contract = load_model(result.contracts[0], Contract)
    assert contract.flows == ["sav-voice-fr"] and contract.provider.offer == "callmada-sav-voice-fr"
    assert (contract.start.isoformat(), contract.end.isoformat()) == ("2026-04-01", "2027-03-31")
    assert contract.pricing == voice.pricing and contract.productivity_occupancy == Decimal("0.85")
    # the tender's service levels of the flow: 80 % within 30 s, at most 8 % abandoned; half the amount at risk each
    assert [(s.name, s.kpi, s.target, s.threshold_s, s.weight) for s in contract.slas] == [
        ("sav-voice-fr-sl", "service_level", 0.8, 30.0, Decimal("0.5")),
        ("sav-voice-fr-abandon", "abandon_rate", 0.08, None, Decimal("0.5")),
    ]
    # the volumes are the DQE, month by month, rounded to the contact
    dqe_term = next(d.contacts_term for d in score.dqe if d.flow == "sav-voice-fr")
    months = contract.volumes.monthly
    assert sorted(months) == [f"2026-{m:02d}" for m in range(4, 13)] + ["2027-01", "2027-02", "2027-03"]
    assert abs(sum(m["sav-voice-fr"] for m in months.values()) - dqe_term) <= 6
    assert contract.reversibility.model_dump(include={"notice_months", "transition_months", "exit_fee"}) == {
        "notice_months": 6,
        "transition_months": 3,
        "exit_fee": Decimal(15000),
    }
    dp = contract.data_protection
    assert (dp.role, dp.country, dp.transfer_mechanism) == ("processor", "MG", "standard_contractual_clauses")
    assert [(c.name, c.expires.isoformat()) for c in dp.certifications] == [("ISO 27001", "2027-05-31")]
    assert [(c.name, c.cadence, c.day) for c in contract.committees] == [
        ("Comité de pilotage mensuel", "monthly", 10)
    ]
    # arbitre contract takes the draft as it is
    assert store_contract(ws, result.contracts[0], who="test").version == 1
    # awarding again replaces the award's own files; another file of that name is not replaced
    assert award(ws, "sav-2026", "voix", "callmada", now=AFTER).set_aside == []
    mine = ws.root / "offers" / "callmada-sav-voice-fr.yaml"
    mine.write_text(mine.read_text(encoding="utf-8").replace(MARK, "# edited by hand:"), encoding="utf-8")
    before = {p: p.read_bytes() for p in ws.root.rglob("*.yaml")}
    with pytest.raises(InputError, match="not written by `arbitre tender award`"):
        award(ws, "sav-2026", "voix", "callmada", now=AFTER)
    assert {p: p.read_bytes() for p in ws.root.rglob("*.yaml")} == before


def test_an_award_refuses_what_is_not_a_lot_or_a_bidder_of_it(ws: Workspace, tmp_path: Path) -> None:
    import_bids(ws, "sav-2026", [grid(tmp_path, "callmada")], received_at=RECEIVED, now=BEFORE)
    for lot, provider, match in (
        ("../../etc", "callmada", "a lot of sav-2026"),
        ("voix", "../../offers/x", "a provider who bid for lot voix"),
        ("voix", "atlas", r"a provider who bid for lot voix \(callmada\)"),
    ):
        with pytest.raises(InputError, match=match):
            award(ws, "sav-2026", lot, provider, now=AFTER)
    assert not (ws.root / "offers" / "drafts").exists() and not (ws.root / "contracts").exists()


def test_decide_after_the_award_recommends_on_the_bids(ws: Workspace, tmp_path: Path) -> None:
    files = [str(grid(tmp_path, "callmada", rate=9.0)), str(grid(tmp_path, "atlas", rate=16.0))]
    import_bids(ws, "sav-2026", [Path(f) for f in files], received_at=RECEIVED, now=BEFORE)
    grade_all(ws, ["callmada", "atlas"], {"callmada": "14", "atlas": "14"})
    first = latest_decision(ws)
    assert first is not None and "draft-madagascar" in {o.id for o in first.inputs.offers}
    root = str(ws.root)
    ws.close()
    runner = CliRunner()
    for lot in ("voix", "ecrit"):
        done = runner.invoke(
            app, ["tender", "award", root, "sav-2026", "--lot", lot, "--provider", "callmada", "--json"]
        )
        assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["offers"] == [str(Path(root) / "offers" / "callmada-sav-email-fr.yaml")]
    result = runner.invoke(app, ["decide", root, "--json"])
    assert result.exit_code == 0, result.output
    reopened = Workspace.open(Path(root))
    try:
        second = latest_decision(reopened)
    finally:
        reopened.close()
    assert second is not None and second.decision_id != first.decision_id
    bids = {"callmada-sav-voice-fr", "callmada-orders-voice-fr", "callmada-sav-email-fr"}
    # the decision prices the bids in place of the draft; today's price of the international support stays
    assert {o.id for o in second.inputs.offers} == bids | {"linguaserv-barcelona"}
    for flow in ("sav-voice-fr", "orders-voice-fr", "sav-email-fr"):
        decided = second.flow(flow)
        assert decided is not None and f"callmada-{flow}" in decided.offers
    # at 9 € an hour offshore the bids take work from the in-house team, in the recommended plan
    sites = {b.site for f in second.flows for b in f.allocation}
    assert sites & bids and "draft-madagascar" not in sites
