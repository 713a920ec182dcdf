"""The staffing measurements, each run alone in a fresh process by ``python -m benchmarks.measure KIND``.

Every function draws its inputs (untimed, `benchmarks.staffing_data`, from the seed), makes one
small untimed call first (Numba's compiled kernels are loaded from disk, SciPy's lazy imports
done, on both sides alike), then times the measured call alone: wall time (`time.perf_counter`)
and CPU time of the process, every thread (`time.process_time`). What is needed to check
agreement is written to ``result`` (NumPy files) for the parent to compare.

Kinds (`KINDS`):

- ``erlang-c-arbitre``: `required_agents` (Erlang C, 80 % in 20 s) on every interval;
- ``erlang-c-pyworkforce``: `pyworkforce.queuing.ErlangC(...).required_positions` on the
  subsample, one interval at a time (pyworkforce computes one interval per object). This process
  imports pyworkforce, hence ortools: it imports nothing of `arbitre` (highspy must not follow);
- ``erlang-a-evaluate``: `evaluate(..., patience_s=...)` on every interval;
- ``erlang-a-required``: `required_agents(..., patience_s=...)` on every interval;
- ``erlang-a-naive``: `benchmarks.erlang_reference.erlang_a_chain` on the subsample (timed), then,
  untimed, its service level at Arbitre's Erlang A answers and one agent fewer;
- ``sim-ciw``: Ciw on the M/M/n+M queue until ``customers`` have left, records included;
- ``sim-arbitre``: `simulate` of the same queue as a scenario, one replication, records included;
- ``sim-queue``: the exact single-queue kernel `simulate_queue` on drawn contacts;
- ``sim-network``: `run_network` on `single_pool_network`, on the same contacts.
"""

from __future__ import annotations

import argparse
import itertools
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import staffing_data as sd

METRICS = ("p_wait", "service_level", "asa_s", "abandon_rate", "occupancy")
# Bands of offered load for the time per interval of the peers (their cost grows with the load).
LOAD_BANDS = (1.0, 10.0, 100.0, 1000.0, 2000.0)


def _rss_mib() -> float:
    """Resident memory now; NaN without psutil (the ``bench`` extra), as in the smoke tests."""
    try:
        import psutil
    except ImportError:
        return math.nan
    return float(psutil.Process().memory_info().rss / 2**20)


class _Clock:
    """Wall and CPU seconds of the block it times."""

    def __enter__(self) -> _Clock:
        self.cpu, self.wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def as_dict(self, items: int, baseline_mib: float) -> dict[str, Any]:
        return {
            "seconds": self.wall,
            "cpu_seconds": self.cpu,
            "items": items,
            "per_second": items / self.wall,
            "baseline_mib": baseline_mib,
        }


# (label, attribute of arbitre.staffing.erlang.search): steps of `required_agents` timed inside the
# measuring process only (wrapped after the warm-up call; nothing of the product changes). A step the
# code no longer has is skipped.
SEARCH_STAGES: tuple[tuple[str, str], ...] = (
    ("validate and broadcast the inputs", "_Rows.build"),
    ("check that the targets can be met", "_check_reachable"),
    ("first probes (square-root staffing)", "_guess"),
    ("search (probes, brackets, interpolation)", "_bracket_search"),
    ("  of which: KPIs at the probes", "_metrics"),
)


def _instrument_search(stages: dict[str, float], probes: list[int]) -> None:
    """Time the steps of `required_agents` into ``stages``; count the probe passes and the
    (interval, agents) pairs evaluated into ``probes``."""
    import functools

    from arbitre.staffing.erlang import search as erlang

    def timed(label: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*a: Any, **k: Any) -> Any:
            started = time.perf_counter()
            try:
                return func(*a, **k)
            finally:
                stages[label] = stages.get(label, 0.0) + time.perf_counter() - started

        return wrapper

    for label, name in SEARCH_STAGES:
        owner_name, _, attr = name.rpartition(".")
        owner: Any = getattr(erlang, owner_name, None) if owner_name else erlang
        func = getattr(owner, attr, None) if owner is not None else None
        if func is None:
            continue
        wrapped = timed(label, func)
        setattr(owner, attr, staticmethod(wrapped) if owner_name else wrapped)
    assess = getattr(erlang, "_assess", None)
    if assess is not None:

        def counted(rows: Any, targets: Any, n: Any) -> Any:
            probes[0] += 1
            probes[1] += int(n.size)
            return assess(rows, targets, n)

        erlang._assess = counted


