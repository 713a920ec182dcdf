"""The contract's forecast volumes: the band of each month and day, and the days excluded.

A month's forecast spreads over its days by the weekday weights (the same every day when none
are given). A day whose contacts exceed its forecast by more than the tolerance is excluded from
the SLAs of that flow when ``exclusions.volume_above_band``: the provider was not staffed for it
(ISO 18295-2 puts forecasting on the client). A month outside its band is reported (the price
holds within it; outside, the contract renegotiates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from arbitre.contract.sla import month_days
from arbitre.domain.contract import Contract, Volumes


@dataclass(frozen=True)
class MonthVolume:
    flow: str
    forecast: Decimal | None
    actual: int
    low: Decimal | None
    high: Decimal | None

    @property
    def within(self) -> bool | None:
        if self.low is None or self.high is None:
            return None
        return self.low <= self.actual <= self.high


@dataclass(frozen=True)
class ExcludedDay:
    flow: str
    day: date
    forecast: Decimal
    actual: int


def daily_forecast(volumes: Volumes, *, month: str, flow: str) -> dict[date, Decimal]:
    """The month's forecast of ``flow`` spread over its days by the weekday weights."""
    total = volumes.forecast(month, flow)
    days = month_days(month)
    if total is None:
        return {}
    weights = volumes.weights(flow)
    w = [weights[d.weekday()] for d in days]
    s = sum(w, Decimal(0))
    return {d: (total * x / s if s > 0 else Decimal(0)) for d, x in zip(days, w, strict=True)}


def month_volumes(contract: Contract, *, month: str, actual: Mapping[str, int]) -> list[MonthVolume]:
    """Each flow's month against its forecast band."""
    tol = contract.volumes.tolerance
    out = []
    for flow in contract.flows:
        f = contract.volumes.forecast(month, flow)
        out.append(
            MonthVolume(
                flow=flow,
                forecast=f,
                actual=int(actual.get(flow, 0)),
                low=None if f is None else f * (1 - tol),
                high=None if f is None else f * (1 + tol),
            )
        )
    return out


def excluded_days(
    contract: Contract, *, month: str, daily: Mapping[tuple[str, date], int]
) -> list[ExcludedDay]:
    """Days whose contacts exceed the day's forecast by more than the tolerance (per flow)."""
    if not contract.exclusions.volume_above_band:
        return []
    tol = contract.volumes.tolerance
    out = []
    for flow in contract.flows:
        for day, forecast in daily_forecast(contract.volumes, month=month, flow=flow).items():
            n = int(daily.get((flow, day), 0))
            if n > forecast * (1 + tol):
                out.append(ExcludedDay(flow, day, forecast, n))
    return out
