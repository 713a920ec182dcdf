"""Commands that create a workspace and feed it: `init`, `import`, `key rotate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from arbitre.cli.output import bold, err, fmt_num, print_json, print_table, status
from arbitre.domain.settings import WorkspaceSettings
from arbitre.errors import ArbitreError, InputError
from arbitre.ingest.mapping import load_mapping
from arbitre.services.imports import ImportSummary, import_file
from arbitre.store.workspace import Workspace

key_app = typer.Typer(help="The pseudonymisation key of a workspace (docs/privacy.md).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_)
    app.add_typer(key_app, name="key")


@key_app.command("rotate")
def rotate(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    who: Annotated[
        str | None, typer.Option("--as", help="Name recorded in the import log (default: the login name).")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print what was done as JSON.")] = False,
) -> None:
    """Add a new key and re-pseudonymise the whole store with it, atomically (docs/privacy.md)."""
    from arbitre.services.keys import rotate_key

    ws = Workspace.open(directory)
    try:
        with status("Re-pseudonymising the store…"):
            done = rotate_key(ws, who=who)
    finally:
        ws.close()
    if json:
        print_json(
            {"rotation_id": done.rotation_id, "keys": done.keys, "months": done.months, "rows": done.rows}
        )
        return
    err.print(
        f"Key rotated: {done.rows:,} contacts of {done.months} month(s) re-pseudonymised "
        f"(rotation {done.rotation_id}; {done.keys} keys in the chain). Back up .secret/pseudonym.key."
    )


def init(
    directory: Annotated[Path, typer.Argument(help="Folder of the new workspace (created if missing).")],
    name: Annotated[
        str | None, typer.Option(help="Company or project name (default: the folder's name).")
    ] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone of the company's clock.")] = "Europe/Paris",
    currency: Annotated[str, typer.Option(help="ISO 4217 currency of costs and prices.")] = "EUR",
    interval_min: Annotated[int, typer.Option(help="Interval length in minutes: 15, 30 or 60.")] = 30,
    database_url: Annotated[
        str | None,
        typer.Option(help="SQLAlchemy URL of the app database (default: SQLite in the workspace)."),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print the settings as JSON.")] = False,
) -> None:
    """Create a workspace: settings file, app database (migrated), interaction store."""
    try:
        settings = WorkspaceSettings(
            name=name or directory.resolve().name,
            timezone=timezone,
            currency=currency,
            interval_min=interval_min,  # type: ignore[arg-type]
            database_url=database_url,
        )
    except ValueError as exc:
        raise InputError(_first_error(exc)) from None
    ws = Workspace.init(directory, settings=settings)
    if json:
        print_json({"workspace": str(ws.root), "settings": settings.model_dump(mode="json")})
    else:
        err.print(
            Text.assemble(
                "Workspace ",
                bold(settings.name),
                f" created in {ws.root} ({settings.timezone}, {settings.currency}, {settings.interval_min}-minute intervals).",
            )
        )
        err.print(f"Next: arbitre import {ws.root} FILE.csv   (docs/import.md)")


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        return f"--{field.replace('_', '-')}: {first['msg'].removeprefix('Value error, ')}"
    return str(exc)


def import_(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    files: Annotated[list[Path], typer.Argument(help="CSV, Parquet or JSON-lines files of interactions.")],
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping", "-m", help="Column-mapping YAML for exports that do not use the canonical names."
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict/--skip-invalid",
            help="--strict (default) imports a file whole or not at all; --skip-invalid keeps the good rows and writes the rejected ones beside the file.",
        ),
    ] = True,
    who: Annotated[
        str | None,
        typer.Option(
            "--as", help="Name recorded in the import log (default: $ARBITRE_USER or the login name)."
        ),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print the import summaries as JSON.")] = False,
) -> None:
    """Import interaction files: validated, pseudonymised, deduplicated, one atomic commit per file."""
    ws = Workspace.open(directory)
    spec = load_mapping(mapping) if mapping else None
    summaries: list[ImportSummary] = []
    try:
        for file in files:
            with status(f"Importing {file.name}…"):
                try:
                    summary = import_file(ws, file, mapping=spec, skip_invalid=not strict, who=who)
                except ArbitreError as exc:
                    # Each file is its own commit: say which ones went in before this one failed.
                    if summaries:
                        done = ", ".join(f"{Path(s.file).name} (import {s.import_id})" for s in summaries)
                        exc.add_note(f"committed before this error: {done}")
                    raise
            summaries.append(summary)
            if not json:
                for error in summary.errors:
                    err.print(str(error), markup=False)
    finally:
        ws.close()
    if json:
        print_json([s.as_dict() for s in summaries])
        return
    rows = [
        [
            Path(s.file).name,
            fmt_num(s.rows_read),
            fmt_num(s.inserted),
            fmt_num(s.updated),
            fmt_num(s.unchanged),
            fmt_num(s.duplicates),
            fmt_num(s.rejected),
        ]
        for s in summaries
    ]
    print_table(
        "Import", ["file", "rows", "inserted", "updated", "unchanged", "duplicates", "rejected"], rows
    )
    for s in summaries:
        if s.filtered:
            err.print(f"{Path(s.file).name}: {s.filtered} rows left out by the mapping's `where`.")
        if s.rejected_file:
            err.print(f"{Path(s.file).name}: rejected rows written to {s.rejected_file}")
