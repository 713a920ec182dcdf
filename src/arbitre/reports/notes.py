"""The monthly run's notes in words: `say(note, lang)` writes a note of `arbitre.contract.notes`
(the invoice check's, a month-to-date warning's, an obligation's) in French or English.

The one place these sentences are written: the command line, the HTML and PDF reports and the
web pages call `say`. Figures the French or the English way (``81,7 %`` / ``81.7%``, ``1 534,00 €``
/ ``€1,534.00``); a bound of a month-to-date warning rounded away from the target's side, so that
a best outcome of 79.95 % against 80 % reads 79,9 % and not 80,0 %. A note of a month stored
before codes (`SaidAsStored`) reads as it was stored.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from arbitre.contract import notes as n
from arbitre.contract.watch import RATIO_KPIS
from arbitre.domain.month import Month
from arbitre.reports.note_figures import NNBSP, amount, number, percent

_MONTHS_FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
_NOUNS: dict[str, tuple[str, str]] = {
    "contacts": ("contacts", "contacts"),
    "calls": ("appels", "calls"),
    "emails": ("e-mails", "e-mails"),
    "responses": ("réponses à l'enquête", "survey responses"),
    "days": ("jours", "days"),
    "intervals": ("intervalles", "intervals"),
}
_ACD_FR = " (le temps connecté n'est pas dans les interactions : l'export des connexions ACD le prouve)"
_ACD_EN = " (logged time is not in the records: the ACD log-in export proves it)"


def say(note: n.Note, lang: str) -> str:
    """``note`` in ``lang`` (``fr``, else English).

    >>> say(n.LoggedEstimate(occupancy=Decimal("0.85")), "en")
    'estimated: productive hours ÷ an assumed occupancy of 85.0% (logged time is not in the records)'
    >>> say(n.Needed(at_most=False, needed=0.8624, left=18_400, noun="calls", actual=0.781), "en")
    '86.3% needed on the 18,400 calls left, against 78.1% so far'
    """
    if isinstance(note, n.SaidAsStored):
        return note.fr if lang == "fr" else note.en
    writer = _WRITERS[type(note)]
    fr = lang == "fr"
    return writer(note, fr)


# --- the invoice check ------------------------------------------------------------------------


def _total(x: n.TotalCheck, fr: bool) -> str:
    lang = "fr" if fr else "en"
    text = (
        "facturé contre le prix du contrat sur les unités calculées"
        if fr
        else "billed against the contract's price on the computed units"
    )
    if x.quantities is None or x.billing is None:
        return text
    q, b = amount(x.quantities, lang, x.currency), amount(x.billing, lang, x.currency)
    if fr:
        return f"{text} ; dont {q} dus aux quantités facturées et {b} aux prix et aux calculs de la facture"
    return f"{text}; of which {q} from the quantities billed and {b} from the invoice's prices and arithmetic"


def _logged_estimate(x: n.LoggedEstimate, fr: bool) -> str:
    if fr:
        return (
            f"estimé : heures productives ÷ occupation supposée de {percent(x.occupancy, 'fr')} "
            "(le temps connecté n'est pas dans les interactions)"
        )
    return (
        f"estimated: productive hours ÷ an assumed occupancy of {percent(x.occupancy, 'en')} "
        "(logged time is not in the records)"
    )


def _logged_measured(x: n.LoggedMeasured, fr: bool) -> str:
    if fr:
        text = (
            f"estimé : {number(x.measured, 'fr')} h productives mesurées ÷ occupation supposée de "
            f"{percent(x.occupancy, 'fr')}"
        )
        if x.implied is not None:
            text += f" ; les heures facturées impliquent {percent(x.implied, 'fr')}"
        return text + _ACD_FR
    text = (
        f"estimated: {number(x.measured, 'en')} productive hours measured ÷ an assumed occupancy of "
        f"{percent(x.occupancy, 'en')}"
    )
    if x.implied is not None:
        text += f"; the hours billed imply {percent(x.implied, 'en')}"
    return text + _ACD_EN


def _missing_days(x: n.MissingDays, fr: bool) -> str:
    if fr:
        return (
            f"les interactions couvrent {x.covered} jours sur {x.days} ({x.missing} manquants) : "
            "demander l'export des jours manquants"
        )
    return f"the records cover {x.covered} days of {x.days} ({x.missing} missing): ask for the missing days' export"


def _fixed(fr: str, en: str) -> Callable[[Any, bool], str]:
    return lambda _, is_fr: fr if is_fr else en


# --- month to date ----------------------------------------------------------------------------


def _round(value: float, digits: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Half away from zero by default (round() goes to even). Float noise is dropped first, so
    that 80.00000000000003 rounded up is 80.0, not 80.1."""
    exact = Decimal(repr(float(value))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=rounding)


