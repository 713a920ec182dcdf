"""The words of the staffing plan, in French and English (merged into `i18n`)."""

from __future__ import annotations

_PAIRS: dict[str, tuple[str, str]] = {
    "plan.warning.gap": (
        "{flow} : son historique s'arrête le {end}, {gap} jours avant le début du plan : la prévision couvre une période sans données",
        "{flow}: its history ends on {end}, {gap} days before the plan starts: the forecast bridges a period with no data",
    ),
    "plan.warning.no_contacts": (
        "{flow} : aucun contact prévu du {first} au {last} ({when})",
        "{flow}: no contact forecast from {first} to {last} ({when})",
    ),
    "plan.warning.no_history": ("aucun contact dans son historique", "no contact in its history"),
    "plan.warning.history_ends": ("son historique s'arrête le {end}", "its history ends on {end}"),
}

PLANNING: dict[str, dict[str, str]] = {k: {"fr": fr, "en": en} for k, (fr, en) in _PAIRS.items()}
