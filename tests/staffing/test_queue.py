"""The queue kernel against queueing theory, hand-worked cases and a brute-force reference."""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arbitre._types import FloatArray, IntArray
from arbitre.staffing.queue import QueueOutcome, simulate_queue

INF = math.inf


def _run(
    arrival: list[float],
    service: list[float],
    patience: list[float],
    agents: list[int],
    interval_s: float,
    t0_s: float = 0.0,
    slots_per_agent: int = 1,
) -> QueueOutcome:
    return simulate_queue(
        arrival_s=np.array(arrival, dtype=np.float64),
        service_s=np.array(service, dtype=np.float64),
        patience_s=np.array(patience, dtype=np.float64),
        agents=np.array(agents, dtype=np.int64),
        interval_s=interval_s,
        t0_s=t0_s,
        slots_per_agent=slots_per_agent,
    )


# --- Independent references: textbook formulas, computed with mpmath -------------------------


def _erlang_c(n: int, load: float) -> float:
    """P(wait > 0) in M/M/n with offered load a = λ/μ < n (Erlang's C formula)."""
    a = mp.mpf(load)
    queued = a**n / mp.factorial(n) * n / (n - a)
    return float(queued / (mp.fsum(a**k / mp.factorial(k) for k in range(n)) + queued))


def _erlang_a(n: int, *, lam: float, mu: float, theta: float) -> tuple[float, float]:
    """P(wait > 0) and P(abandon) in M/M/n+M, from the birth–death chain of the number present.

    State k goes up at rate λ and down at min(k, n)μ + max(k − n, 0)θ. By PASTA an arrival finds
    all agents busy with probability Σ_{k≥n} π_k; abandonments happen at rate θ·E[Q], so a
    fraction θ·E[Q]/λ of arrivals abandon (flow balance).
    """
    weights = [mp.mpf(1)]
    for k in range(1, 4000):  # θ > 0: the tail decays faster than geometrically
        weights.append(weights[-1] * lam / (min(k, n) * mu + max(k - n, 0) * theta))
    total = mp.fsum(weights)
    delayed = mp.fsum(weights[n:]) / total
    queue_length = mp.fsum((k - n) * w for k, w in enumerate(weights) if k > n) / total
    return float(delayed), float(theta * queue_length / lam)


def _poisson_exponential(
    rng: np.random.Generator, *, n_contacts: int, rate_per_s: float, aht_s: float
) -> tuple[FloatArray, FloatArray]:
    arrival = np.cumsum(rng.exponential(1.0 / rate_per_s, n_contacts))
    return arrival, rng.exponential(aht_s, n_contacts)


def test_constant_staffing_without_abandonment_matches_erlang_c() -> None:
    n, aht_s, load, threshold_s = 10, 300.0, 7.0, 20.0
    rng = np.random.default_rng(20240611)
    arrival, service = _poisson_exponential(rng, n_contacts=2_000_000, rate_per_s=load / aht_s, aht_s=aht_s)
    out = simulate_queue(
        arrival_s=arrival,
        service_s=service,
        patience_s=np.full(arrival.size, np.inf),
        agents=np.array([n]),
        interval_s=2 * arrival[-1],
    )
    wait_s = (out.start_s - arrival)[10_000:]  # the first contacts find the queue empty

    p_wait = _erlang_c(n, load)
    decay_per_s = n / aht_s - load / aht_s
    # The closed form against Erlang B's recursion, C = B / (1 − ρ(1 − B)): two routes, one value.
    blocking = 1.0
    for k in range(1, n + 1):
        blocking = load * blocking / (k + load * blocking)
    assert p_wait == pytest.approx(blocking / (1 - load / n * (1 - blocking)), rel=1e-12)
    assert np.mean(wait_s > 0) == pytest.approx(p_wait, abs=0.005)
    assert np.mean(wait_s <= threshold_s) == pytest.approx(
        1 - p_wait * math.exp(-decay_per_s * threshold_s), abs=0.005
    )
    assert np.mean(wait_s) == pytest.approx(p_wait / decay_per_s, rel=0.05)
    assert not out.abandoned.any()
    assert np.all((out.agent >= 0) & (out.agent < n))


