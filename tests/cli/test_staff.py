"""`arbitre staff` prints what docs/specs/cli.md promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.staffing.erlang import evaluate

BASE = ["--volume", "100", "--interval", "1800", "--aht", "180", "--threshold", "20"]
FIELDS = {
    "model",
    "agents",
    "service_level",
    "p_wait",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "fte",
    "load_erlangs",
}


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["staff", *args])


def test_the_textbook_case_needs_14_agents_under_erlang_c() -> None:
    result = run(*BASE, "--sl", "0.8", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == FIELDS
    assert (out["model"], out["agents"], out["load_erlangs"]) == ("erlang_c", 14, 10.0)
    assert out["service_level"] >= 0.8 and out["abandon_rate"] == 0.0
    assert out["occupancy"] == pytest.approx(10 / 14)
    # 13 agents would not do: the minimum.
    assert evaluate(agents=13, volume=100, interval_s=1800, aht_s=180, threshold_s=20).service_level[()] < 0.8


def test_patience_switches_to_erlang_a_and_shrinkage_gives_fte() -> None:
    out = json.loads(run(*BASE, "--sl", "0.8", "--patience", "120", "--shrinkage", "0.3", "--json").stdout)
    assert out["model"] == "erlang_a" and out["abandon_rate"] > 0
    assert out["fte"] == pytest.approx(out["agents"] / 0.7)
    # Carried load excludes the abandoned part.
    assert out["occupancy"] == pytest.approx(10 * (1 - out["abandon_rate"]) / out["agents"])


def test_agents_given_are_evaluated_without_a_target() -> None:
    out = json.loads(run(*BASE, "--agents", "12", "--json").stdout)
    assert out["agents"] == 12
    m = evaluate(agents=12, volume=100, interval_s=1800, aht_s=180, threshold_s=20)
    assert out["service_level"] == pytest.approx(float(m.service_level[()]))


def test_chat_agents_hold_several_conversations() -> None:
    one = json.loads(run(*BASE, "--sl", "0.8", "--channel", "chat", "--json").stdout)
    two = json.loads(run(*BASE, "--sl", "0.8", "--channel", "chat", "--concurrency", "2", "--json").stdout)
    assert two["agents"] == -(-one["agents"] // 2)


def test_a_file_gives_one_row_per_interval_with_flags_as_defaults(tmp_path: Path) -> None:
    path = tmp_path / "intervals.csv"
    path.write_text("volume,aht,patience,sl\n100,180,,0.8\n200,180,90,0.85\n0,180,,0.8\n", encoding="utf-8")
    result = run("--file", str(path), "--interval", "1800", "--threshold", "20", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["model"] for r in rows] == ["erlang_c", "erlang_a", "erlang_c"]
    assert rows[0]["agents"] == 14 and rows[2]["agents"] == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--sl", "1.2"], "--sl: expected a number in [0, 1]"),
        (["--sl", "0.8", "--volume", "-5"], "--volume: expected a number ≥ 0"),
        (["--sl", "1", "--threshold", "0"], "impossible target"),
        ([], "--sl: expected a target"),
        (["--sl", "0.8", "--concurrency", "2"], "concurrency is for --channel chat"),
    ],
)
def test_bad_flags_give_one_line_and_exit_1(args: list[str], words: str) -> None:
    result = run(*BASE, *args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and words in lines[0]


def test_a_bad_cell_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text("volume,aht,sl\n100,180,0.8\n100,-4,0.8\n", encoding="utf-8")
    result = run("--file", str(path), "--interval", "1800", "--threshold", "20")
    assert result.exit_code == 1
    assert "i.csv, line 3, field aht: expected a number > 0" in result.output


def test_a_flag_that_is_not_a_number_is_a_usage_error() -> None:
    assert run(*BASE, "--sl", "eighty").exit_code == 2
