"""The staffing benchmarks: run them (one fresh process per measurement), check agreement, print.

`run_staffing` is called by `benchmarks.run` (``./scripts/bench --only staffing``, and after the
KPIs in a plain run) with the suite's way of starting a measurement (``child``). Three comparisons,
each on the same inputs for both sides:

1. minimum agents under Erlang C (80 % in 20 s) for a million intervals: Arbitre's
   `required_agents` on all, pyworkforce on a random subsample, extrapolated per interval; the
   agent counts compared on the subsample, and any difference (or near tie) judged with 40-digit
   Erlang C;
2. Erlang A: `evaluate` and `required_agents` with patience on a million intervals, against a
   straightforward birth–death chain on the subsample (pyworkforce has no Erlang A);
3. one M/M/n+M queue simulated by Arbitre (`simulate`, records included) and by Ciw (records
   included), service level and abandon rate of each against Erlang A; Arbitre's single-queue
   kernels `simulate_queue` and `run_network` on the same drawn contacts, which must give the
   same start to every contact.

A difference in which Arbitre is the side found wrong is a problem (exit status 1); one in which
the peer is wrong is reported.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import staffing_data as sd
from benchmarks.staffing_measure import METRICS, SEARCH_STAGES

Child = Callable[..., dict[str, Any]]  # child(kind, *args, settle_s=...) → the measurement
Log = Callable[[str], None]

TARGETS = {"erlang_c_seconds": 1.0, "erlang_c_ratio": 100.0, "simulation_ratio": 50.0}
TARGET_INTERVALS = 1_000_000
# Agreement of Erlang A values with the naive chain: relative, or absolute for values near 0.
REL_TOL, ABS_TOL = 1e-9, 1e-12
# Service levels this close to the target are judged again with 40 digits.
NEAR_TIE = 1e-6


@dataclass(frozen=True, slots=True)
class Options:
    """Sizes of the staffing benchmarks (the defaults are those the targets are set for)."""

    intervals: int = 1_000_000
    sample: int = 2_000
    customers: int = 5_000_000
    ciw_customers: int = 300_000
    seed: int = 7
    repeat: int = 3
    settle_s: float = 60.0


def run_staffing(child: Child, *, work: Path, options: Options, log: Log) -> dict[str, Any]:
    """Every staffing measurement and comparison; the report's ``staffing`` part."""
    runner = Runner(child=child, work=work, options=options, log=log)
    report: dict[str, Any] = {"options": asdict(options), "versions": _versions(), "targets": TARGETS}
    report["erlang_c"] = erlang_c(runner)
    report["erlang_a"] = erlang_a(runner)
    report["simulation"] = simulation(runner)
    report["problems"] = problems(report)
    return report


@dataclass(frozen=True, slots=True)
class Runner:
    """How to start measurements (``child``), where they leave their results, and with what."""

    child: Child
    work: Path
    options: Options
    log: Log

    def repeated(self, label: str, kind: str, *args: str) -> dict[str, Any]:
        """`options.repeat` runs, each in its own process; the median counts."""
        runs = []
        for i in range(self.options.repeat):
            self.log(f"{label}, run {i + 1}/{self.options.repeat}")
            runs.append(self.child(kind, *args, settle_s=self.options.settle_s))
            self.log(f"  {runs[-1]['seconds']:.3f} s, CPU {runs[-1]['cpu_seconds']:.2f} s")
        return _median(runs)

    def once(self, label: str, kind: str, *args: str) -> dict[str, Any]:
        self.log(label)
        out = self.child(kind, *args, settle_s=self.options.settle_s)
        self.log(f"  {out['seconds']:.3f} s, CPU {out['cpu_seconds']:.2f} s")
        return out

    def file(self, name: str) -> Path:
        return self.work / f"staffing-{name}"

    @property
    def intervals_args(self) -> list[str]:
        o = self.options
        return ["--seed", str(o.seed), "--intervals", str(o.intervals), "--sample", str(o.sample)]

    @property
    def customers_args(self) -> list[str]:
        o = self.options
        return [
            "--seed",
            str(o.seed),
            "--customers",
            str(o.customers),
            "--ciw-customers",
            str(o.ciw_customers),
        ]


