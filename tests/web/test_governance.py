"""The governance dashboard and the disputes on a refereed month: the provider sees its month as
the client sees it and disputes a line of it; the client settles; an accepted invoice line is
refereed again on the line as agreed (a new run, on the record) — on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from arbitre.services.accounts import get_user
from arbitre.services.audit import Actor, entries
from arbitre.services.disputes import disputes, open_dispute
from arbitre.services.govern import govern
from arbitre.web.refereed import InvoiceLineChange, corrected_invoice, refereed_month
from tests.web.conftest import Site, login

MONTH = "/w/azalee/governance/callmada-2026/2026-04"
# Call Mada's April invoice: 10 logged hours at 8.50 and the fixed fee (1 085.00 billed).
INVOICE = "flow,unit,band,quantity,unit_price,amount\nsav-voice-fr,logged_hour,day,10,8.50,85.00\n,fee,,1,,1000.00\n"
LINE = "line 2: logged_hour sav-voice-fr day"


@pytest.fixture
def refereed(site: Site) -> Site:
    """April refereed for both providers, Call Mada's with its invoice, as of 6 May 2026."""
    invoice = site.tmp / "callmada-facture-2026-04.csv"
    invoice.write_text(INVOICE, encoding="utf-8")
    govern(
        site.ws,
        month="2026-04",
        contract_id="callmada-2026",
        invoice=invoice,
        who="setup",
        today=date(2026, 5, 6),
    )
    govern(site.ws, month="2026-04", contract_id="atlas-2026", who="setup", today=date(2026, 5, 6))
    return site


def figure(page: str, name: str) -> str:
    found = re.search(rf'id="{name}">([^<]*)<', page)
    assert found is not None, name
    return found.group(1)


def table(page: str, name: str) -> str:
    """A table of the page without its dispute buttons (the provider's only)."""
    found = re.search(rf'<table id="{name}">.*?</table>', page, re.S)
    assert found is not None, name
    bare = re.sub(r"<details class=\"dispute\">.*?</details>", "", found.group(0), flags=re.S)
    return re.sub(r">\s+<", "><", bare)


@pytest.mark.usefixtures("refereed")
def test_the_provider_sees_its_month_exactly_as_the_client_sees_it(client: TestClient) -> None:
    login(client, "alice")
    theirs = client.get(MONTH)
    assert theirs.status_code == 200, theirs.text[:500]
    login(client, "mada")
    mine = client.get(MONTH)
    assert mine.status_code == 200
    # 10 % of 15 000 at risk: answer-30s missed (4 of 6 within 30 s; weight 0.35) 525, abandon
    # missed (weight 0.15) 225: 750, under the cap of 8 % (1 200).
    for page in (theirs.text, mine.text):
        assert figure(page, "fees") == "15\u202f000.00"
        assert figure(page, "credits") == "750.00"
        assert figure(page, "net-fees") == "14\u202f250.00"
    for name in ("slas", "invoice-lines", "differences"):
        assert table(theirs.text, name) == table(mine.text, name), name
    assert 'name="subject" value="answer-30s"' in mine.text  # the provider may dispute each line
    assert f'name="subject" value="{LINE}"' in mine.text
    assert 'name="subject"' not in theirs.text  # the client does not dispute its own referee


@pytest.mark.usefixtures("refereed")
def test_a_provider_reaches_nothing_of_another_providers_month(client: TestClient) -> None:
    csrf = login(client, "mada")
    listing = client.get("/w/azalee/governance")
    assert "callmada-2026" in listing.text and "atlas" not in listing.text.lower()
    assert client.get("/w/azalee/governance/atlas-2026/2026-04").status_code == 404
    opened = {"csrf_token": csrf, "subject_kind": "sla", "subject": "answer-30s", "comment": "x"}
    assert client.post("/w/azalee/governance/atlas-2026/2026-04/disputes", data=opened).status_code == 404
    assert client.get("/w/azalee/decision").status_code == 403  # the client's decision is the client's


