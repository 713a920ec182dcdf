"""The quality service on a real workspace: grids versioned, evaluations validated whole, checks
recorded and read by the KPI engine, calibration, sampling, disputes — and hostile input refused."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.errors import InputError, RejectedRows
from arbitre.examples import EXAMPLES
from arbitre.services.imports import import_file
from arbitre.services.kpis import kpis as kpi_groups
from arbitre.services.quality import decide_dispute, import_evaluations, load_grid, raise_dispute, store_grid
from arbitre.services.quality_checks import calibrate, check_month, quality_dir, sample
from arbitre.store.workspace import Workspace


def kpis(*inputs: Any, **options: Any) -> list[dict[str, Any]]:
    """The service's groups as the rows `arbitre kpi --json` prints (docs/specs/cli.md)."""
    return [group.model_dump(mode="json") for group in kpi_groups(*inputs, **options)]


GRID = EXAMPLES / "quality" / "grille-relation-client.yaml"
GOOD = (
    "Conseiller : Bonjour, Azalée Maison, Julie à votre écoute. Cet appel peut être enregistré.\n"
    "Client : Bonjour, je voudrais savoir où en est ma commande.\n"
    "Conseiller : Si je comprends bien, elle n'est pas arrivée. Pouvez-vous me confirmer votre nom ?\n"
    "Client : Martin.\n"
    "Conseiller : Votre commande est au dépôt, livrée sous 48 h.\n"
    "Client : Merci beaucoup !\n"
    "Conseiller : Je vous remercie de votre appel, belle journée !"
)
RUDE = (
    "Conseiller : Allô.\n"
    "Client : Bonjour, je voudrais savoir où en est ma commande.\n"
    "Conseiller : Votre commande est partie.\n"
    "Client : C'est inadmissible, je vais porter plainte.\n"
    "Conseiller : Bon bah c'est pas mon problème, au revoir."
)


def _interactions(path: Path, n: int = 40) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "contact_id",
                "flow",
                "channel",
                "site",
                "arrived_at",
                "answered_at",
                "ended_at",
                "abandoned",
                "talk_s",
                "hold_s",
                "wrap_s",
                "agent_id",
                "customer_id",
                "transcript",
            ]
        )
        for i in range(n):
            agent = "A1" if i % 2 == 0 else "A2"
            rude = agent == "A2" and i % 4 == 1
            w.writerow(
                [
                    f"C{i:03d}",
                    "sav-voice-fr",
                    "voice_in",
                    "callmada:tana",
                    f"2026-04-{1 + i % 28:02d}T10:00:00+02:00",
                    f"2026-04-{1 + i % 28:02d}T10:00:10+02:00",
                    f"2026-04-{1 + i % 28:02d}T10:05:00+02:00",
                    "false",
                    "280",
                    "0",
                    "10",
                    agent,
                    f"K{i}",
                    RUDE if rude else GOOD,
                ]
            )
    return path


@pytest.fixture
def qa_ws(workspace: Workspace, tmp_path: Path) -> Workspace:
    import_file(workspace, _interactions(tmp_path / "calls.csv"))
    store_grid(workspace, GRID)
    return workspace


def _evaluations(path: Path, rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["contact_id", "site", "grader", "criterion", "answer", "comment"])
        w.writerows(rows)
    return path


def test_a_grid_is_versioned_and_the_same_text_changes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    first = store_grid(workspace, GRID)
    again = store_grid(workspace, GRID)
    changed = tmp_path / "grid.yaml"
    changed.write_text(
        GRID.read_text(encoding="utf-8").replace("pass_score: 80", "pass_score: 85"), encoding="utf-8"
    )
    second = store_grid(workspace, changed)
    assert (first.version, again.unchanged, second.version) == (1, True, 2)
    assert load_grid(workspace)[0].pass_score == 85
    assert load_grid(workspace, version=1)[0].pass_score == 80


