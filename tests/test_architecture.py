"""Dependencies point one way (STYLE.md): domain ← engines ← services ← cli/web/reports.

Engines are pure: they import neither the store, the ingest adapters, the services nor the CLI.
"""

from __future__ import annotations

import ast
from pathlib import Path

import arbitre

ROOT = Path(arbitre.__file__).parent

# part → the parts it must never import
FORBIDDEN = {
    "domain": {"store", "ingest", "services", "cli", "kpi", "mapping", "staffing", "reports", "demo"},
    "staffing": {"store", "ingest", "services", "cli", "reports"},
    "kpi": {"store", "ingest", "services", "cli", "reports"},
    "mapping": {"store", "ingest", "services", "cli", "reports"},
    "forecast": {"store", "ingest", "services", "cli", "reports"},
    "costing": {"store", "ingest", "services", "cli", "reports", "decision"},
    "decision": {"store", "ingest", "services", "cli", "reports"},
    "tender": {"store", "ingest", "services", "cli", "reports", "demo"},
    "quality": {"store", "ingest", "services", "cli", "reports", "demo"},
    "fit": {"store", "ingest", "services", "cli", "reports", "kpi"},
    "demo": {"store", "ingest", "services", "cli"},
    "reports": {"store", "ingest", "services", "cli"},
    "ingest": {"services", "cli"},
    "store": {"services", "cli", "ingest"},
    "services": {"cli"},
}


def imported_parts(path: Path) -> set[str]:
    parts = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            if name.startswith("arbitre."):
                parts.add(name.split(".")[1])
    return parts


def test_dependencies_point_one_way() -> None:
    offences = []
    for part, forbidden in FORBIDDEN.items():
        for path in (ROOT / part).rglob("*.py"):
            bad = imported_parts(path) & forbidden
            if bad:
                offences.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offences == []


def test_the_public_api_is_importable() -> None:
    for name in arbitre.__all__:
        assert getattr(arbitre, name) is not None
