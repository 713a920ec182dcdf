"""Logging in: argon2 hashes, keyed session ids, cookie flags, CSRF on every form, the rate limit,
sessions that end, disabled accounts, no open redirect."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from arbitre.errors import InputError
from arbitre.services.accounts import (
    SESSION_IDLE,
    SESSION_LIFETIME,
    add_user,
    authenticate,
    disable_user,
    get_user,
    live_session,
    open_session,
    token_account,
)
from arbitre.services.audit import Actor, entries
from arbitre.store.workspace import Workspace
from arbitre.web.app import SETTINGS_ENV, app_from_environment, login_key
from arbitre.web.security import LOGIN_CSRF_COOKIE, LoginLimiter, sign, unsign
from arbitre.web.settings import build_settings
from arbitre.web.tenancy import Tenants
from tests.web.conftest import CSRF, PASSWORD, Site, login, make_client, post_login

ADMIN = Actor("test", "cli")


def test_passwords_are_stored_as_argon2id_hashes_and_session_ids_as_keyed_hashes(site: Site) -> None:
    opened = open_session(site.ws, get_user(site.ws, "alice"))
    with site.ws.engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT password_hash FROM users WHERE username = 'alice'")
        ).scalar_one()
        ids = list(conn.execute(sa.text("SELECT id_hash FROM web_sessions")).scalars())
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert opened.session_id not in ids and len(ids) == 1 and len(ids[0]) == 64
    assert live_session(site.ws, opened.session_id) is not None
    assert authenticate(site.ws, "alice", PASSWORD) is not None
    assert authenticate(site.ws, "alice", PASSWORD + "x") is None
    assert authenticate(site.ws, "nobody", PASSWORD) is None


@pytest.mark.parametrize(
    "username",
    ["", "a", "Robert'); DROP TABLE users;--", "../etc", "é" * 5, "x" * 65, "<script>", "admin user"],
)
def test_a_hostile_user_name_is_refused_cleanly(sqlite_site: Site, username: str) -> None:
    with pytest.raises(InputError):
        add_user(sqlite_site.ws, username=username, role="analyst", actor=ADMIN, password=PASSWORD)


def test_a_provider_account_needs_its_sites_and_a_client_account_has_none(sqlite_site: Site) -> None:
    with pytest.raises(InputError, match="sites"):
        add_user(sqlite_site.ws, username="p1", role="provider", actor=ADMIN, password=PASSWORD)
    with pytest.raises(InputError, match="only a provider"):
        add_user(sqlite_site.ws, username="p2", role="analyst", sites=["x:y"], actor=ADMIN, password=PASSWORD)
    with pytest.raises(InputError, match="site"):
        add_user(
            sqlite_site.ws,
            username="p3",
            role="provider",
            sites=["x' OR 1=1"],
            actor=ADMIN,
            password=PASSWORD,
        )
    with pytest.raises(InputError, match="12"):
        add_user(sqlite_site.ws, username="p4", role="analyst", actor=ADMIN, password="short")


def test_a_session_ends_after_its_lifetime_or_when_idle(sqlite_site: Site) -> None:
    start = datetime(2026, 7, 6, 9, 0, tzinfo=UTC)
    alice = get_user(sqlite_site.ws, "alice")
    busy = open_session(sqlite_site.ws, alice, now=start)
    now = start
    while now < start + SESSION_LIFETIME - timedelta(minutes=30):
        now += timedelta(minutes=30)
        assert live_session(sqlite_site.ws, busy.session_id, now=now) is not None
    assert live_session(sqlite_site.ws, busy.session_id, now=start + SESSION_LIFETIME) is None
    idle = open_session(sqlite_site.ws, alice, now=start)
    assert (
        live_session(sqlite_site.ws, idle.session_id, now=start + SESSION_IDLE - timedelta(seconds=1))
        is not None
    )
    assert live_session(sqlite_site.ws, idle.session_id, now=start + 2 * SESSION_IDLE) is None


def test_disabling_a_user_ends_its_sessions_and_tokens_at_once(
    sqlite_site: Site, sqlite_client: TestClient
) -> None:
    token = sqlite_site.token("anna")
    login(sqlite_client, "anna")
    disable_user(sqlite_site.ws, "anna", actor=ADMIN)
    assert sqlite_client.get("/w/azalee/").status_code == 303
    assert token_account(sqlite_site.ws, token) is None
    assert authenticate(sqlite_site.ws, "anna", PASSWORD) is None


def test_the_session_cookie_is_httponly_samesite_scoped_to_its_workspace_and_signed(
    sqlite_client: TestClient,
) -> None:
    answer = post_login(sqlite_client, "alice")
    cookie = next(
        v for k, v in answer.headers.multi_items() if k == "set-cookie" and v.startswith("arbitre_session=")
    )
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age"} <= flags and "secure" not in flags
    assert "Path=/w/azalee" in cookie and "SameSite=lax" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    assert unsign(b"another key", value) is None
    tampered = value[:-1] + ("0" if value[-1] != "0" else "1")
    assert (
        sqlite_client.get("/w/azalee/", headers={"Cookie": f"arbitre_session={tampered}"}).status_code == 303
    )


def test_cookies_are_secure_when_served_over_tls(sqlite_site: Site) -> None:
    with TestClient(
        make_client(sqlite_site).app, base_url="https://testserver", follow_redirects=False
    ) as client:
        assert "Secure" in client.get("/login?w=azalee").headers["set-cookie"]
        answer = post_login(client, "alice")
        assert answer.status_code == 303
        assert "Secure" in answer.headers["set-cookie"]
        assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_every_form_needs_the_sessions_csrf_token(sqlite_client: TestClient) -> None:
    csrf = login(sqlite_client, "alice")
    form = {"volume": "100", "interval": "1800", "aht": "180", "sl": "0.8", "threshold": "20"}
    assert sqlite_client.post("/w/azalee/staffing", data=form).status_code == 403
    assert sqlite_client.post("/w/azalee/staffing", data={**form, "csrf_token": "forged"}).status_code == 403
    assert sqlite_client.post("/w/azalee/staffing", data={**form, "csrf_token": csrf}).status_code == 200
    assert (
        sqlite_client.post("/w/azalee/staffing", data=form, headers={"X-CSRF-Token": csrf}).status_code == 200
    )
    other_site = {"Origin": "https://evil.example", "X-CSRF-Token": csrf}
    assert sqlite_client.post("/w/azalee/staffing", data=form, headers=other_site).status_code == 403
    assert sqlite_client.post("/w/azalee/users", data={"username": "x1", "role": "admin"}).status_code == 403
    assert sqlite_client.post("/w/azalee/logout").status_code == 403


def test_the_login_form_needs_its_own_token(sqlite_client: TestClient) -> None:
    answer = sqlite_client.post(
        "/login", data={"workspace": "azalee", "username": "alice", "password": PASSWORD}
    )
    assert answer.status_code == 403
    assert "arbitre_session" not in answer.headers.get("set-cookie", "")


def test_failed_logins_are_slowed_down_then_refused_with_429(sqlite_site: Site) -> None:
    with make_client(sqlite_site, login_attempts=3) as client:
        for _ in range(3):
            assert post_login(client, "alice", password="wrong password!").status_code == 401
        refused = post_login(client, "alice")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        api = client.post("/api/w/azalee/token", data={"username": "alice", "password": PASSWORD})
        assert api.status_code == 429
    failures = list(entries(sqlite_site.ws, action="login_failed"))
    assert len(failures) == 3 and all(e.actor == "alice" for e in failures)


def test_the_limiter_forgets_failures_once_the_window_has_passed(site: Site) -> None:
    clock = [1_000.0]
    limiter = LoginLimiter(site.ws.engine, attempts=2, window_s=60, clock=lambda: clock[0])
    limiter.failed("ws", "bob", "1.2.3.4")
    limiter.failed("ws", "bob", "1.2.3.4")
    assert limiter.retry_after("ws", "bob", "1.2.3.4") == 60
    assert limiter.retry_after("ws", "carol", "1.2.3.4") is None  # another account from there
    clock[0] = 1_059.5
    assert limiter.retry_after("ws", "bob", "1.2.3.4") == 1
    clock[0] = 1_060.0
    assert limiter.retry_after("ws", "bob", "1.2.3.4") is None
    limiter.failed("ws", "bob", "1.2.3.4")  # a new failure clears the ones out of the window
    with site.ws.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM login_failures")).scalar_one() == 2


def test_failures_counted_by_another_server_process_refuse_the_next_login(site: Site) -> None:
    # Another worker of the same server (a separate Python process on the same workspace) sees
    # three wrong passwords for alice; this process's app then refuses her next attempt.
    script = (
        "import sys\n"
        "from arbitre.store.workspace import Workspace\n"
        "from arbitre.web.security import LoginLimiter\n"
        "ws = Workspace.open(sys.argv[1])\n"
        "limiter = LoginLimiter(ws.engine, attempts=3, window_s=900)\n"
        "for _ in range(3):\n"
        "    limiter.failed('azalee', 'Alice', 'testclient')\n"
        "ws.close()\n"
    )
    subprocess.run([sys.executable, "-c", script, str(site.root)], check=True, timeout=120)
    with make_client(site, login_attempts=3) as client:
        refused = post_login(client, "alice")
        assert refused.status_code == 429 and 0 < int(refused.headers["retry-after"]) <= 900
        assert post_login(client, "anna").status_code == 303  # another account from there logs in


def test_the_limiter_keeps_digests_never_the_names_or_addresses_typed(site: Site) -> None:
    limiter = LoginLimiter(site.ws.engine, attempts=2, window_s=60)
    hostile = "x'); DROP TABLE users; --\u202e\x00" + "é" * 500
    limiter.failed("azalee", hostile, "10.0.0.9")
    limiter.failed("azalee", hostile, "10.0.0.9")
    assert limiter.retry_after("azalee", hostile, "10.0.0.9") is not None
    assert limiter.retry_after("azalee", hostile[:-1], "10.0.0.9") is None
    with site.ws.engine.connect() as conn:
        keys = list(conn.execute(sa.text("SELECT key FROM login_failures")).scalars())
        assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar_one() > 0
    assert len(keys) == 4 and all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/w/azalee/", "/w/other/", "/w/azalee/\\\\evil"]
)
def test_login_never_redirects_off_the_workspace(sqlite_client: TestClient, target: str) -> None:
    answer = post_login(sqlite_client, "alice", next=target)
    assert answer.headers["location"] == "/w/azalee/"


def test_logging_out_ends_the_session_on_the_server(sqlite_client: TestClient) -> None:
    csrf = login(sqlite_client, "alice")
    cookie = sqlite_client.cookies.get("arbitre_session")
    assert sqlite_client.post("/w/azalee/logout", data={"csrf_token": csrf}).status_code == 303
    assert sqlite_client.get("/w/azalee/", headers={"Cookie": f"arbitre_session={cookie}"}).status_code == 303


def test_a_signed_value_round_trips_and_a_forged_one_does_not() -> None:
    assert unsign(b"k", sign(b"k", "abc")) == "abc"
    assert unsign(b"k", sign(b"j", "abc")) is None
    assert unsign(b"k", "abc") is None and unsign(b"k", None) is None


def test_the_pages_carry_the_security_headers(sqlite_client: TestClient) -> None:
    page = sqlite_client.get("/login")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)  # nothing loaded from elsewhere
    assert 'src="/static/htmx.min.js"' in page.text
    assert sqlite_client.get("/static/htmx.min.js").status_code == 200


def test_a_login_form_drawn_by_one_server_process_is_accepted_by_another(site: Site, tmp_path: Path) -> None:
    # Two apps on the same workspace, as two workers of `arbitre serve --workers 2`: the browser's
    # form comes from the first, its post reaches the second.
    fields = {"workspace": "azalee", "username": "alice", "password": PASSWORD}
    with make_client(site) as first, make_client(site) as second, make_client(site) as third:
        form = first.get("/login?w=azalee")
        token = CSRF.search(form.text)
        cookie = first.cookies.get(LOGIN_CSRF_COOKIE)
        assert token is not None and cookie is not None
        second.cookies.set(LOGIN_CSRF_COOKIE, cookie, path="/login")
        answer = second.post("/login", data={**fields, "csrf_token": token.group(1)})
        assert answer.status_code == 303, answer.text[:300]
        third.cookies.set(LOGIN_CSRF_COOKIE, cookie, path="/login")
        forged = third.post("/login", data={**fields, "csrf_token": token.group(1)[:-2] + "xx"})
        assert forged.status_code == 403 and "arbitre_session" not in forged.cookies
    # The key is the workspace's own: a server of another workspace does not take the form.
    other = Workspace.init(tmp_path / "other", name="Other")
    other.close()
    served, again, elsewhere = Tenants([site.root]), Tenants([site.root]), Tenants([tmp_path / "other"])
    try:
        assert login_key(served) == login_key(again) != login_key(elsewhere)
    finally:
        for tenants in (served, again, elsewhere):
            tenants.close()


def test_each_worker_builds_its_app_from_the_settings_handed_over(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = build_settings([site.root], env={}, workers=2, login_attempts=7, warm=False)
    monkeypatch.setenv(SETTINGS_ENV, settings.model_dump_json())
    app = app_from_environment()
    assert app.state.settings == settings
    with TestClient(app) as client:
        assert client.get("/api/health").status_code == 200
    with pytest.raises(InputError, match="ARBITRE_WEB_WORKERS"):
        build_settings([site.root], env={"ARBITRE_WEB_WORKERS": "0"})
