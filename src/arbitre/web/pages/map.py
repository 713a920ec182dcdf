"""The activity map (step 1): each flow's volume, hours, handling and KPIs, with the report's
charts — the months, the hour bands, and the average week of the flow the user picks (HTMX swaps
that chart, drawn on the server like the others)."""

from __future__ import annotations

import threading
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from arbitre.mapping.document import ActivityMap
from arbitre.reports import charts as specs
from arbitre.reports.i18n import t as report_word
from arbitre.services.access import NotFound, Permission, require
from arbitre.services.activity import activity_map
from arbitre.store.workspace import Workspace
from arbitre.web.charts import chart
from arbitre.web.deps import PageUser
from arbitre.web.planned import store_stamp
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)
_kept: dict[tuple[str, str], ActivityMap] = {}
_lock = threading.Lock()


def current_map(ws: Workspace) -> tuple[str, ActivityMap]:
    """The map of the whole store and the fingerprint of the store it was drawn from (the map is
    computed again only when an import changed the store)."""
    stamp = store_stamp(ws)
    found = _kept.get((str(ws.root), stamp))
    if found is None:
        found = activity_map(ws)
        with _lock:
            if len(_kept) >= 8:
                _kept.pop(next(iter(_kept)))
            _kept[(str(ws.root), stamp)] = found
    return stamp, found


def _heatmap(stamp: str, result: ActivityMap, flow: str, lang: str) -> str:
    found = result.flow(flow)
    if found is None:
        raise NotFound(f"no flow {flow!r} in the map")
    return chart(
        ("week", stamp, flow),
        lambda: specs.week_heatmap(
            np.asarray(found.average_week.mean_contacts),
            interval_min=result.interval_min,
            title=f"{report_word('mapping.week', lang)} — {found.label or found.flow}",
            lang=lang,
        ),
        lang=lang,
    )


@router.get("/w/{slug}/map")
def map_page(request: Request, me: PageUser) -> HTMLResponse:
    require(me.account, Permission.READ_WORKSPACE)
    stamp, result = current_map(me.ws)
    lang = me.account.lang
    drawn: dict[str, str] = {}
    if result.flows:
        flows = result.flows
        drawn["monthly"] = chart(
            ("monthly", stamp),
            lambda: specs.monthly_curve(
                {f.flow: [(m.month, m.contacts) for m in f.months] for f in flows},
                title=report_word("mapping.monthly", lang),
                lang=lang,
            ),
            lang=lang,
        )
        drawn["bands"] = chart(
            ("bands", stamp),
            lambda: specs.band_shares(
                {f.flow: f.bands for f in flows}, title=report_word("mapping.bands", lang), lang=lang
            ),
            lang=lang,
        )
        drawn["week"] = _heatmap(stamp, result, flows[0].flow, lang)
    return show(request, me, "map/index.html", m=result, charts=drawn)


@router.get("/w/{slug}/map/week")
def map_week(request: Request, me: PageUser, flow: Annotated[str, Query(max_length=100)]) -> HTMLResponse:
    """The average week of one flow: the chart alone (HTMX puts it in the page)."""
    require(me.account, Permission.READ_WORKSPACE)
    stamp, result = current_map(me.ws)
    src = _heatmap(stamp, result, flow, me.account.lang)
    return show(request, me, "map/week.html", src=src, flow=flow)
