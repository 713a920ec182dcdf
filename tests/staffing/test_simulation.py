"""The contact-centre simulator against Erlang C and A, the exact single-queue kernel, a
brute-force reference, hand-worked routing cases and conservation invariants."""

from __future__ import annotations

import doctest
import importlib
import json
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import mpmath as mp
import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm
from typer.testing import CliRunner

from arbitre._types import FloatArray, IntArray
from arbitre.cli import simulate as simulate_cli
from arbitre.domain.kpis import KpiRules
from arbitre.errors import InputError
from arbitre.examples import EXAMPLES
from arbitre.services.simulate import load_scenario, run_simulation
from arbitre.staffing.queue import simulate_queue
from arbitre.staffing.simulation import (
    Network,
    Outcome,
    Scenario,
    compile_scenario,
    plan_windows,
    run_network,
    simulate,
    single_pool_network,
)
from arbitre.staffing.simulation.network import Compiled

EXAMPLE = EXAMPLES / "scenarios" / "overflow-offshore.yaml"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "simulation.md"
INF = math.inf
START = "2026-03-02T08:00:00+01:00"  # a Monday
PARIS = ZoneInfo("Europe/Paris")


# --- Independent references: textbook formulas ------------------------------------------------


def _erlang_c(n: int, *, lam: float, mu: float, threshold_s: float) -> tuple[float, float, float]:
    """(service level, P(wait), mean wait) of M/M/n: SL = 1 − C·exp(−(nμ − λ)T), W = C/(nμ − λ)."""
    a = mp.mpf(lam) / mu
    queued = a**n / mp.factorial(n) * n / (n - a)
    c = queued / (mp.fsum(a**k / mp.factorial(k) for k in range(n)) + queued)
    decay = n * mu - lam
    return float(1 - c * mp.exp(-decay * threshold_s)), float(c), float(c / decay)


def _erlang_a(n: int, *, lam: float, mu: float, theta: float, threshold_s: float) -> tuple[float, float]:
    """(service level, abandon rate) of M/M/n+M, from the birth–death chain of the number present.

    An arrival finds k present with the stationary probability π_k (PASTA). Below n it is served
    at once. With j = k − n waiting ahead of it, it moves up one place at rate nμ + iθ while i are
    ahead (an agent frees up or one of them abandons) and reaches an agent at rate nμ from the
    head; it abandons at rate θ all along. The probability of reaching an agent within T is the
    absorption probability of that small chain by time T (a matrix exponential). Abandon rate:
    θ·E[queue] / λ (flow balance).
    """
    k_max = n + 400
    weights = [mp.mpf(1)]
    for k in range(1, k_max):
        weights.append(weights[-1] * lam / (min(k, n) * mu + max(k - n, 0) * theta))
    total = mp.fsum(weights)
    pi = [float(w / total) for w in weights]
    ahead = k_max - n
    served, gone = ahead, ahead + 1
    q = np.zeros((ahead + 2, ahead + 2))
    for i in range(ahead):
        move = n * mu + i * theta
        q[i, i - 1 if i > 0 else served] += move
        q[i, gone] += theta
        q[i, i] = -(move + theta)
    within = expm(q * threshold_s)[:ahead, served]
    sl = sum(pi[:n]) + float(np.dot(pi[n:], within))
    queue = sum((k - n) * p for k, p in enumerate(pi) if k > n)
    return sl, theta * queue / lam


def _one_queue(
    *, agents: int, aht_s: float, load: float, patience_s: float | None, contacts: int
) -> Scenario:
    rate_per_h = load / aht_s * 3600.0
    return Scenario.model_validate(
        {
            "start": "2026-01-05T00:00:00+01:00",
            "interval_min": 60,
            "intervals": math.ceil(contacts / rate_per_h),
            "flows": [
                {
                    "id": "f",
                    "arrivals": rate_per_h,
                    "handle": {"distribution": "exponential", "mean_s": aht_s},
                    "patience": {"distribution": "exponential", "mean_s": patience_s}
                    if patience_s
                    else {"distribution": "none"},
                }
            ],
            "pools": [{"id": "p", "skills": ["f"], "languages": ["fr"], "agents": agents}],
        }
    )


# Service level as the Erlang models define it: answered within T over all offered.
ERLANG_RULES = KpiRules(short_abandons="count").override(threshold_s=20.0)


