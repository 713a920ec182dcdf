"""Days above their volume band, and the contract's rule for excluding them, computed by hand.

May 2026, one flow forecast at 3,000 contacts, the same every day: 3,000 ÷ 31 = 96.77 a day, the
top of a day's band at +15 % is 111.29, the month's 3,450.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from arbitre.contract.volumes import daily_forecast, days_above_band, excluded_days
from arbitre.domain.contract import Contract
from arbitre.domain.month import Month

MAY = [date(2026, 5, d) for d in range(1, 32)]


def contract(rule: dict[str, object] | None = None, **volumes: object) -> Contract:
    return Contract.model_validate(
        {
            "id": "c",
            "client": {"name": "C"},
            "provider": {"name": "P", "sites": ["p"]},
            "flows": ["voice"],
            "start": "2026-05-01",
            "end": "2027-04-30",
            "pricing": {"model": "per_contact", "rate": 2},
            "volumes": {"tolerance": 0.15, "default": {"voice": 3000}, **volumes},
            "slas": [{"name": "sl", "kpi": "service_level", "target": 0.8, "weight": 1}],
            "exclusions": {} if rule is None else {"volume_days": rule},
            "data_protection": {"country": "FR"},
        }
    )


def month(ordinary: int, spike: int) -> dict[tuple[str, date], int]:
    """Every day ``ordinary`` contacts, 10 May ``spike``."""
    return {("voice", d): (spike if d.day == 10 else ordinary) for d in MAY}


def test_a_day_above_its_band_in_a_month_within_its_band_is_counted_by_default() -> None:
    """The demo's June: four voice days excluded (22 % of the month) while the month was within
    its band. By default a day leaves the SLAs only when the month itself is above its band."""
    daily = month(90, 200)  # 30 × 90 + 200 = 2,900 ≤ 3,450
    (day,) = days_above_band(contract(), month=Month("2026-05"), daily=daily)
    assert (day.day, day.actual, day.excluded, day.month_above) == (date(2026, 5, 10), 200, False, False)
    assert (day.forecast, day.limit) == (Decimal("96.77"), Decimal("111.29"))  # to the hundredth
    assert (day.month_actual, day.month_limit) == (2900, Decimal("3450.00"))
    assert excluded_days(contract(), month=Month("2026-05"), daily=daily) == []


def test_in_a_month_above_its_band_the_days_above_theirs_are_excluded() -> None:
    daily = month(110, 300)  # 30 × 110 + 300 = 3,600 > 3,450; only the 10th is above 111.29
    (day,) = excluded_days(contract(), month=Month("2026-05"), daily=daily)
    assert (day.day, day.actual, day.month_actual, day.month_above) == (date(2026, 5, 10), 300, 3600, True)


def test_the_contract_may_exclude_every_day_above_its_band_or_none_and_set_the_daily_band() -> None:
    daily = month(90, 200)
    assert [
        d.day.day for d in excluded_days(contract({"when": "always"}), month=Month("2026-05"), daily=daily)
    ] == [10]
    assert excluded_days(contract({"when": "never"}), month=Month("2026-05"), daily=daily) == []
    # A daily band of +100 %: 200 is above 2 × 96.77 = 193.5, 190 is not.
    wide = contract({"when": "always", "tolerance": 1})
    assert [d.actual for d in days_above_band(wide, month=Month("2026-05"), daily=month(90, 200))] == [200]
    assert days_above_band(wide, month=Month("2026-05"), daily=month(90, 190)) == []


def test_month_to_date_the_month_is_judged_on_its_days_so_far() -> None:
    """Through 10 May: 9 × 110 + 300 = 1,290 against 10 × 96.77 × 1.15 = 1,112.9: above."""
    daily = {k: v for k, v in month(110, 300).items() if k[1].day <= 10}
    (day,) = excluded_days(contract(), month=Month("2026-05"), daily=daily, through=date(2026, 5, 10))
    assert (day.month_actual, day.month_limit) == (1290, Decimal("1112.90"))


def test_closed_days_expect_nothing_and_the_month_spreads_over_the_open_days() -> None:
    c = contract(closed_days={"voice": ["2026-05-01"]})
    forecast = daily_forecast(c.volumes, month=Month("2026-05"), flow="voice")
    assert forecast[date(2026, 5, 1)] == 0 and forecast[date(2026, 5, 2)] == Decimal(100)
    assert sum(forecast.values()) == Decimal(3000)
