"""Deferred work — e-mail, back-office cases, social messages — staffed against a response deadline.

Work is not answered while the customer waits: what arrives in an interval may be handled later,
as long as every item is handled within its deadline, first in first out. The plan here is the one
a back-office manager runs: agents work the backlog as soon as there is some, up to a ceiling, and
the ceiling is the smallest one that meets every deadline. Per interval the agents are then

    agents[t] = min(ceiling, ⌈backlog[t] / work an agent does in an interval⌉)   while open, else 0

so quiet intervals get few agents and peaks are spread over the deadline instead of being staffed
at their height. The ceiling is found by bisection (feasibility is monotone in it); each check is
one pass over the intervals (Numba).

The deadline runs in opening hours ("24 heures ouvrées"), as back-office and e-mail commitments
are written: the clock stops while the flow is closed, so a Saturday-evening e-mail is due after
the same working time as a Tuesday-morning one, counted from Monday's opening. (A calendar
deadline across a closed weekend could only be met by clearing the whole weekend in Monday's
first minutes.) An item arriving in interval t is due by the end of the k-th open interval from t
on, k = ⌈deadline/interval⌉.

Units: work in seconds of handling, ``interval_s`` seconds, ``deadline_s`` seconds of opening
time, ``occupancy`` the share of an agent's time spent on the work (breaks between items, other
tasks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from arbitre._types import BoolArray, FloatArray, IntArray


@dataclass(frozen=True, slots=True)
class BacklogPlan:
    """Agents per interval, the backlog left at the end of each, and when each cohort finished."""

    agents: IntArray
    backlog_s: FloatArray  # work (seconds) still waiting at the end of each interval
    ceiling: int
    late_s: (
        float  # work (seconds of handling) finished after its deadline: only what closures make unavoidable
    )


def plan_backlog(
    *,
    volume: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    interval_s: float,
    deadline_s: float,
    open_: npt.ArrayLike | None = None,
    occupancy: float = 0.85,
    max_agents: int = 100_000,
) -> BacklogPlan:
    """The fewest agents per interval handling every item within ``deadline_s``, in arrival order.

    ``volume`` items arrive in each interval, each needing ``aht_s`` seconds of work; agents work
    only in ``open_`` intervals (all if None) and the deadline counts only those. Items due after
    the horizon are not judged.

    >>> plan_backlog(volume=[10, 0, 0, 0], aht_s=360, interval_s=1800, deadline_s=7200,
    ...              occupancy=1.0).agents.tolist()
    [1, 1, 0, 0]
    >>> plan_backlog(volume=[10, 0, 0, 0], aht_s=360, interval_s=1800, deadline_s=3600,
    ...              open_=[False, True, True, True], occupancy=1.0).agents.tolist()
    [0, 1, 1, 0]
    """
    work = np.asarray(volume, dtype=np.float64) * np.asarray(aht_s, dtype=np.float64)
    work = np.broadcast_to(work, np.shape(volume)).astype(np.float64)
    if work.ndim != 1:
        raise ValueError("volume must be one-dimensional: one value per interval")
    if np.any(work < 0) or not np.all(np.isfinite(work)):
        raise ValueError("volume and aht_s must be finite and ≥ 0")
    if not interval_s > 0 or not deadline_s > 0:
        raise ValueError("interval_s and deadline_s must be > 0")
    if not 0 < occupancy <= 1:
        raise ValueError("occupancy must be in (0, 1]")
    is_open: BoolArray = np.ones(work.size, dtype=bool) if open_ is None else np.asarray(open_, dtype=bool)
    if is_open.shape != work.shape:
        raise ValueError("open_ must have one value per interval")
    per_agent = interval_s * occupancy
    due = due_intervals(is_open, lag=max(1, math.ceil(deadline_s / interval_s)))
    if work.sum() == 0:
        return BacklogPlan(np.zeros(work.size, dtype=np.int64), np.zeros(work.size), 0, 0.0)
    # Late work no ceiling avoids (none unless the horizon starts with a backlog): the search
    # keeps late work at that minimum and does not try to staff it away.
    unbounded = int(min(max_agents, math.ceil(work.sum() / per_agent) + 1))
    floor = _run(work, is_open, per_agent, due, unbounded)[2]
    tolerance = 1e-9 * max(1.0, float(work.sum()))
    low, high = 0, 1
    while _run(work, is_open, per_agent, due, high)[2] > floor + tolerance and high < unbounded:
        low, high = high, min(unbounded, high * 2)
    while high - low > 1:
        mid = (low + high) // 2
        if _run(work, is_open, per_agent, due, mid)[2] > floor + tolerance:
            low = mid
        else:
            high = mid
    agents, backlog, late = _run(work, is_open, per_agent, due, high)
    return BacklogPlan(agents, backlog, high, float(late))


def due_intervals(is_open: BoolArray, *, lag: int) -> IntArray:
    """For each interval, the interval by whose end its arrivals are due: the ``lag``-th open
    interval from it on (itself included when open); ``n`` when that falls after the horizon.

    >>> due_intervals(np.array([True, False, False, True, True]), lag=2).tolist()
    [3, 4, 4, 4, 5]
    """
    n = is_open.size
    positions = np.flatnonzero(is_open)
    open_before = np.concatenate(([0], np.cumsum(is_open)[:-1]))
    k = open_before + lag - 1
    out = np.full(n, n, dtype=np.int64)
    inside = k < positions.size
    out[inside] = positions[k[inside]]
    return out


@numba.njit(cache=True)
def _run(
    work: FloatArray, is_open: BoolArray, per_agent: float, due: IntArray, ceiling: int
) -> tuple[IntArray, FloatArray, float]:
    """FIFO pass: agents as needed up to the ceiling; returns agents, backlog and late work.

    Late work is the work of the cohorts (arrivals of one interval) finished after their due
    interval: what the search keeps at its unavoidable minimum. Cohorts due after the horizon
    are not judged.
    """
    n = work.size
    agents = np.zeros(n, dtype=np.int64)
    backlog = np.zeros(n, dtype=np.float64)
    arrived = np.cumsum(work)
    done = 0.0
    late = 0.0
    oldest = 0  # the oldest cohort not finished yet
    for t in range(n):
        waiting = arrived[t] - done
        if is_open[t] and waiting > 1e-9:
            need = math.ceil(waiting / per_agent - 1e-9)
            a = need if need < ceiling else ceiling
            agents[t] = a
            done += min(waiting, a * per_agent)
        backlog[t] = arrived[t] - done
        # Cohorts finished by the end of t: late if t is past their due interval.
        while oldest <= t and arrived[oldest] <= done + 1e-9:
            if t > due[oldest]:
                late += work[oldest]
            oldest += 1
    # Unfinished cohorts whose due interval is inside the horizon are late too.
    while oldest < n:
        if due[oldest] < n:
            late += work[oldest]
        oldest += 1
    return agents, backlog, late
