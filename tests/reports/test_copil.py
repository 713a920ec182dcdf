"""The steering-committee report of the small governed workspace of tests/contract/test_govern.py.

May 2026: the service level ``sl`` is missed (75 % against 80 %: a credit of 326.50 €) and the
invoice bills 3,000 voice contacts where 2,955 were handled, and a weekend price of 2.50 € where
the contract says 2 €. June: every SLA met, so May's credit is returned (earn-back of one month).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.contract.result import MonthResult, MonthReview
from arbitre.reports import governance_charts
from arbitre.reports.html import money
from arbitre.services.contracts import store_contract
from arbitre.services.copil import copil, open_actions, render_copil
from arbitre.services.govern import govern
from arbitre.services.imports import import_file
from arbitre.store.workspace import Workspace
from tests.contract.test_govern import CONTRACT, HEADER, june_rows, may_rows, write_csv
from tests.helpers import runs_json

OVER_BILLED = [
    "voice,contact,,3000,2.00,6000.00",
    "mail,contact,,310,2,620.00",
    "voice,contact,weekend,0,2.50,0",
]


def _small(root: Path) -> Workspace:
    """The small workspace with May's interactions and the contract stored, nothing refereed."""
    ws = Workspace.init(root / "ws", name="Small")
    import_file(ws, write_csv(root / "may.csv", HEADER, may_rows()))
    (root / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    store_contract(ws, root / "contract.yaml", who="test")
    return ws


@pytest.fixture(scope="module")
def governed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """May refereed with an over-billing invoice, then June's data imported and June refereed."""
    root = tmp_path_factory.mktemp("copil")
    ws = _small(root)
    invoice = write_csv(root / "invoice.csv", "flow,unit,band,quantity,unit_price,amount", OVER_BILLED)
    govern(ws, month="2026-05", invoice=invoice, today=date(2026, 6, 5), who="test")
    import_file(ws, write_csv(root / "june.csv", HEADER, june_rows()))
    govern(ws, month="2026-06", today=date(2026, 7, 5), who="test")
    yield ws
    ws.close()


def edited(report: MonthReview, **changes: Any) -> MonthReview:
    """``report`` with parts of its month changed, given as JSON and validated as a stored month is."""
    document = MonthResult.model_validate(report.document.model_dump(mode="json") | changes)
    return report.model_copy(update={"document": document})


@pytest.fixture(scope="module")
def june(governed: Workspace) -> MonthReview:
    (report,) = copil(governed, month="2026-06")
    return report


@pytest.fixture(scope="module")
def may(governed: Workspace) -> MonthReview:
    (report,) = copil(governed, month="2026-05")
    return report


def test_the_june_report_shows_every_sla_the_returned_credit_the_trends_and_the_net_fees(
    june: MonthReview,
) -> None:
    html = render_copil(june, lang="fr")
    d = june.document
    assert [h.month for h in june.history] == ["2026-05"]
    for name in ("sl", "aband", "mail"):
        assert f">{name}" in html
    # May's credit on sl, returned in June.
    row = _row(html, ">restituée</span>")
    assert "sl" in row and "mai 2026" in row and money("326.50", "fr", "EUR", 2) in row
    # Trends: one chart per SLA and the money chart, over May and June.
    assert html.count("<svg") == len(d.slas) + 1
    assert "Facturation, pénalités et net à payer par mois" in html and "2026-05" in html
    assert d.net_fees == Decimal("6926.50")
    assert money(d.net_fees, "fr", "EUR", 2) in html  # 6 926,50 €
    assert "Contrôle de la facture" not in html  # no invoice in June


def test_the_may_report_highlights_the_over_billed_invoice_lines(may: MonthReview) -> None:
    html = render_copil(may, lang="fr")
    voice = _row(html, "contacts voice")
    assert 'class="flagged' in voice and "surfacturé" in voice and "2\u202f955" in voice
    assert "prix" in _row(html, "prix unitaire, ligne 4")
    assert 'class="flagged' not in _row(html, "contacts mail")
    assert money("6620.00", "fr", "EUR", 2) in html and money("90.00", "fr", "EUR", 2) in html


def test_the_open_actions_of_may_are_derived_from_its_figures(may: MonthReview) -> None:
    actions = open_actions(may)
    kinds = [a.kind for a in actions]
    assert kinds == ["remediation", "invoice", "invoice", "earn_back"]
    remediation, voice, price, follow_up = actions
    assert "plan de remédiation" in remediation.fr and "sl" in remediation.fr
    assert "75,0\u202f%" in remediation.fr and "326,50" in remediation.fr
    assert remediation.en.startswith("Remediation plan requested from the provider for sl")
    assert remediation.owner == "provider"
    # The lines are disputed, not the total that restates them.
    assert voice.fr.startswith("Contester la ligne de facture « contacts voice » (surfacturé)")
    assert voice.en.startswith("Dispute the invoice line “contacts voice” (over)")
    assert "2,50" in price.fr and price.owner == "client"
    assert "juin 2026" in follow_up.fr and follow_up.due == "2026-06"
    # A warning on an SLA the month already missed adds no action: its remediation plan covers it.
    warned = edited(
        may,
        warnings=[
            {
                "sla": "sl",
                "status": "missed",
                "actual": 0.75,
                "needed": None,
                "remaining": 0,
                "target": 0.8,
                "note": {"code": "said", "fr": "x", "en": "x"},
            }
        ],
    )
    assert [a.kind for a in open_actions(warned)] == kinds
    html = render_copil(may, lang="fr")
    assert "Actions ouvertes" in html and remediation.fr in html and follow_up.fr in html


def test_in_english_the_headings_and_words_are_english(june: MonthReview) -> None:
    html = render_copil(june, lang="en")
    for heading in ("Scorecard", "Service levels", "Trends", "Credits and bonus", "Open actions"):
        assert f"<h2>{heading}</h2>" in html
    assert "Tableau de bord" not in html and "returned" in html
    assert money(june.document.net_fees, "en", "EUR", 2) in html  # €6,926.50


def test_warnings_and_obligations_show_in_the_report_language_and_open_actions(
    june: MonthReview,
) -> None:
    coverage = june.document.model_dump(mode="json")["coverage"] | {"status": "in_progress"}
    report = edited(
        june,
        complete=False,
        coverage=coverage,
        charge={"status": "provisional", "amount": None, "coverage": "in_progress"},
        warnings=[
            {
                "sla": "sl",
                "status": "at_risk",
                "actual": 0.78,
                "needed": 0.83,
                "remaining": 100,
                "target": 0.8,
                "note": {"code": "said", "fr": "note fr", "en": "note en"},
            },
            {
                "sla": "aband",
                "status": "on_track",
                "actual": 1.0,
                "needed": 0.8,
                "remaining": 10,
                "target": 0.9,
                "note": {"code": "said", "fr": "plain note", "en": "plain note"},
            },
        ],
        obligations=[
            {
                "date": "2026-07-10",
                "kind": "committee",
                "what": {"code": "said", "fr": "réunion", "en": "meeting"},
                "days_left": 40,
                "severity": "info",
            },
            {
                "date": "2026-07-01",
                "kind": "certification",
                "what": {"code": "said", "fr": "ISO 27001 expire", "en": "ISO 27001 expires"},
                "days_left": 12,
                "severity": "soon",
            },
        ],
    )
    fr, en = render_copil(report, lang="fr"), render_copil(report, lang="en")
    assert "Alertes et échéances" in fr and "Early warnings and obligations" in en
    assert "note fr" in fr and "note en" in en and "plain note" in fr and "plain note" in en
    assert "à risque" in _row(fr, "note fr") and "at risk" in _row(en, "note en")
    assert "ISO 27001 expire" in fr and "ISO 27001 expires" in en
    assert (
        "Mois en cours : données jusqu&#39;au 30 juin 2026" in fr
        and "Month to date: data through 30 June 2026" in en
    )
    actions = open_actions(report)
    warning = next(a for a in actions if a.kind == "warning")
    assert warning.fr == "Alerte sur sl (à risque) : note fr." and warning.en.endswith("note en.")
    obligation = next(a for a in actions if a.kind == "obligation")
    assert obligation.due == "2026-07-01" and "(proche)" in obligation.fr  # due in 12 days: soon
    assert not any("réunion" in a.fr for a in actions)  # a committee is not an action


def test_empty_warnings_and_obligations_leave_the_section_out(june: MonthReview) -> None:
    report = edited(june, warnings=[], obligations=[])
    assert "Alertes et échéances" not in render_copil(report, lang="fr")


def test_the_business_case_is_set_against_the_actual_cost_when_present(june: MonthReview) -> None:
    report = edited(
        june,
        business_case={
            "decision_id": "d1",
            "offer": "provider-offer",
            "projected_monthly": "6000.00",
            "actual_monthly": "6926.50",
            "projected_contacts": 3400,
            "actual_contacts": 3300,
            "projected_per_contact": "1.76",
            "actual_per_contact": "2.10",
            "inhouse_monthly": "9000.00",
            "projected_savings_share": 0.3333,
            "actual_savings_share": 0.2304,
            "difference_share": 0.1932,
            "reference_period": {"start": "2025-01-01", "end": "2025-12-31", "months": 12.0},
            "by_flow": [],
        },
    )
    html = render_copil(report, lang="fr")
    row = _row(html, "Coût par contact")
    assert "1,76" in row and "2,10" in row and "+19,3\u202f%" in row
    assert "33,3\u202f%" in _row(html, "Économie par rapport à l&#39;interne")


def test_the_sla_chart_draws_the_target_or_the_share_of_windows_required() -> None:
    points = [
        {"month": "2026-05", "actual": 1.0, "met": True},
        {"month": "2026-06", "actual": 0.8, "met": False},
    ]
    spec = governance_charts.sla_trend(
        points, name="aband", kpi="abandon_rate", window="day", target=0.9, lang="en"
    )
    assert [v["result"] for v in spec["data"]["values"]] == ["met", "missed"]
    assert spec["layer"][-1]["data"]["values"] == [{"target": 0.9}]
    assert spec["title"]["subtitle"] == "Abandonment rate — share of days met"
    money_spec = governance_charts.money_trend(
        [{"month": "2026-05", "fees": "6530.00", "credits_total": "326.50", "net_fees": "6203.50"}], lang="fr"
    )
    assert [v["amount"] for v in money_spec["data"]["values"]] == [6530.0, 326.5, 6203.5]


def test_the_pdf_says_what_the_html_says(governed: Workspace, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: scripts/test installs it")
    out = tmp_path / "copil.pdf"
    result = CliRunner().invoke(
        app,
        ["report", "copil", str(governed.root), "--month", "2026-05", "--format", "pdf", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Comité de pilotage — small" in text and "mai 2026" in text
    for heading in ("Tableau de bord", "Niveaux de service", "Contrôle de la facture", "Actions ouvertes"):
        assert heading in text
    assert re.search(r"1 ?/ ?\d", text)  # numbered pages


def test_the_command_writes_the_report_and_refuses_a_bad_format_or_a_month_out_of_force(
    governed: Workspace,
) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["report", "copil", str(governed.root), "--month", "2026-06", "--lang", "en"])
    assert ok.exit_code == 0, ok.output
    path = governed.reports_dir / "copil-small-2026-06.en.html"
    assert ok.stdout.strip() == str(path)
    assert "<h2>Scorecard</h2>" in path.read_text(encoding="utf-8")
    bad = runner.invoke(
        app, ["report", "copil", str(governed.root), "--month", "2026-06", "--format", "docx"]
    )
    assert bad.exit_code == 1 and "--format" in bad.stderr
    lang = runner.invoke(app, ["report", "copil", str(governed.root), "--month", "2026-06", "--lang", "de"])
    assert lang.exit_code == 1 and "--lang" in lang.stderr
    outside = runner.invoke(app, ["report", "copil", str(governed.root), "--month", "2025-05"])
    assert outside.exit_code == 1 and "no contract in force" in outside.stderr
    month = runner.invoke(app, ["report", "copil", str(governed.root), "--month", "2026-13"])
    assert month.exit_code == 1 and "--month" in month.stderr


def test_without_a_recorded_run_the_command_referees_the_month_first(tmp_path: Path) -> None:
    ws = _small(tmp_path)
    try:
        assert runs_json(ws, "small") == []
        result = CliRunner().invoke(
            app, ["report", "copil", str(ws.root), "--month", "2026-05", "--as", "copil"]
        )
        assert result.exit_code == 0, result.output
        (recorded,) = runs_json(ws, "small")
        assert recorded["month"] == "2026-05" and recorded["run"]["who"] == "copil"
        html = (ws.reports_dir / "copil-small-2026-05.html").read_text(encoding="utf-8")
        assert recorded["run"]["id"][:12] in html
    finally:
        ws.close()


def _row(html: str, text: str) -> str:
    """The table row of ``html`` that holds ``text``."""
    at = html.index(text)
    return html[html.rindex("<tr", 0, at) : html.index("</tr>", at)]


def test_a_month_to_date_run_is_refereed_again_once_the_month_is_over(tmp_path: Path) -> None:
    ws = _small(tmp_path)
    try:
        govern(ws, month="2026-05", today=date(2026, 5, 20), who="mid-month")
        (during,) = copil(ws, month="2026-05", today=date(2026, 5, 25))
        assert (
            during.document.complete is False
            and during.document.run is not None
            and during.document.run.who == "mid-month"
        )
        (after,) = copil(ws, month="2026-05", today=date(2026, 6, 3), who="committee")
        assert (
            after.document.complete is True
            and after.document.run is not None
            and after.document.run.who == "committee"
        )
        assert [r["run"]["who"] for r in runs_json(ws, "small")] == ["committee"]
    finally:
        ws.close()
