"""A single first-come-first-served queue worked by time-varying staffing, contact by contact.

The kernel behind the demo company and, later, the multi-pool simulator: contacts arrive in
order, wait for an agent (a slot of one), are served or give up. It is exact, not a time-stepped
approximation, for a FCFS multi-server queue with impatience and staffing that changes by
interval, because under FCFS a contact's fate depends only on those that arrived before it (the
"virtual waiting time" construction): each contact, in arrival order, takes the slot that can
start it earliest; if that start is later than its patience allows, it abandons and leaves the
slots as they were.

The slots live in a binary heap keyed by the instant each becomes available (free and on duty),
so a contact costs O(log slots) instead of a scan of every agent; an agent going off duty while
idle is moved in the heap when its shift ends (O(log slots) per agent and interval boundary).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

from arbitre._types import BoolArray, FloatArray, IntArray


@dataclass(frozen=True, slots=True)
class QueueOutcome:
    """What happened to each contact, aligned with the arrays given to `simulate_queue`.

    ``start_s - arrival_s`` is the wait of a served contact; ``end_s - arrival_s`` is the time to
    abandon of an abandoned one. Times are in seconds on the clock of ``arrival_s``.
    """

    start_s: FloatArray  # service start; NaN if abandoned or never served
    end_s: FloatArray  # start + service, or arrival + patience if abandoned; NaN if neither
    abandoned: BoolArray
    agent: IntArray  # agent who served the contact (slot // slots_per_agent); -1 if none


def simulate_queue(
    *,
    arrival_s: FloatArray,
    service_s: FloatArray,
    patience_s: FloatArray,
    agents: IntArray,
    interval_s: float,
    t0_s: float = 0.0,
    slots_per_agent: int = 1,
) -> QueueOutcome:
    """Serve contacts first come, first served by the agents on duty in each interval.

    Model, in seconds:

    - Contact ``i`` arrives at ``arrival_s[i]`` (sorted ascending), needs ``service_s[i]`` of
      one agent's time and waits at most ``patience_s[i]`` (``np.inf``: never gives up, as
      e-mails and back-office items). Service starts in arrival order (FCFS). A contact whose
      start would come more than its patience after its arrival abandons at
      ``arrival + patience`` and takes no agent time; a wait equal to the patience is served.
    - Interval ``j`` covers ``[t0_s + j*interval_s, t0_s + (j+1)*interval_s)``; ``agents[j]`` are
      on duty in it, and agent ``k`` is on duty iff ``k < agents[j]`` (the first ones stay).
      Nobody is on duty before ``t0_s`` or from the end of the last interval (the horizon) on.
    - An agent starts a contact only while on duty, and finishes a contact in progress when the
      shift ends. A contact that no agent can start before the horizon abandons if its patience
      is finite, and is otherwise left unserved (start and end NaN, not abandoned, agent -1).
    - Each contact takes the slot that can start it earliest. Among slots that could start it
      at once, it goes to the one available the longest without a break (the usual
      "longest idle agent" rule of ACDs); remaining ties go to the lowest slot.
    - ``slots_per_agent`` > 1 is a crude model of chat concurrency: agent ``k`` owns slots
      ``k*slots_per_agent`` to ``(k+1)*slots_per_agent - 1``, each serving one contact at a time
      independently. Handle time does not grow with concurrency; to model the slowdown, inflate
      ``service_s`` before the call.

    Example: one agent, three calls a second apart, each of 5, 3 and 1 s; the third gives up
    after 5 s in queue, before the agent frees up at 8 s.

    >>> out = simulate_queue(arrival_s=np.array([0.0, 1.0, 2.0]),
    ...     service_s=np.array([5.0, 3.0, 1.0]), patience_s=np.array([np.inf, np.inf, 5.0]),
    ...     agents=np.array([1]), interval_s=3600.0)
    >>> out.start_s.tolist(), out.end_s.tolist(), out.abandoned.tolist()
    ([0.0, 5.0, nan], [5.0, 8.0, 7.0], [False, False, True])
    """
    arrival = np.ascontiguousarray(arrival_s, dtype=np.float64)
    service = np.ascontiguousarray(service_s, dtype=np.float64)
    patience = np.ascontiguousarray(patience_s, dtype=np.float64)
    staffing = np.asarray(agents)
    _validate(arrival, service, patience, staffing, interval_s, t0_s, slots_per_agent)
    staffing = np.ascontiguousarray(staffing, dtype=np.int64)

    n_contacts = arrival.shape[0]
    start = np.full(n_contacts, np.nan)
    end = np.full(n_contacts, np.nan)
    abandoned = np.zeros(n_contacts, dtype=np.bool_)
    agent = np.full(n_contacts, -1, dtype=np.int64)
    _simulate(
        arrival,
        service,
        patience,
        staffing,
        float(t0_s),
        float(interval_s),
        int(slots_per_agent),
        start,
        end,
        abandoned,
        agent,
    )
    return QueueOutcome(start_s=start, end_s=end, abandoned=abandoned, agent=agent)


def _validate(
    arrival: FloatArray,
    service: FloatArray,
    patience: FloatArray,
    agents: npt.NDArray[Any],
    interval_s: float,
    t0_s: float,
    slots_per_agent: int,
) -> None:
    if arrival.ndim != 1 or service.ndim != 1 or patience.ndim != 1 or agents.ndim != 1:
        raise ValueError("arrival_s, service_s, patience_s and agents must be one-dimensional")
    n = arrival.shape[0]
    if service.shape[0] != n or patience.shape[0] != n:
        raise ValueError(
            f"arrival_s, service_s and patience_s must have one length, got "
            f"{n}, {service.shape[0]} and {patience.shape[0]}"
        )
    if not np.all(np.isfinite(arrival)):
        raise ValueError("arrival_s must be finite")
    if n > 1 and not np.all(arrival[1:] >= arrival[:-1]):
        i = int(np.argmax(arrival[1:] < arrival[:-1])) + 1
        raise ValueError(f"arrival_s must be sorted ascending, but [{i}] < [{i - 1}]")
    if not np.all(np.isfinite(service) & (service >= 0.0)):
        raise ValueError("service_s must be finite and ≥ 0")
    if not np.all(patience >= 0.0):  # also rejects NaN; np.inf is allowed
        raise ValueError("patience_s must be ≥ 0 (np.inf for never)")
    if not np.issubdtype(agents.dtype, np.integer):
        raise ValueError(f"agents must be integers, got dtype {agents.dtype}")
    if not np.all(agents >= 0):
        raise ValueError("agents must be ≥ 0")
    if not (math.isfinite(interval_s) and interval_s > 0.0):
        raise ValueError(f"interval_s must be finite and > 0, got {interval_s}")
    if not math.isfinite(t0_s):
        raise ValueError(f"t0_s must be finite, got {t0_s}")
    if isinstance(slots_per_agent, bool) or not isinstance(slots_per_agent, int | np.integer):
        raise ValueError(f"slots_per_agent must be an integer, got {slots_per_agent!r}")
    if slots_per_agent < 1:
        raise ValueError(f"slots_per_agent must be ≥ 1, got {slots_per_agent}")


@njit(cache=True)
def _interval_of(t: float, t0: float, dt: float, n: int) -> int:
    """Interval holding time t: -1 before t0, n at or after the horizon.

    Boundaries are always computed as t0 + j*dt, here and in the kernel, so that the instant an
    agent comes back on duty lies in the interval it comes back in despite rounding.
    """
    x = (t - t0) / dt
    if x >= n + 1.0:
        return n
    if x < -1.0:
        return -1
    j = math.floor(x)
    while j > -1 and t < t0 + j * dt:
        j -= 1
    while j < n and t >= t0 + (j + 1) * dt:
        j += 1
    return j


@njit(cache=True)
def _next_on_duty(t: float, k: int, agents: IntArray, t0: float, dt: float) -> float:
    """Earliest time ≥ t at which agent k is on duty; inf if never again before the horizon."""
    n = agents.shape[0]
    j = _interval_of(t, t0, dt, n)
    if j >= 0:
        if j < n and k < agents[j]:
            return t
        j += 1
    else:
        j = 0
    while j < n and agents[j] <= k:
        j += 1
    if j >= n:
        return math.inf
    return t0 + j * dt


@njit(cache=True)
def _sift_down(i: int, key: FloatArray, slot: IntArray, pos: IntArray) -> None:
    """Restore the heap below position i after its key grew (keys only ever grow)."""
    m = key.shape[0]
    k_i = key[i]
    s_i = slot[i]
    while True:
        c = 2 * i + 1
        if c >= m:
            break
        r = c + 1
        # Order by (available-since, slot): the longest available slot first, then the lowest.
        if r < m and (key[r] < key[c] or (key[r] == key[c] and slot[r] < slot[c])):
            c = r
        if not (key[c] < k_i or (key[c] == k_i and slot[c] < s_i)):
            break
        key[i] = key[c]
        slot[i] = slot[c]
        pos[slot[i]] = i
        i = c
    key[i] = k_i
    slot[i] = s_i
    pos[s_i] = i


@njit(cache=True)
def _simulate(
    arrival: FloatArray,
    service: FloatArray,
    patience: FloatArray,
    agents: IntArray,
    t0: float,
    dt: float,
    spa: int,
    start_out: FloatArray,
    end_out: FloatArray,
    abandoned_out: BoolArray,
    agent_out: IntArray,
) -> None:
    n = agents.shape[0]
    n_agents = 0
    for j in range(n):
        n_agents = max(n_agents, agents[j])
    m = n_agents * spa

    # key[h]: the instant slot[h] is (or becomes) free and on duty, for as long as it stays
    # idle; pos[s]: where slot s sits in the heap.
    key = np.empty(m, dtype=np.float64)
    slot = np.empty(m, dtype=np.int64)
    pos = np.empty(m, dtype=np.int64)
    for s in range(m):
        key[s] = _next_on_duty(t0, s // spa, agents, t0, dt)
        slot[s] = s
        pos[s] = s
    for h in range(m // 2 - 1, -1, -1):
        _sift_down(h, key, slot, pos)

    next_boundary = 1  # boundary j starts interval j; boundary n is the horizon
    for i in range(arrival.shape[0]):
        a = arrival[i]

        # Agents going off duty at a boundary up to now lose their idle time: an idle slot
        # becomes available again only when its agent comes back.
        while next_boundary <= n and t0 + next_boundary * dt <= a:
            b = t0 + next_boundary * dt
            lo = agents[next_boundary] if next_boundary < n else 0
            for k in range(lo, agents[next_boundary - 1]):
                for s in range(k * spa, (k + 1) * spa):
                    h = pos[s]
                    if key[h] < b:
                        key[h] = _next_on_duty(b, k, agents, t0, dt)
                        _sift_down(h, key, slot, pos)
            next_boundary += 1

        # A slot with key ≤ a is idle and on duty now; otherwise the top is the first to be.
        first = key[0] if m > 0 else math.inf
        begin = a if first <= a else first
        if begin == math.inf or begin - a > patience[i]:
            if patience[i] < math.inf:
                abandoned_out[i] = True
                end_out[i] = a + patience[i]
            continue

        s = slot[0]
        k = s // spa
        done = begin + service[i]
        start_out[i] = begin
        end_out[i] = done
        agent_out[i] = k
        key[0] = _next_on_duty(done, k, agents, t0, dt)
        _sift_down(0, key, slot, pos)
