"""The pages of the method's steps — the activity map, the staffing plan, the decision, the
governance list — in both languages, the client's only; their hostile inputs refused."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from arbitre.services.accounts import set_lang
from arbitre.services.audit import entries
from arbitre.services.jobs import latest_jobs
from arbitre.web.i18n import translate
from tests.web.conftest import Site, login

JOB = re.compile(r'hx-get="(/w/azalee/plan/jobs/[0-9a-f]+)"')
STEPS = ["/map", "/map/week?flow=sav-voice-fr", "/plan", "/plan/result?horizon=7", "/decision", "/governance"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_step_renders_for_the_client_in_each_language(
    sqlite_site: Site, sqlite_client: TestClient, lang: str
) -> None:
    set_lang(sqlite_site.ws, 1, lang)  # alice, the first user
    login(sqlite_client, "alice")
    for path in STEPS:
        answer = sqlite_client.get("/w/azalee" + path)
        assert answer.status_code == 200, (path, answer.text[:300])
    page = sqlite_client.get("/w/azalee/map").text
    assert f'<html lang="{lang}">' in page and escape(translate(lang, "map.title")) in page
    assert page.count('<img class="chart"') == 3  # months, hour bands, the week of the first flow
    plan = planned(sqlite_client, "/w/azalee/plan/result?horizon=7")
    assert "sav-voice-fr" in plan and translate(lang, "plan.by_week") in plan
    assert escape(translate(lang, "dec.none")) in sqlite_client.get("/w/azalee/decision").text


def planned(client: TestClient, path: str) -> str:
    """The plan's fragment: at once when kept, else once the job the page polls has made it."""
    answer = client.get(path).text
    end = time.monotonic() + 120
    while (found := JOB.search(answer)) is not None and time.monotonic() < end:
        time.sleep(0.2)
        answer = client.get(found.group(1)).text
    return answer


def test_the_plan_is_computed_by_a_job_the_page_polls_then_kept(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    login(sqlite_client, "anna")
    first = sqlite_client.get("/w/azalee/plan/result?horizon=14")
    assert first.status_code == 200 and 'hx-trigger="every 1s"' in first.text
    assert "sav-voice-fr" in planned(sqlite_client, "/w/azalee/plan/result?horizon=14")
    kept = sqlite_client.get("/w/azalee/plan/result?horizon=14").text  # kept: no job this time
    assert "sav-voice-fr" in kept and "hx-trigger" not in kept
    (made,) = latest_jobs(sqlite_site.ws, kind="plan")
    assert (made.status, made.inputs, made.who) == ("done", {"start": "", "horizon": "14"}, "anna")
    assert sqlite_client.get("/w/azalee/plan/jobs/" + "0" * 32).status_code == 404


def test_the_method_pages_are_the_clients_not_the_providers(sqlite_client: TestClient) -> None:
    login(sqlite_client, "mada")
    for path in STEPS[:-1]:
        assert sqlite_client.get("/w/azalee" + path).status_code == 403, path
    menu = sqlite_client.get("/w/azalee/").text
    for key in ("nav.map", "nav.plan", "nav.decision"):
        assert f">{translate('en', key)}</a>" not in menu
    assert f">{translate('en', 'nav.governance')}</a>" in menu


@pytest.mark.parametrize(
    "path",
    [
        "/map/week?flow=%3Cscript%3Ealert(1)%3C/script%3E",
        "/map/week?flow=" + "x" * 101,
        "/plan/result?horizon=5000",
        "/plan/result?horizon=-1",
        "/plan/result?start=2026-02-30",
        "/governance/callmada-2026/2026-13",
        "/governance/callmada-2026/..%2F..%2Fetc",
        "/governance/%3Cb%3E/2026-04",
    ],
)
def test_a_hostile_value_in_a_step_is_refused_cleanly(sqlite_client: TestClient, path: str) -> None:
    login(sqlite_client, "alice")
    answer = sqlite_client.get("/w/azalee" + path)
    assert answer.status_code in (404, 422), (path, answer.status_code)
    assert "<script>alert" not in answer.text and "<b>" not in answer.text
    assert "Traceback" not in answer.text


def test_running_the_decision_without_offers_says_what_is_missing(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    csrf = login(sqlite_client, "anna")  # an analyst may run the analyses
    answer = sqlite_client.post("/w/azalee/decision/run", data={"csrf_token": csrf})
    assert answer.status_code == 422
    assert 'role="alert"' in answer.text and "offer" in answer.text
    assert [e for e in entries(sqlite_site.ws) if e.action == "run"] == []
    login(sqlite_client, "odile")  # the auditor reads, never runs
    assert sqlite_client.get("/w/azalee/decision").status_code == 200
    assert 'id="run-decision"' not in sqlite_client.get("/w/azalee/decision").text
