"""The simulator's prediction: the history replayed through the project's queue simulator.

Erlang C and A assume each interval in equilibrium, Poisson arrivals, exponential handle times
and (Erlang A) exponential patience. The replay drops those assumptions one by one and keeps
only the queue discipline (one first-come-first-served queue, `arbitre.staffing.queue`):

- arrivals: the contacts' own arrival instants, in order (the real contacts of the KPI rules) —
  of every flow that shares the agents (`agents.pools`), in one queue;
- handle times: each answered contact's own; an abandoned contact gets one drawn from the
  flow's answered contacts (it would have needed an agent that long);
- patience: drawn from the Kaplan–Meier curve of each contact's flow, exponential beyond its last
  abandon
  (`patience.draw_patience`) — the observed shape, not an assumed one;
- agents: the agents seen (`arbitre.fit.agents`) per interval, whole agents on a one-minute
  grid: 6.4 agents are six agents throughout and a seventh for 40 % of the minutes, spread
  evenly; a queue carries over from one interval to the next, as it does on the floor.

Each replication draws new patience (and handle times for the abandoned); the prediction per
interval is the mean over ``replications``, by the contacts' arrival intervals.
"""

from __future__ import annotations

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.fit.agents import Grid
from arbitre.fit.patience import SurvivalCurve, draw_patience
from arbitre.fit.predict import SIMULATION, Prediction
from arbitre.staffing.queue import simulate_queue

STEP_S = 60.0


def spread_agents(agents: FloatArray, *, steps: int) -> IntArray:
    """Whole agents per step (``steps`` per interval) whose mean over each interval is ``agents``
    rounded to a step: floor(n) throughout, one more on an evenly spread share of the steps.

    >>> spread_agents(np.array([2.5, 1.0]), steps=4).tolist()
    [2, 3, 2, 3, 1, 1, 1, 1]
    """
    n = np.asarray(agents, dtype=np.float64)
    if np.any(~np.isfinite(n)) or np.any(n < 0.0):
        raise ValueError("agents must be finite and ≥ 0")
    base = np.floor(n)
    frac = np.round((n - base) * steps) / steps
    k = np.arange(1, steps + 1, dtype=np.float64)
    extra = np.floor(k[None, :] * frac[:, None] + 1e-9) - np.floor((k[None, :] - 1.0) * frac[:, None] + 1e-9)
    out: IntArray = (base[:, None] + extra).astype(np.int64).ravel()
    return out


def replay(
    *,
    arrival_s: FloatArray,
    group: IntArray,
    handle_s: FloatArray,
    answered: BoolArray,
    agents: FloatArray,
    grid: Grid,
    threshold_s: float,
    patience: list[SurvivalCurve | None],
    tail_mean_s: list[float | None],
    rng: np.random.Generator,
    replications: int = 5,
    concurrency: int = 1,
) -> list[Prediction]:
    """Service level, abandon rate and ASA per group (flow) and interval of ``grid`` (NaN where
    none of the group's contacts arrived).

    The contacts of every group share one queue and the agents seen (flows that share their
    agents, `agents.pools`), each with its own group's patience and handle times.
    ``arrival_s``: epoch seconds of the real contacts; ``group``: each one's index into
    ``patience`` and ``tail_mean_s``; ``handle_s``: the handle time of the answered ones (NaN
    where unknown: drawn like the abandoned's, from the group's answered contacts); ``agents``:
    agent-equivalents per interval of ``grid``. A group whose ``patience`` or ``tail_mean_s`` is
    None never abandons (no abandon in its history). Replication ``r`` draws from
    ``rng.spawn(replications)[r]``.
    """
    if replications < 1:
        raise ValueError(f"replications must be ≥ 1, got {replications}")
    n_groups = len(patience)
    if len(tail_mean_s) != n_groups:
        raise ValueError("give one tail_mean_s per patience curve")
    steps = max(1, round(grid.interval_s / STEP_S))
    t = np.asarray(arrival_s, dtype=np.float64)
    order = np.argsort(t, kind="stable")
    t = t[order] - grid.t0_s
    g = np.asarray(group, dtype=np.int64)[order]
    if g.size and (g.min() < 0 or g.max() >= n_groups):
        raise ValueError(f"group must lie in [0, {n_groups})")
    raw = np.asarray(handle_s, dtype=np.float64)[order]
    known = np.asarray(answered, dtype=bool)[order] & np.isfinite(raw)
    handle = np.where(known, raw, np.nan)
    interval = np.clip(np.floor(t / grid.interval_s).astype(np.int64), 0, grid.n - 1)
    cell = g * grid.n + interval
    cells = n_groups * grid.n
    staffing = spread_agents(agents, steps=steps)
    in_sl = np.zeros(cells)
    gave_up = np.zeros(cells)
    waited = np.zeros(cells)
    served = np.zeros(cells)
    for stream in rng.spawn(replications):
        service = handle.copy()
        patience_s = np.full(t.size, np.inf)
        for k in range(n_groups):
            mine = g == k
            missing = mine & ~known
            if np.any(missing):
                pool = handle[mine & known]
                pool = pool if pool.size else handle[known]
                service[missing] = stream.choice(pool, size=int(missing.sum())) if pool.size else 0.0
            curve, tail = patience[k], tail_mean_s[k]
            if curve is not None and tail is not None and np.isfinite(tail) and np.any(mine):
                patience_s[mine] = draw_patience(curve, tail_mean_s=tail, size=int(mine.sum()), rng=stream)
        out = simulate_queue(
            arrival_s=t,
            service_s=service,
            patience_s=patience_s,
            agents=staffing,
            interval_s=grid.interval_s / steps,
            slots_per_agent=concurrency,
        )
        ok = np.isfinite(out.start_s)
        wait = np.where(ok, out.start_s - t, 0.0)
        in_sl += np.bincount(cell, weights=ok & (wait <= threshold_s), minlength=cells)
        gave_up += np.bincount(cell, weights=out.abandoned, minlength=cells)
        waited += np.bincount(cell, weights=wait, minlength=cells)
        served += np.bincount(cell, weights=ok, minlength=cells)
    offered = np.bincount(cell, minlength=cells) * float(replications)
    with np.errstate(divide="ignore", invalid="ignore"):
        sl = np.where(offered > 0, in_sl / offered, np.nan).reshape(n_groups, grid.n)
        ab = np.where(offered > 0, gave_up / offered, np.nan).reshape(n_groups, grid.n)
        asa = np.where(served > 0, waited / served, np.where(offered > 0, np.inf, np.nan)).reshape(
            n_groups, grid.n
        )
    return [Prediction(SIMULATION, sl[k], ab[k], asa[k]) for k in range(n_groups)]