def _inputs(args: argparse.Namespace) -> tuple[sd.Intervals, np.ndarray]:
    x = sd.intervals(args.intervals, seed=args.seed)
    return x, sd.subsample(len(x), args.sample, seed=args.seed)


# --------------------------------------------------------------------------------------------
# Erlang C: minimum agents


def erlang_c_arbitre(args: argparse.Namespace) -> dict[str, Any]:
    from arbitre.staffing.erlang import required_agents

    x, idx = _inputs(args)

    def run(pick: Any) -> np.ndarray:
        return required_agents(
            volume=x.volume[pick],
            interval_s=sd.INTERVAL_S,
            aht_s=x.aht_s[pick],
            threshold_s=sd.THRESHOLD_S,
            sl=sd.SL_TARGET,
        )

    run(slice(0, 10))
    stages: dict[str, float] = {}
    probes = [0, 0]
    _instrument_search(stages, probes)
    baseline = _rss_mib()
    with _Clock() as clock:
        agents = run(slice(None))
    # The same call again in this process: the first pays for fresh memory pages.
    with _Clock() as again:
        run(slice(None))
    np.save(args.result, agents[idx])
    return clock.as_dict(len(x), baseline) | {
        "second_call_seconds": again.wall,
        "stages": {k: v / 2 for k, v in stages.items()},  # mean of the two calls
        "probe_passes": probes[0] // 2,
        "probed_pairs": probes[1] // 2,
        "mean_agents": float(agents.mean()),
        "max_agents": int(agents.max()),
    }


def erlang_c_pyworkforce(args: argparse.Namespace) -> dict[str, Any]:
    import sys
    from importlib.metadata import version

    from pyworkforce.queuing import ErlangC

    # ortools (pyworkforce's) and highspy (arbitre.staffing.shifts') cannot share a process.
    assert "highspy" not in sys.modules and "arbitre" not in sys.modules
    x, idx = _inputs(args)

    def one(i: int) -> int:
        # pyworkforce documents minutes; any one unit works (the load and the service level
        # only use ratios of these durations), so seconds throughout, as Arbitre.
        erlang = ErlangC(
            transactions=float(x.volume[i]), aht=float(x.aht_s[i]), asa=sd.THRESHOLD_S, interval=sd.INTERVAL_S
        )
        return int(erlang.required_positions(service_level=sd.SL_TARGET)["raw_positions"])

    for i in idx[:3]:
        one(int(i))
    baseline = _rss_mib()
    agents = np.empty(idx.size, dtype=np.int64)
    each = np.empty(idx.size)
    with _Clock() as clock:
        for k, i in enumerate(idx):
            started = time.perf_counter()
            agents[k] = one(int(i))
            each[k] = time.perf_counter() - started
    np.save(args.result, agents)
    per = clock.wall / idx.size
    load = x.load[idx]
    bands = []
    for low, high in itertools.pairwise(LOAD_BANDS):
        inside = (load >= low) & (load < high) if high < LOAD_BANDS[-1] else (load >= low)
        if inside.any():
            bands.append(
                {"load": [low, high], "intervals": int(inside.sum()), "us": float(each[inside].mean() * 1e6)}
            )
    return clock.as_dict(int(idx.size), baseline) | {
        "per_interval_us": per * 1e6,
        "extrapolated_seconds": per * len(x),
        "extrapolated_cpu_seconds": clock.cpu / idx.size * len(x),
        # Sampling error of the extrapolation (the cost per interval varies with the load).
        "extrapolated_half_width_seconds": 1.96 * float(each.std(ddof=1)) / math.sqrt(idx.size) * len(x),
        "bands": bands,
        "version": version("pyworkforce"),
    }


# --------------------------------------------------------------------------------------------
# Erlang A


def _evaluate_a(x: sd.Intervals, pick: Any) -> Any:
    from arbitre.staffing.erlang import evaluate

    return evaluate(
        agents=x.agents[pick],
        volume=x.volume[pick],
        interval_s=sd.INTERVAL_S,
        aht_s=x.aht_s[pick],
        threshold_s=sd.THRESHOLD_S,
        patience_s=x.patience_s[pick],
    )


