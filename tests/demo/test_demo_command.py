"""`arbitre demo` end to end at a twentieth of the volumes: every step of the method runs, from
the exports to the steering committee, and an earlier demo is replaced but nothing else is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.domain.contract import Contract
from arbitre.reports.notes import say
from arbitre.store.governance import recorded_months
from arbitre.store.workspace import Workspace
from arbitre.yamlio import load_model
from tests.demo.conftest import BuiltDemo
from tests.helpers import runs_json
from tests.reports.language_check import foreign_words


@pytest.fixture(scope="module")
def built(small_demo: BuiltDemo) -> tuple[Path, dict]:
    return small_demo.folder, small_demo.summary


def test_the_demo_runs_the_whole_loop_to_the_steering_committee(built: tuple[Path, dict]) -> None:
    folder, summary = built
    assert [g["month"] for g in summary["governance"]] == ["2026-04", "2026-05", "2026-06"]
    # The provider's three months came in through the ordinary import, as monthly exports.
    imported = {Path(i["file"]).name for i in summary["imports"]}
    assert {f"callmada-tana-2026-0{m}.csv" for m in (4, 5, 6)} <= imported
    for g in summary["governance"]:
        assert {s["name"] for s in g["slas"]} == {"answer-30s", "abandon", "email-24h", "csat", "fcr"}
        # Net fees are the fees less credits plus what is earned back and the bonus, to the cent.
        net = (
            float(g["fees"])
            - float(g["credits_total"])
            + float(g["earned_back_total"])
            + float(g["bonus_total"])
        )
        assert float(g["net_fees"]) == pytest.approx(net, abs=0.005)
    # Quality monitoring: the provider's transcribed calls checked each month, calibrated.
    assert [q["month"] for q in summary["quality"]] == ["2026-04", "2026-05", "2026-06"]
    assert all(q["checked"] > 0 for q in summary["quality"])
    assert "verification-identite" in summary["calibration"]["trusted"]
    copil = Path(summary["copil"])
    assert copil.name == "copil-callmada-2026-2026-06.html"
    assert "<h2>Qualité</h2>" in copil.read_text(encoding="utf-8")
    assert "Tableau de bord" in copil.read_text(encoding="utf-8")
    assert copil.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"
    assert "<h2>Scorecard</h2>" in copil.with_name("copil-callmada-2026-2026-06.en.html").read_text(
        encoding="utf-8"
    )
    # Each month is recorded with its invoice, so a later `arbitre govern` reproduces it.
    ws = Workspace.open(folder)
    try:
        recorded = runs_json(ws, "callmada-2026")
        june = recorded_months(ws, "callmada-2026")[-1]
    finally:
        ws.close()
    assert [r["month"] for r in recorded] == ["2026-04", "2026-05", "2026-06"]
    assert all(r["invoice"] is not None for r in recorded)
    # The calendar of June's run, on the demo's 6 July 2026: the next weekly meeting only, the
    # monthly committee that reviews June, the ISO 27001 certificate expiring in September.
    calendar = [say(o.what, "en") for o in june.obligations]
    assert sum(w.startswith("meeting: Point opérationnel") for w in calendar) == 1
    assert any(w.startswith("meeting: Comité de pilotage mensuel") for w in calendar)
    assert any("ISO 27001" in w for w in calendar)
    again = CliRunner().invoke(app, ["govern", str(folder), "--month", "2026-05", "--json"])
    assert again.exit_code == 0, again.output
    (may,) = json.loads(again.stdout)
    assert may["net_fees"] == summary["governance"][1]["net_fees"]
    assert may["invoice"]["billed_total"] == recorded[1]["invoice"]["billed_total"]


def test_the_demo_refuses_a_folder_that_is_not_an_earlier_demo(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("not a demo", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path), "--no-serve"])
    assert result.exit_code == 1
    assert "not an earlier demo" in result.stderr
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "not a demo"


def test_the_demo_s_steering_report_counts_from_its_run_date_in_one_language(
    built: tuple[Path, dict],
) -> None:
    folder, summary = built
    ws = Workspace.open(folder)
    try:
        june = runs_json(ws, "callmada-2026")[-1]
    finally:
        ws.close()
    # The demo is set on 6 July 2026: the run says so, and its calendar counts from it.
    assert june["as_of"] == "2026-07-06" and june["charge"]["status"] == "final"
    copil = Path(summary["copil"])
    fr, en = (
        copil.read_text(encoding="utf-8"),
        copil.with_name(copil.stem + ".en.html").read_text(encoding="utf-8"),
    )
    assert "Jours restants comptés au 6 juillet 2026" in fr and "Days left counted from 6 July 2026" in en
    contract = load_model(folder / "contracts" / "callmada-2026.yaml", Contract)
    quality = june.get("quality") or {}
    data = [
        contract.id,
        contract.title,
        contract.client.name,
        contract.provider.name,
        contract.provider.offer or "",
        *contract.flows,
        *(s.name for s in contract.slas),
        *(p.reason for p in contract.exclusions.periods),
        *(c.name for c in contract.committees),
        *(a for c in contract.committees for a in c.attendees),
        *(c.name for c in contract.data_protection.certifications),
        "arbitre demo",
        # The provider's agents appear under their pseudonyms (the workspace never holds names),
        # and the QA grid's titles as the client wrote them (a French grid, in both reports).
        *(a["agent_id"] for a in quality.get("flagged_agents", [])),
        quality.get("grid_title", ""),
        *(c["title"] for c in quality.get("criteria", [])),
    ]
    assert foreign_words(fr, "fr", names=data) == []
    assert foreign_words(en, "en", names=data) == []
