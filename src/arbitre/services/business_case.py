"""The business case of a workspace's decision as an HTML or PDF document.

The report is drawn from the decision document (`services.decide`): the latest recorded decision
when its inputs are still those of the workspace (costs, offers, frame, interactions), otherwise a
new decision. Charts are Vega-Lite specs drawn to SVG offline; the PDF is the same HTML through
WeasyPrint, so both say the same thing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arbitre.reports import decision_charts
from arbitre.reports import decision_format as fmt
from arbitre.reports.html import Format, pct, render_page, write_document
from arbitre.reports.render import to_svg
from arbitre.services.decide import current_decision, decide
from arbitre.store.workspace import Workspace


def business_case(ws: Workspace, *, fresh: bool = False) -> dict[str, Any]:
    """The decision the report shows: the recorded one if its inputs are unchanged, else a new one."""
    if not fresh:
        document = current_decision(ws)
        if document is not None:
            return document
    return decide(ws)


def render_business_case(document: dict[str, Any], *, lang: str = "fr") -> str:
    """The business case as one self-contained HTML page (charts inline)."""
    scenarios = document["scenarios"]
    recommended = next(s for s in scenarios if s["name"] == document["recommended"])
    baseline = scenarios[0]
    npv = decision_charts.scenario_bars(scenarios, recommended=document["recommended"], lang=lang)
    cumulative = decision_charts.cumulative_cost(
        {fmt.scenario_label(s["name"], lang): s["monthly"] for s in scenarios},
        start_month=document["frame"]["start_month"],
        lang=lang,
    )
    tornado_svg = (
        to_svg(decision_charts.tornado(document["sensitivity"], lang=lang), lang=lang)
        if document["sensitivity"]
        else ""
    )
    line_names = list(dict.fromkeys(k for f in document["flows"] for k in f["inhouse"]["lines"]))
    return render_page(
        "business_case.html",
        lang=lang,
        d=document,
        rec=recommended,
        base=baseline,
        inhouse=next((s for s in scenarios if s["name"] == "all-in-house"), None),
        line_names=line_names,
        label=lambda name: fmt.scenario_label(name, lang),
        colon="\u00a0:" if lang == "fr" else ":",
        fmt=fmt,
        sim=lambda x: (
            "—"
            if x is None
            else f"{pct(x['mean'], lang)} ({pct(x['ci_low'], lang)}–{pct(x['ci_high'], lang)})"
        ),
        npv_svg=to_svg(npv, lang=lang),
        cumulative_svg=to_svg(cumulative, lang=lang),
        tornado_svg=tornado_svg,
    )


def write_business_case(
    ws: Workspace,
    document: dict[str, Any],
    *,
    fmt: Format = "html",
    lang: str = "fr",
    path: Path | None = None,
) -> Path:
    """Write the report (atomically: a reader never sees half a file) and return its path."""
    html = render_business_case(document, lang=lang)
    name = "dossier-de-decision" if lang == "fr" else "business-case"
    target = path or ws.reports_dir / f"{name}.{fmt}"
    return write_document(html, target, fmt=fmt)


__all__ = ["business_case", "render_business_case", "write_business_case"]
