"""Arbitre: which contact flows to keep, outsource or split, and the provider refereed every month.

Everything the CLI does is usable from Python, in a notebook, without the CLI or the web app::

    from arbitre import Workspace, import_file, kpis, activity_map
    ws = Workspace.init("acme", name="Acme")
    import_file(ws, "calls.csv")
    kpis([ws.root], by=["flow", "month"])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from arbitre.domain import Channel, KpiRules, WeeklyHours, WorkspaceSettings
    from arbitre.errors import (
        ArbitreError,
        InfeasibleError,
        InputError,
        RejectedRows,
        RowError,
        WorkspaceError,
    )
    from arbitre.ingest.mapping import Mapping, load_mapping
    from arbitre.services.activity import activity_map
    from arbitre.services.imports import ImportSummary, import_file
    from arbitre.services.kpis import kpis
    from arbitre.store.workspace import Workspace

# The public API, imported on first use: `import arbitre.cli.staff` (and so every command) must
# not pay for the whole package (seconds of imports) before it starts.
_WHERE = {
    "Channel": "arbitre.domain",
    "KpiRules": "arbitre.domain",
    "WeeklyHours": "arbitre.domain",
    "WorkspaceSettings": "arbitre.domain",
    "ArbitreError": "arbitre.errors",
    "InfeasibleError": "arbitre.errors",
    "InputError": "arbitre.errors",
    "RejectedRows": "arbitre.errors",
    "RowError": "arbitre.errors",
    "WorkspaceError": "arbitre.errors",
    "Mapping": "arbitre.ingest.mapping",
    "load_mapping": "arbitre.ingest.mapping",
    "activity_map": "arbitre.services.activity",
    "ImportSummary": "arbitre.services.imports",
    "import_file": "arbitre.services.imports",
    "kpis": "arbitre.services.kpis",
    "Workspace": "arbitre.store.workspace",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'arbitre' has no attribute {name!r}")


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
