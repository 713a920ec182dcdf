"""The consensus of the technical evaluation, pinned to hand computations."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from arbitre.domain.tender import Criteria, Evaluation
from arbitre.tender.consensus import consensus

CRITERIA = Criteria(
    max_score=D(20),
    price={"weight": D("0.4"), "formula": "classique"},
    technical=[
        {
            "name": "quality",
            "label": "Qualité",
            "weight": D("0.35"),
            "sub": [
                {"name": "monitoring", "label": "Écoutes", "weight": D("0.6")},
                {"name": "training", "label": "Formation", "weight": D("0.4")},
            ],
        },
        {"name": "security", "label": "Sécurité", "weight": D("0.25")},
    ],
)


def grades(evaluator: str, rows: list[tuple[str, str, str]], *, agreed: bool = False) -> Evaluation:
    return Evaluation(
        evaluator=evaluator,
        consensus=agreed,
        grades=[{"provider": p, "criterion": c, "score": D(s)} for p, c, s in rows],
    )


def test_the_consensus_is_the_mean_and_the_criterion_weighs_its_sub_criteria() -> None:
    evals = [
        grades("ana", [("x", "monitoring", "12"), ("x", "training", "15"), ("x", "security", "10")]),
        grades("bob", [("x", "monitoring", "16"), ("x", "training", "14"), ("x", "security", "17")]),
        grades("eve", [("x", "monitoring", "14"), ("x", "training", "13"), ("x", "security", "18")]),
    ]
    board = consensus(evals, criteria=CRITERIA, providers=["x"])
    cells = {c.criterion: c for c in board.cells}
    # monitoring: (12 + 16 + 14) / 3 = 14; training: (15 + 14 + 13) / 3 = 14
    assert cells["monitoring"].consensus == 14 and cells["training"].consensus == 14
    # quality = 0.6 × 14 + 0.4 × 14 = 14; security: (10 + 17 + 18) / 3 = 15
    assert board.scores["x"] == {"quality": D(14), "security": D(15)}
    # the individual grades stay visible, with their spread; 8 points apart on 20 is above 5: discuss
    assert cells["security"].grades == {"ana": D(10), "bob": D(17), "eve": D(18)}
    assert cells["security"].spread == 8 and cells["security"].discuss
    assert cells["monitoring"].spread == 4 and not cells["monitoring"].discuss
    assert board.evaluators == ("ana", "bob", "eve")


def test_an_agreed_consensus_replaces_the_mean_and_keeps_the_grades() -> None:
    evals = [
        grades("ana", [("x", "security", "10")]),
        grades("bob", [("x", "security", "17")]),
        grades("meeting", [("x", "security", "16")], agreed=True),
    ]
    board = consensus(evals, criteria=CRITERIA, providers=["x"])
    cell = next(c for c in board.cells if c.criterion == "security")
    assert cell.consensus == 16 and cell.agreed and cell.mean == D("13.5")
    assert cell.grades == {"ana": D(10), "bob": D(17)}
    # monitoring and training not graded: x is incomplete, and the board says what is missing
    assert not board.complete("x")
    assert ("x", "monitoring") in board.missing and ("x", "training") in board.missing


def test_a_grade_above_the_scale_or_on_an_unknown_criterion_is_refused() -> None:
    with pytest.raises(ValueError, match="above 20"):
        consensus([grades("ana", [("x", "security", "21")])], criteria=CRITERIA, providers=["x"])
    with pytest.raises(ValueError, match="not a graded criterion"):
        consensus([grades("ana", [("x", "quality", "12")])], criteria=CRITERIA, providers=["x"])
