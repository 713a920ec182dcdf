"""Month to date: can each SLA still be met this month, and how has it moved over the months?

Governance does not wait for the month to close. Halfway through, what is known is the KPI's
numerator and denominator so far (calls answered within 30 s out of the eligible calls); what is
expected is the rest of the month's contacts, from the contract's volume forecast spread over the
days by its weekday weights. From the two, the rate the remaining contacts must reach follows:

    needed = (target × (denominator + remaining) − numerator) ÷ remaining

and the SLA is

- ``missed`` when even the best outcome on every remaining contact cannot meet the target — for an
  "at least" KPI, (numerator + remaining) ÷ (denominator + remaining) < target; for an "at most"
  KPI (abandonment), numerator ÷ (denominator + remaining) > target;
- ``at_risk`` when the remaining contacts must do better than the month so far (needed worse than
  the rate to date), or the rate to date misses the target — still possible, but not on the pace;
- ``on_track`` otherwise.

The two at-risk conditions coincide when contacts remain (if the rate to date meets the target,
the rate needed on the rest is no stricter than the target); both are checked all the same.

When nothing remains the month is complete: met is ``on_track`` and final, not met is ``missed``.
An SLA on a day or interval window (``min_share_of_windows`` of the windows must meet the target)
is projected the same way on windows instead of contacts (`project_windows`). A KPI that is not a
share of contacts (a wait in seconds, a mean score, NPS) has no such bound: it is judged on its
value to date against the target (`project_value`).

Pure functions: the monthly run (`arbitre.services.govern`) gathers the counts and calls them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from arbitre.contract.notes import (
    Final,
    Needed,
    NoneMeasured,
    Noun,
    OutOfReach,
    Secured,
    ValueSoFar,
    WatchNote,
    WindowNoun,
    WindowsNeeded,
    WindowsOutOfReach,
)
from arbitre.domain.contract import Contract, Sla, Volumes
from arbitre.domain.kpis import KPIS
from arbitre.domain.month import Month

Status = Literal["on_track", "at_risk", "missed"]
Better = Literal["at_least", "at_most"]
Direction = Literal["improving", "worsening", "stable"]

#: KPIs that are a share of contacts (numerator ÷ denominator), hence projectable by counts.
RATIO_KPIS = frozenset(k.name for k in KPIS.values() if k.share_of_contacts)

_EPS = 1e-12  # as `Sla.meets`: a rate equal to the target meets it despite float rounding


# What the remaining units are called in the notes (`arbitre.reports.notes` writes the words).
CONTACTS: Noun = "contacts"
CALLS: Noun = "calls"
EMAILS: Noun = "emails"
RESPONSES: Noun = "responses"
DAYS: WindowNoun = "days"
INTERVALS: WindowNoun = "intervals"


@dataclass(frozen=True, slots=True)
class Projection:
    """Where an SLA stands part way through the month.

    ``actual``: the value to date (the KPI, or the share of windows met); None before any contact.
    ``needed``: the rate the remaining contacts (or share of the remaining windows) must reach,
    clipped to [0, 1]; None when nothing remains or the KPI is not a share.
    ``remaining``: the contacts (or windows) still expected this month.
    ``target``: the SLA's target, or for a day or interval SLA the share of windows it requires.
    ``final``: nothing remains, the status is the month's result.
    ``note``: what it means, a code with its figures (`arbitre.contract.notes`), written in French
    or English by `arbitre.reports.notes.say`.
    """

    sla: str
    status: Status
    actual: float | None
    needed: float | None
    remaining: float
    target: float
    final: bool
    note: WatchNote


@dataclass(frozen=True, slots=True)
class TrendPoint:
    month: Month
    actual: float | None
    met: bool | None


@dataclass(frozen=True, slots=True)
class SlaTrend:
    """One SLA over the stored months, oldest first, with the way its last change went.

    ``change``: the last value minus the one before (None with fewer than two values);
    ``direction``: that change read on the SLA's better side, ``stable`` within the tolerance.
    """

    sla: str
    points: tuple[TrendPoint, ...]
    change: float | None
    direction: Direction | None


# --- expected remaining contacts -------------------------------------------------------------


def day_weights(
    month: Month, weekday_weights: Sequence[Decimal] | None, *, closed: Collection[date] = ()
) -> dict[date, Decimal]:
    """Each day's share of the month's volume: its weekday's weight over the month's total weight
    (nothing on the ``closed`` days).

    Without weights (or all zero) every open day weighs the same. The shares add up to 1.

    >>> w = day_weights(Month("2026-09"), [Decimal(1)] * 6 + [Decimal(0)])  # closed on Sundays
    >>> w[date(2026, 9, 6)], w[date(2026, 9, 7)] == Decimal(1) / 26
    (Decimal('0'), True)
    """
    days = month.days()
    shut = set(closed)
    raw = {
        d: Decimal(0) if d in shut else weekday_weights[d.weekday()] if weekday_weights else Decimal(1)
        for d in days
    }
    total = sum(raw.values(), Decimal(0))
    if total == 0:
        raw = {d: Decimal(0) if d in shut else Decimal(1) for d in days}
        total = sum(raw.values(), Decimal(0)) or Decimal(1)
    return {d: w / total for d, w in raw.items()}


def expected_remaining(volumes: Volumes, month: Month, flow: str, through: date) -> float | None:
    """The contacts of ``flow`` still expected in ``month`` after the day ``through``.

    The month's forecast (`Volumes.forecast`) spread over its days by the flow's weekday weights
    (`Volumes.weights`, as `arbitre.contract.volumes.daily_forecast` spreads it), summed
    over the days after ``through`` (the last day with data, counted as complete). None when the
    contract has no forecast for the flow (then see `pace_remaining`).

    >>> v = Volumes(default={"voice": Decimal(30000)})  # no weights: 1 000 a day in September
    >>> expected_remaining(v, Month("2026-09"), "voice", date(2026, 9, 20))
    10000.0
    """
    forecast = volumes.forecast(month, flow)
    if forecast is None:
        return None
    weights = day_weights(month, volumes.weights(flow), closed=volumes.closed(flow))
    share = sum((w for d, w in weights.items() if d > through), Decimal(0))
    return float(forecast * share)


def pace_remaining(
    contacts_to_date: float, month: Month, *, through: date, weekday_weights: Sequence[Decimal] | None = None
) -> float | None:
    """The contacts still expected at the pace so far, for a flow the contract does not forecast.

    contacts to date × (weight of the days after ``through``) ÷ (weight of the days through it);
    None when no weighted day has passed yet.

    >>> pace_remaining(600, Month("2026-09"), through=date(2026, 9, 10))  # 60 a day, 20 days left
    1200.0
    """
    weights = day_weights(month, weekday_weights)
    past = sum((w for d, w in weights.items() if d <= through), Decimal(0))
    if past == 0:
        return None
    return contacts_to_date * float((1 - past) / past)


def sla_remaining(contract: Contract, sla: Sla, *, month: Month, through: date) -> float | None:
    """The contacts still expected this month on the SLA's flows (every flow when it names none);
    None when one of them has no forecast."""
    total = 0.0
    for flow in sla.flows or contract.flows:
        left = expected_remaining(contract.volumes, month, flow, through)
        if left is None:
            return None
        total += left
    return total


def remaining_days(month: Month, *, through: date, weekday_weights: Sequence[Decimal] | None = None) -> int:
    """The days of ``month`` after ``through`` that expect contacts (a weekday weight above 0):
    the day windows still to come.

    >>> remaining_days(Month("2026-09"), through=date(2026, 9, 20), weekday_weights=[Decimal(1)] * 6 + [Decimal(0)])
    9
    """
    return sum(1 for d, w in day_weights(month, weekday_weights).items() if d > through and w > 0)


def sla_remaining_days(contract: Contract, sla: Sla, *, month: Month, through: date) -> int:
    """The days of ``month`` after ``through`` on which one of the SLA's flows (every flow when
    it names none) expects contacts: the day windows of a day SLA still to come."""
    flows = sla.flows or contract.flows
    weights = [
        day_weights(month, contract.volumes.weights(f), closed=contract.volumes.closed(f)) for f in flows
    ]
    return sum(1 for d in weights[0] if d > through and any(w[d] > 0 for w in weights))


# --- projections -----------------------------------------------------------------------------


def project_ratio(
    sla: Sla,
    *,
    numerator: float,
    denominator: float,
    remaining: float,
    contacts: float | None = None,
    noun: Noun = CONTACTS,
) -> Projection:
    """Project an SLA on a share of contacts (`RATIO_KPIS`) to the end of the month.

    ``numerator`` / ``denominator``: the counts to date as the SLA defines them (calls answered
    within the threshold / eligible calls; abandoned / offered; satisfied / survey responses).
    ``remaining``: the contacts still expected (`sla_remaining`). When the denominator is a part
    of the contacts (survey responses, calls after short abandons), give the ``contacts`` to date
    of which it is a part: the remaining denominator is then ``remaining × denominator ÷ contacts``.

    >>> sla = Sla(name="answer-30s", kpi="service_level", target=0.8, weight=Decimal(1))
    >>> p = project_ratio(sla, numerator=46_860, denominator=60_000, remaining=18_400, noun=CALLS)
    >>> p.status, round(p.needed, 3)
    ('at_risk', 0.862)
    >>> round(p.note.needed, 3), p.note.left, p.note.noun
    (0.862, 18400.0, 'calls')
    """
    if not 0 <= numerator <= denominator or remaining < 0:
        raise ValueError(
            f"expected 0 ≤ numerator ≤ denominator and remaining ≥ 0, got {numerator}, {denominator}, {remaining}"
        )
    left = remaining * denominator / contacts if contacts else remaining
    actual = numerator / denominator if denominator else None
    if left <= 0:
        return _final(sla, actual, noun)
    at_least = sla.better == "at_least"
    needed = (sla.target * (denominator + left) - numerator) / left
    # The best the month can end at: every remaining contact answered in time (or none abandoned).
    best = (numerator + left) / (denominator + left) if at_least else numerator / (denominator + left)
    if not sla.meets(best):
        status: Status = "missed"
    elif actual is not None and (not sla.meets(actual) or _worse(needed, actual, at_least)):
        status = "at_risk"
    else:
        status = "on_track"
    clipped = min(max(needed, 0.0), 1.0)
    note = _ratio_note(status, sla, actual=actual, needed=needed, best=best, left=left, noun=noun)
    return Projection(sla.name, status, actual, clipped, left, sla.target, False, note)


def project_windows(sla: Sla, *, met: int, total: int, remaining: int) -> Projection:
    """Project an SLA on day or interval windows: at least ``sla.min_share_of_windows`` of the
    windows with contacts must meet the target.

    ``met`` / ``total``: windows so far meeting the target / with contacts (excluded ones left
    out); ``remaining``: windows still to come (`remaining_days` for a day window). The windows
    needed on the rest are counted whole: ⌈share × (total + remaining) − met⌉. Missed when they
    exceed the windows left; at risk when the share they make of the windows left is above the
    share met so far.

    >>> sla = Sla(name="abandon", kpi="abandon_rate", target=0.08, window="day",
    ...           min_share_of_windows=0.9, weight=Decimal(1))
    >>> p = project_windows(sla, met=17, total=20, remaining=10)
    >>> p.status, p.needed, (p.note.count, p.note.remaining, p.note.so_far)
    ('at_risk', 1.0, (10, 10, 0.85))
    """
    if not 0 <= met <= total or remaining < 0:
        raise ValueError(f"expected 0 ≤ met ≤ total and remaining ≥ 0, got {met}, {total}, {remaining}")
    share = sla.min_share_of_windows
    actual = met / total if total else None
    unit = DAYS if sla.window == "day" else INTERVALS
    if remaining == 0:
        ok = actual is not None and actual >= share - _EPS
        final = Final(met=ok, actual=actual, target=share, of=unit)
        return Projection(sla.name, "on_track" if ok else "missed", actual, None, 0.0, share, True, final)
    count = max(0, math.ceil(share * (total + remaining) - met - 1e-9))
    needed = count / remaining
    if count > remaining:
        status: Status = "missed"
    elif actual is not None and (needed > actual + _EPS or actual < share - _EPS):
        status = "at_risk"
    else:
        status = "on_track"
    note = _windows_note(
        status, met=met, total=total, remaining=remaining, count=count, share=share, unit=unit
    )
    return Projection(sla.name, status, actual, min(needed, 1.0), float(remaining), share, False, note)


def project_value(sla: Sla, *, value: float | None, remaining: float) -> Projection:
    """Judge an SLA whose KPI is not a share of contacts (a wait in seconds, a mean score, NPS) on
    its value to date: ``on_track`` when it meets the target, ``at_risk`` when it does not and
    contacts remain, ``missed`` when the month is complete and it does not.

    >>> sla = Sla(name="asa", kpi="asa_s", target=30, weight=Decimal(1))
    >>> p = project_value(sla, value=34.2, remaining=900)
    >>> p.status, p.note.value, p.note.final
    ('at_risk', 34.2, False)
    """
    if remaining < 0:
        raise ValueError(f"expected remaining ≥ 0, got {remaining}")
    final = remaining == 0
    ok = value is not None and sla.meets(value)
    if value is None:
        status: Status = "missed" if final else "on_track"
    else:
        status = "on_track" if ok else "missed" if final else "at_risk"
    note = ValueSoFar(
        kpi=sla.kpi, value=value, target=sla.target, at_most=sla.better == "at_most", final=final
    )
    return Projection(sla.name, status, value, None, float(remaining), sla.target, final, note)


# --- trend -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlaValue:
    """An SLA's value in one recorded month, with what the trend reads of its definition."""

    name: str
    kpi: str
    window: str
    direction: Better
    target: float
    actual: float | None
    met: bool | None


