"""Tenant isolation: no route answers without credentials, a provider reaches nothing of another
provider's (by page, API, file download or guessed id), a workspace's session or token opens
nothing in another."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from arbitre.services.audit import Actor
from arbitre.services.disputes import add_step, open_dispute
from arbitre.services.quality import import_evaluations, store_grid
from arbitre.services.uploads import provider_invoice, receive
from arbitre.store.appdb import QaEvaluation, session_scope
from tests.quality.test_service import GRID
from tests.web.conftest import HEADER, Site, build_site, call, login

PUBLIC_API = {("GET", "/api/health"), ("POST", "/api/w/{slug}/token")}
PUBLIC_PAGES = {("GET", "/"), ("GET", "/login"), ("POST", "/login")}


def routes(client: TestClient) -> list[tuple[str, str]]:
    """Every (method, path) the app routes, through included routers (checked against OpenAPI)."""

    def walk(items: list[object], prefix: str) -> list[tuple[str, str]]:
        out = []
        for route in items:
            if isinstance(route, APIRoute):
                out.extend((method, prefix + route.path) for method in sorted(route.methods))
            elif hasattr(route, "original_router"):  # FastAPI keeps included routers as such
                out.extend(walk(route.original_router.routes, prefix + route.include_context.prefix))
        return out

    found = walk(client.app.routes, "")  # type: ignore[attr-defined]
    documented = {
        (m.upper(), p) for p, ops in client.get("/openapi.json").json()["paths"].items() for m in ops
    }
    assert documented <= set(found)
    return found


def concrete(path: str) -> str:
    """A path with made-up values for its parameters (the workspace's is the real one)."""
    values = {"slug": "azalee", "month": "2026-04"}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x" * 8), path)


def test_every_api_route_but_health_and_token_refuses_an_unauthenticated_call(client: TestClient) -> None:
    api = [(m, p) for m, p in routes(client) if p.startswith("/api/")]
    assert len(api) >= 20
    for method, path in api:
        if (method, path) in PUBLIC_API:
            continue
        for headers in (
            {},
            {"Authorization": "Bearer arb_0123456789abcdef_" + "x" * 43},
            {"Authorization": "Basic YTpi"},
        ):
            answer = client.request(method, concrete(path), headers=headers)
            assert answer.status_code == 401, (method, path, headers, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["status"] == 401


def test_every_page_but_login_sends_an_unauthenticated_visitor_to_the_login_form(client: TestClient) -> None:
    pages = [(m, p) for m, p in routes(client) if not p.startswith("/api/") and p != "/openapi.json"]
    for method, path in pages:
        if (method, path) in PUBLIC_PAGES:
            continue
        answer = client.request(method, concrete(path))
        assert answer.status_code == 303, (method, path, answer.text)
        assert answer.headers["location"].startswith("/login?w=azalee")


def test_the_health_check_answers_without_credentials(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok", "version": "0.1.0"}


def _other_provider_resources(site: Site) -> dict[str, str]:
    """Atlas's upload, invoice, dispute and attachment, made through the services."""
    from arbitre.services.accounts import get_user

    atlas = get_user(site.ws, "atlas")
    actor = Actor("atlas", "provider")
    path = site.tmp / "atlas-invoice.csv"
    path.write_text("flow,unit,band,quantity,unit_price,amount\n,fee,,1,100,100\n", encoding="utf-8")
    with open(path, "rb") as handle:
        received = receive(
            site.ws, handle, filename="atlas-invoice.csv", limit_bytes=1 << 20, folder="provider"
        )
    upload = provider_invoice(
        site.ws, received, account=atlas, actor=actor, contract_id="atlas-2026", month="2026-04"
    )
    note = site.tmp / "note.txt"
    note.write_text("Atlas's evidence", encoding="utf-8")
    with open(note, "rb") as handle:
        attached = receive(site.ws, handle, filename="note.txt", limit_bytes=1 << 20, folder="attachments")
    dispute = open_dispute(
        site.ws,
        account=atlas,
        actor=actor,
        contract_id="atlas-2026",
        month="2026-04",
        subject_kind="sla",
        subject="answer-30s",
        comment="the power cut",
        attachment=attached,
    )
    # A grader's evaluation of one of Atlas's calls, on the QA grid.
    store_grid(site.ws, GRID)
    graded = site.tmp / "atlas-evaluations.csv"
    graded.write_text(
        "contact_id;site;grader;criterion;answer;comment\n"
        "atlas:casablanca-1;atlas:casablanca;Bea;salutation;yes;Atlas's evidence\n",
        encoding="utf-8",
    )
    import_evaluations(site.ws, graded)
    with session_scope(site.ws.engine) as session:
        evaluation = session.scalars(select(QaEvaluation.id)).one()
    return {
        "upload": upload.id,
        "dispute": dispute.id,
        "attachment": dispute.steps[0].attachments[0].id,
        "evaluation": evaluation,
    }


def test_a_provider_token_reaches_nothing_of_another_providers_by_any_api_path(
    site: Site, client: TestClient
) -> None:
    ids = _other_provider_resources(site)
    mada = site.bearer("mada")
    base = "/api/w/azalee"
    for path in [
        f"{base}/contracts/atlas-2026",
        f"{base}/contracts/atlas-2026/versions",
        f"{base}/uploads/{ids['upload']}",
        f"{base}/disputes/{ids['dispute']}",
        f"{base}/disputes/{ids['dispute']}/attachments/{ids['attachment']}",
    ]:
        answer = client.get(path, headers=mada)
        assert answer.status_code == 404, (path, answer.text)
        assert "Atlas" not in answer.text and "power cut" not in answer.text
    files = {"file": ("x.csv", HEADER + "\n" + call(9, site="atlas:casablanca") + "\n", "text/csv")}
    for path in [
        f"{base}/contracts/atlas-2026/months/2026-04/interactions",
        f"{base}/contracts/atlas-2026/months/2026-04/invoice",
    ]:
        assert client.post(path, headers=mada, files=files).status_code == 404
    step = {"kind": "comment", "comment": "me too"}
    assert client.post(f"{base}/disputes/{ids['dispute']}/steps", headers=mada, data=step).status_code == 404
    opened = {
        "contract_id": "atlas-2026",
        "month": "2026-04",
        "subject_kind": "sla",
        "subject": "x",
        "comment": "y",
    }
    assert client.post(f"{base}/disputes", headers=mada, data=opened).status_code == 404
    # What the lists give a provider is its own only.
    assert [c["id"] for c in client.get(f"{base}/contracts", headers=mada).json()] == ["callmada-2026"]
    assert client.get(f"{base}/uploads", headers=mada).json() == []
    assert client.get(f"{base}/disputes", headers=mada).json() == []
    kpis = client.get(f"{base}/kpis", params={"by": "site"}, headers=mada).json()
    assert [k["group"]["site"] for k in kpis] == ["callmada:tana"]
    overview = client.get(f"{base}/overview", headers=mada).json()
    assert {f["site"] for f in overview["flows"]} == {"callmada:tana"}
    assert overview["contacts"] == 6 and overview["imports"] == [] and overview["contracts"] == 1
    # The client's side only: the import log, imports, the audit log.
    for method, path in [("GET", "/imports"), ("POST", "/imports"), ("GET", "/audit"), ("GET", "/audit.csv")]:
        answer = client.request(method, base + path, headers=mada, files=files if method == "POST" else None)
        assert answer.status_code == 403, (path, answer.text)
    # Atlas itself reaches all of them (the ids are real, not mistyped).
    atlas = site.bearer("atlas")
    assert client.get(f"{base}/uploads/{ids['upload']}", headers=atlas).status_code == 200
    download = client.get(f"{base}/disputes/{ids['dispute']}/attachments/{ids['attachment']}", headers=atlas)
    assert download.status_code == 200 and download.text == "Atlas's evidence"


@pytest.mark.parametrize(
    "guess", ["atlas-2026", "ATLAS-2026", "atlas-2026%00", "..%2Fatlas-2026", "callmada-2026/../atlas-2026"]
)
def test_a_provider_guessing_the_other_contracts_id_gets_not_found(
    sqlite_site: Site, sqlite_client: TestClient, guess: str
) -> None:
    answer = sqlite_client.get(f"/api/w/azalee/contracts/{guess}", headers=sqlite_site.bearer("mada"))
    assert answer.status_code == 404
    assert "Atlas" not in answer.text


def test_a_provider_sees_only_its_own_contract_in_the_pages(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    ids = _other_provider_resources(sqlite_site)
    login(sqlite_client, "mada")
    listing = sqlite_client.get("/w/azalee/contracts")
    assert (
        "callmada-2026" in listing.text and "atlas-2026" not in listing.text and "Atlas" not in listing.text
    )
    for path in ["/w/azalee/contracts/atlas-2026", "/w/azalee/contracts/atlas-2026/versions/1"]:
        answer = sqlite_client.get(path)
        assert answer.status_code == 404 and "Atlas" not in answer.text
    assert sqlite_client.get("/w/azalee/portal").text.count("atlas-2026") == 0
    assert ids["upload"] not in sqlite_client.get("/w/azalee/portal").text
    for path in ["/w/azalee/imports", "/w/azalee/users", "/w/azalee/audit", "/w/azalee/audit.csv"]:
        assert sqlite_client.get(path).status_code == 403, path


def test_a_token_or_a_session_of_one_workspace_opens_nothing_in_another(tmp_path: Path) -> None:
    one = build_site(tmp_path / "one", tmp_path, name="One")
    (tmp_path / "b").mkdir()
    two = build_site(tmp_path / "two", tmp_path / "b", name="Two")
    from arbitre.web.app import create_app
    from arbitre.web.settings import build_settings

    with TestClient(
        create_app(build_settings([one.root, two.root], env={})), follow_redirects=False
    ) as client:
        token = one.token("alice")  # the same user name exists in both
        assert client.get("/api/w/one/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert client.get("/api/w/two/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        login(client, "alice", workspace="one")
        assert client.get("/w/one/").status_code == 200
        cookie = client.cookies.get("arbitre_session")
        assert cookie is not None
        # The browser keeps the cookie to /w/one/; sent to /w/two/ by hand, it is still refused.
        answer = client.get("/w/two/", headers={"Cookie": f"arbitre_session={cookie}"})
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?w=two")
    one.ws.close()
    two.ws.close()


def test_an_unknown_workspace_looks_like_a_wrong_password(sqlite_client: TestClient) -> None:
    assert sqlite_client.get("/api/w/nowhere/me", headers={"Authorization": "Bearer x"}).status_code == 401
    wrong_ws = sqlite_client.post(
        "/api/w/nowhere/token", data={"username": "alice", "password": "correct horse battery"}
    )
    wrong_pw = sqlite_client.post(
        "/api/w/azalee/token", data={"username": "alice", "password": "nope nope nope"}
    )
    assert wrong_ws.status_code == wrong_pw.status_code == 401
    assert wrong_ws.json()["detail"] == wrong_pw.json()["detail"]


def test_the_attachment_of_a_dispute_is_served_as_a_download_only(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    ids = _other_provider_resources(sqlite_site)
    answer = sqlite_client.get(
        f"/api/w/azalee/disputes/{ids['dispute']}/attachments/{ids['attachment']}",
        headers=sqlite_site.bearer("alice"),
    )
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-type"].startswith("text/plain")
    assert "sandbox" in answer.headers["content-security-policy"]


def test_closing_a_dispute_by_the_client_is_visible_to_its_provider_only(sqlite_site: Site) -> None:
    from arbitre.services.access import NotFound
    from arbitre.services.accounts import get_user
    from arbitre.services.disputes import get_dispute

    ids = _other_provider_resources(sqlite_site)
    alice = get_user(sqlite_site.ws, "alice")
    add_step(
        sqlite_site.ws,
        ids["dispute"],
        account=alice,
        actor=Actor("alice", "admin"),
        kind="rejected",
        comment="no",
    )
    assert get_dispute(sqlite_site.ws, get_user(sqlite_site.ws, "atlas"), ids["dispute"]).status == "rejected"
    with pytest.raises(NotFound):
        get_dispute(sqlite_site.ws, get_user(sqlite_site.ws, "mada"), ids["dispute"])


def test_no_api_path_with_an_id_of_another_providers_answers_a_provider(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    """Every API route that names a resource, given Atlas's real ids and months, with Call Mada's
    token and a well-formed request: never a success, never a word of Atlas's."""
    ids = _other_provider_resources(sqlite_site)
    values = {
        "slug": "azalee",
        "contract_id": "atlas-2026",
        "upload_id": ids["upload"],
        "dispute_id": ids["dispute"],
        "attachment_id": ids["attachment"],
        "evaluation_id": ids["evaluation"],
        "month": "2026-04",
        "name": "atlas-only",  # a tender Call Mada is not invited to is not found (tests/web/test_tender.py)
        "document": "grid.xlsx",
    }
    mada = sqlite_site.bearer("mada")
    form = {
        "kind": "comment",
        "comment": "x",
        "contract_id": "atlas-2026",
        "month": "2026-04",
        "subject_kind": "sla",
        "subject": "x",
    }
    files = {"file": ("x.csv", HEADER + "\n" + call(90, site="atlas:casablanca") + "\n")}
    tried = 0
    for method, path in routes(sqlite_client):
        params = set(re.findall(r"\{(\w+)\}", path)) - {"slug"}
        if not path.startswith("/api/") or (
            not params and not (method == "POST" and path.endswith("/disputes"))
        ):
            continue
        for kind in ("interactions", "invoice") if "{kind}" in path else ("",):
            url = re.sub(r"\{(\w+)\}", lambda m, k=kind: values.get(m.group(1), k), path)
            answer = sqlite_client.request(
                method,
                url,
                headers=mada,
                data=form if method == "POST" else None,
                files=files if kind else None,
            )
            tried += 1
            assert answer.status_code in (403, 404), (method, url, answer.status_code, answer.text)
            assert (
                "Atlas" not in answer.text
                and "power cut" not in answer.text
                and "evidence" not in answer.text
            )
    assert tried >= 9