def test_every_transcript_is_checked_and_the_kpi_engine_reads_the_scores_by_agent(qa_ws: Workspace) -> None:
    summary = check_month(qa_ws, month="2026-04")
    assert (summary.contacts, summary.checked) == (40, 40)
    by = {c.criterion: c for c in summary.criteria}
    assert (by["prise-de-conge"].no, by["propos"].no) == (10, 10)  # the ten rude calls of A2
    table = pq.read_table(quality_dir(qa_ws) / summary.file)
    at = table.column("contact_id").to_pylist().index("C001")  # the first rude call
    row = {k: v[at] for k, v in table.to_pydict().items()}
    assert row["score"] == 0.0 and row["critical"] is True
    assert row["e:propos"] == "Bon bah c'est pas mon problème, au revoir."
    assert row["escalation_evidence"] == "C'est inadmissible, je vais porter plainte."
    rows = kpis([qa_ws.root], by=["agent"])
    a1, a2 = sorted(rows, key=lambda r: r["qa_auto_critical_rate"])  # agents are pseudonymised
    assert a1["qa_auto_critical_rate"] == 0.0
    assert a2["qa_auto_critical_rate"] == pytest.approx(0.5)
    assert a2["qa_auto_score"] == pytest.approx(a1["qa_auto_score"] / 2)
    assert a1["qa_human_score"] is None


def test_evaluations_are_imported_whole_and_a_bad_row_refuses_the_file(
    qa_ws: Workspace, tmp_path: Path
) -> None:
    bad = _evaluations(
        tmp_path / "bad.csv",
        [
            ("C000", "callmada:tana", "Ana", "salutation", "oui", ""),
            ("C000", "callmada:tana", "Ana", "telepathie'; DROP TABLE qa_answers; --", "yes", ""),
            ("C000", "callmada:tana", "Ana", "propos", "peut-être", ""),
            ("X'); DROP TABLE qa_grids; --", "callmada:tana", "Ana", "propos", "yes", ""),
        ],
    )
    with pytest.raises(RejectedRows) as caught:
        import_evaluations(qa_ws, bad)
    assert [(e.line, e.column) for e in caught.value.errors] == [(3, "criterion"), (4, "answer")]
    unknown = _evaluations(
        tmp_path / "unknown.csv",
        [("X'); DROP TABLE qa_grids; --", "callmada:tana", "Ana", "propos", "yes", "")],
    )
    with pytest.raises(RejectedRows, match="no such contact"):
        import_evaluations(qa_ws, unknown)
    assert load_grid(qa_ws)[0].id == "relation-client-fr"  # nothing dropped
    good = _evaluations(
        tmp_path / "good.csv",
        [
            ("C001", "callmada:tana", "Ana", c, "no" if c in ("propos", "prise-de-conge") else "yes", "")
            for c in ("salutation", "verification-identite", "propos", "prise-de-conge", "solution")
        ],
    )
    done = import_evaluations(qa_ws, good)
    assert (done.evaluations, done.inserted, done.mean_score) == (1, 1, 0.0)  # a critical no
    again = import_evaluations(qa_ws, good)
    assert (again.inserted, again.updated) == (0, 1)


