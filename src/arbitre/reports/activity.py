"""The HTML report of the activity map (step 1): charts inline (SVG), one file that opens anywhere,
offline, in French or English."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from arbitre.mapping.document import ActivityMap
from arbitre.reports import charts
from arbitre.reports import decision_format as fmt
from arbitre.reports.html import render_page
from arbitre.reports.i18n import t
from arbitre.reports.render import to_svg


def render_activity_map(result: ActivityMap, *, lang: str = "fr") -> str:
    """The map as one self-contained HTML page."""
    flows = result.flows
    monthly = charts.monthly_curve(
        {f.flow: [(m.month, m.contacts) for m in f.months] for f in flows},
        title=t("mapping.monthly", lang),
        lang=lang,
    )
    bands = charts.band_shares({f.flow: f.bands for f in flows}, title=t("mapping.bands", lang), lang=lang)
    heatmaps = {
        f.flow: to_svg(
            charts.week_heatmap(
                np.asarray(f.average_week.mean_contacts),
                interval_min=result.interval_min,
                title=f"{t('mapping.week', lang)} — {f.label or f.flow}",
                lang=lang,
            ),
            lang=lang,
        )
        for f in flows
    }
    return render_page(
        "mapping.html",
        lang=lang,
        result=result,
        fmt=fmt,
        colon="\u00a0:" if lang == "fr" else ":",
        monthly_svg=to_svg(monthly, lang=lang),
        bands_svg=to_svg(bands, lang=lang),
        heatmaps=heatmaps,
    )


def write_activity_map(
    result: ActivityMap, folder: Path, *, lang: str = "fr", path: Path | None = None
) -> Path:
    """Write the report (``cartographie.html``, or ``activity-map.html`` in English, in ``folder``
    unless ``path``) and return its path."""
    target = path or folder / ("cartographie.html" if lang == "fr" else "activity-map.html")
    target.write_text(render_activity_map(result, lang=lang), encoding="utf-8")
    return target


__all__ = ["render_activity_map", "write_activity_map"]
