"""The event loop: contacts, queues and agents of several pools, in flat arrays for Numba.

Unlike the single-queue kernel (`arbitre.staffing.queue`), a contact's fate here depends on
contacts that arrive after it (a later contact of a higher-priority flow, or one that overflows
into its pool), so the loop is a true discrete-event simulation. Events, in the order they are
processed at equal times:

1. duty changes (an agent comes on or goes off duty), from a sorted array;
2. service completions, from a binary heap keyed by (time, agent);
3. overflow entries (a contact becomes eligible in the pool of a later route step), one pending
   entry per queue in the same heap, after the completions;
4. arrivals, from the sorted contact arrays.

Abandonments need no event: an abandoned contact changes nothing but its own record, so a
contact whose patience has run out is dropped (and marked abandoned) when an agent looks at it,
and the rest are settled after the loop. Likewise a contact that has moved on (``move`` steps)
is dropped from a queue when it reaches the head.

Queues: one FIFO per (pool, flow, step delay, step end) — "queue" below — holding the contacts
routed there in arrival order. Since every contact of a queue enters it the same delay after its
arrival, the FIFO order is the arrival order, so it is a static list (built before the loop by a
counting sort) walked by two cursors: ``tail`` (contacts that have entered) and ``head`` (contacts
before it are gone: served, abandoned or moved). A free agent takes, among the heads of its
pool's queues, the highest priority, then the earliest arrival, then the lowest index. An
arriving or overflowing contact takes the longest-idle agent of the first pool of its step list
that has one; idle agents wait in a FIFO per pool.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

from arbitre._types import BoolArray, FloatArray, IntArray

Int8Array = npt.NDArray[np.int8]

# Agent states.
_OFF = 0  # off duty, idle
_IDLE = 1  # on duty, idle
_BUSY = 2  # on duty, serving
_BUSY_OFF = 3  # serving past the end of the duty window: leaves when done

# Contact states.
_WAITING = 0  # waiting, or not arrived yet
_SERVED = 1
_ABANDONED = 2


@dataclass(frozen=True, slots=True)
class Network:
    """Pools, agents and routes as flat arrays (`network.compile_scenario` builds it).

    - Route ``r`` is the steps ``route_ptr[r]`` to ``route_ptr[r+1] - 1``, ordered by delay; step
      ``s`` queues the contact in ``step_queue[s]``.
    - Queue ``q`` belongs to pool ``queue_pool[q]`` and serves at priority ``queue_priority[q]``
      (higher first); a contact in it is eligible while ``delay_s[q] ≤ wait < until_s[q]``.
    - Agent ``k`` belongs to pool ``agent_pool[k]`` and is on duty in the windows
      ``[duty_start_s[w], duty_end_s[w])`` with ``duty_agent[w] == k`` (disjoint, not touching).
    """

    n_pools: int
    route_ptr: IntArray
    step_queue: IntArray
    queue_pool: IntArray
    queue_priority: IntArray
    queue_delay_s: FloatArray
    queue_until_s: FloatArray
    agent_pool: IntArray
    duty_agent: IntArray
    duty_start_s: FloatArray
    duty_end_s: FloatArray

    @property
    def n_routes(self) -> int:
        return int(self.route_ptr.shape[0] - 1)

    @property
    def n_queues(self) -> int:
        return int(self.queue_pool.shape[0])

    @property
    def n_agents(self) -> int:
        return int(self.agent_pool.shape[0])


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to each contact, aligned with the arrays given to `run_network`.

    Served: ``start_s``, ``end_s = start_s + service_s``, the ``agent`` and its ``pool``.
    Abandoned: ``end_s = arrival_s + patience_s``, ``pool`` the one it was last offered to (the
    latest step active at that wait), ``agent`` -1. Never served nor abandoned (infinite patience,
    nobody left on duty): ``start_s`` and ``end_s`` NaN, ``pool`` as for an abandon.
    """

    start_s: FloatArray
    end_s: FloatArray
    abandoned: BoolArray
    agent: IntArray
    pool: IntArray

    @property
    def served(self) -> BoolArray:
        return ~np.isnan(self.start_s)


