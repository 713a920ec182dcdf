"""Arbitre: which contact flows to keep, outsource or split, and the provider refereed every month.

Everything the CLI does is usable from Python, in a notebook, without the CLI or the web app::

    from arbitre import Workspace, import_file, kpis, activity_map
    ws = Workspace.init("acme", name="Acme")
    import_file(ws, "calls.csv")
    kpis([ws.root], by=["flow", "month"])
"""

from __future__ import annotations

from arbitre.domain import Channel, KpiRules, WeeklyHours, WorkspaceSettings
from arbitre.errors import ArbitreError, InfeasibleError, InputError, RejectedRows, RowError, WorkspaceError
from arbitre.ingest.mapping import Mapping, load_mapping
from arbitre.services.activity import activity_map
from arbitre.services.imports import ImportSummary, import_file
from arbitre.services.kpis import kpis
from arbitre.store.workspace import Workspace

__version__ = "0.1.0"

__all__ = [
    "ArbitreError",
    "Channel",
    "ImportSummary",
    "InfeasibleError",
    "InputError",
    "KpiRules",
    "Mapping",
    "RejectedRows",
    "RowError",
    "WeeklyHours",
    "Workspace",
    "WorkspaceError",
    "WorkspaceSettings",
    "__version__",
    "activity_map",
    "import_file",
    "kpis",
    "load_mapping",
]
