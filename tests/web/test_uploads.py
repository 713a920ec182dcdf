"""Uploads through the app: a client's import (every refused row shown, nothing stored), a
provider's month (only its sites, flows and month), its invoice (checked line by line); files kept
out of any served folder, under names the server chooses, within the size limits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from arbitre.store.interactions import InteractionStore
from tests.web.conftest import HEADER, Site, call, login, make_client


def stored_rows(site: Site) -> int:
    return InteractionStore(site.ws).rows()


def test_an_import_with_a_bad_row_is_refused_whole_with_every_error_named(
    site: Site, client: TestClient
) -> None:
    csrf = login(client, "anna")
    rows = [
        call(20, site="internal"),
        call(21, site="internal").replace("voice_in", "fax"),
        call(22, site="internal"),
    ]
    body = HEADER + "\n" + "\n".join(rows) + "\n"
    before = stored_rows(site)
    answer = client.post(
        "/w/azalee/imports",
        data={"csrf_token": csrf, "mode": "strict"},
        files={"file": ("appels.csv", body, "text/csv")},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert "appels.csv refused, nothing was stored." in answer.text
    assert 'id="row-errors"' in answer.text and '<td class="n">3</td>' in answer.text and "fax" in answer.text
    assert str(site.root) not in answer.text  # the server's paths stay on the server
    assert stored_rows(site) == before
    good = client.post(
        "/w/azalee/imports",
        data={"csrf_token": csrf, "mode": "skip-invalid"},
        files={"file": ("appels.csv", body, "text/csv")},
        headers={"HX-Request": "true"},
    )
    assert "appels.csv imported." in good.text and "2 inserted" in good.text
    assert stored_rows(site) == before + 2
    log = client.get("/w/azalee/imports").text
    assert "appels.csv" in log


def test_an_upload_under_a_hostile_name_is_kept_under_a_safe_one_inside_the_workspace(
    sqlite_site: Site,
) -> None:
    token = sqlite_site.bearer("alice")
    body = HEADER + "\n" + call(30, site="internal") + "\n"
    with make_client(sqlite_site) as client:
        answer = client.post(
            "/api/w/azalee/imports",
            headers=token,
            files={"file": ("../../../outside<script>.csv", body, "text/csv")},
        )
    assert answer.status_code == 200, answer.text
    record = answer.json()
    assert record["status"] == "imported" and record["filename"] == "outside_script_.csv"
    kept = list((sqlite_site.root / "uploads").rglob("*.csv"))
    assert len(kept) == 1 and kept[0].name == "outside_script_.csv"
    assert not (sqlite_site.root.parent / "outside<script>.csv").exists()
    assert oct(kept[0].stat().st_mode & 0o777) == "0o600"


def test_a_file_over_the_limit_is_refused_with_413_and_not_kept(sqlite_site: Site) -> None:
    with make_client(sqlite_site, max_import_mb=1, max_attachment_mb=1) as client:
        big = b"x" * (3 << 20)
        answer = client.post(
            "/api/w/azalee/imports", headers=sqlite_site.bearer("alice"), files={"file": ("big.csv", big)}
        )
        assert answer.status_code == 413
        assert answer.headers["content-type"] == "application/problem+json"
        just_over = b"y" * ((1 << 20) + 10)  # under the body limit (2 MB), over the file limit
        answer = client.post(
            "/api/w/azalee/imports",
            headers=sqlite_site.bearer("alice"),
            files={"file": ("big.csv", just_over)},
        )
        assert answer.status_code == 413
    assert not list((sqlite_site.root / "uploads").rglob("big.csv"))


def test_a_provider_month_with_a_row_of_another_providers_site_is_refused_on_that_line(
    site: Site, client: TestClient
) -> None:
    mada = site.bearer("mada")
    rows = [
        call(40, site="callmada:tana"),
        call(41, site="atlas:casablanca"),
        call(42, site="callmada:tana", month=5),
    ]
    answer = client.post(
        "/api/w/azalee/contracts/callmada-2026/months/2026-04/interactions",
        headers=mada,
        files={"file": ("avril.csv", HEADER + "\n" + "\n".join(rows) + "\n", "text/csv")},
    )
    record = answer.json()
    assert record["status"] == "rejected"
    assert [(e["line"], e["column"]) for e in record["errors"]] == [(3, "site"), (4, "arrived_at")]
    assert record["errors"][0]["value"] == "atlas:casablanca"
    before = stored_rows(site)
    good = client.post(
        "/api/w/azalee/contracts/callmada-2026/months/2026-04/interactions",
        headers=mada,
        files={"file": ("avril.csv", HEADER + "\n" + call(40, site="callmada:tana") + "\n", "text/csv")},
    )
    assert good.json()["status"] == "imported" and good.json()["inserted"] == 1
    assert stored_rows(site) == before + 1
    assert client.get("/api/w/azalee/uploads", headers=mada).json()[0]["id"] == good.json()["id"]


def test_a_provider_month_goes_through_the_contracts_mapping(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    mapping = """name: callmada-export
columns:
  contact_id: ID
  flow: {value: sav-voice-fr}
  channel: {value: voice_in}
  site: {value: "callmada:tana"}
  arrived_at: Debut
  ended_at: Fin
  abandoned: {expr: "\\"Statut\\" = 'A'"}
