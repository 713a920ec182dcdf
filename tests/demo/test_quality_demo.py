"""The demo's planted defects are found at their planted rates, within sampling error."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from arbitre.demo.provider import generate_provider_months
from arbitre.demo.quality import BASELINE, MISSED_WORDING, PLANTED_RATES, plant
from arbitre.examples import EXAMPLES
from arbitre.quality.auto import run
from arbitre.quality.grid import Grid
from arbitre.quality.rules import NO, YES
from arbitre.yamlio import load_model

# defect → (criterion that finds it, share of compliant calls the rule misses as « no »)
FINDS = {
    "no_notice": ("mention-enregistrement", MISSED_WORDING["notice"]),
    "no_identity": ("verification-identite", MISSED_WORDING["identity"]),
    "rude_closing": ("prise-de-conge", 0.0),
}


@pytest.fixture(scope="module")
def checked() -> tuple[object, object]:
    months = generate_provider_months(scale=0.25)
    table, planted = plant(months.interactions, seed=7)
    grid = load_model(EXAMPLES / "quality" / "grille-relation-client.yaml", Grid)
    rows = pa.array(planted.rows)
    hold = np.nan_to_num(table.column("hold_s").take(rows).to_numpy(zero_copy_only=False).astype(float))
    return planted, run(grid, table.column("transcript").take(rows).combine_chunks(), hold_s=hold)


@pytest.mark.slow
@pytest.mark.parametrize("defect", list(FINDS))
def test_a_planted_defect_is_found_at_its_planted_rate_on_its_agent(checked: tuple, defect: str) -> None:
    planted, result = checked
    criterion, missed = FINDS[defect]
    code = result.answers.code[:, result.answers.criteria.index(criterion)]
    agent = np.array(planted.agent, dtype=object)
    mine = (agent == planted.planted_agents[defect]) & ((code == YES) | (code == NO))
    n = int(mine.sum())
    found = float((code[mine] == NO).mean())
    # The rule finds every planted defect and, on compliant calls worded as no list foresaw, a few more.
    p = PLANTED_RATES[defect]
    expected = p + (1 - p) * missed
    assert n > 100
    assert abs(found - expected) <= 3 * math.sqrt(expected * (1 - expected) / n)
    truth = planted.defects[defect]
    assert (code[truth & ((code == YES) | (code == NO))] == NO).all()  # no planted defect missed
    others = ~(agent == planted.planted_agents[defect]) & ((code == YES) | (code == NO))
    base = BASELINE[defect] + (1 - BASELINE[defect]) * missed
    m = int(others.sum())
    assert abs(float((code[others] == NO).mean()) - base) <= 3 * math.sqrt(base * (1 - base) / m)