def test_exponential_patience_matches_the_erlang_a_birth_death_chain() -> None:
    n, aht_s, load, mean_patience_s = 20, 300.0, 20.0, 180.0
    rng = np.random.default_rng(7)
    arrival, service = _poisson_exponential(rng, n_contacts=2_000_000, rate_per_s=load / aht_s, aht_s=aht_s)
    patience = rng.exponential(mean_patience_s, arrival.size)
    out = simulate_queue(
        arrival_s=arrival,
        service_s=service,
        patience_s=patience,
        agents=np.array([n]),
        interval_s=2 * arrival[-1],
    )
    p_delay, p_abandon = _erlang_a(n, lam=load / aht_s, mu=1 / aht_s, theta=1 / mean_patience_s)
    steady = slice(10_000, None)
    delayed = out.abandoned | (out.start_s > arrival)
    assert np.mean(out.abandoned[steady]) == pytest.approx(p_abandon, abs=0.003)
    assert np.mean(delayed[steady]) == pytest.approx(p_delay, abs=0.008)
    # Whoever abandons leaves after exactly their patience, without being served.
    np.testing.assert_array_equal(out.end_s[out.abandoned], (arrival + patience)[out.abandoned])
    assert np.isnan(out.start_s[out.abandoned]).all()


# --- Hand-worked cases -----------------------------------------------------------------------


def test_one_agent_serves_three_calls_one_after_the_other() -> None:
    out = _run([0.0, 1.0, 2.0], [5.0, 3.0, 1.0], [INF, INF, INF], [1], interval_s=100.0)
    assert out.start_s.tolist() == [0.0, 5.0, 8.0]
    assert out.end_s.tolist() == [5.0, 8.0, 9.0]
    assert out.agent.tolist() == [0, 0, 0]
    assert not out.abandoned.any()


def test_a_caller_whose_wait_exceeds_the_patience_abandons_and_frees_the_agent_for_the_next() -> None:
    # The second caller would wait 4 s but gives up after 3; the third, patient, takes its place.
    out = _run([0.0, 1.0, 2.0], [5.0, 3.0, 1.0], [INF, 3.0, INF], [1], interval_s=100.0)
    assert out.abandoned.tolist() == [False, True, False]
    np.testing.assert_array_equal(out.start_s, [0.0, np.nan, 5.0])
    np.testing.assert_array_equal(out.end_s, [5.0, 4.0, 6.0])
    assert out.agent.tolist() == [0, -1, 0]


def test_a_wait_equal_to_the_patience_is_served() -> None:
    out = _run([0.0, 1.0], [5.0, 1.0], [INF, 4.0], [1], interval_s=100.0)
    assert out.start_s.tolist() == [0.0, 5.0]
    assert not out.abandoned.any()


def test_an_agent_finishes_the_call_in_hand_when_the_shift_ends_but_starts_no_other() -> None:
    # On duty in [0, 10) and [20, 30), off in [10, 20): the first call runs on to 15 s, the
    # second waits for the agent to come back at 20 s even though the agent is free at 15 s.
    out = _run([0.0, 2.0], [15.0, 1.0], [INF, INF], [1, 0, 1], interval_s=10.0)
    assert out.start_s.tolist() == [0.0, 20.0]
    assert out.end_s.tolist() == [15.0, 21.0]


def test_a_contact_arriving_while_nobody_is_on_duty_abandons_if_its_patience_runs_out() -> None:
    out = _run([12.0, 12.5], [1.0, 1.0], [5.0, 8.0], [1, 0, 1], interval_s=10.0)
    # The first gives up at 17 s; the second's 7.5 s wait to 20 s is within its 8 s.
    assert out.abandoned.tolist() == [True, False]
    np.testing.assert_array_equal(out.start_s, [np.nan, 20.0])
    np.testing.assert_array_equal(out.end_s, [17.0, 21.0])


