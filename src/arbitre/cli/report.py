"""`arbitre report`: the documents a director reads (the business case, the steering-committee report)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from arbitre.cli.output import out, status
from arbitre.errors import InputError
from arbitre.outputs import claim
from arbitre.reports.business_case import write_business_case
from arbitre.services.copil import copil as load_copil
from arbitre.services.copil import write_copil
from arbitre.services.decide import business_case as load_business_case
from arbitre.store.workspace import Workspace

FORMATS = ("html", "pdf")
LANGS = ("fr", "en")
report_app = typer.Typer(
    help="Reports: the business case of the decision, the steering committee of a contract's month.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


@report_app.command("business-case")
def business_case(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    format: Annotated[str, typer.Option("--format", help="html or pdf.")] = "html",
    lang: Annotated[str, typer.Option(help="Language of the report: fr or en.")] = "fr",
    output: Annotated[
        Path | None, typer.Option("--out", help="Where to write it (default: the workspace's reports/).")
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Decide again even if the recorded decision is current.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file even if it is not an Arbitre report.")
    ] = False,
) -> None:
    """The business case: scenarios, per-flow reasons and allocation, sensitivity, inputs appendix."""
    _check(format, lang)
    if output is not None:
        claim(output, force=force)
    ws = Workspace.open(directory)
    try:
        with status("Preparing the business case…"):
            document = load_business_case(ws, fresh=fresh)
            path = write_business_case(
                document, ws.reports_dir, fmt="pdf" if format == "pdf" else "html", lang=lang, path=output
            )
    finally:
        ws.close()
    out.print(str(path))


@report_app.command("copil")
def copil(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    month: Annotated[str, typer.Option("--month", help="The month to review, YYYY-MM.")],
    contract_id: Annotated[str | None, typer.Option("--contract", help="Only this contract.")] = None,
    format: Annotated[str, typer.Option("--format", help="html or pdf.")] = "html",
    lang: Annotated[str, typer.Option(help="Language of the report: fr or en.")] = "fr",
    output: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Where to write it (default: the workspace's reports/; one contract only)."
        ),
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Referee the month again even if a run is recorded.")
    ] = False,
    who: Annotated[
        str | None,
        typer.Option("--as", help="Who runs the month when it is refereed (default: the system user)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file even if it is not an Arbitre report.")
    ] = False,
) -> None:
    """The steering-committee report of a month: SLAs, credits, trends, volumes, invoice, actions.

    Drawn from the month's recorded run (`arbitre govern`); the month is refereed and recorded
    first when no run is recorded, or when the recorded one was month-to-date and the month is
    over. One report per contract in force.
    """
    _check(format, lang)
    if output is not None:
        claim(output, force=force)
    ws = Workspace.open(directory)
    try:
        with status(f"Preparing the steering-committee report of {month}…"):
            reports = load_copil(ws, month=month, contract_id=contract_id, fresh=fresh, who=who)
            if output is not None and len(reports) > 1:
                raise InputError(
                    f"{len(reports)} contracts are in force in {month}: give --contract with --out",
                    field="--out",
                )
            paths = [
                write_copil(ws, r, fmt="pdf" if format == "pdf" else "html", lang=lang, path=output)
                for r in reports
            ]
    finally:
        ws.close()
    for path in paths:
        out.print(str(path))


def _check(format: str, lang: str) -> None:
    if format not in FORMATS:
        raise InputError(field="--format", expected="html or pdf", got=format)
    if lang not in LANGS:
        raise InputError(field="--lang", expected="fr or en", got=lang)