def test_an_accepted_invoice_line_is_refereed_again_on_the_line_as_agreed(
    refereed: Site, client: TestClient
) -> None:
    csrf = login(client, "mada")
    opened = client.post(
        MONTH + "/disputes",
        data={"csrf_token": csrf, "subject_kind": "invoice_line", "subject": LINE, "comment": "4 h, not 10"},
    )
    assert opened.status_code == 303, opened.text[:500]
    dispute = opened.headers["location"]
    before = refereed_month(refereed.ws, get_user(refereed.ws, "alice"), "callmada-2026", "2026-04")
    csrf = login(client, "alice")
    page = client.get(dispute)
    assert 'id="agreed-amount" value="85.00"' in page.text  # the billed line, to be corrected
    settled = client.post(
        dispute + "/steps",
        data={
            "csrf_token": csrf,
            "kind": "accepted",
            "comment": "Agreed: 4 h.",
            "quantity": "4",
            "amount": "34,00",
        },
    )
    assert settled.status_code == 303, settled.text[:800]
    after = refereed_month(refereed.ws, get_user(refereed.ws, "alice"), "callmada-2026", "2026-04")
    assert after.run.id != before.run.id and after.run.who.startswith("alice (dispute ")
    assert after.as_of == before.as_of == date(2026, 5, 6)
    assert after.invoice is not None and before.invoice is not None
    line = next(b for b in after.invoice.billed if b.line == 2)
    assert (line.quantity, line.amount) == (Decimal("4.00"), Decimal("34.00"))
    assert before.invoice.billed_total == Decimal("1085.00")
    assert after.invoice.billed_total == Decimal("1034.00")  # 1 085 − 85 + 34
    assert after.slas == before.slas and after.net_fees == before.net_fees  # nothing else moved
    (record,) = disputes(refereed.ws, get_user(refereed.ws, "alice"), contract_id="callmada-2026")
    assert record.status == "accepted" and [s.kind for s in record.steps] == ["opened", "accepted"]
    (run,) = [e for e in entries(refereed.ws) if e.action == "run"]
    assert run.target == after.run.id and run.actor == "alice"
    assert run.detail["dispute"] == record.id and run.detail["invoice_line"] == 2
    assert run.detail["amount"] == "34.00" and run.detail["quantity"] == "4.00"
    shown = client.get(MONTH).text
    assert re.search(r'<tr data-line="2">.*?34\.00', shown, re.S)
    assert "alice (dispute " in figure(shown, "run") or "alice (dispute " in shown


HOSTILE_AMOUNTS = ["", "-5", "1e999", "NaN", "=1+1", "<script>alert(1)</script>", "100000001", "9" * 40]


def test_a_wrong_agreed_amount_is_refused_and_the_dispute_stays_open(
    refereed: Site, client: TestClient
) -> None:
    csrf = login(client, "mada")
    dispute = client.post(
        MONTH + "/disputes",
        data={"csrf_token": csrf, "subject_kind": "invoice_line", "subject": LINE, "comment": "too many"},
    ).headers["location"]
    csrf = login(client, "alice")
    for amount in HOSTILE_AMOUNTS:
        answer = client.post(
            dispute + "/steps",
            data={"csrf_token": csrf, "kind": "accepted", "comment": "ok", "amount": amount},
        )
        assert answer.status_code == 422, amount
        assert "<script>alert" not in answer.text
        assert 'id="status" class="status-open"' in answer.text
    assert [e for e in entries(refereed.ws) if e.action == "run"] == []


def test_a_dispute_names_a_line_of_the_month_or_is_refused(refereed: Site, client: TestClient) -> None:
    csrf = login(client, "mada")
    for kind, subject in [
        ("invoice_line", "line 9: fee"),
        ("sla", "no-such-sla"),
        ("exclusion", "2026-04-31"),
    ]:
        answer = client.post(
            MONTH + "/disputes",
            data={"csrf_token": csrf, "subject_kind": kind, "subject": subject, "comment": "x"},
        )
        assert answer.status_code == 422, subject
    assert disputes(refereed.ws, get_user(refereed.ws, "alice"), contract_id="callmada-2026") == []


