"""Grids score as the module says, critical criteria fail a contact, kappa equals the hand computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from arbitre.errors import InputError
from arbitre.examples import EXAMPLES
from arbitre.quality.calibrate import agreement, cohen_kappa, confusion, consensus, graders
from arbitre.quality.grid import Criterion, Grid, Scale, Section, score
from arbitre.quality.sampling import Signals, risk, select
from arbitre.yamlio import load_model, parse_model

EXAMPLE_GRID = EXAMPLES / "quality" / "grille-relation-client.yaml"


def small_grid() -> Grid:
    return Grid(
        id="g",
        title="G",
        sections=[
            Section(
                id="accueil",
                title="Accueil",
                weight=40,
                criteria=[
                    Criterion(id="bonjour", title="Bonjour"),
                    Criterion(id="nom", title="Nom", weight=3),
                ],
            ),
            Section(
                id="fond",
                title="Fond",
                weight=60,
                criteria=[
                    Criterion(id="identite", title="Identité", critical=True),
                    Criterion(
                        id="solution", title="Solution", answers="scale", scale=Scale(min=0, max=4), weight=2
                    ),
                    Criterion(id="sourire", title="Sourire", bonus=True, points=10),
                ],
            ),
        ],
    )


def test_weights_are_shared_within_sections() -> None:
    g = small_grid()
    # Accueil 40 split 1:3, fond 60 split 1:2 (the bonus is outside).
    assert [g.weight_of(c) for c in ("bonjour", "nom", "identite", "solution", "sourire")] == [
        10,
        30,
        20,
        40,
        0,
    ]


def test_a_critical_criterion_answered_no_fails_the_contact_whatever_the_rest() -> None:
    g = small_grid()
    everything_else_perfect = [[1, 1, 0, 1.0, 1]]
    s, failed = score(g, np.array(everything_else_perfect))
    assert s.tolist() == [0.0]
    assert failed.tolist() == [True]


def test_a_contact_scores_over_the_criteria_answered_plus_its_bonus_capped_at_100() -> None:
    g = small_grid()
    solution = g.criterion("solution").value("3")  # 3 on 0–4 → 0.75
    rows = np.array(
        [
            [1, 0, 1, solution, 0],  # (10 + 0 + 20 + 30) / 100 = 60
            [1, np.nan, 1, solution, 1],  # (10 + 20 + 30) / 70 = 85.71… + 10 = 95.71…
            [1, 1, 1, 1, 1],  # 100 + 10, capped
            [np.nan, np.nan, np.nan, np.nan, 1],  # nothing weighted answered
        ]
    )
    s, failed = score(g, rows)
    assert s[:3] == pytest.approx([60.0, 60 / 70 * 100 + 10, 100.0])
    assert math.isnan(s[3])
    assert not failed.any()


def test_answers_are_read_in_french_or_english_and_a_wrong_one_is_refused() -> None:
    c = Criterion(id="c", title="C", answers="yes_no_na")
    assert [c.value(a) for a in ("oui", "Yes", "NON", "0")] == [1.0, 1.0, 0.0, 0.0]
    assert math.isnan(c.value("N/A"))
    with pytest.raises(ValueError, match="expected yes, no or na"):
        c.value("peut-être")
    with pytest.raises(ValueError, match="cannot be not applicable"):
        Criterion(id="d", title="D", answers="yes_no").value("na")


def test_the_example_grid_loads_and_every_automatic_criterion_has_its_check() -> None:
    g = load_model(EXAMPLE_GRID, Grid)
    assert [c.id for c in g.automatic()] == [
        "salutation",
        "verification-identite",
        "reformulation",
        "mise-en-attente",
        "mention-enregistrement",
        "prise-de-conge",
        "propos",
        "satisfaction-fin",
    ]
    assert sum(g.weight_of(c.id) for c in g.criteria) == pytest.approx(100.0)
    assert {c.id for c in g.criteria if c.critical} == {"verification-identite", "propos"}


def test_a_grid_error_names_its_line_and_field() -> None:
    text = EXAMPLE_GRID.read_text(encoding="utf-8").replace(
        "        critical: true\n        check:\n          rule: before",
        "        critical: true\n        bonus: true\n        check:\n          rule: before",
        1,
    )
    with pytest.raises(InputError) as caught:
        parse_model(text, Grid, file="grille.yaml")
    message = str(caught.value)
    assert message.startswith("grille.yaml, line ")
    assert "critical or bonus, not both" in message
    line = int(message.split("line ")[1].split(",")[0])
    assert "- id: verification-identite" in text.splitlines()[line - 1]


def test_an_unknown_rule_is_refused_with_its_line() -> None:
    text = "id: g\ntitle: G\nsections:\n  - id: s\n    title: S\n    criteria:\n      - id: c\n        title: C\n        check:\n          rule: telepathy\n"
    with pytest.raises(InputError, match=r"grid.yaml, line 10, field sections.0.criteria.0.check.rule"):
        parse_model(text, Grid, file="grid.yaml")


def test_kappa_of_a_hand_made_table_equals_the_hand_computation() -> None:
    # 50 contacts; human yes/no/na in rows, automatic in columns.
    #            auto yes  no  na
    table = [
        [22, 3, 0],  # human yes (25)
        [4, 14, 2],  # human no (20)
        [0, 1, 4],
    ]  # human na (5)
    # p_o = (22 + 14 + 4) / 50 = 0.8
    # p_e = (25·26 + 20·18 + 5·6) / 50² = (650 + 360 + 30) / 2500 = 0.416
    # κ = (0.8 − 0.416) / (1 − 0.416) = 0.384 / 0.584 = 0.657534…
    assert cohen_kappa(table) == pytest.approx(0.384 / 0.584, abs=1e-12)
    human = np.repeat([0, 0, 1, 1, 1, 2, 2], [22, 3, 4, 14, 2, 1, 4])
    auto = np.repeat([0, 1, 0, 1, 2, 1, 2], [22, 3, 4, 14, 2, 1, 4])
    assert confusion(human, auto).tolist() == table
    a = agreement("x", human, auto, trust_kappa=0.6, min_pairs=30)
    assert (a.pairs, a.agreement, a.trusted) == (50, 0.8, True)
    assert not agreement("x", human, auto, trust_kappa=0.7, min_pairs=30).trusted
    assert not agreement("x", human[:20], auto[:20], trust_kappa=0.6, min_pairs=30).trusted


def test_kappa_is_zero_for_chance_agreement_and_one_for_perfect() -> None:
    assert cohen_kappa([[25, 25], [25, 25]]) == 0.0
    assert cohen_kappa([[10, 0], [0, 5]]) == 1.0
    assert math.isnan(cohen_kappa([[0, 0], [0, 0]]))


def test_each_grader_is_measured_against_the_others_consensus() -> None:
    # Three graders on 4 items (criterion answers) and 2 contacts (scores).
    answers = np.array([[0, 0, 1], [0, 0, 0], [1, 1, 1], [0, 1, 1]])
    scores = np.array([[90.0, 85.0, 60.0], [80.0, 80.0, 50.0]])
    by = {g.grader: g for g in graders(["ana", "bo", "cy"], answers, scores)}
    # cy against the consensus of ana and bo: items 1 (0,0)→0, 2 →0, 3 →1, 4 tie → excluded.
    assert by["cy"].answers == 3
    assert by["cy"].agreement == pytest.approx(2 / 3)
    assert by["cy"].mean_score == 55.0
    assert by["cy"].others_mean_score == pytest.approx((87.5 + 80.0) / 2)
    assert by["cy"].leniency < by["ana"].leniency  # cy is the strictest
    assert consensus(np.array([[-1, -1, -1]])).tolist() == [-1]


def test_the_sample_gives_every_agent_its_minimum_then_the_riskiest_then_random() -> None:
    rng = np.random.default_rng(3)
    n = 200
    agent = np.arange(n) % 10
    r = np.zeros(n)
    r[[0, 10, 20, 30, 40, 50]] = [6.0, 5.0, 4.0, 3.0, 2.0, 1.0]  # all agent 0's
    s = select(r, agent, share=0.1, min_per_agent=1, random_share=0.25, rng=rng)
    why = dict(zip(s.chosen.tolist(), s.why, strict=True))
    assert len(why) == 20  # 10 % of 200
    # Each agent's riskiest (agent 0: contact 0; the others: their first, all at risk 0).
    assert sorted(i for i, w in why.items() if w == "agent_minimum") == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    # Then the riskiest left (only five have any risk), the rest of the 20 at random.
    assert sorted(i for i, w in why.items() if w == "risk") == [10, 20, 30, 40, 50]
    randoms = [i for i, w in why.items() if w == "random"]
    assert len(randoms) == 5 and all(r[i] == 0 for i in randoms)


def test_the_random_part_is_kept_even_when_risk_could_fill_the_sample() -> None:
    n = 100
    r = np.linspace(1.0, 2.0, n)  # every contact at some risk
    s = select(r, np.full(n, -1), share=0.2, min_per_agent=1, random_share=0.25, rng=np.random.default_rng(1))
    assert sorted(s.why) == ["random"] * 5 + ["risk"] * 15
    assert sorted(i for i, w in zip(s.chosen, s.why, strict=True) if w == "risk") == list(range(85, 100))


def test_risk_adds_up_the_signals() -> None:
    s = Signals(
        score=np.array([100.0, 70.0]),
        critical=np.array([False, False]),
        negative_p=np.array([0.0, 0.5]),
        escalation=np.array([False, True]),
        repeat=np.array([False, False]),
        new_agent=np.array([False, True]),
    )
    # 1 + 0.3 (30 points below 100) + 0.5 + 1 + 1
    assert risk(s, pass_score=80).tolist() == [0.0, pytest.approx(3.8)]
