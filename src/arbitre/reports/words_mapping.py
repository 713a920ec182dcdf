"""The words of the activity map, in French and English (merged into `i18n`)."""

from __future__ import annotations

_PAIRS: dict[str, tuple[str, str]] = {
    "map.scope": (
        "Niveau de service, abandon et attente moyenne : les contacts arrivés pendant les horaires d'ouverture de leur flux. Les contacts arrivés fermé sont comptés à part : une demande non servie pour les appels et les chats, du travail traité à l'ouverture suivante pour les e-mails, le back-office et les réseaux sociaux.",
        "Service level, abandonment and average wait: the contacts arriving within their flow's opening hours. Contacts arriving while closed are counted apart: unserved demand for calls and chats, work handled at the next opening for e-mail, back office and social media.",
    ),
    "map.col.outside_month": ("Hors horaires / mois", "Outside hours / month"),
    "map.col.asa": ("Attente moyenne", "Average wait"),
    "map.outside.unserved": ("demande non servie", "unserved demand"),
    "map.outside.deferred": ("traitée à l'ouverture suivante", "handled at the next opening"),
    "map.outside.none": ("—", "—"),
    "map.outside.contacts": ("contacts sur la période", "contacts over the period"),
    "map.outside.per_month": ("par mois", "a month"),
    "map.outside.busiest": ("Heures fermées les plus chargées", "Busiest closed hours"),
    "map.outside.per_week": ("par semaine", "a week"),
    "map.days": ("jours", "days"),
    "map.languages_unknown": ("langue inconnue", "unknown language"),
}

MAPPING: dict[str, dict[str, str]] = {k: {"fr": fr, "en": en} for k, (fr, en) in _PAIRS.items()}
