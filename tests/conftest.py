"""Shared fixtures: workspaces on real SQLite and, when the test script started one, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from arbitre.store.workspace import Workspace
from tests.demo.conftest import SMALL, BuiltDemo, build

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def pytest_collection_modifyitems() -> None:
    if os.environ.get("ARBITRE_TEST_PG_URL") or not os.environ.get("ARBITRE_REQUIRE_PG"):
        return
    raise pytest.UsageError(
        "ARBITRE_REQUIRE_PG is set but no PostgreSQL server: run the suite with ./scripts/test"
    )


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> BuiltDemo:
    """The demo at scale 0.05, shared by the demo's tests and the web app's browser tests (each
    builds nothing of its own; a test that changes it works on a copy)."""
    return build(tmp_path_factory.mktemp("demo") / "ws", scale=SMALL)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A fresh workspace on SQLite."""
    ws = Workspace.init(tmp_path / "ws", name="Test")
    yield ws
    ws.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the server scripts/test started."""
    base = os.environ.get("ARBITRE_TEST_PG_URL")
    if not base:
        pytest.skip("no PostgreSQL server (./scripts/test starts one)")
    import sqlalchemy as sa

    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    """A fresh workspace on each database the product supports."""
    url = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    ws = Workspace.init(tmp_path / "ws", name="Test", database_url=url)
    yield ws
    ws.close()
