"""The `forecast` command: expected contacts and handle time per flow and interval."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from arbitre.cli.output import err, fmt_num, fmt_pct, fmt_s, print_json, print_table
from arbitre.cli.progress import progress
from arbitre.forecast import DEFAULT_HORIZON_DAYS, MODELS
from arbitre.forecast.backtest import DEFAULT_WINDOWS
from arbitre.forecast.document import FlowBacktestResult, ForecastDocument
from arbitre.services.forecast import forecast_workspace, load_events, write_intervals
from arbitre.store.workspace import Workspace


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast)


def forecast(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="The workspace.")],
    horizon_days: Annotated[
        int, typer.Option(min=1, max=731, help="How many days to forecast.")
    ] = DEFAULT_HORIZON_DAYS,
    start: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="First day to forecast, YYYY-MM-DD (default: the day after the history). An earlier day forecasts from the history before it.",
        ),
    ] = None,
    backtest: Annotated[
        bool, typer.Option("--backtest", help="Also measure the error (WAPE, MAPE) on past windows.")
    ] = False,
    windows: Annotated[
        int, typer.Option(min=1, max=12, help="Backtest windows, each --horizon-days long.")
    ] = DEFAULT_WINDOWS,
    model: Annotated[str, typer.Option(help=f"Daily model: {', '.join(MODELS)}.")] = "auto",
    events: Annotated[
        Path | None,
        typer.Option(help="CSV of known events: name,start,end,multiplier,flow (docs/forecasting.md)."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the intervals to FILE.csv or FILE.parquet.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file even if this command did not write it.")
    ] = False,
    json: Annotated[
        bool, typer.Option("--json", help="Print the whole forecast as one JSON document.")
    ] = False,
) -> None:
    """Forecast contacts per flow and interval: a daily model × the intraday profile of each weekday."""
    known = load_events(events) if events else []
    ws = Workspace.open(directory)
    try:
        with progress("Forecasting every flow…", enabled=not json):
            document = forecast_workspace(
                ws,
                horizon_days=horizon_days,
                start=start.date() if start else None,
                model=model,
                events=known,
                run_backtest=backtest,
                windows=windows,
            )
    finally:
        ws.close()
    if out is not None:
        write_intervals(document, out, force=force)
        err.print(f"Intervals written to {out}")
    if json:
        print_json(document.model_dump(mode="json"))
        return
    _print_flows(document)
    _print_weeks(document)
    if document.backtest is not None:
        _print_backtest(document.backtest, horizon=document.horizon_days)


def _print_flows(document: ForecastDocument) -> None:
    rows = [
        [
            f.flow,
            f.model,
            fmt_num(f.history_days),
            fmt_num(f.contacts),
            fmt_num(f.contacts_per_day),
            f"{fmt_num(f.peak_day.contacts)} ({f.peak_day.date})",
            fmt_s(f.aht_s),
            ", ".join(f.closed_weekdays) or "—",
        ]
        for f in document.flows
    ]
    print_table(
        f"{document.workspace} — forecast {document.start} to {document.end} ({document.timezone})",
        ["flow", "model", "history days", "contacts", "per day", "peak day", "AHT", "closed"],
        rows,
    )


def _print_weeks(document: ForecastDocument) -> None:
    """Contacts per flow and week of the horizon (weeks counted from the first forecast day)."""
    first = document.start
    weeks: dict[int, dict[str, float]] = defaultdict(dict)
    for f in document.flows:
        for d in f.days:
            k = (d.date - first).days // 7
            weeks[k][f.flow] = weeks[k].get(f.flow, 0.0) + d.contacts
    flows = [f.flow for f in document.flows]
    rows = [
        [str(first + timedelta(days=7 * k)), *(fmt_num(weeks[k].get(fl)) for fl in flows)]
        for k in sorted(weeks)
    ]
    print_table("Contacts per week (from the day shown)", ["week of", *flows], rows)


def _print_backtest(backtests: list[FlowBacktestResult], *, horizon: int) -> None:
    rows = [
        [
            b.flow,
            b.model or "—",
            str(b.windows),
            fmt_pct(b.day.wape),
            fmt_pct(b.day.mape),
            fmt_pct(b.baseline.day.wape),
            fmt_pct(b.interval.wape),
            fmt_pct(b.interval.mape),
            fmt_pct(b.baseline.interval.wape),
            fmt_pct(b.day.bias),
        ]
        for b in backtests
    ]
    print_table(
        f"Backtest: {horizon}-day windows; baseline: seasonal naive (same day last week)",
        [
            "flow",
            "model",
            "windows",
            "day WAPE",
            "day MAPE",
            "baseline day WAPE",
            "interval WAPE",
            "interval MAPE",
            "baseline int. WAPE",
            "bias",
        ],
        rows,
    )
