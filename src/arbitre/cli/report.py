"""`arbitre report`: the documents a director reads (the business case; the steering report later)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from arbitre.cli.output import err, out
from arbitre.errors import InputError
from arbitre.services.business_case import business_case as load_business_case
from arbitre.services.business_case import write_business_case
from arbitre.store.workspace import Workspace

FORMATS = ("html", "pdf")
LANGS = ("fr", "en")
report_app = typer.Typer(help="Reports: the business case of the decision.", no_args_is_help=True)


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
) -> None:
    """The business case: scenarios, per-flow reasons and allocation, sensitivity, inputs appendix."""
    if format not in FORMATS:
        raise InputError(field="--format", expected="html or pdf", got=format)
    if lang not in LANGS:
        raise InputError(field="--lang", expected="fr or en", got=lang)
    ws = Workspace.open(directory)
    try:
        with err.status("Preparing the business case…"):
            document = load_business_case(ws, fresh=fresh)
            path = write_business_case(
                ws, document, fmt="pdf" if format == "pdf" else "html", lang=lang, path=output
            )
    finally:
        ws.close()
    out.print(str(path))