def test_m_m_n_agrees_with_erlang_c_within_half_a_point_at_a_million_contacts() -> None:
    n, aht_s, load = 20, 180.0, 15.0
    sl, p_wait, wait_s = _erlang_c(n, lam=load / aht_s, mu=1 / aht_s, threshold_s=20.0)
    # The closed form against Erlang B's recursion, C = B / (1 − ρ(1 − B)): two routes, one value.
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    assert p_wait == pytest.approx(b / (1 - load / n * (1 - b)), rel=1e-12)

    # Ten replications of ~100,000 contacts (4 days each), read through the KPI engine.
    scenario = _one_queue(agents=n, aht_s=aht_s, load=load, patience_s=None, contacts=100_000)
    result = simulate(scenario, replications=10, rng=np.random.default_rng(11), by=[], rules=ERLANG_RULES)
    (kpis,) = result.kpis
    assert result.contacts > 990_000
    assert abs(kpis["service_level"]["mean"] - sl) < 0.005
    assert kpis["asa_s"]["mean"] == pytest.approx(wait_s, rel=0.05)
    assert kpis["abandoned"]["mean"] == 0
    assert kpis["aht_s"]["mean"] == pytest.approx(aht_s, rel=0.005)
    assert kpis["occupancy"]["mean"] == pytest.approx(load / n, abs=0.005)
    waited = result.records.filter(pc.not_equal(result.records["answered_at"], result.records["arrived_at"]))
    assert waited.num_rows / result.records.num_rows == pytest.approx(p_wait, abs=0.005)


def test_m_m_n_plus_m_agrees_with_erlang_a_within_half_a_point_at_a_million_contacts() -> None:
    n, aht_s, load, patience_s = 20, 180.0, 17.0, 120.0
    sl, abandon = _erlang_a(n, lam=load / aht_s, mu=1 / aht_s, theta=1 / patience_s, threshold_s=20.0)
    # With θ → 0 the chain gives back Erlang C's closed form.
    sl_c, _, _ = _erlang_c(n, lam=load / aht_s, mu=1 / aht_s, threshold_s=20.0)
    assert _erlang_a(n, lam=load / aht_s, mu=1 / aht_s, theta=1e-12, threshold_s=20.0)[0] == pytest.approx(
        sl_c, abs=1e-6
    )

    scenario = _one_queue(agents=n, aht_s=aht_s, load=load, patience_s=patience_s, contacts=100_000)
    result = simulate(scenario, replications=10, rng=np.random.default_rng(12), by=[], rules=ERLANG_RULES)
    (kpis,) = result.kpis
    assert result.contacts > 990_000
    assert abs(kpis["service_level"]["mean"] - sl) < 0.005
    assert abs(kpis["abandon_rate"]["mean"] - abandon) < 0.002
    # The confidence interval over replications is honest: it holds the exact value.
    assert kpis["service_level"]["ci_low"] < sl < kpis["service_level"]["ci_high"]


# --- The exact single-queue kernel on identical inputs ----------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 300),
    intervals=st.integers(1, 6),
    max_agents=st.integers(0, 5),
)
def test_one_fcfs_pool_gives_the_same_starts_as_the_single_queue_kernel(
    seed: int, n: int, intervals: int, max_agents: int
) -> None:
    rng = np.random.default_rng(seed)
    dt = 120.0
    arrival = np.sort(rng.uniform(0.0, intervals * dt, n))
    service = rng.exponential(40.0, n)
    patience = np.where(rng.random(n) < 0.3, np.inf, rng.exponential(60.0, n))
    agents = rng.integers(0, max_agents + 1, intervals)
    exact = simulate_queue(
        arrival_s=arrival, service_s=service, patience_s=patience, agents=agents, interval_s=dt
    )
    ours = run_network(
        single_pool_network(agents=agents, interval_s=dt),
        arrival_s=arrival,
        service_s=service,
        patience_s=patience,
        route=np.zeros(n, dtype=np.int64),
    )
    np.testing.assert_array_equal(ours.start_s, exact.start_s)
    np.testing.assert_array_equal(ours.end_s, exact.end_s)
    np.testing.assert_array_equal(ours.abandoned, exact.abandoned)
    np.testing.assert_array_equal(ours.agent, exact.agent)