def erlang_c(r: Runner) -> dict[str, Any]:
    """Minimum agents, Erlang C: Arbitre on every interval, pyworkforce on the subsample."""
    ours, theirs = r.file("c-arbitre.npy"), r.file("c-pyworkforce.npy")
    try:
        arbitre = r.repeated(
            "Erlang C minimum agents, Arbitre", "erlang-c-arbitre", *r.intervals_args, "--result", str(ours)
        )
        peer = r.once(
            f"Erlang C minimum agents, pyworkforce on {r.options.sample:,} intervals",
            "erlang-c-pyworkforce",
            *r.intervals_args,
            "--result",
            str(theirs),
        )
        agreement = erlang_c_agreement(r.options, np.load(ours), np.load(theirs), log=r.log)
    finally:
        ours.unlink(missing_ok=True)
        theirs.unlink(missing_ok=True)
    return {
        "arbitre": arbitre,
        "pyworkforce": peer,
        "ratio": peer["extrapolated_seconds"] / arbitre["seconds"],
        "ratio_cpu": peer["extrapolated_cpu_seconds"] / arbitre["cpu_seconds"],
        "agreement": agreement,
    }


def erlang_a(r: Runner) -> dict[str, Any]:
    """Erlang A: `evaluate` and `required_agents` on every interval, the naive chain on the subsample."""
    files = [r.file("a-evaluate.npz"), r.file("a-required.npy"), r.file("a-naive.npz")]
    ours, required, naive = files
    try:
        evaluate = r.repeated(
            "Erlang A evaluate, Arbitre", "erlang-a-evaluate", *r.intervals_args, "--result", str(ours)
        )
        minimum = r.repeated(
            "Erlang A minimum agents, Arbitre",
            "erlang-a-required",
            *r.intervals_args,
            "--result",
            str(required),
        )
        chain = r.once(
            f"Erlang A, naive birth–death chain on {r.options.sample:,} intervals",
            "erlang-a-naive",
            *r.intervals_args,
            "--result",
            str(naive),
            "--required",
            str(required),
        )
        with np.load(ours) as a, np.load(naive) as b:
            agreement = erlang_a_agreement(dict(a), dict(b))
    finally:
        for path in files:
            path.unlink(missing_ok=True)

    def per_item(x: dict[str, Any], key: str) -> float:
        return float(x[key]) / x["items"]

    return {
        "evaluate": evaluate,
        "required": minimum,
        "naive": chain,
        "ratio_naive_over_evaluate": per_item(chain, "seconds") / per_item(evaluate, "seconds"),
        "ratio_naive_over_evaluate_cpu": per_item(chain, "cpu_seconds") / per_item(evaluate, "cpu_seconds"),
        "agreement": agreement,
    }