def test_an_infinitely_patient_contact_waits_for_the_next_shift() -> None:
    out = _run([12.0], [3.0], [INF], [1, 0, 0, 2], interval_s=10.0)
    assert out.start_s.tolist() == [30.0]
    assert out.end_s.tolist() == [33.0]


def test_nobody_is_on_duty_before_t0() -> None:
    out = _run([90.0, 95.0], [1.0, 1.0], [INF, 4.0], [1], interval_s=60.0, t0_s=100.0)
    assert out.abandoned.tolist() == [False, True]
    np.testing.assert_array_equal(out.start_s, [100.0, np.nan])


def test_past_the_horizon_patient_contacts_are_left_unserved_and_impatient_ones_abandon() -> None:
    # One agent in [0, 10) only, busy until 20 s with the first call.
    out = _run(
        [0.0, 5.0, 6.0, 50.0, 60.0],
        [20.0, 1.0, 1.0, 1.0, 1.0],
        [INF, INF, 100.0, INF, 2.0],
        [1],
        interval_s=10.0,
    )
    np.testing.assert_array_equal(out.start_s, [0.0, np.nan, np.nan, np.nan, np.nan])
    np.testing.assert_array_equal(out.end_s, [20.0, np.nan, 106.0, np.nan, 62.0])
    assert out.abandoned.tolist() == [False, False, True, False, True]
    assert out.agent.tolist() == [0, -1, -1, -1, -1]


def test_with_no_agent_ever_on_duty_every_contact_abandons_or_stays_unserved() -> None:
    out = _run([0.0, 1.0], [1.0, 1.0], [5.0, INF], [0, 0], interval_s=10.0)
    assert out.abandoned.tolist() == [True, False]
    np.testing.assert_array_equal(out.end_s, [5.0, np.nan])
    empty = _run([0.0], [1.0], [5.0], [], interval_s=10.0)
    assert empty.abandoned.tolist() == [True]


def test_a_shift_ends_exactly_at_its_boundary_whatever_the_rounding() -> None:
    # With t0 = 0.1 s and 0.7 s intervals, interval 3 starts at 0.1 + 3 × 0.7 = 2.1999…97 s,
    # where (t − t0) / interval rounds to 2.999…: a naive floor would put that instant in
    # interval 2, in which the agent is still on duty.
    t0_s, interval_s = 0.1, 0.7
    shift_end_s = t0_s + 3 * interval_s
    assert math.floor((shift_end_s - t0_s) / interval_s) == 2
    out = _run([shift_end_s], [1.0], [INF], [1, 1, 1, 0, 1], interval_s=interval_s, t0_s=t0_s)
    assert out.start_s.tolist() == [t0_s + 4 * interval_s]


def test_only_the_first_agents_stay_on_duty_when_staffing_drops() -> None:
    # Two agents in [0, 10), then only agent 0: the call at 12 s waits for agent 0 (busy until
    # 20 s) although agent 1 is idle, because agent 1 is off duty.
    out = _run([0.0, 12.0], [20.0, 1.0], [INF, INF], [2, 1, 1], interval_s=10.0)
    assert out.agent.tolist() == [0, 0]
    assert out.start_s.tolist() == [0.0, 20.0]


def test_the_agent_idle_the_longest_takes_the_next_contact() -> None:
    # Both free at 0: the tie goes to agent 0, free again at 1 s; at 5 s agent 1, idle since 0,
    # has waited longer.
    out = _run([0.0, 5.0, 9.0], [1.0, 1.0, 1.0], [INF, INF, INF], [2], interval_s=100.0)
    assert out.agent.tolist() == [0, 1, 0]


