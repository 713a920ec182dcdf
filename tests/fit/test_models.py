"""The models' predictions at the agents seen, the replay, and the errors that rank them."""

from __future__ import annotations

import numpy as np
import pytest

from arbitre.fit.accuracy import best, weighted_errors
from arbitre.fit.agents import Grid
from arbitre.fit.patience import kaplan_meier
from arbitre.fit.predict import erlang_prediction
from arbitre.fit.replay import replay, spread_agents
from arbitre.staffing.erlang import evaluate


def test_at_whole_agents_the_prediction_is_the_erlang_engines() -> None:
    p = erlang_prediction(
        volume=np.array([180.0, 90.0]),
        interval_s=1800.0,
        aht_s=np.array([240.0, 240.0]),
        agents=np.array([28.0, 14.0]),
        threshold_s=20.0,
        patience_s=120.0,
    )
    m = evaluate(
        agents=[28, 14], volume=[180, 90], interval_s=1800, aht_s=240, threshold_s=20, patience_s=120
    )
    assert p.model == "erlang_a"
    assert p.service_level.tolist() == m.service_level.tolist()
    assert p.abandon_rate.tolist() == m.abandon_rate.tolist()
    assert p.asa_s.tolist() == m.asa_s.tolist()


def test_between_whole_agents_the_prediction_mixes_the_two_neighbours() -> None:
    kwargs = {
        "volume": np.array([180.0]),
        "interval_s": 1800.0,
        "aht_s": np.array([240.0]),
        "threshold_s": 20.0,
    }
    low = erlang_prediction(agents=np.array([27.0]), patience_s=None, **kwargs)
    high = erlang_prediction(agents=np.array([28.0]), patience_s=None, **kwargs)
    mid = erlang_prediction(agents=np.array([27.25]), patience_s=None, **kwargs)
    assert mid.model == "erlang_c"
    assert mid.service_level[0] == pytest.approx(0.75 * low.service_level[0] + 0.25 * high.service_level[0])
    assert mid.asa_s[0] == pytest.approx(0.75 * low.asa_s[0] + 0.25 * high.asa_s[0])


def test_chat_agents_count_their_concurrency_in_servers() -> None:
    kwargs = {
        "volume": np.array([120.0]),
        "interval_s": 1800.0,
        "aht_s": np.array([600.0]),
        "threshold_s": 60.0,
    }
    chat = erlang_prediction(agents=np.array([23.0]), patience_s=None, concurrency=2, **kwargs)
    servers = erlang_prediction(agents=np.array([46.0]), patience_s=None, **kwargs)
    assert chat.service_level.tolist() == servers.service_level.tolist()


def test_half_an_agent_for_a_load_that_needs_more_leaves_the_wait_unbounded() -> None:
    p = erlang_prediction(
        volume=np.array([10.0]),
        interval_s=1800.0,
        aht_s=np.array([300.0]),
        agents=np.array([0.5]),
        threshold_s=20.0,
        patience_s=None,
    )
    assert p.service_level[0] == 0.0 and np.isinf(p.asa_s[0])


def test_fractional_agents_are_spread_over_the_minutes_of_each_interval() -> None:
    minutes = spread_agents(np.array([6.4, 0.0, 3.0]), steps=30).reshape(3, 30)
    assert minutes.mean(axis=1).tolist() == pytest.approx([6.4, 0.0, 3.0])
    assert set(minutes[0].tolist()) == {6, 7}


def test_the_replay_serves_the_history_first_come_first_served_with_the_agents_seen() -> None:
    # One agent; calls at 0, 10 and 20 s needing 30 s each; nobody gives up.
    grid = Grid(0.0, 1800.0, 1)
    (p,) = replay(
        arrival_s=np.array([0.0, 10.0, 20.0]),
        group=np.zeros(3, dtype=np.int64),
        handle_s=np.array([30.0, 30.0, 30.0]),
        answered=np.ones(3, dtype=bool),
        agents=np.array([1.0]),
        grid=grid,
        threshold_s=20.0,
        patience=[None],
        tail_mean_s=[None],
        rng=np.random.default_rng(1),
        replications=2,
    )
    # Waits 0, 20 and 40 s: two of three within 20 s, mean wait 20 s.
    assert p.service_level[0] == pytest.approx(2 / 3)
    assert p.abandon_rate[0] == 0.0
    assert p.asa_s[0] == pytest.approx(20.0)


def test_the_replay_draws_each_flows_own_patience() -> None:
    # No agent at all: every caller abandons after a patience drawn from their flow's curve.
    grid = Grid(0.0, 1800.0, 2)
    impatient = kaplan_meier(np.array([10.0, 10.0]), np.array([True, True]))
    (a, b) = replay(
        arrival_s=np.array([0.0, 5.0, 1900.0]),
        group=np.array([0, 1, 1]),
        handle_s=np.array([np.nan, np.nan, np.nan]),
        answered=np.zeros(3, dtype=bool),
        agents=np.zeros(2),
        grid=grid,
        threshold_s=20.0,
        patience=[impatient, None],
        tail_mean_s=[10.0, None],
        rng=np.random.default_rng(1),
    )
    assert a.abandon_rate.tolist()[0] == 1.0 and np.isnan(a.abandon_rate[1])
    assert b.abandon_rate.tolist() == [0.0, 0.0]  # never served, never gives up
    assert np.isinf(b.asa_s[0])


def test_errors_are_weighted_by_volume_and_ignore_what_a_model_cannot_say() -> None:
    e = weighted_errors(
        "erlang_c",
        weight=np.array([10.0, 30.0, 0.0]),
        predicted=(np.array([0.9, 0.5, 0.0]), np.array([0.0, 0.0, 1.0]), np.array([5.0, np.inf, 1.0])),
        observed=(np.array([0.8, 0.6, 1.0]), np.array([0.02, 0.06, 0.0]), np.array([9.0, 30.0, np.nan])),
    )
    assert e.intervals == 2
    assert e.mae_service_level == pytest.approx((10 * 0.1 + 30 * 0.1) / 40)
    assert e.bias_service_level == pytest.approx((10 * 0.1 - 30 * 0.1) / 40)
    assert e.bias_abandon_rate == pytest.approx(-(10 * 0.02 + 30 * 0.06) / 40)
    assert (e.mae_asa_s, e.asa_intervals) == (4.0, 1)


def test_the_best_model_has_the_smallest_errors_and_a_tie_goes_to_the_simpler() -> None:
    def errors(model: str, sl: float, ab: float):  # type: ignore[no-untyped-def]
        return weighted_errors(
            model,
            weight=np.array([1.0]),
            predicted=(np.array([sl]), np.array([ab]), np.array([0.0])),
            observed=(np.array([0.0]), np.array([0.0]), np.array([0.0])),
        )

    c, a, s = errors("erlang_c", 0.2, 0.05), errors("erlang_a", 0.1, 0.05), errors("simulation", 0.05, 0.1)
    winner = best([c, a, s])
    assert winner is not None and winner.model == "erlang_a"  # 0.15 against 0.25 and 0.15
    assert best([]) is None
