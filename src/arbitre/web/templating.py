"""Jinja2 for the pages: autoescaped, the catalogue's ``t()``, the CSRF token, the static files.

Templates live in ``templates/<area>/``, next to ``pages/<area>.py`` (one vertical slice each);
``base.html`` holds the frame. HTMX and the app's script and style are served from the package
(``/static/…``), never from a CDN.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from arbitre.reports.governance_format import kpi_value
from arbitre.reports.html import pct
from arbitre.reports.notes import say
from arbitre.web.i18n import translate
from arbitre.web.refereed import day_subject, invoice_name, line_subject, period_subject

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates are the package's: compiled once, never looked at again on the disk (with
        # Jinja's default, every page, base and include asked for stats its file again).
        auto_reload=False,
    )
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    # A KPI's value as it reads (a share in %, a time in s or min, a score): `kpi(name, lang)`.
    env.filters["kpi"] = lambda value, kpi, lang: kpi_value(
        None if value is None else float(value), kpi, lang
    )
    # A share (of days, of intervals) in the page's language.
    env.filters["share"] = lambda value, lang: "—" if value is None else pct(float(value), lang)
    # A note of the monthly run (the invoice check's, a warning's, an obligation's) in words.
    env.filters["say"] = say
    # How a dispute names a line of the refereed month; the invoice's file name, without its path.
    env.filters["day_subject"] = day_subject
    env.filters["period_subject"] = period_subject
    env.filters["line_subject"] = line_subject
    env.filters["invoice_name"] = invoice_name
    env.filters["when"] = lambda at: "" if at is None else at.strftime("%Y-%m-%d %H:%M")
    return env


def _num(value: float | int | Decimal | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", "\u202f")


def _pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f} %"


def render(
    request: Request,
    template: str,
    context: Mapping[str, object],
    *,
    lang: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The page ``template`` in ``lang``; ``context`` may hold ``me`` (the session) and the rest."""
    html = draw(template, {"request": request, "me": None, "tenant": None, **context}, lang=lang)
    return HTMLResponse(html, status_code=status_code, headers=headers)


def draw(template: str, context: Mapping[str, object], *, lang: str) -> str:
    """``template`` drawn in ``lang`` with ``context``, its texts translated by ``t``."""

    def t(key: str, **values: object) -> str:
        return translate(lang, key, **values)

    return environment().get_template(template).render({"lang": lang, "t": t, **context})


__all__ = ["TEMPLATES", "draw", "environment", "render"]
