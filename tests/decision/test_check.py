"""The simulated week of a split plan: each call to its site by band, each site staffed as sized."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from arbitre.decision.blocks import price_blocks
from arbitre.decision.check import TOLERANCE, FlowCheck, check_plan, ordinary_week
from arbitre.domain.costing import DecisionSettings, Offer
from arbitre.domain.settings import HourBands
from tests.costing.builders import round_costs, week


def offer(**changes: Any) -> Offer:
    data: dict[str, Any] = {
        "id": "tana",
        "provider": "Mada Contact",
        "site": "tana",
        "shore": "offshore",
        "country": "MG",
        "channels": ["voice_in"],
        "languages": ["fr"],
        "pricing": {"model": "per_productive_hour", "rate": 8},
    }
    data.update(changes)
    return Offer.model_validate(data)


def test_a_day_in_house_and_evening_offshore_split_keeps_its_service_level() -> None:
    # Sixteen calls of 300 s a half-hour from 9:00 to 21:00, Monday to Friday: the day band
    # (9:00–19:00) stays in-house, the evening (19:00–21:00) goes to the provider, whose agents
    # take 10 % longer (and are sized for it).
    flow = replace(week(hours=(9, 21)), patience_s=120.0)
    tana = offer(productivity={"aht_factor": 1.1})
    priced = price_blocks(
        [flow], costs=round_costs(), offers=[tana], frame=DecisionSettings(), timezone="Europe/Paris"
    )
    assert [p.block.band for p in priced] == ["day", "evening"]
    (check,) = check_plan(
        priced,
        ["internal", "tana"],
        offers=[tana],
        bands=HourBands(),
        timezone="Europe/Paris",
        replications=8,
    )
    assert check.week_start == "2026-01-05" and check.replications == 8
    day, evening = check.sites
    assert (day.site, day.band, evening.site, evening.band) == ("internal", "day", "tana", "evening")
    # Every call reaches the site of its band: 20 half-hours × 16 × 5 days in the day, 4 × 16 × 5
    # in the evening (Poisson arrivals around those means).
    assert abs(day.offered - 1600) < 4 * np.sqrt(1600 / 8)
    assert abs(evening.offered - 320) < 4 * np.sqrt(320 / 8)
    # Each site sized for 80 % in 20 s interval by interval: the simulated week keeps it.
    assert check.ok
    assert check.service_level is not None and check.service_level[0] >= 0.8 - TOLERANCE
    for site in check.sites:
        assert site.service_level is not None and site.service_level[0] >= 0.8 - 2 * TOLERANCE
    assert check.abandon_rate is not None and check.abandon_rate[0] < 0.1


def test_a_plan_that_keeps_every_call_in_house_needs_no_simulation() -> None:
    flow = week(hours=(9, 21))
    tana = offer()
    priced = price_blocks(
        [flow], costs=round_costs(), offers=[tana], frame=DecisionSettings(), timezone="Europe/Paris"
    )
    assert (
        check_plan(
            priced, ["internal"] * len(priced), offers=[tana], bands=HourBands(), timezone="Europe/Paris"
        )
        == []
    )


def test_the_ordinary_week_is_the_median_full_week() -> None:
    one = week()
    assert ordinary_week([one], timezone="Europe/Paris") == slice(0, 336)
    assert ordinary_week([], timezone="Europe/Paris") is None


def test_a_week_below_its_target_by_more_than_the_tolerance_is_a_miss() -> None:
    def made(sl: float) -> FlowCheck:
        return FlowCheck(
            flow="f",
            week_start="2026-01-05",
            replications=5,
            contacts=100,
            target_sl=0.8,
            threshold_s=20.0,
            service_level=(sl, sl - 0.01, sl + 0.01),
            abandon_rate=None,
            sites=(),
        )

    assert made(0.8 - TOLERANCE).ok
    assert not made(0.8 - TOLERANCE - 0.001).ok
