"""Charts drawn offline: a Vega-Lite spec to SVG with vl-convert (no browser, no network)."""

from __future__ import annotations

from typing import Literal

import vl_convert as vlc

from arbitre.reports.charts import Spec

Locale = Literal["fr-FR", "en-US"]
LOCALES: dict[str, Locale] = {"fr": "fr-FR", "en": "en-US"}


def to_svg(spec: Spec, *, lang: str = "fr") -> str:
    """The chart as an SVG document (inline it in HTML; WeasyPrint draws it in PDF).

    Numbers and dates follow the language: 60 000 in French, 60,000 in English.
    """
    locale: Locale = LOCALES.get(lang, "fr-FR")
    return str(vlc.vegalite_to_svg(spec, format_locale=locale, time_format_locale=locale))
