"""The command-line contract (docs/specs/cli.md): JSON alone on stdout, exit 1 on bad input, 2 on usage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.examples import MAPPINGS, SAMPLES
from tests.helpers import GOOD, HEADER, Ran, write_csv


def arbitre(*args: str) -> Ran:
    """The command in this process (fast); `test_the_installed_command_*` runs the real one."""
    result = CliRunner().invoke(app, list(args))
    return Ran(result.exit_code, result.stdout, result.stderr)


def test_the_installed_command_keeps_stdout_for_json_and_exits_as_promised(tmp_path: Path) -> None:
    def real(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "arbitre.cli.app", *args], capture_output=True, text=True, check=False
        )

    ok = real("init", str(tmp_path / "w"), "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["settings"]["timezone"] == "Europe/Paris"
    bad = real("kpi", str(tmp_path / "missing.csv"))
    assert bad.returncode == 1 and bad.stdout == "" and bad.stderr.count("\n") == 1
    assert real("kpi", "--by").returncode == 2


def test_init_import_kpi_and_map_work_end_to_end_as_json(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert arbitre("init", str(ws), "--name", "Acme", "--json").returncode == 0
    imported = arbitre(
        "import",
        str(ws),
        str(SAMPLES / "telephony-cdr.csv"),
        "-m",
        str(MAPPINGS / "telephony-cdr.yaml"),
        "--json",
    )
    assert imported.returncode == 0, imported.stderr
    (summary,) = json.loads(imported.stdout)
    assert (summary["inserted"], summary["rejected"], summary["skipped_by_mapping"]) == (24, 0, 1)
    result = arbitre("kpi", str(ws), "--by", "site,flow", "--json")
    rows = json.loads(result.stdout)
    assert {r["site"] for r in rows} == {"callmada:tana", "linguaserv:barcelona"}
    mapped = arbitre("map", str(ws), "--json")
    assert mapped.returncode == 0, mapped.stderr
    document = json.loads(mapped.stdout)
    assert {f["flow"] for f in document["flows"]} == {"sav-voice-fr", "orders-voice-fr", "support-intl"}
    assert (ws / "reports" / "cartographie.html").read_text(encoding="utf-8").count("<svg") >= 5


def test_a_rejected_file_lists_every_error_and_exits_1(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    arbitre("init", str(ws))
    bad = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        [
            GOOD,
            GOOD.replace("1,sav", "2,sav").replace("voice_in", "fax"),
            "3,sav,voice_in,internal,hier,,,false",
        ],
    )
    result = arbitre("import", str(ws), str(bad), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0].endswith(
        'bad.csv, line 3, column channel: expected one of voice_in, voice_out, email, chat, social, backoffice (got "fax")'
    )
    assert "line 4, column arrived_at" in lines[1]
    assert lines[-1].startswith("arbitre: error: ") and "2 of 3 rows rejected" in lines[-1]


def test_bad_input_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = arbitre("kpi", str(tmp_path / "missing.csv"), "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert (
        result.stderr.strip().count("\n") == 0
        and "missing.csv" in result.stderr
        and "file not found" in result.stderr
    )
    path = write_csv(tmp_path / "ok.csv", HEADER, [GOOD])
    for args, words in (
        (["--by", "flow,hour"], "unknown group key 'hour'"),
        (["--by", "day,month"], "at most one of interval, day, week, month"),
        (["--tz", "Paris"], "unknown time zone"),
        (["--threshold", "-1"], "threshold must be ≥ 0"),
    ):
        result = arbitre("kpi", str(path), *args)
        assert result.returncode == 1, args
        assert words in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert arbitre("kpi", str(tmp_path), "--threshold", "abc").returncode == 2
    assert arbitre("no-such-command").returncode == 2
    assert arbitre("import").returncode == 2


def test_a_workspace_is_refused_where_one_exists(tmp_path: Path) -> None:
    arbitre("init", str(tmp_path / "w"))
    result = arbitre("init", str(tmp_path / "w"))
    assert result.returncode == 1 and "already a workspace" in result.stderr


def test_a_bad_mapping_file_is_named_with_its_line(tmp_path: Path) -> None:
    arbitre("init", str(tmp_path / "w"))
    mapping = tmp_path / "m.yaml"
    mapping.write_text("name: m\ncolumns:\n  contact_id: ID\n  chanel: Canal\n", encoding="utf-8")
    data = write_csv(tmp_path / "d.csv", HEADER, [GOOD])
    result = arbitre("import", str(tmp_path / "w"), str(data), "-m", str(mapping))
    assert result.returncode == 1
    assert "m.yaml, line 4, field columns.chanel: unknown field" in result.stderr
