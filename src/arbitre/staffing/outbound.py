"""Outbound campaigns: agents from the contacts to reach, the contact rate and the handle time.

Calls do not queue: the agents' time is dialling and waiting for the attempts that reach nobody,
talking (and wrapping up) with those who answer. For ``target`` contacts to reach in an interval,
``target / contact_rate`` attempts are dialled; the ``target × (1/contact_rate − 1)`` failed ones
cost ``attempt_s`` each (dialling, ringing, voicemail), the reached ones ``aht_s``:

    agents = ⌈(target · aht_s + target · (1/rate − 1) · attempt_s) / (interval_s · occupancy)⌉

This is the workload of a preview or progressive dialler, where an agent waits for each attempt;
a predictive dialler hides most of the attempt time and is not modelled.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from arbitre._types import FloatArray, IntArray


def outbound_workload_s(
    *, target: npt.ArrayLike, contact_rate: npt.ArrayLike, aht_s: npt.ArrayLike, attempt_s: npt.ArrayLike
) -> FloatArray:
    """Agent seconds needed to reach ``target`` contacts.

    >>> outbound_workload_s(target=30, contact_rate=0.3, aht_s=240, attempt_s=40).tolist()
    10000.0
    """
    rate = np.asarray(contact_rate, dtype=np.float64)
    if np.any(rate <= 0) or np.any(rate > 1):
        raise ValueError("contact_rate must be in (0, 1]")
    t = np.asarray(target, dtype=np.float64)
    if np.any(t < 0):
        raise ValueError("target must be ≥ 0")
    return np.asarray(
        t * np.asarray(aht_s) + t * (1.0 / rate - 1.0) * np.asarray(attempt_s), dtype=np.float64
    )


def outbound_agents(
    *,
    target: npt.ArrayLike,
    contact_rate: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    attempt_s: npt.ArrayLike,
    interval_s: float,
    occupancy: float = 0.85,
) -> IntArray:
    """Agents per interval for an outbound campaign (see the module's formula)."""
    if not 0 < occupancy <= 1 or not interval_s > 0:
        raise ValueError("occupancy must be in (0, 1] and interval_s > 0")
    work = outbound_workload_s(target=target, contact_rate=contact_rate, aht_s=aht_s, attempt_s=attempt_s)
    return np.ceil(work / (interval_s * occupancy) - 1e-9).astype(np.int64)
