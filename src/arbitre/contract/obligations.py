"""The contract's calendar: what falls due in the coming months, and what is already late.

From the contract alone (and the pending earn-back credits the monthly run passes in), the dates
governance must not miss, sorted by date:

- ``committee``: each meeting of `Contract.committees` — weekly on its weekday, monthly on its
  day, quarterly on its day of January, April, July and October — while the contract runs;
- ``certification``: a certification of the provider (ISO 27001, PCI DSS) expiring within the
  horizon, or already expired (``overdue``);
- ``notice``: the last day to give notice of non-renewal, the end of the current term minus
  ``renewal.notice_days`` (``overdue`` once passed: with tacit renewal the contract then rolls on
  for another ``period_months``); and the last day to give the reversibility notice, the end of
  the current term minus ``reversibility.notice_months``, should the contract not be renewed;
- ``earn_back``: the window of a pending credit closing (`PendingCredit`, from the monthly run);
- ``audit``: the audit right. When the client will audit is not in the contract, only how often
  (``audit.per_year``) and with what notice; so one reminder per contract year, on the last day
  to announce an audit that must take place within that year: the year's last day (the day
  before its anniversary) minus ``audit.notice_days``;
- ``contract_end``: the end of the current term.

Terms: the first term runs from ``start`` to ``end``. With tacit renewal (``renewal.automatic``)
each later term ends ``period_months`` after the previous one, and the contract is taken to run
on (the engine cannot know whether notice was given); the current term is the first whose end is
today or later. Without it the contract stops at ``end``.

``severity``: ``overdue`` as said above, ``soon`` when due within 30 days (today included),
``info`` otherwise. ``days_left`` is negative when overdue. Pure: ``today`` is passed in.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from arbitre.contract.words import amount
from arbitre.domain.contract import Committee, Contract
from arbitre.domain.month import Month

Kind = Literal["committee", "certification", "notice", "earn_back", "audit", "contract_end"]
Severity = Literal["info", "soon", "overdue"]

SOON_DAYS = 30
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4}
_MONTHS_FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
_KIND_ORDER: dict[str, int] = {
    k: i for i, k in enumerate(["certification", "notice", "contract_end", "earn_back", "audit", "committee"])
}


@dataclass(frozen=True, slots=True)
class PendingCredit:
    """A credit of ``month`` on ``sla`` that the provider earns back if the SLA is met until
    the window closes on ``closes`` (the monthly run knows which credits are pending)."""

    month: Month
    sla: str
    amount: Decimal
    closes: dt.date


@dataclass(frozen=True, slots=True)
class Obligation:
    """One dated item of the contract's calendar; ``what`` in French and English."""

    date: dt.date
    kind: Kind
    what_fr: str
    what_en: str
    days_left: int
    severity: Severity

    def what(self, lang: str = "fr") -> str:
        """The description in ``lang`` (``fr`` or ``en``)."""
        return self.what_fr if lang == "fr" else self.what_en


def obligations(
    contract: Contract,
    *,
    today: dt.date,
    horizon_days: int = 120,
    earn_back: Sequence[PendingCredit] = (),
) -> list[Obligation]:
    """The contract's obligations from ``today`` to ``today + horizon_days``, and those overdue,
    sorted by date (see the module docstring for each rule).

    >>> from pathlib import Path; from arbitre.yamlio import load_model
    >>> c = load_model(Path(__file__).parents[1] / "examples/contracts/callmada-2026.yaml", Contract)
    >>> [(o.date.isoformat(), o.kind, o.severity) for o in obligations(c, today=dt.date(2026, 9, 1),
    ...   horizon_days=12)]
    [('2026-09-01', 'committee', 'soon'), ('2026-09-08', 'committee', 'soon'), ('2026-09-10', 'committee', 'soon')]
    """
    if horizon_days < 0:
        raise ValueError(f"horizon_days must be ≥ 0, got {horizon_days}")
    until = today + dt.timedelta(days=horizon_days)
    items: list[tuple[dt.date, Kind, str, str, bool]] = [
        *committee_items(contract, today=today, until=until),
        *certification_items(contract, today=today, until=until),
        *term_items(contract, today=today, until=until),
        *earn_back_items(earn_back, today=today, until=until, currency=contract.currency),
        *audit_items(contract, today=today, until=until),
    ]
    out = [_obligation(day, kind, fr, en, overdue, today) for day, kind, fr, en, overdue in items]
    return sorted(out, key=lambda o: (o.date, _KIND_ORDER[o.kind], o.what_en))


# Each rule yields (date, kind, French, English, overdue).
Item = tuple[dt.date, Kind, str, str, bool]


def committee_items(contract: Contract, *, today: dt.date, until: dt.date) -> Iterator[Item]:
    """Each committee meeting from ``today`` to ``until`` while the contract runs."""
    first = max(today, contract.start)
    last = min(until, running_end(contract))
    for committee in contract.committees:
        for day in meeting_days(committee, first=first, last=last):
            who = f" ({', '.join(committee.attendees)})" if committee.attendees else ""
            yield (
                day,
                "committee",
                f"réunion : {committee.name}{who}",
                f"meeting: {committee.name}{who}",
                False,
            )


