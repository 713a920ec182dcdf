"""Chat with concurrency: agents who hold several conversations at once.

Model (an approximation, stated as such): an agent with concurrency ``c`` is ``c`` independent
servers of the Erlang queue, and ``aht_s`` is the duration of a chat as the customer lives it when
handled alongside others (longer than a chat handled alone: measure it with concurrency, or
inflate a single-chat duration). The queue is then M/M/(n·c) (Erlang C) or M/M/(n·c)+M
(Erlang A). What it leaves out: an agent's pace falls as they take more chats (a state-dependent
service rate), and a customer's wait for each reply within the chat. It is the model most
workforce tools use; the simulator can check a plan with other assumptions.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from arbitre._types import IntArray
from arbitre.staffing.erlang import QueueMetrics, evaluate, required_agents


def required_chat_agents(
    *,
    concurrency: npt.ArrayLike,
    volume: npt.ArrayLike,
    interval_s: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
    sl: npt.ArrayLike | None = None,
    max_asa_s: npt.ArrayLike | None = None,
    max_abandon: npt.ArrayLike | None = None,
    max_occupancy: npt.ArrayLike | None = None,
    patience_s: npt.ArrayLike | None = None,
) -> IntArray:
    """The fewest agents whose ``concurrency`` slots each meet every target.

    The service level is monotone in the number of slots, so the fewest agents is the fewest
    slots rounded up to a whole number of agents.

    >>> required_chat_agents(concurrency=2, volume=120, interval_s=1800, aht_s=600,
    ...                      threshold_s=60, sl=0.8).tolist()
    23
    """
    c = _concurrency(concurrency)
    slots = required_agents(
        volume=volume,
        interval_s=interval_s,
        aht_s=aht_s,
        threshold_s=threshold_s,
        sl=sl,
        max_asa_s=max_asa_s,
        max_abandon=max_abandon,
        max_occupancy=max_occupancy,
        patience_s=patience_s,
    )
    return np.ceil(slots / c).astype(np.int64)


def evaluate_chat(
    *,
    agents: npt.ArrayLike,
    concurrency: npt.ArrayLike,
    volume: npt.ArrayLike,
    interval_s: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
    patience_s: npt.ArrayLike | None = None,
) -> QueueMetrics:
    """What ``agents`` holding ``concurrency`` chats each deliver; occupancy is per slot."""
    c = _concurrency(concurrency)
    n = np.asarray(agents, dtype=np.int64)
    m = evaluate(
        agents=n * c,
        volume=volume,
        interval_s=interval_s,
        aht_s=aht_s,
        threshold_s=threshold_s,
        patience_s=patience_s,
    )
    return QueueMetrics(
        model=m.model,
        agents=np.broadcast_to(n, m.agents.shape).astype(np.int64),
        load_erlangs=m.load_erlangs,
        p_wait=m.p_wait,
        service_level=m.service_level,
        asa_s=m.asa_s,
        abandon_rate=m.abandon_rate,
        occupancy=m.occupancy,
    )


def _concurrency(value: npt.ArrayLike) -> IntArray:
    c = np.asarray(value)
    if np.any(c < 1) or np.any(c != np.floor(c)):
        raise ValueError("concurrency must be a whole number of chats ≥ 1")
    return c.astype(np.int64)
