"""Invariants on random workloads: costs never fall when volume rises, premiums never lower a cost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from arbitre.costing.defaults import french_defaults
from arbitre.costing.inhouse import inhouse_cost
from arbitre.costing.invoice import MonthUnits, monthly_invoice
from arbitre.costing.pricing import offer_cost
from arbitre.costing.workload import FlowWorkload
from arbitre.domain.channels import Channel
from arbitre.domain.costing import Bands, Offer, Pricing
from arbitre.domain.targets import StaffingTargets

D = Decimal
rates = st.decimals(min_value=0, max_value=1, places=2)


@st.composite
def workloads(draw: st.DrawFn) -> FlowWorkload:
    """A day of half-hours of voice or chat, random volumes, handle times and bands."""
    n = draw(st.integers(min_value=4, max_value=24))
    volume = np.array(draw(st.lists(st.floats(0, 60), min_size=n, max_size=n)))
    aht = draw(st.floats(120, 600))
    band = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64)
    channel = draw(st.sampled_from([Channel.VOICE_IN, Channel.CHAT]))
    return FlowWorkload(
        flow="random",
        channel=channel,
        interval_s=1800.0,
        start_s=np.arange(n, dtype=np.int64) * 1800,
        band=band,
        open_=np.ones(n, bool),
        in_scope=np.ones(n, bool),
        volume=volume,
        aht_s=np.full(n, aht),
        talk_s=np.full(n, aht * 0.8),
        targets=StaffingTargets(),
        months=1 / 30,
        languages={"fr": 0.7, "de": 0.3},
    )


def scaled(w: FlowWorkload, factor: float) -> FlowWorkload:
    return FlowWorkload(**{**w.__dict__, "volume": w.volume * factor})


def offer(pricing: dict[str, Any]) -> Offer:
    return Offer.model_validate(
        {
            "id": "o",
            "provider": "p",
            "site": "s",
            "shore": "offshore",
            "country": "MG",
            "channels": ["voice_in", "chat"],
            "languages": ["fr", "de"],
            "pricing": pricing,
        }
    )


@settings(max_examples=40, deadline=None)
@given(w=workloads(), factor=st.floats(1.0, 3.0))
def test_the_in_house_cost_never_falls_when_volume_rises(w: FlowWorkload, factor: float) -> None:
    costs = french_defaults()
    assert inhouse_cost(scaled(w, factor), costs=costs).total >= inhouse_cost(w, costs=costs).total


@settings(max_examples=40, deadline=None)
@given(w=workloads(), factor=st.floats(1.0, 3.0), night=rates, weekend=rates, de=rates)
def test_an_offers_invoice_never_falls_when_volume_rises(
    w: FlowWorkload, factor: float, night: Decimal, weekend: Decimal, de: Decimal
) -> None:
    premiums = {"band_premiums": {"night": night, "weekend": weekend}, "language_premiums": {"de": de}}
    per_hour = offer({"model": "per_productive_hour", "rate": 9, **premiums})
    bands = [{"up_to": 300, "rate": 3}, {"up_to": 3000, "rate": 2}, {"rate": 1}]
    per_contact = offer({"model": "per_contact", "bands": bands, "minimum_monthly": 500, **premiums})
    for o in (per_hour, per_contact):
        assert offer_cost(o, scaled(w, factor)).per_month >= offer_cost(o, w).per_month


@settings(max_examples=40, deadline=None)
@given(w=workloads(), evening=rates, night=rates, weekend=rates)
def test_in_house_band_premiums_never_lower_a_cost(
    w: FlowWorkload, evening: Decimal, night: Decimal, weekend: Decimal
) -> None:
    base = french_defaults().model_copy(update={"band_premiums": Bands()})
    premium = base.model_copy(update={"band_premiums": Bands(evening=evening, night=night, weekend=weekend)})
    assert inhouse_cost(w, costs=premium).total >= inhouse_cost(w, costs=base).total


@settings(max_examples=100, deadline=None)
@given(
    units=st.decimals(min_value=0, max_value=100000, places=2),
    night_share=st.decimals(min_value=0, max_value=1, places=2),
    de_share=st.decimals(min_value=0, max_value=1, places=2),
    night=rates,
    de=rates,
    model=st.sampled_from(["per_contact", "fixed_plus_variable"]),
)
def test_pricing_premiums_never_lower_an_invoice(
    units: Decimal, night_share: Decimal, de_share: Decimal, night: Decimal, de: Decimal, model: str
) -> None:
    plain: dict[str, Any] = {"model": model, "rate": D("1.7"), "minimum_monthly": 1000}
    if model == "fixed_plus_variable":
        plain["fixed_monthly"] = 400
    with_premiums = {**plain, "band_premiums": {"night": night}, "language_premiums": {"de": de}}
    month = MonthUnits(
        units={"contact": units},
        band_shares={"day": 1 - night_share, "night": night_share},
        language_shares={"fr": 1 - de_share, "de": de_share},
    )
    without = monthly_invoice(Pricing.model_validate(plain), month=month).total
    assert monthly_invoice(Pricing.model_validate(with_premiums), month=month).total >= without
