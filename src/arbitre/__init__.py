"""Arbitre: which contact flows to keep, outsource or split, and the provider refereed every month.

The engines are usable from Python without the CLI or the web app::

    from arbitre import Workspace, compute_kpis
    ws = Workspace.open("demo-workspace")
    rows = compute_kpis(ws, by=["flow", "month"])
"""

from __future__ import annotations

from arbitre.errors import ArbitreError, InfeasibleError, InputError, RejectedRows, WorkspaceError

__version__ = "0.1.0"

__all__ = [
    "ArbitreError",
    "InfeasibleError",
    "InputError",
    "RejectedRows",
    "WorkspaceError",
    "__version__",
]
