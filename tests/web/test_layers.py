"""The web app is an entry point: nothing below it imports it, and its routes hold no SQL (they
parse, call one service, format — STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import arbitre

ROOT = Path(arbitre.__file__).parent


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_nothing_but_the_command_line_imports_the_web_app() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if p.parts[len(ROOT.parts)] not in ("web", "cli")
        and any(n.startswith("arbitre.web") for n in imports_of(p))
    ]
    assert offenders == []


def test_the_routes_hold_no_sql() -> None:
    for folder in ("pages", "api"):
        for path in (ROOT / "web" / folder).glob("*.py"):
            used = imports_of(path)
            assert not any(n.startswith(("sqlalchemy", "duckdb", "arbitre.store.appdb")) for n in used), path
