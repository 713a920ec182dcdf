"""Compile a `Scenario` into the flat arrays of the kernel and the tables that route contacts.

Done once per scenario, shared by every replication:

- pools, agents and duty windows (a staffing plan becomes one window per agent and run of
  intervals where the agent is among the first ``agents[j]``; a schedule becomes one window per
  agent and day, merged when they touch);
- routes: every (flow, rule, branch, language) gets the step list a contact in that language
  follows (`model.route_steps`), and identical step lists share one route;
- queues: one per (pool, flow, delay, end of eligibility), the unit the kernel keeps in FIFO order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.domain.hours import MINUTES_PER_DAY
from arbitre.staffing.simulation.kernel import Network
from arbitre.staffing.simulation.model import ActiveStep, Pool, Scenario, default_route, route_steps


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A routing rule as arrays: who it catches and the route of each branch and language.

    ``languages``: which language indices it applies to. ``hours``: minutes of the week (Monday
    00:00 first) it applies to, or None for always. ``cum_share``: cumulative shares of the
    branches. ``routes[b, l]``: route of branch ``b`` for language ``l`` (-1: not applicable).
    """

    languages: BoolArray
    hours: BoolArray | None
    cum_share: FloatArray
    routes: IntArray


@dataclass(frozen=True, slots=True)
class Compiled:
    """A scenario ready to simulate (see the module docstring)."""

    scenario: Scenario
    network: Network
    flow_ids: tuple[str, ...]
    pool_ids: tuple[str, ...]
    languages: tuple[str, ...]  # every language of every flow, in order of appearance
    channels: tuple[str, ...]  # channel of each flow
    agent_labels: tuple[str, ...]
    rates: FloatArray  # expected contacts, (flows, intervals)
    language_share: FloatArray  # (flows, languages), rows add up to 1
    rules: tuple[tuple[CompiledRule, ...], ...]  # per flow, in order
    default_routes: IntArray  # (flows, languages), -1 where no pool serves
    week_minute: IntArray  # local minute of the week at each interval's start
    interval_s: float
    n_intervals: int
    start_epoch_s: float

    @property
    def horizon_s(self) -> float:
        return self.interval_s * self.n_intervals

    @property
    def needs_clock(self) -> bool:
        """Whether some rule depends on the time of day (then contacts get their local minute)."""
        return any(r.hours is not None for rules in self.rules for r in rules)


def compile_scenario(s: Scenario) -> Compiled:
    """Build the kernel's network and the routing tables of ``s``."""
    n_int = s.n_intervals
    dt = s.interval_s
    flow_ids = tuple(f.id for f in s.flows)
    pool_ids = tuple(p.id for p in s.pools)
    pools = {p.id: p for p in s.pools}
    languages: list[str] = []
    for f in s.flows:
        languages.extend(lang for lang in f.languages if lang not in languages)

    rates = np.array([np.broadcast_to(np.asarray(f.arrivals, dtype=np.float64), (n_int,)) for f in s.flows])
    share = np.zeros((len(s.flows), len(languages)))
    for fi, f in enumerate(s.flows):
        for lang, x in f.languages.items():
            share[fi, languages.index(lang)] = x
        share[fi] /= share[fi].sum()

    builder = _Routes(pool_ids)
    rules: list[tuple[CompiledRule, ...]] = []
    default = np.full((len(s.flows), len(languages)), -1, dtype=np.int64)
    for fi, f in enumerate(s.flows):
        compiled_rules = []
        for rule in f.routing:
            branches = rule.branches()
            routes = np.full((len(branches), len(languages)), -1, dtype=np.int64)
            applies = np.zeros(len(languages), dtype=np.bool_)
            for li, lang in enumerate(languages):
                if lang not in f.spoken():
                    continue
                if (
                    rule.when is not None
                    and rule.when.languages is not None
                    and lang not in rule.when.languages
                ):
                    continue
                applies[li] = True
                for b, branch in enumerate(branches):
                    routes[b, li] = builder.route(
                        fi, f.priority, route_steps(branch.to, language=lang, pools=pools)
                    )
            weekly = rule.when.weekly_hours() if rule.when is not None else None
            compiled_rules.append(
                CompiledRule(
                    languages=applies,
                    hours=weekly.minute_mask() if weekly is not None else None,
                    cum_share=np.cumsum([b.share for b in branches]),
                    routes=routes,
                )
            )
        rules.append(tuple(compiled_rules))
        for li, lang in enumerate(languages):
            steps = default_route(f, language=lang, pools=pools)
            if steps and lang in f.spoken():
                default[fi, li] = builder.route(fi, f.priority, steps)

    agent_pool, agent_labels, duty = _agents(s)
    network = Network(
        n_pools=len(pool_ids),
        route_ptr=np.array(builder.route_ptr, dtype=np.int64),
        step_queue=np.array(builder.step_queue, dtype=np.int64),
        queue_pool=np.array([k[0] for k in builder.queues], dtype=np.int64),
        queue_priority=np.array([k[2] for k in builder.queues], dtype=np.int64),
        queue_delay_s=np.array([k[3] for k in builder.queues], dtype=np.float64),
        queue_until_s=np.array([k[4] for k in builder.queues], dtype=np.float64),
        agent_pool=agent_pool,
        duty_agent=duty[0],
        duty_start_s=duty[1],
        duty_end_s=duty[2],
    )
    starts = s.interval_starts()
    week_minute = np.array(
        [st.weekday() * MINUTES_PER_DAY + st.hour * 60 + st.minute for st in starts], dtype=np.int64
    )
    return Compiled(
        scenario=s,
        network=network,
        flow_ids=flow_ids,
        pool_ids=pool_ids,
        languages=tuple(languages),
        channels=tuple(f.channel.value for f in s.flows),
        agent_labels=tuple(agent_labels),
        rates=rates,
        language_share=share,
        rules=tuple(rules),
        default_routes=default,
        week_minute=week_minute,
        interval_s=dt,
        n_intervals=n_int,
        start_epoch_s=s.start.timestamp(),
    )