def _pct(value: float, fr: bool, rounding: str = ROUND_HALF_UP) -> str:
    """0.8624 → ``"86,2 %"`` (fr) or ``"86.2%"`` (en)."""
    text = f"{_round(100 * value, 1, rounding):.1f}"
    return text.replace(".", ",") + NNBSP + "%" if fr else text + "%"


def _count(value: float, fr: bool) -> str:
    """18400.4 → ``"18 400"`` (fr) or ``"18,400"`` (en)."""
    text = f"{_round(value, 0):,.0f}"
    return text.replace(",", NNBSP) if fr else text


def _value(kpi: str, value: float, fr: bool) -> str:
    """A KPI value as read: a share in %, seconds in s, NPS in points, a score with two decimals."""
    if kpi in RATIO_KPIS:
        return _pct(value, fr)
    if kpi.endswith("_s"):
        return f"{_count(value, fr)} s"
    text = f"{_round(value, 1 if kpi == 'nps' else 2)}"
    return text.replace(".", ",") if fr else text


def _noun(noun: str, fr: bool) -> str:
    return _NOUNS[noun][0 if fr else 1]


def _out_of_reach(x: n.OutOfReach, fr: bool) -> str:
    # The best outcome is rounded down for "at least" (up for "at most"): never onto the target.
    best = _pct(x.best, fr, ROUND_CEILING if x.at_most else ROUND_FLOOR)
    left, noun, target = _count(x.left, fr), _noun(x.noun, fr), _pct(x.target, fr)
    if x.at_most:
        if fr:
            return (
                f"hors d'atteinte : même à 0{NNBSP}% sur les {left} {noun} restants, le mois finirait à "
                f"{best} (objectif au plus {target})"
            )
        return f"out of reach: even at 0% on the {left} {noun} left, the month would end at {best} (target at most {target})"
    if fr:
        return (
            f"hors d'atteinte : même avec 100{NNBSP}% sur les {left} {noun} restants, le mois finirait à "
            f"{best} (objectif {target})"
        )
    return f"out of reach: even with 100% on the {left} {noun} left, the month would end at {best} (target {target})"


def _secured(x: n.Secured, fr: bool) -> str:
    left, noun = _count(x.left, fr), _noun(x.noun, fr)
    if fr:
        return f"objectif acquis quels que soient les {left} {noun} restants"
    return f"target secured whatever the {left} {noun} left"


def _needed(x: n.Needed, fr: bool) -> str:
    # The rate needed is rounded up for "at least" (down for "at most"): 79.95 % never reads 80 %.
    needed = _pct(x.needed, fr, ROUND_FLOOR if x.at_most else ROUND_CEILING)
    left, noun = _count(x.left, fr), _noun(x.noun, fr)
    if fr:
        side = "au plus " if x.at_most else ""
        so_far = f", contre {_pct(x.actual, fr)} depuis le début du mois" if x.actual is not None else ""
        return f"il faudrait {side}{needed} sur les {left} {noun} restants{so_far}"
    side = "at most " if x.at_most else ""
    so_far = f", against {_pct(x.actual, fr)} so far" if x.actual is not None else ""
    return f"{side}{needed} needed on the {left} {noun} left{so_far}"


def _none_measured(x: n.NoneMeasured, fr: bool) -> str:
    noun = _noun(x.noun, fr)
    return f"mois complet, aucun {noun} mesuré" if fr else f"month complete, no {noun} measured"


