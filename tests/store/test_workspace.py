"""Workspaces: created, reopened, migrated, on SQLite and PostgreSQL."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from arbitre.domain.settings import WorkspaceSettings
from arbitre.errors import InputError, WorkspaceError
from arbitre.store import appdb
from arbitre.store.workspace import KEY_FILE, Workspace


def test_init_creates_settings_database_store_and_a_private_key(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "acme", name="Acme")
    assert (ws.root / "arbitre.yaml").read_text(encoding="utf-8").count("timezone: Europe/Paris") == 1
    assert (ws.root / "interactions").is_dir()
    assert appdb.current_revision(ws.engine) == appdb.head_revision()
    mode = (ws.root / KEY_FILE).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600 and len(ws.key) == 32
    reopened = Workspace.open(ws.root)
    assert reopened.settings == ws.settings and reopened.key == ws.key


def test_a_folder_is_a_workspace_only_once(tmp_path: Path) -> None:
    Workspace.init(tmp_path / "w")
    with pytest.raises(WorkspaceError, match="already a workspace"):
        Workspace.init(tmp_path / "w")
    with pytest.raises(WorkspaceError, match="not a workspace"):
        Workspace.open(tmp_path / "elsewhere")


def test_settings_errors_name_the_line_of_the_file(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    path = ws.root / "arbitre.yaml"
    text = path.read_text(encoding="utf-8").replace("timezone: Europe/Paris", "timezone: Europe/Lutece")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        Workspace.open(ws.root)
    assert info.value.line == text.splitlines().index("timezone: Europe/Lutece") + 1
    assert "Europe/Lutece" in str(info.value)


def test_opening_hours_are_validated_in_settings() -> None:
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        WorkspaceSettings(name="x", opening_hours={"mon-fri": "8h-20h"})


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_the_migrations_build_exactly_the_models(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("pg_url") if dialect == "postgres" else f"sqlite:///{tmp_path / 'm.db'}"
    engine = appdb.make_engine(url)
    appdb.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), appdb.Base.metadata
        )
    engine.dispose()
    assert diff == []


def test_a_workspace_can_keep_its_app_database_in_postgresql(pg_url: str, tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w", database_url=pg_url)
    assert ws.engine.dialect.name == "postgresql"
    with ws.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    assert {"imports", "import_changes", "store_partitions", "alembic_version"} <= tables
    assert not (ws.root / "arbitre.db").exists()
    ws.close()


def test_a_failing_unit_of_work_rolls_back_and_the_next_one_commits(any_workspace: Workspace) -> None:
    ws = any_workspace
    with pytest.raises(RuntimeError, match="refused"):
        with appdb.session_scope(ws.engine) as session:
            session.add(appdb.ContractVersion(**_version("c-rolled-back")))
            session.flush()  # the row reached the database inside the transaction
            raise RuntimeError("refused")
    with appdb.session_scope(ws.engine) as session:
        session.add(appdb.ContractVersion(**_version("c-kept")))
    with appdb.session_scope(ws.engine) as session:
        kept = session.scalars(sa.select(appdb.ContractVersion.contract_id)).all()
        stored = session.get(appdb.ContractVersion, ("c-kept", 1))
    assert kept == ["c-kept"]
    assert stored is not None and stored.who == "test"  # readable after its session closed


def test_the_default_database_stays_where_the_workspace_was_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARBITRE_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    ws = Workspace.init(Path("w"), name="Relative")
    first = ws.engine
    monkeypatch.chdir(tmp_path / "w")  # the relative root now names another folder
    assert ws.engine is first
    assert ws.database_url == f"sqlite:///{(tmp_path / 'w' / 'arbitre.db').resolve()}"
    ws.close()


def _version(contract_id: str) -> dict[str, object]:
    return {
        "contract_id": contract_id,
        "version": 1,
        "created_at": datetime(2026, 12, 7, tzinfo=UTC),
        "who": "test",
        "source": "contract.yaml",
        "sha256": "0" * 64,
        "text": "{}",
        "changes": "[]",
    }
