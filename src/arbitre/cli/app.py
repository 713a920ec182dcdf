"""The `arbitre` command: entry points parse, call one service, format (specs/cli.md)."""

from __future__ import annotations

import sys

import typer

from arbitre.cli import analyse, demo, workspace
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
demo.register(app)

MAX_LISTED_ERRORS = 1000


def main() -> None:
    """Run the command; bad input gives a one-line error and exit 1, usage errors exit 2."""
    try:
        app()
    except RejectedRows as exc:
        for error in exc.errors[:MAX_LISTED_ERRORS]:
            err.print(str(error), markup=False)
        if len(exc.errors) > MAX_LISTED_ERRORS:
            err.print(f"… and {len(exc.errors) - MAX_LISTED_ERRORS} more errors", markup=False)
        err.print(f"arbitre: error: {exc}", markup=False)
        sys.exit(1)
    except ArbitreError as exc:
        err.print(f"arbitre: error: {exc}", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
