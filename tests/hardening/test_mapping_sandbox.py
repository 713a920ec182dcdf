"""Mapping expressions cannot reach the machine (issue 17, "Mapping SQL reaches the machine")."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import duckdb
import pytest

from arbitre.errors import InputError
from arbitre.ingest.mapping import load_mapping
from arbitre.ingest.sandbox import check_expression, sandbox
from arbitre.store.workspace import KEY_FILE, Workspace
from tests.hardening.conftest import arbitre

# Each of these, written in a mapping, once read a file, wrote one, or reached DuckDB's settings.
HOSTILE = [
    "(SELECT content FROM read_text('/etc/passwd'))",
    "(SELECT content FROM read_text('{key}'))",
    "read_text('{key}')[1].content",
    "(SELECT string_agg(file, ',') FROM glob('/*'))",
    "(SELECT * FROM read_csv('/etc/passwd', sep=':') LIMIT 1)",
    "getenv('HOME')",
    "current_setting('enable_external_access')",
    "flow; COPY (SELECT 1) TO '{out}'",
    "flow); COPY (SELECT 1) TO '{out}'; SELECT (1",
    "flow) FROM src_raw; ATTACH '{out}' AS x; SELECT (1",
    "flow; SET enable_external_access = true",
    "flow; PRAGMA version",
    "(SELECT 1 FROM (SELECT 1) t WHERE 1 IN (SELECT 1))",
    "sum(1) OVER ()",
    "count(*)",
    "main.lower(flow)",
    "list_transform([1], lambda x: x)",
    "$1",
    "COLUMNS('.*')",
    "repeat(flow, 1000000000)",
    "format('{:1000000000}', flow)",
    "query('SELECT 1')",
]


def _mapping(tmp_path: Path, key: Path, where: str, expr: str) -> Path:
    text = expr.replace("{key}", str(key)).replace("{out}", str(tmp_path / "written.csv"))
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    body = {
        "expr": f'name: evil\ncolumns:\n  flow: {{expr: "{text}"}}\n',
        "derive": f'name: evil\nderive:\n  x: "{text}"\ncolumns:\n  flow: x\n',
        "where": f'name: evil\nsource:\n  where: "{text}"\n',
    }[where]
    path = tmp_path / f"{where}.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("where", ["expr", "derive", "where"])
@pytest.mark.parametrize("expr", HOSTILE)
def test_a_mapping_expression_that_reaches_outside_its_row_is_refused_with_its_line(
    tmp_path: Path, where: str, expr: str
) -> None:
    path = _mapping(tmp_path, tmp_path / "ws" / KEY_FILE, where, expr)
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 3, field "), message
    assert "refused" in message or "not a valid expression" in message
    assert not (tmp_path / "written.csv").exists()


def test_the_key_never_shows_through_kpi_and_the_store_is_left_untouched(
    workspace: Workspace, tmp_path: Path, good_csv: Path
) -> None:
    assert arbitre("import", str(workspace.root), str(good_csv)).returncode == 0
    store = sorted(workspace.interactions_dir.rglob("*.parquet"))
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in store}
    key = (workspace.root / KEY_FILE).read_text().strip()
    for expr in HOSTILE:
        for where in ("expr", "derive", "where"):
            mapping = _mapping(tmp_path, workspace.root / KEY_FILE, where, expr)
            for command in (
                ["kpi", str(good_csv), "--mapping", str(mapping), "--by", "flow", "--json"],
                ["import", str(workspace.root), str(good_csv), "--mapping", str(mapping), "--json"],
            ):
                ran = arbitre(*command)
                assert ran.returncode == 1 and ran.stdout == "", (expr, where, ran)
                assert key not in ran.stderr and "root:" not in ran.stderr
                assert ran.one_line_error, ran.stderr
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in store} == before
    assert sorted(workspace.interactions_dir.rglob("*.parquet")) == store
    assert not (tmp_path / "written.csv").exists()


def test_the_sandbox_itself_reaches_no_file_even_with_raw_sql(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret", encoding="utf-8")
    con = sandbox("Europe/Paris")
    for sql in (
        f"SELECT * FROM read_text('{secret}')",
        f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'",
        f"ATTACH '{tmp_path / 'x.db'}'",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "LOAD httpfs",
    ):
        with pytest.raises(duckdb.Error):
            con.execute(sql)
    assert con.execute("SELECT current_setting('TimeZone')").fetchall() == [("Europe/Paris",)]
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "x.db").exists()


def test_ordinary_expressions_still_run_as_written() -> None:
    columns = {"Date", "Heure", "vru+line", "call_id", "q_time", "Statut"}
    for text, sql in (
        ("\"vru+line\" || '-' || call_id", "((\"vru+line\" || '-') || call_id)"),
        ("strptime(\"Date\" || ' ' || \"Heure\", '%d/%m/%Y %H:%M')", None),
        ("CASE WHEN Statut = 'Abandonné' THEN TRUE ELSE FALSE END", None),
        ("CAST(q_time AS INTEGER) > 0 AND Statut IN ('a', 'b')", None),
        ("extract('epoch' FROM CAST(\"Heure\" AS TIME))", "date_part('epoch', CAST(Heure AS TIME))"),
        ("lpad(call_id, 10, '0')", None),
        ("NULLIF(trim(Statut), '')", None),
    ):
        checked = check_expression(text, columns=columns, what="x")
        if sql is not None:
            assert checked.sql == sql
    with pytest.raises(InputError, match="column 'nope' is not in the file"):
        check_expression("upper(nope)", columns=columns, what="columns.flow.expr")


def test_the_key_file_is_the_owners_alone(workspace: Workspace) -> None:
    key = workspace.root / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
