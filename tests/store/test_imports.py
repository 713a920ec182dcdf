"""Imports: strict or skipping, idempotent, updates logged, pseudonymised, atomic under kill -9."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from arbitre.errors import RejectedRows
from arbitre.services.imports import import_file
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from tests.helpers import write_csv

HEADER = "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned,talk_s,hold_s,wrap_s,customer_id,agent_id,transcript"


def row(
    i: int, *, day: int = 5, month: int = 1, talk: int = 170, customer: str = "C1", transcript: str = ""
) -> str:
    stamp = f"2026-{month:02d}-{day:02d}T09:{i % 60:02d}:00+01:00"
    return f"{i},sav,voice_in,internal,{stamp},{stamp},{stamp},false,{talk},0,20,{customer},AG-{i % 3},{transcript}"


def snapshot(ws: Workspace) -> tuple[dict[str, str], list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every file of the store with its hash, the partitions and the import log."""
    files = {
        str(p.relative_to(ws.root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(ws.interactions_dir.rglob("*"))
        if p.is_file()
    }
    with ws.engine.connect() as conn:
        parts = list(
            conn.execute(sa.text("SELECT month, file, rows, import_id FROM store_partitions ORDER BY month"))
        )
        log = list(
            conn.execute(sa.text("SELECT id, inserted, updated, unchanged FROM imports ORDER BY started_at"))
        )
    return files, parts, log


def stored(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    con = connect(ws.settings.timezone)
    InteractionStore(ws).attach(con)
    return con.sql(sql).fetchall()


def test_reimporting_the_same_file_changes_nothing(any_workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", HEADER, [row(i) for i in range(1, 6)])
    first = import_file(any_workspace, path)
    files, parts, _ = snapshot(any_workspace)
    again = import_file(any_workspace, path)
    assert (first.inserted, again.inserted, again.updated, again.unchanged) == (5, 0, 0, 5)
    files2, parts2, log = snapshot(any_workspace)
    assert (files2, parts2) == (files, parts)
    assert [entry[1:] for entry in log] == [(5, 0, 0), (0, 0, 5)]


def test_a_changed_row_is_an_update_recorded_with_its_fields(
    any_workspace: Workspace, tmp_path: Path
) -> None:
    import_file(any_workspace, write_csv(tmp_path / "a.csv", HEADER, [row(1), row(2)]))
    summary = import_file(any_workspace, write_csv(tmp_path / "b.csv", HEADER, [row(1, talk=999), row(3)]))
    assert (summary.inserted, summary.updated, summary.unchanged) == (1, 1, 0)
    assert stored(any_workspace, "SELECT contact_id, talk_s FROM interactions ORDER BY contact_id") == [
        ("1", 999.0),
        ("2", 170.0),
        ("3", 170.0),
    ]
    with any_workspace.engine.connect() as conn:
        changes = list(conn.execute(sa.text("SELECT contact_id, site, month, fields FROM import_changes")))
        who, sha = conn.execute(
            sa.text("SELECT who, file_sha256 FROM imports ORDER BY started_at DESC")
        ).first()
    assert changes == [("1", "internal", "2026-01", "talk_s")]
    assert who and sha == hashlib.sha256((tmp_path / "b.csv").read_bytes()).hexdigest()


def test_an_update_that_moves_a_contact_to_another_month_leaves_no_copy(
    workspace: Workspace, tmp_path: Path
) -> None:
    import_file(workspace, write_csv(tmp_path / "a.csv", HEADER, [row(1, month=1), row(2, month=1)]))
    import_file(workspace, write_csv(tmp_path / "b.csv", HEADER, [row(1, month=2)]))
    assert stored(workspace, "SELECT contact_id, month(arrived_at) FROM interactions ORDER BY 1") == [
        ("1", 2),
        ("2", 1),
    ]
    assert sorted(InteractionStore(workspace).partitions()) == ["2026-01", "2026-02"]


def test_a_bad_file_is_refused_whole_and_the_workspace_is_unchanged(
    workspace: Workspace, tmp_path: Path
) -> None:
    import_file(workspace, write_csv(tmp_path / "a.csv", HEADER, [row(1)]))
    before = snapshot(workspace)
    bad = write_csv(tmp_path / "bad.csv", HEADER, [row(2), row(3).replace("voice_in", "fax"), row(4)])
    with pytest.raises(RejectedRows) as info:
        import_file(workspace, bad)
    assert [(e.line, e.column) for e in info.value.errors] == [(3, "channel")]
    assert snapshot(workspace) == before
    assert not (tmp_path / "bad.rejected.csv").exists()


def test_skip_invalid_keeps_good_rows_and_writes_the_rejected_ones_beside(
    workspace: Workspace, tmp_path: Path
) -> None:
    bad = write_csv(tmp_path / "bad.csv", HEADER, [row(2), row(3).replace("voice_in", "fax"), row(4)])
    summary = import_file(workspace, bad, skip_invalid=True)
    assert (summary.inserted, summary.rejected) == (2, 1)
    rejected = (tmp_path / "bad.rejected.csv").read_text(encoding="utf-8").splitlines()
    assert rejected[0].startswith('"_line","_errors","contact_id"')
    assert rejected[1].startswith('3,"channel: expected one of')
    assert ',"fax",' in rejected[1]


def test_ids_are_pseudonymised_with_the_workspace_key(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv", HEADER, [row(1, customer="CLIENT-884512"), row(2, customer="CLIENT-884512")]
    )
    one, two = Workspace.init(tmp_path / "one"), Workspace.init(tmp_path / "two")
    import_file(one, path)
    import_file(two, path)
    ids_one = stored(one, "SELECT DISTINCT customer_id FROM interactions")
    ids_two = stored(two, "SELECT DISTINCT customer_id FROM interactions")
    assert len(ids_one) == 1 and ids_one != ids_two  # same person, same pseudonym; other key, other one
    assert ids_one[0][0].startswith("c_") and "884512" not in ids_one[0][0]
    agents = stored(one, "SELECT DISTINCT agent_id FROM interactions")
    assert all(a[0].startswith("a_") for a in agents)


def test_personal_data_in_transcripts_is_redacted(workspace: Workspace, tmp_path: Path) -> None:
    text = '"Rappelez-moi au +33 6 12 34 56 78 ou écrivez à paul@exemple.fr, commande 884512"'
    import_file(workspace, write_csv(tmp_path / "a.csv", HEADER, [row(1, transcript=text)]))
    (transcript,) = stored(workspace, "SELECT transcript FROM interactions")[0]
    assert transcript == "Rappelez-moi au [PHONE] ou écrivez à [EMAIL], commande 884512"


def _big_file(path: Path, rows: int) -> Path:
    lines = [HEADER]
    for i in range(rows):
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        stamp = f"2026-{month:02d}-{day:02d}T{8 + i % 10:02d}:{i % 60:02d}:00+01:00"
        lines.append(
            f"{i},sav,voice_in,internal,{stamp},{stamp},{stamp},false,{i % 400},0,20,C{i % 5000},AG-{i % 40},"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_killed_import_leaves_the_workspace_exactly_as_before(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    import_file(
        ws, write_csv(tmp_path / "seed.csv", HEADER, [row(i, month=m) for i, m in ((1, 1), (2, 6), (3, 12))])
    )
    before = snapshot(ws)
    big = _big_file(tmp_path / "big.csv", 400_000)
    code = f"from arbitre.store.workspace import Workspace\nfrom arbitre.services.imports import import_file\nimport_file(Workspace.open({str(ws.root)!r}), {str(big)!r})\n"
    staging = ws.interactions_dir / ".staging"
    killed_while_staging = 0
    for delay in (None, 0.5, 1.0, 1.5, 2.0, 2.5):
        proc = subprocess.Popen([sys.executable, "-c", code], env={**os.environ})
        if delay is None:
            while not staging.exists() and proc.poll() is None:  # kill as soon as files are staged
                time.sleep(0.002)
        else:
            time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_while_staging += staging.exists()
        Workspace.open(ws.root).close()  # any next command
        after = snapshot(ws)
        if after != before:  # the kill came after the commit: then the import is whole
            assert sum(p[2] for p in after[1]) == 400_000  # contacts 1 to 3 were updated, not added
            assert [entry[1:] for entry in after[2]][-1] == (399_997, 3, 0)
            return
        assert after == before
    assert killed_while_staging >= 1


def test_the_stored_repeat_gaps_after_many_imports_are_those_of_one_import_of_the_last_rows(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Imports that add rows to stored months, update rows (moving some to another month or
    customer) and reach back into untouched months leave, row by row, the gaps a single import
    of every row's last version gives."""
    import random

    rng = random.Random(11)

    def contact(i: int, arrival: int, customer: str, flow: str) -> str:
        # Three months from 2026-01-01, to the minute; a few minutes apart make ties.
        day, minute = divmod(arrival, 24 * 60)
        month, day = divmod(day, 28)
        stamp = f"2026-{month + 1:02d}-{day + 1:02d}T{minute // 60:02d}:{minute % 60:02d}:00+01:00"
        return f"c{i},{flow},voice_in,internal,{stamp},{stamp},{stamp},false,100,0,20,{customer},AG-1,"

    month = 28 * 24 * 60
    latest: dict[int, str] = {}
    for batch in range(10):
        # Most batches reach one month only: the others stay untouched, their gaps may change.
        first, last = rng.choice([(0, 1), (1, 2), (2, 3), (0, 3), (1, 3)])
        rows: dict[int, str] = {}
        for _ in range(80):
            i = rng.randrange(300)  # about one row in three an update of a stored contact
            arrival = rng.choice(
                [rng.randrange(first * month, last * month), first * month + rng.randrange(9) * 60]
            )
            rows[i] = contact(i, arrival, f"K{rng.randrange(20)}", rng.choice(["sav", "vente"]))
        latest.update(rows)
        import_file(workspace, write_csv(tmp_path / f"batch{batch}.csv", HEADER, list(rows.values())))
    once = Workspace.init(tmp_path / "once", name="Once")
    try:
        import_file(once, write_csv(tmp_path / "all.csv", HEADER, list(latest.values())))
        query = "SELECT contact_id, repeat_gap_s FROM interactions ORDER BY contact_id"
        expected = stored(once, query)
    finally:
        once.close()
    assert stored(workspace, query) == expected
    assert sum(gap is not None for _, gap in expected) > 100  # repeats of every kind were met


def test_repeats_stay_right_when_a_later_import_brings_the_next_contact(
    workspace: Workspace, tmp_path: Path
) -> None:
    from arbitre.domain.kpis import KpiRules
    from arbitre.services.kpis import kpis

    def contact(i: str, stamp: str, customer: str) -> str:
        return f"{i},sav,voice_in,internal,{stamp},{stamp},{stamp},false,100,0,20,{customer},AG-1,"

    january = write_csv(
        tmp_path / "jan.csv",
        HEADER,
        [
            contact("j1", "2026-01-30T10:00:00+01:00", "K"),
            contact("j2", "2026-01-05T10:00:00+01:00", "L"),
            contact("j3", "2026-01-10T10:00:00+01:00", "M"),
            contact("j4", "2026-01-10T10:00:00+01:00", "M"),  # a tie: each repeats the other
        ],
    )
    february = write_csv(
        tmp_path / "feb.csv",
        HEADER,
        [
            contact("f1", "2026-02-02T09:00:00+01:00", "K"),  # K comes back within 7 days
            contact("f2", "2026-02-20T09:00:00+01:00", "L"),  # L after 46 days: beyond the stored gaps
        ],
    )
    import_file(workspace, january)
    import_file(workspace, february)
    gaps = dict(stored(workspace, "SELECT contact_id, repeat_gap_s FROM interactions"))
    assert gaps["j1"] == pytest.approx(3 * 86400 - 3600)  # January rewritten for February's contact
    assert gaps["j2"] is None and gaps["j3"] == 0.0 and gaps["j4"] == 0.0
    for rules in (KpiRules(), KpiRules(repeat_window_s=60 * 86400.0)):  # under and above the stored cap
        from_store = kpis([workspace.root], by=["month"], rules=rules)
        from_files = kpis([january, february], by=["month"], rules=rules)
        assert [r.repeat_rate_7d for r in from_store] == [r.repeat_rate_7d for r in from_files]
    assert [r.repeat_rate_7d for r in kpis([workspace.root], by=["month"])] == [pytest.approx(3 / 4), 0.0]
    # f1 was another customer after all: January is not reimported, but j1 is no longer a repeat.
    corrected = write_csv(tmp_path / "feb2.csv", HEADER, [contact("f1", "2026-02-02T09:00:00+01:00", "Z")])
    import_file(workspace, corrected)
    gaps = dict(stored(workspace, "SELECT contact_id, repeat_gap_s FROM interactions"))
    assert gaps["j1"] is None and gaps["j3"] == 0.0
