"""The allocation as a mixed-integer program: columns, rows, exact reductions, a starting plan.

docs/decision.md gives the formulation. Columns: ``x`` (a block at a site, for the eligible
pairs only), ``y`` (a site is used), ``z`` (a site takes some of a flow); all binary. The rows
are built as triplets, vectorised, and handed to `arbitre.mip.solve_mip`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.decision.problem import AllocationProblem
from arbitre.mip import MipResult, solve_mip

INTERNAL = 0  # index of the in-house team in `AllocationProblem.sites`
# Agents and contacts are compared with this slack, as HiGHS compares rows (its primal
# feasibility tolerance is 1e-7): a plan that fits to 1e-6 agents fits.
TOL = 1e-6


@dataclass(frozen=True, slots=True)
class Program:
    """The MIP as triplets. Columns: x (eligible block × site pairs), y (sites), z (flow × site)."""

    xb: IntArray  # block of each x column
    xs: IntArray  # site of each x column
    zf: IntArray  # flow index of each z column
    zs: IntArray  # site of each z column
    n_sites: int
    cost: FloatArray
    rows: IntArray
    cols: IntArray
    vals: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray

    @property
    def n_cols(self) -> int:
        return len(self.cost)

    @staticmethod
    def build(p: AllocationProblem, *, lifted: frozenset[str]) -> Program:
        """Assemble the program, without the constraint families in ``lifted`` (diagnosis)."""
        n_s = len(p.sites)
        flow_index = {f: i for i, f in enumerate(p.flows)}
        bf = np.array([flow_index[b.flow] for b in p.blocks], dtype=np.int64)
        contacts = np.array([b.contacts_per_month for b in p.blocks])
        eligible = np.isfinite(p.cost) if "keep_in_house" in lifted else p.eligible()
        if "capacity" not in lifted:
            # a block that alone needs more agents than a site has in some interval cannot go there
            need = np.where(eligible[:, :, None], p.agents, 0.0)
            eligible &= np.all(need <= p.capacity[None, :, :] + TOL, axis=2)
        if "min_contacts" not in lifted:
            # a site cannot take part of a flow whose eligible blocks together fall short of its minimum
            reach = np.zeros((len(flow_index), n_s))
            np.add.at(reach, bf, eligible * contacts[:, None])
            eligible &= ~(reach < p.min_contacts_per_flow[None, :] - TOL)[bf]
        xb, xs = (a.astype(np.int64) for a in np.nonzero(eligible))
        nx = len(xb)
        zkeys, x_z = np.unique(bf[xb] * n_s + xs, return_inverse=True)
        zf, zs = zkeys // n_s, zkeys % n_s
        nz = len(zkeys)
        col_y = nx + np.arange(n_s)
        col_z = nx + n_s + np.arange(nz)
        rows: list[IntArray] = []
        cols: list[IntArray] = []
        vals: list[FloatArray] = []
        lo: list[FloatArray] = []
        hi: list[FloatArray] = []
        n_rows = 0

        def add(r: IntArray, c: IntArray, v: FloatArray, low: FloatArray, high: FloatArray) -> None:
            nonlocal n_rows
            rows.append(r + n_rows)
            cols.append(c)
            vals.append(v)
            lo.append(low)
            hi.append(high)
            n_rows += len(low)

        ones_x = np.ones(nx)
        # each block at exactly one site
        add(xb, np.arange(nx), ones_x, np.ones(len(p.blocks)), np.ones(len(p.blocks)))
        # x[b,s] ≤ z[f(b),s]: a site takes part of a flow if it takes one of its blocks
        r = np.arange(nx)
        add(np.concatenate([r, r]), np.concatenate([np.arange(nx), col_z[x_z]]),
            np.concatenate([ones_x, -ones_x]), np.full(nx, -np.inf), np.zeros(nx))  # fmt: skip
        # z[f,s] ≤ Σ_b x[b,s]: … and only then (z is exactly "takes some of the flow")
        add(np.concatenate([np.arange(nz), x_z]), np.concatenate([col_z, np.arange(nx)]),
            np.concatenate([np.ones(nz), -ones_x]), np.full(nz, -np.inf), np.zeros(nz))  # fmt: skip
        # z[f,s] ≤ y[s]: a site that takes a flow is used
        r = np.arange(nz)
        add(np.concatenate([r, r]), np.concatenate([col_z, col_y[zs]]),
            np.concatenate([np.ones(nz), -np.ones(nz)]), np.full(nz, -np.inf), np.zeros(nz))  # fmt: skip
        if "capacity" not in lifted:
            add(*_capacity_rows(p, xb=xb, xs=xs, col_y=col_y))
        if "max_share" not in lifted and p.max_share < 1:
            limit = p.max_share * float(contacts.sum())
            for s in range(1, n_s):
                at = np.flatnonzero(xs == s)
                if contacts[xb[at]].sum() > limit + TOL:
                    add(
                        np.zeros(len(at), dtype=np.int64),
                        at,
                        contacts[xb[at]],
                        np.array([-np.inf]),
                        np.array([limit]),
                    )
        if "min_contacts" not in lifted:
            # Σ_b min(c_b, m) x[b,s] ≥ m z[f,s]: a block that alone reaches the minimum counts for m
            # (the same integer points as Σ c x ≥ m z, a tighter relaxation)
            for j in np.flatnonzero(p.min_contacts_per_flow[zs] > 0):
                m = p.min_contacts_per_flow[zs[j]]
                at = np.flatnonzero(x_z == j)
                add(np.zeros(len(at) + 1, dtype=np.int64), np.append(at, col_z[j]),
                    np.append(np.minimum(contacts[xb[at]], m), -m), np.zeros(1), np.array([np.inf]))  # fmt: skip
        cost = np.concatenate([p.cost[xb, xs], p.fixed_cost, np.zeros(nz)])
        return Program(
            xb=xb,
            xs=xs,
            zf=zf,
            zs=zs,
            n_sites=n_s,
            cost=cost,
            rows=np.concatenate(rows),
            cols=np.concatenate(cols),
            vals=np.concatenate(vals),
            row_lower=np.concatenate(lo),
            row_upper=np.concatenate(hi),
        )

    def solve(
        self, *, time_limit_s: float, mip_gap: float, start: FloatArray | None, feasibility: bool = False
    ) -> MipResult:
        n = self.n_cols
        return solve_mip(
            cost=np.zeros(n) if feasibility else self.cost,
            lower=np.zeros(n),
            upper=np.ones(n),
            integer=np.ones(n, dtype=np.bool_),
            rows=self.rows,
            cols=self.cols,
            vals=self.vals,
            row_lower=self.row_lower,
            row_upper=self.row_upper,
            start=start,
            time_limit_s=time_limit_s,
            mip_gap=mip_gap,
        )

    def sites_of(self, x: FloatArray) -> IntArray:
        """The site of each block from a solution."""
        taken = x[: len(self.xb)] > 0.5
        site = np.full(int(self.xb.max()) + 1, -1, dtype=np.int64)
        site[self.xb[taken]] = self.xs[taken]
        return site


def _capacity_rows(
    p: AllocationProblem, *, xb: IntArray, xs: IntArray, col_y: IntArray
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
    """Σ_b agents[b,s,i] x[b,s] − capacity[s,i] y[s] ≤ 0 where the capacity is finite and could bind."""
    need = p.agents[xb, xs, :]  # (x columns, intervals)
    load = np.zeros_like(p.capacity)
    np.add.at(load, xs, need)
    # (a capacity of 0 binds nothing left: blocks needing agents there were made ineligible)
    binds = np.isfinite(p.capacity) & (p.capacity > 0) & (load > p.capacity + TOL)
    for s in np.flatnonzero(binds.any(axis=1)):
        binds[s, binds[s]] = ~_dominated(need[xs == s][:, binds[s]] / p.capacity[s, binds[s]])
    row_of = np.full(p.capacity.shape, -1, dtype=np.int64)
    row_of[binds] = np.arange(int(binds.sum()))
    xi, ii = np.nonzero((need > 0) & binds[xs, :])
    s_rows, s_int = np.nonzero(binds)
    r = np.concatenate([row_of[xs[xi], ii], row_of[s_rows, s_int]])
    c = np.concatenate([xi, col_y[s_rows]])
    v = np.concatenate([need[xi, ii], -p.capacity[s_rows, s_int]])
    n = int(binds.sum())
    return r, c, v, np.full(n, -np.inf), np.zeros(n)


def _dominated(share: FloatArray) -> BoolArray:
    """Which columns (intervals) of ``share`` (blocks × intervals: agents ÷ capacity) are implied.

    Interval ``i`` is implied by ``j`` when every block takes at least as large a share of the
    capacity in ``j`` as in ``i``: Σ share_i·x ≤ Σ share_j·x ≤ y. Its row can go; of equal
    columns the first is kept. A site's busy half-hours usually imply the quiet ones: on the
    benchmark of docs/decision.md some 150–215 capacity rows remain of the 1,680 (exact: the
    optimum does not change, the branch and bound has much less to carry).
    """
    n = share.shape[1]
    out = np.zeros(n, dtype=np.bool_)
    if n < 2:
        return out
    order = np.argsort(-share.sum(axis=0), kind="stable")  # a column is implied only by a heavier one
    kept: list[int] = []
    for i in order:
        col = share[:, i : i + 1]
        if kept and np.any(np.all(share[:, kept] >= col - 1e-12, axis=0)):
            out[i] = True
        else:
            kept.append(int(i))
    return out


def all_in_house_feasible(p: AllocationProblem) -> bool:
    """Whether keeping every block in-house meets every constraint (eligibility, capacity, minimum)."""
    if not p.blocks:
        return True
    if not np.all(np.isfinite(p.cost[:, INTERNAL])):
        return False
    load = p.agents[:, INTERNAL, :].sum(axis=0)
    if np.any(load > p.capacity[INTERNAL] + TOL):
        return False
    floor = p.min_contacts_per_flow[INTERNAL]
    if floor > 0:
        totals: dict[str, float] = {}
        for b in p.blocks:
            totals[b.flow] = totals.get(b.flow, 0.0) + b.contacts_per_month
        if any(v < floor - TOL for v in totals.values()):
            return False
    return True


def all_in_house_start(p: AllocationProblem, model: Program) -> FloatArray | None:
    """The all-in-house plan as a starting solution for HiGHS, when it is feasible."""
    if not all_in_house_feasible(p):
        return None
    x = (model.xs == INTERNAL).astype(np.float64)
    y = np.zeros(model.n_sites)
    y[INTERNAL] = 1.0
    z = (model.zs == INTERNAL).astype(np.float64)
    return np.concatenate([x, y, z])
