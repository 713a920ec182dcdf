"""The staffing plan the demo company worked with: agents per flow and half hour.

Sized like a workforce planner would, from the *expected* load (the demand model, with a small
daily forecast error), never from the contacts that then arrive:

- live channels (voice, chat): Erlang A agents for the target service level with the flow's mean
  patience (`arbitre.staffing.erlang.required_agents`); chat agents hold ``slots_per_agent``
  conversations, so the servers are divided among them;
- deferred work (e-mail, social, back-office): the day's workload, plus what arrived since the
  last open day, spread evenly over the day's opening hours at the target occupancy;
- outbound: the expected dialling work at the target occupancy;

then the policy: a headcount cap at a quantile of the year's requirement (raised on reinforced
days: temporary staff for the sales, Black Friday and Christmas) so the highest peaks are
under-staffed, fewer agents at lunch (12:00–14:00), a minimum while open, nobody while closed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.demo.calendar import reinforced_days
from arbitre.demo.company import DemoFlow
from arbitre.demo.grid import Grid
from arbitre.domain import Channel
from arbitre.staffing.erlang import required_agents

PLAN_STEP_S = 1800
"""Plan interval, seconds: the workspace's 30 minutes."""

FORECAST_ERROR = 0.05
"""Standard deviation of the log of the daily forecast error."""

LUNCH_MINUTES = (12 * 60, 14 * 60)

# Outbound dialling: seconds of ringing before an answer, before giving up, and to log a miss.
RING_ANSWERED_S = (5.0, 25.0)
RING_MISSED_S = (20.0, 45.0)
LOG_MISSED_S = 5.0


@dataclass(frozen=True, slots=True)
class FlowPlan:
    """The plan of one flow per plan interval (``PLAN_STEP_S`` from the grid's ``t0``).

    ``forecast``: contacts expected (what the plan was sized on); ``required``: agents needed for
    the target before the policy; ``agents``: the agents actually planned.
    """

    forecast: FloatArray
    required: IntArray
    agents: IntArray


def to_plan_intervals(x: np.ndarray, grid: Grid, *, how: str = "sum") -> np.ndarray:
    """Fold a per-grid-interval array into plan intervals (sum, or any for booleans)."""
    k = PLAN_STEP_S // grid.step_s
    if PLAN_STEP_S % grid.step_s or grid.n % k:
        raise ValueError(f"grid step {grid.step_s} s does not tile plan intervals of {PLAN_STEP_S} s")
    folded = np.asarray(x).reshape(-1, k)
    if how == "any":
        return np.asarray(folded.any(axis=1))
    return np.asarray(folded.sum(axis=1))


def outbound_attempt_s(flow: DemoFlow) -> float:
    """Expected agent time per outbound attempt, seconds."""
    r = flow.reach_rate or 0.0
    answered = sum(RING_ANSWERED_S) / 2 + flow.handle.mean_s
    missed = sum(RING_MISSED_S) / 2 + LOG_MISSED_S
    return r * answered + (1.0 - r) * missed


def required(flow: DemoFlow, *, grid: Grid, volume: FloatArray, is_open: BoolArray) -> IntArray:
    """Agents needed per plan interval for ``volume`` contacts expected in each (the sizing
    step, before any policy): Erlang A for live channels, backlog work for deferred ones,
    dialling work for outbound. Zero while closed."""
    policy = flow.staffing
    day = grid.day_index[:: PLAN_STEP_S // grid.step_s]
    need = np.zeros(volume.shape[0], dtype=np.int64)
    if flow.channel is Channel.VOICE_OUT:
        work = volume * outbound_attempt_s(flow)
        need = np.ceil(work / (PLAN_STEP_S * policy.occupancy)).astype(np.int64)
    elif flow.live:
        sel = is_open & (volume > 0)
        servers = required_agents(
            volume=volume[sel],
            interval_s=float(PLAN_STEP_S),
            aht_s=flow.handle.mean_s,
            threshold_s=policy.threshold_s,
            sl=policy.sl,
            patience_s=flow.patience_mean_s,
        )
        need[sel] = -(-np.asarray(servers, dtype=np.int64) // flow.slots_per_agent)
    else:
        need = _backlog_plan(flow, volume=volume, is_open=is_open, day=day)
    return np.where(is_open, need, 0).astype(np.int64)


def headcount_cap(flow: DemoFlow, *, year_grid: Grid, expected: FloatArray, open_: BoolArray) -> float:
    """The most agents the budget allows on duty at once in a year: the ``cap_quantile`` of the
    year's requirement over its open intervals, sized on the expected load of the whole year
    (``expected`` and ``open_`` per interval of ``year_grid``)."""
    volume = to_plan_intervals(expected, year_grid).astype(np.float64)
    is_open = to_plan_intervals(open_, year_grid, how="any")
    need = required(flow, grid=year_grid, volume=volume, is_open=is_open)
    busy = need[is_open & (need > 0)]
    return float(np.quantile(busy, flow.staffing.cap_quantile)) if busy.size else 0.0


def plan_flow(
    flow: DemoFlow,
    *,
    grid: Grid,
    expected: FloatArray,
    open_: BoolArray,
    caps: dict[int, float],
    rng: np.random.Generator,
) -> FlowPlan:
    """Agents per plan interval for ``flow`` from ``expected`` contacts per grid interval.

    ``caps`` holds the headcount cap of each calendar year (`headcount_cap`); a year missing
    from it is not capped.
    """
    noise = np.exp(rng.normal(0.0, FORECAST_ERROR, grid.days.shape[0]))
    volume = to_plan_intervals(expected * noise[grid.day_index], grid).astype(np.float64)
    is_open = to_plan_intervals(open_, grid, how="any")
    first = np.arange(0, grid.n, PLAN_STEP_S // grid.step_s)
    day = grid.day_index[first]
    minute = grid.minute[first]
    policy = flow.staffing
    need = required(flow, grid=grid, volume=volume, is_open=is_open)

    year_of_day = grid.days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    cap_of_day = np.array([caps.get(int(y), np.inf) for y in year_of_day])
    boost = np.where(reinforced_days(grid.days), policy.peak_boost, 1.0)
    limit = np.ceil(cap_of_day * boost)[day]
    agents = np.where(np.isfinite(limit), np.minimum(need, limit), need).astype(np.int64)
    lunch = (minute >= LUNCH_MINUTES[0]) & (minute < LUNCH_MINUTES[1])
    agents = np.where(lunch, np.floor(agents * policy.lunch_factor).astype(np.int64), agents)
    agents = np.where(is_open, np.maximum(agents, policy.minimum), 0)
    return FlowPlan(forecast=volume, required=need, agents=agents.astype(np.int64))


def _backlog_plan(flow: DemoFlow, *, volume: FloatArray, is_open: BoolArray, day: IntArray) -> IntArray:
    """Deferred work: each open day staffs evenly for the work arrived since the last open day."""
    n_days = int(day.max()) + 1 if day.size else 0
    work = np.bincount(day, weights=volume * flow.handle.mean_s, minlength=n_days)
    open_s = np.bincount(day, weights=is_open * float(PLAN_STEP_S), minlength=n_days)
    need = np.zeros(n_days)
    carry = 0.0
    for d in range(n_days):
        carry += work[d]
        if open_s[d] > 0:
            need[d] = carry / (open_s[d] * flow.staffing.occupancy)
            carry = 0.0
    return np.ceil(need[day]).astype(np.int64)