def test_an_agent_back_from_a_break_counts_as_idle_only_since_coming_back() -> None:
    # Agent 1 is off in [10, 20). At 25 s, agent 0 has been idle since 1 s and agent 1 only
    # since 20 s, although agent 1 has served nobody: agent 0 takes the call.
    out = _run([0.0, 25.0], [1.0, 1.0], [INF, INF], [2, 1, 2], interval_s=10.0)
    assert out.agent.tolist() == [0, 0]


def test_two_slots_per_agent_serve_two_contacts_at_once() -> None:
    out = _run([0.0, 0.0, 0.0], [10.0] * 3, [INF] * 3, [1], interval_s=100.0, slots_per_agent=2)
    assert out.start_s.tolist() == [0.0, 0.0, 10.0]
    assert out.agent.tolist() == [0, 0, 0]


def test_two_slots_per_agent_serve_like_twice_the_agents_under_constant_staffing() -> None:
    rng = np.random.default_rng(3)
    arrival, service = _poisson_exponential(rng, n_contacts=20_000, rate_per_s=1 / 40, aht_s=300)
    patience = rng.exponential(60.0, arrival.size)

    def serve(agents: int, slots_per_agent: int) -> QueueOutcome:
        return simulate_queue(
            arrival_s=arrival,
            service_s=service,
            patience_s=patience,
            agents=np.array([agents]),
            interval_s=1e9,
            slots_per_agent=slots_per_agent,
        )

    doubled, chats, single = serve(8, 1), serve(4, 2), serve(4, 1)
    np.testing.assert_array_equal(chats.start_s, doubled.start_s)
    np.testing.assert_array_equal(chats.agent, doubled.agent // 2)
    assert chats.abandoned.mean() < single.abandoned.mean() / 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"arrival_s": np.array([1.0, 0.0])}, "sorted ascending"),
        ({"arrival_s": np.array([0.0, np.nan])}, "arrival_s must be finite"),
        ({"service_s": np.array([1.0])}, "one length"),
        ({"service_s": np.array([1.0, -1.0])}, "service_s must be finite"),
        ({"patience_s": np.array([1.0, np.nan])}, "patience_s must be ≥ 0"),
        ({"patience_s": np.array([1.0, -2.0])}, "patience_s must be ≥ 0"),
        ({"agents": np.array([1, -1])}, "agents must be ≥ 0"),
        ({"agents": np.array([1.5])}, "agents must be integers"),
        ({"agents": np.array([[1]])}, "one-dimensional"),
        ({"interval_s": 0.0}, "interval_s must be finite and > 0"),
        ({"interval_s": np.inf}, "interval_s must be finite and > 0"),
        ({"t0_s": np.nan}, "t0_s must be finite"),
        ({"slots_per_agent": 0}, "slots_per_agent must be ≥ 1"),
        ({"slots_per_agent": 1.5}, "slots_per_agent must be an integer"),
    ],
)
def test_invalid_inputs_are_rejected_with_the_reason(change: dict[str, object], reason: str) -> None:
    args: dict[str, object] = {
        "arrival_s": np.array([0.0, 1.0]),
        "service_s": np.array([1.0, 1.0]),
        "patience_s": np.array([1.0, INF]),
        "agents": np.array([1]),
        "interval_s": 10.0,
    }
    with pytest.raises(ValueError, match=reason):
        simulate_queue(**(args | change))  # type: ignore[arg-type]


def test_no_contacts_give_empty_outcomes() -> None:
    out = _run([], [], [], [3], interval_s=10.0)
    assert out.start_s.shape == out.end_s.shape == out.abandoned.shape == out.agent.shape == (0,)


# --- Brute force reference and invariants ----------------------------------------------------


@dataclass(frozen=True)
class _Case:
    arrival: list[float]
    service: list[float]
    patience: list[float]
    agents: list[int]
    interval_s: float
    t0_s: float
    slots_per_agent: int

    def simulate(self) -> QueueOutcome:
        return _run(
            self.arrival,
            self.service,
            self.patience,
            self.agents,
            interval_s=self.interval_s,
            t0_s=self.t0_s,
            slots_per_agent=self.slots_per_agent,
        )


