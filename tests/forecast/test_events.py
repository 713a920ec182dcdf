"""Known events and odd days: cleaned out of the history, lifts applied to the future."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from arbitre.forecast import Event, History, forecast
from arbitre.forecast.cleaning import clean, odd_days
from arbitre.forecast.events import effects
from tests.forecast.synthetic import synthetic_history


def history_with_spikes(*, lift: float, days: list[int], rng: np.random.Generator) -> History:
    history, _ = synthetic_history(rng=rng, days=182, level=1000)
    for d in days:
        on_day = history.axis.day == d
        history.offered[0, on_day] = np.round(history.offered[0, on_day] * lift)
    return history


def test_an_event_with_a_given_multiplier_lifts_its_future_days_and_leaves_the_rest_alone() -> None:
    rng = np.random.default_rng(12)
    history, _ = synthetic_history(rng=rng, days=182, level=1000)
    first = history.last_day + timedelta(days=1)
    black_friday = Event("black-friday", first + timedelta(days=10), first + timedelta(days=10), 2.5)
    plain = forecast(history, horizon_days=28, model="ets")
    lifted = forecast(history, horizon_days=28, model="ets", events=[black_friday])
    ratio = lifted.daily[0] / plain.daily[0]
    assert ratio[10] == pytest.approx(2.5)
    assert np.allclose(np.delete(ratio, 10), 1.0)
    (effect,) = lifted.info[0].events
    assert (effect.name, effect.multiplier, effect.estimated) == ("black-friday", 2.5, False)


def test_an_event_without_multiplier_takes_the_lift_of_its_past_occurrences() -> None:
    rng = np.random.default_rng(13)
    history = history_with_spikes(lift=3.0, days=[60, 120], rng=rng)
    day = history.axis.date_of
    first = history.last_day + timedelta(days=1)
    sale = [Event("sale", day(d), day(d)) for d in (60, 120)] + [
        Event("sale", first + timedelta(days=3), first + timedelta(days=3))
    ]
    result = forecast(history, horizon_days=14, model="ets", events=sale)
    (effect,) = result.info[0].events
    assert effect.estimated and effect.past_days == 2
    assert effect.multiplier == pytest.approx(3.0, rel=0.05)
    plain = forecast(history, horizon_days=14, model="ets", events=sale[:2])
    assert result.daily[0, 3] / plain.daily[0, 3] == pytest.approx(effect.multiplier)


def test_a_listed_event_does_not_move_the_forecast_of_ordinary_days() -> None:
    rng = np.random.default_rng(14)
    history = history_with_spikes(lift=2.5, days=[178, 179, 180, 181], rng=rng)  # the last four days
    day = history.axis.date_of
    listed = forecast(history, horizon_days=14, model="ets", events=[Event("promo", day(178), day(181), 2.5)])
    ignored = forecast(history, horizon_days=14, model="ets")
    rng = np.random.default_rng(14)
    clean_history, _ = synthetic_history(rng=rng, days=182, level=1000)
    truth = forecast(clean_history, horizon_days=14, model="ets")
    assert np.abs(listed.daily[0] / truth.daily[0] - 1).max() < 0.03
    assert np.abs(ignored.daily[0] / truth.daily[0] - 1).max() > 0.1  # a run of four is a change, not odd


def test_an_odd_day_nobody_listed_is_replaced_but_a_lasting_change_is_kept() -> None:
    y = np.tile([800.0, 780, 760, 750, 700, 300, 50], 10)
    y[30] = 0.0  # an outage
    y[40] = 5000.0  # a flood
    y[62:] = 100.0  # the flow moved elsewhere: eight days in a row
    cleaned, odd = clean(y, known=np.zeros(y.size, dtype=bool))
    assert np.flatnonzero(odd).tolist() == [30, 40]
    assert cleaned[30] == y[23] and cleaned[40] == y[33]
    assert np.all(cleaned[62:] == 100.0)


def test_small_counts_are_not_mistaken_for_odd_days() -> None:
    y = np.tile([3.0, 2, 4, 0, 1, 0, 0], 8)
    y[20] = 9.0
    assert not odd_days(y, base=np.full(y.size, 2.0)).any()


def test_a_closed_day_given_as_an_event_of_multiplier_zero_is_forecast_at_zero() -> None:
    y = np.tile([100.0, 100, 100, 100, 100, 50, 10], 6)
    start = date(2026, 1, 5)
    christmas = Event("christmas", start + timedelta(days=45), start + timedelta(days=45), 0.0)
    known, factor, _ = effects(y, first_day=start, horizon_days=7, events=[christmas])
    assert not known.any() and factor.tolist() == [1, 1, 1, 0, 1, 1, 1]


def test_events_are_checked_and_restricted_to_their_flows() -> None:
    with pytest.raises(ValueError, match="before start"):
        Event("x", date(2026, 2, 2), date(2026, 2, 1))
    with pytest.raises(ValueError, match="multiplier"):
        Event("x", date(2026, 2, 2), date(2026, 2, 2), -1.0)
    only_sav = Event("x", date(2026, 2, 2), date(2026, 2, 2), 2.0, frozenset({"sav"}))
    assert only_sav.applies_to("sav") and not only_sav.applies_to("orders")