def test_the_single_queue_kernel_agrees_on_a_hundred_thousand_erlang_a_contacts() -> None:
    rng = np.random.default_rng(5)
    n = 100_000
    arrival = np.cumsum(rng.exponential(300.0 / 95.0, n))
    service = rng.exponential(300.0, n)
    patience = rng.exponential(180.0, n)
    agents = np.array([100, 90, 110, 100])
    dt = arrival[-1] / 4
    exact = simulate_queue(
        arrival_s=arrival, service_s=service, patience_s=patience, agents=agents, interval_s=dt
    )
    ours = run_network(
        single_pool_network(agents=agents, interval_s=dt),
        arrival_s=arrival,
        service_s=service,
        patience_s=patience,
        route=np.zeros(n, dtype=np.int64),
    )
    np.testing.assert_array_equal(ours.start_s, exact.start_s)
    np.testing.assert_array_equal(ours.agent, exact.agent)


# --- Hand-worked routing cases ------------------------------------------------------------------


def _scenario(flows: list[dict[str, Any]], pools: list[dict[str, Any]], **extra: Any) -> Scenario:
    base: dict[str, Any] = {
        "start": START,
        "interval_min": 60,
        "intervals": 1,
        "flows": flows,
        "pools": pools,
    }
    return Scenario.model_validate({**base, **extra})


def _flow(fid: str, **extra: Any) -> dict[str, Any]:
    return {"id": fid, "arrivals": 0, "handle": {"distribution": "fixed", "value_s": 1}, **extra}


@dataclass(frozen=True)
class Call:
    at: float
    service: float
    flow: str = "x"
    language: str = "fr"
    patience: float = INF
    rule: int | None = 0  # None: the flow's default route
    branch: int = 0


def _route(c: Compiled, call: Call) -> int:
    f = c.flow_ids.index(call.flow)
    lang = c.languages.index(call.language)
    if call.rule is None or not c.rules[f]:
        return int(c.default_routes[f, lang])
    return int(c.rules[f][call.rule].routes[call.branch, lang])


def _serve(scenario: Scenario, calls: list[Call]) -> tuple[Compiled, Outcome]:
    c = compile_scenario(scenario)
    outcome = run_network(
        c.network,
        arrival_s=np.array([x.at for x in calls]),
        service_s=np.array([x.service for x in calls]),
        patience_s=np.array([x.patience for x in calls]),
        route=np.array([_route(c, x) for x in calls], dtype=np.int64),
    )
    return c, outcome


def _sites(c: Compiled, outcome: Outcome) -> list[str]:
    return [c.pool_ids[p] for p in outcome.pool]


OVERFLOW = [{"to": [{"pool": "in"}, {"pool": "out", "after_s": 30}]}]
TWO_POOLS = [
    {"id": "in", "skills": ["x"], "languages": ["fr"], "agents": 1},
    {"id": "out", "skills": ["x", "y"], "languages": ["fr"], "agents": 1},
]


def test_a_waiting_call_overflows_exactly_after_the_delay_and_not_before() -> None:
    # "in" is busy until 100 s; "out" is idle all along but may take the call only from 31 s.
    scenario = _scenario([_flow("x", routing=OVERFLOW), _flow("y")], TWO_POOLS)
    c, out = _serve(scenario, [Call(0.0, 100.0), Call(1.0, 10.0)])
    assert out.start_s.tolist() == [0.0, 31.0]
    assert _sites(c, out) == ["in", "out"]


def test_a_call_answered_in_house_before_the_delay_never_overflows() -> None:
    scenario = _scenario([_flow("x", routing=OVERFLOW), _flow("y")], TWO_POOLS)
    c, out = _serve(scenario, [Call(0.0, 20.0), Call(1.0, 10.0)])
    assert out.start_s.tolist() == [0.0, 20.0]
    assert _sites(c, out) == ["in", "in"]


@pytest.mark.parametrize(("mode", "start", "site"), [("add", 40.0, "in"), ("move", 45.5, "out")])
def test_add_keeps_the_call_queued_in_house_and_move_takes_it_away(
    mode: str, start: float, site: str
) -> None:
    # "in" frees at 40 s, "out" (busy with a call of flow y) at 45.5 s; the call overflowed at 31 s.
    routing = [{"to": [{"pool": "in"}, {"pool": "out", "after_s": 30, "mode": mode}]}]
    scenario = _scenario([_flow("x", routing=routing), _flow("y")], TWO_POOLS)
    c, out = _serve(scenario, [Call(0.0, 40.0), Call(0.5, 45.0, flow="y", rule=None), Call(1.0, 10.0)])
    assert out.start_s[2] == start
    assert _sites(c, out)[2] == site


