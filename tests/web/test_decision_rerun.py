"""Deciding again from the decision page with changed inputs: validated as ``decision.yaml`` is,
recorded as a new decision beside the earlier ones (who, when, with which inputs), the page saying
what changed against the previous decision; audited; the API's run takes the same changes.

On two months of the demo company at a twentieth of its size, with its costs, frame and offers."""

from __future__ import annotations

import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from arbitre.services.accounts import add_user
from arbitre.services.audit import Actor, entries
from arbitre.services.jobs import JobRecord, Progress, latest_jobs, start
from arbitre.store.decisions import decision_runs, latest_decision
from arbitre.store.workspace import Workspace
from arbitre.web.app import create_app
from arbitre.web.decided import offer_ids
from arbitre.web.settings import build_settings
from tests.helpers import demo_company
from tests.web.conftest import PASSWORD, login

DECISION = "/w/ws/decision"


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = demo_company(
        tmp_path_factory.mktemp("rerun"), seed=7, start=date(2025, 1, 6), end=date(2025, 3, 2), scale=0.05
    )
    ws = Workspace.open(root)
    try:
        for username, role in (("alice", "admin"), ("anna", "analyst"), ("odile", "auditor")):
            add_user(
                ws, username=username, role=role, actor=Actor("test", "cli"), password=PASSWORD, lang="en"
            )
    finally:
        ws.close()
    return root


def decided(company: Path) -> JobRecord:
    """The latest decision job, once over (it runs on the server's worker thread)."""
    end = time.monotonic() + 600
    while time.monotonic() < end:
        ws = Workspace.open(company)
        try:
            (latest,) = latest_jobs(ws, kind="decision", limit=1)
        finally:
            ws.close()
        if latest.over:
            return latest
        time.sleep(0.2)
    raise AssertionError("the decision job did not end")


def cell(page: str, name: str) -> str:
    found = re.search(rf'id="{name}">([^<]*)<', page)
    assert found is not None, name
    return found.group(1)


