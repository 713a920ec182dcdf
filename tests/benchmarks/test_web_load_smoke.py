"""The web load benchmark kept working: two users, a few requests, against `arbitre serve` on a
copy of the small demo (the figures themselves are measured by `python -m benchmarks.web_load`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks.web_load import run

from tests.demo.conftest import BuiltDemo


def test_the_load_benchmark_serves_the_demo_pages_to_each_user(small_demo: BuiltDemo, tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(small_demo.folder, root)
    result = run(root, users=2, requests=3, think_ms=0)
    assert result["errors"] == []
    pages = result["pages"]
    assert isinstance(pages, dict) and set(pages) == {"decision", "governance", "health (peer)"}
    assert sum(p["requests"] for p in pages.values()) == 6  # every request answered 200
    assert set(result["cold_ms"]) == set(pages)  # type: ignore[arg-type]
