"""The decision of a workspace: the JSON contract, the scenarios, traceability, the record, errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.decision.document import DecisionDocument
from arbitre.demo.generate import generate_history
from arbitre.reports.business_case import render_business_case, write_business_case
from arbitre.reports.decision_format import scenario_label
from arbitre.services.decide import current_decision, decide
from arbitre.services.imports import import_file
from arbitre.store.decisions import latest_decision
from arbitre.store.workspace import Workspace
from tests.helpers import demo_company

MONEY = re.compile(r"^-?\d+\.\d{2}$")


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four months of the demo company at a fifth of its size, with its costs, frame and offers."""
    return demo_company(
        tmp_path_factory.mktemp("decide"), seed=5, start=date(2025, 1, 6), end=date(2025, 5, 5), scale=0.2
    )


@pytest.fixture(scope="module")
def document(company: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["decide", str(company), "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def copy_of(company: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(company, target)
    return target


def test_the_json_has_the_promised_shape(document: dict[str, Any]) -> None:
    names = {s["name"] for s in document["scenarios"]}
    assert {"all-in-house", "all-callmada-tana", "all-atlas-casablanca", "all-hexa-amiens"} <= names
    assert document["recommended"] in names
    # Four months of history: no yearly trend can be measured, and the document says so.
    assert document["growth"]["per_year"] == "0" and document["growth"]["source"] == "none"
    assert len(document["flows"]) == 8
    for f in document["flows"]:
        assert f["recommendation"] in {"keep", "outsource", "hybrid"}
        assert f["reasons"] and all(r["fr"] and r["en"] for r in f["reasons"])
        assert f["allocation"] and all(MONEY.match(a["monthly_cost"]) for a in f["allocation"])
    for s in document["scenarios"]:
        assert MONEY.match(s["tco"]), s["tco"]
        assert {f["flow"] for f in s["flows"]} == {f["flow"] for f in document["flows"]}
        assert all(MONEY.match(f["tco"]) for f in s["flows"])


def test_the_recommendation_is_the_cheapest_plan_within_the_frame_and_the_reasons(
    document: dict[str, Any],
) -> None:
    scenarios = {s["name"]: s for s in document["scenarios"]}
    best = scenarios[document["recommended"]]
    assert best["within_frame"] and best["follows_reasons"]
    allowed = [Decimal(s["npv"]) for s in document["scenarios"] if s["within_frame"] and s["follows_reasons"]]
    assert Decimal(best["npv"]) == min(allowed)
    assert Decimal(best["npv"]) <= Decimal(scenarios["all-in-house"]["npv"])
    # Today's set-up (the provider of the international calls included) is the baseline.
    assert document["baseline"] == "current" and scenarios["current"]["savings_npv"] == "0.00"
    # A scenario above the 70 % limit per provider is shown, never recommended.
    over = [s for s in document["scenarios"] if max(s["provider_shares"].values(), default=0) > 0.7]
    assert over and all(not s["within_frame"] for s in over)


def test_a_flow_that_must_stay_inside_stays_inside_in_every_scenario(document: dict[str, Any]) -> None:
    claims = next(f for f in document["flows"] if f["flow"] == "claims-backoffice")
    assert claims["recommendation"] == "keep"
    assert {a["site"] for a in claims["allocation"]} == {"internal"}
    inhouse = next(s for s in document["scenarios"] if s["name"] == "all-in-house")
    kept = next(f["tco"] for f in inhouse["flows"] if f["flow"] == "claims-backoffice")
    for s in document["scenarios"]:
        assert next(f["tco"] for f in s["flows"] if f["flow"] == "claims-backoffice") == kept


def test_every_total_adds_up_from_its_parts(document: dict[str, Any]) -> None:
    cent = Decimal("0.01")
    for s in document["scenarios"]:
        parts = Decimal(s["internal_tco"]) + sum((Decimal(p["tco"]) for p in s["providers"]), Decimal(0))
        assert parts == Decimal(s["tco"])
        for p in s["providers"]:
            assert sum((Decimal(v) for v in p["lines"].values()), Decimal(0)) == Decimal(p["tco"])
        by_flow = sum((Decimal(f["tco"]) for f in s["flows"]), Decimal(0))
        # Each block's share rounded to the cent: in-house each month, at a provider once.
        blocks = sum(len(f["allocation"]) for f in document["flows"])
        term = document["frame"]["term_months"]
        assert abs(by_flow - Decimal(s["tco"])) <= cent / 2 * blocks * (term + 1)
        assert sum((Decimal(m) for m in s["monthly"]), Decimal(0)) == Decimal(s["tco"])
    for f in document["flows"]:
        lines = sum((Decimal(v) for v in f["inhouse"]["lines"].values()), Decimal(0))
        assert abs(lines - Decimal(f["inhouse"]["per_month"])) <= cent * len(f["inhouse"]["lines"])


def test_a_provider_minimum_is_judged_on_the_whole_flow(document: dict[str, Any]) -> None:
    minimums = {o["id"]: o["min_contacts_per_month"] for o in document["inputs"]["offers"]}
    for f in document["flows"]:
        for offer, cost in f["offers"].items():
            if any("contacts a month or more" in r for r in cost.get("refusals", [])):
                assert f["contacts_per_month"] < minimums[offer], (f["flow"], offer)


def test_the_tornado_moves_the_savings_the_expected_way(document: dict[str, Any]) -> None:
    bars = {b["assumption"]: b for b in document["sensitivity"]}
    assert {"wage", "turnover", "volume", "aht", "offer_price"} <= set(bars)
    wage, price = bars["wage"], bars["offer_price"]
    # Dearer in-house pay makes outsourcing save more; dearer providers make it save less.
    assert Decimal(wage["low"]) < Decimal(wage["base"]) < Decimal(wage["high"])
    assert Decimal(price["low"]) > Decimal(price["base"]) > Decimal(price["high"])


def test_the_calls_the_plan_sends_out_are_checked_by_simulation(document: dict[str, Any]) -> None:
    best = next(s for s in document["scenarios"] if s["name"] == document["recommended"])
    sent = {
        f["flow"]
        for f in document["flows"]
        if f["channel"] == "voice_in" and any(a["site"] != "internal" for a in f["allocation"])
    }
    assert best["providers"] and sent
    assert {c["flow"] for c in document["simulation"]} == sent
    for c in document["simulation"]:
        assert c["ok"], c
        assert c["service_level"]["ci_low"] <= c["service_level"]["mean"] <= c["service_level"]["ci_high"]
        assert {s["site"] for s in c["sites"]} <= {
            "internal",
            *(o["id"] for o in document["inputs"]["offers"]),
        }


def test_the_decision_is_recorded_and_found_again_while_its_inputs_hold(
    company: Path, tmp_path: Path
) -> None:
    root = copy_of(company, tmp_path)
    ws = Workspace.open(root)
    try:
        doc = decide(ws, sensitivity=False)
        assert latest_decision(ws) == doc
        assert current_decision(ws) == doc
        offer = root / "offers" / "hexa-amiens.yaml"
        offer.write_text(offer.read_text(encoding="utf-8").replace("setup_fee: 15000", "setup_fee: 16000"))
        assert current_decision(ws) is None  # the offer changed: the recorded decision is stale
        assert latest_decision(ws) == doc
    finally:
        ws.close()


def test_a_wrong_offer_is_refused_with_its_line_and_nothing_is_recorded(
    company: Path, tmp_path: Path
) -> None:
    root = copy_of(company, tmp_path)
    ws = Workspace.open(root)
    before = latest_decision(ws)
    ws.close()
    bad = root / "offers" / "atlas-casablanca.yaml"
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "discount_for_friends: 0.5")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["decide", str(root)])
    assert result.exit_code == 1
    assert "atlas-casablanca.yaml, line 4" in result.stderr and "discount_for_friends" in result.stderr
    ws = Workspace.open(root)
    try:
        assert latest_decision(ws) == before
    finally:
        ws.close()


