"""How busy the shared machine is: others' CPU use before and during a measurement.

The machine may be shared (2 cores, other work on them): a measurement taken while something
else computes is slower. `others_busy` waits (up to a limit) for the others to leave the CPUs;
`Others` measures what they used while a measurement ran: the machine's busy CPU time less the
measurement's own (its children's, from ``getrusage``), as a share of all CPUs.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

# /proc/stat's first line: the time all CPUs spent in each state since boot, in clock ticks
# (user, nice, system, idle, iowait, irq, softirq, steal; guest time is inside user).
_STAT = Path("/proc/stat")
_TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")


def _cpu_times() -> tuple[float, float]:
    """Busy and total CPU seconds of the machine since boot (all CPUs)."""
    fields = [int(x) for x in _STAT.read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    busy = user + nice + system + irq + softirq + steal
    return busy * _TICK_S, (busy + idle + iowait) * _TICK_S


def others_busy(settle_s: float) -> float:
    """CPU use of other processes (%, of all CPUs), waiting up to ``settle_s`` for it to fall under 10 %."""
    deadline = time.monotonic() + settle_s
    while True:
        busy0, total0 = _cpu_times()
        time.sleep(1.0)  # this process is idle meanwhile
        busy1, total1 = _cpu_times()
        busy = 100.0 * (busy1 - busy0) / max(total1 - total0, 1e-9)
        if busy < 10.0 or time.monotonic() >= deadline:
            return busy
        time.sleep(4.0)


def busy_cpu_s() -> float:
    """Busy CPU seconds of the machine since boot (all CPUs), from /proc/stat."""
    return _cpu_times()[0]


def children_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Others:
    """Start before a measurement (run in child processes), `during_pct` after it."""

    def __init__(self) -> None:
        self.machine0, self.own0, self.started = busy_cpu_s(), children_cpu_s(), time.perf_counter()

    def during_pct(self) -> float:
        wall = time.perf_counter() - self.started
        others = (busy_cpu_s() - self.machine0) - (children_cpu_s() - self.own0)
        return max(0.0, 100.0 * others / (wall * (os.cpu_count() or 1)))
