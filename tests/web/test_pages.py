"""The pages in both languages, the catalogue complete, each role's menu, errors as pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from arbitre.services.accounts import set_lang
from arbitre.web.i18n import CATALOGUE, translate
from tests.web.conftest import Site, login

WEB = Path(__file__).resolve().parents[2] / "src" / "arbitre" / "web"


def test_every_word_the_pages_use_is_in_the_catalogue_in_french_and_english() -> None:
    used: set[str] = set()
    prefixes: set[str] = set()
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_0-9]+)["']""", text))
        used |= set(re.findall(r'"((?:login|users)\.[a-z_]+)"', text))
        prefixes |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.)["']\s*~""", text))
    assert used and not used - set(CATALOGUE)
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in CATALOGUE), prefix
    for key, (fr, en) in CATALOGUE.items():
        assert fr.strip() and en.strip(), key
        assert set(re.findall(r"\{(\w+)\}", fr)) == set(re.findall(r"\{(\w+)\}", en)), key


PAGES = [
    "/",
    "/imports",
    "/staffing",
    "/contracts",
    "/contracts/callmada-2026",
    "/contracts/callmada-2026/versions/1",
    "/users",
    "/audit",
]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_of_the_admin_renders_in_each_language(
    sqlite_site: Site, sqlite_client: TestClient, lang: str
) -> None:
    set_lang(sqlite_site.ws, 1, lang)  # alice, the first user
    login(sqlite_client, "alice")
    for page in PAGES:
        answer = sqlite_client.get("/w/azalee" + page)
        assert answer.status_code == 200, (page, answer.text[:300])
        assert f'<html lang="{lang}">' in answer.text
        assert translate(lang, "nav.contracts") in answer.text


@pytest.mark.parametrize(
    ("user", "shown", "hidden"),
    [
        ("alice", {"nav.imports", "nav.users", "nav.audit"}, {"nav.portal"}),
        ("anna", {"nav.imports"}, {"nav.users", "nav.audit", "nav.portal"}),
        ("odile", {"nav.imports", "nav.audit"}, {"nav.users", "nav.portal"}),
        ("mada", {"nav.portal"}, {"nav.imports", "nav.users", "nav.audit"}),
    ],
)
def test_each_role_sees_its_own_menu(
    sqlite_client: TestClient, user: str, shown: set[str], hidden: set[str]
) -> None:
    login(sqlite_client, user)
    page = sqlite_client.get("/w/azalee/").text
    for key in shown:
        assert f">{translate('en', key)}</a>" in page, key
    for key in hidden:
        assert f">{translate('en', key)}</a>" not in page, key


def test_switching_the_language_is_kept_for_the_user(sqlite_client: TestClient) -> None:
    csrf = login(sqlite_client, "anna")
    answer = sqlite_client.post(
        "/w/azalee/lang", data={"csrf_token": csrf, "lang": "fr", "back": "/w/azalee/staffing"}
    )
    assert answer.headers["location"] == "/w/azalee/staffing"
    assert translate("fr", "staffing.title") in sqlite_client.get("/w/azalee/staffing").text


def test_the_login_page_follows_the_browser_then_the_choice(sqlite_client: TestClient) -> None:
    assert (
        translate("en", "login.submit")
        in sqlite_client.get("/login", headers={"Accept-Language": "en-GB"}).text
    )
    assert (
        translate("fr", "login.submit")
        in sqlite_client.get("/login", headers={"Accept-Language": "fr-FR"}).text
    )
    assert translate("en", "login.submit") in sqlite_client.get("/login?lang=en").text


def test_the_overview_counts_what_the_store_holds(client: TestClient) -> None:
    login(client, "alice")
    page = client.get("/w/azalee/").text
    assert '<span class="figure" id="contacts">9</span>' in page
    assert "atlas:casablanca" in page and "calls-2026-04.csv" in page
    client.cookies.clear()
    login(client, "mada")
    page = client.get("/w/azalee/").text
    assert '<span class="figure" id="contacts">6</span>' in page and "atlas" not in page


def test_a_hostile_value_is_shown_escaped_never_run(sqlite_client: TestClient) -> None:
    csrf = login(sqlite_client, "alice")
    answer = sqlite_client.post(
        "/w/azalee/users",
        data={
            "csrf_token": csrf,
            "username": "evil1",
            "role": "provider",
            "provider": "<script>alert(1)</script>",
            "sites": "x:y",
        },
    )
    assert answer.status_code == 200
    assert (
        "<script>alert(1)</script>" not in answer.text
        and "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
    )


def test_a_new_user_gets_a_password_shown_once(sqlite_site: Site, sqlite_client: TestClient) -> None:
    from arbitre.services.accounts import authenticate

    csrf = login(sqlite_client, "alice")
    answer = sqlite_client.post(
        "/w/azalee/users",
        data={"csrf_token": csrf, "username": "zoe", "role": "auditor", "display_name": "Zoé"},
    )
    password = re.search(r'<code id="new-password">([^<]+)</code>', answer.text)
    assert password is not None and len(password.group(1)) >= 20
    assert authenticate(sqlite_site.ws, "zoe", password.group(1)) is not None
    assert password.group(1) not in sqlite_client.get("/w/azalee/users").text


def test_an_unknown_page_is_a_404_page_not_a_traceback(sqlite_client: TestClient) -> None:
    login(sqlite_client, "alice")
    answer = sqlite_client.get("/w/azalee/contracts/nope")
    assert answer.status_code == 404 and "<h1>404" in answer.text and "Traceback" not in answer.text
