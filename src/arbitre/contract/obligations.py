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

from arbitre.contract.notes import (
    AuditDeadline,
    CertificationExpired,
    CertificationExpires,
    EarnBackCloses,
    Meeting,
    NoticeDeadline,
    NoticePassed,
    ObligationNote,
    ReversibilityNotice,
    TermEnd,
)
from arbitre.domain.contract import Committee, Contract
from arbitre.domain.month import Month

Kind = Literal["committee", "certification", "notice", "earn_back", "audit", "contract_end"]
Severity = Literal["info", "soon", "overdue"]

SOON_DAYS = 30
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4}
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
    """One dated item of the contract's calendar; ``what`` a code with its figures
    (`arbitre.contract.notes`), written in French or English by `arbitre.reports.notes.say`."""

    date: dt.date
    kind: Kind
    what: ObligationNote
    days_left: int
    severity: Severity


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
    items: list[Item] = [
        *committee_items(contract, today=today, until=until),
        *certification_items(contract, today=today, until=until),
        *term_items(contract, today=today, until=until),
        *earn_back_items(earn_back, today=today, until=until, currency=contract.currency),
        *audit_items(contract, today=today, until=until),
    ]
    out = [_obligation(day, kind, what, overdue, today) for day, kind, what, overdue in items]
    return sorted(out, key=lambda o: (o.date, _KIND_ORDER[o.kind], _order(o.what)))


# Each rule yields (date, kind, what, overdue).
Item = tuple[dt.date, Kind, ObligationNote, bool]


def _order(what: ObligationNote) -> str:
    """Items of one day and kind in a steady order: by the committee or certificate named, a
    credit by its month and SLA; the notices in the order the rules give them."""
    if isinstance(what, Meeting):
        return what.committee
    if isinstance(what, CertificationExpired | CertificationExpires):
        return what.name
    if isinstance(what, EarnBackCloses):
        return f"{what.month} {what.sla}"
    return ""


def committee_items(contract: Contract, *, today: dt.date, until: dt.date) -> Iterator[Item]:
    """Each committee meeting from ``today`` to ``until`` while the contract runs."""
    first = max(today, contract.start)
    last = min(until, running_end(contract))
    for committee in contract.committees:
        for day in meeting_days(committee, first=first, last=last):
            yield (day, "committee", Meeting(committee=committee.name, attendees=committee.attendees), False)


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
                CertificationExpired(name=cert.name, expired=cert.expires),
                True,
            )
        else:
            yield (cert.expires, "certification", CertificationExpires(name=cert.name), False)


def term_items(contract: Contract, *, today: dt.date, until: dt.date) -> Iterator[Item]:
    """The non-renewal notice deadline, the reversibility notice and the end of each term that
    falls in the horizon; the current term's notice deadline also when it has passed."""
    renewal = contract.renewal
    for index, end in enumerate(term_ends(contract, today=today, until=until)):
        notice = end - dt.timedelta(days=renewal.notice_days)
        nxt = add_months(end, renewal.period_months) if renewal.automatic else None
        passed = notice < today
        if (index == 0 and passed) or today <= notice <= until:
            what = (NoticePassed if passed else NoticeDeadline)(
                end=end, renews_until=nxt, days=renewal.notice_days
            )
            yield (notice, "notice", what, passed)
        reversibility = add_months(end, -contract.reversibility.notice_months)
        if contract.reversibility.notice_months and today <= reversibility <= until:
            months = contract.reversibility.notice_months
            yield (reversibility, "notice", ReversibilityNotice(end=end, months=months), False)
        if today <= end <= until:
            yield (end, "contract_end", TermEnd(renews_until=nxt), False)


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
            what = EarnBackCloses(month=credit.month, sla=credit.sla, amount=credit.amount, currency=currency)
            yield (credit.closes, "earn_back", what, False)


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
            what = AuditDeadline(per_year=audit.per_year, notice_days=audit.notice_days, year_end=last_day)
            yield (announce, "audit", what, False)
        year += 1


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, on the month's last day when it is shorter.

    >>> add_months(dt.date(2029, 3, 31), -6), add_months(dt.date(2028, 2, 29), 12)
    (datetime.date(2028, 9, 30), datetime.date(2029, 2, 28))
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _obligation(day: dt.date, kind: Kind, what: ObligationNote, overdue: bool, today: dt.date) -> Obligation:
    left = (day - today).days
    severity: Severity = "overdue" if overdue else "soon" if left <= SOON_DAYS else "info"
    return Obligation(day, kind, what, left, severity)


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