@pytest.mark.usefixtures("refereed")
def test_only_the_client_admin_settles_a_dispute(client: TestClient) -> None:
    csrf = login(client, "mada")
    dispute = client.post(
        MONTH + "/disputes",
        data={
            "csrf_token": csrf,
            "subject_kind": "sla",
            "subject": "answer-30s",
            "comment": "<b>power cut</b>",
        },
    ).headers["location"]
    assert (
        client.post(
            dispute + "/steps", data={"csrf_token": csrf, "kind": "accepted", "comment": "x"}
        ).status_code
        == 403
    )
    csrf = login(client, "anna")
    page = client.get(dispute).text
    assert "&lt;b&gt;power cut&lt;/b&gt;" in page and 'id="accept"' not in page
    assert (
        client.post(
            dispute + "/steps", data={"csrf_token": csrf, "kind": "accepted", "comment": "x"}
        ).status_code
        == 403
    )
    answered = client.post(
        dispute + "/steps", data={"csrf_token": csrf, "kind": "answer", "comment": "We look."}
    )
    assert answered.status_code == 303


def _open(client: TestClient, kind: str, subject: str) -> str:
    csrf = login(client, "mada")
    answer = client.post(
        MONTH + "/disputes",
        data={"csrf_token": csrf, "subject_kind": kind, "subject": subject, "comment": "see the log"},
    )
    assert answer.status_code == 303, answer.text[:500]
    return str(answer.headers["location"])


def test_an_accepted_sla_result_referees_the_month_again_with_the_result_as_agreed(
    refereed: Site, client: TestClient
) -> None:
    dispute = _open(client, "sla", "abandon")
    before = refereed_month(refereed.ws, get_user(refereed.ws, "alice"), "callmada-2026", "2026-04")
    csrf = login(client, "alice")
    page = client.get(dispute).text
    assert 'id="agreed-met"' in page and "referee" in page
    settled = client.post(
        dispute + "/steps", data={"csrf_token": csrf, "kind": "accepted", "comment": "Agreed.", "met": "met"}
    )
    assert settled.status_code == 303, settled.text[:800]
    after = refereed_month(refereed.ws, get_user(refereed.ws, "alice"), "callmada-2026", "2026-04")
    # Before: answer-30s 525 + abandon 225 = 750 (15 000 × 10 % × weights 0.35 and 0.15). The
    # abandon SLA agreed as met: answer-30s alone, 525; net 15 000 − 525 = 14 475.
    assert (before.credits_total, before.net_fees) == (Decimal("750.00"), Decimal("14250.00"))
    assert (after.credits_total, after.net_fees) == (Decimal("525.00"), Decimal("14475.00"))
    abandon = after.sla("abandon")
    assert abandon is not None and abandon.met is True and abandon.credit == Decimal("0.00")
    assert after.run.id != before.run.id and after.run.who.startswith("alice (dispute ")
    assert after.as_of == before.as_of and after.invoice == before.invoice  # the invoice stands
    (record,) = disputes(refereed.ws, get_user(refereed.ws, "alice"), contract_id="callmada-2026")
    assert record.status == "accepted"
    (run,) = [e for e in entries(refereed.ws) if e.action == "run"]
    assert run.target == after.run.id and run.detail["dispute"] == record.id
    assert (run.detail["sla"], run.detail["met"]) == ("abandon", "met")
    for user in ("alice", "mada"):  # both parties see what the decision changed
        login(client, user)
        shown = client.get(dispute).text
        assert figure(shown, "credits-before") == "750.00" and figure(shown, "credits-after") == "525.00"
        assert figure(shown, "credits-difference") == "-225.00"
        assert figure(shown, "net-difference") == "225.00"
        assert figure(client.get(MONTH).text, "credits") == "525.00"


