"""`arbitre fit` as a user runs it: the JSON the issue promises, the report, and hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from arbitre.cli.app import build
from arbitre.services.imports import import_file
from arbitre.store.workspace import Workspace
from tests.fit.simulated import simulated_records
from tests.helpers import write_csv

HOSTILE = '<script>alert("x")</script> \'; DROP TABLE fit_rows; --'


def arbitre(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build(["fit"]), ["fit", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    truth = simulated_records(rng=np.random.default_rng(5), days=4)
    records = truth.records
    flows = np.where(np.arange(records.num_rows) % 3 == 0, HOSTILE, "sav")
    records = records.set_column(records.schema.get_field_index("flow"), "flow", pa.array(flows))
    path = tmp_path_factory.mktemp("cli") / "calls.parquet"
    pq.write_table(records, path)
    return path


def test_the_json_is_one_object_per_flow_with_the_fields_the_issue_names(calls: Path) -> None:
    code, out, err = arbitre(str(calls), "--tz", "Europe/Paris", "--json")
    assert code == 0, err
    flows = json.loads(out)
    assert [f["flow"] for f in flows] == sorted(["sav", HOSTILE])  # a hostile name is data, kept whole
    for f in flows:
        assert isinstance(f["queued"], int) and isinstance(f["abandoned"], int)
        assert f["patience_mle_s"] > 0
        low, high = f["patience_ci_s"]
        assert low < f["patience_mle_s"] < high
        assert [m["model"] for m in f["models"]] == ["erlang_c", "erlang_a", "simulation"]
        for m in f["models"]:
            assert {
                "model",
                "mae_service_level",
                "mae_abandon_rate",
                "bias_abandon_rate",
                "intervals",
            } <= set(m)
            assert m["intervals"] > 0
        assert f["best_model"] in ("erlang_c", "erlang_a", "simulation")


def test_the_table_names_the_best_model_and_the_report_goes_where_asked(calls: Path, tmp_path: Path) -> None:
    report = tmp_path / "fit.html"
    out_csv = tmp_path / "intervals.csv"
    code, out, err = arbitre(
        str(calls), "--tz", "Europe/Paris", "--report", str(report), "--lang", "en", "--out", str(out_csv)
    )
    assert code == 0, err
    assert "best" in out and "sav" in out
    assert "fits best" in err
    html = report.read_text(encoding="utf-8")
    assert "Staffing models checked against the history" in html and "<svg" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html  # escaped, not run
    table = pacsv.read_csv(out_csv)
    assert {
        "flow",
        "interval_start",
        "agents_seen",
        "observed_service_level",
        "erlang_a_abandon_rate",
    } <= set(table.column_names)


def test_a_workspace_gets_its_report_in_french_in_its_reports_folder(calls: Path, tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws", name="Acme")
    try:
        import_file(ws, calls)
    finally:
        ws.close()
    code, _, err = arbitre(str(tmp_path / "ws"))
    assert code == 0, err
    html = (tmp_path / "ws" / "reports" / "ajustement-des-modeles.html").read_text(encoding="utf-8")
    assert "Ajustement des modèles de dimensionnement" in html
    assert "est le modèle le plus proche des données" in html


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--tz", "Europe/Paris'; DROP TABLE x; --"], "unknown time zone"),
        (["--lang", "klingon"], "--lang"),
        (["--mapping", "/nonexistent/mapping.yaml"], "mapping.yaml"),
    ],
)
def test_bad_options_give_one_line_and_exit_1(calls: Path, args: list[str], words: str) -> None:
    code, out, err = arbitre(str(calls), *args)
    assert code == 1 and out == ""
    assert words in err and err.count("\n") == 1


def test_a_file_with_bad_rows_is_refused_row_by_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned",
        [
            "1,sav,voice_in,internal,2026-01-05T09:00:00+01:00,2026-01-05T09:00:10+01:00,2026-01-05T09:03:00+01:00,false",
            "2,sav,fax,internal,2026-01-05T09:01:00+01:00,,2026-01-05T09:02:00+01:00,true",
        ],
    )
    code, out, err = arbitre(str(path))
    assert code == 1 and out == ""
    assert "line 3, column channel" in err and "1 of 2 rows rejected" in err


def test_no_arguments_is_a_usage_error() -> None:
    assert arbitre()[0] == 2
