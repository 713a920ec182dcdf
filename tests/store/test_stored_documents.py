"""Documents stored by the release before issue 10 (no ``schema_version``) still load, whole.

The fixtures in ``tests/fixtures/stored`` are what that release recorded for the demo at scale
0.05 (its decision, its three governance months; the invoice paths made relative). Each is stored
in a fresh workspace's app database as that release wrote it, read back through the store's
queries, and must come out with every key and every value it had, under the current schema version.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from arbitre.decision.document import DecisionDocument
from arbitre.errors import InputError
from arbitre.store.appdb import DecisionRecord, session_scope
from arbitre.store.decisions import latest_decision
from arbitre.store.workspace import Workspace

STORED = Path(__file__).resolve().parents[1] / "fixtures" / "stored"


def stored(name: str) -> str:
    return gzip.decompress((STORED / name).read_bytes()).decode("utf-8")


def same(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two JSON values differ (numbers compared as numbers: a score 0 reads back as 0.0)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [
            d
            for k in sorted(set(a) | set(b))
            for d in same(a.get(k, "<absent>"), b.get(k, "<absent>"), f"{path}.{k}")
        ]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items, {len(b)} read back"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in same(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} stored, {b!r} read back"]


def test_a_decision_stored_by_the_previous_release_reads_back_whole(workspace: Workspace) -> None:
    text = stored("decision-v1.json.gz")
    assert "schema_version" not in json.loads(text)
    with session_scope(workspace.engine) as session:
        session.add(
            DecisionRecord(
                id="v1",
                created_at=datetime(2026, 7, 6, tzinfo=UTC),
                who="arbitre demo",
                inputs_sha256="0" * 64,
                recommended="optimised",
                document=text,
            )
        )
    document = latest_decision(workspace)
    assert document is not None and document.schema_version == DecisionDocument.SCHEMA_VERSION
    assert document.recommended_scenario.savings_npv > 0
    expected = json.loads(text) | {"schema_version": DecisionDocument.SCHEMA_VERSION}
    assert same(expected, document.model_dump(mode="json")) == []
    # What the current release writes, it reads as written.
    assert DecisionDocument.read(document.write()) == document


def test_a_document_from_a_newer_release_or_not_an_object_is_refused_in_one_line() -> None:
    newer = json.loads(stored("decision-v1.json.gz")) | {
        "schema_version": DecisionDocument.SCHEMA_VERSION + 1
    }
    with pytest.raises(InputError, match="newer release"):
        DecisionDocument.read(json.dumps(newer))
    with pytest.raises(InputError, match="not a JSON object"):
        DecisionDocument.read("[1, 2]")
