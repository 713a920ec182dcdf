"""Do two KPI results say the same thing? Every KPI of every group, within a relative tolerance."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

KEYS = ("flow", "day")


def differences(
    engine: Sequence[dict[str, Any]],
    reference: Sequence[dict[str, Any]],
    *,
    kpis: Sequence[str],
    keys: Sequence[str] = KEYS,
    rel: float = 1e-9,
) -> list[dict[str, Any]]:
    """Every disagreement between ``engine`` and ``reference`` rows, as records.

    Groups are matched on ``keys``; a group missing on one side is one difference. Two values
    agree when both are missing (None or NaN alike), or both are numbers with
    ``|a − b| ≤ rel × max(|a|, |b|)`` (so 0 agrees only with 0).

    >>> differences([{"flow": "f", "day": "d", "x": 0.5}], [{"flow": "f", "day": "d", "x": 0.5}], kpis=["x"])
    []
    """
    left = {tuple(r[k] for k in keys): r for r in engine}
    right = {tuple(r[k] for k in keys): r for r in reference}
    out: list[dict[str, Any]] = []
    for group in sorted(left.keys() | right.keys()):
        if group not in left or group not in right:
            out.append({"group": group, "kpi": None, "engine": group in left, "reference": group in right})
            continue
        for kpi in kpis:
            a, b = left[group].get(kpi), right[group].get(kpi)
            if not agree(a, b, rel=rel):
                out.append({"group": group, "kpi": kpi, "engine": a, "reference": b})
    return out


def agree(a: Any, b: Any, *, rel: float = 1e-9) -> bool:
    """Both missing, or numbers within ``rel`` of each other."""
    a_missing, b_missing = _missing(a), _missing(b)
    if a_missing or b_missing:
        return a_missing and b_missing
    return abs(float(a) - float(b)) <= rel * max(abs(float(a)), abs(float(b)))


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def summary(diffs: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Disagreements per KPI (``groups`` for groups found on one side only)."""
    counts: dict[str, int] = {}
    for d in diffs:
        name = d["kpi"] or "groups"
        counts[name] = counts.get(name, 0) + 1
    return counts