def trend(results: Iterable[tuple[Month, Sequence[SlaValue]]], *, tolerance: float = 0.01) -> list[SlaTrend]:
    """Each SLA's value over the recorded months, and the way its last change went.

    ``results``: each month with its SLAs' values, in any order. The rule is deliberately simple:
    compare the last month with a value to the one before it. The change counts as ``stable``
    when it is within ``tolerance`` × the scale: 1 for a share (a share-of-contacts KPI, or the
    share of windows met of a day or interval SLA: 0.01 is one point), else the target's size
    (0.01: 1 % of 30 s). Otherwise it is ``improving`` when it moved to the SLA's better side —
    up for an "at least" KPI and for any share of windows met, down for an "at most" KPI on a
    month window — and ``worsening`` when it moved away.

    >>> def ab(a): return [SlaValue("abandon", "abandon_rate", "month", "at_most", 0.08, a, a <= 0.08)]
    >>> months = [(Month("2026-05"), ab(0.07)), (Month("2026-04"), ab(0.1))]
    >>> [(t.sla, t.direction, round(t.change, 2)) for t in trend(months)]
    [('abandon', 'improving', -0.03)]
    """
    series: dict[str, list[TrendPoint]] = {}
    meta: dict[str, SlaValue] = {}
    for month, slas in sorted(results, key=lambda r: str(r[0])):
        for s in slas:
            series.setdefault(s.name, []).append(TrendPoint(month, s.actual, s.met))
            meta[s.name] = s  # the latest month's definition
    return [_trend_of(name, tuple(points), meta[name], tolerance) for name, points in series.items()]


