"""The tender report in HTML and PDF, French and English; sealed before the deadline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.services.tender_bids import import_bids
from arbitre.services.tender_report import render_tender_report
from arbitre.services.tender_score import score_tender
from arbitre.store.workspace import Workspace

from .test_service import AFTER, BEFORE, RECEIVED, company, grade_all, grid  # noqa: F401


@pytest.fixture(scope="module")
def scored(company: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    folder = tmp_path_factory.mktemp("report")
    shutil.copytree(company, folder / "ws")
    ws = Workspace.open(folder / "ws")
    try:
        files = [
            grid(folder, "callmada", rate=14.5),
            grid(folder, "atlas", rate=16.0),
            grid(folder, "hexa", rate=29.0),
        ]
        import_bids(ws, "sav-2026", files, received_at=RECEIVED, now=BEFORE)
        grade_all(ws, ["callmada", "atlas", "hexa"], {"callmada": "12", "atlas": "15", "hexa": "17"})
    finally:
        ws.close()
    return folder / "ws"


def test_the_french_report_recommends_compares_and_shows_the_sensitivity(scored: Path) -> None:
    ws = Workspace.open(scored)
    try:
        document = score_tender(ws, "sav-2026", now=AFTER)
        html = render_tender_report(ws, document, lang="fr")
        english = render_tender_report(ws, document, lang="en")
    finally:
        ws.close()
    voix = next(lot for lot in document.lots if lot.lot == "voix")
    winner = next(q.provider_name for q in voix.quotes if q.provider == voix.recommended)
    assert f"attribuer à {winner}" in html
    for words in (
        "Comparaison des offres sur les mêmes volumes",
        "Sensibilité du classement",
        "Coût interne des mêmes volumes",
        "Évaluation technique",
        "Données d&#39;entrée et sources",
        "classique (N × Pmin / P)",
    ):
        assert words in html
    for words in ("Bids compared on the same volumes", "Sensitivity of the ranking", "award to"):
        assert words in english
    # one language per report: no English heading in the French one, no French in the English one
    for english_word in ("Bidder", "Ranking under", "Cost over the term"):
        assert english_word not in html
    for french_word in ("Candidat", "Coût sur la durée", "Classement selon"):
        assert french_word not in english
    # the individual grades stay visible beside the consensus
    assert "ana" in html and "bob" in html


def test_before_the_deadline_the_report_shows_no_price(scored: Path) -> None:
    ws = Workspace.open(scored)
    try:
        html = render_tender_report(ws, score_tender(ws, "sav-2026", now=BEFORE), lang="fr")
    finally:
        ws.close()
    assert "scellées jusqu&#39;au 2026-02-13T12:00:00+01:00" in html
    assert "€" not in html and "Comparaison des offres" not in html


@pytest.mark.parametrize(
    ("fmt", "lang", "name"),
    [("html", "fr", "analyse-des-offres-sav-2026.html"), ("pdf", "en", "bid-evaluation-sav-2026.pdf")],
)
def test_the_cli_writes_the_report(scored: Path, tmp_path: Path, fmt: str, lang: str, name: str) -> None:
    target = tmp_path / "ws"
    shutil.copytree(scored, target)
    result = CliRunner().invoke(
        app, ["tender", "report", str(target), "sav-2026", "--format", fmt, "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    path = target / "reports" / name
    assert result.stdout.strip() == str(path) and path.exists()
    if fmt == "pdf":
        assert path.read_bytes()[:5] == b"%PDF-"
    bad = CliRunner().invoke(app, ["tender", "report", str(target), "sav-2026", "--format", "docx"])
    assert bad.exit_code == 1 and "--format" in bad.stderr
