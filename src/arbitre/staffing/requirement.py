"""Agents per interval for a flow, with the model of its channel.

One entry point for the plan, the costing and the decision, so that in-house and provider
requirements are sized the same way:

- voice and chat: Erlang A with the flow's patience (Erlang C without), chat agents holding
  ``concurrency`` conversations (`concurrency`);
- e-mail, back-office, social: the backlog against a deadline in opening hours (`backlog`);
- outbound: the dialling workload of the attempts (`outbound`), only while open.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.domain.channels import Channel
from arbitre.domain.targets import StaffingTargets
from arbitre.staffing.backlog import plan_backlog
from arbitre.staffing.concurrency import required_chat_agents
from arbitre.staffing.outbound import outbound_agents

DEFAULT_CONTACT_RATE = 0.35


@dataclass(frozen=True, slots=True)
class Requirement:
    """Agents on line per interval, the model that sized them, and what it assumed."""

    agents: IntArray
    model: str
    patience_s: float | None
    late_s: float  # deferred work handled after its deadline (closures only)


def requirement(
    *,
    channel: Channel,
    volume: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    interval_s: float,
    targets: StaffingTargets,
    open_: npt.ArrayLike,
    patience_s: float | None = None,
    contact_rate: float | None = None,
) -> Requirement:
    """Agents per interval meeting ``targets`` (resolved: see `arbitre.domain.targets`).

    ``patience_s`` and ``contact_rate`` are what the history says when the targets do not set
    them. Raises `arbitre.errors.InfeasibleError` when the targets cannot be met.

    >>> from arbitre.domain.targets import CHANNEL_DEFAULTS
    >>> requirement(channel=Channel.VOICE_IN, volume=[100, 0], aht_s=180, interval_s=1800,
    ...             targets=CHANNEL_DEFAULTS[Channel.VOICE_IN], open_=[True, True]).agents.tolist()
    [14, 0]
    """
    v = np.asarray(volume, dtype=np.float64)
    aht: FloatArray = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), v.shape)
    is_open: BoolArray = np.broadcast_to(np.asarray(open_, dtype=bool), v.shape)
    if channel in (Channel.VOICE_IN, Channel.CHAT):
        patience = targets.patience_s or patience_s
        concurrency = (targets.concurrency or 1) if channel is Channel.CHAT else 1
        agents = required_chat_agents(
            concurrency=concurrency,
            volume=v,
            interval_s=interval_s,
            aht_s=aht,
            threshold_s=targets.threshold_s or 0.0,
            sl=targets.sl,
            max_asa_s=targets.max_asa_s,
            max_abandon=targets.max_abandon,
            max_occupancy=targets.max_occupancy,
            patience_s=patience,
        )
        model = ("erlang_a" if patience else "erlang_c") + ("_chat" if channel is Channel.CHAT else "")
        return Requirement(np.asarray(agents, dtype=np.int64), model, patience, 0.0)
    occupancy = targets.max_occupancy or 1.0
    if channel is Channel.VOICE_OUT:
        rate = targets.contact_rate or contact_rate or DEFAULT_CONTACT_RATE
        agents = outbound_agents(
            target=v * rate,
            contact_rate=rate,
            aht_s=aht,
            attempt_s=targets.attempt_s or 0.0,
            interval_s=interval_s,
            occupancy=occupancy,
        )
        return Requirement(np.where(is_open, agents, 0).astype(np.int64), "outbound", None, 0.0)
    plan = plan_backlog(
        volume=v,
        aht_s=aht,
        interval_s=interval_s,
        deadline_s=targets.deadline_s or 86400.0,
        open_=is_open,
        occupancy=occupancy,
    )
    return Requirement(plan.agents, "backlog", None, plan.late_s)
