"""One language per report: the map and the business case, HTML and command line, in French and in
English, with no word of the other language, no code of the engine, no decimal of the other kind."""

from __future__ import annotations

import json
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.decision.document import DecisionDocument
from arbitre.reports.activity import write_activity_map
from arbitre.reports.business_case import render_business_case
from arbitre.services.activity import activity_map
from arbitre.store.workspace import Workspace
from tests.helpers import demo_company
from tests.reports.language_check import foreign_words


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two months of the demo company at a tenth of its size, with its costs, frame and offers."""
    folder = tmp_path_factory.mktemp("language")
    return demo_company(folder, seed=9, start=date(2025, 3, 3), end=date(2025, 5, 5), scale=0.1)


@pytest.fixture(scope="module")
def document(company: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["decide", str(company), "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def names_of(document: dict[str, Any]) -> set[str]:
    """What people named and wrote: shown as given, in any report."""
    names = {document["workspace"], document.get("decision_id") or ""}
    for f in document["flows"]:
        names |= {f["flow"], f["label"] or ""}
    for o in document["inputs"]["offers"]:
        names |= {o["id"], o["provider"], o.get("city") or "", o["site"]}
    costs = document["inputs"]["costs"]
    names |= set(costs.get("sources", {}).values()) | set(costs.get("sources_fr", {}).values())
    names |= {p["expertise"] for p in document["inputs"]["decision"]["flows"].values() if p.get("expertise")}
    return names


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_business_case_speaks_one_language(document: dict[str, Any], lang: str) -> None:
    html = render_business_case(DecisionDocument.model_validate(document), lang=lang)
    assert foreign_words(html, lang, names=names_of(document)) == []


def test_the_french_business_case_has_none_of_the_words_and_codes_the_issue_found(
    document: dict[str, Any],
) -> None:
    html = unescape(render_business_case(DecisionDocument.model_validate(document), lang="fr"))
    for code in (
        "cx_differentiator",
        "all-in-house",
        "voice_in",
        "model: per_productive_hour",
        "setup_fee",
        "Estimate.",
    ):
        assert code not in html, code
    # The offers annex as a table in words; numbers with a decimal comma.
    assert "à l'heure productive" in html and "tolérance de volume ±15\u202f%" in html
    assert "tous les jours 08:00–22:00" in html  # Atlas answers every day (its "daily" hours)
    assert "Taux d'actualisation annuel" in html and "8\u202f%" in html
    # The savings warning in French, quoting the studies' range and the providers' claims.
    warnings = [w for s in document["scenarios"] for w in s["warnings"]]
    assert warnings and all("études sectorielles" in w["fr"] and "30 à 70" in w["fr"] for w in warnings)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_activity_map_speaks_one_language(company: Path, tmp_path: Path, lang: str) -> None:
    ws = Workspace.open(company)
    try:
        result = activity_map(ws)
        path = write_activity_map(result, tmp_path, lang=lang, path=tmp_path / f"map-{lang}.html")
    finally:
        ws.close()
    html = path.read_text(encoding="utf-8")
    names = {result.workspace, *(f.flow for f in result.flows), *(f.label or "" for f in result.flows)}
    assert foreign_words(html, lang, names=names) == []
    if lang == "fr":
        assert "dim. fermé" in html and "dim. closed" not in html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_command_line_speaks_the_language_asked(
    company: Path, document: dict[str, Any], lang: str
) -> None:
    names = names_of(document)
    decided = CliRunner().invoke(app, ["decide", str(company), "--lang", lang, "--no-sensitivity"])
    assert decided.exit_code == 0, decided.output
    assert foreign_words(decided.stdout, lang, names=names) == []
    mapped = CliRunner().invoke(app, ["map", str(company), "--lang", lang])
    assert mapped.exit_code == 0, mapped.output
    assert foreign_words(mapped.stdout, lang, names=names) == []
    if lang == "fr":
        assert "alerte (" in decided.stdout and "warning" not in decided.stdout


def test_the_check_finds_the_other_language_codes_and_decimals_and_spares_names() -> None:
    found = foreign_words("<p>Le coût of the flow : 12.5 € (voice_in)</p>", "fr")
    assert [f.split(" — ")[0] for f in found] == [
        "code: voice_in",
        "number: 12.5",
        "word: flow",
        "word: of",
        "word: the",
    ]
    assert foreign_words("The team's l'équipe costs 12,5 €", "en") != []
    assert (
        foreign_words(
            "Service après-vente par téléphone: 12,500 calls",
            "en",
            names={"Service après-vente par téléphone"},
        )
        == []
    )
    assert foreign_words("<style>.the { }</style><p>Week-end : 1 234,5 €</p>", "fr") == []
