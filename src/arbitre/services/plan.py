"""The staffing plan: forecast → agents per flow and interval → people and paid hours.

For each flow, by its channel:

- voice and chat: Erlang A with the patience measured in the history (or set), Erlang C when
  nobody abandons; chat agents hold ``concurrency`` conversations (`staffing.concurrency`);
- e-mail, back-office, social: the backlog plan against the response deadline, agents working
  only within the flow's opening hours (`staffing.backlog`);
- outbound: the dialling workload of the forecast attempts (`staffing.outbound`).

Real-time demand outside opening hours is staffed too and reported apart: it is what the
in-house team does not cover today and what an evening or weekend provider would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
from pydantic import BaseModel

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.domain.channels import Channel
from arbitre.domain.targets import StaffingTargets
from arbitre.errors import InfeasibleError, InputError
from arbitre.fit.planning import PlanningPatience
from arbitre.forecast import Event, Forecast, History, forecast
from arbitre.services.fit import planning_inputs
from arbitre.services.forecast import load_history
from arbitre.staffing.requirement import requirement
from arbitre.staffing.workforce import BANDS, band_hours, band_of_intervals, fte
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace


@dataclass(frozen=True)
class FlowHistory:
    """What the history says about a flow beyond its volumes."""

    channel: Channel
    patience_s: float | None  # mean patience, exponential MLE; None when nobody abandoned
    contact_rate: float | None  # outbound: answered ÷ attempts
    fitted: PlanningPatience | None = None  # queued flows: the fit the patience comes from


def flow_histories(
    ws: Workspace, *, first: date | None = None, last: date | None = None
) -> dict[str, FlowHistory]:
    """Channel, patience and contact rate per flow, from the store (the local days ``first`` to
    ``last`` when given).

    Patience: with exponential patience, the maximum-likelihood rate is the number of abandons
    divided by the total time all queued contacts spent waiting (Mandelbaum & Zeltyn); short
    abandons are kept, they are impatience too. Only contacts arriving within the flow's opening
    hours count: a caller who hangs up on the closed message tells nothing of patience.
    Queued flows (voice, chat) take the patience and the model of their fit instead
    (`arbitre.services.fit.planning_inputs`, docs/model-fit.md): None under Erlang C.
    """
    tz = ws.settings.timezone
    local = f"timezone('{tz}', arrived_at)"
    con = connect(tz)
    try:
        rows = con.sql(
            f"""
            SELECT flow, channel, CAST(isodow({local}) - 1 AS INTEGER) AS wd,
                   CAST(hour({local}) * 60 + minute({local}) AS INTEGER) AS minute,
                   count(*) FILTER (WHERE abandoned AND ended_at IS NOT NULL) AS abandons,
                   coalesce(sum(CASE WHEN NOT abandoned AND answered_at IS NOT NULL THEN epoch(answered_at) - epoch(arrived_at)
                                     WHEN abandoned AND ended_at IS NOT NULL THEN epoch(ended_at) - epoch(arrived_at) END), 0) AS waited_s,
                   count(*) FILTER (WHERE NOT abandoned AND answered_at IS NOT NULL) AS answered,
                   count(*) AS offered
            FROM {InteractionStore(ws).window_sql(tz=tz, first=first, last=last)} GROUP BY ALL
            """
        ).to_arrow_table()
    finally:
        con.close()
    flows = table_column(rows, "flow")
    channels = table_column(rows, "channel")
    wd = rows.column("wd").to_numpy()
    minute = rows.column("minute").to_numpy()
    values = {
        k: rows.column(k).to_numpy().astype(np.float64)
        for k in ("abandons", "waited_s", "answered", "offered")
    }
    fits = planning_inputs(ws, last=last)
    out = {}
    for flow in sorted(set(flows)):
        mine = np.array([f == flow for f in flows])
        inside = mine & ws.settings.hours_of(flow).contains(wd, minute)
        abandons, waited = values["abandons"][inside].sum(), values["waited_s"][inside].sum()
        patience = float(waited / abandons) if abandons and waited else None
        offered = values["offered"][mine].sum()
        rate = float(values["answered"][mine].sum() / offered) if offered else None
        seen = [c for c, m in zip(channels, mine, strict=True) if m]
        channel = max(set(seen), key=seen.count)
        fitted = fits.get(flow)
        out[flow] = FlowHistory(Channel(channel), fitted.patience_s if fitted else patience, rate, fitted)
    return out


def table_column(table: pa.Table, name: str) -> list[str]:
    return [str(x) for x in table.column(name).to_pylist()]


def staffing_plan(
    ws: Workspace,
    *,
    start: date | None = None,
    horizon_days: int = 28,
    events: tuple[Event, ...] = (),
    flows: list[str] | None = None,
) -> dict[str, Any]:
    """The plan of every flow (or of ``flows``) for ``horizon_days`` from ``start``.

    Without ``start``, each flow is planned from the day after its own history: a flow whose
    contacts stopped (its work went to a provider) is not planned on months that have no data of
    it. ``warnings`` name a flow with no contact in its horizon, or planned from a forecast that
    bridges a gap after its history. FTE per week divide a week's paid hours by the contract hours
    of the days of that week in the horizon (a three-day week counts 3/7 of them).
    """
    if horizon_days < 1:
        raise InputError(field="--horizon-days", expected="a number of days ≥ 1", got=horizon_days)
    settings = ws.settings
    history = load_history(ws)
    if flows:
        unknown = [f for f in flows if f not in history.flows]
        if unknown:
            raise InputError(
                field="--flow",
                expected=f"a flow of the workspace ({', '.join(history.flows)})",
                got=unknown[0],
            )
        history = history.select([history.flows.index(f) for f in flows])
    known = flow_histories(ws)
    ends = _history_ends(history)
    out_flows: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    warnings: list[PlanWarning] = []
    for group_start, members in _groups(history, ends, start=start):
        result = forecast(
            history.select(members), start=group_start, horizon_days=horizon_days, events=events
        )
        axis = result.axis
        interval_s = axis.interval_min * 60.0
        zone = ZoneInfo(axis.tz)
        local = [datetime.fromtimestamp(int(t), zone) for t in axis.start_s]
        weekday = np.array([d.weekday() for d in local], dtype=np.int64)
        minute = np.array([d.hour * 60 + d.minute for d in local], dtype=np.int64)
        week = np.array([f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in local])
        days_in_week = _days_per_week(axis.first_day, horizon_days)
        band = band_of_intervals(weekday, minute, settings.hour_bands.minute_masks())
        for f, flow in enumerate(result.flows):
            info = known[flow]
            configured = settings.flows[flow].channel if flow in settings.flows else None
            channel = configured or info.channel
            targets = settings.targets_of(flow, channel)
            open_ = settings.hours_of(flow).contains(weekday, minute)
            agents, model, patience, late = _agents(
                result, f, channel=channel, targets=targets, info=info, open_=open_, interval_s=interval_s
            )
            shrink = float(targets.shrinkage or 0.0)
            people = fte(agents, shrinkage=shrink)
            hours = band_hours(agents, shrinkage=shrink, interval_s=interval_s, band=band)
            outside = band_hours(
                np.where(open_, 0, agents), shrinkage=shrink, interval_s=interval_s, band=band
            )
            paid_by_week = {
                w: float(people[week == w].sum() * interval_s / 3600.0) for w in dict.fromkeys(week.tolist())
            }
            weekly = settings.contract_hours_per_week
            contacts = float(result.volume[f].sum())
            end = ends[flow]
            warning = _warning(flow, end, axis.first_day, horizon_days, contacts)
            if warning is not None:
                warnings.append(warning)
            out_flows.append(
                {
                    "flow": flow,
                    "channel": channel.value,
                    "model": model,
                    "start": axis.first_day.isoformat(),
                    "end": axis.date_of(horizon_days - 1).isoformat(),
                    "history_end": None if end is None else end.isoformat(),
                    "targets": targets.model_dump(exclude_none=True),
                    "patience_s": patience,
                    "patience_source": None
                    if targets.patience_s or info.fitted is None
                    else info.fitted.source,
                    "contacts": contacts,
                    "peak_agents": int(agents.max()) if agents.size else 0,
                    "agent_hours": float(agents.sum() * interval_s / 3600.0),
                    "paid_hours": hours.total,
                    "paid_hours_by_band": hours.hours,
                    "paid_hours_outside_opening": outside.total,
                    "paid_hours_by_week": paid_by_week,
                    "fte_by_week": {w: h / (weekly * days_in_week[w] / 7) for w, h in paid_by_week.items()},
                    "fte": hours.total / (weekly * horizon_days / 7),
                    "late_work_s": late,
                }
            )
            for i in range(agents.size):
                records.append(
                    {
                        "flow": flow,
                        "interval_start": local[i].isoformat(),
                        "volume": round(float(result.volume[f, i]), 4),
                        "aht_s": None
                        if math.isnan(result.aht_s[f, i])
                        else round(float(result.aht_s[f, i]), 2),
                        "open": bool(open_[i]),
                        "band": BANDS[band[i]],
                        "agents": int(agents[i]),
                        "fte": round(float(people[i]), 4),
                    }
                )
    order = {f: i for i, f in enumerate(history.flows)}
    out_flows.sort(key=lambda x: order[x["flow"]])
    return {
        "workspace": settings.name,
        "timezone": history.axis.tz,
        "interval_min": history.axis.interval_min,
        "start": min(x["start"] for x in out_flows),
        "end": max(x["end"] for x in out_flows),
        "contract_hours_per_week": settings.contract_hours_per_week,
        "flows": out_flows,
        "warnings": [w.model_dump() for w in warnings],
        "intervals": records,
    }


# A flow planned this many days or more after its last contact is forecast over a gap: said.
GAP_WARNING_DAYS = 7


def _history_ends(history: History) -> dict[str, date | None]:
    """Each flow's last day of history (None: no contact at all): the store's last day, unless the
    flow's last contact is `GAP_WARNING_DAYS` or more before it (a flow closed at the weekend
    still has its Saturday and Sunday in its history; one whose work went elsewhere has not)."""
    daily = history.daily()
    out: dict[str, date | None] = {}
    for f, flow in enumerate(history.flows):
        active = np.flatnonzero(daily[f] > 0)
        if not active.size:
            out[flow] = None
            continue
        last = history.axis.date_of(int(active[-1]))
        out[flow] = history.last_day if (history.last_day - last).days < GAP_WARNING_DAYS else last
    return out


def _groups(
    history: History, ends: dict[str, date | None], *, start: date | None
) -> list[tuple[date, list[int]]]:
    """The flows to forecast together: all from ``start``, else by the day after their history."""
    if start is not None:
        return [(start, list(range(len(history.flows))))]
    groups: dict[date, list[int]] = {}
    for f, flow in enumerate(history.flows):
        end = ends[flow] or history.last_day
        groups.setdefault(end + timedelta(days=1), []).append(f)
    return sorted(groups.items())


def _days_per_week(first: date, days: int) -> dict[str, int]:
    """ISO week → days of the horizon in it."""
    out: dict[str, int] = {}
    for i in range(days):
        y, w, _ = (first + timedelta(days=i)).isocalendar()
        key = f"{y}-W{w:02d}"
        out[key] = out.get(key, 0) + 1
    return out


class PlanWarning(BaseModel):
    """A flow planned on no data: ``code`` ``no_contacts`` (nothing forecast in its horizon) or
    ``gap`` (its history ends well before the plan starts)."""

    flow: str
    code: Literal["no_contacts", "gap"]
    message: str


def _warning(flow: str, end: date | None, first: date, days: int, contacts: float) -> PlanWarning | None:
    """A flow planned on no data: nothing forecast, or a forecast across a gap after its history."""
    last = first + timedelta(days=days - 1)
    if end is None or contacts <= 0:
        when = "no contact in its history" if end is None else f"its history ends on {end.isoformat()}"
        return PlanWarning(
            flow=flow,
            code="no_contacts",
            message=f"{flow}: no contact forecast from {first.isoformat()} to {last.isoformat()} ({when})",
        )
    gap = (first - end).days - 1
    if gap >= GAP_WARNING_DAYS:
        return PlanWarning(
            flow=flow,
            code="gap",
            message=f"{flow}: its history ends on {end.isoformat()}, {gap} days before the plan starts: "
            "the forecast bridges a period with no data",
        )
    return None


def _agents(
    result: Forecast,
    f: int,
    *,
    channel: Channel,
    targets: StaffingTargets,
    info: FlowHistory,
    open_: BoolArray,
    interval_s: float,
) -> tuple[IntArray, str, float | None, float]:
    """Agents per interval of flow ``f``, the model used, the patience used, and late work."""
    try:
        need = requirement(
            channel=channel,
            volume=result.volume[f],
            aht_s=_fill_aht(result.aht_s[f]),
            interval_s=interval_s,
            targets=targets,
            open_=open_,
            patience_s=info.patience_s,
            contact_rate=info.contact_rate,
        )
    except InfeasibleError as exc:
        raise InputError(f"flow {result.flows[f]}: its targets cannot be met: {exc}") from None
    return need.agents, need.model, need.patience_s, need.late_s


def _fill_aht(aht: FloatArray) -> FloatArray:
    """Handle time where the forecast has none (no history in that slot): the flow's mean."""
    known = aht[np.isfinite(aht)]
    fill = float(known.mean()) if known.size else 300.0
    return np.where(np.isfinite(aht), aht, fill)


__all__ = ["FlowHistory", "flow_histories", "staffing_plan"]