def test_the_agreed_result_stands_in_the_months_later_runs(refereed: Site, client: TestClient) -> None:
    dispute = _open(client, "sla", "abandon")
    csrf = login(client, "alice")
    client.post(
        dispute + "/steps", data={"csrf_token": csrf, "kind": "accepted", "comment": "ok", "met": "met"}
    )
    runs = [
        govern(refereed.ws, month="2026-04", contract_id="callmada-2026", who="cli", today=date(2026, 5, 6))[
            0
        ]
        for _ in range(2)
    ]
    for again in runs:
        assert again.credits_total == Decimal("525.00") and [c.kind for c in again.agreed] == ["sla_result"]
    assert runs[0].run is not None and runs[1].run is not None
    assert runs[0].run.inputs_sha256 == runs[1].run.inputs_sha256  # the agreement is an input
    (atlas,) = govern(
        refereed.ws, month="2026-04", contract_id="atlas-2026", who="cli", today=date(2026, 5, 6)
    )
    assert atlas.agreed == []  # another contract's month takes nothing of it


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("met", ""),
        ("met", "maybe"),
        ("met", "<script>alert(1)</script>"),
        ("met", "met' OR '1'='1"),
    ],
)
def test_an_sla_dispute_accepted_without_a_result_as_agreed_is_refused_and_stays_open(
    refereed: Site, client: TestClient, field: str, value: str
) -> None:
    dispute = _open(client, "sla", "answer-30s")
    csrf = login(client, "alice")
    answer = client.post(
        dispute + "/steps", data={"csrf_token": csrf, "kind": "accepted", "comment": "ok", field: value}
    )
    assert answer.status_code == 422 and "<script>alert" not in answer.text
    assert 'id="status" class="status-open"' in answer.text
    assert [e for e in entries(refereed.ws) if e.action == "run"] == []


def _exclusion_dispute(site: Site, subject: str) -> str:
    """An exclusion dispute on ``subject`` (the test month has no day above its band to show, so
    it is opened through the service the page calls)."""
    record = open_dispute(
        site.ws,
        account=get_user(site.ws, "mada"),
        actor=Actor("mada", "provider"),
        contract_id="callmada-2026",
        month="2026-04",
        subject_kind="exclusion",
        subject=subject,
        comment="the telephony was down",
    )
    return f"/w/azalee/disputes/{record.id}"


def test_an_accepted_exclusion_leaves_the_agreed_day_out_of_the_slas_and_another_counts_it_again(
    refereed: Site, client: TestClient
) -> None:
    dispute = _exclusion_dispute(refereed, "sav-voice-fr 2026-04-06")
    csrf = login(client, "alice")
    assert 'id="agreed-exclude"' in client.get(dispute).text
    settled = client.post(
        dispute + "/steps",
        data={"csrf_token": csrf, "kind": "accepted", "comment": "Outage.", "exclude": "2026-04-06"},
    )
    assert settled.status_code == 303, settled.text[:800]
    after = refereed_month(refereed.ws, get_user(refereed.ws, "alice"), "callmada-2026", "2026-04")
    # Every call of April is on the 6th: left out, answer-30s and abandon measure nothing (no
    # credit), the other SLAs had nothing to measure already: credits 0, net the 15 000 of fees.
    answer_30s = after.sla("answer-30s")
    assert answer_30s is not None and answer_30s.met is None
    assert (answer_30s.contacts, answer_30s.excluded_contacts) == (0, 6)
    assert (after.credits_total, after.net_fees) == (Decimal("0.00"), Decimal("15000.00"))
    (run,) = [e for e in entries(refereed.ws) if e.action == "run"]
    assert run.detail["exclude"] == "sav-voice-fr 2026-04-06"
    assert figure(client.get(dispute).text, "credits-difference") == "-750.00"
    # A second dispute, accepted, counts the day again: April as first refereed.
    second = _exclusion_dispute(refereed, "sav-voice-fr 2026-04-06")
    client.post(
        second + "/steps",
        data={"csrf_token": csrf, "kind": "accepted", "comment": "Back in.", "include": "2026-04-06"},
    )
    again = refereed_month(refereed.ws, get_user(refereed.ws, "alice"), "callmada-2026", "2026-04")
    assert (again.credits_total, again.net_fees) == (Decimal("750.00"), Decimal("14250.00"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("exclude", ""),
        ("exclude", "2026-05-01"),
        ("exclude", "2026-04-31"),
        ("exclude", "06/04/2026"),
        ("exclude", "2026-04-06'); DROP TABLE disputes; --"),
        ("exclude", ", ".join(f"2026-04-{d:02d}" for d in range(1, 31)) + ", 2026-04-01, 2026-05-02"),
        ("include", "<script>alert(1)</script>"),
    ],
)
def test_an_exclusion_accepted_with_days_not_of_the_month_is_refused_and_stays_open(
    refereed: Site, client: TestClient, field: str, value: str
) -> None:
    dispute = _exclusion_dispute(refereed, "sav-voice-fr 2026-04-06")
    csrf = login(client, "alice")
    answer = client.post(
        dispute + "/steps", data={"csrf_token": csrf, "kind": "accepted", "comment": "ok", field: value}
    )
    assert answer.status_code == 422, value
    assert "<script>alert" not in answer.text and 'id="status" class="status-open"' in answer.text
    assert [e for e in entries(refereed.ws) if e.action == "run"] == []


