"""Queues whose truth is known: contacts drawn and served by the project's queue simulator.

`simulated_records` draws Poisson arrivals, exponential handle times and exponential patience,
serves them first come, first served with a given number of agents per half hour
(`arbitre.staffing.queue.simulate_queue`), and writes what an ACD export would hold: one
interaction record per contact, with the agent who answered it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from arbitre.staffing.queue import simulate_queue

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Paris
INTERVAL_S = 1800.0


@dataclass(frozen=True)
class Truth:
    """What the simulation was given, and the records it produced."""

    patience_s: float
    aht_s: float
    agents: np.ndarray  # per half hour, day after day (the same every day)
    days: int
    records: pa.Table


def simulated_records(
    *,
    rng: np.random.Generator,
    patience_s: float = 180.0,
    aht_s: float = 240.0,
    agents: list[int] | None = None,
    calls_per_interval: list[float] | None = None,
    days: int = 10,
    flow: str = "sav",
    channel: str = "voice_in",
    agent_prefix: str = "A",
) -> Truth:
    """``days`` days of ``len(agents)`` half hours from 09:00 UTC+1, each day a separate queue
    (it empties overnight); every answered contact names its agent."""
    plan = np.array(agents or [5, 7, 9, 10, 10, 10, 9, 9, 8, 7, 6, 5], dtype=np.int64)
    rate = np.array(calls_per_interval or (plan * INTERVAL_S / aht_s * 0.95).tolist(), dtype=np.float64)
    days_out = []
    for day in range(days):
        counts = rng.poisson(rate)
        arrival = np.sort(
            np.concatenate([j * INTERVAL_S + rng.uniform(0, INTERVAL_S, c) for j, c in enumerate(counts)])
        )
        service = np.round(rng.exponential(aht_s, arrival.size), 3)
        patience = rng.exponential(patience_s, arrival.size)
        out = simulate_queue(
            arrival_s=arrival, service_s=service, patience_s=patience, agents=plan, interval_s=INTERVAL_S
        )
        days_out.append((day, arrival, service, out))
    base = np.concatenate([np.full(a.size, T0.timestamp() + d * 86400.0) for d, a, _, _ in days_out])
    arrival = np.concatenate([a for _, a, _, _ in days_out]) + base
    start = np.concatenate([o.start_s for *_, o in days_out]) + base
    end = np.concatenate([o.end_s for *_, o in days_out]) + base
    service = np.concatenate([s for _, _, s, _ in days_out])
    seat = np.concatenate([o.agent for *_, o in days_out])
    served = np.isfinite(start)
    n = arrival.size
    number = np.concatenate([np.arange(a.size) for _, a, _, _ in days_out])
    day_of = np.concatenate([np.full(a.size, d) for d, a, _, _ in days_out])

    def instants(seconds: np.ndarray) -> pa.Array:
        micros = np.round(np.nan_to_num(seconds) * 1e6).astype(np.int64)
        return pa.array(micros, pa.timestamp("us", tz="UTC"), mask=~np.isfinite(seconds))

    def handled(values: np.ndarray) -> pa.Array:
        return pa.array(values, pa.float64(), mask=~served)

    table = pa.table(
        {
            "contact_id": pa.array([f"{flow}-{d}-{i}" for d, i in zip(day_of, number, strict=True)]),
            "flow": pa.array([flow] * n),
            "channel": pa.array([channel] * n),
            "site": pa.array(["internal"] * n),
            "arrived_at": instants(arrival),
            "answered_at": instants(start),
            "ended_at": instants(end),
            "abandoned": pa.array(~served),
            "talk_s": handled(service),
            "hold_s": handled(np.zeros(n)),
            "wrap_s": handled(np.zeros(n)),
            "agent_id": pa.array([f"{agent_prefix}{k:03d}" for k in seat], mask=~served),
        }
    )
    return Truth(patience_s=patience_s, aht_s=aht_s, agents=plan, days=days, records=table)
