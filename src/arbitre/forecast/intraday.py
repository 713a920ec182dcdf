"""From days to intervals: the intraday profile per weekday, and handle time per interval of the week.

The **profile** of a weekday is the share of the day's contacts that arrives in each wall-clock
slot, estimated from the recent weeks (the last ``weeks`` occurrences of that weekday, extended
further back until they hold ``min_contacts``, so a small flow's profile is not noise). It is a
ratio of sums, Σ contacts in the slot ÷ Σ contacts of the day, over the window: the maximum
likelihood estimate of a multinomial split, in which busy days weigh more than quiet ones.
(Pooling rather than averaging daily shares also makes a trend in the level harmless.)

Days of 23 and 25 hours are handled explicitly rather than forced into a fixed array of 48 slots:

- in the history, a slot's rate on a day is its contacts divided by how many times the slot
  occurs that day (0, 1 or 2): the repeated slot of October counts once per hour of wall clock;
  a slot that does not exist (02:00 in March) is left out of that day, whose total is scaled up to
  a whole day by the missing slots' share on complete days (so its other slots are not read as
  busier);
- in the forecast, each interval takes the profile of its wall-clock slot and the day's intervals
  are renormalised to sum to one: the day of 46 half-hours spreads the whole day's volume over
  46 intervals, the day of 50 over 50 (the repeated 02:00 and 02:30 both get their slot's share).

A weekday without a single contact over the last ``weeks`` weeks is *closed*: its forecast is 0,
whatever the daily model says.

**Handle time** (talk + hold + wrap of answered contacts) is estimated per interval of the week
(weekday × wall-clock slot) over the same recent weeks, with a credibility shrinkage that keeps
sparse cells sensible: a cell is pulled towards its slot of the day (all weekdays), and that towards
the flow's mean, each by ``prior_contacts`` pseudo-contacts (Bühlmann's credibility; a cell of
n contacts gets weight n ÷ (n + k)). A cell without data takes its slot's value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.forecast.axis import IntervalAxis

PROFILE_WEEKS = 8
PROFILE_MIN_CONTACTS = 2_000.0
AHT_PRIOR_CONTACTS = 20.0


@dataclass(frozen=True)
class Profile:
    """The intraday profile of one flow: ``shares`` (7, slots), each row summing to 1 or all 0.

    ``open`` says which weekdays had contacts in the recent weeks (Monday first).
    """

    shares: FloatArray
    open: BoolArray


def slot_rates(values: FloatArray, *, axis: IntervalAxis) -> FloatArray:
    """Values per (day, wall-clock slot), divided by the slot's occurrences; NaN where it has none.

    ``values`` has one value per interval of ``axis``. On the day of 50 half-hours, the two 02:30
    intervals give one rate, their mean; on the day of 46, 02:00 and 02:30 are NaN.

    >>> from datetime import date
    >>> from arbitre.forecast.axis import interval_axis
    >>> axis = interval_axis(date(2026, 10, 25), 1, tz="Europe/Paris", interval_min=60)
    >>> slot_rates(np.arange(25.0), axis=axis)[0, :4].tolist()
    [0.0, 1.0, 2.5, 4.0]
    """
    s = axis.slots_per_day
    key = axis.day * s + axis.slot
    size = axis.days * s
    occurrences = np.bincount(key, minlength=size).reshape(axis.days, s)
    sums = np.bincount(key, weights=values, minlength=size).reshape(axis.days, s)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(occurrences > 0, sums / occurrences, np.nan)


def weekday_profile(
    rates: FloatArray,
    *,
    weekday: IntArray,
    weeks: int = PROFILE_WEEKS,
    min_contacts: float = PROFILE_MIN_CONTACTS,
) -> Profile:
    """The profile per weekday from ``rates`` (days, slots) as `slot_rates` gives them.

    ``weekday`` gives each day's weekday (Monday 0). Uses the last ``weeks`` days of each weekday,
    more if they hold fewer than ``min_contacts`` contacts. A weekday the history does not hold
    yet (less than a week of it) takes the mean shape of the others.
    """
    days, s = rates.shape
    present = ~np.isnan(rates)
    filled = np.where(present, rates, 0.0)
    level = filled.sum(axis=1)
    shares = np.zeros((7, s))
    open_ = np.zeros(7, dtype=np.bool_)
    unseen = []
    for wd in range(7):
        idx = np.flatnonzero(weekday[:days] == wd)[::-1]  # most recent first
        if idx.size == 0:
            unseen.append(wd)
            continue
        recent = idx[:weeks]
        open_[wd] = bool(level[recent].sum() > 0)
        if not open_[wd]:
            continue
        reached = np.flatnonzero(np.cumsum(level[idx]) >= min_contacts)
        k = max(weeks, int(reached[0]) + 1 if reached.size else idx.size)
        shares[wd] = _shares(filled[idx[:k]], present[idx[:k]])
    if unseen:  # a history shorter than a week: those weekdays take the mean shape of the others
        pooled = shares[open_].mean(axis=0) if open_.any() else np.zeros(s)
        shares[unseen] = pooled
        open_[unseen] = pooled.sum() > 0
    return Profile(shares=shares, open=open_)


def _shares(rates: FloatArray, present: BoolArray) -> FloatArray:
    """Pooled shares of (days, slots) ``rates``, slots absent from a day left out of its sums.

    A day missing a slot (the day of 23 hours) is scaled up to a whole day by the share of the
    missing slots on the complete days, so that its other slots are not read as busier.
    """
    level = rates.sum(axis=1)
    complete = present.all(axis=1)
    first = rates[complete].sum(axis=0) if complete.any() else rates.sum(axis=0)
    first = first / first.sum() if first.sum() > 0 else first
    missing = np.clip((~present * first[None, :]).sum(axis=1), 0.0, 0.99)
    whole_day = level / (1.0 - missing)
    numerator = rates.sum(axis=0)
    denominator = (whole_day[:, None] * present).sum(axis=0)
    p = np.divide(numerator, denominator, out=np.zeros(rates.shape[1]), where=denominator > 0)
    return np.asarray(p / p.sum(), dtype=np.float64)


def spread(daily: FloatArray, shares: FloatArray, *, axis: IntervalAxis) -> FloatArray:
    """The daily volumes of ``axis``'s days spread over its intervals along the weekday ``shares``.

    ``daily`` is (days,) and ``shares`` (7, slots). Each day's intervals sum to its daily volume,
    on days of 23 and 25 hours too; a day whose slots all have a zero share is spread evenly.
    """
    wd = axis.weekday[axis.day]
    raw = shares[wd, axis.slot]
    day_sum = np.bincount(axis.day, weights=raw, minlength=axis.days)
    counts = np.bincount(axis.day, minlength=axis.days)
    flat = day_sum[axis.day] <= 0
    weight = np.where(flat, 1.0 / np.maximum(counts[axis.day], 1), 0.0)
    weight = np.where(flat, weight, raw / np.where(flat, 1.0, day_sum[axis.day]))
    return np.asarray(daily[axis.day] * weight, dtype=np.float64)


def handle_time_of_week(
    handled: FloatArray,
    handle_s: FloatArray,
    *,
    axis: IntervalAxis,
    weeks: int = PROFILE_WEEKS,
    prior_contacts: float = AHT_PRIOR_CONTACTS,
) -> FloatArray:
    """Mean handle time (seconds) per weekday and wall-clock slot, shape (7, slots).

    ``handled`` counts the answered contacts with a complete handle time per interval of ``axis``,
    ``handle_s`` sums their handle times. Uses the last ``weeks`` weeks, or the whole history when
    they hold no handled contact. All NaN when the history holds none.

    >>> from datetime import date
    >>> from arbitre.forecast.axis import interval_axis
    >>> axis = interval_axis(date(2026, 1, 5), 7, tz="UTC", interval_min=720)  # 2 slots a day
    >>> n = np.zeros(14); n[0] = 20.0; n[1] = 20.0
    >>> h = np.zeros(14); h[0] = 20 * 100.0; h[1] = 20 * 300.0
    >>> aht = handle_time_of_week(n, h, axis=axis, prior_contacts=20)
    >>> aht[0].tolist(), aht[1].tolist()  # slots: (2000 + 20 × 200) ÷ 40 = 150 and 250
    ([125.0, 275.0], [150.0, 250.0])
    """
    s = axis.slots_per_day
    first = axis.day >= axis.days - 7 * weeks
    if handled[first].sum() <= 0:
        first = np.ones_like(first)
    key = (axis.weekday[axis.day] * s + axis.slot)[first]
    n = np.bincount(key, weights=handled[first], minlength=7 * s).reshape(7, s)
    total = np.bincount(key, weights=handle_s[first], minlength=7 * s).reshape(7, s)
    if n.sum() <= 0:
        return np.full((7, s), np.nan)
    k = prior_contacts
    flow_mean = total.sum() / n.sum()
    slot_mean = (total.sum(axis=0) + k * flow_mean) / (n.sum(axis=0) + k)
    cell = (total + k * slot_mean[None, :]) / (n + k)
    return np.asarray(cell, dtype=np.float64)
