"""Charts drawn offline: a Vega-Lite spec to SVG with vl-convert (no browser, no network)."""

from __future__ import annotations

import vl_convert as vlc

from arbitre.reports.charts import Spec


def to_svg(spec: Spec) -> str:
    """The chart as an SVG document (inline it in HTML; WeasyPrint draws it in PDF)."""
    return str(vlc.vegalite_to_svg(spec))