def test_a_decision_run_again_with_changed_inputs_is_recorded_beside_the_previous_and_compared(
    company: Path,
) -> None:
    with TestClient(
        create_app(build_settings([company], env={}, warm=False)), follow_redirects=False
    ) as client:
        csrf = login(client, "anna", workspace="ws")
        assert client.post(DECISION + "/run", data={"csrf_token": csrf}).status_code == 303
        first = decided(company)
        assert (first.status, first.who, first.inputs) == ("done", "anna", {})
        page = client.get(DECISION).text
        assert 'id="in-term_months" value="36"' in page and 'id="decision-changes"' not in page
        changed = {
            "csrf_token": csrf,
            "changed": "1",
            "term_months": "24",
            "discount_rate": "0.05",
            "max_share_per_provider": "0.70",
            "volume_growth_per_year": "",
            "budget": "constrained",
            "keep_in_house": ["claims-backoffice"],
            "offers": ["callmada-tana", "hexa-amiens", "linguaserv-barcelona"],  # today's provider: needed
        }
        answer = client.post(DECISION + "/run", data=changed)
        assert answer.status_code == 303, re.findall(r"role=.alert.>[^<]*", answer.text)
        second = decided(company)
        assert second.status == "done", second.error
        assert second.inputs["term_months"] == "24" and second.id != first.id
        fragment = client.get(f"/w/ws/jobs/{second.id}", headers={"HX-Request": "true"})
        assert fragment.headers.get("hx-refresh") == "true"  # done: the page reloads on its decision
        page = client.get(DECISION).text
    ws = Workspace.open(company)
    try:
        after = latest_decision(ws)
        runs = decision_runs(ws, frame_inputs=("term_months", "discount_rate"))
        log = [e for e in entries(ws) if e.action == "run"]
    finally:
        ws.close()
    assert after is not None and after.decision_id == second.result_id
    assert (after.inputs.decision.term_months, str(after.inputs.decision.discount_rate)) == (24, "0.05")
    assert [o.id for o in after.inputs.offers] == ["callmada-tana", "hexa-amiens", "linguaserv-barcelona"]
    # Both kept, newest first, with who ran them and on which inputs.
    assert [(r.who, r.frame) for r in runs] == [
        ("anna", {"term_months": "24", "discount_rate": "0.05"}),
        ("anna", {"term_months": "36", "discount_rate": "0.08"}),
    ]
    assert (
        runs[0].offers == ["callmada-tana", "hexa-amiens", "linguaserv-barcelona"]
        and len(runs[1].offers) == 4
    )
    # The page says what changed: the inputs, the recommendation, the savings of each decision.
    rows = re.findall(r'<tr data-input="([^"]+)"><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>', page)
    assert ("term_months", "36", "24") in rows and ("discount_rate", "0.08", "0.05") in rows
    assert (
        "offers",
        "atlas-casablanca, callmada-tana, hexa-amiens, linguaserv-barcelona",
        "callmada-tana, hexa-amiens, linguaserv-barcelona",
    ) in rows
    assert cell(page, "savings-after") == f"{after.recommended_scenario.savings:,.0f}".replace(",", "\u202f")
    assert (log[0].detail["term_months"], log[0].detail["offers"]) == (
        "24",
        "callmada-tana, hexa-amiens, linguaserv-barcelona",
    )
    assert "term_months" not in log[1].detail  # the first run changed nothing


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("term_months", "0"),
        ("term_months", "abc"),
        ("discount_rate", "2"),
        ("discount_rate", "<script>alert(1)</script>"),
        ("max_share_per_provider", "1e999"),
        ("budget", "lavish"),
        ("offers", "no-such-offer"),
    ],
)
def test_a_bad_input_shows_its_fields_error_and_records_nothing(
    company: Path, field: str, value: str
) -> None:
    ws = Workspace.open(company)
    try:
        before = len(decision_runs(ws, frame_inputs=()))
    finally:
        ws.close()
    with TestClient(
        create_app(build_settings([company], env={}, warm=False)), follow_redirects=False
    ) as client:
        csrf = login(client, "alice", workspace="ws")
        form = {"csrf_token": csrf, "changed": "1", "offers": ["callmada-tana"], field: value}
        answer = client.post(DECISION + "/run", data=form)
        assert answer.status_code == 422
        assert field in answer.text and 'role="alert"' in answer.text and "<script>alert" not in answer.text
        login(client, "odile", workspace="ws")  # the auditor reads the decisions, never runs one
        assert 'id="rerun-form"' not in client.get(DECISION).text
        assert client.post(DECISION + "/run", data={"csrf_token": csrf, "changed": "1"}).status_code == 403
    ws = Workspace.open(company)
    try:
        assert len(decision_runs(ws, frame_inputs=())) == before
    finally:
        ws.close()


def test_a_decision_job_shows_its_progress_refuses_a_second_and_outlives_another_server_starting(
    company: Path,
) -> None:
    release = threading.Event()
    ws = Workspace.open(company)
    try:
        # A decision job of another server process, still running: its progress is the page's.
        with ThreadPoolExecutor(max_workers=1) as executor:

            def slow(progress: Progress) -> str:
                progress(0.3, "pricing every block in-house and at each offer")
                release.wait(60)
                return ""

            running = start(ws, executor, kind="decision", who="alice", inputs={}, run=slow)
            time.sleep(0.5)
            with TestClient(
                create_app(build_settings([company], env={}, warm=False)), follow_redirects=False
            ) as client:
                pass  # a server starting leaves the other process's job alone: its heartbeat is fresh
            assert latest_jobs(ws, kind="decision", limit=1)[0].status == "running"
            release.set()
            end = time.monotonic() + 30
            while not latest_jobs(ws, kind="decision", limit=1)[0].over and time.monotonic() < end:
                time.sleep(0.1)
            assert latest_jobs(ws, kind="decision", limit=1)[0].status == "done"
        # A job queued in this server: the page polls it; a second is refused while it runs.
        release.clear()
        with TestClient(
            create_app(build_settings([company], env={}, warm=False)), follow_redirects=False
        ) as client:
            csrf = login(client, "alice", workspace="ws")
            blocker = start(ws, client.app.state.jobs, kind="decision", who="alice", inputs={}, run=slow)  # type: ignore[attr-defined]
            time.sleep(0.5)
            page = client.get(DECISION).text
            assert f'hx-get="/w/ws/jobs/{blocker.id}" hx-trigger="every 1s"' in page
            assert 'id="job-step">pricing every block' in page and '<progress max="1" value="0.3">' in page
            refused = client.post(DECISION + "/run", data={"csrf_token": csrf})
            assert refused.status_code == 422 and "already running" in refused.text
            release.set()
            end = time.monotonic() + 30
            while not latest_jobs(ws, kind="decision", limit=1)[0].over and time.monotonic() < end:
                time.sleep(0.1)
            assert latest_jobs(ws, kind="decision", limit=1)[0].id == blocker.id
    finally:
        release.set()
        ws.close()
    assert running.id != blocker.id