def _trend_of(name: str, points: tuple[TrendPoint, ...], sla: SlaValue, tolerance: float) -> SlaTrend:
    values = [p.actual for p in points if p.actual is not None]
    if len(values) < 2:
        return SlaTrend(name, points, None, None)
    change = values[-1] - values[-2]
    windows = sla.window != "month"
    better: Better = "at_least" if windows else sla.direction
    share = windows or sla.kpi in RATIO_KPIS
    scale = 1.0 if share else abs(float(sla.target or 0)) or 1.0
    if abs(change) <= tolerance * scale + _EPS:
        direction: Direction = "stable"
    else:
        direction = "improving" if (change > 0) == (better == "at_least") else "worsening"
    return SlaTrend(name, points, change, direction)


# --- notes -----------------------------------------------------------------------------------


def _worse(needed: float, actual: float, at_least: bool) -> bool:
    """Whether the rate needed on the rest is stricter than the rate to date."""
    return needed > actual + _EPS if at_least else needed < actual - _EPS


def _final(sla: Sla, actual: float | None, noun: Noun) -> Projection:
    """The month is complete: met or missed is the month's result."""
    ok = actual is not None and sla.meets(actual)
    note: WatchNote = (
        NoneMeasured(noun=noun)
        if actual is None
        else Final(met=ok, actual=actual, target=sla.target, at_most=sla.better == "at_most")
    )
    return Projection(sla.name, "on_track" if ok else "missed", actual, None, 0.0, sla.target, True, note)


