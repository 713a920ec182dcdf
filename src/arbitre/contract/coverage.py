"""Which days of a month the provider's records cover: governance refuses to guess.

A month is refereed on the provider's own records. When some are missing — an export not yet
sent, a few days lost on the way — the figures of the days covered are not the month's: fees
computed on 27 days of 30 are a tenth short, and an SLA met on them may not be met on the month.
So each day of the month is checked, flow by flow, against what the contract expects:

- a flow **expects** contacts on a day when the contract forecasts at least `MIN_EXPECTED`
  contacts on it (the month's forecast spread by the weekday weights, none on closed days); for
  a flow the contract does not forecast, when the day's weekday is open and the flow has averaged
  at least `MIN_EXPECTED` a day on the month's open days with records — with fewer, a day without
  any contact is ordinary and proves nothing;
- a day is **covered** when every flow that expects contacts on it has at least one record;
- only the days **elapsed** by the run date count (the run date's own day is still under way).

The month's ``status``: ``complete`` — over, and every day covered; ``partial`` — over, some days
missing; ``none`` — no record at all of the provider in the month; ``in_progress`` — the month is
not over (the days elapsed may still lack records: the export has not come yet). Only a complete
month is charged as complete (`arbitre.services.govern`).

Pure: the daily counts and the run date are passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from arbitre.contract.volumes import daily_forecast
from arbitre.domain.contract import Contract
from arbitre.domain.month import Month

#: The fewest contacts a flow must expect on a day for a day without any to count as missing
#: data: with 5 expected, a day with none happens by chance less than once in a hundred (Poisson).
MIN_EXPECTED = Decimal(5)

Status = Literal["complete", "partial", "none", "in_progress"]


class DayCoverage(BaseModel):
    """One day of the month: the provider's contacts per flow, and the flows missing."""

    model_config = ConfigDict(frozen=True)

    day: date
    contacts: dict[str, int]
    expected: list[str]  # flows that expect contacts on the day
    missing: list[str]  # of those, the flows without any record
    elapsed: bool  # over by the run date

    @computed_field  # type: ignore[prop-decorator]
    @property
    def covered(self) -> bool:
        return self.elapsed and not self.missing


class Coverage(BaseModel):
    """The month's coverage by the provider's records, day by day."""

    model_config = ConfigDict(frozen=True)

    status: Status
    days: int  # in the month
    elapsed: int  # over by the run date
    covered: int  # elapsed and covered
    missing_days: list[date]  # elapsed and not covered
    data_through: date | None  # the last day with a record
    by_day: list[DayCoverage]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def complete(self) -> bool:
        return self.status == "complete"


class Charge(BaseModel):
    """What a run charges: the month's net fees when it is over and covered (``final``); nothing
    for good otherwise — the figures of the days covered are ``provisional`` — and ``nothing``
    at all without any record of the provider."""

    model_config = ConfigDict(frozen=True)

    status: Literal["final", "provisional", "nothing"]
    amount: Decimal | None  # the net fees charged, when final
    coverage: Status


def charge(covered: Coverage, *, net_fees: Decimal) -> Charge:
    """The charge of a month refereed with ``covered``, whose net fees come to ``net_fees``."""
    if covered.complete:
        return Charge(status="final", amount=net_fees, coverage=covered.status)
    status: Literal["provisional", "nothing"] = "nothing" if covered.status == "none" else "provisional"
    return Charge(status=status, amount=None, coverage=covered.status)


def coverage(
    contract: Contract, *, month: Month, daily: Mapping[tuple[str, date], int], today: date
) -> Coverage:
    """Each day of ``month`` checked against the contract's flows, as of the run date ``today``.

    ``daily`` holds the provider's contacts per (flow, local day).

    >>> from arbitre.domain.contract import Contract
    >>> c = Contract.model_validate({
    ...     "id": "c", "client": {"name": "C"}, "provider": {"name": "P", "sites": ["p"]},
    ...     "flows": ["voice"], "start": "2026-06-01", "end": "2027-05-31",
    ...     "pricing": {"model": "per_contact", "rate": 2},
    ...     "volumes": {"default": {"voice": 3000}},
    ...     "slas": [{"name": "sl", "kpi": "service_level", "target": 0.8, "weight": 1}],
    ...     "data_protection": {"country": "FR"}})
    >>> june = {("voice", date(2026, 6, d)): 100 for d in range(1, 31) if d not in (10, 11)}
    >>> cov = coverage(c, month=Month("2026-06"), daily=june, today=date(2026, 7, 6))
    >>> cov.status, cov.covered, [d.isoformat() for d in cov.missing_days]
    ('partial', 28, ['2026-06-10', '2026-06-11'])
    """
    days = month.days()
    forecasts = {f: daily_forecast(contract.volumes, month=month, flow=f) for f in contract.flows}
    by_day = []
    for day in days:
        elapsed = day < today
        contacts = {f: int(daily.get((f, day), 0)) for f in contract.flows}
        expected = [f for f in contract.flows if _expects(contract, f, day, forecasts[f], daily, days)]
        by_day.append(
            DayCoverage(
                day=day,
                contacts=contacts,
                expected=expected,
                missing=[f for f in expected if contacts[f] == 0] if elapsed else [],
                elapsed=elapsed,
            )
        )
    seen = [d.day for d in by_day if any(d.contacts.values())]
    elapsed_days = [d for d in by_day if d.elapsed]
    missing = [d.day for d in elapsed_days if d.missing]
    over = today > days[-1]
    status: Status
    if not seen and elapsed_days:
        status = "none"
    elif not over:
        status = "in_progress"
    else:
        status = "partial" if missing else "complete"
    return Coverage(
        status=status,
        days=len(days),
        elapsed=len(elapsed_days),
        covered=len(elapsed_days) - len(missing),
        missing_days=missing,
        data_through=max(seen, default=None),
        by_day=by_day,
    )


def _expects(
    contract: Contract,
    flow: str,
    day: date,
    forecast: Mapping[date, Decimal],
    daily: Mapping[tuple[str, date], int],
    days: list[date],
) -> bool:
    if forecast:
        return forecast[day] >= MIN_EXPECTED
    weights = contract.volumes.weights(flow)
    closed = contract.volumes.closed(flow)
    if day in closed or weights[day.weekday()] <= 0:
        return False
    open_days = [d for d in days if d not in closed and weights[d.weekday()] > 0]
    with_data = [d for d in open_days if daily.get((flow, d), 0) > 0]
    if not with_data:
        return False
    return Decimal(sum(int(daily[(flow, d)]) for d in with_data)) / len(with_data) >= MIN_EXPECTED


__all__ = ["MIN_EXPECTED", "Charge", "Coverage", "DayCoverage", "charge", "coverage"]
