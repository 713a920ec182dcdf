"""Chart specifications as data (Vega-Lite), shared by the HTML reports, the PDF and the web app.

Each function takes plain values and returns a spec; nothing here draws. `render.py` turns a spec
into SVG offline, the web app hands the same spec to vega-embed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from arbitre.reports.i18n import t

Spec = dict[str, Any]
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def week_heatmap(average_week: np.ndarray, *, interval_min: int, title: str, lang: str = "fr") -> Spec:
    """Heat map of the average week: weekday × interval of the day, colour = mean contacts."""
    days = [t(f"day.{d}", lang) for d in WEEKDAY_KEYS]
    values = []
    for d in range(average_week.shape[0]):
        for s in range(average_week.shape[1]):
            minute = s * interval_min
            values.append(
                {
                    "day": days[d],
                    "start": f"{minute // 60:02d}:{minute % 60:02d}",
                    "contacts": round(float(average_week[d, s]), 2),
                }
            )
    return {
        "$schema": SCHEMA,
        "title": title,
        "data": {"values": values},
        "mark": {"type": "rect"},
        "width": 640,
        "height": 170,
        "encoding": {
            "x": {
                "field": "start",
                "type": "ordinal",
                "title": t("axis.time_of_day", lang),
                "axis": {
                    "labelAngle": -90,
                    "labelExpr": "substring(datum.label, 3) == '00' ? datum.label : ''",
                },
            },
            "y": {"field": "day", "type": "ordinal", "sort": days, "title": None},
            "color": {
                "field": "contacts",
                "type": "quantitative",
                "title": t("axis.mean_contacts", lang),
                "scale": {"scheme": "orangered"},
            },
            "tooltip": [{"field": "day"}, {"field": "start"}, {"field": "contacts", "format": ".1f"}],
        },
    }


def monthly_curve(series: dict[str, Sequence[tuple[str, int]]], *, title: str, lang: str = "fr") -> Spec:
    """Contacts per month, one line per flow."""
    values = [
        {"flow": flow, "month": month, "contacts": n}
        for flow, points in series.items()
        for month, n in points
    ]
    return {
        "$schema": SCHEMA,
        "title": title,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "width": 640,
        "height": 260,
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": t("axis.month", lang)},
            "y": {"field": "contacts", "type": "quantitative", "title": t("axis.contacts", lang)},
            "color": {"field": "flow", "type": "nominal", "title": t("axis.flow", lang)},
            "tooltip": [{"field": "flow"}, {"field": "month"}, {"field": "contacts", "format": ","}],
        },
    }


def band_shares(shares: dict[str, dict[str, float | None]], *, title: str, lang: str = "fr") -> Spec:
    """Stacked bars: share of each flow's demand in the day, evening, night and weekend bands."""
    order = ["day", "evening", "night", "weekend"]
    values = [
        {"flow": flow, "band": t(f"band.{b}", lang), "order": order.index(b), "share": float(v)}
        for flow, bands in shares.items()
        for b, v in bands.items()
        if v is not None
    ]
    return {
        "$schema": SCHEMA,
        "title": title,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "width": 640,
        "height": {"step": 22},
        "encoding": {
            "y": {"field": "flow", "type": "nominal", "title": None},
            "x": {
                "field": "share",
                "type": "quantitative",
                "stack": "normalize",
                "axis": {"format": "%"},
                "title": t("axis.share", lang),
            },
            "color": {
                "field": "band",
                "type": "nominal",
                "sort": [t(f"band.{b}", lang) for b in order],
                "title": None,
                "scale": {"range": ["#9ecae1", "#fd8d3c", "#31378c", "#b15928"]},
            },
            "order": {"field": "order"},
            "tooltip": [{"field": "flow"}, {"field": "band"}, {"field": "share", "format": ".1%"}],
        },
    }