def test_an_abandoned_call_counts_where_it_was_last_offered() -> None:
    scenario = _scenario([_flow("x", routing=OVERFLOW), _flow("y")], TWO_POOLS)
    # Both pools busy for long: one caller gives up after 10 s (in-house), one after 50 s (overflowed).
    calls = [
        Call(0.0, 500.0),
        Call(0.1, 500.0, flow="y", rule=None),
        Call(1.0, 5.0, patience=10.0),
        Call(2.0, 5.0, patience=50.0),
    ]
    c, out = _serve(scenario, calls)
    assert out.abandoned.tolist() == [False, False, True, True]
    assert out.end_s[2:].tolist() == [11.0, 52.0]
    assert _sites(c, out)[2:] == ["in", "out"]


def test_a_caller_in_english_waits_for_a_bilingual_agent_even_with_a_french_one_free() -> None:
    scenario = _scenario(
        [_flow("x", languages={"fr": 0.5, "en": 0.5})],
        [
            {"id": "fr-only", "skills": ["x"], "languages": ["fr"], "agents": 1},
            {"id": "bilingual", "skills": ["x"], "languages": ["fr", "en"], "agents": 1},
        ],
    )
    calls = [
        Call(0.0, 30.0, language="en", rule=None),
        Call(1.0, 5.0, language="en", rule=None),
        Call(2.0, 5.0, rule=None),
    ]
    c, out = _serve(scenario, calls)
    # The second English caller waits for the bilingual agent (free at 30 s) although the French
    # one is idle; the French caller after it is answered at once.
    assert _sites(c, out) == ["bilingual", "bilingual", "fr-only"]
    assert out.start_s.tolist() == [0.0, 30.0, 2.0]


def test_an_agent_with_two_skills_answers_the_higher_priority_first() -> None:
    scenario = _scenario(
        [_flow("low"), _flow("high", priority=5)],
        [{"id": "p", "skills": ["low", "high"], "languages": ["fr"], "agents": 1}],
    )
    calls = [
        Call(0.0, 10.0, flow="low", rule=None),
        Call(1.0, 5.0, flow="low", rule=None),
        Call(2.0, 5.0, flow="high", rule=None),
    ]
    _, out = _serve(scenario, calls)
    assert out.start_s.tolist() == [0.0, 15.0, 10.0]


def test_a_percentage_split_sends_each_share_to_its_pool() -> None:
    routing = [{"split": [{"share": 0.7, "to": [{"pool": "a"}]}, {"share": 0.3, "to": [{"pool": "b"}]}]}]
    scenario = _scenario(
        [_flow("x", arrivals=20_000, routing=routing)],
        [
            {"id": "a", "skills": ["x"], "languages": ["fr"], "agents": 50},
            {"id": "b", "skills": ["x"], "languages": ["fr"], "agents": 50},
        ],
    )
    result = simulate(scenario, replications=1, rng=np.random.default_rng(3), by=["site"])
    n = result.records.num_rows
    share_a = result.records.filter(pc.equal(result.records["site"].cast("string"), "a")).num_rows / n
    assert abs(share_a - 0.7) < 4.5 * math.sqrt(0.7 * 0.3 / n)
    assert {row["site"]: row["service_level"]["mean"] for row in result.kpis} == {"a": 1.0, "b": 1.0}


def test_evening_calls_go_to_the_provider_by_time_of_day() -> None:
    routing = [
        {"when": {"hours": "19:00-22:00"}, "to": [{"pool": "provider"}]},
        {"to": [{"pool": "internal"}]},
    ]
    scenario = _scenario(
        [_flow("x", arrivals=60, routing=routing)],
        [
            {"id": "internal", "skills": ["x"], "languages": ["fr"], "agents": 5},
            {"id": "provider", "skills": ["x"], "languages": ["fr"], "agents": 5},
        ],
        intervals=14,  # 08:00 to 22:00
    )
    records = simulate(scenario, replications=2, rng=np.random.default_rng(4), by=None).records
    hours = [t.astimezone(PARIS).hour for t in records["arrived_at"].to_pylist()]
    sites = records["site"].cast("string").to_pylist()
    assert {(h >= 19, s) for h, s in zip(hours, sites, strict=True)} == {
        (False, "internal"),
        (True, "provider"),
    }


