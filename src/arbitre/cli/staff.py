"""`arbitre staff`: the staffing calculator (docs/specs/cli.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from arbitre.cli.output import fmt_num, fmt_pct, fmt_s, print_json, print_table
from arbitre.services.staff import parse, read_intervals, staff, staff_table
from arbitre.staffing.document import StaffingAnswer
from arbitre.tabular import table_json, write_json


def register(app: typer.Typer) -> None:
    app.command("staff")(staff_command)


def staff_command(
    volume: Annotated[float | None, typer.Option(help="Contacts offered in the interval.")] = None,
    interval: Annotated[float | None, typer.Option(help="Interval length, seconds.")] = None,
    aht: Annotated[float | None, typer.Option(help="Mean handle time, seconds.")] = None,
    sl: Annotated[
        float | None,
        typer.Option(help="Service-level target: share answered within --threshold (0.8, not 80)."),
    ] = None,
    threshold: Annotated[float | None, typer.Option(help="Service-level threshold, seconds.")] = None,
    patience: Annotated[
        float | None,
        typer.Option(help="Mean customer patience, seconds: Erlang A when given, Erlang C otherwise."),
    ] = None,
    agents: Annotated[
        int | None, typer.Option(help="Evaluate this many agents instead of searching the minimum.")
    ] = None,
    max_occupancy: Annotated[float | None, typer.Option(help="Occupancy cap (a share).")] = None,
    shrinkage: Annotated[
        float | None, typer.Option(help="Share of paid time off the phones (breaks, training, absence).")
    ] = None,
    channel: Annotated[str | None, typer.Option(help="voice or chat.")] = None,
    concurrency: Annotated[
        int | None, typer.Option(help="Chats an agent handles at once (--channel chat).")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help="CSV or Parquet of intervals, columns named like the flags (max_occupancy…)."
        ),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="One JSON object (a list with --file).")] = False,
) -> None:
    """Agents needed to meet a service level, or what a number of agents delivers (Erlang C/A)."""
    flags: dict[str, object] = {
        "volume": volume,
        "interval": interval,
        "aht": aht,
        "sl": sl,
        "threshold": threshold,
        "patience": patience,
        "agents": agents,
        "max_occupancy": max_occupancy,
        "shrinkage": shrinkage,
        "channel": channel,
        "concurrency": concurrency,
    }
    if file is not None:
        columns, lines = read_intervals(file, {k: v for k, v in flags.items() if v is not None})
        table = staff_table(columns, lines=lines, file=str(file))
        if json:
            write_json(orjson.Fragment(table_json(table)))
        else:
            _table([StaffingAnswer.model_validate(row) for row in table.to_pylist()])
        return
    (answer,) = staff([parse(flags)])
    if json:
        print_json(answer.model_dump(mode="json"))
    else:
        _table([answer])


def _table(rows: list[StaffingAnswer]) -> None:
    print_table(
        None,
        ["model", "agents", "FTE", "load (Erl)", "service level", "P(wait)", "ASA", "abandon", "occupancy"],
        [
            [
                r.model,
                str(r.agents),
                fmt_num(r.fte, 2),
                fmt_num(r.load_erlangs, 2),
                fmt_pct(r.service_level),
                fmt_pct(r.p_wait),
                fmt_s(r.asa_s),
                fmt_pct(r.abandon_rate),
                fmt_pct(r.occupancy),
            ]
            for r in rows
        ],
    )
