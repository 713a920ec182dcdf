"""Contract versions carry an effective month: a month is refereed under the version in force
then, a new version never reaches back into a month already refereed, and an earn-back already
earned is kept.

The small store of tests/contract/test_govern.py: May misses the service level (a credit of
326.50 € with a one-month earn-back), June meets it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.errors import InputError
from arbitre.services.contracts import contract_history, contract_in_force, store_contract
from arbitre.services.imports import import_file
from arbitre.store.workspace import Workspace
from tests.contract.test_govern import CONTRACT, HEADER, june_rows, may_rows, write_csv
from tests.helpers import govern_json

STRICTER = CONTRACT.replace("target: 0.80, weight: 0.5}", "target: 0.95, weight: 0.5}")
NO_EARN_BACK = CONTRACT.replace(", earn_back: {months: 1}}", "}")


@pytest.fixture
def refereed(tmp_path: Path) -> Iterator[Workspace]:
    """May and June imported, May refereed whole (its credit charged)."""
    ws = Workspace.init(tmp_path / "ws", name="Small")
    import_file(ws, write_csv(tmp_path / "may.csv", HEADER, may_rows()))
    import_file(ws, write_csv(tmp_path / "june.csv", HEADER, june_rows()))
    (tmp_path / "v1.yaml").write_text(CONTRACT, encoding="utf-8")
    store_contract(ws, tmp_path / "v1.yaml", who="test")
    govern_json(ws, month="2026-05", today=date(2026, 6, 5))
    yield ws
    ws.close()


def store(ws: Workspace, tmp_path: Path, text: str, *, effective: str | None = None) -> int:
    path = tmp_path / "next.yaml"
    path.write_text(text, encoding="utf-8")
    stored = store_contract(ws, path, who="buyer", effective=effective)
    return stored.version


def test_a_new_version_applies_from_the_month_after_the_last_one_refereed_never_before(
    refereed: Workspace, tmp_path: Path
) -> None:
    """Before: a new version had no effective date and re-refereed May with its stricter target."""
    assert store(refereed, tmp_path, STRICTER) == 2
    assert contract_history(refereed, "small")[-1].effective_month == "2026-06"
    (may,) = govern_json(refereed, month="2026-05", today=date(2026, 7, 5))
    assert may["contract_version"] == 1 and may["slas"][0]["target"] == 0.80
    assert may["credits_total"] == "326.50"
    (june,) = govern_json(refereed, month="2026-06", today=date(2026, 7, 5))
    assert june["contract_version"] == 2 and june["slas"][0]["target"] == 0.95
    found = contract_in_force(refereed, "small", month="2026-05")
    assert found is not None and found[1] == 1


def test_an_effective_month_already_refereed_is_refused_and_nothing_is_stored(
    refereed: Workspace, tmp_path: Path
) -> None:
    with pytest.raises(InputError) as info:
        store(refereed, tmp_path, STRICTER, effective="2026-05")
    assert info.value.field == "--effective" and "2026-05 is already refereed whole under version 1" in str(
        info.value
    )
    assert len(contract_history(refereed, "small")) == 1
    path = tmp_path / "next.yaml"
    result = CliRunner().invoke(app, ["contract", str(refereed.root), str(path), "--effective", "2026-13"])
    assert result.exit_code == 1 and "--effective" in result.stderr
    later = CliRunner().invoke(
        app, ["contract", str(refereed.root), str(path), "--effective", "2026-09", "--json"]
    )
    assert later.exit_code == 0, later.output
    assert json.loads(later.stdout)["effective_month"] == "2026-09"
    # August stays under version 1; September on is version 2.
    in_force = [contract_in_force(refereed, "small", month=m) for m in ("2026-08", "2026-09")]
    assert [None if f is None else f[1] for f in in_force] == [1, 2]


def test_a_new_version_never_forfeits_an_earn_back_earned_under_the_version_that_charged_it(
    refereed: Workspace, tmp_path: Path
) -> None:
    """Before: version 2 without earn-back, stored after May, made May's credit vanish in June."""
    store(refereed, tmp_path, NO_EARN_BACK)
    (june,) = govern_json(refereed, month="2026-06", today=date(2026, 7, 5))
    assert june["contract_version"] == 2
    assert [(e["sla"], e["status"], e["amount"]) for e in june["earn_back"]] == [("sl", "returned", "326.50")]
    assert june["earned_back_total"] == "326.50"


def test_the_contract_command_says_from_when_a_version_is_in_force(
    refereed: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "next.yaml"
    path.write_text(STRICTER, encoding="utf-8")
    result = CliRunner().invoke(app, ["contract", str(refereed.root), str(path), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "small : enregistré en version 2, en vigueur à partir de juin 2026" in result.stdout
    history = CliRunner().invoke(app, ["contract", str(refereed.root), "--history", "small"])
    assert "version 2 — in force from June 2026" in history.stdout