def test_a_schedule_keeps_its_clock_times_across_the_daylight_saving_change() -> None:
    # 29 March 2026: Paris goes from 02:00 to 03:00. A 01:00–05:00 shift lasts three hours.
    scenario = Scenario.model_validate(
        {
            "start": "2026-03-29T00:00:00+01:00",
            "interval_min": 60,
            "intervals": 8,
            "flows": [_flow("x")],
            "pools": [
                {
                    "id": "p",
                    "skills": ["x"],
                    "languages": ["fr"],
                    "shifts": [{"start": "01:00", "end": "05:00", "agents": 2}],
                }
            ],
        }
    )
    net = compile_scenario(scenario).network
    assert net.duty_agent.tolist() == [0, 1]
    assert net.duty_start_s.tolist() == [3600.0, 3600.0]
    assert net.duty_end_s.tolist() == [4 * 3600.0, 4 * 3600.0]


def test_a_staffing_plan_keeps_the_first_agents_and_merges_their_intervals() -> None:
    agent, start, end = plan_windows(np.array([2, 1, 0, 2]), interval_s=10.0)
    assert sorted(zip(agent.tolist(), start.tolist(), end.tolist(), strict=True)) == [
        (0, 0.0, 20.0),
        (0, 30.0, 40.0),
        (1, 0.0, 10.0),
        (1, 30.0, 40.0),
    ]


# --- A brute-force reference on random networks -------------------------------------------------


def _reference(
    net: Network, arrival: FloatArray, service: FloatArray, patience: FloatArray, route: IntArray
) -> Outcome:
    """The routing semantics of docs/simulation.md, naively: every decision scans everything."""
    n, n_agents = arrival.shape[0], net.n_agents
    steps = [
        [int(q) for q in net.step_queue[net.route_ptr[r] : net.route_ptr[r + 1]]] for r in range(net.n_routes)
    ]
    delay, until, qpool, prio = net.queue_delay_s, net.queue_until_s, net.queue_pool, net.queue_priority
    duty = sorted(
        zip(net.duty_end_s.tolist(), [0] * net.duty_agent.size, net.duty_agent.tolist(), strict=True)
    )
    duty += list(
        zip(net.duty_start_s.tolist(), [1] * net.duty_agent.size, net.duty_agent.tolist(), strict=True)
    )
    duty.sort()
    start = np.full(n, np.nan)
    agent = np.full(n, -1, dtype=np.int64)
    waiting = [False] * n
    done = [False] * n
    mode = ["off"] * n_agents
    busy_until = [INF] * n_agents
    idle_rank = [0] * n_agents
    rank = 0
    entries = sorted((arrival[i] + delay[q], i, q) for i in range(n) for q in steps[route[i]] if delay[q] > 0)

    def eligible(i: int, q: int, now: float) -> bool:
        return (
            waiting[i]
            and now - arrival[i] <= patience[i]
            and arrival[i] + delay[q] <= now < arrival[i] + until[q]
        )

    def serve(i: int, k: int, now: float) -> None:
        waiting[i], done[i] = False, True
        start[i], agent[i] = now, k
        mode[k], busy_until[k] = "busy", now + service[i]

    def free_agent(k: int, now: float) -> None:
        nonlocal rank
        options = [
            (-prio[q], arrival[i], i)
            for i in range(n)
            for q in steps[route[i]]
            if qpool[q] == net.agent_pool[k] and eligible(i, q, now)
        ]
        if options:
            serve(min(options)[2], k, now)
        else:
            mode[k], busy_until[k] = "idle", INF
            rank += 1
            idle_rank[k] = rank

    def offer(i: int, pool: int, now: float) -> bool:
        idle = [(idle_rank[k], k) for k in range(n_agents) if mode[k] == "idle" and net.agent_pool[k] == pool]
        if idle:
            serve(i, min(idle)[1], now)
        return bool(idle)

    next_arrival = next_duty = next_entry = 0
    while True:
        t_duty = duty[next_duty][0] if next_duty < len(duty) else INF
        t_done = min(busy_until, default=INF)
        t_entry = entries[next_entry][0] if next_entry < len(entries) else INF
        t_arr = arrival[next_arrival] if next_arrival < n else INF
        now = min(t_duty, t_done, t_entry, t_arr)
        if now == INF:
            break
        if t_duty == now:
            _, on, k = duty[next_duty]
            next_duty += 1
            if on:
                if mode[k] == "busy-off":
                    mode[k] = "busy"
                else:
                    free_agent(k, now)
            else:
                mode[k] = {"idle": "off", "busy": "busy-off"}[mode[k]]
        elif t_done == now:
            k = busy_until.index(now)
            busy_until[k] = INF
            if mode[k] == "busy-off":
                mode[k] = "off"
            else:
                free_agent(k, now)
        elif t_entry == now:
            _, i, q = entries[next_entry]
            next_entry += 1
            if waiting[i] and now - arrival[i] <= patience[i]:
                offer(i, int(qpool[q]), now)
        else:
            i = next_arrival
            next_arrival += 1
            waiting[i] = True
            for q in steps[route[i]]:
                if delay[q] == 0 and waiting[i]:
                    offer(i, int(qpool[q]), now)

    def offered_at(q: int, wait: float) -> bool:  # the pool of step q offers the contact at this wait
        return bool(delay[q] <= wait and (wait < until[q] or until[q] == INF))

    end = np.where(np.isnan(start), arrival + patience, start + service)
    abandoned = np.isnan(start) & np.isfinite(patience)
    end[np.isnan(start) & ~abandoned] = np.nan
    pool = np.array(
        [
            net.agent_pool[agent[i]]
            if agent[i] >= 0
            else qpool[[q for q in steps[route[i]] if offered_at(q, patience[i])][-1]]
            for i in range(n)
        ],
        dtype=np.int64,
    )
    return Outcome(start_s=start, end_s=end, abandoned=abandoned, agent=agent, pool=pool)


