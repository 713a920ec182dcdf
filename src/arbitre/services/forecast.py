"""Forecast service: the workspace's history → expected contacts and handle time per flow and interval.

Gathers the contacts per flow and local interval with one aggregate over the interaction store,
runs the forecast engine (and its backtest when asked), and returns one JSON-ready document;
`write_intervals` writes the interval records as CSV or Parquet. See docs/forecasting.md.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from arbitre.errors import InputError
from arbitre.forecast import (
    DEFAULT_HORIZON_DAYS,
    MODELS,
    Errors,
    Event,
    FlowBacktest,
    Forecast,
    History,
    backtest,
    forecast,
    interval_axis,
)
from arbitre.forecast.backtest import DEFAULT_WINDOWS
from arbitre.kpi.buckets import time_key_sql
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from arbitre.tabular import write_table

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVENT_COLUMNS = ("name", "start", "end", "multiplier", "flow")
BASELINE_MODEL = "seasonal_naive_7d"


def load_history(ws: Workspace, *, last: date | None = None) -> History:
    """Contacts offered, handled and their handle time per flow and local interval of the workspace.

    One aggregate over the store (up to the local day ``last`` included, when given); intervals
    are the KPI engine's (``kpi.buckets``), in the workspace's time zone and interval length.
    Raises `InputError` when the store is empty.
    """
    tz, interval_min = ws.settings.timezone, ws.settings.interval_min
    bucket = time_key_sql("interval", column="arrived_at", tz=tz, interval_min=interval_min)
    con = connect(tz)
    try:
        source = InteractionStore(ws).window_sql(tz=tz, last=last)
        table = con.sql(
            f"""
            SELECT flow, {bucket} AS t, count(*) AS offered, count(h) AS handled,
                   coalesce(sum(h), 0) AS handle_s
            FROM (SELECT flow, arrived_at,
                         CASE WHEN NOT abandoned AND answered_at IS NOT NULL
                              THEN talk_s + hold_s + wrap_s END AS h
                  FROM {source}) AS contacts
            GROUP BY ALL ORDER BY flow, t
            """
        ).to_arrow_table()
    finally:
        con.close()
    if table.num_rows == 0:
        raise InputError(
            f"{ws.root}: no interactions to forecast from; import some first (arbitre import {ws.root} FILE)"
        )
    t = table.column("t").to_numpy().astype(np.int64)
    zone = ZoneInfo(tz)
    first = datetime.fromtimestamp(int(t.min()), zone).date()
    last = datetime.fromtimestamp(int(t.max()), zone).date()
    axis = interval_axis(first, (last - first).days + 1, tz=tz, interval_min=interval_min)
    flow_names = table.column("flow").to_pylist()
    flows = tuple(sorted(set(flow_names)))
    which = np.searchsorted(np.array(flows, dtype=object), np.array(flow_names, dtype=object))
    where = axis.interval_index(t)
    shape = (len(flows), axis.start_s.size)
    arrays = {}
    for name in ("offered", "handled", "handle_s"):
        values = np.zeros(shape)
        np.add.at(values, (which, where), table.column(name).to_numpy().astype(np.float64))
        arrays[name] = values
    return History(flows, axis, arrays["offered"], arrays["handled"], arrays["handle_s"])


def load_events(path: Path | str) -> list[Event]:
    """Known events from a CSV file: ``name,start,end[,multiplier][,flow]``, dates as YYYY-MM-DD.

    An empty ``multiplier`` is estimated from the event's past occurrences (same name); an empty
    ``flow`` applies to every flow. One row per event and flow.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read events file: {exc.strerror}", file=str(path)) from None
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    if any(c not in header for c in ("name", "start", "end")):
        raise InputError(
            file=str(path), line=1, expected=f"columns {', '.join(EVENT_COLUMNS)}", got=",".join(header)
        )
    return [_event(row, path, reader.line_num) for row in reader]


def _event(row: dict[str, str | None], path: Path, line: int) -> Event:
    name = (row.get("name") or "").strip()
    if not name:
        raise InputError(file=str(path), line=line, field="name", expected="an event name")
    start = _date(row.get("start"), path, line, "start")
    end = _date(row.get("end"), path, line, "end")
    if end < start:
        raise InputError(file=str(path), line=line, field="end", expected=f"a date ≥ start {start}", got=end)
    text = (row.get("multiplier") or "").strip()
    multiplier = None
    if text:
        try:
            multiplier = float(text)
        except ValueError:
            multiplier = math.nan
        if not (math.isfinite(multiplier) and multiplier >= 0):
            raise InputError(file=str(path), line=line, field="multiplier", expected="a number ≥ 0", got=text)
    flow = (row.get("flow") or "").strip()
    return Event(name, start, end, multiplier, frozenset([flow]) if flow else None)


