"""`arbitre COMMAND` loads the module of its command only, and the table saying which is right."""

from __future__ import annotations

import subprocess
import sys

import typer

from arbitre.cli import app as cli


def test_every_command_is_found_in_the_module_the_table_names() -> None:
    for module in cli.MODULES:
        one = cli.build([module])
        names = {c.name for c in one.registered_commands} | {g.name for g in one.registered_groups}
        assert names == {n for n, m in cli.COMMANDS.items() if m == module}, module
    assert set(cli.COMMANDS.values()) == set(cli.MODULES)


def test_a_command_alone_keeps_its_name() -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(
        cli.build(["staff"]),
        [
            "staff",
            "--volume",
            "100",
            "--interval",
            "1800",
            "--aht",
            "180",
            "--threshold",
            "20",
            "--sl",
            "0.8",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"agents": 14' in result.stdout
    assert isinstance(cli.app, typer.Typer)


def test_the_staff_command_does_not_import_the_other_commands() -> None:
    code = (
        "import sys; sys.argv = ['arbitre', 'staff', '--help']\n"
        "from arbitre.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('arbitre.services')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "['arbitre.services', 'arbitre.services.staff']"