def simulation(r: Runner) -> dict[str, Any]:
    """The M/M/n+M queue: Ciw, Arbitre's `simulate`, and the two single-queue kernels."""
    o, args = r.options, r.customers_args
    starts = [r.file("sim-queue.npy"), r.file("sim-network.npy")]
    try:
        ciw = r.once(f"Ciw, M/M/n+M, {o.ciw_customers:,} customers", "sim-ciw", *args)
        arbitre = r.repeated(f"Arbitre simulate, M/M/n+M, {o.customers:,} customers", "sim-arbitre", *args)
        queue = r.repeated("Arbitre simulate_queue", "sim-queue", *args, "--result", str(starts[0]))
        network = r.repeated("Arbitre run_network", "sim-network", *args, "--result", str(starts[1]))
        same = np.array_equal(np.load(starts[0]), np.load(starts[1]), equal_nan=True)
    finally:
        for path in starts:
            path.unlink(missing_ok=True)
    return {
        "queue_model": asdict(sd.QUEUE),
        "erlang_a": _erlang_a_of_queue(),
        "ciw": ciw,
        "arbitre": arbitre,
        "simulate_queue": queue,
        "run_network": network,
        "ratio": arbitre["per_second"] / ciw["per_second"],
        "ratio_cpu": (arbitre["items"] / arbitre["cpu_seconds"]) / (ciw["items"] / ciw["cpu_seconds"]),
        "kernels_identical": bool(same),
    }


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median time, with every run's time and the worst of the machine's business."""
    median = statistics.median(r["seconds"] for r in runs)
    out = dict(min(runs, key=lambda r: abs(r["seconds"] - median)))
    out.update(
        seconds=median,
        per_second=out["items"] / median,
        runs=[r["seconds"] for r in runs],
        peak_mib=max(r.get("peak_mib", 0.0) for r in runs),
    )
    for key in ("others_busy_pct", "others_during_pct"):
        if all(key in r for r in runs):
            out[key] = max(r[key] for r in runs)
    return out


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in ("numpy", "scipy", "numba", "pyworkforce", "ciw"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


# --------------------------------------------------------------------------------------------
# Agreement


def erlang_c_agreement(o: Options, ours: np.ndarray, theirs: np.ndarray, *, log: Log) -> dict[str, Any]:
    """Arbitre's and pyworkforce's agent counts on the subsample; each difference, and each
    answer whose service level (or that of one agent fewer) lies within `NEAR_TIE` of the target,
    judged against Erlang C's definition with 40 digits: the fewest agents n > load with
    SL(n) ≥ target."""
    from arbitre.staffing.erlang import evaluate
    from benchmarks.erlang_reference import erlang_c_service_level

    x = sd.intervals(o.intervals, seed=o.seed)
    idx = sd.subsample(len(x), o.sample, seed=o.seed)
    load, aht = x.load[idx], x.aht_s[idx]

    def sl(n: np.ndarray) -> np.ndarray:
        m = evaluate(
            agents=n, volume=x.volume[idx], interval_s=sd.INTERVAL_S, aht_s=aht, threshold_s=sd.THRESHOLD_S
        )
        return m.service_level

    near = (np.abs(sl(ours) - sd.SL_TARGET) < NEAR_TIE) | (
        np.abs(sl(np.maximum(ours - 1, 0)) - sd.SL_TARGET) < NEAR_TIE
    )
    differ = ours != theirs
    judged = np.flatnonzero(differ | near)
    if judged.size:
        log(f"  judging {judged.size} answers with 40-digit Erlang C")
    rows = []
    for k in judged:
        exact = {}
        for n in {int(ours[k]), int(theirs[k]), int(ours[k]) - 1, int(theirs[k]) - 1}:
            exact[n] = erlang_c_service_level(
                n, load=float(load[k]), aht_s=float(aht[k]), threshold_s=sd.THRESHOLD_S
            )

        def right(n: int, exact: dict[int, float] = exact, a: float = float(load[k])) -> bool:
            below_fails = n - 1 <= a or exact[n - 1] < sd.SL_TARGET
            return n > a and exact[n] >= sd.SL_TARGET and below_fails

        rows.append(
            {
                "interval": int(idx[k]),
                "load": float(load[k]),
                "aht_s": float(aht[k]),
                "arbitre": int(ours[k]),
                "pyworkforce": int(theirs[k]),
                "exact_sl": {str(n): v for n, v in sorted(exact.items())},
                "arbitre_right": right(int(ours[k])),
                "pyworkforce_right": right(int(theirs[k])),
            }
        )
    return {
        "compared": int(idx.size),
        "differ": int(differ.sum()),
        "near_ties": int(near.sum()),
        "judged": rows[:50],
        "arbitre_wrong": sum(not r["arbitre_right"] for r in rows),
        "pyworkforce_wrong": sum(not r["pyworkforce_right"] for r in rows),
    }


def erlang_a_agreement(ours: dict[str, np.ndarray], naive: dict[str, np.ndarray]) -> dict[str, Any]:
    """`evaluate` against the naive chain on every KPI of the subsample (within `REL_TOL`
    relative or `ABS_TOL` absolute), and Arbitre's minimum agents against the chain's service
    level: met at the answer, missed with one agent fewer."""
    metrics: dict[str, Any] = {}
    for name in METRICS:
        a, b = ours[name], naive[name]
        diff = np.abs(a - b)
        rel = diff / np.maximum(np.abs(b), 1e-300)
        bad = ~((diff <= REL_TOL * np.maximum(np.abs(a), np.abs(b))) | (diff <= ABS_TOL))
        metrics[name] = {
            "max_rel": float(rel.max()),
            "max_abs": float(diff.max()),
            "disagree": int(bad.sum()),
        }
    out: dict[str, Any] = {"compared": int(ours["service_level"].size), "metrics": metrics}
    if "sl_at_answer" in naive:
        at, fewer = naive["sl_at_answer"], naive["sl_one_fewer"]
        too_few = at < sd.SL_TARGET - REL_TOL
        too_many = fewer >= sd.SL_TARGET + REL_TOL
        borderline = (np.abs(at - sd.SL_TARGET) <= REL_TOL) | (np.abs(fewer - sd.SL_TARGET) <= REL_TOL)
        out["required"] = {
            "checked": int(at.size),
            "target_missed": int(too_few.sum()),
            "one_fewer_enough": int(too_many.sum()),
            "borderline": int(borderline.sum()),
        }
    return out


def _erlang_a_of_queue() -> dict[str, Any]:
    from arbitre.staffing.erlang import evaluate
    from benchmarks.erlang_reference import erlang_a_chain

    q = sd.QUEUE
    m = evaluate(
        agents=q.agents,
        volume=q.arrival_rate_per_s * 3600.0,
        interval_s=3600.0,
        aht_s=q.aht_s,
        threshold_s=q.threshold_s,
        patience_s=q.patience_s,
    )
    chain = erlang_a_chain(
        agents=q.agents,
        load=q.load_erlangs,
        aht_s=q.aht_s,
        patience_s=q.patience_s,
        threshold_s=q.threshold_s,
    )
    return {
        "service_level": float(m.service_level),
        "abandon_rate": float(m.abandon_rate),
        "chain_service_level": chain["service_level"],
        "chain_abandon_rate": chain["abandon_rate"],
    }


def problems(report: dict[str, Any]) -> list[str]:
    """What makes the run fail: Arbitre found wrong somewhere. (A simulated KPI outside its 95 %
    interval is a warning, not a problem: it happens one time in twenty.)"""
    out = []
    c = report.get("erlang_c", {}).get("agreement", {})
    if c.get("arbitre_wrong"):
        out.append(f"Erlang C: Arbitre's minimum agents wrong on {c['arbitre_wrong']} intervals")
    a = report.get("erlang_a", {}).get("agreement", {})
    for name, m in a.get("metrics", {}).items():
        if m["disagree"]:
            out.append(
                f"Erlang A: evaluate and the naive chain disagree on {name} ({m['disagree']} intervals)"
            )
    r = a.get("required", {})
    if r.get("target_missed") or r.get("one_fewer_enough"):
        out.append(
            f"Erlang A: minimum agents that miss the target ({r['target_missed']}) or one too many "
            f"({r['one_fewer_enough']}) by the naive chain"
        )
    s = report.get("simulation", {})
    if s and not s["kernels_identical"]:
        out.append("simulation: simulate_queue and run_network give different starts on the same contacts")
    return out


# --------------------------------------------------------------------------------------------
# The table


def _fmt(x: float | None, spec: str) -> str:
    return "" if x is None else format(x, spec)


def print_staffing(s: dict[str, Any]) -> None:
    """The staffing table, agreement and KPIs, on standard output."""
    o = Options(**s["options"])
    judged = o.intervals == TARGET_INTERVALS
    judged_sim = o.customers >= 1_000_000 and o.ciw_customers >= 100_000

    def met(ok: bool, judge: bool = True) -> str:
        return ("yes" if ok else "NO") if judge else "n/a"

    print(
        f"\nStaffing: {o.intervals:,} intervals (loads {sd.LOAD_ERLANGS[0]:g}–{sd.LOAD_ERLANGS[1]:,.0f} "
        f"Erlangs, log-uniform; 80 % in 20 s); pyworkforce and the naive chain on a random "
        f"{o.sample:,} of them"
    )
    header = (
        f"{'measurement':<52} {'seconds':>8} {'CPU s':>7} {'per second':>12} {'peak MiB':>9}  {'target':<8} "
        f"{'met?':<4} {'others':>6}"
    )
    print(header)
    print("-" * len(header))

    def line(name: str, x: dict[str, Any], target: str = "", ok: str = "") -> None:
        others = x.get("others_during_pct")
        print(
            f"{name:<52} {x['seconds']:8.3f} {_fmt(x.get('cpu_seconds'), '7.2f'):>7} {x['per_second']:12,.0f} "
            f"{_fmt(x.get('peak_mib'), '9,.0f'):>9}  {target:<8} {ok:<4} "
            f"{_fmt(others, '5.0f') + '%' if others is not None else '':>6}"
        )

    def ratio(name: str, value: float, cpu: float, target: str = "", ok: str = "") -> None:
        print(f"{name:<52} {value:7.0f}× {'':>7} {f'(CPU {cpu:.0f}×)':>12} {'':>9}  {target:<8} {ok}")

    c = s.get("erlang_c")
    if c:
        a, p = c["arbitre"], c["pyworkforce"]
        line(
            f"Erlang C min agents, Arbitre (median of {len(a['runs'])})",
            a,
            f"< {TARGETS['erlang_c_seconds']:g} s",
            met(a["seconds"] < TARGETS["erlang_c_seconds"], judged),
        )
        line(f"Erlang C min agents, pyworkforce ({p['items']:,})", p)
        extrapolated = {
            "seconds": p["extrapolated_seconds"],
            "cpu_seconds": p["extrapolated_cpu_seconds"],
            "per_second": o.intervals / p["extrapolated_seconds"],
        }
        line(f"  pyworkforce extrapolated to {o.intervals:,}", extrapolated)
        ratio(
            "ratio pyworkforce ÷ Arbitre (same run)",
            c["ratio"],
            c["ratio_cpu"],
            f"≥ {TARGETS['erlang_c_ratio']:g}×",
            met(c["ratio"] >= TARGETS["erlang_c_ratio"], judged),
        )
    e = s.get("erlang_a")
    if e:
        line(f"Erlang A evaluate, Arbitre (median of {len(e['evaluate']['runs'])})", e["evaluate"])
        line(f"Erlang A min agents, Arbitre (median of {len(e['required']['runs'])})", e["required"])
        line(f"Erlang A, naive birth–death chain ({e['naive']['items']:,})", e["naive"])
        ratio(
            "ratio naive ÷ evaluate, per interval",
            e["ratio_naive_over_evaluate"],
            e["ratio_naive_over_evaluate_cpu"],
        )
    m = s.get("simulation")
    if m:
        q = m["queue_model"]
        print(
            f"M/M/{q['agents']}+M, {q['load_erlangs']:g} Erlangs, AHT {q['aht_s']:g} s, patience "
            f"{q['patience_s']:g} s (per second: customers)"
        )
        line(f"  Arbitre simulate, records (median of {len(m['arbitre']['runs'])})", m["arbitre"])
        line("  Ciw, records", m["ciw"])
        ratio(
            "  ratio Arbitre ÷ Ciw, customers per second",
            m["ratio"],
            m["ratio_cpu"],
            f"≥ {TARGETS['simulation_ratio']:g}×",
            met(m["ratio"] >= TARGETS["simulation_ratio"], judged_sim),
        )
        line("  Arbitre simulate_queue (exact single-queue kernel)", m["simulate_queue"])
        line("  Arbitre run_network (single_pool_network)", m["run_network"])
    print("(others: CPU used by other processes of the machine during the measurement, % of all CPUs)")
    if not judged:
        print(f"(the Erlang targets are for {TARGET_INTERVALS:,} intervals: not judged at {o.intervals:,})")
    _print_agreement(s)


def _print_agreement(s: dict[str, Any]) -> None:
    c = s.get("erlang_c")
    if c:
        g, p = c["agreement"], c["pyworkforce"]
        print(
            f"\nErlang C, Arbitre vs pyworkforce {p['version']}: {g['differ']} of {g['compared']:,} agent "
            f"counts differ; {len(g['judged'])} judged with 40 digits (differences and near ties): "
            f"Arbitre wrong on {g['arbitre_wrong']}, pyworkforce on {g['pyworkforce_wrong']}"
        )
        for r in g["judged"][:5]:
            print(
                f"  interval {r['interval']}: load {r['load']:.4f}, Arbitre {r['arbitre']}, pyworkforce "
                f"{r['pyworkforce']}, exact SL {r['exact_sl']}"
            )
        print(
            f"  pyworkforce extrapolated from {p['items']:,} intervals: {p['extrapolated_seconds']:,.0f} s "
            f"± {p['extrapolated_half_width_seconds']:,.0f} s (95 %, sampling error of the mean time per interval)"
        )
        bands = ", ".join(f"{b['load'][0]:g}–{b['load'][1]:g} E: {b['us']:,.0f} µs" for b in p["bands"])
        print(f"  pyworkforce per interval by load: {bands} (mean {p['per_interval_us']:,.0f} µs)")
        _print_stages("Erlang C required_agents", c["arbitre"])
    e = s.get("erlang_a")
    if e:
        _print_stages("Erlang A required_agents", e["required"])
        g = e["agreement"]
        worst = ", ".join(f"{k} {v['max_rel']:.1e}" for k, v in g["metrics"].items())
        bad = sum(v["disagree"] for v in g["metrics"].values())
        print(
            f"\nErlang A, evaluate vs the naive chain on {g['compared']:,} intervals: {bad} values outside "
            f"{REL_TOL:g} relative; largest relative differences: {worst}"
        )
        r = g.get("required")
        if r:
            print(
                f"  minimum agents with patience, by the chain: target missed on {r['target_missed']}, "
                f"met with one agent fewer on {r['one_fewer_enough']} of {r['checked']:,} "
                f"(borderline: {r['borderline']})"
            )
    m = s.get("simulation")
    if m:
        ref = m["erlang_a"]
        print(
            f"\nservice level (20 s) and abandon rate, 95 % batch-means intervals; Erlang A: SL "
            f"{ref['service_level']:.5f}, abandon {ref['abandon_rate']:.5f} (naive chain "
            f"{ref['chain_service_level']:.5f}, {ref['chain_abandon_rate']:.5f})"
        )
        for name, key in (
            ("Arbitre simulate", "arbitre"),
            ("Ciw", "ciw"),
            ("simulate_queue", "simulate_queue"),
            ("run_network", "run_network"),
        ):
            x = m[key]
            print(
                f"  {name:<17} {x['items']:>10,}  SL {_ci(x['service_level'], ref['service_level'])}  "
                f"abandon {_ci(x['abandon_rate'], ref['abandon_rate'])}"
            )
        same = "identical" if m["kernels_identical"] else "DIFFERENT"
        print(f"  simulate_queue and run_network, start of every contact: {same}")
        print(
            f"  simulate's first call in a fresh process (compiled kernels loaded from Numba's cache, "
            f"not counted above): {m['arbitre']['first_call_seconds']:.2f} s"
        )
    for problem in s.get("problems", []):
        print(f"PROBLEM: {problem}")


def _print_stages(name: str, x: dict[str, Any]) -> None:
    stages = x.get("stages")
    if not stages:
        return
    again = x.get("second_call_seconds")
    when = f"; the same call again in the process: {again:.3f} s, steps the mean of both" if again else ""
    print(f"  {name}, where the time goes (s; {x['seconds']:.3f} s in all{when}):")
    order = [label for label, _ in SEARCH_STAGES]
    for label, seconds in sorted(stages.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99):
        print(f"    {label:<50} {seconds:6.3f}")
    print(f"    probes: {x['probe_passes']} passes, {x['probed_pairs']:,} (interval, agents) pairs evaluated")


def _ci(x: dict[str, float], reference: float) -> str:
    inside = x["ci_low"] <= reference <= x["ci_high"]
    return f"{x['mean']:.4f} ({x['ci_low']:.4f}–{x['ci_high']:.4f}{'' if inside else ', Erlang A outside'})"
