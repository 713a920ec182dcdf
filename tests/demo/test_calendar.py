"""The retail calendar, the local-time grid and the company data of the demo."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from arbitre.demo.arrivals import demand_weight, open_mask, shape_per_bin
from arbitre.demo.calendar import (
    black_friday,
    cyber_monday,
    easter,
    epoch_days,
    french_holidays,
    sales_periods,
    season_multipliers,
)
from arbitre.demo.company import FLOW_BY_ID, FLOWS, SITES, demo_settings
from arbitre.demo.grid import build_grid
from arbitre.domain import CHANNELS

PARIS = ZoneInfo("Europe/Paris")


def test_the_2025_sales_and_black_friday_fall_on_their_legal_dates() -> None:
    assert sales_periods(2025) == (
        (date(2025, 1, 8), date(2025, 2, 4)),
        (date(2025, 6, 25), date(2025, 7, 22)),
    )
    assert black_friday(2025) == date(2025, 11, 28)
    assert cyber_monday(2025) == date(2025, 12, 1)


def test_easter_and_the_movable_french_holidays_match_the_2025_calendar() -> None:
    assert easter(2025) == date(2025, 4, 20)
    assert easter(2024) == date(2024, 3, 31)
    hol = french_holidays(2025)
    assert len(hol) == 11
    for d in (date(2025, 4, 21), date(2025, 5, 29), date(2025, 6, 9), date(2025, 7, 14)):
        assert d in hol


def test_black_friday_triples_the_order_demand_of_the_friday_before() -> None:
    m = season_multipliers(epoch_days([date(2025, 11, 21), date(2025, 11, 28)]), "orders")
    assert 2.8 < m[1] / m[0] < 3.3


def test_a_period_across_new_year_counts_the_christmas_returns_once() -> None:
    alone = season_multipliers(epoch_days([date(2025, 12, 28)]), "returns")
    across = season_multipliers(epoch_days([date(2025, 12, 28), date(2026, 1, 2)]), "returns")
    assert across[0] == pytest.approx(alone[0])


def test_returns_peak_after_christmas_not_before() -> None:
    m = season_multipliers(epoch_days([date(2025, 12, 15), date(2025, 12, 27)]), "returns")
    assert m[1] > 1.4 * m[0]


def test_the_spring_daylight_saving_day_has_23_hours_and_the_autumn_one_25() -> None:
    g = build_grid(date(2025, 3, 29), date(2025, 3, 31), zone=PARIS)
    assert np.diff(g.day_start).tolist() == [96, 92]
    assert 2 * 60 not in g.minute[g.day_start[1] :].tolist()  # 02:00 does not exist that night
    g = build_grid(date(2025, 10, 26), date(2025, 10, 27), zone=PARIS)
    assert g.n == 100
    assert int((g.minute == 2 * 60).sum()) == 2  # 02:00 happens twice


def test_a_grid_starts_at_local_midnight_in_utc() -> None:
    g = build_grid(date(2025, 7, 1), date(2025, 7, 2), zone=PARIS)
    assert g.t0_epoch_s % 86_400 == 22 * 3600  # 00:00 CEST is 22:00 UTC the day before
    assert g.minute[0] == 0 and g.weekday[0] == 1  # a Tuesday


def test_intraday_shapes_sum_to_one_and_chat_peaks_in_the_evening() -> None:
    for t in ("weekday", "saturday", "sunday"):
        assert shape_per_bin("voice", t, 900).sum() == pytest.approx(1.0)
    chat = shape_per_bin("chat", "weekday", 3600)
    voice = shape_per_bin("voice", "weekday", 3600)
    assert 19 <= int(np.argmax(chat)) <= 21
    assert 9 <= int(np.argmax(voice)) <= 11


def test_demand_continues_when_the_voice_line_is_closed() -> None:
    g = build_grid(date(2025, 3, 3), date(2025, 3, 10), zone=PARIS)
    flow = FLOW_BY_ID["sav-voice-fr"]
    w, open_ = demand_weight(flow, g), open_mask(flow, g)
    closed_share = w[~open_].sum() / w.sum()
    assert 0.05 < closed_share < 0.35
    assert not open_[(g.weekday == 6)].any()  # closed on Sunday
    assert w[(g.weekday == 6)].sum() > 0  # yet customers call


def test_public_holidays_close_the_back_office_and_reduce_the_voice_hours() -> None:
    g = build_grid(date(2025, 5, 8), date(2025, 5, 9), zone=PARIS)  # Victoire 1945, a Thursday
    assert not open_mask(FLOW_BY_ID["claims-backoffice"], g).any()
    voice = open_mask(FLOW_BY_ID["sav-voice-fr"], g)
    assert g.minute[voice].min() == 9 * 60 and g.minute[voice].max() < 17 * 60
    # The Barcelona provider works the French holiday at its usual hours.
    intl = open_mask(FLOW_BY_ID["support-intl"], g)
    assert g.minute[intl].min() == 8 * 60
    g = build_grid(date(2025, 12, 25), date(2025, 12, 26), zone=PARIS)
    assert not any(open_mask(f, g).any() for f in FLOWS)


def test_the_company_covers_every_channel_and_both_sites() -> None:
    assert {f.channel.value for f in FLOWS} == set(CHANNELS)
    assert {f.site for f in FLOWS} == set(SITES)
    assert 1_400_000 <= sum(f.annual_volume for f in FLOWS) <= 1_600_000
    for f in FLOWS:
        assert sum(w for _, w in f.reasons) == pytest.approx(1.0)
        assert 0.7 <= f.fcr <= 0.85


def test_the_demo_settings_describe_every_flow() -> None:
    s = demo_settings()
    assert s.timezone == "Europe/Paris" and s.currency == "EUR" and s.interval_min == 30
    assert set(s.flows) == {f.id for f in FLOWS}
    assert s.flows["support-intl"].languages == ["en", "es", "de"]
    assert s.hours_of("sav-chat-fr").describe()["sun"] == "closed"
