"""`arbitre tender rank FILE.yaml --json`: the issue's input and output, and bad files refused by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app

CASE = """\
max_score: 20
price_weight: 0.4
price_formula: lineaire
criteria:
  - {name: quality, weight: 0.6}
bids:
  - {provider: A, price: 100, scores: {quality: 12}}
  - {provider: B, price: 120, scores: {quality: 16}}
"""


def run(tmp_path: Path, text: str, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "bids.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["tender", "rank", str(path), "--json", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_json_has_the_ranking_the_rankings_by_formula_and_the_warnings(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, CASE)
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"ranking", "by_formula", "warnings"}
    assert doc["ranking"] == [
        {"provider": "A", "price_score": 20.0, "technical_score": 12.0, "total": 15.2, "rank": 1},
        {"provider": "B", "price_score": 0.0, "technical_score": 16.0, "total": 9.6, "rank": 2},
    ]
    assert doc["by_formula"] == {"classique": ["B", "A"], "lineaire": ["A", "B"], "moyenne": ["B", "A"]}
    assert any("Linear formula with two bids" in w for w in doc["warnings"])


def test_adding_an_irrelevant_bid_reverses_the_linear_ranking_and_the_warning_says_so(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, CASE + "  - {provider: C, price: 200, scores: {quality: 10}}\n")
    doc = json.loads(out)
    assert code == 0 and [r["provider"] for r in doc["ranking"]] == ["B", "A", "C"]
    assert doc["ranking"][0]["total"] == pytest.approx(16.0)
    assert any(
        w.startswith("Rank reversal: without C's bid the winner would be A, not B") for w in doc["warnings"]
    )
    code, out, _ = run(
        tmp_path,
        CASE.replace("lineaire", "classique") + "  - {provider: C, price: 200, scores: {quality: 10}}\n",
    )
    doc = json.loads(out)
    assert doc["ranking"][0]["provider"] == "B" and not any("Rank reversal" in w for w in doc["warnings"])
    _, out, _ = run(tmp_path, CASE + "  - {provider: C, price: 200, scores: {quality: 10}}\n", "--lang", "fr")
    assert any(w.startswith("Inversion de classement") for w in json.loads(out)["warnings"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("price_weight: 0.4", "price_weight: 0.5"),
            "line 1: price_weight and the criteria's weights add up to 1.1",
        ),
        (("quality: 16", "quality: 26"), "score 26 for 'quality' is outside 0..20"),
        (("lineaire", "quadratique"), "line 3, field price_formula"),
        (("price: 120", "price: -120"), "field bids.1.price"),
        (("{quality: 16}", "{qualité: 16}"), "'qualité' is not a criterion"),
        (("max_score: 20", "max_score: [20"), "not valid YAML"),
    ],
)
def test_a_bad_file_is_one_line_naming_where(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    code, out, err = run(tmp_path, CASE.replace(*change))
    assert code == 1 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_the_example_of_the_documentation_ranks_as_it_says(tmp_path: Path) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "tender.md").read_text(encoding="utf-8")
    example = doc.split("### The standalone ranking", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    code, out, _ = run(tmp_path, example)
    assert code == 0
    assert [(r["provider"], r["total"]) for r in json.loads(out)["ranking"]] == [("A", 15.2), ("B", 9.6)]