def run_network(
    network: Network,
    *,
    arrival_s: FloatArray,
    service_s: FloatArray,
    patience_s: FloatArray,
    route: IntArray,
) -> Outcome:
    """Simulate the contacts through ``network``; times in seconds from the scenario start.

    Contact ``i`` arrives at ``arrival_s[i]`` (sorted ascending), needs ``service_s[i]`` of one
    agent and waits at most ``patience_s[i]`` (``inf``: never gives up; a wait equal to the
    patience is served) along route ``route[i]``. An agent starts a contact only while on duty and
    finishes a contact in progress when the window ends. Nobody serves after the last window:
    contacts still waiting then abandon if their patience is finite.

    Example: one pool of one agent, two calls; the second waits for the first to end.

    >>> from arbitre.staffing.simulation.network import single_pool_network
    >>> net = single_pool_network(agents=np.array([1]), interval_s=3600.0)
    >>> out = run_network(net, arrival_s=np.array([0.0, 1.0]), service_s=np.array([5.0, 2.0]),
    ...     patience_s=np.array([np.inf, np.inf]), route=np.zeros(2, dtype=np.int64))
    >>> out.start_s.tolist(), out.end_s.tolist(), out.agent.tolist()
    ([0.0, 5.0], [5.0, 7.0], [0, 0])
    """
    arrival = np.ascontiguousarray(arrival_s, dtype=np.float64)
    service = np.ascontiguousarray(service_s, dtype=np.float64)
    patience = np.ascontiguousarray(patience_s, dtype=np.float64)
    routes = np.ascontiguousarray(route, dtype=np.int64)
    network = _canonical(network)
    _validate(network, arrival, service, patience, routes)

    # Duty changes as one sorted stream: time, then off before on, then agent.
    n_w = network.duty_agent.shape[0]
    times = np.concatenate((network.duty_start_s, network.duty_end_s))
    agents = np.concatenate((network.duty_agent, network.duty_agent))
    on = np.concatenate((np.ones(n_w, dtype=np.int64), np.zeros(n_w, dtype=np.int64)))
    order = np.lexsort((agents, on, times))

    # Queues of each pool, and the static FIFO of each queue.
    pool_q_order = np.argsort(network.queue_pool, kind="stable")
    pool_q_ptr = np.zeros(network.n_pools + 1, dtype=np.int64)
    np.cumsum(np.bincount(network.queue_pool, minlength=network.n_pools), out=pool_q_ptr[1:])
    if network.n_queues == 1 and network.step_queue.shape[0] == network.n_routes:
        # One queue, one step per route (a single-queue study): the queue is every contact.
        q_start, qlist = np.array([0, arrival.shape[0]], dtype=np.int64), np.arange(arrival.shape[0])
    else:
        q_start, qlist = _queue_lists(routes, network.route_ptr, network.step_queue, network.n_queues)

    n = arrival.shape[0]
    # The loop fills these for served contacts and its last pass for the others.
    start = np.empty(n)
    end = np.empty(n)
    agent = np.empty(n, dtype=np.int64)
    pool = np.empty(n, dtype=np.int64)
    state = np.zeros(n, dtype=np.int8)
    _loop(
        arrival,
        service,
        patience,
        routes,
        network.route_ptr,
        network.step_queue,
        network.queue_pool,
        network.queue_priority,
        network.queue_delay_s,
        network.queue_until_s,
        pool_q_ptr,
        pool_q_order.astype(np.int64),
        network.agent_pool,
        np.ascontiguousarray(times[order]),
        np.ascontiguousarray(agents[order]),
        np.ascontiguousarray(on[order]),
        q_start,
        qlist,
        start,
        end,
        agent,
        pool,
        state,
        *_work(network),
    )
    return Outcome(start_s=start, end_s=end, abandoned=state == _ABANDONED, agent=agent, pool=pool)


