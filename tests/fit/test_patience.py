"""Patience from censored waits: numbers worked by hand, and recovery of known patience."""

from __future__ import annotations

import numpy as np
import pytest

from arbitre.fit.patience import draw_patience, exponential_patience, kaplan_meier

# Eight queued callers; the abandoned ones show their patience, the answered ones a lower bound.
WAITS = np.array([2.0, 3.0, 3.0, 5.0, 6.0, 6.0, 8.0, 10.0])
GAVE_UP = np.array([True, True, False, True, False, True, False, True])


def test_the_exponential_estimate_is_total_waiting_time_over_abandons_with_its_interval() -> None:
    fit = exponential_patience(WAITS, GAVE_UP)
    # 43 s of waiting, 5 abandons: 8.6 s; 8.6·exp(∓1.96/√5).
    assert fit.mean_s[0] == pytest.approx(8.6)
    assert fit.ci_low_s[0] == pytest.approx(3.5795591940680502)
    assert fit.ci_high_s[0] == pytest.approx(20.661761962915584)
    assert (int(fit.abandons[0]), int(fit.contacts[0]), float(fit.exposure_s[0])) == (5, 8, 43.0)


def test_counted_from_the_short_abandon_threshold_only_waiting_beyond_it_is_exposure() -> None:
    fit = exponential_patience(WAITS, GAVE_UP, from_s=4.0)
    # Beyond 4 s: 1 + 2 + 2 + 4 + 6 = 15 s of waiting; abandons at 5, 6, 10.
    assert fit.exposure_s[0] == pytest.approx(15.0)
    assert fit.abandons[0] == 3
    assert fit.mean_s[0] == pytest.approx(5.0)


def test_groups_are_estimated_apart_and_a_group_without_abandon_has_no_estimate() -> None:
    group = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    fit = exponential_patience(WAITS, GAVE_UP, group=group, n_groups=3)
    assert fit.mean_s[0] == pytest.approx(13.0 / 3.0)  # 2+3+3+5 over 3 abandons
    assert fit.mean_s[1] == pytest.approx(30.0 / 2.0)  # 6+6+8+10 over 2 abandons
    assert np.isnan(fit.mean_s[2]) and fit.contacts[2] == 0


def test_kaplan_meier_steps_at_each_abandon_with_greenwood_band_on_the_log_log_scale() -> None:
    km = kaplan_meier(WAITS, GAVE_UP)
    assert km.time_s.tolist() == [2.0, 3.0, 5.0, 6.0, 10.0]
    # 7/8, then ×6/7 (the caller answered at 3 s is at risk at 3 s), ×4/5, ×3/4, ×0/1.
    assert km.survival.tolist() == pytest.approx([0.875, 0.75, 0.6, 0.45, 0.0])
    assert km.at_risk.tolist() == [8, 7, 5, 4, 1]
    # At 6 s: v = 1/56 + 1/42 + 1/20 + 1/12 = 0.175; S^exp(±1.96·√v/|log S|).
    assert km.ci_low[3] == pytest.approx(0.10757811523828897)
    assert km.ci_high[3] == pytest.approx(0.7512738499261934)
    assert km.median_s == 6.0
    assert km.restricted_mean_s == pytest.approx(2 + 0.875 + 2 * 0.75 + 0.6 + 4 * 0.45)
    assert km.at(np.array([0.0, 2.5, 9.9])).tolist() == pytest.approx([1.0, 0.875, 0.45])


def test_a_curve_that_never_falls_to_half_has_no_median() -> None:
    km = kaplan_meier(np.array([10.0, 20.0, 30.0]), np.array([True, False, False]))
    assert km.median_s is None
    assert km.restricted_mean_s == pytest.approx(10.0 + 20.0 * 2 / 3)


def test_known_exponential_patience_is_within_its_interval_about_95_times_in_100() -> None:
    rng = np.random.default_rng(2026)
    runs, n, mean = 400, 300, 120.0
    patience = rng.exponential(mean, (runs, n))
    offered_wait = rng.exponential(60.0, (runs, n))  # the queue's censoring, independent of patience
    wait = np.minimum(patience, offered_wait).ravel()
    gave_up = (patience < offered_wait).ravel()
    group = np.repeat(np.arange(runs), n)
    fit = exponential_patience(wait, gave_up, group=group, n_groups=runs)
    covered = np.mean((fit.ci_low_s <= mean) & (mean <= fit.ci_high_s))
    assert 0.92 <= covered <= 0.98


def test_dropping_short_abandons_biases_the_textbook_estimate_but_not_the_one_counted_from_them() -> None:
    rng = np.random.default_rng(7)
    patience = rng.exponential(100.0, 200_000)
    offered_wait = rng.exponential(50.0, 200_000)
    wait = np.minimum(patience, offered_wait)
    gave_up = patience < offered_wait
    real = ~(gave_up & (wait < 5.0))  # the KPI rules' short abandons are not contacts
    counted = exponential_patience(wait[real], gave_up[real], from_s=5.0)
    naive = exponential_patience(wait[real], gave_up[real])
    assert counted.ci_low_s[0] <= 100.0 <= counted.ci_high_s[0]
    assert naive.ci_low_s[0] > 100.0


def test_kaplan_meier_band_holds_the_true_survival_of_a_large_sample() -> None:
    rng = np.random.default_rng(3)
    patience = rng.exponential(100.0, 20_000)
    offered_wait = rng.exponential(150.0, 20_000)
    km = kaplan_meier(np.minimum(patience, offered_wait), patience < offered_wait)
    t = np.array([30.0, 60.0, 100.0, 200.0])
    low, high = km.band_at(t)
    truth = np.exp(-t / 100.0)
    assert np.all((low <= truth) & (truth <= high))


def test_draws_follow_the_curve_and_an_exponential_tail_beyond_it() -> None:
    rng = np.random.default_rng(5)
    patience = rng.exponential(100.0, 50_000)
    offered_wait = np.minimum(rng.exponential(150.0, 50_000), 240.0)  # nobody waits past 4 min
    km = kaplan_meier(np.minimum(patience, offered_wait), patience < offered_wait)
    draws = draw_patience(km, tail_mean_s=100.0, size=200_000, rng=np.random.default_rng(6))
    for q in (0.25, 0.5, 0.75, 0.95):  # the 95th percentile (300 s) lies in the tail
        assert np.quantile(draws, q) == pytest.approx(-100.0 * np.log(1.0 - q), rel=0.03)


@pytest.mark.parametrize(
    ("wait", "gave_up", "words"),
    [
        (np.array([1.0, -2.0]), np.array([True, False]), "≥ 0"),
        (np.array([1.0, np.nan]), np.array([True, False]), "finite"),
        (np.array([1.0, 2.0]), np.array([True]), "same length"),
    ],
)
def test_bad_samples_are_refused(wait: np.ndarray, gave_up: np.ndarray, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        exponential_patience(wait, gave_up)
    with pytest.raises(ValueError, match=words):
        kaplan_meier(wait, gave_up)
