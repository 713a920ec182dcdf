"""Chart specifications of the steering-committee report (Vega-Lite): each SLA and the money by month.

Plain values in, a spec out, like `charts.py` and `decision_charts.py`: the HTML and PDF reports
draw them with `render.to_svg`, the web app with vega-embed.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from arbitre.domain.kpis import SCORE_KPIS, SECONDS_KPIS
from arbitre.reports.charts import SCHEMA, Spec
from arbitre.reports.i18n import t

MET = "#15803d"
MISSED = "#b91c1c"
UNMEASURED = "#9aa5b8"
#: KPIs that are not a share of contacts: their axis reads as a number, not a percentage.
SECONDS = SECONDS_KPIS
SCORES = SCORE_KPIS


def sla_trend(
    points: Sequence[dict[str, Any]],
    *,
    name: str,
    kpi: str,
    window: str,
    target: float | None,
    lang: str = "fr",
) -> Spec:
    """One SLA's actual month by month, coloured met or missed, with its target as a dashed rule.

    ``points``: ``{"month": "2026-05", "actual": 0.75, "met": False}`` oldest first; ``actual`` is
    the KPI for a month window and the share of windows met for a day or interval window, so
    ``target`` is then the share of windows required (``min_share_of_windows``).

    >>> spec = sla_trend([{"month": "2026-05", "actual": 0.75, "met": False}], name="sl",
    ...                  kpi="service_level", window="month", target=0.8, lang="en")
    >>> spec["layer"][2]["data"]["values"]
    [{'target': 0.8}]
    """
    windowed = window != "month"
    share = windowed or kpi not in SECONDS | SCORES
    values = [
        {
            "month": p["month"],
            "actual": p["actual"],
            "result": _result(p.get("met"), lang),
        }
        for p in points
        if p.get("actual") is not None
    ]
    y = {
        "field": "actual",
        "type": "quantitative",
        "title": None,
        "axis": {"format": ".0%" if share else ",.0f" if kpi in SECONDS else ",.1f", "tickCount": 4},
        "scale": {"zero": False, "nice": True},
    }
    x = {
        "field": "month",
        "type": "ordinal",
        "title": None,
        "sort": None,
        "axis": {"labelAngle": -45},
    }
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "line", "color": "#5b6475"}, "encoding": {"x": x, "y": y}},
        {
            "mark": {"type": "point", "filled": True, "size": 70},
            "encoding": {
                "x": x,
                "y": y,
                "color": {
                    "field": "result",
                    "type": "nominal",
                    "legend": None,
                    "scale": {
                        "domain": [_result(True, lang), _result(False, lang), _result(None, lang)],
                        "range": [MET, MISSED, UNMEASURED],
                    },
                },
                "tooltip": [{"field": "month"}, {"field": "actual", "format": ".4~f"}, {"field": "result"}],
            },
        },
    ]
    if target is not None:
        layers.append(
            {
                "data": {"values": [{"target": target}]},
                "mark": {"type": "rule", "strokeDash": [5, 4], "color": "#1d2433"},
                "encoding": {"y": {"field": "target", "type": "quantitative"}},
            }
        )
    label = t(f"kpi.{kpi}", lang) + (f" — {t(f'gov.windows_met.{window}', lang)}" if windowed else "")
    return {
        "$schema": SCHEMA,
        "title": {"text": name, "subtitle": label, "anchor": "start", "fontSize": 13},
        "data": {"values": values},
        "width": 250,
        "height": 120,
        "layer": layers,
    }


def money_trend(trend: Sequence[dict[str, Any]], *, lang: str = "fr") -> Spec:
    """Fees, credits and net fees of each recorded month, side by side.

    ``trend``: ``{"month", "fees", "credits_total", "net_fees"}`` with decimal strings, oldest
    first (the ``trend`` of the monthly run); a missing amount is left out.
    """
    series = [
        ("fees", "gov.series.fees"),
        ("credits_total", "gov.series.credits"),
        ("net_fees", "gov.series.net_fees"),
    ]
    names = [t(key, lang) for _, key in series]
    values = [
        {"month": row["month"], "series": t(key, lang), "order": i, "amount": float(Decimal(row[field]))}
        for row in trend
        for i, (field, key) in enumerate(series)
        if row.get(field) is not None
    ]
    return {
        "$schema": SCHEMA,
        "title": t("gov.chart_money", lang),
        "data": {"values": values},
        "mark": {"type": "bar"},
        "width": max(360, 60 * len({row["month"] for row in trend})),
        "height": 180,
        "encoding": {
            "x": {
                "field": "month",
                "type": "ordinal",
                "title": None,
                "sort": None,
                "axis": {"labelAngle": 0},
            },
            "xOffset": {"field": "series", "sort": names},
            "y": {
                "field": "amount",
                "type": "quantitative",
                "title": t("gov.axis_amount", lang),
                "axis": {"format": "~s"},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": names, "range": ["#9aa5b8", MISSED, "#1d4ed8"]},
                "legend": {"orient": "bottom"},
            },
            "tooltip": [{"field": "month"}, {"field": "series"}, {"field": "amount", "format": ",.2f"}],
        },
    }


def _result(met: bool | None, lang: str) -> str:
    return t("gov.unmeasured" if met is None else "gov.met" if met else "gov.missed", lang)
