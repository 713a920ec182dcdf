"""The web app in a real headless Chromium: logging in, an import with a bad row, the staffing
calculator, a provider who cannot reach another provider's contract (docs/web.md's screenshots)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import HEADER, PASSWORD, call

pytestmark = pytest.mark.browser


def log_in(page, server: str, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/login?w=azalee")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login")


def test_a_person_logs_in_sees_the_overview_and_logs_out(page, server: str, shots: Path) -> None:  # type: ignore[no-untyped-def]
    log_in(page, server, "alice", "not the password")
    assert page.locator("[role=alert]").inner_text() == "Wrong workspace, username or password."
    page.screenshot(path=str(shots / "web-login.png"))
    log_in(page, server, "alice")
    page.wait_for_url(f"{server}/w/azalee/")
    assert page.locator("#contacts").inner_text() == "9"
    assert page.locator("h1").inner_text() == "Azalée"
    page.screenshot(path=str(shots / "web-overview.png"), full_page=True)
    page.click("#logout")
    page.wait_for_url(f"{server}/login?w=azalee")
    page.goto(f"{server}/w/azalee/contracts")
    assert "/login" in page.url


def test_an_import_with_a_bad_row_shows_the_row_and_stores_nothing(page, server: str, shots: Path) -> None:  # type: ignore[no-untyped-def]
    log_in(page, server, "anna")
    page.wait_for_url(f"{server}/w/azalee/")
    page.goto(f"{server}/w/azalee/imports")
    rows = [
        call(80, site="internal"),
        call(81, site="internal").replace("voice_in", "fax"),
        call(82, site="internal"),
    ]
    body = (HEADER + "\n" + "\n".join(rows) + "\n").encode()
    page.set_input_files(
        "#import-form input[name=file]",
        files=[{"name": "appels-mai.csv", "mimeType": "text/csv", "buffer": body}],
    )
    page.click("#import-submit")
    errors = page.locator("#row-errors tbody tr")
    errors.first.wait_for()
    assert errors.count() == 1
    assert errors.first.locator("td").nth(0).inner_text() == "3"
    assert errors.first.locator("td").nth(1).inner_text() == "channel"
    assert "fax" in errors.first.inner_text()
    assert "appels-mai.csv refused, nothing was stored." in page.locator("#result").inner_text()
    assert page.locator("#import-form progress").get_attribute("value") == "100"
    page.screenshot(path=str(shots / "web-import-errors.png"), full_page=True)
    page.goto(f"{server}/w/azalee/")
    assert page.locator("#contacts").inner_text() == "9"


def test_the_staffing_calculator_answers_in_the_page(page, server: str, shots: Path) -> None:  # type: ignore[no-untyped-def]
    log_in(page, server, "mada")
    page.wait_for_url(f"{server}/w/azalee/")
    page.goto(f"{server}/w/azalee/staffing")
    for name, value in [
        ("volume", "100"),
        ("interval", "1800"),
        ("aht", "180"),
        ("sl", "0.8"),
        ("threshold", "20"),
    ]:
        page.fill(f"#f-{name}", value)
    page.click("#staffing-submit")
    page.locator("#agents").wait_for()
    assert page.locator("#agents").inner_text() == "14"
    assert page.locator("#service-level").inner_text() == "88.8 %"
    page.screenshot(path=str(shots / "web-staffing.png"), full_page=True)
    page.fill("#f-volume", "-5")
    page.click("#staffing-submit")
    assert "--volume" in page.locator("#staffing-result [role=alert]").inner_text()


def test_a_provider_cannot_see_another_providers_contract(page, server: str, shots: Path) -> None:  # type: ignore[no-untyped-def]
    log_in(page, server, "mada")
    page.wait_for_url(f"{server}/w/azalee/")
    page.goto(f"{server}/w/azalee/contracts")
    listed = page.locator("#contracts tbody tr")
    assert listed.count() == 1 and "callmada-2026" in listed.first.inner_text()
    assert "atlas" not in page.content().lower()
    answer = page.goto(f"{server}/w/azalee/contracts/atlas-2026")
    assert answer is not None and answer.status == 404
    assert "Atlas" not in page.content()
    page.goto(f"{server}/w/azalee/portal")
    assert page.locator("section.contract").count() == 1
    page.screenshot(path=str(shots / "web-portal.png"), full_page=True)
    answer = page.goto(f"{server}/w/azalee/audit")
    assert answer is not None and answer.status == 403


def test_the_client_reads_a_contract_and_its_versions(page, server: str, shots: Path) -> None:  # type: ignore[no-untyped-def]
    log_in(page, server, "alice")
    page.wait_for_url(f"{server}/w/azalee/")
    page.goto(f"{server}/w/azalee/contracts/callmada-2026")
    assert "Service client voix et e-mail — Call Mada" in page.locator("h1").inner_text()
    assert "created from callmada.yaml" in page.locator("table.diff").first.inner_text()
    page.screenshot(path=str(shots / "web-contract.png"), full_page=True)
    page.goto(f"{server}/w/azalee/audit")
    assert page.locator("#audit tbody tr").count() >= 1
    page.screenshot(path=str(shots / "web-audit.png"))
