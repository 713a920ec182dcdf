"""The `arbitre` command: entry points parse, call one service, format (docs/specs/cli.md).

No traceback reaches a user. Every error ends as one line on standard error and an exit code:
1 for bad input (an `ArbitreError`, a file that cannot be read or written, a value an engine
refuses), 2 for a usage error (an unknown option, a missing argument, a value of the wrong type,
a number that is not finite). ``--json`` output is printed only on success, so standard output
stays empty on error. A bug still prints one line (``arbitre: internal error: …``, exit 1);
``ARBITRE_DEBUG=1`` shows its traceback.
"""

from __future__ import annotations

import functools
import importlib
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.core import TyperGroup

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
    "key": "workspace",
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
MAX_WHOLE = 2**53  # whole numbers beyond it do not survive a float (the engines compute in floats)


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input gives a one-line error on stderr and exit 1 (a rejected file: every row, then one line)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        for name, value in kwargs.items():
            flag = f"--{name.replace('_', '-')}"
            if isinstance(value, float) and not math.isfinite(value):
                _fail(f"{flag}: expected a finite number, got {value}", code=2, usage=True)
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= MAX_WHOLE:
                _fail(
                    f"{flag}: expected a whole number below 2^53, got {str(value)[:20]}…", code=2, usage=True
                )
        try:
            return command(*args, **kwargs)
        except (RejectedRows, RejectedCells) as exc:
            for error in exc.errors[:MAX_LISTED_ERRORS]:
                err.print(str(error), markup=False)
            if len(exc.errors) > MAX_LISTED_ERRORS:
                err.print(f"… and {len(exc.errors) - MAX_LISTED_ERRORS} more errors", markup=False)
            _fail(_with_notes(exc))
        except ArbitreError as exc:
            _fail(_with_notes(exc))
        except (typer.Exit, typer.Abort):
            raise
        except OSError as exc:  # a file that cannot be read or written: say which, and why
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}")
        except ArithmeticError as exc:  # a number given out of range, a zero where a rate must be > 0
            _fail(
                f"a value given cannot be computed with ({type(exc).__name__}): a number too large, "
                "or a zero where a rate or a share must be positive, in the files or options given"
            )
        except ValueError as exc:  # an engine refusing a value a user gave
            _fail(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        except Exception as exc:
            if os.environ.get("ARBITRE_DEBUG"):
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            _fail(f"{type(exc).__name__}: {first} (ARBITRE_DEBUG=1 shows where)", internal=True)

    return run


def _with_notes(exc: BaseException) -> str:
    notes = getattr(exc, "__notes__", None) or []
    return "; ".join([str(exc), *notes])


def _fail(message: str, *, code: int = 1, usage: bool = False, internal: bool = False) -> None:
    kind = "internal error" if internal else "usage" if usage else "error"
    err.print(f"arbitre: {kind}: {' '.join(message.split())}", markup=False)
    raise typer.Exit(code)


class _OneLineErrors(TyperGroup):
    """Usage errors as one line (``arbitre: usage: …``, exit 2), not a framed help panel."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except Exception as exc:
            format_message = getattr(exc, "format_message", None)
            if format_message is None or not hasattr(exc, "exit_code"):
                raise
            command = getattr(getattr(exc, "ctx", None), "command_path", "arbitre")
            message = " ".join(str(format_message()).split())
            if message:  # empty: the help was shown (a group called alone)
                err.print(f"arbitre: usage: {message} (see {command} --help)", markup=False)
            result = int(exc.exit_code)
            if not standalone_mode:
                raise
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result


def build(modules: Sequence[str] = MODULES) -> typer.Typer:
    """The `arbitre` application with the commands of ``modules`` (all of them by default)."""
    app = typer.Typer(
        name="arbitre",
        cls=_OneLineErrors,
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
