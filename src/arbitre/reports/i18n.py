"""The words of the reports, in French and English."""

from __future__ import annotations

from arbitre.reports.words_decision import BUSINESS_CASE
from arbitre.reports.words_governance import GOVERNANCE
from arbitre.reports.words_mapping import MAPPING
from arbitre.reports.words_quality import QUALITY
from arbitre.reports.words_tender import TENDER

LANGS = ("fr", "en")

_TEXT: dict[str, dict[str, str]] = {
    "day.mon": {"fr": "lun.", "en": "Mon"},
    "day.tue": {"fr": "mar.", "en": "Tue"},
    "day.wed": {"fr": "mer.", "en": "Wed"},
    "day.thu": {"fr": "jeu.", "en": "Thu"},
    "day.fri": {"fr": "ven.", "en": "Fri"},
    "day.sat": {"fr": "sam.", "en": "Sat"},
    "day.sun": {"fr": "dim.", "en": "Sun"},
    "band.day": {"fr": "Journée en semaine", "en": "Weekday daytime"},
    "band.evening": {"fr": "Soirée", "en": "Evening"},
    "band.night": {"fr": "Nuit", "en": "Night"},
    "band.weekend": {"fr": "Week-end", "en": "Weekend"},
    "axis.time_of_day": {"fr": "Heure", "en": "Time of day"},
    "axis.mean_contacts": {"fr": "Contacts (moyenne)", "en": "Contacts (mean)"},
    "axis.month": {"fr": "Mois", "en": "Month"},
    "axis.contacts": {"fr": "Contacts", "en": "Contacts"},
    "axis.flow": {"fr": "Flux", "en": "Flow"},
    "axis.share": {"fr": "Part de la demande", "en": "Share of demand"},
    "mapping.title": {"fr": "Cartographie de l'activité", "en": "Activity map"},
    "mapping.subtitle": {
        "fr": "Étape 1 de la méthode : volumes, pics, horaires réels de sollicitation, durées, langues, qualité de service actuelle.",
        "en": "Step 1 of the method: volumes, peaks, when demand really comes, handling times, languages, current service.",
    },
    "mapping.period": {"fr": "Période", "en": "Period"},
    "mapping.timezone": {"fr": "Fuseau horaire", "en": "Time zone"},
    "mapping.overview": {"fr": "Vue d'ensemble", "en": "Overview"},
    "mapping.monthly": {"fr": "Volumes mensuels par flux", "en": "Monthly volumes per flow"},
    "mapping.bands": {"fr": "Quand la demande arrive", "en": "When demand comes"},
    "mapping.week": {"fr": "Semaine type", "en": "Average week"},
    "col.flow": {"fr": "Flux", "en": "Flow"},
    "col.channel": {"fr": "Canal", "en": "Channel"},
    "col.contacts": {"fr": "Contacts", "en": "Contacts"},
    "col.per_day": {"fr": "Par jour", "en": "Per day"},
    "col.peak_interval": {"fr": "Pic/moy. intervalle", "en": "Peak/avg interval"},
    "col.peak_day": {"fr": "Pic/moy. jour", "en": "Peak/avg day"},
    "col.outside": {"fr": "Hors horaires", "en": "Outside hours"},
    "col.aht": {"fr": "DMT", "en": "AHT"},
    "col.p90": {"fr": "DMT P90", "en": "Handle P90"},
    "col.sl": {"fr": "Niveau de service", "en": "Service level"},
    "col.abandon": {"fr": "Abandon", "en": "Abandon"},
    "col.languages": {"fr": "Langues", "en": "Languages"},
    "flow.hours": {"fr": "Horaires d'ouverture", "en": "Opening hours"},
    "flow.peaks": {"fr": "Pics saisonniers", "en": "Seasonal peaks"},
    "flow.peak_days": {"fr": "Jours de pic", "en": "Peak days"},
    "flow.peak_weeks": {"fr": "Semaines de pic", "en": "Peak weeks"},
    "flow.peak_months": {"fr": "Mois de pic", "en": "Peak months"},
    "flow.none": {"fr": "aucun", "en": "none"},
    "flow.handle": {"fr": "Durée de traitement", "en": "Handling time"},
    "flow.outside": {"fr": "Demande hors horaires d'ouverture", "en": "Demand outside opening hours"},
    "flow.kpis": {"fr": "Qualité de service actuelle", "en": "Current service"},
    "footer": {
        "fr": "Produit par Arbitre à partir des interactions de l'espace de travail ; définitions des indicateurs : docs/kpis.md.",
        "en": "Produced by Arbitre from the workspace's interactions; KPI definitions: docs/kpis.md.",
    },
}


def _merge(*catalogues: dict[str, dict[str, str]]) -> None:
    """Each report's words into the one catalogue; a key defined twice is a bug, caught at import
    (two parts once both defined ``cli.warning``, with different words)."""
    for catalogue in catalogues:
        twice = sorted(set(catalogue) & set(_TEXT))
        if twice:
            raise RuntimeError(f"words defined twice in the report catalogue: {', '.join(twice)}")
        _TEXT.update(catalogue)


_merge(BUSINESS_CASE, GOVERNANCE, MAPPING, TENDER, QUALITY)


def t(key: str, lang: str = "fr") -> str:
    """The text of ``key`` in ``lang`` (French when the language is unknown)."""
    entry = _TEXT[key]
    return entry.get(lang) or entry["fr"]
