"""The specification: DOCX that python-docx reads back with arbitre map's volumes, the PDF, the grid."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.services.tender import questions
from arbitre.tender.grid import read_bid

from .grids import complete, example_tender, fill
from .test_service import company  # noqa: F401  (the module's workspace fixture)


def digits(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.fixture(scope="module")
def written(company: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:  # noqa: F811
    target = tmp_path_factory.mktemp("spec") / "ws"
    shutil.copytree(company, target)
    result = CliRunner().invoke(app, ["tender", "spec", str(target), "sav-2026"])
    assert result.exit_code == 0, result.output
    return target, [Path(line) for line in result.stdout.split()]


def test_the_specification_docx_opens_and_its_volumes_are_arbitre_maps(
    written: tuple[Path, list[Path]],
) -> None:
    target, paths = written
    assert [p.suffix for p in paths] == [".docx", ".pdf", ".xlsx"]
    doc = Document(str(paths[0]))
    mapped = json.loads(CliRunner().invoke(app, ["map", str(target), "--json"]).stdout)
    by_flow = {f["flow"]: f for f in mapped["flows"]}
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Mois")
    header = [c.text for c in table.rows[0].cells][1:]
    assert header == ["sav-voice-fr", "orders-voice-fr", "sav-email-fr"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    for j, flow in enumerate(header, start=1):
        months = {m["month"]: m["contacts"] for m in by_flow[flow]["months"]}
        assert {r[0]: digits(r[j]) for r in rows[:-1]} == months
        assert digits(rows[-1][j]) == by_flow[flow]["contacts"]
    text = "\n".join(p.text for p in doc.paragraphs)
    for words in ("article 28 du RGPD", "ISO/IEC 27001", "Réversibilité", "chapitre V"):
        assert words in text
    # the export the provider sends each month: the interaction columns
    columns = next(t for t in doc.tables if t.rows[0].cells[0].text == "Colonne")
    assert [r.cells[0].text for r in columns.rows[1:6]] == [
        "contact_id",
        "flow",
        "channel",
        "site",
        "arrived_at",
    ]


def test_the_pdf_is_a_pdf_with_the_same_words(written: tuple[Path, list[Path]]) -> None:
    pdf = written[1][1]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Cahier des charges" in text and "sav-voice-fr" in text


def test_the_grid_written_with_the_specification_reads_back_once_filled(
    written: tuple[Path, list[Path]],
) -> None:
    grid = written[1][2]
    wb = load_workbook(grid)
    assert wb.sheetnames[:3] == ["Lisez-moi", "Candidat", "Prix"]
    assert wb["Productivité"]["C5"].value is not None  # the measured handle time, prefilled
    tender = example_tender()
    bid = read_bid(
        fill(grid.read_bytes(), complete()),
        tender=tender,
        questions=[n for n, _ in questions(tender)],
        file=grid.name,
    )
    assert bid.provider == "callmada"


def test_the_english_specification_and_a_bad_language_or_tender(
    written: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    target, _ = written
    result = CliRunner().invoke(
        app, ["tender", "spec", str(target), "sav-2026", "--lang", "en", "--no-pdf", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    doc = Document(str(tmp_path / "specification-sav-2026.docx"))
    assert any(t.rows[0].cells[0].text == "Month" for t in doc.tables)
    assert (tmp_path / "bid-grid-sav-2026.xlsx").exists()
    bad = CliRunner().invoke(app, ["tender", "spec", str(target), "sav-2026", "--lang", "de"])
    assert bad.exit_code == 1 and "--lang" in bad.stderr
    missing = CliRunner().invoke(app, ["tender", "spec", str(target), "nope"])
    assert missing.exit_code == 1 and "no tender 'nope'" in missing.stderr