def test_evaluations_are_read_from_xlsx_too(qa_ws: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Contact", "Site", "Évaluateur", "Critère", "Réponse", "Commentaire"])
    sheet.append(["C000", "callmada:tana", "Ana", "salutation", "Oui", '=HYPERLINK("x")'])
    sheet.append(["C000", "callmada:tana", "Ana", "solution", "Oui", None])
    book.save(tmp_path / "eval.xlsx")
    done = import_evaluations(qa_ws, tmp_path / "eval.xlsx")
    assert (done.evaluations, done.mean_score) == (1, 100.0)
    (tmp_path / "fake.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable XLSX workbook"):
        import_evaluations(qa_ws, tmp_path / "fake.xlsx")


def test_a_dispute_accepted_changes_the_answer_and_the_score(qa_ws: Workspace, tmp_path: Path) -> None:
    rows = [
        ("C000", "callmada:tana", "Ana", c, "no" if c == "verification-identite" else "yes", "")
        for c in ("salutation", "verification-identite", "solution")
    ]
    import_evaluations(qa_ws, _evaluations(tmp_path / "e.csv", rows))
    d = raise_dispute(
        qa_ws,
        contact_id="C000",
        site="callmada:tana",
        criterion="verification-identite",
        proposed="oui",
        reason="Le nom est demandé à 0:40 de l'enregistrement.",
    )
    assert (d.previous, d.proposed, d.status, d.score_after) == ("no", "yes", "open", 0.0)
    done = decide_dispute(qa_ws, d.id, accept=True, note="Vérifié à l'écoute.")
    assert (done.status, done.score_before, done.score_after) == ("accepted", 0.0, 100.0)
    with pytest.raises(InputError, match="already accepted"):
        decide_dispute(qa_ws, d.id, accept=False)
    with pytest.raises(InputError, match="not a criterion"):
        raise_dispute(
            qa_ws, contact_id="C000", site="callmada:tana", criterion="x", proposed="yes", reason="r"
        )


def test_calibration_trusts_the_criteria_the_graders_agree_with(qa_ws: Workspace, tmp_path: Path) -> None:
    check_month(qa_ws, month="2026-04")
    rows = []
    for i in range(40):
        rude = i % 4 == 1
        rows += [
            (f"C{i:03d}", "callmada:tana", "Ana", "propos", "no" if rude else "yes", ""),
            # The grader hears a rephrasing the rule misses in half the calls.
            (f"C{i:03d}", "callmada:tana", "Ana", "reformulation", "yes" if i % 2 else "no", ""),
        ]
    import_evaluations(qa_ws, _evaluations(tmp_path / "e.csv", rows))
    doc = calibrate(qa_ws)
    by = {c.criterion: c for c in doc.criteria}
    assert by["propos"].kappa == 1.0 and by["propos"].trusted
    assert by["propos"].confusion == [[30, 0, 0], [0, 10, 0], [0, 0, 0]]
    assert not by["reformulation"].trusted
    assert doc.rescored_runs == 1
    assert "reformulation" not in check_month(qa_ws, month="2026-04").trusted


def test_the_sample_covers_every_agent_and_writes_the_template(qa_ws: Workspace, tmp_path: Path) -> None:
    check_month(qa_ws, month="2026-04")
    doc = sample(
        qa_ws, month="2026-04", share=0.25, min_per_agent=2, random_share=0.0, out=tmp_path / "t.csv"
    )
    assert doc.sampled == 10
    assert {s.key: s.sampled for s in doc.by_agent}.keys() == {a.key for a in doc.by_agent}
    assert all(s.sampled >= 2 for s in doc.by_agent)
    risky = [c for c in doc.contacts if c.why == "risk"]
    assert all("critical" in c.signals for c in risky)
    lines = (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "contact_id,site,grader,criterion,answer,comment"
    assert len(lines) == 1 + 10 * 10
    with pytest.raises(InputError, match="--share"):
        sample(qa_ws, month="2026-04", share=2.0)


def test_the_qa_commands_print_json_and_refuse_bad_input_in_one_line(qa_ws: Workspace) -> None:
    root = str(qa_ws.root)
    qa_ws.close()
    runner = CliRunner()
    done = runner.invoke(app, ["qa", "check", root, "--month", "2026-04", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["checked"] == 40
    bad = runner.invoke(app, ["qa", "check", root, "--month", "2026-13"])
    assert bad.exit_code == 1
    assert "expected a month YYYY-MM" in bad.output
    wrong = runner.invoke(app, ["qa", "check", root, "--month", "2026-04", "--features", "magic"])
    assert wrong.exit_code == 1 and "expected tfidf or e5" in wrong.output
