"""Dependencies point one way (STYLE.md, docs/architecture.md): domain ← engines ← services ←
cli/web/reports; ``store`` and ``ingest`` are adapters; the leaves (errors, types, the MIP and
YAML helpers) import nothing of Arbitre but what they stand on.

Engines are pure: they import neither the store, the ingest adapters, the services nor the CLI;
``domain`` imports no engine. Each package's ``__all__`` says what it exposes, no more, no less.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import arbitre
from tests.web.test_layers import imports_of

ROOT = Path(arbitre.__file__).parent

#: Every part of the package: its sub-packages and its top-level modules.
PARTS = sorted(
    p.name if p.is_dir() else p.stem
    for p in ROOT.iterdir()
    if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.name != "__init__.py")
)

ENGINES = {
    "staffing",
    "kpi",
    "mapping",
    "forecast",
    "costing",
    "decision",
    "contract",
    "tender",
    "quality",
    "fit",
}
OUTER = {"store", "ingest", "services", "cli", "web", "reports"}
EDGES = {"tabular", "outputs", "examples"}  # files written and read, the shipped examples

# part → the parts it must never import
FORBIDDEN: dict[str, set[str]] = {
    "domain": ENGINES | OUTER | EDGES | {"demo"},
    **{engine: set(OUTER) for engine in ENGINES},
    "demo": {"store", "ingest", "services", "cli", "web"},
    "reports": {"store", "ingest", "services", "cli", "web"},
    "ingest": {"services", "cli", "web", "reports"},
    "store": {"services", "cli", "web", "reports", "ingest"},
    "services": {"cli", "web"},
    "web": {"cli"},
}
FORBIDDEN["costing"] |= {"decision"}
FORBIDDEN["fit"] |= {"kpi"}
FORBIDDEN["tender"] |= {"demo"}
FORBIDDEN["quality"] |= {"demo"}

# The leaves: the only parts of Arbitre each may import.
LEAVES: dict[str, set[str]] = {
    "errors": set(),
    "_types": set(),
    "words": set(),
    "mip": {"_types"},
    "yamlio": {"errors"},
    "outputs": {"errors"},
    "tabular": {"errors", "outputs"},
    "examples": set(),
}


def sources(part: str) -> list[Path]:
    folder = ROOT / part
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [ROOT / f"{part}.py"]


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


def test_every_part_of_the_package_has_its_rule() -> None:
    ruled = set(FORBIDDEN) | set(LEAVES) | {"cli"}  # the CLI may import every other part
    assert sorted(set(PARTS) - ruled) == []


def test_dependencies_point_one_way() -> None:
    offences = []
    for part, forbidden in FORBIDDEN.items():
        for path in sources(part):
            bad = imported_parts(path) & forbidden
            if bad:
                offences.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    for part, allowed in LEAVES.items():
        for path in sources(part):
            bad = imported_parts(path) - allowed - {part}
            if bad:
                offences.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offences == []


#: Services that read what other services make (the quality checks, the contracts, the decision)
#: through the store's queries, never by importing the service that makes it. Orchestrators (the
#: demo, the steering report that runs the month, the tender's steps) call other services on purpose.
STORE_READERS = ("govern",)


def test_the_monthly_run_imports_no_other_service() -> None:
    offences = [
        f"services/{name}.py imports {module}"
        for name in STORE_READERS
        for module in imports_of(ROOT / "services" / f"{name}.py")
        if module.startswith("arbitre.services.")
    ]
    assert offences == []


def test_the_rule_catches_an_import_it_forbids(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text("from arbitre.staffing.erlang import erlang_c\nimport arbitre.store.appdb\n")
    assert imported_parts(wrong) & FORBIDDEN["domain"] == {"staffing", "store"}


def test_the_public_api_is_importable() -> None:
    for name in arbitre.__all__:
        assert getattr(arbitre, name) is not None


# --- __all__ --------------------------------------------------------------------------------------


def _top_level(tree: ast.Module) -> Iterator[ast.stmt]:
    """The module's statements, those under a top-level ``if`` (TYPE_CHECKING) or ``try`` too."""
    for node in tree.body:
        if isinstance(node, ast.If):
            yield from node.body
            yield from node.orelse
        elif isinstance(node, ast.Try):
            yield from node.body
        else:
            yield node


def declared_all(tree: ast.Module) -> list[str] | None:
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            assert isinstance(node, ast.Assign)
            value = ast.literal_eval(node.value)
            return [str(v) for v in value]
    return None


def bindings(tree: ast.Module, *, package: str | None) -> tuple[set[str], set[str]]:
    """(names the module binds, the public ones it exposes): what it defines, and what it imports
    from Arbitre (a package's submodules it imports for its own use, ``from <package> import
    <submodule>``, are not exposed)."""
    bound: set[str] = set()
    exposed: set[str] = set()
    for node in _top_level(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = {node.name}
            bound |= names
            exposed |= names
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            bound |= names
            exposed |= names
        elif isinstance(node, ast.ImportFrom):
            ours = node.level > 0 or (node.module or "").startswith("arbitre")
            for alias in node.names:
                name = alias.asname or alias.name
                bound.add(name)
                submodule = package is not None and (
                    node.module == package or (node.level == 1 and not node.module)
                )
                if ours and not submodule:
                    exposed.add(name)
        elif isinstance(node, ast.Import):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return bound, {n for n in exposed if not n.startswith("_") and n != "annotations"}


MODULES = sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", [p for p in MODULES if p.name == "__init__.py"], ids=str)
def test_a_package_s_all_is_what_it_exposes(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    declared = declared_all(tree)
    package = ".".join(path.relative_to(ROOT.parent).parent.parts)
    _, exposed = bindings(tree, package=package)
    if declared is None:
        assert exposed == set(), f"{path.relative_to(ROOT)} exposes names but has no __all__"
        return
    public = {n for n in declared if not n.startswith("__")}
    assert sorted(public) == sorted(exposed)
    module = importlib.import_module(package)
    assert [n for n in declared if not hasattr(module, n)] == []


@pytest.mark.parametrize("path", [p for p in MODULES if p.name != "__init__.py"], ids=str)
def test_a_module_s_all_names_what_it_binds(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    declared = declared_all(tree)
    if declared is None:
        return
    bound, _ = bindings(tree, package=None)
    assert [n for n in declared if n not in bound] == []
    assert len(declared) == len(set(declared)), "a name listed twice in __all__"
