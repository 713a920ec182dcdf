"""Chart specifications of the business case (Vega-Lite): scenarios, cash flow, tornado.

Plain values in, a spec out, like `charts.py`: the HTML and PDF reports draw them with
`render.to_svg`, the web app with vega-embed.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from arbitre.decision.document import ScenarioResult, SensitivityBar
from arbitre.domain.month import Month
from arbitre.reports.charts import SCHEMA, Spec
from arbitre.reports.decision_format import scenario_label
from arbitre.reports.i18n import t


def scenario_bars(scenarios: Sequence[ScenarioResult], *, recommended: str, lang: str = "fr") -> Spec:
    """Present value of each scenario over the term, the recommended one highlighted."""
    values = [
        {
            "scenario": scenario_label(s.name, lang),
            "npv": float(s.npv),
            "kind": t("bc.recommended" if s.name == recommended else "bc.other", lang),
        }
        for s in scenarios
    ]
    return {
        "$schema": SCHEMA,
        "title": t("bc.chart_npv", lang),
        "data": {"values": values},
        "mark": {"type": "bar"},
        "width": 560,
        "height": {"step": 24},
        "encoding": {
            "y": {
                "field": "scenario",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": {"labelLimit": 240},
            },
            "x": {
                "field": "npv",
                "type": "quantitative",
                "title": t("bc.axis_npv", lang),
                "axis": {"format": "~s"},
            },
            "color": {
                "field": "kind",
                "type": "nominal",
                "title": None,
                "scale": {
                    "domain": [t("bc.recommended", lang), t("bc.other", lang)],
                    "range": ["#c2410c", "#9aa5b8"],
                },
            },
            "tooltip": [{"field": "scenario"}, {"field": "npv", "format": ",.0f"}],
        },
    }


def cumulative_cost(
    monthly: dict[str, Sequence[Decimal]], *, start_month: str | None, lang: str = "fr"
) -> Spec:
    """Cumulative cost month by month of each scenario: where the transition costs and where it pays."""
    values = []
    for name, months in monthly.items():
        total = Decimal(0)
        for i, m in enumerate(months, start=1):
            total += m
            values.append(
                {"scenario": name, "month": _label(start_month, i), "order": i, "cost": float(total)}
            )
    return {
        "$schema": SCHEMA,
        "title": t("bc.chart_cumulative", lang),
        "data": {"values": values},
        "mark": {"type": "line"},
        "width": 560,
        "height": 260,
        "encoding": {
            "x": {
                "field": "month",
                "type": "ordinal",
                "sort": {"field": "order"},
                "title": t("axis.month", lang),
                "axis": {"labelAngle": -90},
            },
            "y": {
                "field": "cost",
                "type": "quantitative",
                "title": t("bc.axis_cumulative", lang),
                "axis": {"format": "~s"},
            },
            "color": {"field": "scenario", "type": "nominal", "title": None},
            "tooltip": [{"field": "scenario"}, {"field": "month"}, {"field": "cost", "format": ",.0f"}],
        },
    }


def tornado(bars: Sequence[SensitivityBar], *, lang: str = "fr") -> Spec:
    """Savings at present value when each assumption moves down or up by its step, widest first."""
    values = []
    ordered = sorted(bars, key=lambda b: -abs(b.high - b.low))
    for rank, b in enumerate(ordered):
        base = float(b.base)
        label = f"{b.fr if lang == 'fr' else b.en} ±{100 * b.step:.0f} %"
        for side in ("low", "high"):
            values.append(
                {
                    "assumption": label,
                    "rank": rank,
                    "side": t(f"bc.{side}", lang),
                    "base": base,
                    "value": float(b.low if side == "low" else b.high),
                }
            )
    return {
        "$schema": SCHEMA,
        "title": t("bc.chart_tornado", lang),
        "data": {"values": values},
        "width": 560,
        "height": {"step": 26},
        "layer": [
            {
                "mark": {"type": "bar", "opacity": 0.9},
                "encoding": {
                    "y": {"field": "assumption", "type": "nominal", "sort": {"field": "rank"}, "title": None},
                    "x": {
                        "field": "base",
                        "type": "quantitative",
                        "title": t("bc.axis_savings", lang),
                        "axis": {"format": "~s"},
                        "scale": {"zero": False},
                    },
                    "x2": {"field": "value"},
                    "color": {
                        "field": "side",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": [t("bc.low", lang), t("bc.high", lang)],
                            "range": ["#3b6fb6", "#c2410c"],
                        },
                    },
                    "tooltip": [
                        {"field": "assumption"},
                        {"field": "side"},
                        {"field": "value", "format": ",.0f"},
                    ],
                },
            },
            {
                "mark": {"type": "rule", "color": "#1d2433"},
                "encoding": {"x": {"aggregate": "mean", "field": "base"}},
            },
        ],
    }


def _label(start_month: str | None, i: int) -> str:
    """The i-th month of the term (1-based) as YYYY-MM from ``start_month``, or M1, M2…"""
    if start_month is None:
        return f"M{i}"
    return Month.parse(start_month).shift(i - 1)
