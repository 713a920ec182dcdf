"""One language per report: the words of the other language and the internal codes in a text.

`foreign_words(text, lang, data=...)` reads a rendered report (HTML, with the text of its SVG
charts, or plain text from the command line) as a reader does, leaves out the data the user gave
(flow and SLA names, the provider's name, the contract's committee names, reasons...), and lists:

- the words of the other language (small lexicons of words that exist in one language only:
  function words, the vocabulary of the reports, weekdays, months);
- internal codes: identifiers with an underscore (``voice_in``, ``logged_hour``,
  ``cx_differentiator``), known codes written with a hyphen (``all-in-house``) and weekly hours
  as the settings file writes them (``mon-sun: 08:00-20:00``);
- numbers written the other language's way: a decimal point in French (``0.85``), a decimal comma
  in English (``0,85``).

Each finding is a short string saying what and where (``"en word 'closed'"``); an empty list
means the text reads in one language.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable

EN_ONLY = frozenset(
    """
    the and of to with for from by at is are was were be been being not this that these those which
    when where what who whose how why than then there their its it's into onto upon within without
    after before above below between each every per only also still yet again once month months day
    days week weeks hour hours year years today tomorrow closed open opening billed computed
    estimated measured logged productive handled answered abandoned abandonment target targets
    actual credit credits fees paid pay pending returned forfeited settle met missed over under
    price prices share shares window windows evening night weekend weekday weekdays tue wed thu fri
    sat sun monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december yes overdue soon upcoming meeting
    meetings committee committees notice reversibility transfer transfers expires expired ask
    request evidence unverifiable outside inside band bands forecast contract provider invoice line
    lines item items amount amounts difference differences flagged quality security billing scope
    rights right assets knowledge recordings tools training material owned owns signed processor
    controller binding corporate rules adequacy decision country countries safeguards certificate
    renewed staffed staffing occupancy implied assumed survey answers evaluations calls emails
    seconds trend trends days' month's provider's client's run runs recorded excluded because whole
    partial missing covered coverage none nothing charged provisional received send sent should
    would could must
    """.split()
)

FR_ONLY = frozenset(
    """
    le la les des du une et est sont pour dans sur avec aux au ce cette ces qui que pas mais ou où
    donc dont leur leurs sa ses lui elle ils elles nous vous être été avoir mois jour jours semaine
    semaines heure heures année années aujourd'hui fermé fermée ouvert facturé facturée facturés
    facturées calculé calculée calculés estimé estimée estimées mesuré mesurées mesurés connectées
    productives traités traité décroché objectif objectifs réalisé pénalité pénalités restituée
    restituées perdue perdues tenu tenus attente fenêtre fenêtres soirée nuit week-end lun mer jeu
    ven sam dim lundi mardi mercredi jeudi vendredi samedi dimanche janvier février avril mai juin
    juillet août septembre octobre novembre décembre oui non dépassée proche venir réunion réunions
    comité comités préavis réversibilité données transfert transferts expirée demander justificatif
    conforme surfacturé sous-facturé invérifiable hors bande prévision contrat prestataire facture
    ligne lignes élément montant montants écart écarts signalé signalés qualité sécurité
    facturation périmètre droits droit actifs connaissances enregistrements outils signé
    sous-traitant responsable traitement contraignantes décision adéquation garanties certificat
    renouvelé conseillers effectifs implicite supposée enquête réponses évaluations appels secondes
    tendance tendances exécution enregistrée exclu exclus exclue exclues parce entier partiel
    manquant manquants manquantes couvert couverts couverture aucun aucune rien provisoire
    définitif reçu envoyer doit devrait pourrait
    """.split()
)

#: Codes written with a hyphen that are not words of either language.
CODES = frozenset({"all-in-house", "in-scope", "out-of-scope"})

#: Opening hours as the settings file writes them (``mon-fri: 08:00-20:00``, ``sun: closed``).
_SCHEDULE = re.compile(r"\b(?:mon|tue|wed|thu|fri|sat|sun|daily)(?:-(?:mon|tue|wed|thu|fri|sat|sun))?:", re.I)
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ0-9_'’-]*")
_DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
_DECIMAL_COMMA = re.compile(r"(?<![\w,])\d+,\d{1,2}(?!\d)")


def visible_text(document: str) -> str:
    """The text a reader sees: tags removed (the text of SVG charts kept), entities decoded."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", document, flags=re.S | re.I)
    text = re.sub(r"<title>.*?</title>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return html_lib.unescape(text)


def foreign_words(text: str, lang: str, *, data: Iterable[str] = ()) -> list[str]:
    """The words of the other language, the internal codes and the other language's numbers in
    ``text`` (a rendered report: HTML or plain text), ``data`` left out."""
    if lang not in ("fr", "en"):
        raise ValueError(f"lang must be fr or en, got {lang!r}")
    plain = visible_text(text) if "<" in text and ">" in text else text
    # Data are left out as whole words only: a flow named ``voice`` must not hide ``voice_in``.
    for value in sorted({d for d in data if d}, key=len, reverse=True):
        plain = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", " ", plain)
    # A file path or a fingerprint is not prose.
    plain = re.sub(r"(?:/[\w.@+-]+)+/?", " ", plain)
    plain = re.sub(r"\b[0-9a-f]{12,64}\b", " ", plain)
    found: list[str] = [f"code {m!r}" for m in _SCHEDULE.findall(plain)]
    other = EN_ONLY if lang == "fr" else FR_ONLY
    for word in _WORD.findall(plain):
        token = word.strip("'’-").rstrip(".")
        lower = token.lower()
        if "_" in token:
            found.append(f"code {token!r}")
        elif lower in CODES:
            found.append(f"code {token!r}")
        elif lower in other or lower.replace("’", "'") in other:
            found.append(f"{'en' if lang == 'fr' else 'fr'} word {token!r}")
    wrong = _DECIMAL_POINT if lang == "fr" else _DECIMAL_COMMA
    found += [f"number {m!r}" for m in wrong.findall(plain)]
    return found


__all__ = ["CODES", "EN_ONLY", "FR_ONLY", "foreign_words", "visible_text"]
