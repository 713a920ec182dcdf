"""Staffing seen in the data: agents available per interval, from agent ids and handle times.

Exports name the agent who handled each answered contact, and when (answer, then handle time),
but not when the agent logged in, took a break or was ready. The inference, in four steps:

1. **Busy time.** Each answered contact keeps its agent busy from its answer for its handle time
   (talk + hold + wrap); the busy seconds are cut at the interval boundaries.
2. **Sessions.** An agent's busy periods closer than ``gap_s`` (default 30 min) are one working
   session, from the first answer to the end of the last contact. A longer gap is a break or the
   end of a shift. The agent's time before the first contact of a session and after its last one
   is not seen.
3. **Available or not.** Within a session, an agent between two contacts is counted available
   while nobody waited on the flows the agent served in that session, and away while someone
   did: an available agent would have taken the caller (the distribution rule of every ACD), so
   idle time beside a waiting caller is a break, after-call work the export does not show, or
   other work. Where callers waited all the interval, the agents seen are exactly the busy ones.
4. **Agents per interval and flow.** An agent available (busy or ready) for s seconds of an
   interval counts s ÷ interval as an agent (agent-equivalents: half an interval is half an
   agent). When agents serve several flows, each agent's presence in an interval is shared among
   the flows in proportion to the busy time the agent gave each of them in that interval (in the
   whole session when idle all the interval): an agent who spent two thirds of the interval's
   calls on one flow is two thirds of an agent for it.

The count is a lower bound where the queue is empty (an agent ready through a whole interval
between sessions is not seen, nor one waiting for a first call) and exact where callers wait
(every available agent is then serving). `pools` says which flows share their agents, so that
the models can treat them as one queue. Pure functions of arrays; times are seconds since the
epoch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arbitre._types import FloatArray, IntArray

DEFAULT_GAP_S = 1800.0


@dataclass(frozen=True, slots=True)
class Grid:
    """Intervals ``[t0_s + j·interval_s, t0_s + (j+1)·interval_s)`` for j in ``[0, n)``.

    >>> Grid(t0_s=0.0, interval_s=1800.0, n=4).index(np.array([0.0, 1799.0, 1800.0])).tolist()
    [0, 0, 1]
    """

    t0_s: float
    interval_s: float
    n: int

    def index(self, t_s: FloatArray) -> IntArray:
        """The interval of each instant (may fall outside ``[0, n)``)."""
        return np.floor((np.asarray(t_s, dtype=np.float64) - self.t0_s) / self.interval_s).astype(np.int64)

    def start(self, j: IntArray) -> FloatArray:
        return self.t0_s + np.asarray(j, dtype=np.float64) * self.interval_s


@dataclass(frozen=True, slots=True)
class AgentsSeen:
    """What the records say of the staffing, per flow and interval of a `Grid`.

    - ``agents``: agent-equivalents available for each flow, shape (flows, intervals);
    - ``busy_s``: seconds of handling given to each flow, shape (flows, intervals);
    - ``on_duty``: agent-equivalents available, all flows, shape (intervals,);
    - ``away_s``: seconds agents spent idle within a session while callers of their flows
      waited (not counted available), shape (intervals,);
    - ``shared_s``: busy seconds that agents gave two flows in the same sessions, Σ min(on f,
      on g) over sessions, shape (flows, flows); the diagonal is each flow's busy time (`pools`);
    - ``sessions``: working sessions found; ``agents_named``: distinct agents.
    """

    agents: FloatArray
    busy_s: FloatArray
    on_duty: FloatArray
    away_s: FloatArray
    shared_s: FloatArray
    sessions: int
    agents_named: int
    gap_s: float


def split(start_s: FloatArray, end_s: FloatArray, grid: Grid) -> tuple[IntArray, IntArray, FloatArray]:
    """Cut the periods ``[start, end)`` at the interval boundaries of ``grid``.

    Returns (period index, interval index, seconds) for every piece inside the grid, ordered by
    period, then interval.

    >>> split(np.array([1700.0]), np.array([3700.0]), Grid(0.0, 1800.0, 3))
    (array([0, 0, 0]), array([0, 1, 2]), array([ 100., 1800.,  100.]))
    """
    a = np.asarray(start_s, dtype=np.float64)
    b = np.asarray(end_s, dtype=np.float64)
    first = grid.index(a)
    last = np.maximum(grid.index(np.maximum(b, a) - 1e-9), first)
    rep, j = _expand(first, last - first + 1)
    lo = np.maximum(a[rep], grid.start(j))
    hi = np.minimum(b[rep], grid.start(j + 1))
    seconds = np.maximum(hi - lo, 0.0)
    inside = (j >= 0) & (j < grid.n) & (seconds > 0.0)
    return rep[inside], j[inside], seconds[inside]


def sessions(agent: IntArray, start_s: FloatArray, end_s: FloatArray, *, gap_s: float) -> IntArray:
    """The working session of each busy period: one agent's periods less than ``gap_s`` apart
    (from the end of everything before to the next start) share a session. Sessions are numbered
    from 0 in order of agent, then time.

    >>> sessions(np.array([0, 0, 0, 1]), np.array([0.0, 100.0, 5000.0, 50.0]),
    ...          np.array([60.0, 160.0, 5100.0, 90.0]), gap_s=1800.0).tolist()
    [0, 0, 1, 2]
    """
    return _sessions(agent, start_s, end_s, gap_s=gap_s)[0]


def _sessions(
    agent: IntArray, start_s: FloatArray, end_s: FloatArray, *, gap_s: float
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Sessions (as `sessions`), and the idle gaps inside them: (session, gap start, gap end)."""
    n = agent.size
    if n == 0:
        empty = np.zeros(0)
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), empty, empty
    base = float(start_s.min())
    span = float(np.maximum(end_s, start_s).max()) - base + gap_s + 1.0
    # By agent, then start: one sort of a float key (exact while agents × span stays far below
    # 2⁵³ seconds; a year of a thousand agents is 3·10¹⁰).
    order = np.argsort(agent * span + (start_s - base), kind="stable")
    a, s, e = agent[order], start_s[order], np.maximum(end_s[order], start_s[order])
    # The running latest end within each agent: one cumulative max over ends shifted by agent,
    # so that a new agent always starts above the previous agent's ends.
    rank = np.cumsum(np.concatenate(([0], a[1:] != a[:-1]))).astype(np.float64)
    latest = np.maximum.accumulate((e - base) + rank * span) - rank * span + base
    new = np.ones(n, dtype=bool)
    new[1:] = (a[1:] != a[:-1]) | (s[1:] > latest[:-1] + gap_s)
    ids = np.cumsum(new) - 1
    out = np.empty(n, dtype=np.int64)
    out[order] = ids
    idle = ~new[1:] & (s[1:] > latest[:-1])
    return out, ids[1:][idle], latest[:-1][idle], s[1:][idle]