class _Routes:
    """Interns step lists as routes and (pool, flow, delay, until) as queues."""

    def __init__(self, pool_ids: tuple[str, ...]) -> None:
        self.pool_index = {p: i for i, p in enumerate(pool_ids)}
        self.queues: dict[tuple[int, int, int, float, float], int] = {}
        self.routes: dict[tuple[int, ...], int] = {}
        self.route_ptr: list[int] = [0]
        self.step_queue: list[int] = []

    def route(self, flow: int, priority: int, steps: list[ActiveStep]) -> int:
        qs = tuple(
            self._queue(self.pool_index[st.pool], flow, priority, st.after_s, st.until_s) for st in steps
        )
        if qs not in self.routes:
            self.routes[qs] = len(self.routes)
            self.step_queue.extend(qs)
            self.route_ptr.append(len(self.step_queue))
        return self.routes[qs]

    def _queue(self, pool: int, flow: int, priority: int, delay: float, until: float) -> int:
        key = (pool, flow, priority, delay, until)
        return self.queues.setdefault(key, len(self.queues))


def _agents(s: Scenario) -> tuple[IntArray, list[str], tuple[IntArray, FloatArray, FloatArray]]:
    """Agent → pool, agent labels, and duty windows (agent, start, end) in seconds from start."""
    pools: list[IntArray] = []
    labels: list[str] = []
    w_agent: list[IntArray] = []
    w_start: list[FloatArray] = []
    w_end: list[FloatArray] = []
    offset = 0
    for pi, pool in enumerate(s.pools):
        if pool.agents is not None:
            plan = np.broadcast_to(np.asarray(pool.agents, dtype=np.int64), (s.n_intervals,))
            agent, a, b = plan_windows(plan, interval_s=s.interval_s)
            count = int(plan.max(initial=0))
        else:
            agent, a, b, count = _shift_windows(s, pool)
        pools.append(np.full(count, pi, dtype=np.int64))
        labels.extend(f"{pool.id}#{k + 1}" for k in range(count))
        w_agent.append(agent + offset)
        w_start.append(a)
        w_end.append(b)
        offset += count
    return (
        np.concatenate(pools) if pools else np.zeros(0, dtype=np.int64),
        labels,
        (np.concatenate(w_agent), np.concatenate(w_start), np.concatenate(w_end)),
    )


