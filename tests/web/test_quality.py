"""The quality pages and API: the client's grids, checks, calibration, sample and QA disputes; a
provider's months on its own sites and agents, its own evaluations and disputes — never another
provider's — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from arbitre.services.accounts import set_lang
from arbitre.services.audit import entries
from arbitre.services.imports import import_file
from arbitre.services.quality import import_evaluations, raise_dispute, store_grid
from arbitre.services.quality_checks import calibrate, check_month, run_summary
from arbitre.store.appdb import QaEvaluation, session_scope
from arbitre.store.quality import current_runs, quality_month
from arbitre.web.i18n import translate
from tests.quality.test_service import GRID, _evaluations, _interactions
from tests.web.conftest import Site, login


@pytest.fixture
def qa_site(site: Site) -> Site:
    """April's calls of Call Mada and Atlas with transcripts, checked on the example grid, graded
    by Ana on both sites (she hears a rephrasing the rule misses), calibrated; Atlas disputes one
    of its evaluations."""
    ws, tmp = site.ws, site.tmp
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
    for where in ("callmada:tana", "atlas:casablanca"):
        for i in range(40):
            rows += [
                (f"C{i:03d}", where, "Ana", "propos", "no" if i % 4 == 1 else "yes", ""),
                (f"C{i:03d}", where, "Ana", "reformulation", "yes" if i % 2 else "no", ""),
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
    return site


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_client_reads_the_grids_the_checks_the_calibration_and_the_disputes_in_each_language(
    qa_site: Site, client: TestClient, lang: str
) -> None:
    set_lang(qa_site.ws, 3, lang)  # odile, the auditor: reads, decides nothing
    login(client, "odile")
    page = client.get("/w/azalee/quality")
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
    api = client.get("/api/w/azalee/quality", headers=qa_site.bearer("odile")).json()
    assert api["runs"][0]["mean_score"] == pytest.approx(summary.mean_score)
    assert {c["criterion"]: c["trusted"] for c in api["calibration"]["criteria"]}["propos"] is True


def test_the_sample_downloads_as_csv_with_no_cell_a_spreadsheet_would_run(
    qa_site: Site, client: TestClient
) -> None:
    login(client, "anna")
    answer = client.get("/w/azalee/quality/sample-2026-04.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:4] == ["contact_id", "site", "flow", "agent_id"] and len(rows) > 1
    assert {r[1] for r in rows[1:]} <= {"callmada:tana", "atlas:casablanca"}
    assert [e.target for e in entries(qa_site.ws, action="download")] == ["qa-sample-2026-04.csv"]
    for bad in ("2026-13", "x" * 30, "..%2F..%2Fetc"):
        assert client.get(f"/w/azalee/quality/sample-{bad}.csv").status_code in (404, 422)
    login(client, "mada")
    assert client.get("/w/azalee/quality/sample-2026-04.csv").status_code == 403


def test_a_provider_sees_its_own_agents_and_disputes_only_and_opens_a_dispute_on_its_own_site(
    qa_site: Site, client: TestClient
) -> None:
    csrf = login(client, "mada")
    page = client.get("/w/azalee/quality").text
    assert 'id="month-callmada-2026-2026-04"' in page and "atlas" not in page.lower()
    months = client.get("/api/w/azalee/quality/months", headers=qa_site.bearer("mada")).json()
    mine = quality_month(qa_site.ws, month="2026-04", sites=["callmada:tana"], flows=["sav-voice-fr"])
    assert [m["contract"] for m in months] == ["callmada-2026"]
    assert mine is not None and months[0]["quality"]["checked"] == mine.checked == 40
    assert client.get("/api/w/azalee/quality/disputes", headers=qa_site.bearer("mada")).json() == []
    assert client.get("/api/w/azalee/quality", headers=qa_site.bearer("mada")).status_code == 403
    other = client.post(
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
    opened = client.post(
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
    (d,) = client.get("/api/w/azalee/quality/disputes", headers=qa_site.bearer("mada")).json()
    assert (d["contact_id"], d["site"], d["previous"], d["proposed"]) == (
        "C004",
        "callmada:tana",
        "yes",
        "no",
    )
    assert "<script>x" not in client.get("/w/azalee/quality").text
    atlas = client.get("/api/w/azalee/quality/disputes", headers=qa_site.bearer("atlas")).json()
    assert [x["site"] for x in atlas] == ["atlas:casablanca"]
    decided = client.post(
        f"/api/w/azalee/quality/disputes/{atlas[0]['id']}/decision",
        data={"decision": "accepted"},
        headers=qa_site.bearer("mada"),
    )
    assert decided.status_code == 403


def test_the_admin_decides_a_qa_dispute_and_the_score_is_recomputed_and_audited(
    qa_site: Site, client: TestClient
) -> None:
    (d,) = client.get("/api/w/azalee/quality/disputes", headers=qa_site.bearer("alice")).json()
    csrf = login(client, "anna")
    assert (
        client.post(
            f"/w/azalee/quality/disputes/{d['id']}", data={"csrf_token": csrf, "decision": "accepted"}
        ).status_code
        == 403
    )
    csrf = login(client, "alice")
    assert (
        client.post(f"/w/azalee/quality/disputes/{d['id']}", data={"decision": "accepted"}).status_code == 403
    )  # no CSRF
    assert (
        client.post(
            "/w/azalee/quality/disputes/nope", data={"csrf_token": csrf, "decision": "accepted"}
        ).status_code
        == 404
    )
    done = client.post(
        f"/w/azalee/quality/disputes/{d['id']}",
        data={"csrf_token": csrf, "decision": "accepted", "note": "heard"},
    )
    assert done.status_code == 303
    (after,) = client.get("/api/w/azalee/quality/disputes", headers=qa_site.bearer("alice")).json()
    assert (after["status"], after["proposed"], after["score_after"]) == ("accepted", "yes", 100.0)
    (entry,) = entries(qa_site.ws, action="qa_dispute")
    assert entry.actor == "alice" and entry.detail == {
        "step": "accepted",
        "score_before": 0.0,
        "score_after": 100.0,
    }
    again = client.post(
        f"/w/azalee/quality/disputes/{d['id']}", data={"csrf_token": csrf, "decision": "rejected"}
    )
    assert again.status_code == 422


# --- a provider's own evaluations, paged ------------------------------------------------------------


def test_a_provider_lists_its_own_evaluations_paged_with_their_day_flow_score_and_disputes(
    qa_site: Site, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    raise_dispute(
        qa_site.ws,
        contact_id="C001",
        site="callmada:tana",
        criterion="propos",
        proposed="yes",
        reason="the customer was not insulted",
        grader="Ana",
    )
    # The API, 15 a page: Call Mada's 40 evaluations (Ana's, one a contact), none of Atlas's 41.
    seen = []
    for page in (1, 2, 3):
        body = client.get(
            f"/api/w/azalee/quality/evaluations?page={page}&per_page=15", headers=qa_site.bearer("mada")
        ).json()
        assert body["total"] == 40 and body["page"] == page
        seen += body["evaluations"]
    assert len(seen) == 40 and len({e["id"] for e in seen}) == 40
    assert {e["site"] for e in seen} == {"callmada:tana"} and {e["grader"] for e in seen} == {"Ana"}
    for e in seen:  # C007 came on 8 April (2026-04-{1 + i % 28}, 10:00 in Paris), on sav-voice-fr
        assert e["day"] == date(2026, 4, 1 + int(e["contact_id"][1:]) % 28).isoformat()
        assert e["flow"] == "sav-voice-fr" and e["grid_id"] == "relation-client-fr"
    # Ana's grid score: propos (no on i % 4 == 1) and reformulation (yes on odd i), as the service
    # scores them — the row shows what the evaluation stores.
    stored = {r.contact_id: r.score for r in _stored(qa_site, "callmada:tana")}
    assert {e["contact_id"]: e["score"] for e in seen} == stored
    assert [e["contact_id"] for e in seen if e["disputed"]] == ["C001"]
    assert (
        client.get("/api/w/azalee/quality/evaluations?per_page=500", headers=qa_site.bearer("alice")).json()[
            "total"
        ]
        == 81
    )
    # The page, 15 a page: the first shows 15 of Call Mada's, a link to the next, C001 marked.
    monkeypatch.setattr("arbitre.web.pages.quality.PER_PAGE", 15)
    login(client, "mada")
    first = client.get("/w/azalee/quality").text
    rows = re.findall(r'<tr id="evaluation-([0-9a-f]+)"', first)
    assert len(rows) == 15 and 'id="evaluations-next"' in first and 'id="evaluations-previous"' not in first
    pages = [first] + [client.get(f"/w/azalee/quality?page={n}").text for n in (2, 3)]
    shown = [i for p in pages for i in re.findall(r'<tr id="evaluation-([0-9a-f]+)"', p)]
    assert sorted(shown) == sorted(e["id"] for e in seen)
    (disputed,) = [e["id"] for e in seen if e["disputed"]]
    assert any(f'<tr id="evaluation-{disputed}" class="disputed">' in p for p in pages)
    assert "atlas:casablanca" not in "".join(pages) and "Bea" not in "".join(pages)
    assert client.get("/w/azalee/quality?page=0").status_code == 422


def test_a_provider_never_reaches_another_providers_evaluation_by_page_api_or_guessed_id(
    qa_site: Site, client: TestClient
) -> None:
    theirs = [r.id for r in _stored(qa_site, "atlas:casablanca")]
    mine = [r.id for r in _stored(qa_site, "callmada:tana")]
    listed = client.get(
        "/api/w/azalee/quality/evaluations?per_page=500", headers=qa_site.bearer("mada")
    ).json()["evaluations"]
    assert {e["id"] for e in listed} == set(mine) and not set(theirs) & {e["id"] for e in listed}
    for guessed in [*theirs[:3], "../../etc/passwd", "' OR '1'='1", "x" * 300]:
        answer = client.get(f"/api/w/azalee/quality/evaluations/{guessed}", headers=qa_site.bearer("mada"))
        assert answer.status_code == 404 and answer.json()["type"] == "/problems/not-found"
    assert (
        client.get(
            f"/api/w/azalee/quality/evaluations/{theirs[0]}", headers=qa_site.bearer("atlas")
        ).status_code
        == 200
    )
    assert (
        client.get(
            f"/api/w/azalee/quality/evaluations/{mine[0]}", headers=qa_site.bearer("atlas")
        ).status_code
        == 404
    )
    login(client, "atlas")
    page = client.get("/w/azalee/quality").text
    assert not [i for i in mine if f'id="evaluation-{i}"' in page]
    assert client.get("/api/w/azalee/quality/evaluations", headers=qa_site.bearer("odile")).status_code == 200


def _stored(site: Site, on: str) -> list[QaEvaluation]:
    with session_scope(site.ws.engine) as session:
        return list(session.scalars(select(QaEvaluation).where(QaEvaluation.site == on)).all())
