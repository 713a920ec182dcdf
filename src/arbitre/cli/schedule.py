"""`arbitre schedule`: the tours that cover a staffing requirement at the fewest paid hours."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from arbitre.cli.output import bold, err, fmt_num, fmt_pct, out, print_table
from arbitre.reports.planning import day_runs, shift_note
from arbitre.services.schedule import schedule_file, write_intervals_csv
from arbitre.staffing.document import FlowSchedule, ShiftDay
from arbitre.tabular import write_json

MAX_LISTED_INTERVALS = 20


def register(app: typer.Typer) -> None:
    app.command("schedule")(schedule)


def schedule(
    requirements: Annotated[
        Path,
        typer.Argument(
            metavar="REQUIREMENTS",
            help="CSV or Parquet: interval_start (ISO 8601 with offset), agents, optionally flow.",
        ),
    ],
    rules: Annotated[
        Path | None,
        typer.Option(help="Shift rules YAML (default: the French contact-centre example, 35-hour weeks)."),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the per-interval coverage to this CSV file.")
    ] = None,
    total: Annotated[
        bool, typer.Option("--total", help="Schedule the total of all flows instead of each flow.")
    ] = False,
    time_limit: Annotated[
        float, typer.Option(min=0.1, help="Seconds the solver may spend on each flow.")
    ] = 30.0,
    mip_gap: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Relative gap to the optimum at which to stop.")
    ] = 0.005,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file even if this command did not write it.")
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Shift scheduling: weekly tours covering the agents needed per interval at the fewest paid hours."""
    document = schedule_file(requirements, rules=rules, total=total, time_limit_s=time_limit, mip_gap=mip_gap)
    if out_file is not None:
        write_intervals_csv(document, path=out_file, force=force)
        err.print(f"Coverage per interval: {out_file}")
    if json:
        write_json(document.model_dump(mode="json"))
        return
    for flow in document.flows:
        _print_flow(flow)


def _print_flow(flow: FlowSchedule) -> None:
    name = flow.flow or "requirement"
    weeks = flow.weeks
    out.print(
        Text.assemble(
            bold(name),
            f" — {weeks} week{'s' if weeks > 1 else ''} from {flow.first_monday}, "
            f"{flow.interval_min}-min intervals; solver: {flow.status}, gap {fmt_pct(flow.gap)}, "
            f"{flow.solve_s:.1f} s",
        )
    )
    print_table(
        None,
        [
            "paid hours",
            "required hours",
            "efficiency",
            "under-covered h",
            "of which uncoverable",
            "over-covered h",
            "agents",
        ],
        [
            [
                fmt_num(flow.paid_hours, 1),
                fmt_num(flow.required_hours, 1),
                fmt_pct(flow.efficiency),
                fmt_num(flow.under_hours, 1),
                fmt_num(flow.uncoverable_hours, 1),
                fmt_num(flow.over_hours, 1),
                " / ".join(str(n) for n in flow.agents_per_week),
            ]
        ],
    )
    print_table(
        None,
        ["agents", "shift", "week of", "days", "hours", "breaks"],
        [
            [
                str(t.agents),
                t.shift,
                t.week_start.isoformat(),
                day_runs(t.days),
                _hours(t.shifts),
                " ".join(s.break_start for s in t.shifts if s.break_start) or "—",
            ]
            for t in flow.tours
        ],
    )
    short = [r for r in flow.intervals if r.under > 0]
    if short:
        shown = short[:MAX_LISTED_INTERVALS]
        print_table(
            f"Under-covered intervals ({len(short)})",
            ["interval", "required", "scheduled", "missing"],
            [
                [r.interval_start, fmt_num(r.required, 1), str(r.scheduled), fmt_num(r.under, 1)]
                for r in shown
            ],
        )
        if len(short) > len(shown):
            out.print(f"… and {len(short) - len(shown)} more (--out writes them all)")
    for note in flow.notes:
        err.print(f"note: {shift_note(note)}", markup=False)


def _hours(shifts: list[ShiftDay]) -> str:
    times = {(s.start, s.end) for s in shifts}
    if len(times) == 1:
        start, end = times.pop()
        return f"{start}-{end}"
    return ", ".join(f"{s.day} {s.start}-{s.end}" for s in shifts)
