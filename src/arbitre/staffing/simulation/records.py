"""Simulated contacts as interaction records (docs/specs/interactions.md), in a pyarrow Table.

The KPI engine reads them as it reads imported exports. Repeated text columns (flow, channel,
site, language, agent) are dictionary-encoded; the contact ids ``"<replication>-<n>"`` are
written straight into Arrow's string buffers, because formatting ten million Python strings
would take longer than simulating the contacts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from numba import njit

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.staffing.simulation.contacts import Contacts
from arbitre.staffing.simulation.kernel import Outcome
from arbitre.staffing.simulation.network import Compiled

TIMESTAMP = pa.timestamp("us", tz="UTC")
I32 = npt.NDArray[np.int32]

SCHEMA = pa.schema(
    [
        ("replication", pa.int32()),
        ("contact_id", pa.large_string()),
        ("flow", pa.dictionary(pa.int32(), pa.string())),
        ("channel", pa.dictionary(pa.int32(), pa.string())),
        ("site", pa.dictionary(pa.int32(), pa.string())),
        ("arrived_at", TIMESTAMP),
        ("answered_at", TIMESTAMP),
        ("ended_at", TIMESTAMP),
        ("abandoned", pa.bool_()),
        ("talk_s", pa.float64()),
        ("hold_s", pa.float64()),
        ("wrap_s", pa.float64()),
        ("language", pa.dictionary(pa.int32(), pa.string())),
        ("agent_id", pa.dictionary(pa.int32(), pa.string())),
    ]
)
"""Columns of the records: the replication index, then the interaction record's columns that a
simulation knows (handle time is all talk: ``hold_s`` and ``wrap_s`` are 0 for answered
contacts; the three are null for the others)."""


def to_table(c: Compiled, contacts: Contacts, outcome: Outcome, *, replication: int) -> pa.Table:
    """The records of one replication, in arrival order."""
    n = contacts.size
    (arrived, answered, ended, flow, pool, language, agent, served, finished) = _columns(
        contacts.arrival_s,
        outcome.start_s,
        outcome.end_s,
        contacts.flow,
        outcome.pool,
        contacts.language,
        outcome.agent,
        round(c.start_epoch_s * 1e6),
    )
    # One validity bitmap for every column that exists only for answered contacts.
    answered_bits = pa.array(served).buffers()[1]
    finished_bits = pa.array(finished).buffers()[1]
    zeros = np.zeros(n)
    columns = [
        pa.array(np.full(n, replication, dtype=np.int32)),
        _ids(replication, n),
        _dictionary(flow, c.flow_ids),
        _dictionary(flow, c.channels),
        _dictionary(pool, c.pool_ids),
        _array(TIMESTAMP, arrived),
        _array(TIMESTAMP, answered, answered_bits),
        _array(TIMESTAMP, ended, finished_bits),
        pa.array(outcome.abandoned),
        _array(pa.float64(), contacts.service_s, answered_bits),
        _array(pa.float64(), zeros, answered_bits),
        _array(pa.float64(), zeros, answered_bits),
        _dictionary(language, c.languages),
        _dictionary(agent, c.agent_labels, answered_bits),
    ]
    return pa.Table.from_arrays(columns, schema=SCHEMA)


def empty_table() -> pa.Table:
    return SCHEMA.empty_table()


def _array(kind: pa.DataType, values: npt.NDArray[Any], validity: pa.Buffer | None = None) -> pa.Array:
    """An Arrow array over ``values``' memory (no copy), with an optional validity bitmap."""
    return pa.Array.from_buffers(kind, values.shape[0], [validity, pa.py_buffer(values)], null_count=-1)


def _dictionary(
    index: npt.NDArray[np.int32], labels: Sequence[str], validity: pa.Buffer | None = None
) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        _array(pa.int32(), index, validity), pa.array(list(labels), type=pa.string())
    )


@njit(cache=True)
def _columns(
    arrival: FloatArray,
    start: FloatArray,
    end: FloatArray,
    flow: IntArray,
    pool: IntArray,
    language: IntArray,
    agent: IntArray,
    t0_us: int,
) -> tuple[IntArray, IntArray, IntArray, I32, I32, I32, I32, BoolArray, BoolArray]:
    """Timestamps in microseconds (0 where missing), dictionary indices, answered and ended flags,
    in one pass over the contacts."""
    n = arrival.shape[0]
    arrived = np.empty(n, dtype=np.int64)
    answered = np.empty(n, dtype=np.int64)
    ended = np.empty(n, dtype=np.int64)
    flow32 = np.empty(n, dtype=np.int32)
    pool32 = np.empty(n, dtype=np.int32)
    language32 = np.empty(n, dtype=np.int32)
    agent32 = np.empty(n, dtype=np.int32)
    served = np.empty(n, dtype=np.bool_)
    finished = np.empty(n, dtype=np.bool_)
    for i in range(n):
        arrived[i] = t0_us + math.floor(arrival[i] * 1e6 + 0.5)
        served[i] = not math.isnan(start[i])
        answered[i] = t0_us + math.floor(start[i] * 1e6 + 0.5) if served[i] else 0
        finished[i] = not math.isnan(end[i])
        ended[i] = t0_us + math.floor(end[i] * 1e6 + 0.5) if finished[i] else 0
        flow32[i] = flow[i]
        pool32[i] = pool[i]
        language32[i] = language[i]
        agent32[i] = agent[i] if agent[i] >= 0 else 0
    return arrived, answered, ended, flow32, pool32, language32, agent32, served, finished


def _ids(replication: int, n: int) -> pa.Array:
    offsets, data = _decimal_ids(replication, n)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


@njit(cache=True)
def _decimal_ids(prefix: int, n: int) -> tuple[IntArray, npt.NDArray[np.uint8]]:
    """Arrow buffers of the strings ``f"{prefix}-{i}"`` for i in range(n) (offsets, UTF-8 bytes).

    The number is kept as ASCII digits and incremented in place (carry and all), which is
    several times faster than formatting each one by repeated division.
    """
    head = np.zeros(24, dtype=np.uint8)
    h = 0
    x = prefix
    while True:
        head[h] = 48 + x % 10
        h += 1
        x //= 10
        if x == 0:
            break
    offsets = np.empty(n + 1, dtype=np.int64)
    digits = 1
    limit = 10
    size = 0
    for i in range(n):
        if i >= limit:
            digits += 1
            limit *= 10
        offsets[i] = size
        size += h + 1 + digits
    offsets[n] = size
    data = np.empty(size, dtype=np.uint8)
    # The current id, right-aligned in a buffer wide enough for any int64.
    width = 24
    text = np.full(width, 48, dtype=np.uint8)
    for j in range(h):
        text[j] = head[h - 1 - j]
    text[h] = 45  # "-"
    number = np.full(20, 48, dtype=np.uint8)
    digits = 1
    for i in range(n):
        at = offsets[i]
        for j in range(h + 1):
            data[at + j] = text[j]
        at += h + 1
        for j in range(digits):
            data[at + j] = number[20 - digits + j]
        # i + 1 in decimal: add one with carry.
        j = 19
        while True:
            if number[j] == 57:
                number[j] = 48
                j -= 1
            else:
                number[j] += 1
                break
        if 20 - j > digits:
            digits = 20 - j
    return offsets, data
