"""One language per report: the words of the other language and the engine's codes in a rendered report.

`foreign_words` reads a report as its reader does — the visible text of the HTML (charts' SVG text
included, styles and scripts left out) — and lists what does not belong to its language: common
words of the other language, internal codes (``voice_in``, ``cx_differentiator``,
``all-in-house``: identifiers with underscores, or the engine's own names), and numbers written
the other language's way (``12.5`` in French, ``12,5`` in English). Names people gave — flows,
offers, providers, labels, quoted — are given as ``names`` and left out before reading.

The lists are of words that exist in one language only (``contacts``, ``service``, ``budget`` are
both French and English and never flagged).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

# English words that are not French words (``productive``, ``notice``, ``sent`` are both).
ENGLISH = frozenset(
    """
    the and of with without for from is are be been by this that which these those not all each per
    month months year years day days evening evenings night nights hour hours closed open opening
    calls call emails offer offers savings saves cheapest provider providers keep outsource
    outsourced recommended reasons reason warning warnings level rate average peak peaks team cost
    costs flow flows channel channels language languages outside within against than more less only
    over under above below between weekday daytime inbound outbound handled unserved today yes
    scenario scenarios in at to it its would could should will what when where why how who new
    share shares split whole current lowest highest set-up in-house handover cases pay paid premium
    premiums employer training absence absenteeism overtime equipment premises seats seat
    recruiting manager managers leader leaders gross loaded appendix inputs input figure figures
    sensitivity assumption assumptions step change changes low high week weeks target targets met
    missed replications checked ordinary mean handle time wait waiting unanswered does take takes
    taken bid answer answers agent daily every was were being whose then there their it's into onto
    upon after before also still yet again once tomorrow billed computed estimated measured logged
    answered abandoned abandonment actual credit credits fees pending returned forfeited settle
    price prices window windows weekend weekdays tue wed thu fri sat sun monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august september
    october november december overdue soon upcoming meeting meetings committee committees
    reversibility transfer transfers expires expired ask request evidence unverifiable inside band
    bands forecast contract invoice line lines amount amounts difference differences flagged
    quality security billing scope rights right assets knowledge recordings tools material owned
    owns signed processor controller binding corporate rules adequacy decision country countries
    safeguards certificate renewed staffed staffing occupancy implied assumed survey evaluations
    seconds trend trends days' month's provider's client's run runs recorded excluded because
    partial missing covered coverage none nothing charged provisional received send must
    """.split()
)

# French words that are not English words.
FRENCH = frozenset(
    """
    le la les des du de et ou pour par avec sans sur dans aux au une un est sont qui que mois jour
    jours soir nuit appels coût coûts économie économies interne prestataire prestataires offre
    offres moins cher chère garder externaliser externalisé heures heure fermé fermée ouvert
    semaine semaines lundi mardi mercredi jeudi vendredi samedi dimanche lun mar mer jeu ven sam
    dim non oui flux canal canaux délai conseillers conseiller équipe raisons raison tout toute
    tous hybride tranche recommandé scénario scénarios situation actuelle actuel selon entre chez
    seul seule langue langues taux pic pics contrôle ces cette leur leurs aujourd'hui jusqu'au ce
    pas mais où donc dont sa ses lui elle ils elles nous vous être été avoir année années facturé
    facturée facturés facturées calculé calculée calculés estimé estimée estimées mesuré mesurées
    mesurés connectées productives traités traité décroché objectif objectifs réalisé pénalité
    pénalités restituée restituées perdue perdues tenu tenus attente fenêtre fenêtres soirée
    week-end janvier février avril mai juin juillet août septembre octobre novembre décembre
    dépassée proche venir réunion réunions comité comités préavis réversibilité données transfert
    transferts expirée demander justificatif conforme surfacturé sous-facturé invérifiable hors
    bande prévision contrat facture ligne lignes élément montant montants écart écarts signalé
    signalés qualité sécurité facturation périmètre droits droit actifs connaissances
    enregistrements outils signé sous-traitant responsable traitement contraignantes décision
    adéquation garanties certificat renouvelé effectifs implicite supposée enquête réponses
    évaluations secondes tendance tendances exécution enregistrée exclu exclus exclue exclues parce
    entier partiel manquant manquants manquantes couvert couverts couverture aucun aucune rien
    provisoire définitif reçu envoyer doit devrait pourrait
    """.split()
)

# French elided words (l'équipe, d'économie, qu'il, jusqu'au, aujourd'hui).
ELISIONS = frozenset({"l", "d", "qu", "n", "s", "c", "j", "m", "t", "jusqu", "lorsqu", "puisqu", "aujourd"})

# The engine's names that must never reach a reader.
CODES = frozenset(
    {
        "all-in-house",
        "keep_in_house",
        "voice_in",
        "voice_out",
        "backoffice",
        "cx_differentiator",
        "per_productive_hour",
        "per_logged_hour",
        "outside_hours",
        "history_until",
        "in-scope",
        "out-of-scope",
    }
)
# Opening hours as the settings file writes them (``mon-fri: 08:00-20:00``, ``sun: closed``).
_SCHEDULE = re.compile(r"\b(?:mon|tue|wed|thu|fri|sat|sun|daily)(?:-(?:mon|tue|wed|thu|fri|sat|sun))?:", re.I)
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:[-'’][A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_FR_DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")
_EN_DECIMAL_COMMA = re.compile(r"(?<![\d,])\d+,\d{1,2}(?![\d,])")


def visible_text(document: str) -> str:
    """The text a reader sees in an HTML page: tags, styles and scripts out, entities decoded."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", document, flags=re.S | re.I)
    text = re.sub(r"<title>.*?</title>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text)


def foreign_words(text: str, lang: str, *, names: Iterable[str] = ()) -> list[str]:
    """What in ``text`` (HTML or plain) is not ``lang`` (fr or en): ``word: …``, ``code: …`` and
    ``number: …`` findings, each with a little context, sorted and without repeats."""
    if lang not in ("fr", "en"):
        raise ValueError(f"lang must be fr or en, got {lang!r}")
    plain = visible_text(text) if "<" in text else text
    # Names are left out as whole words only: a flow named ``voice`` must not hide ``voice_in``.
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        plain = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", plain)
    # A file path, a file's name or a fingerprint is not prose.
    plain = re.sub(r"(?:/[\w.@+-]+)+/?", " ", plain)
    plain = re.sub(r"\b[\w.-]+\.(?:ya?ml|csv|json|html?|pdf|parquet|xlsx|docx|txt)\b", " ", plain)
    plain = re.sub(r"\b[0-9a-f]{12,64}\b", " ", plain)
    findings: set[str] = set()
    for m in _SCHEDULE.finditer(plain):
        findings.add(
            f"code: {m.group()} — …{' '.join(plain[max(0, m.start() - 30) : m.end() + 30].split())}…"
        )

    def context(start: int, end: int) -> str:
        return " ".join(plain[max(0, start - 30) : end + 30].split())

    for code in CODES:
        for m in re.finditer(rf"(?<![\w-]){re.escape(code)}(?![\w-])", plain):
            findings.add(f"code: {code} — …{context(m.start(), m.end())}…")
    for m in _SNAKE.finditer(plain):
        findings.add(f"code: {m.group()} — …{context(m.start(), m.end())}…")
    words = _SNAKE.sub(" ", plain)  # a code is reported once, not as its words too
    other = ENGLISH if lang == "fr" else FRENCH
    for m in _WORD.finditer(words):
        word = m.group().lower().replace("’", "'")
        head, _, tail = word.partition("'") if "-" not in word else (word, "", "")
        if tail and lang == "fr":
            foreign = head in ENGLISH or tail == "s"  # today's, provider's: English possessives
        elif tail:
            foreign = head in ELISIONS  # l'équipe, d'économie, qu'un: French elisions
        else:
            foreign = word in other
        if foreign:
            findings.add(
                f"word: {m.group()} — …{' '.join(words[max(0, m.start() - 30) : m.end() + 30].split())}…"
            )
    numbers = _FR_DECIMAL_POINT if lang == "fr" else _EN_DECIMAL_COMMA
    for m in numbers.finditer(plain):
        findings.add(f"number: {m.group()} — …{context(m.start(), m.end())}…")
    return sorted(findings)


__all__ = ["CODES", "ELISIONS", "ENGLISH", "FRENCH", "foreign_words", "visible_text"]
