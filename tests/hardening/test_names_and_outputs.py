"""Names are data, never markup; output files are never written over another's (issue 17:
"a flow or provider named `SAV [/]` makes every table command crash", "a rejected-rows file can
overwrite another file of the same name")."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pytest

from arbitre.errors import InputError
from arbitre.examples import SAMPLES
from arbitre.outputs import claim
from arbitre.store.workspace import Workspace
from arbitre.tabular import write_table
from tests.hardening.conftest import GOOD, HEADER, arbitre
from tests.helpers import write_csv

MARKUP = [
    "SAV [/]",
    "[bold red]x[/]",
    "[link=file:///etc/passwd]clic[/link]",
    ":warning: sav",
    "<script>x</script>",
]


@pytest.mark.parametrize("name", MARKUP)
def test_a_flow_or_site_named_like_rich_markup_prints_as_written(
    workspace: Workspace, tmp_path: Path, name: str
) -> None:
    escaped = name.replace('"', '""')
    rows = [GOOD.replace(",sav,", f',"{escaped}",').replace(",internal,", f',"{escaped}",')]
    path = write_csv(tmp_path / "[bold]a[b].csv", HEADER, rows)
    imported = arbitre("import", str(workspace.root), str(path))
    assert imported.returncode == 0, imported.stderr
    shown = name
    kpi = arbitre("kpi", str(workspace.root), "--by", "flow,site")
    assert kpi.returncode == 0, kpi.stderr
    assert shown in kpi.stdout
    mapped = arbitre("map", str(workspace.root))
    assert mapped.returncode == 0, mapped.stderr
    assert shown in mapped.stdout
    assert "<script>" not in (workspace.root / "reports" / "cartographie.html").read_text(encoding="utf-8")


def test_a_name_with_control_characters_is_refused_at_import_and_never_reaches_a_terminal(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "calls.csv", HEADER, [GOOD, GOOD.replace("1,sav", '2,"sav\x1b[2J"')])
    ran = arbitre("import", str(workspace.root), str(path))
    assert (
        ran.returncode == 1 and "line 3, column flow: expected text without control characters" in ran.stderr
    )
    assert "\x1b" not in ran.stderr  # the value is shown with its escape made visible
    from arbitre.cli.output import print_table, safe

    assert safe("a\x1b[2Jb\x07") == "a\\x1b[2Jb\\x07"
    print_table("t\x1b[31m", ["flow"], [["x\x1b[2J"]])  # no escape reaches the terminal


def test_csv_outputs_neutralise_formulas_and_keep_numbers(tmp_path: Path) -> None:
    table = pa.table(
        {
            "flow": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "sav", None],
            "agents": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        }
    )
    write_table(table, tmp_path / "out.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_bytes().decode("utf-8"), newline="")))
    assert [r[0] for r in rows[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "sav",
        "",
    ]
    assert rows[1][1] == "-1.5"


def test_an_output_file_is_replaced_only_when_it_is_the_commands_own(tmp_path: Path) -> None:
    table = pa.table({"flow": ["sav"], "agents": [3]})
    mine = tmp_path / "plan.csv"
    write_table(table, mine)
    write_table(table, mine)  # a re-run replaces its own file
    theirs = tmp_path / "budget.csv"
    theirs.write_text("poste,montant\nloyer,1200\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"budget\.csv, field --out: exists and was not written by this command"
    ):
        write_table(table, theirs)
    assert theirs.read_text(encoding="utf-8") == "poste,montant\nloyer,1200\n"
    write_table(table, theirs, force=True)
    assert theirs.read_text(encoding="utf-8").startswith('"flow","agents"')
    report = tmp_path / "report.html"
    report.write_text("<html>someone's page</html>", encoding="utf-8")
    with pytest.raises(InputError, match="not overwritten"):
        claim(report)
    report.write_text('<!doctype html><meta name="generator" content="Arbitre">', encoding="utf-8")
    assert claim(report) == report
    with pytest.raises(InputError, match="a folder, not a file"):
        claim(tmp_path)


def test_schedule_out_refuses_a_foreign_file_unless_forced(tmp_path: Path) -> None:
    requirement = SAMPLES.parent / "shifts" / "requirement-week.csv"
    target = tmp_path / "coverage.csv"
    target.write_text("mes notes\n", encoding="utf-8")
    ran = arbitre("schedule", str(requirement), "--out", str(target), "--json", "--time-limit", "5")
    assert ran.returncode == 1 and ran.stdout == "" and ran.one_line_error
    assert target.read_text(encoding="utf-8") == "mes notes\n"
    assert (
        arbitre(
            "schedule", str(requirement), "--out", str(target), "--json", "--force", "--time-limit", "5"
        ).returncode
        == 0
    )
    assert (
        arbitre("schedule", str(requirement), "--out", str(target), "--json", "--time-limit", "5").returncode
        == 0
    )


def test_rejected_rows_never_overwrite_another_file(workspace: Workspace, tmp_path: Path) -> None:
    bad = "2,sav,fax,internal,2026-01-05T09:00:00+01:00,,,=cmd|' /C calc'!A0"
    january = write_csv(tmp_path / "calls.2026-01.csv", HEADER, [GOOD, bad])
    february = write_csv(tmp_path / "calls.2026-02.csv", HEADER, [GOOD.replace("1,sav", "3,sav"), bad])
    notes = tmp_path / "calls.2026-01.rejected.csv"
    notes.write_text("mes notes\n", encoding="utf-8")
    for path in (january, february, january):  # january twice: a re-run replaces its own file
        ran = arbitre("import", str(workspace.root), str(path), "--skip-invalid", "--json")
        assert ran.returncode == 0, ran.stderr
    assert notes.read_text(encoding="utf-8") == "mes notes\n"
    written = json.loads(ran.stdout)[0]["rejected_file"]
    assert Path(written).name == "calls.2026-01.rejected.2.csv"
    assert (tmp_path / "calls.2026-02.rejected.csv").exists()
    rows = list(csv.DictReader(io.StringIO(Path(written).read_text(encoding="utf-8"), newline="")))
    assert rows[0]["abandoned"] == "'=cmd|' /C calc'!A0" and rows[0]["_line"] == "3"
    assert sorted(p.name for p in tmp_path.glob("*.rejected*.csv")) == [
        "calls.2026-01.rejected.2.csv",
        "calls.2026-01.rejected.csv",
        "calls.2026-02.rejected.csv",
    ]
