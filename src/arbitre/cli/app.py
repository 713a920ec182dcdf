"""The `arbitre` command: entry points parse, call one service, format (specs/cli.md)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import typer

from arbitre.cli import (
    analyse,
    decide,
    demo,
    forecast,
    govern,
    plan,
    report,
    schedule,
    simulate,
    staff,
    workspace,
)
from arbitre.cli.output import err
from arbitre.errors import ArbitreError, RejectedRows

app = typer.Typer(
    name="arbitre",
    help="Arbitre: which contact flows to keep, outsource or split — and the provider refereed every month.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
workspace.register(app)
analyse.register(app)
staff.register(app)
schedule.register(app)
forecast.register(app)
plan.register(app)
simulate.register(app)
decide.register(app)
govern.register(app)
report.register(app)
demo.register(app)

MAX_LISTED_ERRORS = 1000


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input gives a one-line error on stderr and exit 1 (a rejected file: every row, then one line)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except RejectedRows as exc:
            for error in exc.errors[:MAX_LISTED_ERRORS]:
                err.print(str(error), markup=False)
            if len(exc.errors) > MAX_LISTED_ERRORS:
                err.print(f"… and {len(exc.errors) - MAX_LISTED_ERRORS} more errors", markup=False)
            err.print(f"arbitre: error: {exc}", markup=False)
            raise typer.Exit(1) from None
        except ArbitreError as exc:
            err.print(f"arbitre: error: {exc}", markup=False)
            raise typer.Exit(1) from None

    return run


for info in [
    *app.registered_commands,
    *(c for g in app.registered_groups if g.typer_instance for c in g.typer_instance.registered_commands),
]:
    assert info.callback is not None
    info.callback = _guarded(info.callback)


def main() -> None:
    """The console entry point."""
    app()


if __name__ == "__main__":
    main()
