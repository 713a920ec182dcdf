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
    columns: dict[str, list[object]] = {
        k: []
        for k in (
            "contact_id",
            "flow",
            "channel",
            "site",
            "arrived_at",
            "answered_at",
            "ended_at",
            "abandoned",
            "talk_s",
            "hold_s",
            "wrap_s",
            "agent_id",
        )
    }
    n_int = plan.size
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
        base = T0.timestamp() + day * 86400.0
        for i in range(arrival.size):
            served = bool(np.isfinite(out.start_s[i]))
            columns["contact_id"].append(f"{flow}-{day}-{i}")
            columns["flow"].append(flow)
            columns["channel"].append(channel)
            columns["site"].append("internal")
            columns["arrived_at"].append(datetime.fromtimestamp(base + arrival[i], UTC))
            columns["answered_at"].append(
                datetime.fromtimestamp(base + out.start_s[i], UTC) if served else None
            )
            columns["ended_at"].append(datetime.fromtimestamp(base + out.end_s[i], UTC))
            columns["abandoned"].append(not served)
            columns["talk_s"].append(float(service[i]) if served else None)
            columns["hold_s"].append(0.0 if served else None)
            columns["wrap_s"].append(0.0 if served else None)
            columns["agent_id"].append(f"{agent_prefix}{int(out.agent[i]):03d}" if served else None)
        assert n_int * INTERVAL_S > 0
    ts = pa.timestamp("us", tz="UTC")
    table = pa.table(
        {
            "contact_id": pa.array(columns["contact_id"], pa.string()),
            "flow": pa.array(columns["flow"], pa.string()),
            "channel": pa.array(columns["channel"], pa.string()),
            "site": pa.array(columns["site"], pa.string()),
            "arrived_at": pa.array(columns["arrived_at"], ts),
            "answered_at": pa.array(columns["answered_at"], ts),
            "ended_at": pa.array(columns["ended_at"], ts),
            "abandoned": pa.array(columns["abandoned"], pa.bool_()),
            "talk_s": pa.array(columns["talk_s"], pa.float64()),
            "hold_s": pa.array(columns["hold_s"], pa.float64()),
            "wrap_s": pa.array(columns["wrap_s"], pa.float64()),
            "agent_id": pa.array(columns["agent_id"], pa.string()),
        }
    )
    return Truth(patience_s=patience_s, aht_s=aht_s, agents=plan, days=days, records=table)