def test_the_api_runs_the_decision_with_the_changes_of_its_body(company: Path) -> None:
    from arbitre.services.accounts import create_token

    ws = Workspace.open(company)
    try:
        secret, _ = create_token(ws, "alice", name="test", actor=Actor("test", "cli"))
    finally:
        ws.close()
    headers = {"Authorization": f"Bearer {secret}"}
    with TestClient(create_app(build_settings([company], env={}, warm=False))) as client:
        refused = client.post("/api/w/ws/decision/runs", headers=headers, json={"term_months": 500})
        assert refused.status_code == 422 and refused.headers["content-type"].startswith(
            "application/problem+json"
        )
        made = client.post(
            "/api/w/ws/decision/runs",
            headers=headers,
            json={"term_months": 12, "offers": ["callmada-tana", "linguaserv-barcelona"]},
        )
        assert made.status_code == 202, made.text[:500]
        queued = made.json()
        assert made.headers["location"] == f"/api/w/ws/jobs/{queued['id']}"
        assert queued["kind"] == "decision" and queued["status"] in ("queued", "running")
        assert queued["inputs"]["term_months"] == "12" and queued["who"] == "alice"
        again = client.post("/api/w/ws/decision/runs", headers=headers, json={})
        assert again.status_code == 422 and "already running" in again.json()["detail"]  # one at a time
        end = time.monotonic() + 600
        while (status := client.get(made.headers["location"], headers=headers).json())["status"] not in (
            "done",
            "failed",
        ):
            assert time.monotonic() < end, status
            time.sleep(0.2)
        assert status["status"] == "done" and status["error"] is None and status["progress"] == 1.0, status
        body = client.get("/api/w/ws/decision", headers=headers).json()
        assert body["decision_id"] == status["result_id"]
        assert body["inputs"]["decision"]["term_months"] == 12
        assert [o["id"] for o in body["inputs"]["offers"]] == ["callmada-tana", "linguaserv-barcelona"]
        assert client.get("/api/w/ws/jobs/" + "0" * 32, headers=headers).status_code == 404


def test_the_offers_the_form_lists_are_read_again_when_an_offer_file_changes(
    company: Path, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(company, root)
    ws = Workspace.open(root)
    try:
        before = offer_ids(ws)
        assert before and offer_ids(ws) == before  # kept while the folder is unchanged
        first = sorted((root / "offers").glob("*.yaml"))[0]
        copy = root / "offers" / "zz-copy.yaml"
        copy.write_text(
            re.sub(r"(?m)^id: .*$", "id: zz-copy", first.read_text(encoding="utf-8")), encoding="utf-8"
        )
        assert offer_ids(ws) == [*before, "zz-copy"]
        copy.write_text("id: [not, an, id\n", encoding="utf-8")
        assert offer_ids(ws) == []  # an offer that does not load: none offered, no error page
        copy.unlink()
        assert offer_ids(ws) == before
    finally:
        ws.close()
