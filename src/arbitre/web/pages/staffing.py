"""The staffing calculator: one interval, Erlang C (or A with a patience), as `arbitre staff`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from arbitre.errors import ArbitreError
from arbitre.services.access import Permission, require
from arbitre.web.deps import PageUser
from arbitre.web.models import StaffingQuestion, answer
from arbitre.web.view import is_htmx, show

router = APIRouter(include_in_schema=False)


@router.get("/w/{slug}/staffing")
def staffing_page(request: Request, me: PageUser) -> HTMLResponse:
    require(me.account, Permission.STAFFING)
    return show(request, me, "staffing/index.html", q=StaffingQuestion(), result=None, error=None)


@router.post("/w/{slug}/staffing")
def staffing_answer(
    request: Request, me: PageUser, question: Annotated[StaffingQuestion, Form()]
) -> HTMLResponse:
    require(me.account, Permission.STAFFING)
    result, error = None, None
    try:
        result = answer(question)
    except ArbitreError as exc:
        error = str(exc)
    template = "staffing/result.html" if is_htmx(request) else "staffing/index.html"
    status = 200 if error is None or is_htmx(request) else 422
    return show(request, me, template, status_code=status, q=question, result=result, error=error)