def _final(x: n.Final, fr: bool) -> str:
    side = ("au plus " if fr else "at most ") if x.at_most else ""
    if fr:
        got = _pct(x.actual, fr) if x.actual is not None else "aucune mesure"
        of = f" des {_noun(x.of, fr)}" if x.of else ""
        verdict = "atteint" if x.met else "manqué"
        return f"mois complet : {got}{of} pour un objectif de {side}{_pct(x.target, fr)} — {verdict}"
    got = _pct(x.actual, fr) if x.actual is not None else "no measure"
    of = f" of {_noun(x.of, fr)}" if x.of else ""
    verdict = "met" if x.met else "missed"
    return f"month complete: {got}{of} against a target of {side}{_pct(x.target, fr)} — {verdict}"


def _windows_out_of_reach(x: n.WindowsOutOfReach, fr: bool) -> str:
    unit, best, share = _noun(x.unit, fr), _pct(x.best, fr, ROUND_FLOOR), _pct(x.share, fr)
    if fr:
        return (
            f"hors d'atteinte : même avec les {x.remaining} {unit} restants conformes, {best} "
            f"des {unit} le seraient (il en faut {share})"
        )
    return (
        f"out of reach: even with all {x.remaining} {unit} left compliant, {best} "
        f"of {unit} would be (required {share})"
    )


def _windows_needed(x: n.WindowsNeeded, fr: bool) -> str:
    unit, share = _noun(x.unit, fr), _pct(x.count / x.remaining, fr)
    if fr:
        so_far = f", contre {_pct(x.so_far, fr)} depuis le début du mois" if x.so_far is not None else ""
        return f"il faudrait {x.count} {unit} conformes sur les {x.remaining} restants ({share}){so_far}"
    so_far = f", against {_pct(x.so_far, fr)} so far" if x.so_far is not None else ""
    return f"{x.count} compliant {unit} needed out of the {x.remaining} left ({share}){so_far}"


def _value_so_far(x: n.ValueSoFar, fr: bool) -> str:
    target = _value(x.kpi, x.target, fr)
    if x.value is None:
        text = "pas encore de mesure" if fr else "no measure yet"
    elif fr:
        side = "au plus" if x.at_most else "au moins"
        text = f"{_value(x.kpi, x.value, fr)} depuis le début du mois, pour un objectif d'{side} {target}"
    else:
        side = "at most" if x.at_most else "at least"
        text = f"{_value(x.kpi, x.value, fr)} so far, against a target of {side} {target}"
    if x.final:
        return f"mois complet : {text}" if fr else f"month complete: {text}"
    return text


# --- the obligations calendar -----------------------------------------------------------------


def _date(day: date | None, fr: bool) -> str:
    """2026-09-10 → ``10 septembre 2026`` (``1er`` for the first) or ``10 September 2026``."""
    if day is None:
        return ""
    if fr:
        return f"{'1er' if day.day == 1 else day.day} {_MONTHS_FR[day.month - 1]} {day.year}"
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _month(month: Month, fr: bool) -> str:
    name = _MONTHS_FR[month.number - 1] if fr else calendar.month_name[month.number]
    return f"{name} {month.year}"


def _meeting(x: n.Meeting, fr: bool) -> str:
    who = f" ({', '.join(x.attendees)})" if x.attendees else ""
    return f"réunion : {x.committee}{who}" if fr else f"meeting: {x.committee}{who}"


def _certification_expired(x: n.CertificationExpired, fr: bool) -> str:
    if fr:
        return f"certification {x.name} expirée depuis le {_date(x.expired, fr)} : demander le certificat renouvelé"
    return f"{x.name} certification expired on {_date(x.expired, fr)}: ask for the renewed certificate"


def _certification_expires(x: n.CertificationExpires, fr: bool) -> str:
    if fr:
        return f"expiration de la certification {x.name} : demander le certificat renouvelé"
    return f"{x.name} certification expires: ask for the renewed certificate"


def _notice_passed(x: n.NoticePassed, fr: bool) -> str:
    end, nxt = _date(x.end, fr), _date(x.renews_until, fr)
    if fr:
        then = f"le contrat est reconduit jusqu'au {nxt}" if x.renews_until else "le contrat prend fin"
        return f"délai de préavis de non-reconduction passé ({x.days} jours avant le {end}) : sauf préavis donné, {then}"
    then = f"the contract renews until {nxt}" if x.renews_until else "the contract ends"
    return f"non-renewal notice deadline passed ({x.days} days before {end}): unless notice was given, {then}"


