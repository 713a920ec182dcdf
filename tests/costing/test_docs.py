"""docs/costing.md: its worked examples run, and its table of defaults is the defaults file."""

from __future__ import annotations

import doctest
import re
from decimal import Decimal
from pathlib import Path

from arbitre.costing.defaults import french_defaults

DOCS = Path(__file__).resolve().parents[2] / "docs" / "costing.md"


def test_the_worked_examples_of_the_costing_docs_run() -> None:
    result = doctest.testfile(str(DOCS), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted >= 25


def test_the_table_of_defaults_in_the_docs_is_the_defaults_file() -> None:
    costs = french_defaults()
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", DOCS.read_text(encoding="utf-8"), flags=re.M)
    table = {field: value.strip() for field, value in rows if field in type(costs).model_fields}
    assert set(table) == set(type(costs).model_fields) - {"currency", "sources", "sources_fr"}
    for field, text in table.items():
        value = getattr(costs, field)
        if field == "band_premiums":
            shown = dict(part.split() for part in text.split(", "))
            assert {k: Decimal(v) for k, v in shown.items()} == {
                "evening": value.evening,
                "night": value.night,
                "weekend": value.weekend,
            }
        elif isinstance(value, bool):
            assert text == str(value).lower()
        else:
            assert Decimal(text) == value, field
