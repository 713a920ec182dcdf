"""The workspace overview: what the store holds (months, flows, sites), the imports, the contracts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from arbitre.services.overview import overview
from arbitre.web.deps import PageUser
from arbitre.web.view import show

router = APIRouter(include_in_schema=False)


@router.get("/w/{slug}/")
def overview_page(request: Request, me: PageUser) -> HTMLResponse:
    return show(request, me, "overview/index.html", view=overview(me.ws, me.account))
