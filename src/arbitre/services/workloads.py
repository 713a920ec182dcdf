"""Flow workloads from the store: the reference period the decision prices, interval by interval.

The decision reads the store up to ``history_until`` only (`window`): months imported since —
the provider's, under the contract — never change a decision made on the history before them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from arbitre.costing.workload import FlowWorkload, scope_of
from arbitre.decision.blocks import INTERNAL, HandledBy
from arbitre.domain.channels import Channel
from arbitre.domain.costing import DecisionSettings, Offer
from arbitre.domain.hours import MINUTES_PER_DAY, WeeklyHours
from arbitre.domain.periods import calendar_months
from arbitre.errors import InputError
from arbitre.forecast import History
from arbitre.kpi.buckets import minute_of_week_sql
from arbitre.services.forecast import load_history
from arbitre.services.plan import flow_histories
from arbitre.staffing.workforce import BANDS, band_of_intervals
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace

REFERENCE_MONTHS = 12


@dataclass(frozen=True)
class Window:
    """The local days the decision reads: ``first`` to ``last`` included (``last`` the history's
    last day up to ``history_until``)."""

    first: date
    last: date

    @property
    def months(self) -> float:
        """Calendar months, a partial month counting its share of days: the year 2025 is 12.0
        (a practitioner's monthly average is the year's total ÷ 12)."""
        return calendar_months(self.first, self.last)


def window(history: History, *, months: int = REFERENCE_MONTHS) -> Window:
    """The reference period of a (cut) history: its last ``months`` months (all of it when shorter)."""
    days_kept = min(history.axis.days, round(months * 365.25 / 12))
    last = history.last_day
    return Window(first=last - timedelta(days=days_kept - 1), last=last)


def decision_history(ws: Workspace, decision: DecisionSettings) -> History:
    """The history the decision reads: the store up to ``history_until``."""
    return until(load_history(ws, last=decision.history_until), decision.history_until)


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


@dataclass(frozen=True)
class Facts:
    """What the decision reads of the reference period besides the volumes, in one scan of the
    store: each flow's share of contacts per language, mean talk seconds of its answered
    contacts, and who handled its contacts by hour band and language (today's set-up)."""

    languages: dict[str, dict[str, float]]
    talk_s: dict[str, float]
    handled_by: dict[str, HandledBy]


def reference_facts(ws: Workspace, span: Window) -> Facts:
    """The `Facts` of the reference period ``span``: one query with two grouping sets (per flow,
    site, language and minute of the week; per flow for the talk time)."""
    tz = ws.settings.timezone
    con = connect(tz)
    try:
        source = InteractionStore(ws).window_sql(tz=tz, first=span.first, last=span.last)
        table = con.sql(
            f"""
            SELECT flow, site, language, minute, count(*) AS n,
                   avg(talk_s) FILTER (WHERE NOT abandoned AND answered_at IS NOT NULL) AS talk_s,
                   GROUPING(site) AS per_flow
            FROM (SELECT flow, site, language, talk_s, abandoned, answered_at,
                         {minute_of_week_sql("arrived_at", tz)} AS minute FROM {source}) AS s
            GROUP BY GROUPING SETS ((flow, site, language, minute), (flow))
            """
        ).to_arrow_table()
    finally:
        con.close()
    per_flow = table.column("per_flow").to_numpy().astype(bool)
    flows = table.column("flow").to_pylist()
    talk = {
        str(f): float(v)
        for f, v, whole in zip(flows, table.column("talk_s").to_pylist(), per_flow, strict=True)
        if whole and v is not None
    }
    detail = table.filter(~per_flow)
    masks = ws.settings.hour_bands.minute_masks()
    minute = detail.column("minute").to_numpy().astype(np.int64)
    band = band_of_intervals(minute // MINUTES_PER_DAY, minute % MINUTES_PER_DAY, masks)
    counts: dict[str, dict[tuple[str, str, str | None], float]] = {}
    by_language: dict[str, dict[str, int]] = {}
    for flow, site, language, b, n in zip(
        detail.column("flow").to_pylist(),
        detail.column("site").to_pylist(),
        detail.column("language").to_pylist(),
        band.tolist(),
        detail.column("n").to_pylist(),
        strict=True,
    ):
        key = (str(site), BANDS[b], language)
        mine = counts.setdefault(str(flow), {})
        mine[key] = mine.get(key, 0.0) + float(n)
        spoken = by_language.setdefault(str(flow), {})
        spoken[language or "?"] = spoken.get(language or "?", 0) + int(n)
    shares = {
        flow: {lang: n / sum(per.values()) for lang, n in per.items()} for flow, per in by_language.items()
    }
    return Facts(shares, talk, {flow: HandledBy(c) for flow, c in counts.items()})


def build_workloads(
    ws: Workspace,
    *,
    decision: DecisionSettings,
    history: History,
    facts: Facts,
    months: int = REFERENCE_MONTHS,
) -> list[FlowWorkload]:
    """Every flow over the last ``months`` months of ``history`` (the store up to
    ``history_until``, `decision_history`), with the ``facts`` of that period.

    Served: the flow's service hours from the decision (``FlowProfile.service_hours``), else its
    opening hours. Workload (`scope_of`): every contact of deferred work — what arrives while
    closed is handled at the next opening — and the calls and chats arriving while served; calls
    and chats arriving outside are unserved demand, reported (`FlowWorkload.count`), not priced.
    """
    settings = ws.settings
    axis = history.axis
    span = window(history, months=months)
    days_kept = (span.last - span.first).days + 1
    first = axis.days - days_kept
    keep = axis.day >= first
    zone = ZoneInfo(axis.tz)
    starts = axis.start_s[keep]
    local = [datetime.fromtimestamp(int(t), zone) for t in starts]
    weekday = np.array([d.weekday() for d in local], dtype=np.int64)
    minute = np.array([d.hour * 60 + d.minute for d in local], dtype=np.int64)
    band = band_of_intervals(weekday, minute, settings.hour_bands.minute_masks())
    known = flow_histories(ws, first=span.first, last=span.last)
    langs, talk = facts.languages, facts.talk_s
    out = []
    for f, flow in enumerate(history.flows):
        offered = history.offered[f, keep]
        handled = history.handled[f, keep]
        handle = history.handle_s[f, keep]
        mean = handle.sum() / handled.sum() if handled.sum() > 0 else 300.0
        aht = np.where(handled > 0, handle / np.maximum(handled, 1.0), mean)
        if flow not in known:
            continue  # no contact in the reference period (a flow of older months only)
        channel = _channel(
            settings.flows[flow].channel if flow in settings.flows else None, known[flow].channel
        )
        profile = decision.profile(flow)
        hours = WeeklyHours.parse(profile.service_hours) if profile.service_hours else settings.hours_of(flow)
        served = hours.contains(weekday, minute)
        out.append(
            FlowWorkload(
                flow=flow,
                channel=channel,
                interval_s=axis.interval_min * 60.0,
                start_s=starts.astype(np.int64),
                band=band,
                open_=served,
                in_scope=scope_of(channel, served),
                volume=offered,
                aht_s=aht,
                talk_s=np.full(offered.shape, talk.get(flow, mean)),
                targets=settings.targets_of(flow, channel),
                months=span.months,
                languages=langs.get(flow, {}),
                patience_s=known[flow].patience_s,
                contact_rate=known[flow].contact_rate,
                hours=hours.describe(),
            )
        )
    return out


def _channel(configured: Channel | None, seen: Channel) -> Channel:
    return configured or seen


def current_offers(
    offers: Sequence[Offer], sites: set[str], *, by_flow: dict[str, set[str]]
) -> dict[str, str]:
    """The offer that prices each provider site of today's set-up (``Offer.site``; when several
    offers name the site, the one marked ``current``).

    Raises `InputError` naming the flow and the site when no offer (or more than one unmarked)
    gives a site's current price: savings cannot be measured against today without it.
    """
    out: dict[str, str] = {}
    for site in sorted(sites - {INTERNAL}):
        flows = ", ".join(sorted(f for f, s in by_flow.items() if site in s))
        named = [o for o in offers if o.site == site]
        if len(named) > 1:
            named = [o for o in named if o.current]
        if not named:
            raise InputError(
                f"{flows}: handled today by {site}; its current price is needed to cost today's set-up "
                f"(add its offer or contract price as offers/*.yaml with site: {site})",
                field="offers",
                expected=f"an offer with site: {site}",
                got="none",
            )
        if len(named) > 1:
            raise InputError(
                f"{flows}: several offers name the site {site}; mark today's price with current: true",
                field="offers",
                expected="one offer with current: true",
                got=", ".join(o.id for o in named),
            )
        out[site] = named[0].id
    return out