def _date(text: str | None, path: Path, line: int, field: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise InputError(
            file=str(path), line=line, field=field, expected="a date YYYY-MM-DD", got=text
        ) from None


def forecast_workspace(
    ws: Workspace,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    start: date | None = None,
    model: str = "auto",
    events: Sequence[Event] = (),
    run_backtest: bool = False,
    windows: int = DEFAULT_WINDOWS,
) -> dict[str, Any]:
    """The forecast of every flow of the workspace as one JSON-ready document.

    ``start`` defaults to the day after the last day of history; an earlier one forecasts from the
    history before it. With ``run_backtest`` the document holds the rolling-origin backtest
    (``windows`` origins ``horizon_days`` apart) per flow.

    >>> doc = forecast_workspace(Workspace.open("acme"), horizon_days=28)  # doctest: +SKIP
    >>> doc["intervals"][0]  # doctest: +SKIP
    {'flow': 'sav', 'interval_start': '2026-01-01T00:00:00+01:00', 'volume': 0.0, 'aht_s': 312.4}
    """
    if horizon_days < 1:
        raise InputError(field="--horizon-days", expected="a number of days ≥ 1", got=horizon_days)
    if model not in MODELS:
        raise InputError(field="--model", expected=f"one of {', '.join(MODELS)}", got=model)
    history = load_history(ws)
    axis = history.axis
    if start is not None and start <= axis.first_day:
        raise InputError(
            field="--start", expected=f"a day after the first day of history, {axis.first_day}", got=start
        )
    result = forecast(history, start=start, horizon_days=horizon_days, model=model, events=events)
    document: dict[str, Any] = {
        "workspace": ws.settings.name,
        "timezone": axis.tz,
        "interval_min": axis.interval_min,
        "history": {
            "start": axis.first_day.isoformat(),
            "end": history.last_day.isoformat(),
            "days": axis.days,
        },
        "start": result.axis.first_day.isoformat(),
        "end": result.axis.date_of(horizon_days - 1).isoformat(),
        "horizon_days": horizon_days,
        "flows": _flows(result),
        "intervals": interval_records(result),
        "backtest": None,
    }
    if run_backtest:
        used = history if start is None else history.head(axis.day_index(start))
        document["backtest"] = [
            _backtest_entry(b)
            for b in backtest(used, horizon_days=horizon_days, windows=windows, model=model, events=events)
        ]
    return document


def interval_records(result: Forecast) -> list[dict[str, Any]]:
    """One record per flow and interval: flow, interval_start (ISO 8601 with offset), volume, aht_s."""
    zone = ZoneInfo(result.axis.tz)
    starts = [datetime.fromtimestamp(int(t), zone).isoformat() for t in result.axis.start_s]
    out: list[dict[str, Any]] = []
    for f, flow in enumerate(result.flows):
        volume = np.round(result.volume[f], 4).tolist()
        aht = np.round(result.aht_s[f], 2).tolist()
        out.extend(
            {"flow": flow, "interval_start": s, "volume": v, "aht_s": None if math.isnan(a) else a}
            for s, v, a in zip(starts, volume, aht, strict=True)
        )
    return out


def _flows(result: Forecast) -> list[dict[str, Any]]:
    dates = [d.isoformat() for d in result.axis.dates()]
    out = []
    for f, info in enumerate(result.info):
        volume = result.volume[f]
        aht = result.aht_s[f]
        weights = np.where(np.isnan(aht), 0.0, volume)
        mean_aht = float((weights * np.nan_to_num(aht)).sum() / weights.sum()) if weights.sum() > 0 else None
        daily = result.daily[f]
        out.append(
            {
                "flow": info.flow,
                "model": info.model,
                "history_start": info.first_day.isoformat() if info.first_day else None,
                "history_days": info.history_days,
                "contacts": float(daily.sum()),
                "contacts_per_day": float(daily.mean()),
                "peak_day": {"date": dates[int(daily.argmax())], "contacts": float(daily.max())},
                "aht_s": mean_aht,
                "closed_weekdays": [WEEKDAYS[d] for d in info.closed_weekdays],
                "odd_days": [d.isoformat() for d in info.odd_days],
                "events": [
                    {
                        "name": e.name,
                        "multiplier": e.multiplier,
                        "estimated": e.estimated,
                        "past_days": e.past_days,
                    }
                    for e in info.events
                ],
                "days": [
                    {"date": d, "contacts": round(float(v), 3)} for d, v in zip(dates, daily, strict=True)
                ],
            }
        )
    return out


def _errors(e: Errors) -> dict[str, Any]:
    def number(x: float) -> float | None:
        return None if math.isnan(x) else x

    return {"wape": number(e.wape), "mape": number(e.mape), "bias": number(e.bias), "points": e.points}


def _backtest_entry(b: FlowBacktest) -> dict[str, Any]:
    return {
        "flow": b.flow,
        "model": b.models[-1] if b.models else None,
        "models": list(b.models),
        "horizon_days": b.horizon_days,
        "windows": b.windows,
        "day": _errors(b.day),
        "interval": _errors(b.interval),
        "baseline": {
            "model": BASELINE_MODEL,
            "day": _errors(b.baseline_day),
            "interval": _errors(b.baseline_interval),
        },
    }


def write_intervals(document: dict[str, Any], path: Path | str, *, force: bool = False) -> Path:
    """Write the interval records of a forecast document as CSV or Parquet (by the file's suffix)."""
    path = Path(path)
    records = document["intervals"]
    table = pa.table(
        {
            "flow": pa.array([r["flow"] for r in records], pa.string()),
            "interval_start": pa.array([r["interval_start"] for r in records], pa.string()),
            "volume": pa.array([r["volume"] for r in records], pa.float64()),
            "aht_s": pa.array([r["aht_s"] for r in records], pa.float64()),
        }
    )
    if path.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(field="--out", expected="a file ending in .csv or .parquet", got=path.name)
    write_table(table, path, force=force)
    return path
