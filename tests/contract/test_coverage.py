"""Which days the provider's records cover, and what the month's status is, by hand.

June 2026 (30 days), one flow forecast at 3,000 contacts (100 a day) unless said otherwise.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from arbitre.contract.coverage import charge, coverage
from arbitre.domain.month import Month
from tests.contract.test_volumes import contract

JUNE = [date(2026, 6, d) for d in range(1, 31)]


def full(skip: tuple[int, ...] = ()) -> dict[tuple[str, date], int]:
    return {("voice", d): 100 for d in JUNE if d.day not in skip}


def test_a_month_over_and_every_day_covered_is_complete_and_charged() -> None:
    cov = coverage(contract(), month=Month("2026-06"), daily=full(), today=date(2026, 7, 6))
    assert (cov.status, cov.covered, cov.elapsed, cov.missing_days) == ("complete", 30, 30, [])
    assert cov.data_through == date(2026, 6, 30)
    c = charge(cov, net_fees=Decimal("6000.00"))
    assert (c.status, c.amount) == ("final", Decimal("6000.00"))


def test_a_month_over_with_missing_days_is_partial_and_not_charged_as_complete() -> None:
    cov = coverage(
        contract(), month=Month("2026-06"), daily=full(skip=(10, 11, 12, 30)), today=date(2026, 7, 6)
    )
    assert cov.status == "partial" and cov.complete is False
    assert cov.missing_days == [date(2026, 6, d) for d in (10, 11, 12, 30)]
    assert (cov.covered, cov.elapsed, cov.data_through) == (26, 30, date(2026, 6, 29))
    day = cov.by_day[9]
    assert (day.day, day.contacts, day.missing, day.covered) == (
        date(2026, 6, 10),
        {"voice": 0},
        ["voice"],
        False,
    )
    c = charge(cov, net_fees=Decimal("5200.00"))
    assert (c.status, c.amount) == ("provisional", None)


def test_a_month_without_any_record_charges_nothing() -> None:
    cov = coverage(contract(), month=Month("2026-06"), daily={}, today=date(2026, 7, 6))
    assert (cov.status, cov.covered, cov.data_through) == ("none", 0, None)
    assert charge(cov, net_fees=Decimal("15000.00")).status == "nothing"  # a minimum fee is not charged


def test_month_to_date_only_the_days_before_the_run_date_count() -> None:
    daily = {k: v for k, v in full().items() if k[1].day <= 14}
    cov = coverage(contract(), month=Month("2026-06"), daily=daily, today=date(2026, 6, 15))
    assert (cov.status, cov.elapsed, cov.covered, cov.missing_days) == ("in_progress", 14, 14, [])
    late = coverage(contract(), month=Month("2026-06"), daily=daily, today=date(2026, 6, 20))
    assert late.status == "in_progress" and late.missing_days == [date(2026, 6, d) for d in range(15, 20)]


def test_a_closed_day_or_a_day_expecting_fewer_than_five_contacts_is_not_missing() -> None:
    closed = contract(closed_days={"voice": ["2026-06-10"]})
    assert (
        coverage(closed, month=Month("2026-06"), daily=full(skip=(10,)), today=date(2026, 7, 1)).status
        == "complete"
    )
    # Sundays weigh 0.04 of a Monday: 3,000 × 0.04 ÷ (26 + 4 × 0.04) = 4.6 < 5 expected.
    sundays = contract(weekday_weights=[1, 1, 1, 1, 1, 1, 0.04])
    without = {k: v for k, v in full().items() if k[1].weekday() != 6}
    assert (
        coverage(sundays, month=Month("2026-06"), daily=without, today=date(2026, 7, 1)).status == "complete"
    )