def test_the_corrected_invoice_changes_the_agreed_line_only() -> None:
    text = 'flow,unit,band,quantity,unit_price,amount\n"a,b",fee,,1,,10.00\nx,logged_hour,day,3,2,6.00\n'
    fixed = corrected_invoice(
        text, InvoiceLineChange(line=3, quantity=Decimal("2.00"), amount=Decimal("4.00"))
    )
    assert (
        fixed
        == 'flow,unit,band,quantity,unit_price,amount\n"a,b",fee,,1,,10.00\nx,logged_hour,day,2.00,2,4.00\n'
    )


def test_the_api_gives_the_provider_its_months_as_the_client_sees_them_and_nothing_of_anothers(
    refereed: Site, client: TestClient
) -> None:
    base = "/api/w/azalee/contracts"
    mada, alice = refereed.bearer("mada"), refereed.bearer("alice")
    mine = client.get(f"{base}/callmada-2026/months/2026-04", headers=mada)
    assert mine.status_code == 200
    assert mine.json() == client.get(f"{base}/callmada-2026/months/2026-04", headers=alice).json()
    assert mine.json()["net_fees"] == "14250.00" and mine.json()["invoice"]["billed_total"] == "1085.00"
    assert "business_case" not in mine.json()  # the client's decision is not the provider's
    assert [m["month"] for m in client.get(f"{base}/callmada-2026/months", headers=mada).json()] == [
        "2026-04"
    ]
    for path in [
        f"{base}/atlas-2026/months",
        f"{base}/atlas-2026/months/2026-04",
        f"{base}/atlas-2026/months/2026-04/copil",
        f"{base}/callmada-2026/months/2026-05",  # not refereed
        f"{base}/callmada-2026/months/2026-13",
    ]:
        answer = client.get(path, headers=mada)
        assert answer.status_code in (404, 422), (path, answer.text)
        assert "Atlas" not in answer.text
    assert client.get("/api/w/azalee/decision", headers=mada).status_code == 403
    assert client.post("/api/w/azalee/decision/runs", headers=mada).status_code == 403
    assert client.get("/api/w/azalee/decision", headers=alice).status_code == 404  # none recorded yet


def test_the_steering_committee_report_is_read_as_its_own_document_and_downloaded(
    refereed: Site, client: TestClient
) -> None:
    login(client, "mada")
    page = client.get("/w/azalee/copil/callmada-2026/2026-04")
    assert page.status_code == 200 and "report.en.pdf" in page.text
    report = client.get("/w/azalee/copil/callmada-2026/2026-04/report.en.html")
    assert report.status_code == 200 and "<script" not in report.text
    assert report.headers["content-security-policy"].startswith(
        "default-src 'none'; style-src 'unsafe-inline'"
    )
    assert client.get("/w/azalee/copil/atlas-2026/2026-04/report.en.html").status_code == 404
    assert client.get("/w/azalee/copil/callmada-2026/2026-04/report.xx.html").status_code == 422
    pdf = client.get("/w/azalee/copil/callmada-2026/2026-04/report.fr.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"].startswith("attachment")
    (download,) = [e for e in entries(refereed.ws) if e.action == "download"]
    assert download.actor == "mada" and download.target == "copil-callmada-2026-2026-04-provider.pdf"