"""
    csrf = login(sqlite_client, "alice")
    answer = sqlite_client.post(
        "/w/azalee/contracts/callmada-2026/mapping",
        data={"csrf_token": csrf},
        files={"file": ("callmada.yaml", mapping, "application/yaml")},
    )
    assert answer.status_code == 303, answer.text
    export = "ID,Debut,Fin,Statut\nM1,2026-04-07T10:00:00+02:00,2026-04-07T10:05:00+02:00,A\n"
    result = sqlite_client.post(
        "/api/w/azalee/contracts/callmada-2026/months/2026-04/interactions",
        headers=sqlite_site.bearer("mada"),
        files={"file": ("export.csv", export, "text/csv")},
    ).json()
    assert result["status"] == "imported", result


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("flow,unit,band,quantity,unit_price,amount\nsav-voice-fr,hour,,10,8.5,85\n", 2, "unit"),
        ("flow,unit,band,quantity,unit_price,amount\n,fee,,1,100,cent\n", 2, "amount"),
        ("flow,unit,amount,=cmd|' /C calc'!A0\n,fee,1,2\n", 1, None),
    ],
)
def test_an_invoice_is_checked_line_by_line(
    sqlite_site: Site, sqlite_client: TestClient, text: str, line: int, field: str | None
) -> None:
    answer = sqlite_client.post(
        "/api/w/azalee/contracts/callmada-2026/months/2026-04/invoice",
        headers=sqlite_site.bearer("mada"),
        files={"file": ("facture.csv", text, "text/csv")},
    ).json()
    assert answer["status"] == "rejected"
    assert answer["errors"][0]["line"] == line
    if field:
        assert answer["errors"][0]["column"] == field


def test_a_good_invoice_is_received_for_the_months_run(sqlite_site: Site, sqlite_client: TestClient) -> None:
    from arbitre.services.uploads import latest_invoice

    text = "flow,unit,band,quantity,unit_price,amount\nsav-voice-fr,logged_hour,day,100,8.50,850.00\n"
    answer = sqlite_client.post(
        "/api/w/azalee/contracts/callmada-2026/months/2026-04/invoice",
        headers=sqlite_site.bearer("mada"),
        files={"file": ("facture.csv", text, "text/csv")},
    ).json()
    assert answer["status"] == "received" and answer["message"] == "1 billed lines"
    found = latest_invoice(sqlite_site.ws, "callmada-2026", "2026-04")
    assert found is not None and found.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("month", ["2026-13", "2025-12", "2026-04'; DROP TABLE uploads;--", "../.."])
def test_a_provider_upload_for_a_month_outside_the_contract_is_refused(
    sqlite_site: Site, sqlite_client: TestClient, month: str
) -> None:
    answer = sqlite_client.post(
        f"/api/w/azalee/contracts/callmada-2026/months/{month}/interactions",
        headers=sqlite_site.bearer("mada"),
        files={"file": ("a.csv", HEADER + "\n" + call(50, site="callmada:tana") + "\n", "text/csv")},
    )
    assert answer.status_code in (404, 405, 422)  # "../.." is resolved by the client: no route
    assert answer.headers["content-type"] == "application/problem+json"


def test_the_portal_page_shows_a_providers_refused_rows(sqlite_client: TestClient) -> None:
    csrf = login(sqlite_client, "mada")
    answer = sqlite_client.post(
        "/w/azalee/portal/callmada-2026/month",
        data={"csrf_token": csrf, "month": "2026-04"},
        files={"file": ("avril.csv", HEADER + "\n" + call(60, site="atlas:casablanca") + "\n", "text/csv")},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert "avril.csv refused" in answer.text and "atlas:casablanca" in answer.text