def merge(start_s: FloatArray, end_s: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The union of the periods ``[start, end)`` as sorted, disjoint periods.

    >>> merge(np.array([5.0, 0.0, 12.0]), np.array([9.0, 6.0, 14.0]))
    (array([ 0., 12.]), array([ 9., 14.]))
    """
    if start_s.size == 0:
        return np.zeros(0), np.zeros(0)
    order = np.argsort(start_s, kind="stable")
    s, e = start_s[order], np.maximum(end_s[order], start_s[order])
    latest = np.maximum.accumulate(e)
    new = np.ones(s.size, dtype=bool)
    new[1:] = s[1:] > latest[:-1]
    first = np.flatnonzero(new)
    last = np.concatenate((first[1:], [s.size])) - 1
    return s[first], latest[last]


def covered(start_s: FloatArray, end_s: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Seconds of each period ``[a, b)`` covered by the sorted disjoint periods ``[start, end)``.

    >>> covered(np.array([0.0, 12.0]), np.array([9.0, 14.0]), np.array([5.0, 0.0]), np.array([13.0, 1.0]))
    array([5., 1.])
    """
    if start_s.size == 0:
        return np.zeros(np.shape(a))
    prefix = np.concatenate(([0.0], np.cumsum(end_s - start_s)))

    def upto(t: FloatArray) -> FloatArray:
        k = np.searchsorted(start_s, t, side="right") - 1
        inside = np.clip(t - start_s[np.maximum(k, 0)], 0.0, (end_s - start_s)[np.maximum(k, 0)])
        return np.where(k >= 0, prefix[np.maximum(k, 0)] + inside, 0.0)

    return np.maximum(upto(np.asarray(b, dtype=np.float64)) - upto(np.asarray(a, dtype=np.float64)), 0.0)


@dataclass(frozen=True, slots=True)
class Waiting:
    """When callers waited: one period ``[start_s, end_s)`` per queued contact that waited, with
    its flow code (arrival to answer or hang-up)."""

    flow: IntArray
    start_s: FloatArray
    end_s: FloatArray


def agents_seen(
    *,
    agent: IntArray,
    flow: IntArray,
    start_s: FloatArray,
    end_s: FloatArray,
    grid: Grid,
    n_flows: int,
    gap_s: float = DEFAULT_GAP_S,
    waiting: Waiting | None = None,
) -> AgentsSeen:
    """Agents available per flow and interval, from who handled what and when (module docstring).

    One entry per answered contact with a known agent: ``agent`` (an integer code ≥ 0),
    ``flow`` (a code in ``[0, n_flows)``), ``start_s`` (answer) and ``end_s`` (answer + handle).
    ``waiting``: when callers waited, per flow (None: never, every idle gap counts available).

    Two agents each answering a 10-minute call at the start of a half hour, one of them again
    at the start of the next: the first agent is seen for 10 minutes, the second from 0 to 40
    minutes (one session), so 1⅓ agents in the first interval and ⅓ in the second.

    >>> seen = agents_seen(agent=np.array([0, 1, 1]), flow=np.array([0, 0, 0]),
    ...     start_s=np.array([0.0, 0.0, 1800.0]), end_s=np.array([600.0, 600.0, 2400.0]),
    ...     grid=Grid(0.0, 1800.0, 2), n_flows=1)
    >>> [round(x, 4) for x in seen.agents[0].tolist()], seen.busy_s[0].tolist()
    ([1.3333, 0.3333], [1200.0, 600.0])

    Had a caller waited from 15 to 30 minutes, the second agent's idle quarter of an hour
    beside that caller would not count: 1 agent in the first interval.

    >>> seen = agents_seen(agent=np.array([0, 1, 1]), flow=np.array([0, 0, 0]),
    ...     start_s=np.array([0.0, 0.0, 1800.0]), end_s=np.array([600.0, 600.0, 2400.0]),
    ...     grid=Grid(0.0, 1800.0, 2), n_flows=1,
    ...     waiting=Waiting(np.array([0]), np.array([900.0]), np.array([1800.0])))
    >>> [round(x, 4) for x in seen.agents[0].tolist()], seen.away_s.tolist()
    ([0.8333, 0.3333], [900.0, 0.0])
    """
    ag = np.asarray(agent, dtype=np.int64)
    fl = np.asarray(flow, dtype=np.int64)
    a = np.asarray(start_s, dtype=np.float64)
    b = np.asarray(end_s, dtype=np.float64)
    if not (ag.shape == fl.shape == a.shape == b.shape) or ag.ndim != 1:
        raise ValueError("agent, flow, start_s and end_s must be one-dimensional, of one length")
    if ag.size and (ag.min() < 0 or fl.min() < 0 or fl.max() >= n_flows):
        raise ValueError("agent codes must be ≥ 0 and flow codes in [0, n_flows)")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("start_s and end_s must be finite")
    if not gap_s >= 0.0:
        raise ValueError(f"gap_s must be ≥ 0, got {gap_s}")
    b = np.maximum(a, b)
    m = grid.n
    zeros = np.zeros((n_flows, m))
    if ag.size == 0:
        return AgentsSeen(
            zeros, zeros.copy(), np.zeros(m), np.zeros(m), np.zeros((n_flows, n_flows)), 0, 0, gap_s
        )

    session, gap_session, gap_start, gap_end = _sessions(ag, a, b, gap_s=gap_s)
    n_sessions = int(session.max()) + 1
    s_start = np.full(n_sessions, np.inf)
    s_end = np.full(n_sessions, -np.inf)
    np.minimum.at(s_start, session, a)
    np.maximum.at(s_end, session, b)

    # Busy seconds per (session, interval, flow), and per flow and interval.
    row, j, secs = split(a, b, grid)
    busy = _accumulate(fl[row], j, secs, n_flows, m)
    keys, inverse = np.unique((session[row] * m + j) * n_flows + fl[row], return_inverse=True)
    busy_sif = np.bincount(inverse, weights=secs)
    si_of_key = keys // n_flows  # (session, interval) of each (session, interval, flow)
    si, si_inverse = np.unique(si_of_key, return_inverse=True)
    busy_si = np.bincount(si_inverse, weights=busy_sif)

    # Busy seconds per (session, flow): the shares of idle intervals, which flows compete for the
    # same agents at the same time, and whose callers an idle agent would have taken.
    sf_keys, sf_inverse = np.unique(session * n_flows + fl, return_inverse=True)
    busy_sf = np.bincount(sf_inverse, weights=b - a).astype(np.float64)
    sess_of_sf = sf_keys // n_flows
    ptr = np.searchsorted(sess_of_sf, np.arange(n_sessions + 1))
    shared = _shared(sf_keys % n_flows, busy_sf, sess_of_sf, ptr, n_flows)

    # Time on duty per (session, interval): the session's span, less idle time beside callers.
    prow, pj, psecs = split(s_start, s_end, grid)
    present_key = prow * m + pj  # sorted: split orders by session, then interval
    away = np.zeros(m)
    if waiting is not None and gap_session.size:
        grow, gj, _ = split(gap_start, gap_end, grid)
        lo = np.maximum(gap_start[grow], grid.start(gj))
        hi = np.minimum(gap_end[grow], grid.start(gj + 1))
        blocked = _blocked(gap_session[grow], lo, hi, sf_keys % n_flows, ptr, waiting)
        away = np.bincount(gj, weights=blocked, minlength=m).astype(np.float64)
        where = np.searchsorted(present_key, gap_session[grow] * m + gj)
        psecs = psecs - np.bincount(where, weights=blocked, minlength=psecs.size)
        psecs = np.maximum(psecs, 0.0)
    on_duty = np.bincount(pj, weights=psecs / grid.interval_s, minlength=m).astype(np.float64)
    presence = np.zeros(si.size)
    where = np.searchsorted(si, present_key)
    found = (where < si.size) & (si[np.minimum(where, si.size - 1)] == present_key)
    presence[where[found]] = psecs[found]
    # Intervals of a session with busy time: shared by that interval's busy time per flow.
    share = busy_sif / busy_si[si_inverse]
    agents = _accumulate(
        keys % n_flows, si_of_key % m, share * presence[si_inverse] / grid.interval_s, n_flows, m
    )

    # Idle intervals of a session: shared by the session's busy time per flow.
    idle = ~found & (psecs > 0.0)
    if np.any(idle):
        busy_total = np.bincount(sess_of_sf, weights=busy_sf, minlength=n_sessions)
        idle_session = prow[idle]
        width = ptr[idle_session + 1] - ptr[idle_session]
        rep, k = _expand(ptr[idle_session], width)
        total = busy_total[idle_session[rep]]
        weight = np.where(total > 0.0, busy_sf[k] / np.where(total > 0.0, total, 1.0), 1.0 / width[rep])
        agents += _accumulate(
            sf_keys[k] % n_flows, pj[idle][rep], weight * psecs[idle][rep] / grid.interval_s, n_flows, m
        )
    return AgentsSeen(
        agents=agents,
        busy_s=busy,
        on_duty=on_duty,
        away_s=away,
        shared_s=shared,
        sessions=n_sessions,
        agents_named=int(np.unique(ag).size),
        gap_s=float(gap_s),
    )


def _blocked(
    session: IntArray, lo: FloatArray, hi: FloatArray, sf_flow: IntArray, ptr: IntArray, waiting: Waiting
) -> FloatArray:
    """Seconds of each idle piece ``[lo, hi)`` of ``session`` during which a caller of one of the
    flows the session served was waiting."""
    out = np.zeros(lo.size)
    merged: dict[int, tuple[FloatArray, FloatArray]] = {}
    for f in np.unique(sf_flow).tolist():
        mine = waiting.flow == f
        merged[f] = merge(waiting.start_s[mine], waiting.end_s[mine])
    # Sessions that served the same flows share one union of waiting periods.
    sets: dict[tuple[int, ...], list[int]] = {}
    for s in np.unique(session).tolist():
        sets.setdefault(tuple(sf_flow[ptr[s] : ptr[s + 1]].tolist()), []).append(s)
    for flows, members in sets.items():
        starts = np.concatenate([merged[f][0] for f in flows])
        ends = np.concatenate([merged[f][1] for f in flows])
        union = merge(starts, ends)
        pick = np.isin(session, members)
        out[pick] = covered(union[0], union[1], lo[pick], hi[pick])
    return out


def pools(shared_s: FloatArray, *, key: list[object | None], share: float = 0.1) -> IntArray:
    """Flows that share their agents, as a pool index per flow.

    Flows ``f`` and ``g`` are in one pool when the busy time their common agents gave both in the
    same sessions, ``shared_s[f, g]``, is at least ``share`` of the smaller flow's busy time —
    and their ``key`` (channel, threshold, concurrency: what the queue model needs alike) is the
    same and not None. Pools are closed under the relation (a chain links them all) and numbered
    by their first flow.

    >>> shared = np.array([[100.0, 40.0, 0.0], [40.0, 50.0, 0.0], [0.0, 0.0, 70.0]])
    >>> pools(shared, key=["voice", "voice", "voice"]).tolist()
    [0, 0, 2]
    """
    n = shared_s.shape[0]
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for f in range(n):
        for g in range(f + 1, n):
            if key[f] is None or key[f] != key[g]:
                continue
            smaller = min(shared_s[f, f], shared_s[g, g])
            if smaller > 0.0 and shared_s[f, g] >= share * smaller:
                rf, rg = root(f), root(g)
                parent[max(rf, rg)] = min(rf, rg)
    return np.array([root(i) for i in range(n)], dtype=np.int64)


def _shared(flow: IntArray, busy: FloatArray, session: IntArray, ptr: IntArray, n_flows: int) -> FloatArray:
    """Σ over sessions of min(busy on f, busy on g), for every pair of flows (busy on f on the
    diagonal); ``flow``, ``busy`` are per (session, flow), sorted by session, ``ptr`` its offsets."""
    rep, k = _expand(ptr[session], ptr[session + 1] - ptr[session])
    pair = np.minimum(busy[rep], busy[k])
    return _accumulate(flow[rep], flow[k], pair, n_flows, n_flows)


def _expand(first: IntArray, width: IntArray) -> tuple[IntArray, IntArray]:
    """For each i, the indices first[i] … first[i] + width[i] − 1: (i repeated, index)."""
    rep = np.repeat(np.arange(first.size, dtype=np.int64), width)
    k = first[rep] + (np.arange(rep.size, dtype=np.int64) - np.repeat(np.cumsum(width) - width, width))
    return rep, k


def _accumulate(row: IntArray, col: IntArray, weights: FloatArray, n_rows: int, n_cols: int) -> FloatArray:
    """Σ weights per (row, col), as a (n_rows, n_cols) array."""
    flat = np.bincount(row * n_cols + col, weights=weights, minlength=n_rows * n_cols)
    return np.asarray(flat, dtype=np.float64).reshape(n_rows, n_cols)
