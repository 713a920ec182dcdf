"""`arbitre key rotate`: the store re-pseudonymised atomically, the same people still the same."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import duckdb
import pytest

from arbitre.errors import WorkspaceError
from arbitre.ingest.privacy import pseudonym
from arbitre.services import keys as key_service
from arbitre.services.imports import import_file
from arbitre.store.interactions import InteractionStore
from arbitre.store.workspace import KEY_FILE, NEXT_KEY_FILE, Workspace
from tests.hardening.conftest import arbitre
from tests.helpers import write_csv

HEADER = "contact_id,flow,channel,site,arrived_at,abandoned,customer_id,agent_id"
ROWS = [
    "0612345678,sav,voice_in,internal,2026-01-05T09:00:00+01:00,false,C1,A1",
    "2,sav,voice_in,internal,2026-01-06T09:00:00+01:00,false,C1,A2",
    "3,sav,voice_in,internal,2026-02-06T09:00:00+01:00,false,C2,A1",
]


def _ids(ws: Workspace) -> list[tuple[object, ...]]:
    sql = f"SELECT contact_id, customer_id, agent_id, customer_key, repeat_gap_s FROM {InteractionStore(ws).source_sql()} ORDER BY arrived_at"
    return duckdb.connect().sql(sql).fetchall()


def _snapshot(ws: Workspace) -> tuple[object, ...]:
    files = sorted(p.name for p in ws.interactions_dir.rglob("*.parquet"))
    return (ws.root / KEY_FILE).read_text(), files


def test_rotation_moves_every_pseudonym_and_keeps_people_and_figures(
    workspace: Workspace, tmp_path: Path
) -> None:
    data = write_csv(tmp_path / "calls.csv", HEADER, ROWS)
    import_file(workspace, data)
    before = _ids(workspace)
    kpi_before = arbitre("kpi", str(workspace.root), "--by", "month", "--json").stdout
    old_key = workspace.keys[0]
    workspace.close()
    ran = arbitre("key", "rotate", str(workspace.root), "--json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["rows"] == 3
    ws = Workspace.open(workspace.root)
    after = _ids(ws)
    assert len(ws.keys) == 2 and ws.keys[0] == old_key
    for (c0, k0, a0, key0, gap0), (c1, k1, a1, key1, gap1) in zip(before, after, strict=True):
        assert k0 != k1 and a0 != a1 and key0 != key1 and gap0 == gap1
        assert (c0 == c1) == (not str(c0).startswith("p_"))
    assert after[0][1] == after[1][1] and after[0][2] == after[2][2]  # the same people, still
    assert after[0][1] == pseudonym("C1", key=ws.keys, column="customer_id")
    assert after[0][1] != pseudonym("C1", key=old_key, column="customer_id")  # the old key alone: no match
    assert arbitre("kpi", str(ws.root), "--by", "month", "--json").stdout == kpi_before
    assert import_file(ws, data).unchanged == 3  # later imports hash through the chain
    assert stat.S_IMODE((ws.root / KEY_FILE).stat().st_mode) == 0o600
    ws.close()


def test_a_rotation_interrupted_before_its_commit_leaves_the_old_store_and_key(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(workspace, write_csv(tmp_path / "calls.csv", HEADER, ROWS))
    before, ids = _snapshot(workspace), _ids(workspace)

    def crash(*_: object, **__: object) -> None:
        raise KeyboardInterrupt  # as a kill at the last moment before the database commit

    monkeypatch.setattr(InteractionStore, "commit", crash)
    with pytest.raises(KeyboardInterrupt):
        key_service.rotate_key(workspace)
    monkeypatch.undo()
    workspace.close()
    ws = Workspace.open(workspace.root)  # the next command cleans up
    assert _snapshot(ws) == before and _ids(ws) == ids
    assert not (ws.root / NEXT_KEY_FILE).exists() and not (ws.interactions_dir / ".staging").exists()
    ws.close()


def test_a_rotation_interrupted_after_its_commit_is_finished_by_the_next_command(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = write_csv(tmp_path / "calls.csv", HEADER, ROWS)
    import_file(workspace, data)
    monkeypatch.setattr(key_service, "finish_key_rotation", lambda _ws: False)  # killed after the commit
    with pytest.raises(WorkspaceError, match="the new key is not in place"):
        key_service.rotate_key(workspace)
    monkeypatch.undo()
    workspace.close()
    assert (workspace.root / NEXT_KEY_FILE).exists()
    ws = Workspace.open(workspace.root)
    assert not (ws.root / NEXT_KEY_FILE).exists() and len(ws.keys) == 2
    assert import_file(ws, data).unchanged == 3
    ws.close()
