"""The quality pages and API: the client's grids, checks, calibration, sample and QA disputes; a
provider's months on its own sites and agents, its own disputes — never another provider's."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from arbitre.services.accounts import set_lang
from arbitre.services.audit import entries
from arbitre.services.imports import import_file
from arbitre.services.quality import import_evaluations, raise_dispute, store_grid
from arbitre.services.quality_checks import calibrate, check_month, run_summary
from arbitre.store.quality import current_runs, quality_month
from arbitre.web.i18n import translate
from tests.quality.test_service import GRID, _evaluations, _interactions
from tests.web.conftest import Site, login


@pytest.fixture
def qa_site(sqlite_site: Site) -> Site:
    """April's calls of Call Mada and Atlas with transcripts, checked on the example grid, graded
    by Ana on both sites (she hears a rephrasing the rule misses), calibrated; Atlas disputes one
    of its evaluations."""
    ws, tmp = sqlite_site.ws, sqlite_site.tmp
    mada = _interactions(tmp / "mada.csv")
    atlas = tmp / "atlas.csv"
    atlas.write_text(
        mada.read_text(encoding="utf-8").replace("callmada:tana", "atlas:casablanca"), encoding="utf-8"
    )
    import_file(ws, mada, who="setup")
    import_file(ws, atlas, who="setup")
    store_grid(ws, GRID)
    check_month(ws, month="2026-04")
    rows = []
    for site in ("callmada:tana", "atlas:casablanca"):
        for i in range(40):
            rows += [
                (f"C{i:03d}", site, "Ana", "propos", "no" if i % 4 == 1 else "yes", ""),
                (f"C{i:03d}", site, "Ana", "reformulation", "yes" if i % 2 else "no", ""),
            ]
    rows += [  # Bea fails Atlas's C000 on the identity check (a critical criterion: 0 points)
        ("C000", "atlas:casablanca", "Bea", c, "no" if c == "verification-identite" else "yes", "")
        for c in ("salutation", "verification-identite", "solution")
    ]
    import_evaluations(ws, _evaluations(tmp / "e.csv", rows))
    calibrate(ws)
    raise_dispute(
        ws,
        contact_id="C000",
        site="atlas:casablanca",
        criterion="verification-identite",
        proposed="yes",
        reason="Atlas's reason",
        grader="Bea",
    )
    return sqlite_site


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_client_reads_the_grids_the_checks_the_calibration_and_the_disputes_in_each_language(
    qa_site: Site, sqlite_client: TestClient, lang: str
) -> None:
    set_lang(qa_site.ws, 3, lang)  # odile, the auditor: reads, decides nothing
    login(sqlite_client, "odile")
    page = sqlite_client.get("/w/azalee/quality")
    assert page.status_code == 200, page.text[:500]
    text = page.text
    assert f'<html lang="{lang}">' in text and escape(translate(lang, "qa.calibration")) in text
    assert 'id="grids"' in text and 'id="run-2026-04"' in text and 'id="calibration"' in text
    assert "Atlas&#39;s reason" in text and 'action="/w/azalee/quality/disputes/' not in text
    summary = run_summary(qa_site.ws, current_runs(qa_site.ws)[0])
    assert (
        summary.checked == 80
        and escape(translate(lang, "qa.checked", checked="80", contacts=f"{summary.contacts}")) in text
    )
    api = sqlite_client.get("/api/w/azalee/quality", headers=qa_site.bearer("odile")).json()
    assert api["runs"][0]["mean_score"] == pytest.approx(summary.mean_score)
    assert {c["criterion"]: c["trusted"] for c in api["calibration"]["criteria"]}["propos"] is True


def test_the_sample_downloads_as_csv_with_no_cell_a_spreadsheet_would_run(
    qa_site: Site, sqlite_client: TestClient
) -> None:
    login(sqlite_client, "anna")
    answer = sqlite_client.get("/w/azalee/quality/sample-2026-04.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:4] == ["contact_id", "site", "flow", "agent_id"] and len(rows) > 1
    assert {r[1] for r in rows[1:]} <= {"callmada:tana", "atlas:casablanca"}
    assert [e.target for e in entries(qa_site.ws, action="download")] == ["qa-sample-2026-04.csv"]
    for bad in ("2026-13", "x" * 30, "..%2F..%2Fetc"):
        assert sqlite_client.get(f"/w/azalee/quality/sample-{bad}.csv").status_code in (404, 422)
    login(sqlite_client, "mada")
    assert sqlite_client.get("/w/azalee/quality/sample-2026-04.csv").status_code == 403


def test_a_provider_sees_its_own_agents_and_disputes_only_and_opens_a_dispute_on_its_own_site(
    qa_site: Site, sqlite_client: TestClient
) -> None:
    csrf = login(sqlite_client, "mada")
    page = sqlite_client.get("/w/azalee/quality").text
    assert 'id="month-callmada-2026-2026-04"' in page and "atlas" not in page.lower()
    months = sqlite_client.get("/api/w/azalee/quality/months", headers=qa_site.bearer("mada")).json()
    mine = quality_month(qa_site.ws, month="2026-04", sites=["callmada:tana"], flows=["sav-voice-fr"])
    assert [m["contract"] for m in months] == ["callmada-2026"]
    assert mine is not None and months[0]["quality"]["checked"] == mine.checked == 40
    assert sqlite_client.get("/api/w/azalee/quality/disputes", headers=qa_site.bearer("mada")).json() == []
    assert sqlite_client.get("/api/w/azalee/quality", headers=qa_site.bearer("mada")).status_code == 403
    other = sqlite_client.post(
        "/w/azalee/quality/disputes",
        data={
            "csrf_token": csrf,
            "contact_id": "C001",
            "site": "atlas:casablanca",
            "criterion": "propos",
            "proposed": "yes",
            "reason": "x",
        },
    )
    assert other.status_code == 404 and "Atlas" not in other.text
    opened = sqlite_client.post(
        "/w/azalee/quality/disputes",
        data={
            "csrf_token": csrf,
            "contact_id": "C004",
            "site": "callmada:tana",
            "criterion": "propos",
            "proposed": "no",
            "reason": "<script>x</script>",
        },
    )
    assert opened.status_code == 303, opened.text[:500]
    (d,) = sqlite_client.get("/api/w/azalee/quality/disputes", headers=qa_site.bearer("mada")).json()
    assert (d["contact_id"], d["site"], d["previous"], d["proposed"]) == (
        "C004",
        "callmada:tana",
        "yes",
        "no",
    )
    assert "<script>x" not in sqlite_client.get("/w/azalee/quality").text
    atlas = sqlite_client.get("/api/w/azalee/quality/disputes", headers=qa_site.bearer("atlas")).json()
    assert [x["site"] for x in atlas] == ["atlas:casablanca"]
    decided = sqlite_client.post(
        f"/api/w/azalee/quality/disputes/{atlas[0]['id']}/decision",
        data={"decision": "accepted"},
        headers=qa_site.bearer("mada"),
    )
    assert decided.status_code == 403


def test_the_admin_decides_a_qa_dispute_and_the_score_is_recomputed_and_audited(
    qa_site: Site, sqlite_client: TestClient
) -> None:
    (d,) = sqlite_client.get("/api/w/azalee/quality/disputes", headers=qa_site.bearer("alice")).json()
    csrf = login(sqlite_client, "anna")
    assert (
        sqlite_client.post(
            f"/w/azalee/quality/disputes/{d['id']}", data={"csrf_token": csrf, "decision": "accepted"}
        ).status_code
        == 403
    )
    csrf = login(sqlite_client, "alice")
    assert (
        sqlite_client.post(f"/w/azalee/quality/disputes/{d['id']}", data={"decision": "accepted"}).status_code
        == 403
    )  # no CSRF
    assert (
        sqlite_client.post(
            "/w/azalee/quality/disputes/nope", data={"csrf_token": csrf, "decision": "accepted"}
        ).status_code
        == 404
    )
    done = sqlite_client.post(
        f"/w/azalee/quality/disputes/{d['id']}",
        data={"csrf_token": csrf, "decision": "accepted", "note": "heard"},
    )
    assert done.status_code == 303
    (after,) = sqlite_client.get("/api/w/azalee/quality/disputes", headers=qa_site.bearer("alice")).json()
    assert (after["status"], after["proposed"], after["score_after"]) == ("accepted", "yes", 100.0)
    (entry,) = entries(qa_site.ws, action="qa_dispute")
    assert entry.actor == "alice" and entry.detail == {
        "step": "accepted",
        "score_before": 0.0,
        "score_after": 100.0,
    }
    again = sqlite_client.post(
        f"/w/azalee/quality/disputes/{d['id']}", data={"csrf_token": csrf, "decision": "rejected"}
    )
    assert again.status_code == 422
