"""Numbers and words of the decision in French and in English.

Every reason the decision gives quotes its evidence; these functions write that evidence the way
each language writes it: ``41 %`` (a narrow no-break space before the sign, as French typography
and `arbitre.reports.html` do) and ``41%``; ``8 200`` and ``8,200``; ``3,40 €`` and ``€3.40``
(the number primitives are `arbitre.words`, shared with costing's warnings). Pure functions, no
locale: the output does not depend on the machine.
"""

from __future__ import annotations

from enum import StrEnum

from arbitre.words import NNBSP, Text, count, enumerate_words, money, pct, ratio

__all__ = [
    "BAND_NAMES",
    "CHANNEL_NOUNS",
    "LANGUAGES",
    "LEVELS",
    "MONTHS",
    "NNBSP",
    "WEEKDAYS",
    "Kind",
    "Text",
    "clock",
    "count",
    "day",
    "duration",
    "enumerate_words",
    "hours",
    "language",
    "money",
    "pct",
    "ratio",
]


class Kind(StrEnum):
    """What a piece of evidence measures, hence how it is written."""

    SHARE = "share"  # a fraction: 0.41 → 41 %
    COUNT = "count"  # contacts, rounded to a whole number: 8 200
    NUMBER = "number"  # a small whole number (channels, languages): 3
    HOURS = "hours"  # hours of work: 67 h
    DURATION = "duration"  # seconds: 7 min 30 s
    MONEY = "money"  # Decimal amount in the evidence's currency: 3,40 €
    RATIO = "ratio"  # peak ÷ average: 1,45
    LEVEL = "level"  # low / medium / high
    FLAG = "flag"  # yes / no
    LABEL = "label"  # free text quoted as given (an offer id, a skill)


def hours(value: float, lang: str) -> str:
    """67.4 → ``"67 h"`` in both languages (thousands grouped as in `count`)."""
    return f"{count(value, lang)} h"


def duration(seconds: float) -> str:
    """450 → ``"7 min 30 s"``; 42 → ``"42 s"``; 4000 → ``"1 h 06 min"`` (same in both languages).

    >>> duration(450), duration(42), duration(4000)
    ('7 min 30 s', '42 s', '1 h 06 min')
    """
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {(s % 3600) // 60:02d} min"


LEVELS: dict[str, Text] = {
    "low": Text("faible", "low"),
    "medium": Text("moyenne", "medium"),
    "high": Text("élevée", "high"),
}

BAND_NAMES: dict[str, Text] = {
    "day": Text("jour", "day"),
    "evening": Text("soir", "evening"),
    "night": Text("nuit", "night"),
    "weekend": Text("week-end", "weekend"),
    "all": Text("toutes heures", "all hours"),  # a block of deferred work spans every band
}

# Nouns for "41 % des appels arrivent…", by channel (arbitre.domain.channels.Channel values).
CHANNEL_NOUNS: dict[str, Text] = {
    "voice_in": Text("appels", "calls"),
    "voice_out": Text("appels sortants", "outbound calls"),
    "email": Text("e-mails", "emails"),
    "chat": Text("conversations de chat", "chats"),
    "social": Text("messages des réseaux sociaux", "social media messages"),
    "backoffice": Text("dossiers", "cases"),
}

# Names of the languages customers most often write or call in (ISO 639-1); others print as codes.
LANGUAGES: dict[str, Text] = {
    "fr": Text("français", "French"),
    "en": Text("anglais", "English"),
    "de": Text("allemand", "German"),
    "es": Text("espagnol", "Spanish"),
    "it": Text("italien", "Italian"),
    "nl": Text("néerlandais", "Dutch"),
    "pt": Text("portugais", "Portuguese"),
    "ar": Text("arabe", "Arabic"),
    "pl": Text("polonais", "Polish"),
    "ru": Text("russe", "Russian"),
    "zh": Text("chinois", "Chinese"),
    "ja": Text("japonais", "Japanese"),
    "tr": Text("turc", "Turkish"),
}

MONTHS = (
    Text("janvier", "January"),
    Text("février", "February"),
    Text("mars", "March"),
    Text("avril", "April"),
    Text("mai", "May"),
    Text("juin", "June"),
    Text("juillet", "July"),
    Text("août", "August"),
    Text("septembre", "September"),
    Text("octobre", "October"),
    Text("novembre", "November"),
    Text("décembre", "December"),
)

WEEKDAYS: dict[str, Text] = {
    "mon": Text("lundi", "Monday"),
    "tue": Text("mardi", "Tuesday"),
    "wed": Text("mercredi", "Wednesday"),
    "thu": Text("jeudi", "Thursday"),
    "fri": Text("vendredi", "Friday"),
    "sat": Text("samedi", "Saturday"),
    "sun": Text("dimanche", "Sunday"),
}


def language(code: str) -> Text:
    """The name of a language from its code (the code itself when unknown)."""
    return LANGUAGES.get(code.lower(), Text(code, code))


def day(label: str) -> Text:
    """A peak day: a weekday key (``mon``) by name, an ISO date as 28/11/2025 (fr) and 2025-11-28 (en).

    >>> day("mon"), day("2025-11-28")
    (Text(fr='lundi', en='Monday'), Text(fr='28/11/2025', en='2025-11-28'))
    """
    if label.lower() in WEEKDAYS:
        return WEEKDAYS[label.lower()]
    parts = label.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return Text(f"{parts[2]}/{parts[1]}/{parts[0]}", label)
    return Text(label, label)


def clock(hhmm: str, lang: str) -> str:
    """``"19:00"`` → ``"19 h"`` (fr) or ``"19:00"`` (en); ``"19:30"`` → ``"19 h 30"``."""
    h, _, m = hhmm.strip().partition(":")
    if lang != "fr":
        return hhmm.strip()
    return f"{int(h)} h" if int(m or 0) == 0 else f"{int(h)} h {m}"