def _canonical(net: Network) -> Network:
    """The network with int64 and float64 contiguous arrays (the one signature the loop is
    compiled for)."""

    def i64(x: npt.ArrayLike) -> IntArray:
        return np.ascontiguousarray(x, dtype=np.int64)

    def f64(x: npt.ArrayLike) -> FloatArray:
        return np.ascontiguousarray(x, dtype=np.float64)

    return Network(
        n_pools=int(net.n_pools),
        route_ptr=i64(net.route_ptr),
        step_queue=i64(net.step_queue),
        queue_pool=i64(net.queue_pool),
        queue_priority=i64(net.queue_priority),
        queue_delay_s=f64(net.queue_delay_s),
        queue_until_s=f64(net.queue_until_s),
        agent_pool=i64(net.agent_pool),
        duty_agent=i64(net.duty_agent),
        duty_start_s=f64(net.duty_start_s),
        duty_end_s=f64(net.duty_end_s),
    )


def _work(net: Network) -> tuple[npt.NDArray[Any], ...]:
    """Scratch arrays of the loop: agents' states, the idle FIFOs, queue cursors, the heap."""
    n_agents, n_queues, n_pools = net.n_agents, net.n_queues, net.n_pools
    # Idle FIFO of each pool: room for every agent twice (stale entries) plus one.
    ring_cap = 2 * np.bincount(net.agent_pool, minlength=n_pools).astype(np.int64) + 1
    ring_off = np.zeros(n_pools, dtype=np.int64)
    np.cumsum(ring_cap[:-1], out=ring_off[1:])
    total = int(ring_cap.sum())
    return (
        np.zeros(n_agents, dtype=np.int64),  # agent_state
        np.zeros(n_agents, dtype=np.int64),  # agent_token
        np.zeros(total, dtype=np.int64),  # ring_agent
        np.zeros(total, dtype=np.int64),  # ring_token
        ring_off,
        ring_cap,
        np.zeros(n_pools, dtype=np.int64),  # ring_head
        np.zeros(n_pools, dtype=np.int64),  # ring_cnt
        np.zeros(n_queues, dtype=np.int64),  # q_head
        np.zeros(n_queues, dtype=np.int64),  # q_tail
        np.zeros(n_queues, dtype=np.bool_),  # q_pending
        np.empty(n_agents + n_queues + 1),  # heap times
        np.empty(n_agents + n_queues + 1, dtype=np.int64),  # heap ids
        np.empty(n_queues + 1, dtype=np.int64),  # queues to schedule
    )


def _validate(
    net: Network, arrival: FloatArray, service: FloatArray, patience: FloatArray, route: IntArray
) -> None:
    n = arrival.shape[0]
    if not (arrival.ndim == service.ndim == patience.ndim == route.ndim == 1):
        raise ValueError("arrival_s, service_s, patience_s and route must be one-dimensional")
    if not (service.shape[0] == patience.shape[0] == route.shape[0] == n):
        raise ValueError("arrival_s, service_s, patience_s and route must have one length")
    if not np.all(np.isfinite(arrival)):
        raise ValueError("arrival_s must be finite")
    if n > 1 and not np.all(arrival[1:] >= arrival[:-1]):
        raise ValueError("arrival_s must be sorted ascending")
    if not np.all(np.isfinite(service) & (service >= 0.0)):
        raise ValueError("service_s must be finite and ≥ 0")
    if not np.all(patience >= 0.0):
        raise ValueError("patience_s must be ≥ 0 (inf for never)")
    if n and (route.min() < 0 or route.max() >= net.n_routes):
        raise ValueError(f"route must be in [0, {net.n_routes})")
    if np.any(np.diff(net.route_ptr) < 1):
        raise ValueError("every route needs at least one step")
    q = net.n_queues
    if net.step_queue.size and (net.step_queue.min() < 0 or net.step_queue.max() >= q):
        raise ValueError(f"step_queue must be in [0, {q})")
    if q and (net.queue_pool.min() < 0 or net.queue_pool.max() >= net.n_pools):
        raise ValueError(f"queue_pool must be in [0, {net.n_pools})")
    if not np.all((net.queue_delay_s >= 0) & (net.queue_until_s > net.queue_delay_s)):
        raise ValueError("queues need 0 ≤ delay_s < until_s")
    first = net.route_ptr[:-1]
    if np.any(net.queue_delay_s[net.step_queue[first]] != 0.0):
        raise ValueError("the first step of every route must have delay 0")
    if net.agent_pool.size and (net.agent_pool.min() < 0 or net.agent_pool.max() >= net.n_pools):
        raise ValueError(f"agent_pool must be in [0, {net.n_pools})")
    if net.duty_agent.size and (net.duty_agent.min() < 0 or net.duty_agent.max() >= net.n_agents):
        raise ValueError(f"duty_agent must be in [0, {net.n_agents})")
    if not np.all(net.duty_end_s > net.duty_start_s):
        raise ValueError("duty windows must end after they start")
    order = np.lexsort((net.duty_start_s, net.duty_agent))
    same = net.duty_agent[order][1:] == net.duty_agent[order][:-1]
    if np.any(same & (net.duty_start_s[order][1:] <= net.duty_end_s[order][:-1])):
        raise ValueError("duty windows of one agent must be disjoint and not touch (merge them)")


