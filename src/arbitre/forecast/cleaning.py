"""Odd days: found against a same-weekday baseline and replaced by it before a model is fitted.

A day the contact centre was closed without it being listed (a strike, an outage, a holiday the
user did not give) or a flood nobody planned (an incident, a mailing) would bend a model for weeks:
an exponential smoothing follows its last days, and on the log scale a day at 0 among days at 800
is a fall of seven units. Hyndman & Athanasopoulos (*FPP3* §13.9, "outliers and missing values")
advise replacing such values before fitting, as R's ``tsclean`` does. Here a day is odd when it is
far from its baseline (the median of the same weekday over the five weeks around it) both in ratio
(below a third or above three times) and in Poisson terms (more than five standard deviations,
so small flows are not "cleaned" of their noise), and when it belongs to a run of at most
``max_run`` odd days in a row: a longer run is a real change of level, which the model must see.
"""

from __future__ import annotations

import numpy as np

from arbitre._types import BoolArray, FloatArray

BASELINE_WEEKS = 5
"""How many weeks before and after a day its baseline looks at (same weekday)."""
ODD_RATIO = 3.0
ODD_SIGMAS = 5.0
MAX_RUN_DAYS = 3


def baseline(y: FloatArray, *, exclude: BoolArray, weeks: int = BASELINE_WEEKS) -> FloatArray:
    """Per day, the median of the same weekday within ``weeks`` weeks, ``exclude``d days left out.

    NaN where no such day exists.

    >>> y = np.array([10.0] * 7 + [50.0] + [10.0] * 6 + [12.0] * 7)
    >>> exclude = np.zeros(21, dtype=bool); exclude[7] = True
    >>> float(baseline(y, exclude=exclude)[7])
    11.0
    """
    n = y.size
    lags = np.concatenate((-np.arange(1, weeks + 1), np.arange(1, weeks + 1))) * 7
    idx = np.arange(n)[:, None] + lags[None, :]
    valid = (idx >= 0) & (idx < n)
    safe = np.clip(idx, 0, max(n - 1, 0))
    values = np.where(valid & ~exclude[safe], y[safe], np.nan)
    out = np.full(n, np.nan)
    has = np.any(~np.isnan(values), axis=1)
    out[has] = np.nanmedian(values[has], axis=1)
    return out


def odd_days(
    y: FloatArray,
    *,
    base: FloatArray,
    ratio: float = ODD_RATIO,
    sigmas: float = ODD_SIGMAS,
    max_run: int = MAX_RUN_DAYS,
) -> BoolArray:
    """Days far from their baseline ``base`` (see the module), in runs of at most ``max_run`` days.

    >>> y = np.array([800.0] * 20); y[10] = 0.0; y[15:19] = 0.0
    >>> np.flatnonzero(odd_days(y, base=np.full(20, 800.0))).tolist()  # the run of 4 is kept
    [10]
    """
    b = np.where(np.isnan(base), y, base)
    far = (y < b / ratio) | (y > b * ratio)
    far &= np.abs(y - b) > sigmas * np.sqrt(np.maximum(b, 1.0))
    # Length of the run of consecutive odd days each day belongs to.
    edges = np.diff(np.concatenate(([0], far.astype(np.int64), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    run = np.zeros(y.size, dtype=np.int64)
    for a, e in zip(starts, ends, strict=True):
        run[a:e] = e - a
    return np.asarray(far & (run <= max_run), dtype=np.bool_)


def clean(y: FloatArray, *, known: BoolArray) -> tuple[FloatArray, BoolArray]:
    """``y`` with its ``known`` event days and its odd days replaced by their baseline.

    Returns the cleaned series and which days were found odd (``known`` days are not).
    """
    base = baseline(y, exclude=known)
    odd = odd_days(y, base=base) & ~known
    replace = (known | odd) & ~np.isnan(base)
    return np.where(replace, base, y), odd
