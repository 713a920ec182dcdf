"""Values in range and broken files (issue 17: "Lost data", "Accepted, then broken for good",
"Silent wrong results" of the import, and the file cases of "Tracebacks")."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arbitre.store.interactions import InteractionStore
from arbitre.store.workspace import DB_FILE, Workspace
from tests.hardening.conftest import GOOD, HEADER, arbitre
from tests.helpers import write_csv

ROW = "{id},sav,voice_in,internal,{at},,,true"


def _stored(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    return duckdb.connect().sql(sql.format(store=InteractionStore(ws).source_sql())).fetchall()


@pytest.mark.parametrize(
    "at",
    [
        "9999-01-05T09:00:00+01:00",
        "0001-01-05T09:00:00+01:00",
        "1969-12-31T23:59:59+00:00",
        "2100-01-01T00:00:00+00:00",
        "2026-01-05T09:00:00+25:00",
        "2026-01-05T09:00:00+14:30",
        "2026-01-05T09:00:00-15:00",
    ],
)
def test_a_time_outside_1970_2099_or_with_an_offset_that_does_not_exist_is_refused_with_its_line(
    workspace: Workspace, tmp_path: Path, at: str
) -> None:
    path = write_csv(tmp_path / "calls.csv", HEADER, [GOOD, ROW.format(id=2, at=at)])
    ran = arbitre("import", str(workspace.root), str(path), "--json")
    assert ran.returncode == 1 and ran.stdout == ""
    assert "calls.csv, line 3, column arrived_at: expected" in ran.stderr
    assert InteractionStore(workspace).rows() == 0


def test_a_value_over_its_size_limit_is_rejected_with_its_line(workspace: Workspace, tmp_path: Path) -> None:
    header = HEADER + ",transcript"
    rows = [
        GOOD + ",ok",
        GOOD.replace("1,sav", "2," + "x" * 1001) + ",ok",
        GOOD.replace("1,sav", "3,sav") + ",y",
    ]
    path = tmp_path / "calls.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with path.open("a", encoding="utf-8") as handle:  # a transcript of 17 MiB
        handle.write(GOOD.replace("1,sav", "4,sav") + "," + "z" * (17 << 20) + "\n")
    ran = arbitre("import", str(workspace.root), str(path), "--json")
    assert ran.returncode == 1 and ran.stdout == ""
    assert "calls.csv, line 3, column flow: expected at most 1,000 characters" in ran.stderr
    assert "calls.csv, line 5, column transcript: expected at most 16,777,216 bytes" in ran.stderr
    # kpi reads no transcript (issue 11): the flow is refused all the same.
    ran = arbitre("kpi", str(path), "--json")
    assert ran.returncode == 1 and ran.stdout == ""
    assert "calls.csv, line 3, column flow: expected at most 1,000 characters" in ran.stderr
    assert "transcript" not in ran.stderr


def test_the_commands_that_once_broke_for_good_still_run_after_the_refusal(
    workspace: Workspace, tmp_path: Path
) -> None:
    good = write_csv(tmp_path / "good.csv", HEADER, [GOOD])
    bad = write_csv(tmp_path / "bad.csv", HEADER, [ROW.format(id=9, at="9999-01-05T09:00:00+01:00")])
    assert arbitre("import", str(workspace.root), str(good)).returncode == 0
    assert arbitre("import", str(workspace.root), str(bad), "--skip-invalid").returncode == 0
    assert _stored(workspace, "SELECT count(*), max(arrived_at) < TIMESTAMPTZ '2100-01-01' FROM {store}") == [
        (1, True)
    ]
    ran = arbitre("map", str(workspace.root), "--json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["flows"][0]["flow"] == "sav"


def test_json_lines_ids_beyond_2_63_are_kept_as_written_and_stay_two_contacts(
    workspace: Workspace, tmp_path: Path
) -> None:
    base = {"flow": "sav", "channel": "voice_in", "site": "internal", "abandoned": True, "talk_s": 1.5}
    records = [
        {"contact_id": 18446744073709551617, "arrived_at": "2026-01-05T09:00:00+01:00", **base},
        {"contact_id": 18446744073709551616, "arrived_at": "2026-01-05T09:00:01+01:00", **base},
        {"contact_id": 9223372036854775808, "arrived_at": "2026-01-05T09:00:02+01:00", **base},
    ]
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    ran = arbitre("import", str(workspace.root), str(path), "--json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)[0]["inserted"] == 3
    ids = [r[0] for r in _stored(workspace, "SELECT contact_id FROM {store} ORDER BY arrived_at")]
    assert ids == ["18446744073709551617", "18446744073709551616", "9223372036854775808"]


def test_nested_values_are_refused_with_their_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "contact_id": "1",
                "flow": "sav",
                "channel": "voice_in",
                "site": "internal",
                "arrived_at": "2026-01-05T09:00:00+01:00",
                "abandoned": True,
            }
        ),
        "",
        json.dumps(
            {
                "contact_id": {"id": 2},
                "flow": "sav",
                "channel": "voice_in",
                "site": "internal",
                "arrived_at": "2026-01-05T09:00:00+01:00",
                "abandoned": True,
            }
        ),
    ]
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ran = arbitre("kpi", str(path), "--json")
    assert ran.returncode == 1 and ran.stdout == "" and ran.one_line_error
    assert "calls.jsonl, line 3, field contact_id: expected one value" in ran.stderr
    table = pa.table(
        {
            "contact_id": ["1", "2"],
            "flow": ["sav", "sav"],
            "channel": ["voice_in", "voice_in"],
            "site": ["internal", "internal"],
            "arrived_at": ["2026-01-05T09:00:00+01:00"] * 2,
            "abandoned": [True, True],
            "reason": [None, {"a": "b"}],
        }
    )
    pq.write_table(table, tmp_path / "calls.parquet")
    ran = arbitre("kpi", str(tmp_path / "calls.parquet"), "--json")
    assert ran.returncode == 1 and "calls.parquet, line 2, field reason: expected one value" in ran.stderr
    floats = table.drop_columns(["reason"]).set_column(0, "contact_id", pa.array([1.0, 2.0]))
    pq.write_table(floats, tmp_path / "floats.parquet")
    ran = arbitre("kpi", str(tmp_path / "floats.parquet"))
    assert ran.returncode == 1 and "contact_id comes as double numbers, which lose digits" in ran.stderr


def test_a_file_mixing_encodings_is_refused_naming_its_lines(tmp_path: Path) -> None:
    rows = [
        GOOD.replace("sav", "réclamation"),
        GOOD.replace("1,sav", "2,sav"),
        GOOD.replace("1,sav", "3,sav"),
    ]
    path = tmp_path / "calls.csv"
    text = "\n".join([HEADER, *rows]) + "\n"
    data = text.encode("utf-8").replace(b"3,sav", "3,sav\u00e9".encode("cp1252"))  # one stray byte
    path.write_bytes(data)
    ran = arbitre("kpi", str(path), "--by", "flow", "--json")
    assert ran.returncode == 1 and ran.stdout == ""
    assert (
        "calls.csv, line 4: mixes encodings: 1 line(s) are UTF-8 (first: line 2) and line(s) 4 are not"
        in ran.stderr
    )
    whole = tmp_path / "cp1252.csv"
    whole.write_bytes(text.encode("cp1252"))  # a file wholly in Windows-1252 is still read as such
    ran = arbitre("kpi", str(whole), "--by", "flow", "--json")
    assert ran.returncode == 0, ran.stderr
    assert {r["flow"] for r in json.loads(ran.stdout)} == {"réclamation", "sav"}


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("cr-only.csv", (HEADER + "\r" + GOOD + "\r").encode(), None),
        ("header-only.csv", (HEADER + "\n").encode(), None),
        ("binary.csv", bytes(range(256)) * 40, "not a text file"),
        ("utf16.csv", (HEADER + "\n" + GOOD + "\n").encode("utf-16"), "UTF-16 text"),
        ("empty.csv", b"", "no header line"),
        ("bad.parquet", b"PAR1 not really", "cannot read as Parquet"),
        ("bad.jsonl", b'{"contact_id": 1,\n', "not valid JSON"),
        ("list.jsonl", b"[1, 2]\n", "expected a JSON object per line"),
    ],
)
def test_broken_files_give_a_result_or_one_line_never_a_traceback(
    workspace: Workspace, tmp_path: Path, name: str, content: bytes, words: str | None
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    for command in (["kpi", str(path), "--json"], ["import", str(workspace.root), str(path), "--json"]):
        ran = arbitre(*command)
        if words is None:
            assert ran.returncode == 0, ran.stderr
        else:
            assert ran.returncode == 1 and ran.stdout == "" and ran.one_line_error, ran.stderr
            assert words in ran.stderr


def test_a_corrupt_database_and_a_missing_month_file_are_named(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "calls.csv", HEADER, [GOOD])
    assert arbitre("import", str(workspace.root), str(path)).returncode == 0
    (month_file,) = InteractionStore(workspace).files()
    workspace.close()
    month_file.unlink()
    for command in (
        ["kpi", str(workspace.root)],
        ["map", str(workspace.root)],
        ["import", str(workspace.root), str(path)],
    ):
        ran = arbitre(*command)
        assert ran.returncode == 1 and ran.one_line_error, ran.stderr
        assert "the file of month 2026-01 is missing" in ran.stderr
    (workspace.root / DB_FILE).write_bytes(b"this is not a database" * 100)
    ran = arbitre("kpi", str(workspace.root))
    assert ran.returncode == 1 and ran.one_line_error
    assert "its database cannot be used (file is not a database)" in ran.stderr


def test_a_multi_file_import_says_what_it_committed_before_the_error(
    workspace: Workspace, tmp_path: Path
) -> None:
    one = write_csv(tmp_path / "one.csv", HEADER, [GOOD])
    two = write_csv(tmp_path / "two.csv", HEADER, [GOOD.replace("1,sav", "2,sav")])
    bad = tmp_path / "three.csv"
    bad.write_bytes(b"\x00\x01")
    ran = arbitre("import", str(workspace.root), str(one), str(two), str(bad), "--json")
    assert ran.returncode == 1 and ran.stdout == "" and ran.one_line_error
    assert "three.csv: not a text file" in ran.stderr
    assert "committed before this error: one.csv (import " in ran.stderr and "two.csv (import " in ran.stderr
    assert InteractionStore(workspace).rows() == 2


def _immutable(path: Path, on: bool) -> bool:
    """``chattr -R +i``: read-only even for root (the tests run as root, which file modes do not stop)."""
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(["chattr", "-R", "+i" if on else "-i", str(path)], capture_output=True, check=False)
    return done.returncode == 0


def test_a_read_only_workspace_is_read_by_kpi_and_refused_by_import_and_map_in_one_line(
    workspace: Workspace, tmp_path: Path
) -> None:
    assert (
        arbitre("import", str(workspace.root), str(write_csv(tmp_path / "c.csv", HEADER, [GOOD]))).returncode
        == 0
    )
    workspace.close()
    data = write_csv(tmp_path / "more.csv", HEADER, [GOOD.replace("1,sav", "2,sav")])
    if not _immutable(workspace.root, True):
        pytest.skip("chattr +i is not available here")
    try:
        kpi = arbitre("kpi", str(workspace.root), "--json")
        assert kpi.returncode == 0, kpi.stderr
        assert json.loads(kpi.stdout)[0]["offered"] == 1
        for args in (["import", str(workspace.root), str(data)], ["map", str(workspace.root)]):
            ran = arbitre(*args)
            assert ran.returncode == 1 and ran.one_line_error, ran.stderr
    finally:
        _immutable(workspace.root, False)


def test_a_huge_invoice_number_and_a_zero_occupancy_end_in_one_line(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Both once ended in a traceback of ``govern``. A zero occupancy is now refused when the contract
    is stored, with its line and field (issue 17 item 6); a huge invoice number ends ``govern``
    in one line."""
    example = Path(__file__).parents[2] / "src/arbitre/examples/contracts/callmada-2026.yaml"
    zero = tmp_path / "occ0.yaml"
    zero.write_text(
        example.read_text(encoding="utf-8")
        .replace("productivity_occupancy: 0.85", "productivity_occupancy: 0")
        .replace("id: callmada-2026", "id: occ0"),
        encoding="utf-8",
    )
    assert arbitre("contract", str(workspace.root), str(example)).returncode == 0
    refused = arbitre("contract", str(workspace.root), str(zero))
    assert refused.returncode == 1 and refused.one_line_error, refused.stderr
    assert "line 24" in refused.stderr and "productivity_occupancy" in refused.stderr
    calls = write_csv(
        tmp_path / "calls.csv",
        HEADER + ",talk_s,hold_s,wrap_s",
        [
            "1,sav-voice-fr,voice_in,callmada:tana,2026-05-05T09:00:00+02:00,2026-05-05T09:00:10+02:00,"
            "2026-05-05T09:03:00+02:00,false,150,10,10"
        ],
    )
    assert arbitre("import", str(workspace.root), str(calls)).returncode == 0
    huge = tmp_path / "huge.csv"
    huge.write_text(
        "flow,unit,band,quantity,unit_price,amount\nsav-voice-fr,logged_hour,,1e999999,8.50,1e999999\n"
    )
    for contract, invoice in (("callmada-2026", huge),):
        args = [
            "govern",
            str(workspace.root),
            "--month",
            "2026-05",
            "--contract",
            contract,
            "--invoice",
            str(invoice),
        ]
        ran = arbitre(*args, "--json")
        assert ran.returncode == 1 and ran.stdout == "" and ran.one_line_error, ran.stderr
        assert "huge.csv, line 2, field amount" in ran.stderr, ran.stderr