def test_no_offer_and_an_unknown_flow_to_keep_are_clear_errors(company: Path, tmp_path: Path) -> None:
    root = copy_of(company, tmp_path)
    frame = root / "decision.yaml"
    frame.write_text(
        frame.read_text(encoding="utf-8").replace(
            "  - claims-backoffice", "  - claims-backoffice\n  - payroll"
        )
    )
    result = CliRunner().invoke(app, ["decide", str(root)])
    assert result.exit_code == 1 and "unknown flow 'payroll'" in result.stderr
    shutil.rmtree(root / "offers")
    result = CliRunner().invoke(app, ["decide", str(root)])
    assert result.exit_code == 1 and "no offer" in result.stderr


def test_the_table_names_the_recommended_plan(company: Path) -> None:
    result = CliRunner().invoke(app, ["decide", str(company), "--no-sensitivity"])
    assert result.exit_code == 0, result.output
    assert "Recommended:" in result.stdout and "claims-backoffice" in result.stdout


def test_the_business_case_traces_every_figure_to_its_inputs(document: dict[str, Any]) -> None:
    html = render_business_case(DecisionDocument.model_validate(document), lang="fr")
    assert "Dossier de décision" in html
    for f in document["flows"]:
        assert f["flow"] in html
    for s in document["scenarios"]:
        assert scenario_label(s["name"], "fr") in html
    # The workspace's own cost figures come with their source; the defaults with theirs — each
    # in the report's language.
    costs = document["inputs"]["costs"]
    assert "paie 2025" in costs["sources_fr"]["agent_gross_salary_per_year"]
    assert costs["sources_fr"]["agent_gross_salary_per_year"] in html
    assert costs["sources_fr"]["paid_hours_per_year"][:40] in html
    english = render_business_case(DecisionDocument.model_validate(document), lang="en")
    assert "Business case" in english and "Appendix" in english
    assert costs["sources"]["agent_gross_salary_per_year"] in english
    assert costs["sources"]["paid_hours_per_year"][:40] in english


