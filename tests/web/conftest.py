"""A workspace as the web app serves it: a store of two providers' sites, two contracts (Call Mada
on ``callmada:tana``, Atlas on ``atlas:casablanca``), and one account of each role — on SQLite and
on the PostgreSQL server of ./scripts/test."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from httpx2 import Response

from arbitre.services.accounts import add_user, create_token
from arbitre.services.audit import Actor
from arbitre.services.contracts import store_contract
from arbitre.services.imports import import_file
from arbitre.store.workspace import Workspace
from arbitre.web.app import create_app
from arbitre.web.settings import build_settings
from tests.helpers import write_csv

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "src" / "arbitre" / "examples" / "contracts" / "callmada-2026.yaml"
)
HEADER = "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned,talk_s,hold_s,wrap_s,customer_id,agent_id"
PASSWORD = "correct horse battery"  # the tests' accounts all share it
ADMIN = Actor("test", "cli")
USERS = {"alice": "admin", "anna": "analyst", "odile": "auditor", "mada": "provider", "atlas": "provider"}


def call(
    i: int, *, site: str, day: int = 6, wait_s: int = 10, abandoned: bool = False, month: int = 4
) -> str:
    """One call of April 2026 at 09:MM (Paris, +02:00), answered after ``wait_s`` unless abandoned."""
    arrived = f"2026-{month:02d}-{day:02d}T09:{i % 60:02d}:00+02:00"
    answered = "" if abandoned else f"2026-{month:02d}-{day:02d}T09:{i % 60:02d}:{wait_s:02d}+02:00"
    ended = f"2026-{month:02d}-{day:02d}T09:{i % 60:02d}:50+02:00"
    talk = "" if abandoned else "30"
    return f"{site}-{i},sav-voice-fr,voice_in,{site},{arrived},{answered},{ended},{str(abandoned).lower()},{talk},0,5,C{i},AG-{i % 3}"


def atlas_contract(text: str) -> str:
    return (
        text.replace("id: callmada-2026", "id: atlas-2026")
        .replace("name: Call Mada", "name: Atlas")
        .replace('sites: ["callmada:tana"]', 'sites: ["atlas:casablanca"]')
        .replace("offer: callmada-tana", "offer: atlas-casablanca")
        .replace('title: "Service client voix et e-mail — Call Mada"', 'title: "Service client — Atlas"')
    )


@dataclass
class Site:
    """The served workspace and what the tests need to know about it."""

    ws: Workspace
    root: Path
    users: dict[str, str] = field(default_factory=dict)  # username → role
    tmp: Path = Path()

    def token(self, username: str) -> str:
        secret, _ = create_token(self.ws, username, name="test", actor=ADMIN)
        return secret

    def bearer(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}


def build_site(root: Path, tmp: Path, *, database_url: str | None = None, name: str = "Azalée") -> Site:
    ws = Workspace.init(root, name=name, database_url=database_url)
    # Call Mada: 4 calls answered within 10 s, 1 after 40 s, 1 abandoned; Atlas: 3 calls, 1 abandoned.
    rows = [call(i, site="callmada:tana") for i in range(1, 5)]
    rows += [call(5, site="callmada:tana", wait_s=40), call(6, site="callmada:tana", abandoned=True)]
    rows += [call(i, site="atlas:casablanca") for i in range(1, 3)] + [
        call(3, site="atlas:casablanca", abandoned=True)
    ]
    import_file(ws, write_csv(tmp / "calls-2026-04.csv", HEADER, rows), who="setup")
    text = EXAMPLE.read_text(encoding="utf-8")
    (tmp / "callmada.yaml").write_text(text, encoding="utf-8")
    (tmp / "atlas.yaml").write_text(atlas_contract(text), encoding="utf-8")
    store_contract(ws, tmp / "callmada.yaml", who="setup")
    store_contract(ws, tmp / "atlas.yaml", who="setup")
    site = Site(ws=ws, root=root, tmp=tmp)
    for username, role in USERS.items():
        add_user(
            ws,
            username=username,
            role=role,
            actor=ADMIN,
            provider={"mada": "Call Mada", "atlas": "Atlas"}.get(username),
            sites={"mada": ["callmada:tana"], "atlas": ["atlas:casablanca"]}.get(username, []),
            password=PASSWORD,
            lang="en",
        )
        site.users[username] = role
    return site


# Building the site takes about two seconds (a workspace, an import, two contracts, five argon2
# hashes): it is built once per test run and copied for each test — the folder for SQLite, the
# database too (CREATE DATABASE … TEMPLATE) for PostgreSQL.


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web-template")
    built = build_site(folder / "azalee", folder)
    built.ws.close()
    return folder


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    base = os.environ.get("ARBITRE_TEST_PG_URL")
    if not base:
        pytest.skip("no PostgreSQL server (./scripts/test starts one)")
    name = "web_tpl_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    folder = tmp_path_factory.mktemp("web-pg-template")
    built = build_site(folder / "azalee", folder, database_url=base.rsplit("/", 1)[0] + "/" + name)
    built.ws.close()  # no connection may stay open on a template database
    yield folder, name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def clone(template: Path, tmp: Path, *, database_url: str | None = None) -> Site:
    """A copy of the template site in ``tmp`` (on ``database_url`` when given)."""
    for item in template.iterdir():
        target = tmp / item.name
        if item.is_dir():
            shutil.copytree(item, target)
        else:
            shutil.copyfile(item, target)
    root = tmp / "azalee"
    if database_url is not None:
        point_at(root, database_url)
    site = Site(ws=Workspace.open(root), root=root, tmp=tmp)
    site.users = dict(USERS)
    return site


@pytest.fixture(params=["sqlite", "postgres"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    if request.param == "sqlite":
        built = clone(request.getfixturevalue("sqlite_template"), tmp_path)
        yield built
        built.ws.close()
        return
    folder, template = request.getfixturevalue("pg_template")
    with database_from(template) as url:
        built = clone(folder, tmp_path, database_url=url)
        yield built
        built.ws.close()


@contextmanager
def database_from(template: str) -> Iterator[str]:
    """A copy of the PostgreSQL database ``template`` (CREATE DATABASE … TEMPLATE), its URL while
    the block runs, dropped after."""
    base = os.environ["ARBITRE_TEST_PG_URL"]
    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def point_at(root: Path, database_url: str) -> None:
    """The workspace ``root``'s settings pointed at ``database_url``."""
    settings = root / "arbitre.yaml"
    text = re.sub(
        r"(?m)^database_url: .*$", f"database_url: {database_url}", settings.read_text(encoding="utf-8")
    )
    settings.write_text(text, encoding="utf-8")


