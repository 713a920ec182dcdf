"""Governance refuses to guess: a month the provider's records do not cover is not charged as
complete, a month without any record charges nothing, a month that has not begun is refused.

The small store of tests/contract/test_govern.py (May 2026, 100 calls and 10 e-mails a day).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.errors import InputError
from arbitre.services.contracts import store_contract
from arbitre.services.copil import copil, open_actions, render_copil
from arbitre.services.govern import local_today
from arbitre.services.imports import import_file
from arbitre.store.workspace import Workspace
from tests.contract.test_govern import CONTRACT, HEADER, june_rows, may_rows, write_csv
from tests.helpers import govern_json, runs_json

MISSING = ("0510", "0511", "0512")  # 10, 11 and 12 May: the provider's export lost them


@pytest.fixture
def partial(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.init(tmp_path / "ws", name="Small")
    rows = [r for r in may_rows() if r.split(",")[0][1:5] not in MISSING]
    import_file(ws, write_csv(tmp_path / "may.csv", HEADER, rows))
    (tmp_path / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    store_contract(ws, tmp_path / "contract.yaml", who="test")
    yield ws
    ws.close()


def test_a_month_partly_covered_is_flagged_day_by_day_and_not_charged_as_complete(partial: Workspace) -> None:
    """Before: refereed as complete, its fees charged and its credit counted for good."""
    (d,) = govern_json(partial, month="2026-05", today=date(2026, 6, 5))
    assert d["complete"] is False
    assert d["coverage"]["status"] == "partial"
    assert d["coverage"]["missing_days"] == ["2026-05-10", "2026-05-11", "2026-05-12"]
    day = d["coverage"]["by_day"][10]
    assert day == {
        "day": "2026-05-11",
        "contacts": {"voice": 0, "mail": 0},
        "expected": ["voice", "mail"],
        "missing": ["voice", "mail"],
        "elapsed": True,
        "covered": False,
    }
    assert d["charge"] == {"status": "provisional", "amount": None, "coverage": "partial"}
    (report,) = copil(partial, month="2026-05", today=date(2026, 6, 5))
    fr, en = render_copil(report, lang="fr"), render_copil(report, lang="en")
    assert "couvrent 28 jours sur 31 (manquants : 10, 11 et 12 mai 2026)" in fr
    assert "cover 28 days of 31 (missing: 10, 11 and 12 May 2026)" in en
    assert "n&#39;est pas facturé comme complet" in fr
    (coverage,) = [a for a in open_actions(report) if a.kind == "coverage"]
    assert "10, 11 and 12 May 2026" in coverage.en and coverage.owner == "provider"


def test_a_provisional_month_neither_charges_a_credit_for_good_nor_settles_an_earn_back(
    partial: Workspace, tmp_path: Path
) -> None:
    govern_json(partial, month="2026-05", today=date(2026, 6, 5))
    import_file(partial, write_csv(tmp_path / "june.csv", HEADER, june_rows()))
    (june,) = govern_json(partial, month="2026-06", today=date(2026, 7, 5))
    assert june["earn_back"] == []  # May was provisional: its credit is not one yet
    # The missing days come in: May refereed again is complete, and its credit is earned back.
    import_file(
        partial,
        write_csv(
            tmp_path / "may-late.csv", HEADER, [r for r in may_rows() if r.split(",")[0][1:5] in MISSING]
        ),
    )
    (may,) = govern_json(partial, month="2026-05", today=date(2026, 7, 5))
    assert may["complete"] is True and may["charge"]["status"] == "final"
    (june,) = govern_json(partial, month="2026-06", today=date(2026, 7, 5))
    assert [(e["status"], e["amount"]) for e in june["earn_back"]] == [("returned", "326.50")]


def test_a_month_without_any_record_of_the_provider_charges_nothing(partial: Workspace) -> None:
    (d,) = govern_json(partial, month="2026-07", today=date(2026, 8, 3))
    assert d["coverage"]["status"] == "none" and d["complete"] is False
    assert d["charge"] == {"status": "nothing", "amount": None, "coverage": "none"}
    assert all(s["met"] is None for s in d["slas"])
    (report,) = copil(partial, month="2026-07", today=date(2026, 8, 3))
    assert (
        "Aucune interaction du prestataire pour ce mois : rien n&#39;est calculé ni facturé"
        in render_copil(report, lang="fr")
    )
    assert next(a.kind for a in open_actions(report)) == "coverage"


def test_a_month_that_has_not_begun_is_refused_and_nothing_is_recorded(partial: Workspace) -> None:
    """Before: a future month was refereed and recorded."""
    with pytest.raises(InputError) as info:
        govern_json(partial, month="2026-08", today=date(2026, 7, 31))
    assert info.value.field == "--month" and "2026-08 has not begun" in str(info.value)
    assert runs_json(partial, "small") == []
    result = CliRunner().invoke(app, ["govern", str(partial.root), "--month", "2999-01", "--json"])
    assert result.exit_code == 1 and result.stdout == "" and "has not begun" in result.stderr
    report = CliRunner().invoke(app, ["report", "copil", str(partial.root), "--month", "2999-01"])
    assert report.exit_code == 1 and "has not begun" in report.stderr


def test_the_run_date_is_the_workspace_s_local_date() -> None:
    """00:30 in Paris on 1 July is still 30 June in UTC: June is over in Paris."""
    assert local_today("Europe/Paris", now=datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert local_today("America/New_York", now=datetime(2026, 7, 1, 2, 0, tzinfo=UTC)) == date(2026, 6, 30)


def test_the_govern_json_says_what_it_charges(partial: Workspace) -> None:
    result = CliRunner().invoke(app, ["govern", str(partial.root), "--month", "2026-05", "--json"])
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(result.stdout)
    assert doc["charge"]["status"] == "provisional" and doc["coverage"]["missing_days"][0] == "2026-05-10"
    table = CliRunner().invoke(app, ["govern", str(partial.root), "--month", "2026-05", "--lang", "fr"])
    assert "Provisoire : les interactions du prestataire couvrent 28 jours sur 31" in table.stdout
