"""The demo's figures are those it gave before the services were retyped (issue 10): the same
decision (every scenario's cost, each flow's recommendation and allocation, the sensitivity) and
the same three governance months (fees, SLAs, credits, bonus, invoice check, business case).

The expected figures are `demo_figures.json`, taken from the demo built before the change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.demo.conftest import SMALL, BuiltDemo, build
from tests.demo.figures import FIXTURE


def expected(scale: float) -> dict[str, Any]:
    data = json.loads((Path(__file__).parent / FIXTURE).read_text(encoding="utf-8"))
    return dict(data["scales"][str(scale)])


def test_the_small_demo_decides_and_referees_with_the_figures_it_gave_before(small_demo: BuiltDemo) -> None:
    want = expected(SMALL)
    assert small_demo.figures["decision"] == want["decision"]
    assert small_demo.figures["months"] == want["months"]


@pytest.mark.slow
def test_the_whole_demo_decides_and_referees_with_the_figures_it_gave_before(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    built = build(tmp_path_factory.mktemp("whole-demo") / "ws", scale=1.0)
    want = expected(1.0)
    assert built.figures["decision"] == want["decision"]
    assert built.figures["months"] == want["months"]
