"""The pages' charts: the reports' Vega-Lite specifications drawn to SVG on the server.

The same specifications as the HTML and PDF reports (`arbitre.reports.charts`, `decision_charts`,
`governance_charts`), drawn by vl-convert (`arbitre.reports.render.to_svg`) and shown as an image
(``data:image/svg+xml``): no script runs in the browser, so the Content-Security-Policy stays
strict (no ``eval``, no inline style). Interaction is the page's: HTMX swaps a chart for another
(a flow, a month) drawn the same way. A drawing takes 50–300 ms, so each is kept in memory by a key
that changes with what it draws (a decision's or a run's id, the language).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable

from arbitre.reports.charts import Spec
from arbitre.reports.render import to_svg

KEPT = 256  # charts kept in memory (a few tens of kilobytes each)
_drawn: dict[tuple[tuple[str, ...], str], str] = {}
_lock = threading.Lock()


def chart(key: tuple[str, ...], make: Callable[[], Spec], *, lang: str) -> str:
    """The chart ``make()`` specifies, drawn as a ``data:`` URI for an ``<img>`` — once per ``key``
    and language (``key`` names everything the chart shows: a run's id and the chart's name…)."""
    found = _drawn.get((key, lang))
    if found is not None:
        return found
    svg = to_svg(make(), lang=lang)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    with _lock:
        if len(_drawn) >= KEPT:
            _drawn.pop(next(iter(_drawn)))
        _drawn[(key, lang)] = uri
    return uri


__all__ = ["chart"]
