"""The command benchmarks measured honestly at small scale: a process's own time and memory,
and both sides of each ratio computing the same thing."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from benchmarks import commands


def test_a_process_is_measured_from_start_to_exit_with_its_own_peak_memory() -> None:
    allocate = "import time; b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.3)"
    measured = commands.run_process([sys.executable, "-c", allocate])
    assert measured.seconds >= 0.3
    assert 300 <= measured.peak_mib < 1000


def test_a_failing_process_is_an_error_not_a_figure() -> None:
    with pytest.raises(RuntimeError, match="exited 3"):
        commands.run_process([sys.executable, "-c", "import sys; sys.exit(3)"])


def test_the_kpi_command_and_pandas_agree_on_a_small_file() -> None:
    pytest.importorskip("pandas", reason="the pandas peer needs the bench extra")
    report = commands.run_commands(arbitre=commands.default_arbitre(), only=("kpi",), kpi_rows=5_000, seed=3)
    assert report["kpi"]["agreement"]["groups"] > 100
    assert report["kpi"]["agreement"]["disagreements"] == 0
    assert commands.problems(report) == []


# pyworkforce brings ortools, which cannot share a process with highspy: only look it up here, the
# peer runs in a process of its own.
@pytest.mark.skipif(
    importlib.util.find_spec("pyworkforce") is None, reason="the pyworkforce peer needs the bench extra"
)
def test_staff_agrees_with_pyworkforce_on_its_sample() -> None:
    report = commands.run_commands(
        arbitre=commands.default_arbitre(), only=("staff",), intervals=2_000, sample=50, seed=3
    )
    assert report["staff"]["agreement"] == {"sample": 50, "same_agents": 50}
    assert report["staff"]["ratio"] > 0
