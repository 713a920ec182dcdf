"""Flow workloads from the store: the reference period the decision prices, interval by interval."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np

from arbitre.costing.workload import FlowWorkload
from arbitre.domain.channels import Channel
from arbitre.domain.costing import DecisionSettings
from arbitre.domain.hours import WeeklyHours
from arbitre.errors import InputError
from arbitre.forecast import History
from arbitre.services.forecast import load_history
from arbitre.services.plan import flow_histories
from arbitre.staffing.workforce import band_of_intervals
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace

REFERENCE_MONTHS = 12


def until(history: History, last_day: date | None) -> History:
    """The history up to ``last_day`` included (all of it when None or later)."""
    if last_day is None or history.axis.days == 0:
        return history
    days = (last_day - history.axis.date_of(0)).days + 1
    if days >= history.axis.days:
        return history
    if days < 1:
        raise InputError(
            f"history_until {last_day} is before the first day of history {history.axis.date_of(0)}"
        )
    return history.head(days)


def build_workloads(
    ws: Workspace, *, decision: DecisionSettings, months: int = REFERENCE_MONTHS
) -> list[FlowWorkload]:
    """Every flow over the last ``months`` months of history (all of it when shorter).

    In scope: the flow's service hours from the decision (``FlowProfile.service_hours``), else its
    opening hours — demand outside them is evidence, not cost.
    """
    settings = ws.settings
    history = until(load_history(ws), decision.history_until)
    axis = history.axis
    days_kept = min(axis.days, round(months * 365.25 / 12))
    first = axis.days - days_kept
    keep = axis.day >= first
    zone = ZoneInfo(axis.tz)
    starts = axis.start_s[keep]
    local = [datetime.fromtimestamp(int(t), zone) for t in starts]
    weekday = np.array([d.weekday() for d in local], dtype=np.int64)
    minute = np.array([d.hour * 60 + d.minute for d in local], dtype=np.int64)
    band = band_of_intervals(weekday, minute, settings.hour_bands.minute_masks())
    known = flow_histories(ws)
    langs, talk = _languages_and_talk(ws)
    out = []
    for f, flow in enumerate(history.flows):
        offered = history.offered[f, keep]
        handled = history.handled[f, keep]
        handle = history.handle_s[f, keep]
        mean = handle.sum() / handled.sum() if handled.sum() > 0 else 300.0
        aht = np.where(handled > 0, handle / np.maximum(handled, 1.0), mean)
        channel = _channel(
            settings.flows[flow].channel if flow in settings.flows else None, known[flow].channel
        )
        open_ = settings.hours_of(flow).contains(weekday, minute)
        profile = decision.profile(flow)
        scope = (
            WeeklyHours.parse(profile.service_hours).contains(weekday, minute)
            if profile.service_hours
            else open_
        )
        out.append(
            FlowWorkload(
                flow=flow,
                channel=channel,
                interval_s=axis.interval_min * 60.0,
                start_s=starts.astype(np.int64),
                band=band,
                open_=open_,
                in_scope=scope,
                volume=offered,
                aht_s=aht,
                talk_s=np.full(offered.shape, talk.get(flow, mean)),
                targets=settings.targets_of(flow, channel),
                months=days_kept * 12 / 365.25,
                languages=langs.get(flow, {}),
                patience_s=known[flow].patience_s,
                contact_rate=known[flow].contact_rate,
            )
        )
    return out


def _channel(configured: Channel | None, seen: Channel) -> Channel:
    return configured or seen


def _languages_and_talk(ws: Workspace) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Share of contacts per language, and mean talk seconds of answered contacts, per flow."""
    con = connect(ws.settings.timezone)
    try:
        source = InteractionStore(ws).source_sql()
        rows = con.sql(
            f"SELECT flow, coalesce(language, '?') AS language, count(*) AS n FROM {source} GROUP BY ALL"
        ).fetchall()
        talk = dict(
            con.sql(
                f"SELECT flow, avg(talk_s) FROM {source} WHERE NOT abandoned AND answered_at IS NOT NULL GROUP BY flow"
            ).fetchall()
        )
    finally:
        con.close()
    totals: dict[str, int] = {}
    for flow, _, n in rows:
        totals[flow] = totals.get(flow, 0) + int(n)
    shares: dict[str, dict[str, float]] = {}
    for flow, language, n in rows:
        shares.setdefault(flow, {})[language] = int(n) / totals[flow]
    return shares, {k: float(v) for k, v in talk.items() if v is not None}