def _ratio_note(
    status: Status, sla: Sla, *, actual: float | None, needed: float, best: float, left: float, noun: Noun
) -> WatchNote:
    at_most = sla.better == "at_most"
    if status == "missed":
        return OutOfReach(at_most=at_most, best=best, target=sla.target, left=left, noun=noun)
    if (needed >= 1) if at_most else (needed <= 0):
        return Secured(left=left, noun=noun)
    return Needed(at_most=at_most, needed=needed, left=left, noun=noun, actual=actual)


def _windows_note(
    status: Status, *, met: int, total: int, remaining: int, count: int, share: float, unit: WindowNoun
) -> WatchNote:
    if status == "missed":
        best = (met + remaining) / (total + remaining)
        return WindowsOutOfReach(remaining=remaining, best=best, share=share, unit=unit)
    return WindowsNeeded(count=count, remaining=remaining, so_far=met / total if total else None, unit=unit)


__all__ = [
    "CALLS",
    "CONTACTS",
    "DAYS",
    "EMAILS",
    "INTERVALS",
    "RATIO_KPIS",
    "RESPONSES",
    "Projection",
    "SlaTrend",
    "SlaValue",
    "Status",
    "TrendPoint",
    "day_weights",
    "expected_remaining",
    "pace_remaining",
    "project_ratio",
    "project_value",
    "project_windows",
    "remaining_days",
    "sla_remaining",
    "sla_remaining_days",
    "trend",
]