@pytest.fixture
def sqlite_site(sqlite_template: Path, tmp_path: Path) -> Iterator[Site]:
    built = clone(sqlite_template, tmp_path)
    yield built
    built.ws.close()


def make_client(site: Site, **options: object) -> TestClient:
    settings = build_settings([site.root], env={}, **options)
    return TestClient(create_app(settings), base_url="http://testserver", follow_redirects=False)


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    with make_client(site) as c:
        yield c


@pytest.fixture
def sqlite_client(sqlite_site: Site) -> Iterator[TestClient]:
    with make_client(sqlite_site) as c:
        yield c


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def post_login(
    client: TestClient, username: str, *, password: str = PASSWORD, workspace: str = "azalee", next: str = ""
) -> Response:
    """Fill and send the login form as a browser does (its CSRF cookie and field included)."""
    page = client.get(f"/login?w={workspace}")
    token = CSRF.search(page.text)
    assert token is not None
    fields = {
        "workspace": workspace,
        "username": username,
        "password": password,
        "csrf_token": token.group(1),
    }
    return client.post("/login", data={**fields, "next": next})


def login(client: TestClient, username: str, *, password: str = PASSWORD, workspace: str = "azalee") -> str:
    """Log ``username`` in through the login form; returns the session's CSRF token."""
    answer = post_login(client, username, password=password, workspace=workspace)
    assert answer.status_code == 303, answer.text
    home = client.get(f"/w/{workspace}/")
    assert home.status_code == 200, home.text
    found = CSRF.search(home.text)
    assert found is not None
    return found.group(1)
