"""The audit log: append-only (no code path and no SQL statement changes it), every kind of action
recorded where it happens, exported as CSV with formulas neutralised."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from arbitre.services import audit
from arbitre.services.audit import Actor, entries, record, safe_cell
from tests.web.conftest import Site, login


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log"])
def test_the_database_refuses_to_change_or_erase_the_audit_log(site: Site, statement: str) -> None:
    record(site.ws, Actor("alice", "admin"), "login", "web")
    before = entries(site.ws)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), site.ws.engine.begin() as conn:
        conn.execute(sa.text(statement))
    assert entries(site.ws) == before


def test_no_code_path_updates_or_deletes_an_audit_entry() -> None:
    import inspect

    import arbitre.services.audit as module

    source = inspect.getsource(module)
    assert "delete(" not in source and "update(" not in source and ".delete" not in source
    assert set(audit.__all__) == {
        "ACTIONS",
        "Actor",
        "AuditRecord",
        "aware",
        "entries",
        "record",
        "safe_cell",
        "to_csv",
    }


def test_an_unknown_action_is_a_bug_not_an_entry(site: Site) -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        record(site.ws, Actor("alice", "admin"), "coffee", "x")


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+33 6 12", "'+33 6 12"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("callmada-2026", "callmada-2026"),
    ],
)
def test_a_cell_that_would_be_a_formula_is_neutralised(cell: str, safe: str) -> None:
    assert safe_cell(cell) == safe


def test_the_csv_export_holds_every_entry_with_formulas_neutralised(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    record(
        sqlite_site.ws,
        Actor('=HYPERLINK("http://evil")', "provider", "10.0.0.1"),
        "login_failed",
        "=cmd|'/C calc'!A0",
    )
    login(sqlite_client, "odile")
    answer = sqlite_client.get("/w/azalee/audit.csv")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == 'attachment; filename="audit-azalee.csv"'
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == len(entries(sqlite_site.ws))  # the export's own download included, first
    assert (rows[0]["action"], rows[0]["actor"], rows[0]["target"]) == ("download", "odile", "audit.csv")
    evil = next(r for r in rows if r["action"] == "login_failed")
    assert evil["actor"].startswith("'=") and evil["target"].startswith("'=")


def test_logins_imports_contract_changes_uploads_and_user_changes_are_in_the_log(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    csrf = login(sqlite_client, "alice")
    text = (
        (sqlite_site.tmp / "callmada.yaml")
        .read_text(encoding="utf-8")
        .replace("tolerance: 0.15", "tolerance: 0.12")
    )
    changed = sqlite_client.post(
        "/w/azalee/contracts",
        data={"csrf_token": csrf},
        files={"file": ("callmada-v2.yaml", text, "application/yaml")},
    )
    assert changed.status_code == 303
    version = sqlite_client.get("/w/azalee/contracts/callmada-2026").text
    assert "volumes.tolerance" in version and "0.15" in version and "0.12" in version
    sqlite_client.post("/w/azalee/users", data={"csrf_token": csrf, "username": "zoe", "role": "analyst"})
    seen = {e.action for e in entries(sqlite_site.ws)}
    assert {"login", "contract_change", "user_change"} <= seen
    (change,) = entries(sqlite_site.ws, action="contract_change")
    assert change.target == "callmada-2026" and change.detail["version"] == 2 and change.actor == "alice"
    page = sqlite_client.get("/w/azalee/audit").text
    assert "contract_change" in page and "callmada-2026" in page


def test_the_audit_log_is_for_admins_and_auditors_only(sqlite_site: Site, sqlite_client: TestClient) -> None:
    for user, status in [("alice", 200), ("odile", 200), ("anna", 403), ("mada", 403)]:
        answer = sqlite_client.get("/api/w/azalee/audit", headers=sqlite_site.bearer(user))
        assert answer.status_code == status, user