@njit(cache=True)
def _queue_lists(
    route: IntArray, route_ptr: IntArray, step_queue: IntArray, n_queues: int
) -> tuple[IntArray, IntArray]:
    """Counting sort of (contact, step) by queue: each queue's contacts in arrival order."""
    count = np.zeros(n_queues + 1, dtype=np.int64)
    for i in range(route.shape[0]):
        r = route[i]
        for s in range(route_ptr[r], route_ptr[r + 1]):
            count[step_queue[s] + 1] += 1
    for q in range(n_queues):
        count[q + 1] += count[q]
    q_start = count.copy()
    fill = count[:-1].copy()
    qlist = np.empty(count[n_queues], dtype=np.int64)
    for i in range(route.shape[0]):
        r = route[i]
        for s in range(route_ptr[r], route_ptr[r + 1]):
            q = step_queue[s]
            qlist[fill[q]] = i
            fill[q] += 1
    return q_start, qlist


@njit(cache=True)
def _before(t1: float, i1: int, t2: float, i2: int) -> bool:
    """Heap order: by time, then id (completions, id = agent, before entries, id = n_agents + q)."""
    return t1 < t2 or (t1 == t2 and i1 < i2)


# The loop is one function on purpose: a jitted helper that takes arrays increments and
# decrements their reference counts (atomic operations) on every call, which cost a third of the
# run time when the heap, the idle FIFOs and the queue scan were helpers.
@njit(cache=True)
def _loop(
    arrival: FloatArray,
    service: FloatArray,
    patience: FloatArray,
    route: IntArray,
    route_ptr: IntArray,
    step_queue: IntArray,
    q_pool: IntArray,
    q_prio: IntArray,
    q_delay: FloatArray,
    q_until: FloatArray,
    pool_q_ptr: IntArray,
    pool_q: IntArray,
    agent_pool: IntArray,
    duty_t: FloatArray,
    duty_k: IntArray,
    duty_on: IntArray,
    q_start: IntArray,
    qlist: IntArray,
    start: FloatArray,
    end: FloatArray,
    agent_out: IntArray,
    pool_out: IntArray,
    state: Int8Array,
    agent_state: IntArray,
    agent_token: IntArray,
    ring_agent: IntArray,
    ring_token: IntArray,
    ring_off: IntArray,
    ring_cap: IntArray,
    ring_head: IntArray,
    ring_cnt: IntArray,
    q_head: IntArray,
    q_tail: IntArray,
    q_pending: BoolArray,
    ht: FloatArray,
    hid: IntArray,
    sched: IntArray,
) -> None:
    n = arrival.shape[0]
    n_agents = agent_pool.shape[0]
    n_duty = duty_t.shape[0]
    inf = math.inf
    hsize = 0
    ia = 0  # next arrival
    idu = 0  # next duty change
    while True:
        ta = arrival[ia] if ia < n else inf
        td = duty_t[idu] if idu < n_duty else inf
        th = ht[0] if hsize > 0 else inf
        if td == inf and th == inf and ta == inf:
            break
        avail = -1  # an agent free to take work now
        serve_i = -1  # a contact that starts now ...
        serve_k = -1  # ... with this agent
        pop_top = False  # the heap's top event is consumed
        n_sched = 0  # queues whose next overflow entry must be (re)scheduled
        if td <= th and td <= ta:
            # --- duty change -------------------------------------------------------------------
            now = td
            k = duty_k[idu]
            s = agent_state[k]
            if duty_on[idu] == 1:
                if s == _BUSY_OFF:
                    agent_state[k] = _BUSY
                elif s == _OFF:
                    avail = k
            elif s == _IDLE:
                agent_state[k] = _OFF  # its entry in the idle FIFO is now stale
            elif s == _BUSY:
                agent_state[k] = _BUSY_OFF
            idu += 1
        elif th <= ta:
            now = th
            pop_top = True
            x = hid[0]
            if x < n_agents:
                # --- service completion --------------------------------------------------------
                if agent_state[x] == _BUSY_OFF:
                    agent_state[x] = _OFF
                else:
                    avail = x
            else:
                # --- overflow entry: the next contact of queue q becomes eligible -------------
                q = x - n_agents
                i = qlist[q_start[q] + q_tail[q]]
                q_tail[q] += 1
                if state[i] == _WAITING and now - arrival[i] <= patience[i]:
                    p = q_pool[q]
                    while ring_cnt[p] > 0:  # the longest-idle agent of p, skipping stale entries
                        at = ring_off[p] + ring_head[p]
                        k = ring_agent[at]
                        ring_head[p] = ring_head[p] + 1 if ring_head[p] + 1 < ring_cap[p] else 0
                        ring_cnt[p] -= 1
                        if agent_state[k] == _IDLE and agent_token[k] == ring_token[at]:
                            serve_i = i
                            serve_k = k
                            state[i] = _SERVED
                            break
                sched[n_sched] = q
                n_sched += 1
        else:
            # --- arrival ---------------------------------------------------------------------
            now = ta
            i = ia
            ia += 1
            r = route[i]
            for st in range(route_ptr[r], route_ptr[r + 1]):
                q = step_queue[st]
                if q_delay[q] == 0.0:
                    q_tail[q] += 1
                    if serve_i < 0:
                        p = q_pool[q]
                        while ring_cnt[p] > 0:
                            at = ring_off[p] + ring_head[p]
                            k = ring_agent[at]
                            ring_head[p] = ring_head[p] + 1 if ring_head[p] + 1 < ring_cap[p] else 0
                            ring_cnt[p] -= 1
                            if agent_state[k] == _IDLE and agent_token[k] == ring_token[at]:
                                serve_i = i
                                serve_k = k
                                state[i] = _SERVED
                                break
                elif not q_pending[q]:
                    # Every earlier contact of q has entered or been skipped: i is next.
                    sched[n_sched] = q
                    n_sched += 1

        if avail >= 0:
            # --- a free agent takes the best eligible head of its pool's queues, or waits -------
            p = agent_pool[avail]
            best = -1
            best_q = -1
            best_prio = 0
            for j in range(pool_q_ptr[p], pool_q_ptr[p + 1]):
                q = pool_q[j]
                base = q_start[q]
                h = q_head[q]
                tail = q_tail[q]
                found = -1
                while h < tail:
                    i = qlist[base + h]
                    if state[i] != _WAITING:
                        h += 1
                    elif now - arrival[i] > patience[i]:
                        state[i] = _ABANDONED
                        h += 1
                    elif arrival[i] + q_delay[q] > now:
                        break  # not entered yet, nor anyone behind it
                    elif arrival[i] + q_until[q] <= now:
                        h += 1  # moved on to a later step's pool
                    else:
                        found = i
                        break
                q_head[q] = h
                if found >= 0:
                    pr = q_prio[q]
                    if (
                        best < 0
                        or pr > best_prio
                        or (
                            pr == best_prio
                            and (
                                arrival[found] < arrival[best]
                                or (arrival[found] == arrival[best] and found < best)
                            )
                        )
                    ):
                        best = found
                        best_q = q
                        best_prio = pr
            if best >= 0:
                q_head[best_q] += 1
                serve_i = best
                serve_k = avail
                state[best] = _SERVED
            else:
                agent_state[avail] = _IDLE
                agent_token[avail] += 1
                cap = ring_cap[p]
                off = ring_off[p]
                if ring_cnt[p] == cap:
                    # Full of stale entries (agents gone off duty while idle): keep the valid ones.
                    w = 0
                    for j in range(ring_cnt[p]):
                        at = off + (ring_head[p] + j) % cap
                        a = ring_agent[at]
                        if agent_state[a] == _IDLE and agent_token[a] == ring_token[at]:
                            to = off + (ring_head[p] + w) % cap
                            ring_agent[to] = a
                            ring_token[to] = ring_token[at]
                            w += 1
                    ring_cnt[p] = w
                at = off + (ring_head[p] + ring_cnt[p]) % cap
                ring_agent[at] = avail
                ring_token[at] = agent_token[avail]
                ring_cnt[p] += 1

        # --- heap: remove the consumed top and/or add the new completion ---------------------
        if serve_i >= 0:
            t_new = now + service[serve_i]
            start[serve_i] = now
            end[serve_i] = t_new
            agent_out[serve_i] = serve_k
            pool_out[serve_i] = agent_pool[serve_k]
            agent_state[serve_k] = _BUSY
        if pop_top:
            if serve_i >= 0:
                t_new_id = serve_k  # replace the top by the new completion
            else:
                hsize -= 1
                t_new = ht[hsize]
                t_new_id = hid[hsize]
            if hsize > 0:
                pos = 0
                while True:  # sift down
                    c = 2 * pos + 1
                    if c >= hsize:
                        break
                    if c + 1 < hsize and _before(ht[c + 1], hid[c + 1], ht[c], hid[c]):
                        c += 1
                    if not _before(ht[c], hid[c], t_new, t_new_id):
                        break
                    ht[pos] = ht[c]
                    hid[pos] = hid[c]
                    pos = c
                ht[pos] = t_new
                hid[pos] = t_new_id
        elif serve_i >= 0:
            pos = hsize
            hsize += 1
            while pos > 0:  # sift up
                parent = (pos - 1) >> 1
                if _before(ht[parent], hid[parent], t_new, serve_k):
                    break
                ht[pos] = ht[parent]
                hid[pos] = hid[parent]
                pos = parent
            ht[pos] = t_new
            hid[pos] = serve_k

        # --- schedule the next overflow entry of the queues that need one --------------------
        for j in range(n_sched):
            q = sched[j]
            base = q_start[q]
            length = q_start[q + 1] - base
            d = q_delay[q]
            q_pending[q] = False
            while q_tail[q] < length:
                i = qlist[base + q_tail[q]]
                if i >= ia:
                    break  # not arrived yet: its arrival will schedule it
                t_e = arrival[i] + d
                if state[i] != _WAITING or t_e - arrival[i] > patience[i]:
                    q_tail[q] += 1  # served already, or gone before it would enter
                    continue
                q_pending[q] = True
                e_id = n_agents + q
                pos = hsize
                hsize += 1
                while pos > 0:
                    parent = (pos - 1) >> 1
                    if _before(ht[parent], hid[parent], t_e, e_id):
                        break
                    ht[pos] = ht[parent]
                    hid[pos] = hid[parent]
                    pos = parent
                ht[pos] = t_e
                hid[pos] = e_id
                break

    # --- settle: abandons, and contacts nobody served -------------------------------------------
    for i in range(n):
        if state[i] == _SERVED:
            continue
        start[i] = math.nan
        agent_out[i] = -1
        if patience[i] < inf:
            state[i] = _ABANDONED
            end[i] = arrival[i] + patience[i]
        else:
            state[i] = _WAITING
            end[i] = math.nan
        # The pool it was last offered to: the latest step active at the wait it left with.
        w = patience[i]
        r = route[i]
        last = step_queue[route_ptr[r]]
        for st in range(route_ptr[r], route_ptr[r + 1]):
            q = step_queue[st]
            if q_delay[q] <= w and (w < q_until[q] or q_until[q] == inf):
                last = q
        pool_out[i] = q_pool[last]
