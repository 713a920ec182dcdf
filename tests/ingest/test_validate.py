"""Validation names file, line, column and reason for every rejected row, in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arbitre.errors import InputError, RejectedRows
from arbitre.examples import EXAMPLES
from arbitre.ingest.mapping import IDENTITY, Mapping, load_mapping
from arbitre.services.imports import load
from arbitre.store.interactions import connect
from tests.helpers import write_csv

HEADER = "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned,talk_s,csat,transcript"
GOOD = "1,sav,voice_in,internal,2026-01-05T09:00:00+01:00,2026-01-05T09:00:10+01:00,2026-01-05T09:03:00+01:00,false,170,5,"


def check(path: Path, mapping: Mapping = IDENTITY):  # type: ignore[no-untyped-def]
    con = connect("Europe/Paris")
    return load(path, mapping, con)[1]


def test_every_error_of_every_row_is_reported_with_line_and_column(tmp_path: Path) -> None:
    rows = [
        GOOD,
        "2,sav,phone,internal,2026-01-05T09:01:00+01:00,,,maybe,-3,9,",  # channel, abandoned, talk_s, csat
        ",sav,voice_in,internal,2026-01-05 09:02:00,,,false,,,",  # contact_id missing, no offset
        "4,sav,voice_in,internal,2026-01-05T09:03:00+01:00,2026-01-05T09:02:00+01:00,,false,,,",  # answered before arrival
        "5,sav,voice_in,internal,2026-01-05T09:04:00+01:00,2026-01-05T09:04:30+01:00,,true,,,",  # abandoned but answered
        "6,sav,voice_in,internal,2026-01-05T09:05:00+01:00,,,false,12.5,4.5,",  # csat not an integer
    ]
    checked = check(write_csv(tmp_path / "calls.csv", HEADER, rows))
    found = {(e.line, e.column, e.reason.split(" (")[0]) for e in checked.errors}
    assert (3, "channel", "expected one of voice_in, voice_out, email, chat, social, backoffice") in found
    assert (3, "abandoned", "expected a boolean") in found
    assert (3, "talk_s", "expected a number ≥ 0") in found
    assert (3, "csat", "expected an integer from 1 to 5") in found
    assert (4, "contact_id", "required value missing") in found
    assert any(e.line == 4 and e.column == "arrived_at" and "offset" in e.reason for e in checked.errors)
    assert (5, "answered_at", "answered_at is before arrived_at") in found
    assert (6, "answered_at", "an abandoned contact has no answered_at") in found
    assert (7, "csat", "expected an integer from 1 to 5") in found
    assert {e.line for e in checked.errors} == {3, 4, 5, 6, 7}
    assert all(e.file.endswith("calls.csv") for e in checked.errors)
    bad = next(e for e in checked.errors if e.column == "talk_s")
    assert bad.value == "-3" and str(bad).startswith(f"{bad.file}, line 3, column talk_s:")
    assert checked.clean_rows == 1


def test_lines_count_the_line_breaks_inside_quoted_cells(tmp_path: Path) -> None:
    rows = [
        GOOD + '"Bonjour,\nje rappelle\npour ma commande"',
        "2,sav,voice_in,internal,not-a-date,,,false,,,",
    ]
    checked = check(write_csv(tmp_path / "t.csv", HEADER, rows))
    assert [(e.line, e.column) for e in checked.errors] == [(5, "arrived_at")]


def test_semicolons_windows_1252_and_decimal_commas_are_read_as_french_excel_writes_them(
    tmp_path: Path,
) -> None:
    header = HEADER.replace(",", ";")
    row = "1;sav;voice_in;internal;2026-01-05T09:00:00+01:00;2026-01-05T09:00:10+01:00;2026-01-05T09:03:00+01:00;non;170,5;5;Réclamation reçue à 9 h"
    path = write_csv(tmp_path / "excel.csv", header, [row], encoding="cp1252")
    checked = check(path)
    assert checked.errors == []
    talk, abandoned, transcript = checked.con.sql(
        "SELECT talk_s, abandoned, transcript FROM clean"
    ).fetchall()[0]
    assert (talk, abandoned, transcript) == (170.5, False, "Réclamation reçue à 9 h")


def test_parquet_and_json_lines_are_validated_with_their_row_numbers(tmp_path: Path) -> None:
    table = pa.table(
        {
            "contact_id": ["1", "2"],
            "flow": ["f", "f"],
            "channel": ["chat", "chat"],
            "site": ["s", "s"],
            "arrived_at": pa.array(
                [1_767_600_000_000_000, 1_767_600_060_000_000], pa.timestamp("us", tz="UTC")
            ),
            "abandoned": [False, None],
        }
    )
    pq.write_table(table, tmp_path / "a.parquet")
    checked = check(tmp_path / "a.parquet")
    assert [(e.line, e.column, e.reason) for e in checked.errors] == [
        (2, "abandoned", "required value missing")
    ]

    lines = [
        json.dumps(
            {
                "contact_id": "1",
                "flow": "f",
                "channel": "email",
                "site": "s",
                "arrived_at": "2026-01-05T09:00:00+01:00",
                "abandoned": False,
                "csat": 4,
            }
        ),
        "",
        json.dumps(
            {
                "contact_id": "2",
                "flow": "f",
                "channel": "email",
                "site": "s",
                "arrived_at": "2026-01-05T09:00:00+01:00",
                "abandoned": False,
                "csat": 7,
                "source_tag": "web",
            }
        ),
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked = check(tmp_path / "a.jsonl")
    assert [(e.line, e.column) for e in checked.errors] == [(3, "csat")]
    assert checked.extra_columns == ["source_tag"]
    # A nested value is refused with its line (issue 17: it was once kept as an id's text).
    nested = lines[-1].replace('"web"', '{"a": 1}')
    (tmp_path / "n.jsonl").write_text("\n".join([*lines[:-1], nested]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3, field source_tag: expected one value"):
        check(tmp_path / "n.jsonl")


def test_a_broken_json_line_is_named(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text('{"contact_id": "1"}\n{"contact_id": \n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        check(tmp_path / "b.jsonl")
    assert info.value.line == 2


def test_a_row_with_too_many_fields_is_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", HEADER, [GOOD, GOOD + ",extra"])
    with pytest.raises(InputError) as info:
        check(path)
    assert info.value.line == 3 and "fields" in str(info.value)


def test_exact_duplicates_collapse_and_conflicting_ones_are_rejected(tmp_path: Path) -> None:
    other = GOOD.replace(",170,", ",171,")
    checked = check(write_csv(tmp_path / "d.csv", HEADER, [GOOD, GOOD, other]))
    assert checked.duplicates == 1
    assert sorted((e.line, e.column) for e in checked.errors) == [(2, "contact_id"), (4, "contact_id")]
    assert "same contact_id and site as line 4" in checked.errors[0].reason


def test_unknown_columns_are_kept_aside_as_json(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", HEADER + ",queue_name,priority", [GOOD + ",SAV N1,2"])
    checked = check(path)
    (extra,) = checked.con.sql("SELECT extra FROM clean").fetchall()[0]
    assert json.loads(extra) == {"queue_name": "SAV N1", "priority": "2"}


def test_a_missing_required_column_is_refused_before_any_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "f.csv",
        "contact_id,flow,channel,arrived_at,abandoned",
        ["1,f,chat,2026-01-05T09:00:00+01:00,false"],
    )
    with pytest.raises(InputError, match="required column 'site'"):
        check(path)


def test_the_shipped_telephony_mapping_reads_its_sample() -> None:
    mapping = load_mapping(EXAMPLES / "mappings" / "telephony-cdr.yaml")
    checked = check(EXAMPLES / "samples" / "telephony-cdr.csv", mapping)
    assert checked.errors == []
    assert checked.filtered == 1  # the platform's test call
    rows = checked.con.sql(
        "SELECT contact_id, site, flow, abandoned, talk_s, wrap_s, language, resolved, "
        "strftime(arrived_at AT TIME ZONE 'UTC', '%H:%M:%S') FROM clean ORDER BY contact_id LIMIT 1"
    ).fetchall()
    # 880001: 17/03/2025 08:12:46 Paris (UTC+1), 0:08:02 of talk, 46,0 s of wrap-up, French, not resolved
    assert rows == [("880001", "callmada:tana", "sav-voice-fr", False, 482.0, 46.0, "fr", False, "07:12:46")]


def test_the_shipped_helpdesk_mapping_reads_its_sample() -> None:
    mapping = load_mapping(EXAMPLES / "mappings" / "helpdesk-tickets.yaml")
    checked = check(EXAMPLES / "samples" / "helpdesk-tickets.csv", mapping)
    assert checked.errors == []
    channels = dict(checked.con.sql("SELECT channel, count(*) FROM clean GROUP BY ALL").fetchall())
    assert set(channels) <= {"email", "chat", "social"} and sum(channels.values()) == 16
    assert checked.con.sql("SELECT count(*) FROM clean WHERE transcript LIKE '%\n%'").fetchall()[0][0] > 0


def test_a_rejected_file_raises_with_all_its_errors(tmp_path: Path) -> None:
    from arbitre.services.imports import import_file
    from arbitre.store.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    path = write_csv(tmp_path / "g.csv", HEADER, [GOOD, "2,sav,phone,internal,x,,,maybe,,,"])
    with pytest.raises(RejectedRows) as info:
        import_file(ws, path)
    assert len(info.value.errors) == 3 and "1 of 2 rows rejected" in str(info.value)


def test_a_parquet_file_read_by_duckdb_names_the_same_rows_as_read_through_the_sandbox(
    tmp_path: Path,
) -> None:
    """Read as it is, a Parquet file is scanned by DuckDB itself (every row group at once); with
    a mapping expression, chunk by chunk in the sandbox. Both name the same rows (a Parquet
    file's line is its row, from 1), columns and values, across row groups, and keep the same
    rows."""
    n = 50_000
    stamps = pa.array([1_767_600_000_000_000 + i * 1_000_000 for i in range(n)], pa.timestamp("us", tz="UTC"))
    channel = ["chat"] * n
    channel[3], channel[31_000] = "phone", "fax"
    talk = [60.0] * n
    talk[45_123] = -5.0
    table = pa.table(
        {
            "contact_id": [str(i) for i in range(n)],
            "flow": ["f"] * n,
            "channel": channel,
            "site": ["s"] * n,
            "arrived_at": stamps,
            "abandoned": [False] * n,
            "talk_s": talk,
        }
    )
    path = tmp_path / "a.parquet"
    pq.write_table(table, path, row_group_size=7_000)
    (tmp_path / "m.yaml").write_text('name: m\ncolumns:\n  flow: {expr: "upper(flow)"}\n', encoding="utf-8")
    direct, boxed = check(path), check(path, load_mapping(tmp_path / "m.yaml"))
    shown = [(e.line, e.column, e.value) for e in direct.errors]
    assert shown == [(4, "channel", "phone"), (31_001, "channel", "fax"), (45_124, "talk_s", "-5.0")]
    assert [(e.line, e.column, e.value) for e in boxed.errors] == shown
    assert direct.rows_read == boxed.rows_read == n
    assert direct.clean_rows == boxed.clean_rows == n - 3


def test_a_parquet_file_with_a_column_named_as_duckdb_s_row_number_is_checked_all_the_same(
    tmp_path: Path,
) -> None:
    """DuckDB's scan adds its own ``file_row_number``: a file holding one is read by Arrow, its
    column kept as an extra one."""
    table = pa.table(
        {
            "contact_id": ["1", "2"],
            "flow": ["f", "f"],
            "channel": ["chat", "fax"],
            "site": ["s", "s"],
            "arrived_at": pa.array([1_767_600_000_000_000] * 2, pa.timestamp("us", tz="UTC")),
            "abandoned": [False, False],
            "File_Row_Number": [7, 8],
        }
    )
    pq.write_table(table, tmp_path / "a.parquet")
    checked = check(tmp_path / "a.parquet")
    assert [(e.line, e.column, e.value) for e in checked.errors] == [(2, "channel", "fax")]
    assert checked.con.sql("SELECT extra FROM clean").fetchall() == [('{"File_Row_Number":7}',)]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_column_names_differing_only_in_case_are_refused_not_read_as_one(tmp_path: Path, suffix: str) -> None:
    """SQL would read ``flow`` and ``FLOW`` as one column, silently taking one for the other."""
    path = tmp_path / f"a{suffix}"
    if suffix == ".csv":
        write_csv(path, HEADER + ",FLOW", [GOOD + ",other"])
    else:
        pq.write_table(pa.table({"contact_id": ["1"], "flow": ["f"], "FLOW": ["g"]}), path)
    with pytest.raises(InputError, match="column names 'flow' and 'FLOW' differ only in case"):
        check(path)
