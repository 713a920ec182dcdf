"""The business case of a decision as an HTML or PDF document.

Drawn from the decision document (`arbitre.decision.document.DecisionDocument`). Charts are
Vega-Lite specs drawn to SVG offline; the PDF is the same HTML through WeasyPrint, so both say
the same thing.
"""

from __future__ import annotations

from pathlib import Path

from arbitre.decision.document import DecisionDocument, Estimate
from arbitre.reports import decision_charts
from arbitre.reports import decision_format as fmt
from arbitre.reports.html import Format, pct, render_page, write_document
from arbitre.reports.render import to_svg

ALL_IN_HOUSE = "all-in-house"


def render_business_case(document: DecisionDocument, *, lang: str = "fr") -> str:
    """The business case as one self-contained HTML page (charts inline)."""
    scenarios = document.scenarios
    npv = decision_charts.scenario_bars(scenarios, recommended=document.recommended, lang=lang)
    cumulative = decision_charts.cumulative_cost(
        {fmt.scenario_label(s.name, lang): s.monthly for s in scenarios},
        start_month=document.frame.start_month,
        lang=lang,
    )
    tornado_svg = (
        to_svg(decision_charts.tornado(document.sensitivity, lang=lang), lang=lang)
        if document.sensitivity
        else ""
    )
    line_names = list(dict.fromkeys(k for f in document.flows for k in f.inhouse.lines))
    return render_page(
        "business_case.html",
        lang=lang,
        d=document,
        rec=document.recommended_scenario,
        base=scenarios[0],
        inhouse=next((s for s in scenarios if s.name == ALL_IN_HOUSE), None),
        line_names=line_names,
        label=lambda name: fmt.scenario_label(name, lang),
        colon="\u00a0:" if lang == "fr" else ":",
        fmt=fmt,
        sim=lambda x: _estimate(x, lang),
        npv_svg=to_svg(npv, lang=lang),
        cumulative_svg=to_svg(cumulative, lang=lang),
        tornado_svg=tornado_svg,
    )


def _estimate(x: Estimate | None, lang: str) -> str:
    if x is None:
        return "—"
    return f"{pct(x.mean, lang)} ({pct(x.ci_low, lang)}–{pct(x.ci_high, lang)})"


def write_business_case(
    document: DecisionDocument,
    folder: Path,
    *,
    fmt: Format = "html",
    lang: str = "fr",
    path: Path | None = None,
) -> Path:
    """Write the report (atomically: a reader never sees half a file) and return its path:
    ``dossier-de-decision.<fmt>`` (``business-case.<fmt>`` in English) in ``folder`` unless ``path``."""
    html = render_business_case(document, lang=lang)
    name = "dossier-de-decision" if lang == "fr" else "business-case"
    target = path or folder / f"{name}.{fmt}"
    return write_document(html, target, fmt=fmt)


__all__ = ["render_business_case", "write_business_case"]
