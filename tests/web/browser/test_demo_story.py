"""The demo's story in a real browser, on the demo workspace (scale 0.05): the client reads the
decision and the governance dashboard; the provider disputes a line of June's invoice from the
month it sees; the client settles the dispute the demo left open and the month is refereed again
on the line as agreed (docs/web.md's screenshots)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from arbitre.reports.decision_format import scenario_label
from arbitre.services.accounts import get_user, list_users, set_lang
from arbitre.services.demo_accounts import read_demo_accounts
from arbitre.services.disputes import disputes
from arbitre.store.decisions import latest_decision
from arbitre.store.workspace import Workspace
from arbitre.web.refereed import refereed_month
from tests.demo.conftest import BuiltDemo
from tests.web.browser.conftest import serving

pytestmark = pytest.mark.browser
JUNE = "/w/demo/governance/callmada-2026/2026-06"


class Demo:
    def __init__(self, root: Path, url: str) -> None:
        self.root = root
        self.url = url
        ws = Workspace.open(root)
        try:
            self.passwords = {a.username: a.password for a in read_demo_accounts(ws)}
            for account in list_users(ws):
                set_lang(ws, account.id, "en")  # the pages in English, the tests' words
        finally:
            ws.close()

    def log_in(self, page, username: str) -> None:  # type: ignore[no-untyped-def]
        page.context.clear_cookies()
        page.goto(f"{self.url}/login?w=demo")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", self.passwords[username])
        page.click("#login")
        page.wait_for_url(f"{self.url}/w/demo/")


@pytest.fixture
def demo(small_demo: BuiltDemo, tmp_path: Path) -> Iterator[Demo]:
    """A copy of the small demo (with its accounts and the dispute it leaves open), served."""
    root = tmp_path / "demo"
    shutil.copytree(small_demo.folder, root)
    with serving(root) as url:
        yield Demo(root, url)


def test_the_decision_page_shows_the_recommendation_the_reasons_and_the_checks(
    demo: Demo, page, shots: Path
) -> None:  # type: ignore[no-untyped-def]
    demo.log_in(page, "direction")
    page.click("nav >> text=Decision")
    page.wait_for_url(f"{demo.url}/w/demo/decision")
    ws = Workspace.open(demo.root)
    try:
        decision = latest_decision(ws)
    finally:
        ws.close()
    assert decision is not None
    assert page.locator("#recommended").inner_text() == scenario_label(decision.recommended, "en")
    assert page.locator("#scenarios tbody tr").count() == len(decision.scenarios)
    assert page.locator("section.flow").count() == len(decision.flows)
    assert page.locator("#simulation tbody tr").count() == len(decision.simulation)
    for chart in page.locator("img.chart").all():  # every chart drawn
        assert chart.evaluate("img => img.complete && img.naturalWidth > 100")
    # The scenarios and the cumulative cost; the tornado when the decision measured its sensitivity
    # (the demo's tests may have decided again without it on the shared small demo).
    assert page.locator("img.chart").count() == (3 if decision.sensitivity else 2)
    page.screenshot(path=str(shots / "web-decision.png"))


def test_the_governance_dashboard_shows_each_month_and_junes_evidence_request(
    demo: Demo, page, shots: Path
) -> None:  # type: ignore[no-untyped-def]
    demo.log_in(page, "direction")
    page.click("nav >> text=Governance")
    rows = page.locator("table tbody tr")
    assert rows.count() == 3  # April, May, June refereed by the demo
    page.click("text=2026-06")
    page.wait_for_url(f"{demo.url}{JUNE}")
    assert page.locator("#slas tbody tr").count() == 5
    assert page.locator("#evidence li").count() >= 1
    assert page.locator("#differences tr.flag-evidence").count() >= 1
    assert "invoice line: line 2: logged_hour sav-voice-fr day" in page.locator("#disputes").inner_text()
    assert page.locator("img.chart").evaluate("img => img.naturalWidth > 100")
    page.screenshot(path=str(shots / "web-governance.png"), full_page=True)


def test_a_providers_dispute_is_settled_by_the_client_and_the_month_refereed_again(
    demo: Demo, page, shots: Path
) -> None:  # type: ignore[no-untyped-def]
    # The provider sees June as the client does, and disputes another line of the invoice from it.
    demo.log_in(page, "callmada")
    page.goto(f"{demo.url}{JUNE}")
    net = page.locator("#net-fees").inner_text()
    line = page.locator('#invoice-lines tr[data-line="3"]')
    line.locator("summary").click()
    line.locator("textarea[name=comment]").fill("Evening hours: the ACD log-in export is attached.")
    line.locator("input[name=attachment]").set_input_files(
        files=[{"name": "connexions-juin.csv", "mimeType": "text/csv", "buffer": b"agent,login_h\nA1,7.5\n"}]
    )
    line.locator("button[type=submit]").click()
    page.wait_for_url("**/w/demo/disputes/*")
    assert page.locator("#status").inner_text() == "open"
    assert "connexions-juin.csv" in page.locator("#steps").inner_text()
    page.screenshot(path=str(shots / "web-dispute-opened.png"))

    # The client settles the dispute the demo left open (line 2): the hours as the records give them.
    ws = Workspace.open(demo.root)
    try:
        client = get_user(ws, "direction")
        before = refereed_month(ws, client, "callmada-2026", "2026-06")
    finally:
        ws.close()
    assert before.invoice is not None
    billed = next(b for b in before.invoice.billed if b.line == 2)
    computed = next(
        d for d in before.invoice.differences if d.item == "logged_hour sav-voice-fr day"
    ).computed
    assert computed is not None and billed.unit_price is not None and computed < billed.quantity  # type: ignore[operator]
    agreed = (computed * billed.unit_price).quantize(Decimal("0.01"))
    demo.log_in(page, "direction")
    page.goto(f"{demo.url}{JUNE}")
    page.click("#disputes >> text=line 2: logged_hour sav-voice-fr day")
    assert page.locator("#agreed-amount").input_value() == str(billed.amount)
    page.fill("textarea[name=comment] >> nth=-1", f"Agreed: {computed} h as the records give them.")
    page.fill("#agreed-quantity", str(computed))
    page.fill("#agreed-amount", str(agreed))
    page.click("#accept")
    page.wait_for_selector("#status.status-accepted")
    page.screenshot(path=str(shots / "web-dispute-settled.png"))

    # The month refereed again: a new run, by the client for the dispute, on the agreed line.
    page.goto(f"{demo.url}{JUNE}")
    assert "direction (dispute " in page.locator("#run").inner_text()
    cells = page.locator('#invoice-lines tr[data-line="2"] td')
    assert cells.nth(4).inner_text() == str(computed)
    assert cells.nth(6).inner_text().replace("\u202f", "") == str(agreed)
    ws = Workspace.open(demo.root)
    try:
        after = refereed_month(ws, get_user(ws, "direction"), "callmada-2026", "2026-06")
        settled = [d for d in disputes(ws, get_user(ws, "direction")) if d.status == "accepted"]
    finally:
        ws.close()
    assert after.invoice is not None
    assert after.invoice.billed_total == before.invoice.billed_total - billed.amount + agreed
    assert [d.subject for d in settled] == ["line 2: logged_hour sav-voice-fr day"]
    # The provider sees the month as refereed again, exactly as the client does.
    demo.log_in(page, "callmada")
    page.goto(f"{demo.url}{JUNE}")
    assert "direction (dispute " in page.locator("#run").inner_text()
    assert page.locator("#net-fees").inner_text() == net  # SLAs and fees unchanged: the invoice only
    assert page.locator('#invoice-lines tr[data-line="2"] td').nth(6).inner_text().replace(
        "\u202f", ""
    ) == str(agreed)


def test_the_activity_map_swaps_the_average_week_for_the_flow_picked(demo: Demo, page, shots: Path) -> None:  # type: ignore[no-untyped-def]
    demo.log_in(page, "analyste")
    page.click("nav >> text=Activity map")
    page.wait_for_url(f"{demo.url}/w/demo/map")
    assert page.locator("#map-flows tbody tr").count() == 8  # the demo company's eight flows
    first = page.locator("#week-chart").get_attribute("src")
    page.select_option("#week-flow", "sav-email-fr")
    page.wait_for_function("first => document.querySelector('#week-chart').src !== first", arg=first)
    assert page.locator("#week-chart").get_attribute("alt") == "Average week sav-email-fr"
    assert page.locator("#week-chart").evaluate("img => img.complete && img.naturalWidth > 100")
    page.screenshot(path=str(shots / "web-map.png"))
