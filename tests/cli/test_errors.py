"""No traceback reaches a user: every command of `arbitre --help`, driven with bad arguments,
ends with one line on standard error and exit 1 (bad input) or 2 (usage) — issue 10 item 5."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from arbitre.cli.app import build
from tests.hardening.conftest import Ran, arbitre

HOSTILE_VALUES = ["nan", "abc", "-1", "1e999", "[/]", "", "9" * 400]


def _commands() -> Iterator[tuple[list[str], Any]]:
    def walk(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                yield from walk(sub, [*path, name])
        else:
            yield path, command

    yield from walk(typer.main.get_command(build()), [])


COMMANDS = list(_commands())


def test_the_walk_covers_every_command_of_the_help() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"init", "import", "kpi", "map", "staff", "schedule", "forecast", "plan", "simulate"} <= names
    assert {"decide", "contract", "govern", "demo", "report business-case", "report copil"} <= names


def _assert_clean_failure(ran: Ran, args: list[str], *, codes: tuple[int, ...] = (1, 2)) -> None:
    assert "Traceback" not in ran.stderr + ran.stdout, (args, ran.stderr)
    assert "internal error" not in ran.stderr, (args, ran.stderr)
    assert ran.returncode in codes, (args, ran.returncode, ran.stderr)
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("arbitre: "), (args, ran.stderr)
    if "--json" in args:
        assert ran.stdout == "", (args, ran.stdout)


def _required(command: Any, missing: Path) -> list[str]:
    """The command's required arguments and options, each given a path that does not exist
    (or a well-formed month), so that only the value under test is wrong."""
    args: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        if param.param_type_name == "argument":
            args.append(str(missing))
        elif getattr(param, "is_flag", False):  # a required choice of flags (``--accept/--reject``)
            args.append(param.opts[0])
        else:
            args += [param.opts[0], "2026-01" if param.opts[0] == "--month" else str(missing)]
    return args


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_refuses_bad_arguments_in_one_line(
    tmp_path: Path, path: list[str], command: Any
) -> None:
    missing = tmp_path / "no-such" / "file.csv"
    _assert_clean_failure(arbitre(*path, "--no-such-option"), [*path, "--no-such-option"], codes=(2,))
    if any(p.required for p in command.params):
        ran = arbitre(*path)
        _assert_clean_failure(ran, path, codes=(2,))
    if path == ["demo"]:  # a well-formed demo builds a year of data: only its usage errors here
        for value in ("abc", "nan", "1e999"):
            _assert_clean_failure(
                arbitre("demo", "--seed", value, "--json"), ["demo", "--seed", value], codes=(2,)
            )
            _assert_clean_failure(
                arbitre("demo", "--scale", value, "--json"), ["demo", "--scale", value], codes=(2,)
            )
        return
    base = [*path, *_required(command, missing)]
    json = ["--json"] if any(p.opts == ["--json"] for p in command.params) else []
    if path != ["init"] and base != path:
        _assert_clean_failure(arbitre(*base, *json), [*base, *json], codes=(1,))
    for param in command.params:
        if param.param_type_name != "option" or getattr(param, "is_flag", False) or not param.opts:
            continue
        option = param.opts[0]
        if option == "--month" or (path == ["init"]) or path == ["staff"]:
            continue
        for value in HOSTILE_VALUES:
            args = [*base, option, value, *json]
            _assert_clean_failure(arbitre(*args), args)


def test_init_and_staff_take_hostile_values_without_a_traceback(tmp_path: Path) -> None:
    for option in ("--name", "--timezone", "--currency", "--interval-min", "--database-url"):
        for i, value in enumerate(HOSTILE_VALUES):
            target = tmp_path / f"{option[2:]}-{i}"
            ran = arbitre("init", str(target), option, value, "--json")
            if ran.returncode != 0:
                _assert_clean_failure(ran, ["init", option, value, "--json"])
    base = "staff --volume 100 --interval 1800 --aht 180 --sl 0.8 --threshold 20".split()
    for i in range(1, len(base), 2):
        for value in HOSTILE_VALUES:
            args = [*base[:i], base[i], value, *base[i + 2 :], "--json"]
            ran = arbitre(*args)
            if ran.returncode != 0:
                _assert_clean_failure(ran, args)
    for option in (
        "--patience",
        "--agents",
        "--max-occupancy",
        "--shrinkage",
        "--channel",
        "--concurrency",
        "--file",
    ):
        for value in HOSTILE_VALUES:
            args = [*base, option, value, "--json"]
            ran = arbitre(*args)
            if ran.returncode != 0:
                _assert_clean_failure(ran, args)


def test_threshold_nan_is_a_usage_error_in_one_line(tmp_path: Path) -> None:
    """Issue 17: `--threshold nan` once reached DuckDB as a column named nan (a traceback)."""
    path = tmp_path / "calls.csv"
    path.write_text(
        "contact_id,flow,channel,site,arrived_at,abandoned\n1,sav,voice_in,internal,2026-01-05T09:00:00+01:00,true\n",
        encoding="utf-8",
    )
    for value in ("nan", "inf", "-inf"):
        ran = arbitre("kpi", str(path), "--threshold", value, "--json")
        assert ran.returncode == 2 and ran.stdout == ""
        assert (
            ran.stderr.strip() == f"arbitre: usage: --threshold: expected a finite number, got {float(value)}"
        )
