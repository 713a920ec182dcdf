"""The contract's forecast volumes: the band of each month and day, and the days excluded.

A month's forecast spreads over its days by the weekday weights (the same every day when none
are given; nothing on the contract's closed days). A day whose contacts on a flow exceed its
forecast by more than the daily tolerance is *above its band*; whether it is left out of that
flow's SLAs is the contract's rule (`arbitre.domain.contract.VolumeDays`): by default only in a
month that is itself above its band — within the monthly band the price and the staffing hold
for the month, and how the month spreads over its days is the provider's workforce management;
above it, the client's forecast was wrong (ISO 18295-2 puts forecasting on the client) and the
days that made it so are excluded. Every day above its band is listed with its figures and what
the rule made of it, so the report can say why a day was or was not excluded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from arbitre.domain.contract import Contract, Volumes
from arbitre.domain.month import Month


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


class DayAboveBand(BaseModel):
    """A day whose contacts on ``flow`` exceed its forecast band, and what the rule made of it.

    ``limit`` is the day's forecast × (1 + the daily tolerance), both to two decimals (the
    comparisons are made on the exact figures). ``month_actual`` and
    ``month_limit`` are the flow's month so far (through the last day with data) and the top of
    its band over the same days; ``month_above`` whether the first exceeds the second.
    """

    model_config = ConfigDict(frozen=True)

    flow: str
    day: date
    forecast: Decimal
    limit: Decimal
    actual: int
    month_actual: int
    month_limit: Decimal
    month_above: bool
    excluded: bool


class DaysRule(BaseModel):
    """The contract's rule for days above their band, as applied: when, and at what tolerance."""

    model_config = ConfigDict(frozen=True)

    when: Literal["month_above_band", "always", "never"]
    tolerance: Decimal


def daily_forecast(volumes: Volumes, *, month: Month, flow: str) -> dict[date, Decimal]:
    """The month's forecast of ``flow`` spread over its days by the weekday weights, nothing on
    the closed days."""
    total = volumes.forecast(month, flow)
    days = month.days()
    if total is None:
        return {}
    weights = volumes.weights(flow)
    closed = volumes.closed(flow)
    w = [Decimal(0) if d in closed else weights[d.weekday()] for d in days]
    s = sum(w, Decimal(0))
    return {d: (total * x / s if s > 0 else Decimal(0)) for d, x in zip(days, w, strict=True)}


def month_volumes(contract: Contract, *, month: Month, actual: Mapping[str, int]) -> list[MonthVolume]:
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


def days_rule(contract: Contract) -> DaysRule:
    """The rule for days above their band, with its tolerance resolved."""
    rule = contract.exclusions.days_rule
    tolerance = rule.tolerance if rule.tolerance is not None else contract.volumes.tolerance
    return DaysRule(when=rule.when, tolerance=tolerance)


def days_above_band(
    contract: Contract, *, month: Month, daily: Mapping[tuple[str, date], int], through: date | None = None
) -> list[DayAboveBand]:
    """Every day of ``month`` (through ``through``, the last day with data) whose contacts on a
    flow exceed its band, each excluded or not under the contract's rule."""
    rule = days_rule(contract)
    month_tol = contract.volumes.tolerance
    out = []
    for flow in contract.flows:
        forecast = daily_forecast(contract.volumes, month=month, flow=flow)
        days = [d for d in forecast if through is None or d <= through]
        month_actual = sum(int(daily.get((flow, d), 0)) for d in days)
        month_limit = sum((forecast[d] for d in days), Decimal(0)) * (1 + month_tol)
        month_above = month_actual > month_limit
        for day in days:
            n = int(daily.get((flow, day), 0))
            limit = forecast[day] * (1 + rule.tolerance)
            if n <= limit:
                continue
            excluded = rule.when == "always" or (rule.when == "month_above_band" and month_above)
            out.append(
                DayAboveBand(
                    flow=flow,
                    day=day,
                    forecast=_cents(forecast[day]),
                    limit=_cents(limit),
                    actual=n,
                    month_actual=month_actual,
                    month_limit=_cents(month_limit),
                    month_above=month_above,
                    excluded=excluded,
                )
            )
    return out


def _cents(x: Decimal) -> Decimal:
    """A contact count kept to two decimals for the record (the comparisons use it exact)."""
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def excluded_days(
    contract: Contract, *, month: Month, daily: Mapping[tuple[str, date], int], through: date | None = None
) -> list[DayAboveBand]:
    """The days left out of their flow's SLAs for volume, under the contract's rule."""
    return [d for d in days_above_band(contract, month=month, daily=daily, through=through) if d.excluded]


__all__ = [
    "DayAboveBand",
    "DaysRule",
    "MonthVolume",
    "daily_forecast",
    "days_above_band",
    "days_rule",
    "excluded_days",
    "month_volumes",
]
