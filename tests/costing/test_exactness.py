"""Money stays exact: no float reaches a cost, an invoice or a cash flow; the engines stay pure."""

from __future__ import annotations

import ast
import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import arbitre.costing
from arbitre.costing.defaults import french_defaults
from arbitre.costing.inhouse import inhouse_cost, team_cost
from arbitre.costing.pricing import offer_cost
from arbitre.costing.reference import draft_offer
from arbitre.costing.tco import tco
from arbitre.domain.costing import DecisionSettings, Offer
from tests.costing.builders import week

COSTING = Path(arbitre.costing.__file__).parent
# Floats allowed in results: seconds of deferred work from the staffing engine (not money).
FLOAT_FIELDS = {"late_s"}


def leaks(value: Any, path: str = "") -> list[str]:
    """Paths of every float inside a result (dataclasses, mappings, sequences), money or not."""
    if isinstance(value, float):
        return [path]
    if isinstance(value, Offer):
        return []  # the offer as given, validated by pydantic (Decimal fields)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: list[str] = []
        for f in dataclasses.fields(value):
            if f.name not in FLOAT_FIELDS:
                out += leaks(getattr(value, f.name), f"{path}.{f.name}")
        return out
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in leaks(v, f"{path}[{k}]")]
    if isinstance(value, list | tuple):
        return [p for i, v in enumerate(value) for p in leaks(v, f"{path}[{i}]")]
    return []


def money_fields(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """(path, value) of every amount: fields named like money in the results."""
    names = ("amount", "total", "per_", "npv", "savings", "fee", "inhouse", "outsourced", "one_off")
    out: list[tuple[str, Any]] = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if any(n in f.name for n in names) and not f.name.endswith("_share") and item is not None:
                if isinstance(item, dict):
                    out += [(f"{path}.{f.name}[{k}]", v) for k, v in item.items()]
                elif not dataclasses.is_dataclass(item) and not isinstance(item, tuple):
                    out.append((f"{path}.{f.name}", item))
            out += money_fields(item, f"{path}.{f.name}")
    elif isinstance(value, dict):
        for k, v in value.items():
            out += money_fields(v, f"{path}[{k}]")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            out += money_fields(v, f"{path}[{i}]")
    return out


def results() -> list[Any]:
    w = week(languages={"fr": 0.9, "en": 0.1})
    costs = french_defaults()
    draft = draft_offer(
        service="customer_service_telesales",
        shore="offshore",
        country="MG",
        provider="Mada",
        site="Tana",
        channels=["voice_in"],
        languages=["fr", "en"],
    )
    ih = inhouse_cost(w, costs=costs)
    of = offer_cost(draft, w)
    return [ih, team_cost(fte=5, costs=costs), of, tco(inhouse=ih, offer=of, settings=DecisionSettings())]


def test_no_float_leaks_into_any_result() -> None:
    for result in results():
        assert leaks(result) == [], type(result).__name__


def test_every_money_field_is_a_decimal() -> None:
    found = [(p, v) for r in results() for p, v in money_fields(r)]
    assert len(found) > 300  # lines, invoices, one-offs and 36 months of cash flows
    wrong = [(p, type(v).__name__) for p, v in found if not isinstance(v, Decimal)]
    assert wrong == []
    amounts = [v for p, v in found if p.endswith(".amount")]
    assert amounts and all(v == round(v, 2) for v in amounts)  # lines are to the cent


def test_the_costing_engines_import_no_adapter_service_or_interface() -> None:
    forbidden = {"store", "ingest", "services", "cli", "reports", "decision", "web", "demo"}
    offences = []
    for path in COSTING.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            bad = {n.split(".")[1] for n in names if n.startswith("arbitre.") and "." in n} & forbidden
            if bad:
                offences.append(f"{path.name} imports {sorted(bad)}")
    assert offences == []


def test_the_public_api_of_costing_is_importable() -> None:
    for name in arbitre.costing.__all__:
        assert getattr(arbitre.costing, name) is not None
