"""Activity mapping service: the workspace's interactions → the map (`ActivityMap`).

Gathers the aggregates of the store (contacts per flow, day and interval; handling times;
languages; the KPIs) and builds the map with the mapping engine (`arbitre.mapping`). Its HTML
report is `arbitre.reports.activity`.
"""

from __future__ import annotations

from datetime import date

from arbitre.kpi.engine import compute_kpis
from arbitre.mapping.document import ActivityMap, Period, flow_activity
from arbitre.mapping.profile import profile
from arbitre.mapping.queries import flow_counts, handle_times, languages, period
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace


def activity_map(ws: Workspace, *, first: date | None = None, last: date | None = None) -> ActivityMap:
    """The map of the workspace's activity, one entry per flow and channel (see docs/mapping.md).

    ``first`` and ``last`` bound the period (local days, included; None: all the store). Service
    level, abandonment and ASA count the contacts arriving within each flow's opening hours
    (`WorkspaceSettings.kpi_rules`); the contacts arriving while closed are their own figure
    (``outside_hours``): unserved demand for calls and chats, work deferred to the next opening
    for e-mail, back-office and social messages.
    """
    settings = ws.settings
    tz, interval_min = settings.timezone, settings.interval_min
    rules = settings.kpi_rules()
    con = connect(tz)
    try:
        source = InteractionStore(ws).window_sql(tz=tz, first=first, last=last)
        span = period(con, source, tz=tz)
        counts = flow_counts(con, source, tz=tz, interval_min=interval_min)
        handles = handle_times(con, source)
        langs = languages(con, source)
        kpis = {
            (r["flow"], r["channel"]): r
            for r in compute_kpis(
                con, source, by=["flow", "channel"], rules=rules, tz=tz, repeat_key="customer_key"
            )
        }
    finally:
        con.close()
    flows = []
    for key, c in counts.items():
        flow, channel = key
        hours = settings.hours_of(flow)
        flows.append(
            flow_activity(
                flow,
                channel,
                settings.flows[flow].label if flow in settings.flows else None,
                profile(c, hours=hours, bands=settings.hour_bands),
                hours=hours.describe(),
                handle=handles.get(key),
                langs=langs.get(key, []),
                kpis=kpis.get(key, {}),
                interval_min=interval_min,
                days=len(c.dates),
            )
        )
    flows.sort(key=lambda f: -f.contacts)
    return ActivityMap(
        workspace=settings.name,
        timezone=tz,
        interval_min=interval_min,
        period=None
        if span is None
        else Period(start=span[0], end=span[1], days=(span[1] - span[0]).days + 1),
        bands=settings.hour_bands,
        kpi_scope=rules.scope,
        flows=flows,
    )


__all__ = ["activity_map"]
