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

import psutil


def others_busy(settle_s: float) -> float:
    """CPU use of other processes (%, of all CPUs), waiting up to ``settle_s`` for it to fall under 10 %."""
    deadline = time.monotonic() + settle_s
    while True:
        busy = psutil.cpu_percent(interval=1.0)  # this process is idle meanwhile
        if busy < 10.0 or time.monotonic() >= deadline:
            return busy
        time.sleep(4.0)


def busy_cpu_s() -> float:
    t = psutil.cpu_times()
    return float(sum(t) - t.idle - getattr(t, "iowait", 0.0))


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