def erlang_a_evaluate(args: argparse.Namespace) -> dict[str, Any]:
    x, idx = _inputs(args)
    _evaluate_a(x, slice(0, 10))
    baseline = _rss_mib()
    with _Clock() as clock:
        m = _evaluate_a(x, slice(None))
    np.savez(args.result, **{k: getattr(m, k)[idx] for k in METRICS})
    return clock.as_dict(len(x), baseline)


def erlang_a_required(args: argparse.Namespace) -> dict[str, Any]:
    from arbitre.staffing.erlang import required_agents

    x, idx = _inputs(args)

    def run(pick: Any) -> np.ndarray:
        return required_agents(
            volume=x.volume[pick],
            interval_s=sd.INTERVAL_S,
            aht_s=x.aht_s[pick],
            threshold_s=sd.THRESHOLD_S,
            sl=sd.SL_TARGET,
            patience_s=x.patience_s[pick],
        )

    run(slice(0, 10))
    stages: dict[str, float] = {}
    probes = [0, 0]
    _instrument_search(stages, probes)
    baseline = _rss_mib()
    with _Clock() as clock:
        agents = run(slice(None))
    np.save(args.result, agents[idx])
    return clock.as_dict(len(x), baseline) | {
        "stages": stages,
        "probe_passes": probes[0],
        "probed_pairs": probes[1],
        "mean_agents": float(agents.mean()),
    }


def erlang_a_naive(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.erlang_reference import erlang_a_chain

    x, idx = _inputs(args)

    def chain(i: int, agents: int) -> dict[str, float]:
        return erlang_a_chain(
            agents=agents,
            load=float(x.load[i]),
            aht_s=float(x.aht_s[i]),
            patience_s=float(x.patience_s[i]),
            threshold_s=sd.THRESHOLD_S,
        )

    chain(int(idx[0]), int(x.agents[idx[0]]))
    baseline = _rss_mib()
    with _Clock() as clock:
        rows = [chain(int(i), int(x.agents[i])) for i in idx]
    out = {k: np.array([r[k] for r in rows]) for k in METRICS}
    # Untimed: the naive service level at Arbitre's Erlang A answers, and one agent fewer.
    if args.required is not None and args.required.exists():
        answers = np.load(args.required)
        out["sl_at_answer"] = np.array(
            [chain(int(i), int(n))["service_level"] for i, n in zip(idx, answers, strict=True)]
        )
        out["sl_one_fewer"] = np.array(
            [chain(int(i), int(n) - 1)["service_level"] for i, n in zip(idx, answers, strict=True)]
        )
    np.savez(args.result, **out)
    return clock.as_dict(int(idx.size), baseline) | {"per_interval_us": clock.wall / idx.size * 1e6}


# --------------------------------------------------------------------------------------------
# Simulation of one M/M/n+M queue


def _kpis(waited_s: np.ndarray, answered: np.ndarray, abandoned: np.ndarray) -> dict[str, Any]:
    """Service level (answered within the threshold, of all offered) and abandon rate, in arrival
    order, with 95 % batch-means intervals."""
    within = answered & (waited_s <= sd.QUEUE.threshold_s)
    return {
        "service_level": sd.batch_means(within.astype(np.float64)),
        "abandon_rate": sd.batch_means(abandoned.astype(np.float64)),
    }


def sim_ciw(args: argparse.Namespace) -> dict[str, Any]:
    from importlib.metadata import version

    import ciw

    q = sd.QUEUE
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=q.arrival_rate_per_s)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / q.aht_s)],
        number_of_servers=[q.agents],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / q.patience_s)],
    )
    ciw.seed(args.seed)  # Ciw's randomness is global
    ciw.Simulation(network).simulate_until_max_customers(100, method="Finish")
    baseline = _rss_mib()
    with _Clock() as clock:
        sim = ciw.Simulation(network)
        sim.simulate_until_max_customers(args.ciw_customers, method="Finish")
        records = sim.get_all_records()
    records.sort(key=lambda r: r.arrival_date)
    waited = np.array([r.waiting_time for r in records])
    kind = np.array([r.record_type for r in records])
    kpis = _kpis(waited, kind == "service", kind == "renege")
    return clock.as_dict(len(records), baseline) | kpis | {"version": version("ciw")}


