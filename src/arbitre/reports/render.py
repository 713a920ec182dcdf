"""Charts drawn offline: a Vega-Lite spec to SVG with vl-convert (no browser, no network)."""

from __future__ import annotations

from typing import Any, Literal

import vl_convert as vlc

from arbitre.reports.charts import Spec

Locale = Literal["fr-FR", "en-US"]
LOCALES: dict[str, Locale] = {"fr": "fr-FR", "en": "en-US"}


def to_svg(spec: Spec, *, lang: str = "fr") -> str:
    """The chart as an SVG document (inline it in HTML; WeasyPrint draws it in PDF).

    Numbers and dates follow the language: 60 000 in French, 60,000 in English.
    """
    locale: Locale = LOCALES.get(lang, "fr-FR")
    return str(vlc.vegalite_to_svg(_printable(spec), format_locale=locale, time_format_locale=locale))


_CONTROLS = dict.fromkeys([*range(0x20), 0x7F], " ")


def _printable(value: Any) -> Any:
    """The spec with control characters in its texts made spaces: vl-convert aborts the whole
    process on one (a flow named with an escape character once killed ``arbitre map``)."""
    if isinstance(value, str):
        return value.translate(_CONTROLS) if not value.isprintable() else value
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value
