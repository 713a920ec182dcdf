"""The HTTP API: OpenAPI with typed responses, problem details for every error, tokens from a
password or from the CLI, and the figures the same as the services' (hand-computed here)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, Site


def test_openapi_documents_every_api_route_with_a_typed_response(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "Arbitre"
    assert all(path.startswith("/api/") for path in spec["paths"])
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            ok = op["responses"].get("200") or op["responses"].get("201") or op["responses"].get("202")
            assert ok is not None, (method, path)
            if not path.endswith(
                ("/attachments/{attachment_id}", "/audit.csv", "/copil", "/files/{document}")
            ):  # files
                assert "$ref" in str(ok["content"]["application/json"]["schema"]), (method, path)
    assert client.get("/docs").status_code in (303, 404)  # no interactive docs: they load a CDN


def test_a_password_gives_a_token_that_opens_the_api(client: TestClient) -> None:
    answer = client.post("/api/w/azalee/token", data={"username": "anna", "password": PASSWORD})
    assert answer.status_code == 200
    token = answer.json()
    assert token["token_type"] == "bearer" and token["expires_in"] == 12 * 3600
    me = client.get("/api/w/azalee/me", headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert me == {
        "username": "anna",
        "display_name": "anna",
        "role": "analyst",
        "provider": None,
        "sites": [],
        "lang": "en",
        "workspace": "azalee",
    }


def test_the_kpis_of_a_provider_are_those_of_its_own_calls(site: Site, client: TestClient) -> None:
    """Call Mada: 6 calls; 4 answered after 10 s, 1 after 40 s, 1 abandoned. Voice threshold 20 s:
    service level 4/6; abandon 1/6; ASA (4×10 + 40)/5 = 16 s; AHT 30 talk + 5 wrap = 35 s."""
    (row,) = client.get("/api/w/azalee/kpis", params={"by": "site"}, headers=site.bearer("mada")).json()
    assert row["group"] == {"site": "callmada:tana"}
    k = row["kpis"]
    assert (k["offered"], k["answered"], k["abandoned"]) == (6, 5, 1)
    assert k["service_level"] == pytest.approx(4 / 6)
    assert k["abandon_rate"] == pytest.approx(1 / 6)
    assert k["asa_s"] == pytest.approx(16.0)
    assert k["aht_s"] == pytest.approx(35.0)
    both = client.get("/api/w/azalee/kpis", params={"by": "site"}, headers=site.bearer("anna")).json()
    assert {r["group"]["site"]: r["kpis"]["offered"] for r in both} == {
        "atlas:casablanca": 3,
        "callmada:tana": 6,
    }


def test_the_staffing_calculator_answers_as_the_cli_does(site: Site, client: TestClient) -> None:
    """README: 100 calls in 30 min, 180 s each, 80 % in 20 s → 14 agents (Erlang C), 10 erlangs."""
    answer = client.get(
        "/api/w/azalee/staffing",
        params={"volume": 100, "interval": 1800, "aht": 180, "sl": 0.8, "threshold": 20},
        headers=site.bearer("mada"),
    ).json()
    assert answer["model"] == "erlang_c" and answer["agents"] == 14
    assert answer["load_erlangs"] == pytest.approx(10.0)
    assert answer["service_level"] == pytest.approx(0.8883500191794669)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"volume": -1, "aht": 180, "sl": 0.8}, "--volume"),
        ({"volume": "cent", "aht": 180, "sl": 0.8}, "--volume"),
        ({"volume": 100, "aht": 180, "sl": 1.5}, "--sl"),
        ({"volume": 100, "aht": 180, "sl": 0.8, "channel": "<b>fax</b>"}, "--channel"),
    ],
)
def test_a_bad_staffing_question_is_a_problem_naming_the_field(
    site: Site, client: TestClient, params: dict[str, object], field: str
) -> None:
    answer = client.get("/api/w/azalee/staffing", params=params, headers=site.bearer("anna"))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "/problems/invalid-input" and problem["status"] == 422
    assert field in problem["detail"] and problem["instance"] == "/api/w/azalee/staffing"


def test_a_refused_import_is_a_problem_listing_its_rows_too(site: Site, client: TestClient) -> None:
    answer = client.get("/api/w/azalee/kpis", params={"by": "planet"}, headers=site.bearer("anna"))
    assert answer.status_code == 422 and answer.json()["field"] == "by"
    missing = client.get("/api/w/azalee/disputes/nope", headers=site.bearer("anna"))
    assert missing.status_code == 404 and missing.json()["type"] == "/problems/not-found"
    wrong_method = client.delete("/api/w/azalee/contracts", headers=site.bearer("anna"))
    assert (
        wrong_method.status_code == 405 and wrong_method.headers["content-type"] == "application/problem+json"
    )


def test_contracts_and_their_versions_come_with_what_changed(site: Site, client: TestClient) -> None:
    contracts = client.get("/api/w/azalee/contracts", headers=site.bearer("odile")).json()
    assert [c["id"] for c in contracts] == ["atlas-2026", "callmada-2026"]
    (v1,) = client.get("/api/w/azalee/contracts/callmada-2026/versions", headers=site.bearer("odile")).json()
    assert v1["version"] == 1 and v1["source"] == "callmada.yaml" and v1["who"] == "setup"
    assert v1["changes"] == [{"field": "(contract)", "before": None, "after": "created from callmada.yaml"}]


def test_an_import_through_the_api_is_logged_with_the_users_name(site: Site, client: TestClient) -> None:
    from tests.web.conftest import HEADER, call

    body = HEADER + "\n" + call(70, site="internal") + "\n"
    answer = client.post(
        "/api/w/azalee/imports", headers=site.bearer("anna"), files={"file": ("api.csv", body)}
    )
    assert answer.status_code == 200 and answer.json()["status"] == "imported"
    log = client.get("/api/w/azalee/imports", headers=site.bearer("anna")).json()
    assert log[0]["file"] == "api.csv" and log[0]["who"] == "anna" and log[0]["inserted"] == 1
