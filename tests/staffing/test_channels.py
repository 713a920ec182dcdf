"""Deferred work against deadlines, outbound campaigns, chat concurrency, FTE and hour bands."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arbitre.domain.settings import HourBands
from arbitre.staffing.backlog import due_intervals, plan_backlog
from arbitre.staffing.concurrency import evaluate_chat, required_chat_agents
from arbitre.staffing.erlang import required_agents
from arbitre.staffing.outbound import outbound_agents
from arbitre.staffing.workforce import BANDS, band_hours, band_of_intervals, fte


def handled_in_time(
    volume: np.ndarray,
    aht_s: float,
    agents: np.ndarray,
    *,
    interval_s: float,
    occupancy: float,
    due: np.ndarray,
) -> bool:
    """FIFO replay of a plan, independent of the engine: every cohort done by its due interval."""
    queue: list[list[float]] = []  # [work left, due]
    for t in range(volume.size):
        if volume[t] > 0:
            queue.append([volume[t] * aht_s, float(due[t])])
        capacity = agents[t] * interval_s * occupancy
        while queue and capacity > 1e-9:
            take = min(capacity, queue[0][0])
            queue[0][0] -= take
            capacity -= take
            if queue[0][0] <= 1e-9:
                queue.pop(0)
        if any(d <= t and w > 1e-9 for w, d in queue if d < volume.size):
            return False
    return True


def test_a_day_of_email_is_spread_over_the_deadline_instead_of_staffed_at_its_peak() -> None:
    volume = np.zeros(48)
    volume[18:22] = 30  # 120 e-mails between 09:00 and 11:00, six minutes each
    plan = plan_backlog(volume=volume, aht_s=360, interval_s=1800, deadline_s=4 * 3600, occupancy=1.0)
    # 12 agent-hours of work, the last of it due four hours after 11:00: three agents from 09:00
    # to 13:00, where staffing the arrivals as they come would take six.
    assert plan.ceiling == 3 and plan.late_s == 0.0
    assert plan.agents[18:26].tolist() == [3] * 8 and plan.agents.sum() == 24
    assert handled_in_time(
        volume, 360, plan.agents, interval_s=1800, occupancy=1.0, due=due_intervals(np.ones(48, bool), lag=8)
    )


def test_the_deadline_clock_stops_while_closed() -> None:
    is_open = np.array([False] * 4 + [True] * 4)
    assert due_intervals(is_open, lag=2).tolist() == [5, 5, 5, 5, 5, 6, 7, 8]
    plan = plan_backlog(
        volume=[4, 0, 0, 0, 0, 0, 0, 0],
        aht_s=900,
        interval_s=1800,
        deadline_s=3600,
        open_=is_open,
        occupancy=1.0,
    )
    assert plan.agents.tolist() == [0, 0, 0, 0, 1, 1, 0, 0]  # an hour of work, due in two open half-hours


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=6, max_size=60),
    st.integers(1, 8),
    st.floats(0.5, 1.0),
)
def test_the_ceiling_is_the_smallest_that_meets_every_deadline(
    volume: list[int], lag: int, occupancy: float
) -> None:
    v = np.asarray(volume, dtype=float)
    is_open = np.ones(v.size, bool)
    plan = plan_backlog(volume=v, aht_s=300, interval_s=1800, deadline_s=lag * 1800, occupancy=occupancy)
    due = due_intervals(is_open, lag=lag)
    assert handled_in_time(v, 300, plan.agents, interval_s=1800, occupancy=occupancy, due=due)
    if plan.ceiling > 1:  # work is worked as it comes, so one agent is the least there is
        capped = np.minimum(plan.agents, plan.ceiling - 1)
        assert not handled_in_time(v, 300, capped, interval_s=1800, occupancy=occupancy, due=due)


def test_outbound_agents_come_from_attempts_and_talk() -> None:
    # 30 contacts to reach at 30 %: 70 failed attempts of 40 s and 30 talks of 240 s = 10,000 s
    assert (
        outbound_agents(
            target=30, contact_rate=0.3, aht_s=240, attempt_s=40, interval_s=3600, occupancy=1.0
        ).tolist()
        == 3
    )
    assert (
        outbound_agents(
            target=30, contact_rate=0.3, aht_s=240, attempt_s=40, interval_s=3600, occupancy=0.5
        ).tolist()
        == 6
    )
    with pytest.raises(ValueError, match="contact_rate"):
        outbound_agents(target=1, contact_rate=0, aht_s=1, attempt_s=1, interval_s=1)


def test_chat_agents_are_slots_divided_by_concurrency() -> None:
    slots = required_agents(volume=200, interval_s=1800, aht_s=600, threshold_s=60, sl=0.8)
    for c in (1, 2, 3):
        agents = required_chat_agents(
            concurrency=c, volume=200, interval_s=1800, aht_s=600, threshold_s=60, sl=0.8
        )
        assert int(agents) == math.ceil(int(slots) / c)
        m = evaluate_chat(
            agents=agents, concurrency=c, volume=200, interval_s=1800, aht_s=600, threshold_s=60
        )
        assert float(m.service_level) >= 0.8 and float(m.occupancy) <= 1.0


def test_fte_and_paid_hours_fall_in_their_bands() -> None:
    masks = HourBands().minute_masks()
    # Monday 10:00 (day), Monday 20:00 (evening), Tuesday 23:00 (night), Saturday 10:00 (weekend)
    band = band_of_intervals([0, 0, 1, 5], [600, 1200, 1380, 600], masks)
    assert [BANDS[b] for b in band] == ["day", "evening", "night", "weekend"]
    hours = band_hours([7, 7, 7, 14], shrinkage=0.3, interval_s=1800, band=band)
    assert hours.hours == pytest.approx({"day": 5.0, "evening": 5.0, "night": 5.0, "weekend": 10.0})
    assert fte(7, shrinkage=0.3) == pytest.approx(10.0)
    with pytest.raises(ValueError, match="shrinkage"):
        fte(1, shrinkage=1.0)
