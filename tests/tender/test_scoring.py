"""Price formulas, weighting, ranking and sensitivity, pinned to hand computations."""

from __future__ import annotations

from fractions import Fraction

import pytest

from arbitre.tender.scoring import Candidate, Weights, price_scores, rank, sensitivity, warnings, winners

QUALITY = Weights(max_score=20.0, price_weight=0.4, criteria=(("quality", 0.6),))


def test_the_classique_formula_gives_points_in_proportion_to_the_lowest_price() -> None:
    # N × Pmin / P: 20 × 100/100, 20 × 100/125, 20 × 100/200
    assert price_scores([100, 125, 200], formula="classique", max_score=20) == pytest.approx([20, 16, 10])


def test_the_lineaire_formula_draws_a_line_from_the_lowest_to_the_highest_price() -> None:
    # N × (Pmax − P)/(Pmax − Pmin): 20 × 100/100, 20 × 75/100, 20 × 0/100
    assert price_scores([100, 125, 200], formula="lineaire", max_score=20) == pytest.approx([20, 15, 0])
    # all prices equal: every bid gets the maximum (no division by zero)
    assert price_scores([90, 90], formula="lineaire", max_score=10) == [10, 10]


def test_the_moyenne_formula_gives_the_mean_price_half_the_points() -> None:
    # mean 425/3; P/(2 × mean) = 3P/850 → 20 × (1 − 6/17), 20 × (1 − 15/34), 20 × (1 − 12/17)
    expected = [Fraction(220, 17), Fraction(380, 34), Fraction(100, 17)]
    assert price_scores([100, 125, 200], formula="moyenne", max_score=20) == pytest.approx(
        [float(x) for x in expected]
    )
    assert price_scores([140, 140], formula="moyenne", max_score=20) == pytest.approx([10, 10])
    # twice the mean or more: 0, never negative (mean 700/3, 500 > 2 × mean)
    assert price_scores([100, 100, 500], formula="moyenne", max_score=20)[2] == 0.0


@pytest.mark.parametrize("bad", [[0, 10], [-5, 10], [float("nan"), 10]])
def test_a_price_of_zero_negative_or_nan_is_refused(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="> 0"):
        price_scores(bad, formula="classique", max_score=20)


def test_the_total_weighs_the_price_score_and_each_criterion() -> None:
    weights = Weights(max_score=20.0, price_weight=0.4, criteria=(("quality", 0.35), ("security", 0.25)))
    bids = [
        Candidate("a", 100.0, {"quality": 12.0, "security": 18.0}),
        Candidate("b", 80.0, {"quality": 10.0, "security": 8.0}),
    ]
    rows = {r.provider: r for r in rank(bids, weights=weights, formula="classique")}
    # a: price 20 × 80/100 = 16; total 0.4 × 16 + 0.35 × 12 + 0.25 × 18 = 6.4 + 4.2 + 4.5 = 15.1
    assert rows["a"].price_score == pytest.approx(16)
    assert rows["a"].total == pytest.approx(15.1)
    # technical score on the 0..20 scale: (0.35 × 12 + 0.25 × 18) / 0.6 = 14.5
    assert rows["a"].technical_score == pytest.approx(14.5)
    # b: 0.4 × 20 + 0.35 × 10 + 0.25 × 8 = 8 + 3.5 + 2 = 13.5
    assert rows["b"].total == pytest.approx(13.5)
    assert (rows["a"].rank, rows["b"].rank) == (1, 2)


def test_equal_totals_share_their_rank() -> None:
    weights = Weights(max_score=10.0, price_weight=0.5, criteria=(("q", 0.5),))
    bids = [
        Candidate("b", 100.0, {"q": 6.0}),
        Candidate("a", 100.0, {"q": 6.0}),
        Candidate("c", 200.0, {"q": 6.0}),
    ]
    rows = rank(bids, weights=weights, formula="classique")
    assert [(r.provider, r.rank) for r in rows] == [("a", 1), ("b", 1), ("c", 3)]
    assert winners(rows) == ["a", "b"]


def test_the_linear_winner_changes_when_an_irrelevant_bid_arrives_and_the_classique_one_does_not() -> None:
    a, b = Candidate("A", 100.0, {"quality": 12.0}), Candidate("B", 120.0, {"quality": 16.0})
    c = Candidate("C", 200.0, {"quality": 10.0})
    # Linear, two bids: A 20 → 0.4 × 20 + 0.6 × 12 = 15.2; B 0 → 0.6 × 16 = 9.6: A wins.
    two = rank([a, b], weights=QUALITY, formula="lineaire")
    assert [(r.provider, r.total) for r in two] == [("A", pytest.approx(15.2)), ("B", pytest.approx(9.6))]
    # With C at 200: B gets 20 × 80/100 = 16 → 0.4 × 16 + 9.6 = 16.0 > A's 15.2: B wins.
    three = rank([a, b, c], weights=QUALITY, formula="lineaire")
    assert [(r.provider, r.total) for r in three][:2] == [
        ("B", pytest.approx(16.0)),
        ("A", pytest.approx(15.2)),
    ]
    # Classique: B gets 20 × 100/120 = 16.667 → 6.667 + 9.6 = 16.267 > 15.2 with or without C.
    assert winners(rank([a, b], weights=QUALITY, formula="classique")) == ["B"]
    assert winners(rank([a, b, c], weights=QUALITY, formula="classique")) == ["B"]
    # The rank-reversal check finds it: without C, the linear winner is A again.
    result = sensitivity([a, b, c], weights=QUALITY, formula="lineaire")
    removal = {r.removed: r for r in result.removals}
    assert removal["C"].winners == ("A",) and not removal["C"].same_winner
    assert removal["A"].same_winner is True  # without A, B still wins
    codes = [w.code for w in warnings([a, b, c], weights=QUALITY, formula="lineaire", result=result)]
    assert "rank_reversal" in codes
    clean = sensitivity([a, b, c], weights=QUALITY, formula="classique")
    assert all(r.same_winner for r in clean.removals)


def test_the_weights_are_moved_ten_points_each_way_and_the_criteria_take_the_difference() -> None:
    a, b = Candidate("A", 100.0, {"quality": 12.0}), Candidate("B", 120.0, {"quality": 16.0})
    result = sensitivity([a, b], weights=QUALITY, formula="classique")
    cases = {round(c.points, 2): c for c in result.by_weights}
    assert cases[0.1].price_weight == pytest.approx(0.5) and cases[-0.1].price_weight == pytest.approx(0.3)
    # price 50 %: A = 10 + 6 = 16; B = 0.5 × 16.667 + 0.5 × 16 = 16.333 → B
    assert cases[0.1].winners == ("B",)
    # price 30 %: A = 6 + 8.4 = 14.4; B = 5 + 11.2 = 16.2 → B
    assert cases[-0.1].winners == ("B",)
    assert result.by_formula["lineaire"] == ("A", "B")
    moved = QUALITY.moved(0.1)
    assert moved is not None and sum(w for _, w in moved.criteria) + moved.price_weight == pytest.approx(1)
    assert Weights(20.0, 0.95, (("q", 0.05),)).moved(0.1) is None


def test_a_lone_bid_wins_with_the_maximum_price_score_under_every_formula() -> None:
    for formula in ("classique", "lineaire"):
        rows = rank([Candidate("x", 50.0, {"quality": 10.0})], weights=QUALITY, formula=formula)
        assert rows[0].price_score == 20 and rows[0].rank == 1
