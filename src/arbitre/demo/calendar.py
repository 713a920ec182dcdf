"""The French retail calendar of the demo company: sales, Black Friday, Christmas, holidays.

Everything here is a pure function of the year, never of today, so the demo of 2025 is the same
whenever it is built. The dates follow the rules French retail follows:

- winter sales (soldes d'hiver) start on the second Wednesday of January, or the first when the
  second falls after the 12th; summer sales on the last Wednesday of June, or the one before when
  the last falls after the 28th; both for four weeks (Code de commerce, art. D310-15-2; the
  handful of départements with their own dates are ignored): 8 Jan – 4 Feb and 25 Jun – 22 Jul
  2025, 7 Jan – 3 Feb and 24 Jun – 21 Jul 2026;
- Black Friday is the day after the fourth Thursday of November (28 Nov 2025), Cyber Monday the
  Monday after (1 Dec 2025);
- Mother's Day (fête des mères) is the last Sunday of May, or the first Sunday of June when
  Pentecost falls on it;
- public holidays: the eleven French ones, and for the Barcelona provider the Spanish national,
  Catalan and Barcelona ones.

Seasonality is a multiplier per day and per *demand kind* (what drives the contacts: orders,
after-sales service, returns and claims, outbound campaigns): a smooth monthly baseline times the
lift of every retail event covering the day. Multipliers are relative (1.0 is an ordinary day of
an ordinary month); the generator normalises them over the year.

>>> sales_periods(2025)
((datetime.date(2025, 1, 8), datetime.date(2025, 2, 4)), (datetime.date(2025, 6, 25), datetime.date(2025, 7, 22)))
>>> black_friday(2025), cyber_monday(2025)
(datetime.date(2025, 11, 28), datetime.date(2025, 12, 1))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray

DemandKind = Literal["orders", "service", "returns", "outbound"]
DEMAND_KINDS: tuple[DemandKind, ...] = ("orders", "service", "returns", "outbound")

HolidayCalendar = Literal["fr", "es-barcelona"]

# Monthly baselines, anchored mid-month and interpolated by day (no steps at month ends).
# Orders: January sales, a quiet February, the summer holidays in August, the Q4 rush.
# Returns lag orders by a few weeks; outbound campaigns pause in summer and around Christmas.
_MONTHLY: dict[DemandKind, tuple[float, ...]] = {
    "orders": (1.05, 0.85, 0.92, 0.95, 1.00, 0.95, 0.95, 0.75, 0.95, 1.00, 1.10, 1.20),
    "service": (1.10, 0.92, 0.95, 0.95, 0.95, 0.95, 1.00, 0.82, 0.95, 1.00, 1.08, 1.15),
    "returns": (1.20, 1.00, 0.95, 0.95, 0.95, 0.95, 1.05, 0.90, 0.90, 0.95, 1.00, 1.10),
    "outbound": (1.20, 1.20, 1.10, 1.00, 1.00, 0.80, 0.60, 0.40, 1.20, 1.30, 0.90, 0.50),
}

HOLIDAY_DEMAND = 0.6
"""Demand on a public holiday relative to the same weekday: e-commerce customers still write and
call, less than on a working day."""


@dataclass(frozen=True, slots=True)
class RetailEvent:
    """A dated event and how it lifts each kind of demand.

    ``lift`` holds ``(kind, first_day, last_day)``: the multiplier on the first and the last day of
    the event (inclusive), linear in between, so sales can start strong and fade. ``reinforced``
    says the company plans temporary staff for it (the staffing cap is raised).
    """

    name: str
    label: str
    start: date
    end: date
    lift: tuple[tuple[DemandKind, float, float], ...]
    reinforced: bool = False


def easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (anonymous Gregorian algorithm, Meeus/Jones/Butcher).

    >>> easter(2025)
    datetime.date(2025, 4, 20)
    """
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` (Monday 0) of the month; n = -1 for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def sales_periods(year: int) -> tuple[tuple[date, date], tuple[date, date]]:
    """Winter and summer sales of ``year``, first and last day (four weeks each).

    The decree keeps both starts inside a window (winter by 12 January, summer by 28 June), so
    the second or last Wednesday moves a week earlier in some years (2026's winter sales).

    >>> sales_periods(2026)[0][0], sales_periods(2016)[1][0]
    (datetime.date(2026, 1, 7), datetime.date(2016, 6, 22))
    """
    winter = _nth_weekday(year, 1, 2, 2)
    if winter.day > 12:
        winter -= timedelta(days=7)
    summer = _nth_weekday(year, 6, 2, -1)
    if summer.day > 28:
        summer -= timedelta(days=7)
    return (winter, winter + timedelta(days=27)), (summer, summer + timedelta(days=27))


def black_friday(year: int) -> date:
    """The day after the fourth Thursday of November."""
    return _nth_weekday(year, 11, 3, 4) + timedelta(days=1)


def cyber_monday(year: int) -> date:
    """The Monday after Black Friday."""
    return black_friday(year) + timedelta(days=3)


def mothers_day(year: int) -> date:
    """French fête des mères: last Sunday of May, first Sunday of June if that is Pentecost.

    >>> mothers_day(2025)
    datetime.date(2025, 5, 25)
    """
    last = _nth_weekday(year, 5, 6, -1)
    return last + timedelta(days=7) if last == easter(year) + timedelta(days=49) else last


def french_holidays(year: int) -> dict[date, str]:
    """The eleven French public holidays (jours fériés) of ``year``, with their French names.

    >>> sorted(french_holidays(2025))[1:4]
    [datetime.date(2025, 4, 21), datetime.date(2025, 5, 1), datetime.date(2025, 5, 8)]
    """
    e = easter(year)
    return {
        date(year, 1, 1): "Jour de l'an",
        e + timedelta(days=1): "Lundi de Pâques",
        date(year, 5, 1): "Fête du Travail",
        date(year, 5, 8): "Victoire 1945",
        e + timedelta(days=39): "Ascension",
        e + timedelta(days=50): "Lundi de Pentecôte",
        date(year, 7, 14): "Fête nationale",
        date(year, 8, 15): "Assomption",
        date(year, 11, 1): "Toussaint",
        date(year, 11, 11): "Armistice 1918",
        date(year, 12, 25): "Noël",
    }


def barcelona_holidays(year: int) -> dict[date, str]:
    """Public holidays of a site in Barcelona: Spanish national, Catalan and city holidays.

    The city's two local days are fixed by the council each year; La Mercè (24 Sep) is one every
    year, Whit Monday (Segona Pasqua) the other in most years, including 2025.
    """
    e = easter(year)
    return {
        date(year, 1, 1): "Año Nuevo",
        date(year, 1, 6): "Epifanía del Señor",
        e - timedelta(days=2): "Viernes Santo",
        e + timedelta(days=1): "Dilluns de Pasqua",
        date(year, 5, 1): "Fiesta del Trabajo",
        e + timedelta(days=50): "Segona Pasqua",
        date(year, 6, 24): "Sant Joan",
        date(year, 8, 15): "Asunción de la Virgen",
        date(year, 9, 11): "Diada de Catalunya",
        date(year, 9, 24): "La Mercè",
        date(year, 10, 12): "Fiesta Nacional de España",
        date(year, 11, 1): "Todos los Santos",
        date(year, 12, 6): "Día de la Constitución",
        date(year, 12, 8): "Inmaculada Concepción",
        date(year, 12, 25): "Navidad",
        date(year, 12, 26): "Sant Esteve",
    }


def holidays(calendar: HolidayCalendar, year: int) -> dict[date, str]:
    """Public holidays of a site's calendar."""
    return french_holidays(year) if calendar == "fr" else barcelona_holidays(year)


def fully_closed(day: date) -> bool:
    """New Year's Day, Labour Day and Christmas: every site of the demo is closed.

    On the other holidays the live channels run reduced hours and deferred work waits.
    """
    return (day.month, day.day) in ((1, 1), (5, 1), (12, 25))


def retail_events(year: int) -> tuple[RetailEvent, ...]:
    """The events of ``year`` that move demand, including the post-Christmas returns that
    spill over from the previous December."""
    (ws, we), (ss, se) = sales_periods(year)
    bf, cm = black_friday(year), cyber_monday(year)
    md = mothers_day(year)
    d = timedelta
    events = [
        RetailEvent(
            "winter-sales",
            "Soldes d'hiver",
            ws,
            we,
            (("orders", 1.8, 1.15), ("service", 1.35, 1.1), ("outbound", 1.3, 1.0)),
            reinforced=True,
        ),
        RetailEvent(
            "winter-sales-returns",
            "Retours des soldes d'hiver",
            ws + d(10),
            we + d(21),
            (("returns", 1.35, 1.1), ("service", 1.1, 1.0)),
        ),
        RetailEvent(
            "mothers-day",
            "Fête des mères",
            md - d(8),
            md - d(1),
            (("orders", 1.15, 1.3), ("service", 1.05, 1.1)),
        ),
        RetailEvent(
            "summer-sales",
            "Soldes d'été",
            ss,
            se,
            (("orders", 1.7, 1.1), ("service", 1.3, 1.1), ("outbound", 1.3, 1.0)),
            reinforced=True,
        ),
        RetailEvent(
            "summer-sales-returns",
            "Retours des soldes d'été",
            ss + d(10),
            se + d(21),
            (("returns", 1.3, 1.05), ("service", 1.1, 1.0)),
        ),
        RetailEvent(
            "black-week",
            "Black Week",
            bf - d(4),
            bf - d(1),
            (("orders", 1.3, 1.6), ("service", 1.1, 1.25), ("outbound", 0.3, 0.3)),
        ),
        RetailEvent(
            "black-friday",
            "Black Friday",
            bf,
            bf,
            (("orders", 3.0, 3.0), ("service", 1.7, 1.7), ("outbound", 0.3, 0.3)),
            reinforced=True,
        ),
        RetailEvent(
            "black-friday-weekend",
            "Week-end du Black Friday",
            bf + d(1),
            bf + d(2),
            (("orders", 1.9, 1.6), ("service", 1.3, 1.3)),
        ),
        RetailEvent(
            "cyber-monday",
            "Cyber Monday",
            cm,
            cm,
            (("orders", 2.2, 2.2), ("service", 1.6, 1.6), ("outbound", 0.3, 0.3)),
            reinforced=True,
        ),
        RetailEvent(
            "delivery-wave",
            "Vague de livraisons",
            bf + d(1),
            bf + d(16),
            (("service", 1.35, 1.1), ("returns", 1.2, 1.5)),
        ),
        RetailEvent(
            "christmas-run-up",
            "Préparation de Noël",
            cm + d(1),
            date(year, 12, 21),
            (("orders", 1.3, 1.6), ("service", 1.2, 1.45), ("outbound", 0.8, 0.3)),
            reinforced=True,
        ),
        RetailEvent(
            "christmas-eve",
            "Veille de Noël",
            date(year, 12, 24),
            date(year, 12, 24),
            (("orders", 0.7, 0.7), ("service", 0.7, 0.7), ("outbound", 0.0, 0.0)),
        ),
    ]
    for y in (year - 1, year):
        events.append(
            RetailEvent(
                "christmas-returns",
                "Retours d'après Noël",
                date(y, 12, 26),
                date(y + 1, 1, 20),
                (("returns", 1.9, 1.1), ("service", 1.35, 1.05), ("outbound", 0.3, 1.0)),
            )
        )
    return tuple(events)


def epoch_days(days: list[date] | tuple[date, ...]) -> IntArray:
    """Days since 1970-01-01 of each date (the index the vectorised functions take)."""
    return np.array([d.toordinal() - _EPOCH for d in days], dtype=np.int64)


_EPOCH = date(1970, 1, 1).toordinal()


def to_date(epoch_day: int) -> date:
    """The date of a day count since 1970-01-01."""
    return date.fromordinal(int(epoch_day) + _EPOCH)


def season_multipliers(days: IntArray, kind: DemandKind) -> FloatArray:
    """Relative demand of each day (days since 1970-01-01) for ``kind``, holidays excluded.

    The monthly baseline is interpolated between mid-months; each event covering a day multiplies
    it by its lift. Holidays are applied by the caller, per site.

    >>> d = epoch_days([date(2025, 11, 21), date(2025, 11, 28)])
    >>> m = season_multipliers(d, "orders")
    >>> round(float(m[1] / m[0]), 1)
    3.1
    """
    days = np.asarray(days, dtype=np.int64)
    out = _baseline(days, kind)
    for event in _events_of(days):
        a = event.start.toordinal() - _EPOCH
        b = event.end.toordinal() - _EPOCH
        inside = (days >= a) & (days <= b)
        if not inside.any():
            continue
        for k, first, last in event.lift:
            if k != kind:
                continue
            frac = (days[inside] - a) / max(b - a, 1)
            out[inside] *= first + (last - first) * frac
    return out


def _events_of(days: IntArray) -> list[RetailEvent]:
    """Events of the years of ``days``, each once (the post-Christmas returns belong to two)."""
    seen: dict[tuple[str, date], RetailEvent] = {}
    for year in sorted({to_date(int(x)).year for x in np.unique(days)}):
        for event in retail_events(year):
            seen.setdefault((event.name, event.start), event)
    return list(seen.values())


def _baseline(days: IntArray, kind: DemandKind) -> FloatArray:
    dt = days.astype("datetime64[D]")
    years = dt.astype("datetime64[Y]")
    day_of_year = (dt - years).astype(np.int64).astype(np.float64)
    year_len = ((years + 1).astype("datetime64[D]") - years.astype("datetime64[D]")).astype(np.float64)
    position = day_of_year / year_len * 12.0  # 0 at 1 Jan, 12 at 31 Dec
    anchors = np.arange(12) + 0.5
    base: FloatArray = np.interp(position, anchors, np.array(_MONTHLY[kind]), period=12.0)
    return base


def reinforced_days(days: IntArray) -> BoolArray:
    """Days on which the company plans temporary staff (sales starts, Black Friday, Christmas)."""
    days = np.asarray(days, dtype=np.int64)
    out = np.zeros(days.shape, dtype=bool)
    for event in _events_of(days):
        if event.reinforced:
            a = event.start.toordinal() - _EPOCH
            b = event.end.toordinal() - _EPOCH
            out |= (days >= a) & (days <= b)
    return out
