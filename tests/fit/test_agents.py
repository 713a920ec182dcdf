"""Agents seen in the records: hand-worked cases, and the agents of a simulated queue recovered."""

from __future__ import annotations

import numpy as np
import pytest

from arbitre.fit.agents import Grid, Waiting, agents_seen, covered, merge, pools, sessions, split
from arbitre.staffing.queue import simulate_queue

HALF_HOUR = Grid(0.0, 1800.0, 4)


def test_a_period_is_cut_at_interval_boundaries_and_clipped_to_the_grid() -> None:
    row, j, secs = split(np.array([-100.0, 3500.0, 7000.0]), np.array([100.0, 3700.0, 9000.0]), HALF_HOUR)
    assert row.tolist() == [0, 1, 1, 2]
    assert j.tolist() == [0, 1, 2, 3]
    assert secs.tolist() == [100.0, 100.0, 100.0, 200.0]


def test_a_gap_of_exactly_the_limit_keeps_one_session_and_a_longer_one_starts_another() -> None:
    agent = np.array([3, 3, 3])
    start = np.array([0.0, 1900.0, 4001.0])
    end = np.array([100.0, 2000.0, 4100.0])
    assert sessions(agent, start, end, gap_s=1800.0).tolist() == [0, 0, 1]


def test_waiting_periods_merge_and_their_cover_of_a_period_is_measured() -> None:
    starts, ends = merge(np.array([10.0, 0.0, 30.0, 5.0]), np.array([20.0, 8.0, 40.0, 12.0]))
    assert starts.tolist() == [0.0, 30.0] and ends.tolist() == [20.0, 40.0]
    assert covered(starts, ends, np.array([15.0, 25.0, -5.0]), np.array([35.0, 28.0, 100.0])).tolist() == [
        10.0,
        0.0,
        30.0,
    ]


def test_an_agent_serving_two_flows_in_an_interval_is_shared_by_their_busy_time() -> None:
    # One agent from 0 to 1800 s: 600 s on flow 0, then 1200 s on flow 1.
    seen = agents_seen(
        agent=np.array([0, 0]),
        flow=np.array([0, 1]),
        start_s=np.array([0.0, 600.0]),
        end_s=np.array([600.0, 1800.0]),
        grid=HALF_HOUR,
        n_flows=2,
    )
    assert seen.agents[:, 0].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert seen.on_duty[0] == pytest.approx(1.0)
    assert seen.shared_s[0, 1] == pytest.approx(600.0)  # min(600, 1200) in their one session


def test_an_interval_idle_throughout_a_session_is_shared_by_the_session_busy_time() -> None:
    # Busy 0–600 on flow 0 and 3600–4800 on flow 1: the session covers the idle second interval.
    seen = agents_seen(
        agent=np.array([0, 0]),
        flow=np.array([0, 1]),
        start_s=np.array([0.0, 3600.0]),
        end_s=np.array([600.0, 4800.0]),
        grid=HALF_HOUR,
        n_flows=2,
        gap_s=3600.0,
    )
    assert seen.agents[:, 1].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert seen.agents[:, 0].tolist() == pytest.approx([1.0, 0.0])


def test_idle_time_while_a_caller_of_the_agents_flows_waits_is_not_availability() -> None:
    common = {
        "agent": np.array([0, 0]),
        "flow": np.array([0, 0]),
        "start_s": np.array([0.0, 1500.0]),
        "end_s": np.array([300.0, 1800.0]),
        "grid": HALF_HOUR,
        "n_flows": 2,
    }
    other_flow = agents_seen(**common, waiting=Waiting(np.array([1]), np.array([300.0]), np.array([1500.0])))
    own_flow = agents_seen(**common, waiting=Waiting(np.array([0]), np.array([600.0]), np.array([1200.0])))
    assert other_flow.agents[0, 0] == pytest.approx(1.0)  # flow 1's caller was not this agent's
    assert own_flow.agents[0, 0] == pytest.approx(1800.0 / 1800.0 - 600.0 / 1800.0)
    assert own_flow.away_s[0] == pytest.approx(600.0)


def test_flows_sharing_agents_form_pools_and_unlike_queues_never_do() -> None:
    shared = np.array(
        [
            [100.0, 30.0, 0.0, 0.0],
            [30.0, 200.0, 25.0, 0.0],
            [0.0, 25.0, 50.0, 40.0],
            [0.0, 0.0, 40.0, 60.0],
        ]
    )
    assert pools(shared, key=["v", "v", "v", "v"]).tolist() == [0, 0, 0, 0]  # a chain links all
    assert pools(shared, key=["v", "v", "v", "chat"]).tolist() == [0, 0, 0, 3]
    assert pools(shared, key=["v", None, "v", "v"]).tolist() == [0, 1, 2, 2]
    # At half the smaller flow's busy time: 30 < 50 splits 0 from 1; 25 ≥ 25 and 40 ≥ 25 keep 1–2–3.
    assert pools(shared, key=["v", "v", "v", "v"], share=0.5).tolist() == [0, 1, 1, 1]


def test_the_agents_of_a_busy_simulated_queue_are_recovered_interval_by_interval() -> None:
    rng = np.random.default_rng(42)
    # Up, then down: an agent who leaves does not come back the same day (a return within the
    # session gap would count the time away as available when nobody waited).
    plan = np.array([4, 6, 9, 9, 9, 8, 7, 6, 4, 3])
    aht = 240.0
    counts = rng.poisson(plan * 1800.0 / aht * 1.02)  # a little more than the agents can take
    arrival = np.sort(np.concatenate([j * 1800.0 + rng.uniform(0, 1800.0, c) for j, c in enumerate(counts)]))
    service = rng.exponential(aht, arrival.size)
    patience = rng.exponential(200.0, arrival.size)
    out = simulate_queue(
        arrival_s=arrival, service_s=service, patience_s=patience, agents=plan, interval_s=1800.0
    )
    served = np.isfinite(out.start_s)
    wait = np.where(served, out.start_s, out.end_s) - arrival
    waited = wait > 0
    seen = agents_seen(
        agent=out.agent[served],
        flow=np.zeros(int(served.sum()), dtype=np.int64),
        start_s=out.start_s[served],
        end_s=out.start_s[served] + service[served],
        grid=Grid(0.0, 1800.0, plan.size),
        n_flows=1,
        waiting=Waiting(
            np.zeros(int(waited.sum()), dtype=np.int64), arrival[waited], arrival[waited] + wait[waited]
        ),
    )
    # Agents leaving finish their call in the next interval (they did work then): a third of an
    # agent or so; agents not yet seen before their first call in the first interval.
    error = seen.agents[0] - plan
    assert np.abs(error[1:]).max() < 0.4
    assert np.abs(error[1:]).mean() < 0.15
    assert abs(error[0]) < 0.5
    assert seen.agents_named == plan.max()


def test_inconsistent_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="one length"):
        agents_seen(
            agent=np.array([0]),
            flow=np.array([0, 0]),
            start_s=np.array([0.0]),
            end_s=np.array([1.0]),
            grid=HALF_HOUR,
            n_flows=1,
        )
    with pytest.raises(ValueError, match="flow codes"):
        agents_seen(
            agent=np.array([0]),
            flow=np.array([2]),
            start_s=np.array([0.0]),
            end_s=np.array([1.0]),
            grid=HALF_HOUR,
            n_flows=1,
        )