@pytest.mark.usefixtures("refereed")
def test_the_sla_table_reads_targets_and_results_as_the_contract_states_them(client: TestClient) -> None:
    """Targets and results in the KPI's unit and the reader's language, not as raw fractions:
    answer-30s is "≥ 80.0 %" in the contract, 4 of April's 6 calls were answered within 30 s
    (66.7 %); the abandon SLA holds per day, its result is a share of days."""
    login(client, "alice")  # an English-speaking account
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r'<tr data-sla="([^"]+)">(.*?)</tr>', table(client.get(MONTH).text, "slas"))
    }
    assert '<td class="n">≥ 80.0%</td><td class="n">66.7%</td>' in rows["answer-30s"]
    assert "≤ 8.0%" in rows["abandon"] and "per day; actual: share of days" in rows["abandon"]
    assert "0.8<" not in rows["answer-30s"]


API_DISPUTES = "/api/w/azalee/disputes"


def _api_step(client: TestClient, site: Site, user: str, dispute: str, **fields: str) -> dict[str, object]:
    answer = client.post(
        f"{API_DISPUTES}/{dispute}/steps", headers=site.bearer(user), data={"comment": "ok", **fields}
    )
    assert answer.status_code == 200, answer.text[:800]
    body: dict[str, object] = answer.json()
    return body


def test_the_api_accepts_an_sla_result_as_the_page_does_and_answers_the_new_runs_figures(
    refereed: Site, client: TestClient
) -> None:
    dispute = _open(client, "sla", "abandon").rsplit("/", 1)[1]
    before = refereed_month(refereed.ws, get_user(refereed.ws, "alice"), "callmada-2026", "2026-04")
    refused = client.post(
        f"{API_DISPUTES}/{dispute}/steps",
        headers=refereed.bearer("mada"),
        data={"kind": "accepted", "comment": "mine", "met": "met"},
    )
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    body = _api_step(client, refereed, "alice", dispute, kind="accepted", met="met")
    after = refereed_month(refereed.ws, get_user(refereed.ws, "alice"), "callmada-2026", "2026-04")
    # As the page's test: 750 before (answer-30s 525 + abandon 225), abandon agreed as met: 525.
    assert body["status"] == "accepted"
    assert body["settled"] == {
        "run_before": before.run.id,
        "run_after": after.run.id,
        "credits_before": "750.00",
        "credits_after": "525.00",
        "net_before": "14250.00",
        "net_after": "14475.00",
        "slas": [
            {
                "name": "abandon",
                "met_before": False,
                "met_after": True,
                "credit_before": "225.00",
                "credit_after": "0.00",
            }
        ],
    }
    (run,) = [e for e in entries(refereed.ws) if e.action == "run"]
    assert run.target == after.run.id and run.actor == "alice" and run.detail["met"] == "met"


def test_the_api_accepts_an_exclusion_and_an_invoice_line_as_the_page_does(
    refereed: Site, client: TestClient
) -> None:
    dispute = _exclusion_dispute(refereed, "sav-voice-fr 2026-04-06").rsplit("/", 1)[1]
    body = _api_step(client, refereed, "alice", dispute, kind="accepted", exclude="2026-04-06")
    settled = body["settled"]
    assert isinstance(settled, dict)
    # As the page's test: every call of April on the 6th, left out: credits 0, net 15 000.
    assert (settled["credits_before"], settled["credits_after"]) == ("750.00", "0.00")
    assert (settled["net_before"], settled["net_after"]) == ("14250.00", "15000.00")
    line = _open(client, "invoice_line", LINE).rsplit("/", 1)[1]
    body = _api_step(client, refereed, "alice", line, kind="accepted", quantity="4", amount="34.00")
    after = refereed_month(refereed.ws, get_user(refereed.ws, "alice"), "callmada-2026", "2026-04")
    assert after.invoice is not None and after.invoice.billed_total == Decimal("1034.00")  # 1 085 − 85 + 34
    assert isinstance(body["settled"], dict) and body["settled"]["run_after"] == after.run.id
    assert len([e for e in entries(refereed.ws) if e.action == "run"]) == 2


