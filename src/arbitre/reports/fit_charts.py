"""Chart specifications of the model-fit report (Vega-Lite): predicted against observed, and the
survival curve of patience.

Plain values in, a spec out, like `charts.py`: the HTML report draws them with `render.to_svg`,
the web app with vega-embed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from arbitre.fit.results import KaplanMeier
from arbitre.reports.charts import SCHEMA, Spec
from arbitre.reports.words_fit import w

COLOURS = {"erlang_c": "#9aa5b8", "erlang_a": "#c2410c", "simulation": "#1d4ed8"}
MAX_POINTS = 500


def predicted_vs_observed(
    observed: Sequence[float],
    predicted: dict[str, Sequence[float]],
    volume: Sequence[float],
    *,
    kpi: str,
    title: str,
    lang: str = "fr",
) -> Spec:
    """One point per interval and model: observed share on x, predicted on y, sized by volume;
    the diagonal is a perfect prediction. At most `MAX_POINTS` intervals (the busiest).

    >>> spec = predicted_vs_observed([0.5], {"erlang_a": [0.6]}, [10.0], kpi="service_level", title="t", lang="en")
    >>> spec["layer"][1]["data"]["values"]
    [{'observed': 0.5, 'predicted': 0.6, 'volume': 10.0, 'model': 'Erlang A'}]
    """
    obs = np.asarray(observed, dtype=np.float64)
    vol = np.asarray(volume, dtype=np.float64)
    keep = np.argsort(-vol, kind="stable")[:MAX_POINTS]
    values = []
    for name, series in predicted.items():
        pred = np.asarray(series, dtype=np.float64)
        for i in keep.tolist():
            if np.isfinite(obs[i]) and np.isfinite(pred[i]):
                values.append(
                    {
                        "observed": round(float(obs[i]), 4),
                        "predicted": round(float(pred[i]), 4),
                        "volume": float(vol[i]),
                        "model": w(name, lang),
                    }
                )
    axis = {"format": ".0%"}
    scale = {"domain": [0, 1]}
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 300,
        "height": 300,
        "layer": [
            {
                "data": {"values": [{"x": 0, "y": 0}, {"x": 1, "y": 1}]},
                "mark": {"type": "line", "color": "#5b6475", "strokeDash": [4, 4]},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative", "scale": scale},
                    "y": {"field": "y", "type": "quantitative", "scale": scale},
                },
            },
            {
                "data": {"values": values},
                "mark": {"type": "circle", "opacity": 0.45},
                "encoding": {
                    "x": {
                        "field": "observed",
                        "type": "quantitative",
                        "title": f"{w(kpi, lang)} — {w('observed', lang).lower()}",
                        "axis": axis,
                        "scale": scale,
                    },
                    "y": {
                        "field": "predicted",
                        "type": "quantitative",
                        "title": f"{w(kpi, lang)} — {w('predicted', lang).lower()}",
                        "axis": axis,
                        "scale": scale,
                    },
                    "size": {
                        "field": "volume",
                        "type": "quantitative",
                        "legend": None,
                        "scale": {"range": [8, 120]},
                    },
                    "color": {
                        "field": "model",
                        "type": "nominal",
                        "title": w("model", lang),
                        "scale": {
                            "domain": [w(m, lang) for m in COLOURS],
                            "range": list(COLOURS.values()),
                        },
                    },
                },
            },
        ],
    }


def survival(km: KaplanMeier, *, mean_s: float | None, from_s: float, title: str, lang: str = "fr") -> Spec:
    """The Kaplan–Meier curve of patience with its 95 % band, and the exponential fit beside it
    (P(patience > t) = exp(−(t − from)/mean) beyond ``from_s``).

    >>> from arbitre.fit.results import SurvivalPoint
    >>> km = KaplanMeier(median_s=None, restricted_mean_s=9.0, horizon_s=10.0,
    ...                  curve=[SurvivalPoint(time_s=0.0, survival=1.0, ci_low=1.0, ci_high=1.0)])
    >>> [layer["mark"]["type"] for layer in survival(km, mean_s=60.0, from_s=5.0, title="t")["layer"]]
    ['area', 'line', 'line']
    """
    points = [
        {"t": p.time_s, "s": p.survival, "low": p.ci_low, "high": p.ci_high, "curve": w("km", lang)}
        for p in km.curve
    ]
    exp_points = (
        [
            {
                "t": p.time_s,
                "s": float(np.exp(-max(p.time_s - from_s, 0.0) / mean_s)),
                "curve": w("exponential", lang),
            }
            for p in km.curve
        ]
        if mean_s
        else []
    )
    x = {"field": "t", "type": "quantitative", "title": w("wait_s", lang)}
    y = {"field": "s", "type": "quantitative", "title": w("survival", lang), "axis": {"format": ".0%"}}
    colour = {
        "field": "curve",
        "type": "nominal",
        "title": None,
        "scale": {"domain": [w("km", lang), w("exponential", lang)], "range": ["#1d4ed8", "#c2410c"]},
    }
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 420,
        "height": 240,
        "layer": [
            {
                "data": {"values": points},
                "mark": {"type": "area", "opacity": 0.2, "color": "#1d4ed8", "interpolate": "step-after"},
                "encoding": {"x": x, "y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}},
            },
            {
                "data": {"values": points},
                "mark": {"type": "line", "interpolate": "step-after"},
                "encoding": {"x": x, "y": y, "color": colour},
            },
            {
                "data": {"values": exp_points},
                "mark": {"type": "line", "strokeDash": [6, 3]},
                "encoding": {"x": x, "y": y, "color": colour},
            },
        ],
    }