def _reference(case: _Case) -> tuple[list[float], list[float], list[bool], list[int]]:
    """The documented rules, applied literally: every slot is examined for every contact."""
    agents, t0_s, interval_s = case.agents, case.t0_s, case.interval_s
    arrival, service, patience = case.arrival, case.service, case.patience
    slots_per_agent = case.slots_per_agent
    n = len(agents)
    bounds = [t0_s + j * interval_s for j in range(n + 1)]

    def interval(t: float) -> int:  # -1 before t0, n at or after the horizon
        if n == 0 or t < bounds[0]:
            return -1
        return next((j for j in range(n) if t < bounds[j + 1]), n)

    def on_duty(k: int, t: float) -> bool:
        return 0 <= interval(t) < n and k < agents[interval(t)]

    def first_on_duty(k: int, t: float) -> float:
        if on_duty(k, t):
            return t
        later = (bounds[j] for j in range(max(interval(t) + 1, 0), n) if k < agents[j])
        return next(later, INF)

    def on_duty_since(k: int, t: float) -> float:
        j = interval(t)
        while j > 0 and k < agents[j - 1]:
            j -= 1
        return bounds[j]

    free = [-INF] * (max(agents, default=0) * slots_per_agent)
    start, end, abandoned, agent = [], [], [], []
    for a, s, p in zip(arrival, service, patience, strict=True):
        best = (INF, INF, -1)
        for slot, f in enumerate(free):
            k = slot // slots_per_agent
            begin = first_on_duty(k, max(f, a))
            since = max(f, on_duty_since(k, a)) if begin == a else begin
            best = min(best, (begin, since, slot))
        begin, _, slot = best
        if begin == INF or begin - a > p:
            gave_up = p < INF
            start.append(math.nan)
            end.append(a + p if gave_up else math.nan)
            abandoned.append(gave_up)
            agent.append(-1)
        else:
            free[slot] = begin + s
            start.append(begin)
            end.append(begin + s)
            abandoned.append(False)
            agent.append(slot // slots_per_agent)
    return start, end, abandoned, agent


@st.composite
def _grid_cases(draw: st.DrawFn) -> _Case:
    """Small queues on a coarse time grid, so that arrivals, ends and shift changes coincide."""
    size = draw(st.integers(0, 25))
    arrival = sorted(draw(st.lists(st.integers(-4, 80), min_size=size, max_size=size)))
    service = draw(st.lists(st.integers(0, 25), min_size=size, max_size=size))
    patience = draw(st.lists(st.one_of(st.just(INF), st.integers(0, 30)), min_size=size, max_size=size))
    return _Case(
        arrival=[a / 2 for a in arrival],
        service=[float(s) for s in service],
        patience=[float(p) for p in patience],
        agents=draw(st.lists(st.integers(0, 3), max_size=10)),
        interval_s=draw(st.sampled_from([2.5, 5.0, 7.5])),
        t0_s=draw(st.sampled_from([0.0, 3.0, -2.5])),
        slots_per_agent=draw(st.integers(1, 3)),
    )


@settings(max_examples=400, deadline=None)
@given(case=_grid_cases())
def test_the_kernel_agrees_with_a_brute_force_reading_of_the_rules(case: _Case) -> None:
    out = case.simulate()
    start, end, abandoned, agent = _reference(case)
    np.testing.assert_array_equal(out.start_s, start)
    np.testing.assert_array_equal(out.end_s, end)
    assert out.abandoned.tolist() == abandoned
    assert out.agent.tolist() == agent


_times = st.floats(0.0, 200.0, allow_nan=False)


@st.composite
def _float_cases(draw: st.DrawFn) -> _Case:
    size = draw(st.integers(1, 40))
    return _Case(
        arrival=sorted(draw(st.lists(_times, min_size=size, max_size=size))),
        service=draw(st.lists(st.floats(0.0, 60.0), min_size=size, max_size=size)),
        patience=draw(st.lists(st.one_of(st.just(INF), st.floats(0.0, 50.0)), min_size=size, max_size=size)),
        agents=draw(st.lists(st.integers(0, 4), min_size=1, max_size=12)),
        interval_s=draw(st.floats(0.1, 40.0)),
        t0_s=draw(st.floats(-20.0, 20.0)),
        slots_per_agent=draw(st.integers(1, 2)),
    )


def _agents_on_duty(agents: IntArray, t0_s: float, interval_s: float, t: float) -> int:
    bounds = t0_s + np.arange(agents.size + 1) * interval_s
    j = int(np.searchsorted(bounds, t, side="right")) - 1
    return int(agents[j]) if 0 <= j < agents.size else 0


@settings(max_examples=300, deadline=None)
@given(case=_float_cases())
def test_served_contacts_respect_fcfs_duty_capacity_and_patience(case: _Case) -> None:
    out = case.simulate()
    arrival, service = np.array(case.arrival), np.array(case.service)
    patience, agents = np.array(case.patience), np.array(case.agents)
    served = ~np.isnan(out.start_s)

    assert np.all(out.start_s[served] >= arrival[served])
    assert np.all(out.start_s[served] - arrival[served] <= patience[served])
    assert np.all(np.diff(out.start_s[served]) >= 0)  # service starts in arrival order
    np.testing.assert_array_equal(out.end_s[served], out.start_s[served] + service[served])
    assert np.all(out.agent[served] >= 0) and np.all(out.agent[~served] == -1)
    assert not np.any(out.abandoned & served)
    np.testing.assert_array_equal(out.end_s[out.abandoned], (arrival + patience)[out.abandoned])
    assert np.all(np.isinf(patience[~served & ~out.abandoned]))  # unserved: only the patient

    for i in np.flatnonzero(served):  # nobody starts a contact off duty
        on_duty = _agents_on_duty(agents, case.t0_s, case.interval_s, float(out.start_s[i]))
        assert out.agent[i] < on_duty

    for k in np.unique(out.agent[served]):  # at most slots_per_agent contacts at a time
        mine = served & (out.agent == k) & (service > 0)
        # At equal times an end comes before a start: back-to-back contacts do not overlap.
        events = sorted([(t, 1) for t in out.start_s[mine]] + [(t, -1) for t in out.end_s[mine]])
        assert max(np.cumsum([step for _, step in events]), default=0) <= case.slots_per_agent


@pytest.mark.slow
def test_ten_million_contacts_on_a_hundred_agents_match_erlang_c() -> None:
    n, aht_s, load = 100, 300.0, 90.0
    rng = np.random.default_rng(11)
    arrival, service = _poisson_exponential(rng, n_contacts=10_000_000, rate_per_s=load / aht_s, aht_s=aht_s)
    patience = np.full(arrival.size, np.inf)

    def serve(count: int) -> QueueOutcome:
        return simulate_queue(
            arrival_s=arrival[:count],
            service_s=service[:count],
            patience_s=patience[:count],
            agents=np.array([n]),
            interval_s=1e9,
        )

    serve(1000)  # compiles, or loads the compiled kernel from the cache
    began = time.perf_counter()
    out = serve(arrival.size)
    # A sanity run, not a benchmark: the rate shows with `pytest -m slow -rP`.
    rate = arrival.size / (time.perf_counter() - began)
    sys.stdout.write(f"queue kernel: {rate / 1e6:.1f} million contacts/s on {n} agents\n")

    wait_s = out.start_s - arrival
    p_wait = _erlang_c(n, load)
    assert np.mean(wait_s > 0) == pytest.approx(p_wait, abs=0.006)
    assert np.mean(wait_s) == pytest.approx(p_wait / ((n - load) / aht_s), rel=0.06)
