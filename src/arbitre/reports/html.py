"""HTML documents from Jinja templates, with the number formats of the language."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from arbitre.reports.i18n import t


def pct(value: float | None, lang: str = "fr", digits: int = 1) -> str:
    """0.1234 → "12,3 %" (fr) or "12.3%" (en); None → "—"."""
    if value is None:
        return "—"
    text = f"{100 * value:.{digits}f}"
    return text.replace(".", ",") + "\u202f%" if lang == "fr" else text + "%"


def num(value: float | None, lang: str = "fr", digits: int = 0) -> str:
    """12345.6 → "12 346" (fr) or "12,346" (en)."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def duration(seconds: float | None, lang: str = "fr") -> str:  # noqa: ARG001  (same words in both languages)
    """185 → "3 min 05 s"; None → "—"."""
    if seconds is None:
        return "—"
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {(s % 3600) // 60:02d}"


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("arbitre.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=pct, num=num, duration=duration)
    return env


def render_page(template: str, *, lang: str, **context: Any) -> str:
    """Render ``templates/<template>`` with ``t`` bound to ``lang``."""
    return _env().get_template(template).render(lang=lang, t=lambda key: t(key, lang), **context)
