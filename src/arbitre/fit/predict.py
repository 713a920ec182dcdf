"""What Erlang C and Erlang A predict for each interval, given the load and the agents seen.

The agents seen are agent-equivalents (`arbitre.fit.agents`): 6.4 means six agents all the
interval and a seventh for 40 % of it. The models take whole agents, so the prediction at 6.4 is
the one at 6 and the one at 7 mixed 60/40 — the interval as 60 % of its time with six agents and
40 % with seven. Chat agents count ``concurrency`` servers each (`staffing.concurrency`).

The volume is the KPI engine's real contacts of the interval (offered less short abandons), so the
predicted service level and abandon rate have the KPIs' denominators.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arbitre._types import FloatArray
from arbitre.staffing.erlang import evaluate

ERLANG_C = "erlang_c"
ERLANG_A = "erlang_a"
SIMULATION = "simulation"
MODELS: tuple[str, ...] = (ERLANG_C, ERLANG_A, SIMULATION)


@dataclass(frozen=True, slots=True)
class Prediction:
    """One model's prediction per interval (aligned with the inputs)."""

    model: str
    service_level: FloatArray
    abandon_rate: FloatArray
    asa_s: FloatArray


def erlang_prediction(
    *,
    volume: FloatArray,
    interval_s: float,
    aht_s: FloatArray,
    agents: FloatArray,
    threshold_s: float,
    patience_s: float | None,
    concurrency: int = 1,
) -> Prediction:
    """Erlang C (``patience_s`` None) or Erlang A at fractional agents, per interval.

    >>> p = erlang_prediction(volume=np.array([180.0]), interval_s=1800.0, aht_s=np.array([240.0]),
    ...                       agents=np.array([27.5]), threshold_s=20.0, patience_s=120.0)
    >>> round(float(p.abandon_rate[0]), 4)  # halfway between 27 agents (0.0445) and 28 (0.0331)
    0.0388
    """
    servers = np.asarray(agents, dtype=np.float64) * concurrency
    if np.any(~np.isfinite(servers)) or np.any(servers < 0.0):
        raise ValueError("agents must be finite and ≥ 0")
    low = np.floor(servers)
    frac = servers - low
    at_low, at_high = (
        evaluate(
            agents=low.astype(np.int64) + extra,
            volume=volume,
            interval_s=interval_s,
            aht_s=aht_s,
            threshold_s=threshold_s,
            patience_s=patience_s,
        )
        for extra in (0, 1)
    )

    def mix(x: FloatArray, y: FloatArray) -> FloatArray:
        # An infinite ASA (no agent, or Erlang C overloaded) at a side with weight 0 stays out.
        with np.errstate(invalid="ignore"):
            blended = (1.0 - frac) * x + frac * y
        return np.where(frac == 0.0, x, np.where(frac == 1.0, y, blended))

    return Prediction(
        model=ERLANG_C if patience_s is None else ERLANG_A,
        service_level=mix(at_low.service_level, at_high.service_level),
        abandon_rate=mix(at_low.abandon_rate, at_high.abandon_rate),
        asa_s=mix(at_low.asa_s, at_high.asa_s),
    )