@pytest.mark.parametrize(
    ("subject_kind", "fields"),
    [
        ("sla", {"met": ""}),
        ("sla", {"met": "<script>alert(1)</script>"}),
        ("sla", {"met": "met' OR '1'='1"}),
        ("exclusion", {"exclude": "2026-05-01"}),
        ("exclusion", {"exclude": "2026-04-06'); DROP TABLE disputes; --"}),
        ("exclusion", {"include": "../../etc/passwd"}),
        ("exclusion", {"exclude": "2026-04-06", "include": "2026-04-06"}),
        ("invoice_line", {"quantity": "4", "amount": "=1+1"}),
        ("invoice_line", {"quantity": "-4", "amount": "34.00"}),
        ("invoice_line", {"quantity": "4", "amount": "1e999"}),
    ],
)
def test_a_hostile_agreed_change_sent_to_the_api_is_a_problem_and_the_dispute_stays_open(
    refereed: Site, client: TestClient, subject_kind: str, fields: dict[str, str]
) -> None:
    if subject_kind == "exclusion":
        dispute = _exclusion_dispute(refereed, "sav-voice-fr 2026-04-06").rsplit("/", 1)[1]
    else:
        dispute = _open(client, subject_kind, "abandon" if subject_kind == "sla" else LINE).rsplit("/", 1)[1]
    answer = client.post(
        f"{API_DISPUTES}/{dispute}/steps",
        headers=refereed.bearer("alice"),
        data={"kind": "accepted", "comment": "ok", **fields},
    )
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()  # JSON, never HTML: the value is only quoted back, by its field
    assert problem["status"] == 422 and problem["field"] in {*fields, "quantity", "amount"}, problem
    (record,) = disputes(refereed.ws, get_user(refereed.ws, "alice"), contract_id="callmada-2026")
    assert record.status == "open" and [s.kind for s in record.steps] == ["opened"]
    assert [e for e in entries(refereed.ws) if e.action == "run"] == []


def test_a_script_accepts_each_kind_of_dispute_as_json_with_the_same_runs_as_the_form(
    refereed: Site, client: TestClient
) -> None:
    sla = _open(client, "sla", "abandon").rsplit("/", 1)[1]
    answer = client.post(
        f"{API_DISPUTES}/{sla}/steps",
        headers=refereed.bearer("alice"),
        json={"kind": "accepted", "comment": "Agreed.", "met": "met"},
    )
    assert answer.status_code == 200, answer.text[:800]
    # As the form's test: 750 before (answer-30s 525 + abandon 225), abandon agreed as met: 525.
    settled = answer.json()["settled"]
    assert (settled["credits_before"], settled["credits_after"]) == ("750.00", "525.00")
    line = _open(client, "invoice_line", LINE).rsplit("/", 1)[1]
    answer = client.post(
        f"{API_DISPUTES}/{line}/steps",
        headers=refereed.bearer("alice"),
        json={"kind": "accepted", "comment": "ok", "quantity": "4", "amount": "34.00"},
    )
    assert answer.status_code == 200, answer.text[:800]
    after = refereed_month(refereed.ws, get_user(refereed.ws, "alice"), "callmada-2026", "2026-04")
    assert after.invoice is not None and after.invoice.billed_total == Decimal("1034.00")  # 1 085 − 85 + 34
    day = _exclusion_dispute(refereed, "sav-voice-fr 2026-04-06").rsplit("/", 1)[1]
    answer = client.post(
        f"{API_DISPUTES}/{day}/steps",
        headers=refereed.bearer("alice"),
        json={"kind": "accepted", "comment": "Outage.", "exclude": ["2026-04-06"]},
    )
    assert answer.status_code == 200, answer.text[:800]
    # Every call of April on the 6th left out: no SLA missed; net = the fees as agreed (15 000).
    assert answer.json()["settled"]["credits_after"] == "0.00"
    runs = [e for e in entries(refereed.ws) if e.action == "run"]
    assert len(runs) == 3 and {e.actor for e in runs} == {"alice"}
    steps = [e.detail["step"] for e in entries(refereed.ws, action="dispute") if e.actor == "alice"]
    assert steps == ["accepted", "accepted", "accepted"]
