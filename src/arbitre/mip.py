"""The one place Arbitre speaks to HiGHS: a typed, thin wrapper over highspy.

``highspy`` carries few annotations; everything past this module sees numpy arrays and a
`MipResult`. The model is handed over column-wise in one call, silent, with a fixed random seed
(same answer on every run) and a time limit. The decision's allocation
(`arbitre.decision.program`) and the shift scheduler (`arbitre.staffing.shifts_mip`) use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray


@dataclass(frozen=True, slots=True)
class MipResult:
    """What HiGHS answered.

    ``status``: ``optimal`` (proved within the gap), ``time_limit`` (a solution, not proved
    optimal), ``infeasible`` (proved to have none), ``no_solution`` (stopped before finding one),
    or HiGHS's own status in snake case for anything else. ``x`` is None when there is no
    solution; ``bound`` is the proved lower bound (minimisation), ``gap`` the relative gap.
    """

    status: str
    x: FloatArray | None
    objective: float | None
    bound: float | None
    gap: float | None
    run_s: float


def solve_mip(
    *,
    cost: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    integer: BoolArray,
    rows: IntArray,
    cols: IntArray,
    vals: FloatArray,
    row_lower: FloatArray,
    row_upper: FloatArray,
    start: FloatArray | None,
    time_limit_s: float,
    mip_gap: float,
) -> MipResult:
    """min cost·x s.t. row_lower ≤ A x ≤ row_upper, lower ≤ x ≤ upper, x integer where asked.

    ``A`` is given as triplets (``rows``, ``cols``, ``vals``; duplicates are not allowed).
    ``start``, when given, is a feasible solution handed to HiGHS so that a time limit always
    leaves an answer at least as good.

    >>> r = solve_mip(cost=np.array([1.0, 2.0]), lower=np.zeros(2), upper=np.ones(2),
    ...     integer=np.ones(2, dtype=bool), rows=np.array([0, 0]), cols=np.array([0, 1]),
    ...     vals=np.array([1.0, 1.0]), row_lower=np.array([1.0]), row_upper=np.array([1.0]),
    ...     start=None, time_limit_s=5, mip_gap=1e-6)
    >>> r.status, r.x.tolist() if r.x is not None else None, r.objective
    ('optimal', [1.0, 0.0], 1.0)
    """
    n_cols, n_rows = len(cost), len(row_lower)
    order = np.lexsort((rows, cols))
    a_index = rows[order].astype(np.int32)
    a_value = vals[order].astype(np.float64)
    a_start = np.searchsorted(cols[order], np.arange(n_cols + 1)).astype(np.int32)
    h = _highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("random_seed", 0)
    h.passModel(
        n_cols,
        n_rows,
        len(a_value),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        np.asarray(cost, dtype=np.float64),
        np.asarray(lower, dtype=np.float64),
        np.asarray(upper, dtype=np.float64),
        np.asarray(row_lower, dtype=np.float64),
        np.asarray(row_upper, dtype=np.float64),
        a_start,
        a_index,
        a_value,
        integer.astype(np.int32),
    )
    if start is not None:
        h.setSolution(n_cols, np.arange(n_cols, dtype=np.int32), np.asarray(start, dtype=np.float64))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    feasible = info.primal_solution_status == int(highspy.SolutionStatus.kSolutionStatusFeasible)
    run_s = float(h.getRunTime())
    if status == highspy.HighsModelStatus.kOptimal:
        label = "optimal"
    elif status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        # every variable is bounded: "unbounded or infeasible" can only be infeasible
        return MipResult("infeasible", None, None, None, None, run_s)
    elif status == highspy.HighsModelStatus.kTimeLimit:
        label = "time_limit" if feasible else "no_solution"
    else:
        label = h.modelStatusToString(status).lower().replace(" ", "_")
    if not feasible:
        return MipResult(label, None, None, None, None, run_s)
    return MipResult(
        status=label,
        x=np.asarray(h.getSolution().col_value, dtype=np.float64),
        objective=float(info.objective_function_value),
        bound=float(info.mip_dual_bound),
        gap=float(info.mip_gap),
        run_s=run_s,
    )


def _highs() -> highspy._core._Highs:
    """A HiGHS instance (highspy's ``Highs.__init__`` carries no annotations)."""
    h: highspy._core._Highs = highspy.Highs()  # type: ignore[no-untyped-call]
    return h
