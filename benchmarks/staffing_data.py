"""Inputs of the staffing benchmarks: a million intervals, a subsample, and one M/M/n+M queue.

NumPy only, and no import of `arbitre`: the process that times pyworkforce draws the same intervals
from the same seed without loading anything that could bring in highspy (pyworkforce brings
ortools, and the two cannot share a process).

The intervals are half-hours of a contact centre: offered loads log-uniform from 1 to 2,000
Erlangs (every decade equally represented, as in a plan of many queues of every size), handle
times uniform from 2 to 10 minutes, the volume what these imply (load × interval ÷ AHT, not a
whole number), patience uniform from 1 to 5 minutes, and for the evaluations an agent count
around the load, from a little under it (an overloaded interval, possible under Erlang A) to
two square roots over it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

INTERVAL_S = 1800.0
THRESHOLD_S = 20.0  # service level: answered within 20 s …
SL_TARGET = 0.8  # … for 80 % of the offered contacts
LOAD_ERLANGS = (1.0, 2000.0)
AHT_S = (120.0, 600.0)
PATIENCE_S = (60.0, 300.0)


@dataclass(frozen=True, slots=True)
class Intervals:
    """One entry per interval; durations in seconds, ``interval_s`` = `INTERVAL_S` for all."""

    volume: FloatArray
    aht_s: FloatArray
    patience_s: FloatArray
    agents: IntArray  # an agent count to evaluate (Erlang A), around the load

    @property
    def load(self) -> FloatArray:
        return self.volume * self.aht_s / INTERVAL_S

    def __len__(self) -> int:
        return int(self.volume.shape[0])


def intervals(n: int, *, seed: int) -> Intervals:
    """``n`` intervals drawn from ``seed`` (the same on every machine and in every process).

    >>> x = intervals(1000, seed=7)
    >>> len(x), bool(x.load.min() >= 1.0 and x.load.max() <= 2000.0)
    (1000, True)
    """
    rng = np.random.default_rng(seed)
    low, high = LOAD_ERLANGS
    load = np.exp(rng.uniform(math.log(low), math.log(high), n))
    aht = rng.uniform(*AHT_S, n)
    patience = rng.uniform(*PATIENCE_S, n)
    spread = rng.uniform(-1.0, 2.0, n)  # agents = load + spread·√load
    agents = np.maximum(1, np.rint(load + spread * np.sqrt(load))).astype(np.int64)
    return Intervals(volume=load * INTERVAL_S / aht, aht_s=aht, patience_s=patience, agents=agents)


def subsample(n: int, size: int, *, seed: int) -> IntArray:
    """A simple random sample of ``size`` of the ``n`` intervals' indices, sorted: the peers and
    the naive reference run on these, so their mean time per interval is an unbiased estimate
    of their time per interval over all ``n``."""
    rng = np.random.default_rng([seed, 1])  # a stream of its own, not the intervals'
    return np.sort(rng.choice(n, size=min(size, n), replace=False)).astype(np.int64)


# The M/M/n+M queue simulated by Arbitre and by Ciw: Poisson arrivals, exponential handle times
# and patience, first come first served.
@dataclass(frozen=True, slots=True)
class Queue:
    agents: int = 20
    load_erlangs: float = 17.0
    aht_s: float = 300.0
    patience_s: float = 120.0
    threshold_s: float = THRESHOLD_S

    @property
    def arrival_rate_per_s(self) -> float:
        return self.load_erlangs / self.aht_s


QUEUE = Queue()


@dataclass(frozen=True, slots=True)
class Contacts:
    arrival_s: FloatArray
    service_s: FloatArray
    patience_s: FloatArray

    @property
    def horizon_s(self) -> float:
        """A staffing window long enough for every contact to be served or to give up."""
        last = float(self.arrival_s[-1]) if self.arrival_s.size else 0.0
        return last + 1e3 * (QUEUE.aht_s + QUEUE.patience_s) + 1.0


def contacts(n: int, *, seed: int, queue: Queue = QUEUE) -> Contacts:
    """``n`` contacts of ``queue`` (for the single-queue kernels, which take drawn contacts)."""
    rng = np.random.default_rng([seed, 2])
    gaps = rng.exponential(1.0 / queue.arrival_rate_per_s, n)
    return Contacts(
        arrival_s=np.cumsum(gaps),
        service_s=rng.exponential(queue.aht_s, n),
        patience_s=rng.exponential(queue.patience_s, n),
    )


def batch_means(values: FloatArray, *, batches: int = 20) -> dict[str, float]:
    """Mean of ``values`` (one per contact, in arrival order) with a 95 % interval from the means
    of ``batches`` consecutive batches (the batch-means method for one long run).

    >>> batch_means(np.array([1.0, 0.0] * 50), batches=10)["mean"]
    0.5
    """
    from scipy import stats

    parts = np.array_split(np.asarray(values, dtype=np.float64), batches)
    means = np.array([p.mean() for p in parts])
    half = float(stats.t.ppf(0.975, batches - 1) * means.std(ddof=1) / math.sqrt(batches))
    mean = float(np.mean(values))
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "batches": batches}
