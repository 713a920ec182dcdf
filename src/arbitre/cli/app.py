"""The `arbitre` command: entry points parse, call one service, format (specs/cli.md)."""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any

import typer

from arbitre.cli.output import err
from arbitre.errors import ArbitreError, RejectedCells, RejectedRows

# The modules of the commands, in the order `arbitre --help` lists them, and which module holds
# each command: `main` imports only the one it runs (importing them all takes seconds).
MODULES: tuple[str, ...] = (
    "workspace",
    "analyse",
    "staff",
    "schedule",
    "forecast",
    "plan",
    "simulate",
    "fit",
    "decide",
    "tender",
    "govern",
    "quality",
    "report",
    "serve",
    "demo",
)
COMMANDS: dict[str, str] = {
    "init": "workspace",
    "import": "workspace",
    "kpi": "analyse",
    "map": "analyse",
    "staff": "staff",
    "schedule": "schedule",
    "forecast": "forecast",
    "plan": "plan",
    "simulate": "simulate",
    "fit": "fit",
    "decide": "decide",
    "tender": "tender",
    "contract": "govern",
    "govern": "govern",
    "qa": "quality",
    "report": "report",
    "serve": "serve",
    "user": "serve",
    "token": "serve",
    "demo": "demo",
}

MAX_LISTED_ERRORS = 1000


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input gives a one-line error on stderr and exit 1 (a rejected file: every row, then one line)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (RejectedRows, RejectedCells) as exc:
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


def build(modules: Sequence[str] = MODULES) -> typer.Typer:
    """The `arbitre` application with the commands of ``modules`` (all of them by default)."""
    app = typer.Typer(
        name="arbitre",
        help="Arbitre: which contact flows to keep, outsource or split — and the provider refereed every month.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    # A group even with one command registered: `arbitre staff …` keeps its command name.
    app.callback()(_group)
    for name in modules:
        importlib.import_module(f"arbitre.cli.{name}").register(app)
    for info in [
        *app.registered_commands,
        *(c for g in app.registered_groups if g.typer_instance for c in g.typer_instance.registered_commands),
    ]:
        assert info.callback is not None
        info.callback = _guarded(info.callback)
    return app


def _group() -> None:
    """Arbitre: which contact flows to keep, outsource or split — and the provider refereed every month."""


def __getattr__(name: str) -> Any:
    # `from arbitre.cli.app import app`: the whole application, built on first use.
    if name == "app":
        app = build()
        globals()["app"] = app
        return app
    raise AttributeError(name)


def main() -> None:
    """The console entry point: loads the module of the command asked for, or all of them."""
    module = COMMANDS.get(sys.argv[1]) if len(sys.argv) > 1 else None
    build([module] if module else MODULES)()


if __name__ == "__main__":
    main()
