"""The parts of a page drawn once and kept (`arbitre.web.drawn`): bounded, keyed by everything the
drawing depends on — never one role's, provider's or workspace's drawing handed to another —, a
new run or dispute shown at once, and each view's own CSRF token in the kept forms."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from arbitre.services.accounts import get_user
from arbitre.services.govern import govern
from arbitre.web.deps import Principal
from arbitre.web.drawn import CSRF_SLOT, PARTS, DrawnParts, Part, drawn, part_of
from arbitre.web.refereed import refereed_month
from arbitre.web.tenancy import Tenant
from tests.web.conftest import Site, login

MONTH = "/w/azalee/governance/callmada-2026/2026-04"
BODY = "governance/month_body.html"
INVOICE = "flow,unit,band,quantity,unit_price,amount\nsav-voice-fr,logged_hour,day,10,8.50,{amount}\n,fee,,1,,1000.00\n"


def referee(site: Site, *, amount: str = "85.00", who: str = "setup") -> None:
    """April of Call Mada refereed as of 6 May 2026, on an invoice whose line 2 is ``amount``."""
    folder = site.tmp / f"invoice-{amount}"
    folder.mkdir()
    invoice = folder / "callmada-facture-2026-04.csv"
    invoice.write_text(INVOICE.format(amount=amount), encoding="utf-8")
    govern(
        site.ws,
        month="2026-04",
        contract_id="callmada-2026",
        invoice=invoice,
        who=who,
        today=date(2026, 5, 6),
    )


def line_2(page: str) -> str:
    found = re.search(r'<tr data-line="2">.*?</tr>', page, re.S)
    assert found is not None
    return found.group(0)


def test_the_parts_kept_are_bounded_the_least_recently_used_dropped_first() -> None:
    parts = DrawnParts(kept=2)
    a, b, c = (Part("ws", "/w", "t.html", s, "fr", "admin", None) for s in "abc")
    parts.put(a, "A")
    parts.put(b, "B")
    assert parts.get(a) == "A"  # a used: b is now the least recently used
    parts.put(c, "C")
    assert (parts.get(a), parts.get(b), parts.get(c), len(parts)) == ("A", None, "C", 2)


def test_the_key_of_a_part_tells_roles_providers_languages_and_workspaces_apart(sqlite_site: Site) -> None:
    tenant = Tenant(slug="azalee", ws=sqlite_site.ws, key=b"k" * 32)
    elsewhere = Tenant(slug="azalee-2", ws=sqlite_site.ws, key=b"k" * 32)
    users = {u: get_user(sqlite_site.ws, u) for u in ("alice", "anna", "mada", "atlas")}
    keys = [
        part_of(Principal(tenant, users["alice"], None, "t1"), BODY, "run-1"),
        part_of(Principal(tenant, users["anna"], None, "t2"), BODY, "run-1"),  # another role
        part_of(Principal(tenant, users["mada"], None, "t3"), BODY, "run-1"),  # a provider
        part_of(Principal(tenant, users["atlas"], None, "t4"), BODY, "run-1"),  # another provider
        part_of(Principal(elsewhere, users["alice"], None, "t5"), BODY, "run-1"),  # another workspace
        part_of(
            Principal(tenant, users["alice"].model_copy(update={"lang": "fr"}), None, "t6"), BODY, "run-1"
        ),
        part_of(Principal(tenant, users["alice"], None, "t7"), BODY, "run-2"),  # another run
    ]
    assert len(set(keys)) == len(keys)
    assert keys[2].provider == "Call Mada\x1fcallmada:tana" and keys[0].provider is None
    # Two sessions of the same account (another CSRF token each) share the drawing.
    assert part_of(Principal(tenant, users["alice"], "10.0.0.1", "other"), BODY, "run-1") == keys[0]


def test_a_provider_never_gets_the_drawing_kept_for_the_client(sqlite_site: Site) -> None:
    referee(sqlite_site)
    tenant = Tenant(slug="azalee", ws=sqlite_site.ws, key=b"k" * 32)
    alice, mada = get_user(sqlite_site.ws, "alice"), get_user(sqlite_site.ws, "mada")
    view = refereed_month(sqlite_site.ws, mada, "callmada-2026", "2026-04")
    assert view.run is not None
    run = view.run.id
    drawings: list[str] = []

    def context(v: object, can_dispute: bool, who: str) -> dict[str, object]:
        drawings.append(who)
        return {"v": v, "can_dispute": can_dispute, "money_chart": "data:,"}

    # The client's drawing holds a figure of its own (as its business case would be).
    theirs = view.model_copy(update={"fees": Decimal("987654.32")})
    client = drawn(
        Principal(tenant, alice, None, "client-token"), BODY, run, lambda: context(theirs, False, "alice")
    )
    provider = drawn(
        Principal(tenant, mada, None, "mada-token"), BODY, run, lambda: context(view, True, "mada")
    )
    again = drawn(
        Principal(tenant, alice, None, "next-token"), BODY, run, lambda: context(theirs, False, "again")
    )
    assert drawings == ["alice", "mada"]  # the client's second view is the kept drawing
    assert "987\u202f654.32" in client and "987\u202f654.32" not in provider
    assert "15\u202f000.00" in provider
    # The provider's forms carry its own session's token; the client's page has no form, and no
    # drawing ever shows the slot the tokens are put in.
    assert provider.count('name="csrf_token" value="mada-token"') == provider.count("<form") > 0
    assert "<form" not in client and "<form" not in again and "client-token" not in provider
    assert all(CSRF_SLOT not in html for html in (client, provider, again))
    assert again == client
    # The provider's drawing is kept under its own key, with the slot rather than any token.
    kept = PARTS.get(part_of(Principal(tenant, mada, None, "x"), BODY, run))
    assert kept is not None and CSRF_SLOT in kept and "mada-token" not in kept


@pytest.mark.parametrize("first", ["alice", "mada"])
def test_the_month_page_drawn_for_one_party_is_not_the_others(
    sqlite_site: Site, sqlite_client: TestClient, first: str
) -> None:
    referee(sqlite_site)
    pages = {}
    for who in (first, "mada" if first == "alice" else "alice"):
        csrf = login(sqlite_client, who)
        page = sqlite_client.get(MONTH)
        assert page.status_code == 200
        pages[who] = (page.text, csrf)
    client, provider = pages["alice"][0], pages["mada"][0]
    assert 'name="subject_kind"' not in client  # the client does not dispute its own referee
    forms = re.findall(
        r'<form method="post" action="/w/azalee/governance/[^"]+/disputes".*?</form>', provider, re.S
    )
    assert forms and all(f'name="csrf_token" value="{pages["mada"][1]}"' in f for f in forms)
    assert pages["alice"][1] not in provider


def test_a_new_run_of_the_month_and_a_new_dispute_are_shown_at_once(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    referee(sqlite_site)
    login(sqlite_client, "alice")
    before = sqlite_client.get(MONTH).text
    assert ">85.00<" in line_2(before) and 'id="disputes"' not in before
    referee(sqlite_site, amount="95.00", who="second")  # a new run: a new id, drawn at its first view
    opened = sqlite_client.post(
        "/api/w/azalee/disputes",
        headers=sqlite_site.bearer("mada"),
        data={
            "contract_id": "callmada-2026",
            "month": "2026-04",
            "subject_kind": "sla",
            "subject": "answer-30s",
            "comment": "the telephony was down",
        },
    )
    assert opened.status_code == 201, opened.text
    after = sqlite_client.get(MONTH).text
    assert ">95.00<" in line_2(after) and "second" in after
    assert f'/w/azalee/disputes/{opened.json()["id"]}"' in after


def test_a_hostile_invoice_line_is_kept_escaped_and_takes_no_token(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    # The provider's invoice reaches the kept part (its lines are drawn once): a line naming markup,
    # a template and the slot's prefix is shown as text, and only the slot itself takes a token.
    hostile = '"><script>alert(1)</script>{{ csrf }}csrf-slot-'
    folder = sqlite_site.tmp / "hostile"
    folder.mkdir()
    invoice = folder / "callmada-facture-2026-04.csv"
    quoted = '"' + hostile.replace('"', '""') + '"'  # one CSV cell
    invoice.write_text(
        f"flow,unit,band,quantity,unit_price,amount\n{quoted},logged_hour,day,10,8.50,85.00\n,fee,,1,,1000.00\n",
        encoding="utf-8",
    )
    govern(
        sqlite_site.ws,
        month="2026-04",
        contract_id="callmada-2026",
        invoice=invoice,
        who="setup",
        today=date(2026, 5, 6),
    )
    csrf = login(sqlite_client, "mada")
    page = sqlite_client.get(MONTH)
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;{{ csrf }}csrf-slot-" in page.text
    assert CSRF_SLOT not in page.text
    assert page.text.count(f'name="csrf_token" value="{csrf}"') == page.text.count('name="csrf_token"')