def _random_network(rng: np.random.Generator, horizon: float) -> Network:
    n_pools = int(rng.integers(1, 4))
    n_flows = int(rng.integers(1, 3))
    priority = rng.integers(0, 3, n_flows)
    queues: dict[tuple[int, int, float, float], int] = {}
    route_ptr, step_queue = [0], []
    for _ in range(int(rng.integers(1, 4))):
        flow = int(rng.integers(n_flows))
        pools = rng.permutation(n_pools)[: int(rng.integers(1, n_pools + 1))]
        delays = np.concatenate(([0.0], np.sort(rng.uniform(1.0, 60.0, pools.size - 1))))
        moves = np.concatenate(([False], rng.random(pools.size - 1) < 0.4))
        for j, p in enumerate(pools):
            later = [delays[m] for m in range(j + 1, pools.size) if moves[m]]
            key = (int(p), flow, float(delays[j]), min(later, default=INF))
            step_queue.append(queues.setdefault(key, len(queues)))
        route_ptr.append(len(step_queue))
    agent_pool = rng.integers(0, n_pools, int(rng.integers(0, 7)))
    w_agent, w_start, w_end = [], [], []
    for k in range(agent_pool.size):
        cuts = np.sort(rng.uniform(0.0, horizon, 2 * int(rng.integers(0, 4))))
        for a, b in zip(cuts[::2], cuts[1::2], strict=True):
            w_agent.append(k)
            w_start.append(a)
            w_end.append(b)
    keys = list(queues)
    return Network(
        n_pools=n_pools,
        route_ptr=np.array(route_ptr, dtype=np.int64),
        step_queue=np.array(step_queue, dtype=np.int64),
        queue_pool=np.array([k[0] for k in keys], dtype=np.int64),
        queue_priority=np.array([int(priority[k[1]]) for k in keys], dtype=np.int64),
        queue_delay_s=np.array([k[2] for k in keys]),
        queue_until_s=np.array([k[3] for k in keys]),
        agent_pool=agent_pool.astype(np.int64),
        duty_agent=np.array(w_agent, dtype=np.int64),
        duty_start_s=np.array(w_start, dtype=np.float64),
        duty_end_s=np.array(w_end, dtype=np.float64),
    )


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 60))
def test_random_networks_match_the_brute_force_reference_and_conserve_contacts(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    horizon = 600.0
    net = _random_network(rng, horizon)
    arrival = np.sort(rng.uniform(0.0, horizon, n))
    service = rng.exponential(60.0, n)
    patience = np.where(rng.random(n) < 0.3, np.inf, rng.exponential(90.0, n))
    route = rng.integers(0, net.n_routes, n).astype(np.int64)
    out = run_network(net, arrival_s=arrival, service_s=service, patience_s=patience, route=route)
    ref = _reference(net, arrival, service, patience, route)
    for name in ("start_s", "end_s", "abandoned", "agent", "pool"):
        np.testing.assert_array_equal(getattr(out, name), getattr(ref, name), err_msg=name)

    # Every contact ends exactly once: served, abandoned (finite patience), or never answered.
    served = out.served
    assert not np.any(served & out.abandoned)
    assert np.all(served | out.abandoned | np.isinf(patience))
    wait = out.start_s[served] - arrival[served]
    assert np.all((wait >= 0) & (wait <= patience[served]))
    np.testing.assert_array_equal(out.end_s[served], out.start_s[served] + service[served])
    np.testing.assert_array_equal(out.end_s[out.abandoned], (arrival + patience)[out.abandoned])
    # Served in a pool the route offered it to at that wait.
    for i in np.flatnonzero(served):
        qs = net.step_queue[net.route_ptr[route[i]] : net.route_ptr[route[i] + 1]]
        a, t = arrival[i], out.start_s[i]
        assert any(
            net.queue_pool[q] == out.pool[i] and a + net.queue_delay_s[q] <= t < a + net.queue_until_s[q]
            for q in qs
        )
    for k in range(net.n_agents):
        mine = np.flatnonzero(out.agent == k)
        order = mine[np.argsort(out.start_s[mine])]
        # No agent serves two contacts at once ...
        assert np.all(out.start_s[order][1:] >= out.end_s[order][:-1])
        # ... nor starts one off duty.
        windows = net.duty_agent == k
        for s in out.start_s[mine]:
            assert np.any((net.duty_start_s[windows] <= s) & (s < net.duty_end_s[windows]))
        assert np.all(net.agent_pool[k] == out.pool[mine])


# --- Scenarios, determinism, service and command ----------------------------------------------


def test_the_same_seed_gives_the_same_records_and_another_seed_others() -> None:
    scenario = load_scenario(EXAMPLE)
    a = simulate(scenario, replications=2, rng=np.random.default_rng(7), by=None).records
    b = simulate(scenario, replications=2, rng=np.random.default_rng(7), by=None).records
    c = simulate(scenario, replications=2, rng=np.random.default_rng(8), by=None).records
    assert a.equals(b)
    assert not a.equals(c)
    # Replication r does not depend on how many replications there are.
    one = simulate(scenario, replications=1, rng=np.random.default_rng(7), by=None).records
    assert one.equals(a.filter(pc.equal(a["replication"], 0)))


def test_the_example_scenario_overflows_to_madagascar_and_routes_english_to_bilingual_agents() -> None:
    scenario = load_scenario(EXAMPLE)
    records = simulate(scenario, replications=3, rng=np.random.default_rng(1), by=None).records
    rows = records.select(["flow", "site", "language", "arrived_at", "answered_at"]).to_pylist()
    english = {r["site"] for r in rows if r["flow"] == "support-voice-en"}
    assert english == {"callmada:tana-bilingue"}
    assert all(r["language"] == "en" for r in rows if r["flow"] == "support-voice-en")
    # French calls answered offshore before 19:00 waited at least the 30 s of the overflow.
    for r in rows:
        before_evening = r["arrived_at"].astimezone(PARIS).hour < 19
        if r["flow"] == "sav-voice-fr" and r["site"] != "internal" and r["answered_at"] and before_evening:
            assert (r["answered_at"] - r["arrived_at"]).total_seconds() >= 30 - 1e-6
    evening = [r["site"] for r in rows if r["arrived_at"].astimezone(PARIS).hour >= 19]
    assert evening and "internal" not in evening


def test_kpis_per_pool_and_interval_come_from_the_kpi_engine_with_confidence_intervals() -> None:
    scenario = load_scenario(EXAMPLE)
    result = simulate(scenario, replications=4, rng=np.random.default_rng(2))
    row = next(
        r for r in result.kpis if r["site"] == "internal" and r["interval"] == "2026-03-02T10:00:00+01:00"
    )
    per_rep = [
        next(
            x
            for x in rows
            if x["site"] == "internal"
            and x["interval"] == datetime.fromisoformat(row["interval"]).timestamp()
        )
        for rows in result.per_replication
    ]
    values = [x["service_level"] for x in per_rep]
    assert row["service_level"]["mean"] == pytest.approx(np.mean(values))
    half = 3.182446305284263 * np.std(values, ddof=1) / 2  # t(0.975, 3) · s / √4
    assert row["service_level"]["ci_low"] == pytest.approx(max(0.0, np.mean(values) - half))
    assert row["service_level"]["ci_high"] == pytest.approx(min(1.0, np.mean(values) + half))  # a share
    assert row["offered"]["n"] == 4 and 0 < row["occupancy"]["mean"] <= 1.05
    # Nobody works in-house after 19:00: no in-house rows then.
    assert not [r for r in result.kpis if r["site"] == "internal" and r["interval"] >= "2026-03-02T19:00"]


def test_a_scenario_error_names_the_line_of_the_faulty_node(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '{pool: "callmada:tana", after_s: 30}', '{pool: "tana", after_s: 30}'
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, x in enumerate(text.splitlines(), 1) if '"tana"' in x)
    with pytest.raises(InputError) as err:
        load_scenario(bad)
    assert err.value.line == line
    assert err.value.field == "flows.0.routing.1.to.1.pool"
    assert "unknown pool 'tana'" in str(err.value)

    bad.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("mean_s: 150", "mean_s: -150"), encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"line \d+, field flows\.0\.patience"):
        load_scenario(bad)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"agents": [1, 2]}, "agents has 2 intervals, the scenario 1"),
        ({"languages": ["en"]}, "need a pool with this skill and language"),
        ({"skills": ["nope"]}, "unknown flow 'nope'"),
    ],
)
def test_inconsistent_scenarios_are_refused(change: dict[str, Any], message: str) -> None:
    pool = {"id": "p", "skills": ["x"], "languages": ["fr"], "agents": 1, **change}
    with pytest.raises(ValueError, match=message):
        _scenario([_flow("x")], [pool])