def _shift_windows(s: Scenario, pool: Pool) -> tuple[IntArray, FloatArray, FloatArray, int]:
    """One window per agent and day worked, clipped to the horizon, merged when they touch."""
    zone = ZoneInfo(s.timezone)
    t0 = s.start.timestamp()
    horizon = s.interval_s * s.n_intervals
    first_day = s.local_start().date() - timedelta(days=1)  # a night shift may start the eve
    n_days = math.ceil(horizon / 86400.0) + 2
    agents: list[int] = []
    starts: list[float] = []
    ends: list[float] = []
    base = 0
    assert pool.shifts is not None
    for shift in pool.shifts:
        a_min, b_min = shift.minutes()
        days = set(shift.weekdays())
        for d in range(n_days):
            day = first_day + timedelta(days=d)
            if day.weekday() not in days:
                continue
            midnight = datetime.combine(day, time(0), tzinfo=zone)
            # Wall-clock arithmetic, then to UTC: a shift keeps its clock times across DST changes.
            a = _wall(midnight, a_min).timestamp() - t0
            b = _wall(midnight, b_min).timestamp() - t0
            a, b = max(a, 0.0), min(b, horizon)
            if b > a:
                for k in range(shift.agents):
                    agents.append(base + k)
                    starts.append(a)
                    ends.append(b)
        base += shift.agents
    agent = np.array(agents, dtype=np.int64)
    start = np.array(starts, dtype=np.float64)
    end = np.array(ends, dtype=np.float64)
    return (*_merge(agent, start, end), base)


def _wall(midnight: datetime, minutes: int) -> datetime:
    day = midnight.date() + timedelta(days=minutes // MINUTES_PER_DAY)
    m = minutes % MINUTES_PER_DAY
    return datetime.combine(day, time(m // 60, m % 60), tzinfo=midnight.tzinfo)


def _merge(agent: IntArray, start: FloatArray, end: FloatArray) -> tuple[IntArray, FloatArray, FloatArray]:
    """Merge each agent's overlapping or touching windows."""
    if agent.size == 0:
        return agent, start, end
    order = np.lexsort((start, agent))
    agent, start, end = agent[order], start[order], end[order]
    out_a: list[int] = [int(agent[0])]
    out_s: list[float] = [float(start[0])]
    out_e: list[float] = [float(end[0])]
    for k, a, b in zip(agent[1:].tolist(), start[1:].tolist(), end[1:].tolist(), strict=True):
        if k == out_a[-1] and a <= out_e[-1]:
            out_e[-1] = max(out_e[-1], b)
        else:
            out_a.append(k)
            out_s.append(a)
            out_e.append(b)
    return np.array(out_a, dtype=np.int64), np.array(out_s), np.array(out_e)


def single_pool_network(*, agents: IntArray, interval_s: float, t0_s: float = 0.0) -> Network:
    """One pool, one flow, one route, staffed ``agents[j]`` in interval ``j`` (the first stay).

    The network of `arbitre.staffing.queue.simulate_queue`: with it, `run_network` gives the same
    start times on the same contacts.
    """
    agent, w_start, w_end = plan_windows(agents, interval_s=interval_s, t0_s=t0_s)
    return Network(
        n_pools=1,
        route_ptr=np.array([0, 1], dtype=np.int64),
        step_queue=np.array([0], dtype=np.int64),
        queue_pool=np.array([0], dtype=np.int64),
        queue_priority=np.array([0], dtype=np.int64),
        queue_delay_s=np.array([0.0]),
        queue_until_s=np.array([math.inf]),
        agent_pool=np.zeros(int(np.max(agents, initial=0)), dtype=np.int64),
        duty_agent=agent,
        duty_start_s=w_start,
        duty_end_s=w_end,
    )


def plan_windows(
    agents: IntArray, *, interval_s: float, t0_s: float = 0.0
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Duty windows of a staffing plan: agent ``k`` is on duty in interval ``j`` iff ``k < agents[j]``.

    Returns (agent, start, end) per window, consecutive intervals merged; interval ``j`` is
    ``[t0_s + j*interval_s, t0_s + (j+1)*interval_s)``.

    >>> plan_windows(np.array([2, 1, 2]), interval_s=10.0)
    (array([0, 1, 1]), array([ 0.,  0., 20.]), array([30., 10., 30.]))
    """
    plan = np.asarray(agents, dtype=np.int64)
    out_agent: list[IntArray] = []
    out_start: list[FloatArray] = []
    out_end: list[FloatArray] = []
    for k in range(int(np.max(plan, initial=0))):
        on = np.concatenate(([0], (plan > k).astype(np.int8), [0]))
        edges = np.flatnonzero(np.diff(on))
        first, last = edges[::2], edges[1::2]
        out_agent.append(np.full(first.shape[0], k, dtype=np.int64))
        out_start.append((t0_s + first * interval_s).astype(np.float64))
        out_end.append((t0_s + last * interval_s).astype(np.float64))
    if not out_agent:
        return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
    return (
        np.concatenate(out_agent),
        np.concatenate(out_start).astype(np.float64),
        np.concatenate(out_end).astype(np.float64),
    )
