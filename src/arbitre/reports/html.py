"""HTML documents from Jinja templates, with the number formats of the language."""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from arbitre.reports.i18n import t

Format = Literal["html", "pdf"]

Number = float | int | str | Decimal | None


def pct(value: Number, lang: str = "fr", digits: int = 1) -> str:
    """0.1234 → "12,3 %" (fr) or "12.3%" (en); None → "—"."""
    if value is None:
        return "—"
    value = float(value)
    text = f"{100 * value:.{digits}f}"
    return text.replace(".", ",") + "\u202f%" if lang == "fr" else text + "%"


def num(value: Number, lang: str = "fr", digits: int = 0) -> str:
    """12345.6 → "12 346" (fr) or "12,346" (en)."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)):,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def money(value: Number, lang: str = "fr", currency: str = "EUR", digits: int = 0) -> str:
    """ "1234567.891" → "1 234 568 €" (fr) or "€1,234,568" (en), exact (Decimal, half-even)."""
    if value is None:
        return "—"
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency)
    text = num(value, lang, digits)
    if symbol is None:
        return f"{text} {currency}"
    if lang == "fr":
        return f"{text}\u00a0{symbol}"
    return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"


def plain(value: object) -> str:
    """A nested input (dict, list) as one readable line: "rate: 15 · tolerance: 0.15"."""
    if isinstance(value, dict):
        return " · ".join(f"{k}: {plain(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value)
    return "—" if value is None else str(value)


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
    env.filters.update(pct=pct, num=num, duration=duration, money=money)
    return env


def render_page(template: str, *, lang: str, **context: Any) -> str:
    """Render ``templates/<template>`` with ``t`` bound to ``lang``."""
    return _env().get_template(template).render(lang=lang, t=lambda key: t(key, lang), **context)


def write_document(html: str, target: Path, *, fmt: Format = "html") -> Path:
    """Write a report page as HTML or, through WeasyPrint, as PDF — atomically: a reader never
    sees half a file — and return ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        if fmt == "pdf":
            from weasyprint import HTML  # heavy: only when a PDF is asked for

            HTML(string=html, base_url=str(target.parent)).write_pdf(tmp)
        else:
            Path(tmp).write_text(html, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