def _scenario(customers: int) -> Any:
    from arbitre.staffing.simulation import Scenario

    q = sd.QUEUE
    per_hour = q.arrival_rate_per_s * 3600.0
    return Scenario.model_validate(
        {
            "start": "2026-01-05T00:00:00+00:00",
            "timezone": "UTC",
            "interval_min": 60,
            "intervals": max(1, math.ceil(customers / per_hour)),
            "flows": [
                {
                    "id": "sav",
                    "arrivals": per_hour,
                    "handle": {"distribution": "exponential", "mean_s": q.aht_s},
                    "patience": {"distribution": "exponential", "mean_s": q.patience_s},
                }
            ],
            "pools": [{"id": "internal", "skills": ["sav"], "languages": ["fr"], "agents": q.agents}],
        }
    )


def sim_arbitre(args: argparse.Namespace) -> dict[str, Any]:
    import pyarrow as pa

    from arbitre.staffing.simulation import simulate

    scenario = _scenario(args.customers)
    with _Clock() as first:
        simulate(_scenario(100), replications=1, rng=np.random.default_rng(0), by=None)
    baseline = _rss_mib()
    with _Clock() as clock:
        result = simulate(scenario, replications=1, rng=np.random.default_rng(args.seed), by=None)
    records = result.records
    # Microseconds since the epoch (exact in float64 until the year 2255); NaN if not answered.
    arrived_us = records["arrived_at"].cast(pa.int64()).to_numpy(zero_copy_only=False)
    answered_us = records["answered_at"].cast(pa.int64()).to_numpy(zero_copy_only=False).astype(np.float64)
    answered = ~np.isnan(answered_us)
    waited = np.where(answered, (answered_us - arrived_us) / 1e6, np.inf)
    abandoned = records["abandoned"].to_numpy(zero_copy_only=False)
    kpis = _kpis(waited, answered, abandoned)
    return clock.as_dict(result.contacts, baseline) | kpis | {"first_call_seconds": first.wall}


def _single_queue(args: argparse.Namespace, run: Callable[[sd.Contacts, slice], Any]) -> dict[str, Any]:
    c = sd.contacts(args.customers, seed=args.seed)
    run(c, slice(0, 100))
    baseline = _rss_mib()
    with _Clock() as clock:
        out = run(c, slice(None))
    np.save(args.result, out.start_s)
    answered = ~np.isnan(out.start_s)
    waited = np.where(answered, out.start_s - c.arrival_s, np.inf)
    return clock.as_dict(int(c.arrival_s.size), baseline) | _kpis(waited, answered, out.abandoned)


def sim_queue(args: argparse.Namespace) -> dict[str, Any]:
    from arbitre.staffing.queue import simulate_queue

    def run(c: sd.Contacts, part: slice) -> Any:
        return simulate_queue(
            arrival_s=c.arrival_s[part],
            service_s=c.service_s[part],
            patience_s=c.patience_s[part],
            agents=np.array([sd.QUEUE.agents]),
            interval_s=c.horizon_s,
        )

    return _single_queue(args, run)


def sim_network(args: argparse.Namespace) -> dict[str, Any]:
    from arbitre.staffing.simulation import run_network, single_pool_network

    def run(c: sd.Contacts, part: slice) -> Any:
        network = single_pool_network(agents=np.array([sd.QUEUE.agents]), interval_s=c.horizon_s)
        size = c.arrival_s[part].size
        return run_network(
            network,
            arrival_s=c.arrival_s[part],
            service_s=c.service_s[part],
            patience_s=c.patience_s[part],
            route=np.zeros(size, dtype=np.int64),
        )

    return _single_queue(args, run)


KINDS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "erlang-c-arbitre": erlang_c_arbitre,
    "erlang-c-pyworkforce": erlang_c_pyworkforce,
    "erlang-a-evaluate": erlang_a_evaluate,
    "erlang-a-required": erlang_a_required,
    "erlang-a-naive": erlang_a_naive,
    "sim-ciw": sim_ciw,
    "sim-arbitre": sim_arbitre,
    "sim-queue": sim_queue,
    "sim-network": sim_network,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the staffing kinds (``--seed`` and ``--result`` are the suite's)."""
    parser.add_argument("--intervals", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--customers", type=int, default=5_000_000)
    parser.add_argument("--ciw-customers", type=int, default=300_000)
    parser.add_argument("--required", type=Path, help="Arbitre's Erlang A answers on the subsample")


def measure(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    return KINDS[kind](args)


def arguments(argv: list[str]) -> argparse.Namespace:
    """The options of the staffing kinds alone, ``--seed`` and ``--result`` included: to run a
    measurement in the calling process (the smoke tests do, except pyworkforce's)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--result", type=Path)
    add_arguments(parser)
    return parser.parse_args(argv)
