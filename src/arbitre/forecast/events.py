"""Known events: dated multipliers of the daily volume (sales, Black Friday, Christmas, holidays).

A seasonal model learns what comes back at a fixed period; an event that moves (Black Friday,
Easter, the start of the sales) or that the history holds once is not such a thing. Workforce
management tools handle them as *special days*: the history is cleaned of them before fitting and
their lift is applied to the forecast afterwards. Arbitre does the same:

1. on the days of an event in the history, the daily volume is replaced by a *baseline*: the
   median of the same weekday over the five weeks before and after, event days excluded, so the
   model sees an ordinary day (``cleaning.py``, which also replaces odd days nobody listed);
2. an event given without a multiplier takes the one its past occurrences (same name) show:
   their volume divided by their baseline, pooled over every past occurrence in the history;
3. the forecast of every day an event covers is multiplied by the event's multiplier (by the
   product when events overlap).

A closed day is an event of multiplier 0. A four-week sales period whose lift fades is best given
as several events (first week, then the rest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from arbitre._types import BoolArray, FloatArray
from arbitre.forecast.cleaning import baseline


@dataclass(frozen=True)
class Event:
    """A dated event: its name, first and last day (inclusive), its multiplier and its flows.

    ``multiplier`` ``None`` means "estimate it from the past occurrences of ``name``";
    ``flows`` ``None`` means every flow.

    >>> Event("black-friday", date(2026, 11, 27), date(2026, 11, 27), 2.5).days
    1
    """

    name: str
    start: date
    end: date
    multiplier: float | None = None
    flows: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"event {self.name!r}: end {self.end} is before start {self.start}")
        if self.multiplier is not None and not (np.isfinite(self.multiplier) and self.multiplier >= 0):
            raise ValueError(f"event {self.name!r}: multiplier must be a number ≥ 0, got {self.multiplier}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def applies_to(self, flow: str) -> bool:
        return self.flows is None or flow in self.flows


@dataclass(frozen=True)
class EventEffect:
    """What the forecast of one flow used for one event name."""

    name: str
    multiplier: float | None  # None: not given and no past occurrence to estimate it from
    estimated: bool
    past_days: int  # event days found in the history


def event_mask(events: Sequence[Event], *, first_day: date, days: int) -> BoolArray:
    """Which of ``days`` days from ``first_day`` each event covers: shape (events, days)."""
    mask = np.zeros((len(events), days), dtype=np.bool_)
    for i, event in enumerate(events):
        a = max((event.start - first_day).days, 0)
        b = min((event.end - first_day).days + 1, days)
        if a < b:
            mask[i, a:b] = True
    return mask


def effects(
    y: FloatArray,
    *,
    first_day: date,
    horizon_days: int,
    events: Sequence[Event],
) -> tuple[BoolArray, FloatArray, list[EventEffect]]:
    """Which history days events cover, the multiplier of each future day, and each event's effect.

    ``y`` holds the daily volumes from ``first_day``; the future starts the day after its last one
    and lasts ``horizon_days``. Events with the same name share one estimated multiplier. The
    covered days are for `cleaning.clean` to replace.

    >>> y = np.tile([100.0, 100, 100, 100, 100, 50, 0], 6)
    >>> y[9] = 300.0  # a Wednesday event in the second week
    >>> sale = [Event("sale", date(2024, 1, 10), date(2024, 1, 10)),
    ...         Event("sale", date(2024, 2, 14), date(2024, 2, 14))]
    >>> known, factor, (effect,) = effects(y, first_day=date(2024, 1, 1), horizon_days=7, events=sale)
    >>> np.flatnonzero(known).tolist(), factor.tolist(), effect.multiplier
    ([9], [1.0, 1.0, 3.0, 1.0, 1.0, 1.0, 1.0], 3.0)
    """
    n = y.size
    if not events:
        return np.zeros(n, dtype=np.bool_), np.ones(horizon_days), []
    mask = event_mask(events, first_day=first_day, days=n + horizon_days)
    past, future = mask[:, :n], mask[:, n:]
    any_past: BoolArray = np.asarray(past.any(axis=0), dtype=np.bool_)
    base = baseline(y, exclude=any_past)
    factor = np.ones(horizon_days)
    found = []
    for name in dict.fromkeys(e.name for e in events):
        rows = [i for i, e in enumerate(events) if e.name == name]
        days = past[rows].any(axis=0)
        given = [m for i in rows if (m := events[i].multiplier) is not None]
        estimate: float | None = None
        if len(given) < len(rows):
            ok = days & ~np.isnan(base)
            denominator = float(base[ok].sum())
            estimate = float(y[ok].sum()) / denominator if denominator > 0 else None
        for i in rows:
            m = events[i].multiplier if events[i].multiplier is not None else estimate
            if m is not None:
                factor = np.where(future[i], factor * m, factor)
        if len(given) < len(rows):
            found.append(EventEffect(name, estimate, True, int(days.sum())))
        else:  # occurrences may give different multipliers: the mean is reported
            found.append(EventEffect(name, float(np.mean(given)), False, int(days.sum())))
    return any_past, factor, found