def _notice(x: n.NoticeDeadline, fr: bool) -> str:
    end, nxt = _date(x.end, fr), _date(x.renews_until, fr)
    if x.renews_until is not None:
        if fr:
            return (
                f"dernier jour pour dénoncer le contrat avant son terme du {end} ({x.days} jours de préavis) ; "
                f"sinon reconduction jusqu'au {nxt}"
            )
        return (
            f"last day to give notice of non-renewal before the term ends on {end} ({x.days} days' "
            f"notice); otherwise it renews until {nxt}"
        )
    if fr:
        return f"dernier jour de préavis avant la fin du contrat le {end} ({x.days} jours ; pas de reconduction tacite)"
    return f"last day of notice before the contract ends on {end} ({x.days} days; no tacit renewal)"


def _reversibility(x: n.ReversibilityNotice, fr: bool) -> str:
    end = _date(x.end, fr)
    if fr:
        return (
            f"si le contrat n'est pas reconduit au {end} : dernier jour pour le préavis de "
            f"réversibilité ({x.months} mois)"
        )
    return f"should the contract not be renewed on {end}: last day for the reversibility notice ({x.months} months)"


def _term_end(x: n.TermEnd, fr: bool) -> str:
    nxt = _date(x.renews_until, fr)
    if x.renews_until is None:
        return "fin du contrat (sans reconduction tacite)" if fr else "end of the contract (no tacit renewal)"
    if fr:
        return f"fin de la période en cours ; reconduction tacite jusqu'au {nxt} sauf dénonciation"
    return f"end of the current term; tacitly renewed until {nxt} unless notice was given"


def _earn_back(x: n.EarnBackCloses, fr: bool) -> str:
    money = amount(x.amount, "fr" if fr else "en", x.currency)
    if fr:
        return f"fin de la fenêtre de restitution du crédit de {_month(x.month, fr)} sur {x.sla} ({money})"
    return f"earn-back window closes for the {_month(x.month, fr)} credit on {x.sla} ({money})"


def _audit(x: n.AuditDeadline, fr: bool) -> str:
    end = _date(x.year_end, fr)
    if fr:
        return (
            f"droit d'audit ({x.per_year} par an, préavis de {x.notice_days} jours) : dernier jour "
            f"pour annoncer un audit de l'année contractuelle qui se termine le {end}"
        )
    return (
        f"audit right ({x.per_year} a year, {x.notice_days} days' notice): last day to announce "
        f"an audit in the contract year ending on {end}"
    )


_WRITERS: dict[type, Callable[[Any, bool], str]] = {
    n.FlowOutside: _fixed("un flux hors du contrat", "a flow outside the contract"),
    n.OutcomesUnrecorded: _fixed(
        "les résultats ne figurent pas dans les interactions", "outcomes are not in the interaction records"
    ),
    n.HandledContacts: _fixed("contacts traités", "handled contacts"),
    n.ProductiveTime: _fixed(
        "conversation + attente + post-traitement des contacts traités",
        "talk + hold + wrap of handled contacts",
    ),
    n.LoggedEstimate: _logged_estimate,
    n.LoggedMeasured: _logged_measured,
    n.ContractRate: _fixed(
        "le tarif du contrat avec sa majoration horaire", "the contract's rate with its band premium"
    ),
    n.TotalCheck: _total,
    n.NoRecords: _fixed(
        "aucune interaction du prestataire ce mois : demander son export",
        "no interaction of the provider this month: ask for its export",
    ),
    n.MissingDays: _missing_days,
    n.OutOfReach: _out_of_reach,
    n.Secured: _secured,
    n.Needed: _needed,
    n.NoneMeasured: _none_measured,
    n.Final: _final,
    n.WindowsOutOfReach: _windows_out_of_reach,
    n.WindowsNeeded: _windows_needed,
    n.ValueSoFar: _value_so_far,
    n.Meeting: _meeting,
    n.CertificationExpired: _certification_expired,
    n.CertificationExpires: _certification_expires,
    n.NoticePassed: _notice_passed,
    n.NoticeDeadline: _notice,
    n.ReversibilityNotice: _reversibility,
    n.TermEnd: _term_end,
    n.EarnBackCloses: _earn_back,
    n.AuditDeadline: _audit,
}

__all__ = ["say"]
