"""Activity mapping service: the workspace's interactions → the map (JSON) and its HTML report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from arbitre.domain.channels import Channel
from arbitre.kpi.engine import compute_kpis
from arbitre.mapping.profile import Profile, profile
from arbitre.mapping.queries import flow_counts, handle_times, languages, period
from arbitre.reports import charts
from arbitre.reports import decision_format as fmt
from arbitre.reports.html import render_page
from arbitre.reports.i18n import t
from arbitre.reports.render import to_svg
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace


def activity_map(ws: Workspace, *, first: date | None = None, last: date | None = None) -> dict[str, Any]:
    """The map of the workspace's activity, one entry per flow and channel (see docs/mapping.md).

    ``first`` and ``last`` bound the period (local days, included; None: all the store). Service
    level, abandonment and ASA count the contacts arriving within each flow's opening hours
    (`KpiRules.within`); the contacts arriving while closed are their own figure
    (``outside_hours``): unserved demand for calls and chats, work deferred to the next opening
    for e-mail, back-office and social messages.
    """
    settings = ws.settings
    tz, interval_min = settings.timezone, settings.interval_min
    con = connect(tz)
    try:
        source = InteractionStore(ws).window_sql(tz=tz, first=first, last=last)
        span = period(con, source, tz=tz)
        counts = flow_counts(con, source, tz=tz, interval_min=interval_min)
        handles = handle_times(con, source)
        langs = languages(con, source)
        rules = settings.kpi_rules()
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
        p = profile(c, hours=hours, bands=settings.hour_bands)
        label = settings.flows[flow].label if flow in settings.flows else None
        flows.append(
            _flow_entry(
                flow,
                channel,
                label,
                p,
                hours.describe(),
                handles.get(key),
                langs.get(key, []),
                kpis.get(key, {}),
                interval_min,
                len(c.dates),
            )
        )
    flows.sort(key=lambda f: -int(f["contacts"]))
    return {
        "workspace": settings.name,
        "timezone": tz,
        "interval_min": interval_min,
        "period": None
        if span is None
        else {"start": span[0].isoformat(), "end": span[1].isoformat(), "days": (span[1] - span[0]).days + 1},
        "bands": settings.hour_bands.model_dump(),
        "kpi_scope": rules.scope,
        "flows": flows,
    }


def _flow_entry(
    flow: str,
    channel: str,
    label: str | None,
    p: Profile,
    hours: dict[str, str],
    handle: Any,
    langs: list[tuple[str | None, int]],
    kpi: dict[str, Any],
    interval_min: int,
    days: int,
) -> dict[str, Any]:
    total = sum(n for _, n in langs) or 1
    return {
        "flow": flow,
        "channel": channel,
        "label": label,
        "contacts": p.contacts,
        "days": days,
        "contacts_per_day": p.contacts / days if days else None,
        "months": [{"month": m, "contacts": n} for m, n in p.months],
        "average_week": {
            "interval_min": interval_min,
            "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "mean_contacts": [[round(float(x), 3) for x in row] for row in p.average_week],
        },
        "peak_to_average": p.peak_to_average,
        "seasonal_peaks": {
            "months": [{"month": x.key, "contacts": x.contacts, "ratio": x.ratio} for x in p.peak_months],
            "weeks": [{"week": x.key, "contacts": x.contacts, "ratio": x.ratio} for x in p.peak_weeks],
            "days": [{"date": x.key, "contacts": x.contacts, "ratio": x.ratio} for x in p.peak_days],
        },
        "opening_hours": hours,
        "outside_opening_hours": p.outside_opening_share,
        "outside_hours": {**p.outside.model_dump(), "treatment": _treatment(channel)},
        "bands": p.band_shares,
        "handle_time": None
        if handle is None
        else {
            "contacts": handle.contacts,
            "mean_s": handle.mean_s,
            "p50_s": handle.p50_s,
            "p80_s": handle.p80_s,
            "p90_s": handle.p90_s,
            "p95_s": handle.p95_s,
        },
        "languages": [{"language": lang, "contacts": n, "share": n / total} for lang, n in langs],
        "kpis": {
            k: kpi.get(k)
            for k in (
                "offered",
                "answered",
                "abandoned",
                "outside_hours",
                "service_level",
                "abandon_rate",
                "asa_s",
                "aht_s",
                "fcr",
                "csat",
                "nps",
            )
        },
    }


def _treatment(channel: str) -> str | None:
    """What happens to a contact arriving while the flow is closed: ``unserved`` (a call or a
    chat nobody can answer), ``deferred`` (work handled at the next opening), None (outbound
    calls are made while open)."""
    c = Channel(channel)
    if c is Channel.VOICE_OUT:
        return None
    return "unserved" if c.realtime else "deferred"


def write_mapping_report(
    ws: Workspace, result: dict[str, Any], *, lang: str = "fr", path: Path | None = None
) -> Path:
    """The HTML report of the map, charts inline (SVG): one file that opens anywhere, offline."""
    flows = result["flows"]
    monthly = charts.monthly_curve(
        {f["flow"]: [(m["month"], m["contacts"]) for m in f["months"]] for f in flows},
        title=t("mapping.monthly", lang),
        lang=lang,
    )
    bands = charts.band_shares(
        {f["flow"]: f["bands"] for f in flows}, title=t("mapping.bands", lang), lang=lang
    )
    heatmaps = {
        f["flow"]: to_svg(
            charts.week_heatmap(
                np.asarray(f["average_week"]["mean_contacts"]),
                interval_min=result["interval_min"],
                title=f"{t('mapping.week', lang)} — {f['label'] or f['flow']}",
                lang=lang,
            ),
            lang=lang,
        )
        for f in flows
    }
    html = render_page(
        "mapping.html",
        lang=lang,
        result=result,
        fmt=fmt,
        colon="\u00a0:" if lang == "fr" else ":",
        monthly_svg=to_svg(monthly, lang=lang),
        bands_svg=to_svg(bands, lang=lang),
        heatmaps=heatmaps,
    )
    target = path or ws.reports_dir / ("cartographie.html" if lang == "fr" else "activity-map.html")
    target.write_text(html, encoding="utf-8")
    return target
