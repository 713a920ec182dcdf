"""`arbitre plan`: agents, people and paid hours per flow and interval for a period."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer

from arbitre.cli.output import err, fmt_num, fmt_pct, print_table, status
from arbitre.errors import InputError
from arbitre.services.forecast import load_events
from arbitre.services.plan import staffing_plan
from arbitre.store.workspace import Workspace
from arbitre.tabular import write_json, write_table


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)


def plan(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    start: Annotated[
        str | None, typer.Option(help="First day (YYYY-MM-DD); default: the day after the history.")
    ] = None,
    horizon_days: Annotated[int, typer.Option(help="Days to plan.")] = 28,
    flow: Annotated[list[str] | None, typer.Option("--flow", help="Only this flow (repeatable).")] = None,
    events: Annotated[
        Path | None, typer.Option(help="Known events CSV (name,start,end,multiplier,flow) for the forecast.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the intervals to a .csv or .parquet file.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file even if this command did not write it.")
    ] = False,
    json: Annotated[
        bool, typer.Option("--json", help="Print the plan as JSON (flows and intervals).")
    ] = False,
) -> None:
    """Requirements per flow and interval: forecast, Erlang A/C, chat, backlog deadlines, outbound."""
    try:
        first = date.fromisoformat(start) if start else None
    except ValueError:
        raise InputError(field="--start", expected="a date YYYY-MM-DD", got=start) from None
    ws = Workspace.open(directory)
    try:
        with status("Forecasting and sizing…"):
            document = staffing_plan(
                ws,
                start=first,
                horizon_days=horizon_days,
                events=tuple(load_events(events)) if events else (),
                flows=flow or None,
            )
    finally:
        ws.close()
    if out is not None:
        write_table(pa.Table.from_pylist(document["intervals"]), out, force=force)
        err.print(f"Intervals written to {out}")
    if json:
        write_json(document)
        return
    rows = []
    starts = {f["start"] for f in document["flows"]}
    for f in document["flows"]:
        bands = f["paid_hours_by_band"]
        total = f["paid_hours"] or 1.0
        rows.append(
            [
                f["flow"],
                *([f["start"]] if len(starts) > 1 else []),
                f["model"],
                fmt_num(f["contacts"]),
                str(f["peak_agents"]),
                fmt_num(f["paid_hours"]),
                fmt_num(f["fte"], 1),
                fmt_pct(bands["evening"] / total),
                fmt_pct(bands["weekend"] / total),
                fmt_num(f["paid_hours_outside_opening"]),
            ]
        )
    title = (
        f"{document['workspace']} — plan {document['start']} to {document['end']}"
        if len(starts) == 1
        else f"{document['workspace']} — plan of {horizon_days} days, each flow from the day after its history"
    )
    print_table(
        title,
        [
            "flow",
            *(["from"] if len(starts) > 1 else []),
            "model",
            "contacts",
            "peak agents",
            "paid hours",
            f"FTE ({document['contract_hours_per_week']:g} h/week)",
            "evening",
            "weekend",
            "hours outside opening",
        ],
        rows,
    )
    for w in document["warnings"]:
        err.print(f"warning: {w['message']}", markup=False)