def meeting_days(committee: Committee, *, first: dt.date, last: dt.date) -> list[dt.date]:
    """The days from ``first`` to ``last`` (both included) on which ``committee`` meets.

    >>> c = Committee(name="COPIL", cadence="quarterly", day=20)
    >>> meeting_days(c, first=dt.date(2026, 4, 21), last=dt.date(2027, 1, 20))
    [datetime.date(2026, 7, 20), datetime.date(2026, 10, 20), datetime.date(2027, 1, 20)]
    """
    if last < first:
        return []
    if committee.cadence == "weekly":
        assert committee.weekday is not None  # the model requires it for a weekly committee
        start = first + dt.timedelta(days=(_WEEKDAYS[committee.weekday] - first.weekday()) % 7)
        return (
            [start + dt.timedelta(weeks=i) for i in range((last - start).days // 7 + 1)]
            if start <= last
            else []
        )
    assert committee.day is not None  # the model requires it for a monthly or quarterly committee
    months = range(1, 13) if committee.cadence == "monthly" else (1, 4, 7, 10)
    days = []
    for year in range(first.year, last.year + 1):
        for month in months:
            day = dt.date(year, month, committee.day)
            if first <= day <= last:
                days.append(day)
    return days


def certification_items(contract: Contract, *, today: dt.date, until: dt.date) -> Iterator[Item]:
    """Certifications expiring by ``until``; those expired before ``today`` are overdue."""
    for cert in contract.data_protection.certifications:
        if cert.expires > until:
            continue
        if cert.expires < today:
            yield (
                cert.expires,
                "certification",
                f"certification {cert.name} expirée depuis le {_date_fr(cert.expires)} : demander le certificat renouvelé",
                f"{cert.name} certification expired on {_date_en(cert.expires)}: ask for the renewed certificate",
                True,
            )
        else:
            yield (
                cert.expires,
                "certification",
                f"expiration de la certification {cert.name} : demander le certificat renouvelé",
                f"{cert.name} certification expires: ask for the renewed certificate",
                False,
            )


def term_items(contract: Contract, *, today: dt.date, until: dt.date) -> Iterator[Item]:
    """The non-renewal notice deadline, the reversibility notice and the end of each term that
    falls in the horizon; the current term's notice deadline also when it has passed."""
    renewal = contract.renewal
    for index, end in enumerate(term_ends(contract, today=today, until=until)):
        notice = end - dt.timedelta(days=renewal.notice_days)
        nxt = add_months(end, renewal.period_months) if renewal.automatic else None
        passed = notice < today
        if (index == 0 and passed) or today <= notice <= until:
            yield (notice, "notice", *_notice_words(end, nxt, renewal.notice_days, passed=passed), passed)
        reversibility = add_months(end, -contract.reversibility.notice_months)
        if contract.reversibility.notice_months and today <= reversibility <= until:
            months = contract.reversibility.notice_months
            yield (
                reversibility,
                "notice",
                f"si le contrat n'est pas reconduit au {_date_fr(end)} : dernier jour pour le préavis de "
                f"réversibilité ({months} mois)",
                f"should the contract not be renewed on {_date_en(end)}: last day for the reversibility "
                f"notice ({months} months)",
                False,
            )
        if today <= end <= until:
            yield (
                end,
                "contract_end",
                f"fin de la période en cours ; reconduction tacite jusqu'au {_date_fr(nxt)} sauf dénonciation"
                if nxt
                else "fin du contrat (sans reconduction tacite)",
                f"end of the current term; tacitly renewed until {_date_en(nxt)} unless notice was given"
                if nxt
                else "end of the contract (no tacit renewal)",
                False,
            )


def _notice_words(end: dt.date, nxt: dt.date | None, days: int, *, passed: bool) -> tuple[str, str]:
    if passed:
        then_fr = f"le contrat est reconduit jusqu'au {_date_fr(nxt)}" if nxt else "le contrat prend fin"
        then_en = f"the contract renews until {_date_en(nxt)}" if nxt else "the contract ends"
        return (
            f"délai de préavis de non-reconduction passé ({days} jours avant le {_date_fr(end)}) : "
            f"sauf préavis donné, {then_fr}",
            f"non-renewal notice deadline passed ({days} days before {_date_en(end)}): "
            f"unless notice was given, {then_en}",
        )
    if nxt:
        return (
            f"dernier jour pour dénoncer le contrat avant son terme du {_date_fr(end)} ({days} jours de préavis) ; "
            f"sinon reconduction jusqu'au {_date_fr(nxt)}",
            f"last day to give notice of non-renewal before the term ends on {_date_en(end)} ({days} days' "
            f"notice); otherwise it renews until {_date_en(nxt)}",
        )
    return (
        f"dernier jour de préavis avant la fin du contrat le {_date_fr(end)} ({days} jours ; pas de reconduction tacite)",
        f"last day of notice before the contract ends on {_date_en(end)} ({days} days; no tacit renewal)",
    )


def term_ends(contract: Contract, *, today: dt.date, until: dt.date) -> list[dt.date]:
    """The end of the current term (the first ending today or later), then of the next terms
    whose notice or end falls by ``until``. Empty once a contract without tacit renewal is over.

    >>> from pathlib import Path; from arbitre.yamlio import load_model
    >>> c = load_model(Path(__file__).parents[1] / "examples/contracts/callmada-2026.yaml", Contract)
    >>> term_ends(c, today=dt.date(2029, 4, 1), until=dt.date(2029, 7, 30))  # ended 2029-03-31, renewed
    [datetime.date(2030, 3, 31)]
    """
    renewal = contract.renewal
    if not renewal.automatic:
        return [contract.end] if contract.end >= today else []
    k = 0
    while add_months(contract.end, k * renewal.period_months) < today:
        k += 1
    ends = [add_months(contract.end, k * renewal.period_months)]
    while True:
        nxt = add_months(contract.end, (k + len(ends)) * renewal.period_months)
        if (
            nxt - dt.timedelta(days=renewal.notice_days) > until
            and add_months(nxt, -contract.reversibility.notice_months) > until
        ):
            return ends
        ends.append(nxt)


def running_end(contract: Contract) -> dt.date:
    """The last day the contract is taken to run: ``end``, or no end with tacit renewal."""
    return dt.date.max if contract.renewal.automatic else contract.end


def earn_back_items(
    pending: Sequence[PendingCredit], *, today: dt.date, until: dt.date, currency: str
) -> Iterator[Item]:
    """The earn-back windows closing from ``today`` to ``until`` (the run settles those passed)."""
    for credit in pending:
        if today <= credit.closes <= until:
            yield (
                credit.closes,
                "earn_back",
                f"fin de la fenêtre de restitution du crédit de {_month_fr(credit.month)} sur {credit.sla} "
                f"({amount(credit.amount, 'fr', currency)})",
                f"earn-back window closes for the {_month_en(credit.month)} credit on {credit.sla} "
                f"({amount(credit.amount, 'en', currency)})",
                False,
            )


def audit_items(contract: Contract, *, today: dt.date, until: dt.date) -> Iterator[Item]:
    """For each contract year ending while the contract runs: the last day to announce an audit
    within that year (its last day minus ``audit.notice_days``), when it falls in the horizon."""
    audit = contract.audit
    if audit.per_year == 0:
        return
    year = 1
    while True:
        # A contract without tacit renewal may end part way through its last contract year.
        last_day = min(add_months(contract.start, 12 * year) - dt.timedelta(days=1), running_end(contract))
        announce = last_day - dt.timedelta(days=audit.notice_days)
        if announce > until or add_months(contract.start, 12 * (year - 1)) > running_end(contract):
            return
        if announce >= today:
            yield (
                announce,
                "audit",
                f"droit d'audit ({audit.per_year} par an, préavis de {audit.notice_days} jours) : dernier jour "
                f"pour annoncer un audit de l'année contractuelle qui se termine le {_date_fr(last_day)}",
                f"audit right ({audit.per_year} a year, {audit.notice_days} days' notice): last day to announce "
                f"an audit in the contract year ending on {_date_en(last_day)}",
                False,
            )
        year += 1


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, on the month's last day when it is shorter.

    >>> add_months(dt.date(2029, 3, 31), -6), add_months(dt.date(2028, 2, 29), 12)
    (datetime.date(2028, 9, 30), datetime.date(2029, 2, 28))
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _obligation(day: dt.date, kind: Kind, fr: str, en: str, overdue: bool, today: dt.date) -> Obligation:
    left = (day - today).days
    severity: Severity = "overdue" if overdue else "soon" if left <= SOON_DAYS else "info"
    return Obligation(day, kind, fr, en, left, severity)


def _date_fr(day: dt.date | None) -> str:
    """2026-09-10 → ``10 septembre 2026``; ``1er`` for the first of the month."""
    if day is None:
        return ""
    return f"{'1er' if day.day == 1 else day.day} {_MONTHS_FR[day.month - 1]} {day.year}"


def _date_en(day: dt.date | None) -> str:
    """2026-09-10 → ``10 September 2026``."""
    return "" if day is None else f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _month_fr(month: Month) -> str:
    return f"{_MONTHS_FR[month.number - 1]} {month.year}"


def _month_en(month: Month) -> str:
    return f"{calendar.month_name[month.number]} {month.year}"


__all__ = [
    "SOON_DAYS",
    "Kind",
    "Obligation",
    "PendingCredit",
    "Severity",
    "add_months",
    "meeting_days",
    "obligations",
    "term_ends",
]