def test_the_business_case_pdf_says_what_the_html_says(document: dict[str, Any], tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: scripts/test installs it")
    path = write_business_case(
        DecisionDocument.model_validate(document), tmp_path, fmt="pdf", lang="fr", path=tmp_path / "bc.pdf"
    )
    assert path.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Dossier de décision" in text
    assert "Annexe" in text
    best = next(s for s in document["scenarios"] if s["name"] == document["recommended"])
    euros = f"{Decimal(best['tco']):,.0f}".replace(",", "\u202f")
    assert euros in text or euros.replace("\u202f", " ") in text


def test_the_report_command_writes_html_and_pdf_and_refuses_a_bad_format(
    company: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    html = runner.invoke(app, ["report", "business-case", str(company), "--out", str(tmp_path / "bc.html")])
    assert html.exit_code == 0, html.output
    assert (tmp_path / "bc.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    bad = runner.invoke(app, ["report", "business-case", str(company), "--format", "docx"])
    assert bad.exit_code == 1 and "--format" in bad.stderr


def test_work_a_provider_handles_today_needs_its_price_and_the_error_names_flow_and_site(
    company: Path, tmp_path: Path
) -> None:
    root = copy_of(company, tmp_path)
    (root / "offers" / "linguaserv-barcelona.yaml").unlink()
    result = CliRunner().invoke(app, ["decide", str(root)])
    assert result.exit_code == 1
    assert "support-intl: handled today by linguaserv:barcelona" in result.stderr
    assert "site: linguaserv:barcelona" in result.stderr


def test_today_s_provider_is_the_baseline_of_the_work_it_handles(document: dict[str, Any]) -> None:
    intl = next(f for f in document["flows"] if f["flow"] == "support-intl")
    assert set(intl["today"]["sites"]) == {"linguaserv-barcelona"}
    assert {a["today"] for a in intl["allocation"]} == {"linguaserv-barcelona"}
    assert intl["today"]["per_month"] == intl["offers"]["linguaserv-barcelona"]["standalone_per_month"]
    # Costed in-house it would be about twice as dear: not the baseline any more.
    assert Decimal(intl["inhouse"]["per_month"]) > Decimal("1.5") * Decimal(intl["today"]["per_month"])
    current = next(s for s in document["scenarios"] if s["name"] == "current")
    # It is in place: no set-up, no training, no parallel run — only its exit at the end of the term.
    (provider,) = current["providers"]
    assert current["savings_npv"] == "0.00" and provider["one_off"] == "8000.00"
    assert {k: v for k, v in provider["lines"].items() if v != "0.00"}.keys() == {
        "provider_fees",
        "governance",
        "exit_fee",
    }


def test_every_recommendation_follows_its_reasons_or_says_why(document: dict[str, Any]) -> None:
    for f in document["flows"]:
        v = f["verdict"]
        assert v["recommendation"] == f["recommendation"]
        assert v["qualification"] == f["qualification"]["recommendation"]
        if v["recommendation"] != v["qualification"]:
            assert v["why_fr"] and v["why_en"], f["flow"]
        if v["reasons_cost_per_month"] is not None and Decimal(v["reasons_cost_per_month"]) > 0:
            assert "more than the lowest-cost allocation" in v["why_en"]
    # A flow kept by its reasons is never sent out by the recommended plan.
    for f in document["flows"]:
        if f["qualification"]["recommendation"] == "keep":
            assert f["recommendation"] == "keep", f["flow"]


def test_an_offer_is_never_given_a_block_it_does_not_take_and_the_dossier_says_which(
    document: dict[str, Any],
) -> None:
    for f in document["flows"]:
        for a in f["allocation"]:
            if a["site"] == "internal" or a["site"] == a["today"]:
                continue
            refused = {(n["band"], n["language"]) for n in f["offers"][a["site"]]["not_taken"]}
            assert (a["band"], a["language"]) not in refused, (f["flow"], a)
    intl = next(f for f in document["flows"] if f["flow"] == "support-intl")
    atlas = intl["offers"]["atlas-casablanca"]
    # Atlas answers in English and Spanish, not German: part of the flow, said block by block.
    assert 0 < atlas["covers"] < 1 and not atlas["feasible"]
    assert {n["language"] for n in atlas["not_taken"]} == {"de"}
    assert all(r["code"] == "language" and r["got"] == "de" for n in atlas["not_taken"] for r in n["reasons"])


def test_an_offers_price_per_contact_is_at_the_flows_real_mix_and_a_dominating_minimum_is_said(
    document: dict[str, Any],
) -> None:
    for f in document["flows"]:
        for offer, o in f["offers"].items():
            if o["variable_per_contact"] is None:
                continue
            # What the contacts it takes add to its invoice, over those contacts.
            per = Decimal(o["variable_per_month"]) / Decimal(str(o["contacts_per_month"]))
            assert abs(per - Decimal(o["variable_per_contact"])) < Decimal("0.0001") * per + Decimal("0.005")
            minimum = o["minimum_monthly"]
            if o["minimum_dominates"]:
                assert Decimal(o["standalone_per_month"]) == Decimal(minimum), (f["flow"], offer)
        best = f["best_offer"]
        candidates = [
            Decimal(o["variable_per_contact"])
            for o in f["offers"].values()
            if o["covers"] >= 0.5 and not o["refusals"] and o["variable_per_contact"] is not None
        ]
        assert (best is None) == (not candidates)
        if best:
            assert Decimal(best["per_contact"]) == min(candidates).quantize(Decimal("0.01"))
    # The small social flow at the offshore offer: its minimum of 15,000 € a month makes the price
    # of a contract for it alone, and the cost reason of its qualification says so.
    social = next(f for f in document["flows"] if f["flow"] == "social-fr")
    mada = social["offers"]["callmada-tana"]
    assert mada["minimum_dominates"] and Decimal(mada["variable_per_month"]) < Decimal("15000")
    cost = next(r for r in social["reasons"] if r["criterion"] == "cost")
    if social["best_offer"]["offer"] == "callmada-tana":
        assert "minimum" in cost["fr"] and "15\u202f000\u00a0€" in cost["fr"]


def test_a_decision_reads_only_its_history_whatever_was_imported_since(company: Path, tmp_path: Path) -> None:
    root = copy_of(company, tmp_path)
    frame = root / "decision.yaml"
    frame.write_text(
        frame.read_text(encoding="utf-8").replace("history_until: 2025-12-31", "history_until: 2025-04-27"),
        encoding="utf-8",
    )
    ws = Workspace.open(root)
    try:
        before = decide(ws, sensitivity=False)
        later = generate_history(
            seed=11, start=date(2025, 5, 5), end=date(2025, 6, 30), scale=0.2
        ).interactions
        ids = pc.binary_join_element_wise("later-", later.column("contact_id"), "")
        later = later.set_column(later.column_names.index("contact_id"), "contact_id", ids)
        pq.write_table(later, tmp_path / "later.parquet")
        import_file(ws, tmp_path / "later.parquet")
        after = decide(ws, sensitivity=False)
        # The fingerprint reads the months of the history only: the decision still stands.
        assert current_decision(ws) is not None
    finally:
        ws.close()
    docs = [d.model_dump(mode="json") for d in (before, after)]
    for doc in docs:
        doc.pop("created_at")
        doc.pop("decision_id")
        doc["allocation"].pop("solve_s")  # the solver's time, not a figure of the decision
    assert docs[1] == docs[0]
    assert docs[0]["reference_period"]["end"] == "2025-04-27"