def test_the_service_writes_records_the_kpi_command_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "records.parquet"
    document = run_simulation(EXAMPLE, replications=2, seed=3, by=["pool"], out=out)
    table = pq.read_table(out)
    assert table.num_rows == document.contacts
    from arbitre.services.kpis import kpis

    offered = {r.keys["site"]: r.offered for r in kpis([out], by=["site"])}
    simulated = {r.keys["pool"]: r.offered for r in document.kpis}
    assert offered == {pool: round(e.mean * 2) for pool, e in simulated.items() if e and e.mean is not None}


def test_the_simulate_command_prints_one_json_document() -> None:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """A host for the command under test."""

    simulate_cli.register(app)
    result = CliRunner().invoke(
        app,
        ["simulate", str(EXAMPLE), "--replications", "3", "--seed", "5", "--by", "pool,interval", "--json"],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["replications"], document["seed"], document["by"]) == (3, 5, ["pool", "interval"])
    assert document["contacts"] > 0 and document["records"] is None
    row = document["kpis"][0]
    assert set(row) >= {
        "pool",
        "interval",
        "offered",
        "service_level",
        "abandon_rate",
        "asa_s",
        "aht_s",
        "occupancy",
    }
    assert set(row["service_level"]) == {"mean", "ci_low", "ci_high", "n"}
    assert {r["pool"] for r in document["kpis"]} == {"internal", "callmada:tana", "callmada:tana-bilingue"}
    bad = CliRunner().invoke(app, ["simulate", str(EXAMPLE), "--by", "agent", "--json"])
    assert bad.exit_code != 0 and isinstance(bad.exception, InputError)


@pytest.mark.parametrize("module", ["model", "kernel", "contacts", "network", "records", "summary", "run"])
def test_the_documentation_examples_run(module: str) -> None:
    mod = importlib.import_module(f"arbitre.staffing.simulation.{module}")
    assert doctest.testmod(mod, optionflags=doctest.ELLIPSIS).failed == 0


def test_the_worked_examples_of_the_documentation_run() -> None:
    assert doctest.testfile(str(DOCS), module_relative=False, optionflags=doctest.ELLIPSIS).failed == 0
