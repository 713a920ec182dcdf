"""The staffing benchmarks kept honest at small scale: each comparison runs on a tiny input, and
its two sides agree.

pyworkforce and Ciw come with the ``bench`` extra; without them, the tests that need them skip.
pyworkforce brings ortools, which cannot share a process with highspy (other tests load it), so
its measurement runs in a process of its own, as in the benchmark; the others run here (without
psutil, which the test extra does not install: the memory figures are then NaN).
"""

from __future__ import annotations

import doctest
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from benchmarks.staffing_run import Options, Runner, erlang_a, erlang_c, erlang_c_agreement, simulation

from benchmarks import erlang_reference, staffing_data, staffing_measure

REPO = Path(__file__).resolve().parents[2]
TINY = Options(
    intervals=3_000, sample=40, customers=40_000, ciw_customers=4_000, seed=7, repeat=1, settle_s=0.0
)


def _runner(tmp_path: Path) -> Runner:
    def child(kind: str, *args: str, settle_s: float) -> dict[str, Any]:
        assert settle_s == 0.0
        if kind != "erlang-c-pyworkforce":
            return staffing_measure.measure(kind, staffing_measure.arguments(list(args)))
        out = tmp_path / f"{kind}.json"
        cmd = [sys.executable, "-m", "benchmarks.measure", kind, "--out", str(out), *args]
        subprocess.run(cmd, cwd=REPO, check=True)
        result: dict[str, Any] = json.loads(out.read_text())
        return result

    return Runner(child=child, work=tmp_path, options=TINY, log=lambda _: None)


def test_the_references_docstring_examples_hold() -> None:
    for module in (erlang_reference, staffing_data):
        assert doctest.testmod(module).failed == 0


@pytest.mark.skipif(
    importlib.util.find_spec("pyworkforce") is None, reason="pyworkforce comes with the bench extra"
)
def test_arbitre_and_pyworkforce_give_the_same_minimum_agents(tmp_path: Path) -> None:
    report = erlang_c(_runner(tmp_path))
    agreement = report["agreement"]
    assert agreement["compared"] == TINY.sample
    assert (agreement["differ"], agreement["arbitre_wrong"], agreement["pyworkforce_wrong"]) == (0, 0, 0)
    assert report["pyworkforce"]["extrapolated_seconds"] > 0.0
    assert list(tmp_path.glob("staffing-*")) == []  # the answers are not left behind


def test_a_difference_in_minimum_agents_is_judged_against_erlang_cs_definition() -> None:
    from arbitre.staffing.erlang import required_agents

    x = staffing_data.intervals(TINY.intervals, seed=TINY.seed)
    idx = staffing_data.subsample(len(x), TINY.sample, seed=TINY.seed)
    ours = required_agents(
        volume=x.volume[idx],
        interval_s=staffing_data.INTERVAL_S,
        aht_s=x.aht_s[idx],
        threshold_s=staffing_data.THRESHOLD_S,
        sl=staffing_data.SL_TARGET,
    )
    theirs = ours.copy()
    theirs[3] += 1  # one agent too many on one interval
    agreement = erlang_c_agreement(TINY, ours, theirs, log=lambda _: None)
    assert (agreement["differ"], agreement["arbitre_wrong"], agreement["pyworkforce_wrong"]) == (1, 0, 1)
    judged = agreement["judged"][0]
    assert judged["arbitre"] == ours[3] and judged["exact_sl"][str(ours[3])] >= staffing_data.SL_TARGET


def test_erlang_a_agrees_with_the_naive_birth_death_chain(tmp_path: Path) -> None:
    report = erlang_a(_runner(tmp_path))
    agreement = report["agreement"]
    assert agreement["compared"] == TINY.sample
    assert all(m["disagree"] == 0 for m in agreement["metrics"].values()), agreement["metrics"]
    assert max(m["max_rel"] for m in agreement["metrics"].values()) < 1e-9
    required = agreement["required"]
    assert (required["checked"], required["target_missed"], required["one_fewer_enough"]) == (
        TINY.sample,
        0,
        0,
    )


def test_the_simulators_agree_with_erlang_a_and_the_two_kernels_with_each_other(tmp_path: Path) -> None:
    pytest.importorskip("ciw", reason="Ciw comes with the bench extra")
    report = simulation(_runner(tmp_path))
    assert report["kernels_identical"]
    reference = report["erlang_a"]
    assert reference["service_level"] == pytest.approx(reference["chain_service_level"], rel=1e-9)
    for side in ("ciw", "arbitre", "simulate_queue", "run_network"):
        got = report[side]
        # A few thousand customers: within a few points of the model, not more.
        assert abs(got["service_level"]["mean"] - reference["service_level"]) < 0.04, side
        assert abs(got["abandon_rate"]["mean"] - reference["abandon_rate"]) < 0.02, side
    assert report["ciw"]["items"] == TINY.ciw_customers
    assert report["simulate_queue"]["items"] == TINY.customers
    assert np.isfinite(report["ratio"])
