"""The dispute workflow: the provider opens, the client answers, the provider replies, the client
settles; who may do which step; attachments typed by their bytes and size-bounded; every step in
the audit trail."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from arbitre.services.accounts import get_user
from arbitre.services.audit import entries
from arbitre.services.disputes import disputes, get_dispute
from tests.web.conftest import Site, make_client

BASE = "/api/w/azalee/disputes"
OPEN = {
    "contract_id": "callmada-2026",
    "month": "2026-04",
    "subject_kind": "invoice_line",
    "subject": "line 3",
}


def test_a_dispute_goes_from_open_to_settled_with_every_step_recorded(site: Site, client: TestClient) -> None:
    mada, alice, anna, odile = (site.bearer(u) for u in ("mada", "alice", "anna", "odile"))
    opened = client.post(
        BASE,
        headers=mada,
        data={**OPEN, "comment": "The logged hours include the training of 4 June."},
        files={"attachment": ("planning.pdf", b"%PDF-1.7\n1 0 obj\n", "application/pdf")},
    )
    assert opened.status_code == 201, opened.text
    dispute = opened.json()
    assert dispute["status"] == "open" and dispute["opened_by"] == "mada"
    assert dispute["steps"][0]["attachments"][0]["content_type"] == "application/pdf"
    url = f"{BASE}/{dispute['id']}/steps"
    assert client.post(url, headers=mada, data={"kind": "answer", "comment": "x"}).status_code == 403
    assert client.post(url, headers=odile, data={"kind": "comment", "comment": "x"}).status_code == 403
    assert client.post(url, headers=anna, data={"kind": "accepted", "comment": "x"}).status_code == 403
    answered = client.post(url, headers=anna, data={"kind": "answer", "comment": "Training is not billable."})
    assert answered.json()["status"] == "answered"
    replied = client.post(url, headers=mada, data={"kind": "comment", "comment": "Annex 2 says it is."})
    assert replied.json()["status"] == "open"
    # The month is not refereed: no invoice line to agree on, so the dispute can only be rejected.
    unknown = client.post(url, headers=alice, data={"kind": "accepted", "comment": "x", "quantity": "1"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "subject"
    settled = client.post(url, headers=alice, data={"kind": "rejected", "comment": "Annex 2 is for 2027."})
    assert settled.json()["status"] == "rejected" and settled.json()["resolution"] == "Annex 2 is for 2027."
    assert [s["kind"] for s in settled.json()["steps"]] == ["opened", "answer", "comment", "rejected"]
    assert settled.json()["settled"] is None
    again = client.post(url, headers=alice, data={"kind": "rejected", "comment": "changed my mind"})
    assert again.status_code == 422 and "closed" in again.json()["detail"]
    steps = [e.detail["step"] for e in reversed(entries(site.ws, action="dispute"))]
    assert steps == ["opened", "answer", "comment", "rejected"]
    assert (
        client.get(f"{BASE}/{dispute['id']}", headers=odile).json()["status"] == "rejected"
    )  # auditors read


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("note.txt", "Données du 4 juin".encode(), "text/plain; charset=utf-8"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image/png"),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
        ("annexe.xlsx", b"PK\x03\x04" + b"\0" * 20, "application/zip"),
    ],
)
def test_an_attachment_is_typed_by_its_bytes(
    sqlite_site: Site, name: str, content: bytes, expected: str
) -> None:
    with make_client(sqlite_site) as client:
        answer = client.post(
            BASE,
            headers=sqlite_site.bearer("mada"),
            data={**OPEN, "comment": "see attached"},
            files={"attachment": (name, content, "application/pdf")},  # what the browser claims is ignored
        )
    assert answer.json()["steps"][0]["attachments"][0]["content_type"] == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [("evil.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 100), ("x.bin", b"\x00\x01\x02\xff" * 50)],
)
def test_an_attachment_of_no_known_type_is_refused_and_not_kept(
    sqlite_site: Site, name: str, content: bytes
) -> None:
    with make_client(sqlite_site) as client:
        answer = client.post(
            BASE,
            headers=sqlite_site.bearer("mada"),
            data={**OPEN, "comment": "x"},
            files={"attachment": (name, content)},
        )
    assert answer.status_code == 422
    assert not [p for p in (sqlite_site.root / "uploads").rglob("*") if p.is_file()]


def test_an_attachment_over_the_limit_is_refused(sqlite_site: Site) -> None:
    with make_client(sqlite_site, max_attachment_mb=1) as client:
        answer = client.post(
            BASE,
            headers=sqlite_site.bearer("mada"),
            data={**OPEN, "comment": "x"},
            files={"attachment": ("big.txt", b"a" * ((1 << 20) + 1))},
        )
    assert answer.status_code == 413


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject_kind", "salary"),
        ("month", "2031-01"),
        ("subject", ""),
        ("comment", " "),
        ("subject", "x" * 201),
    ],
)
def test_a_dispute_with_a_bad_field_is_refused_by_name(sqlite_site: Site, field: str, value: str) -> None:
    with make_client(sqlite_site) as client:
        answer = client.post(
            BASE, headers=sqlite_site.bearer("mada"), data={**OPEN, "comment": "x", field: value}
        )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


def test_only_the_provider_opens_a_dispute(sqlite_site: Site, sqlite_client: TestClient) -> None:
    for user in ("alice", "anna", "odile"):
        answer = sqlite_client.post(BASE, headers=sqlite_site.bearer(user), data={**OPEN, "comment": "x"})
        assert answer.status_code == 403, user


def test_downloading_an_attachment_is_audited(sqlite_site: Site, sqlite_client: TestClient) -> None:
    opened = sqlite_client.post(
        BASE,
        headers=sqlite_site.bearer("mada"),
        data={**OPEN, "comment": "x"},
        files={"attachment": ("note.txt", b"hello")},
    ).json()
    attachment = opened["steps"][0]["attachments"][0]["id"]
    got = sqlite_client.get(
        f"{BASE}/{opened['id']}/attachments/{attachment}", headers=sqlite_site.bearer("alice")
    )
    assert got.content == b"hello"
    (download,) = entries(sqlite_site.ws, action="download")
    assert download.actor == "alice" and download.detail["attachment"] == attachment


def test_the_disputes_their_steps_and_attachments_are_read_in_one_query_however_many(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    mada, anna = sqlite_site.bearer("mada"), sqlite_site.bearer("anna")
    opened = []
    for n in range(4):
        answer = sqlite_client.post(
            BASE,
            headers=mada,
            data={**OPEN, "subject": f"line {n + 2}", "comment": f"dispute {n}"},
            files={"attachment": (f"n{n}.txt", f"note {n}".encode(), "text/plain")} if n % 2 else None,
        )
        assert answer.status_code == 201, answer.text
        opened.append(answer.json()["id"])
    step = sqlite_client.post(
        f"{BASE}/{opened[1]}/steps",
        headers=anna,
        data={"kind": "answer", "comment": "seen"},
        files={"attachment": ("answer.txt", b"the answer", "text/plain")},
    )
    assert step.status_code == 200, step.text
    queries: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        queries.append(statement)

    client, provider = get_user(sqlite_site.ws, "alice"), get_user(sqlite_site.ws, "mada")
    sa.event.listen(sqlite_site.ws.engine, "before_cursor_execute", count)
    try:
        everything = disputes(sqlite_site.ws, client)
        of_the_client = len(queries)
        theirs = disputes(sqlite_site.ws, provider)
    finally:
        sa.event.remove(sqlite_site.ws.engine, "before_cursor_execute", count)
    # The client: the disputes with their steps and attachments, one query; a provider: its
    # contracts first (which it sees), then the same one query.
    assert (of_the_client, len(queries) - of_the_client) == (1, 2)
    assert [d.id for d in everything] == list(reversed(opened)) == [d.id for d in theirs]
    steps = {d.id: [(s.kind, [a.filename for a in s.attachments]) for s in d.steps] for d in everything}
    assert steps[opened[0]] == [("opened", [])]
    assert steps[opened[1]] == [("opened", ["n1.txt"]), ("answer", ["answer.txt"])]
    assert steps[opened[3]] == [("opened", ["n3.txt"])]
    assert everything == [get_dispute(sqlite_site.ws, client, i) for i in reversed(opened)]


# --- a step sent as JSON, as a script sends it -----------------------------------------------------


def _opened(site: Site, client: TestClient) -> str:
    answer = client.post(BASE, headers=site.bearer("mada"), data={**OPEN, "comment": "Training hours."})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_a_script_takes_a_step_as_json_by_token_audited_as_the_form_is(
    site: Site, client: TestClient
) -> None:
    dispute = _opened(site, client)
    answered = client.post(
        f"{BASE}/{dispute}/steps",
        headers=site.bearer("anna"),
        json={"kind": "answer", "comment": "Training is not billable."},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered" and answered.json()["settled"] is None
    rejected = client.post(
        f"{BASE}/{dispute}/steps",
        headers=site.bearer("alice"),
        json={"kind": "rejected", "comment": "Annex 2 is for 2027."},
    )
    assert rejected.json()["status"] == "rejected" and rejected.json()["resolution"] == "Annex 2 is for 2027."
    steps = [(e.actor, e.detail["step"]) for e in reversed(entries(site.ws, action="dispute"))]
    assert steps == [("mada", "opened"), ("anna", "answer"), ("alice", "rejected")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", None),
        (b'{"kind": "deleted", "comment": "x"}', "kind"),
        (b'{"kind": "answer"}', "comment"),
        (b'{"kind": "answer", "comment": "x", "role": "admin"}', "role"),
        (b'{"kind": "accepted", "comment": "x", "met": "met\' OR \'1\'=\'1"}', "met"),
        (b'{"kind": "accepted", "comment": "x", "exclude": ["../../etc/passwd"]}', "exclude.0"),
        (b'{"kind": "accepted", "comment": "x", "amount": "-34"}', "amount"),
        (b'{"kind": "accepted", "comment": "x", "amount": "1e999"}', "amount"),
        (b'{"kind": "accepted", "comment": "x", "quantity": "NaN"}', "quantity"),
        (b'{"kind": "answer", "comment": "' + b"x" * 5001 + b'"}', "comment"),
        (b"[]", None),
    ],
)
def test_a_bad_json_step_is_a_problem_naming_its_field_and_nothing_is_written(
    sqlite_site: Site, sqlite_client: TestClient, body: bytes, field: str | None
) -> None:
    dispute = _opened(sqlite_site, sqlite_client)
    answer = sqlite_client.post(
        f"{BASE}/{dispute}/steps",
        headers={**sqlite_site.bearer("alice"), "Content-Type": "application/json"},
        content=body,
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "/problems/invalid-request" and problem.get("field") == field
    assert "<" not in answer.text and "Traceback" not in answer.text
    record = sqlite_client.get(f"{BASE}/{dispute}", headers=sqlite_site.bearer("alice")).json()
    assert record["status"] == "open" and [s["kind"] for s in record["steps"]] == ["opened"]


def test_a_step_neither_json_nor_a_form_is_refused_as_unsupported(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    dispute = _opened(sqlite_site, sqlite_client)
    answer = sqlite_client.post(
        f"{BASE}/{dispute}/steps",
        headers={**sqlite_site.bearer("alice"), "Content-Type": "text/plain"},
        content=b"kind=answer",
    )
    assert answer.status_code == 415 and answer.headers["content-type"] == "application/problem+json"


def test_a_providers_token_takes_no_json_step_on_another_providers_dispute(
    site: Site, client: TestClient
) -> None:
    dispute = _opened(site, client)
    for body in (
        {"kind": "comment", "comment": "Atlas was here."},
        {"kind": "accepted", "comment": "x", "met": "met"},
    ):
        answer = client.post(f"{BASE}/{dispute}/steps", headers=site.bearer("atlas"), json=body)
        assert answer.status_code == 404 and answer.json()["type"] == "/problems/not-found"
    record = client.get(f"{BASE}/{dispute}", headers=site.bearer("mada")).json()
    assert [s["kind"] for s in record["steps"]] == ["opened"]
    assert [e.actor for e in entries(site.ws, action="dispute")] == ["mada"]


def test_openapi_shows_the_json_step_and_the_form_with_its_attachment(sqlite_client: TestClient) -> None:
    spec = sqlite_client.get("/openapi.json").json()
    body = spec["paths"]["/api/w/{slug}/disputes/{dispute_id}/steps"]["post"]["requestBody"]["content"]
    json_step = body["application/json"]["schema"]
    assert json_step["title"] == "StepRequest" and json_step["additionalProperties"] is False
    assert set(json_step["properties"]) == {
        "kind",
        "comment",
        "quantity",
        "amount",
        "met",
        "exclude",
        "include",
    }
    assert json_step["properties"]["met"]["anyOf"][0]["enum"] == ["met", "missed"]
    assert body["multipart/form-data"]["schema"]["properties"]["attachment"]["format"] == "binary"
