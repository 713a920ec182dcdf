"""Small workloads and cost models whose figures can be checked by hand."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from arbitre.costing.inhouse import CostLine, InHouseCost
from arbitre.costing.pricing import minute_of_week
from arbitre.costing.workload import FlowWorkload
from arbitre.domain.channels import Channel
from arbitre.domain.costing import Bands, InHouseCosts
from arbitre.domain.settings import HourBands
from arbitre.domain.targets import StaffingTargets
from arbitre.staffing.workforce import BANDS, band_of_intervals

# 2026-01-05 00:00 in Paris (a Monday, UTC+1): the week of the seed's example.
MONDAY_PARIS_S = 1_767_567_600
HALF_HOUR_S = 1800
WEEK_MONTHS = 12 / 52  # one week, in months


def bands_of(start_s: np.ndarray) -> np.ndarray:
    """The hour band of each interval (Paris time, the default bands)."""
    mow = minute_of_week(start_s, timezone="Europe/Paris")
    return band_of_intervals(mow // 1440, mow % 1440, HourBands().minute_masks())


def week(
    *,
    volume: float = 16.0,
    aht_s: float = 300.0,
    talk_s: float = 240.0,
    channel: Channel = Channel.VOICE_IN,
    hours: tuple[int, int] = (9, 17),
    days: int = 5,
    months: float = WEEK_MONTHS,
    languages: dict[str, float] | None = None,
    targets: StaffingTargets | None = None,
    flow: str = "sav-voice-fr",
) -> FlowWorkload:
    """One week of half-hours from Monday 00:00 (Paris): ``volume`` contacts in each half-hour
    from ``hours[0]`` to ``hours[1]`` on the first ``days`` days, nothing otherwise.

    With the defaults (16 calls of 300 s a half-hour, 80 % in 20 s), the staffing engine needs
    5 agents in each of those half-hours: 5 agents × 8 h × 5 days = 200 agent hours on line.
    """
    n = 7 * 48
    start = MONDAY_PARIS_S + np.arange(n, dtype=np.int64) * HALF_HOUR_S
    day = np.arange(n) // 48
    slot = np.arange(n) % 48
    busy = (day < days) & (slot >= 2 * hours[0]) & (slot < 2 * hours[1])
    vol = np.where(busy, volume, 0.0)
    return FlowWorkload(
        flow=flow,
        channel=channel,
        interval_s=float(HALF_HOUR_S),
        start_s=start,
        band=bands_of(start),
        open_=busy.copy(),
        in_scope=busy.copy(),
        volume=vol,
        aht_s=np.full(n, aht_s),
        talk_s=np.full(n, talk_s),
        targets=targets or StaffingTargets(),
        months=months,
        languages=languages if languages is not None else {"fr": 1.0},
    )


def round_costs(**changes: object) -> InHouseCosts:
    """A cost model of round numbers, for breakdowns computed by hand.

    Loaded hourly pay: 16,000 × 1.25 ÷ 1,600 = 12.50 €/h; a training day costs 7 × 12.50 + 50 =
    137.50 €.
    """
    data: dict[str, object] = {
        "agent_gross_salary_per_year": Decimal(16000),
        "employer_charges_rate": Decimal("0.25"),
        "staff_employer_charges_rate": Decimal("0.5"),
        "paid_hours_per_year": Decimal(1600),
        "band_premiums": Bands(evening=Decimal("0.2"), weekend=Decimal("0.5")),
        "agents_per_team_leader": Decimal(10),
        "team_leader_gross_salary_per_year": Decimal(20000),
        "agents_per_manager": Decimal(50),
        "manager_gross_salary_per_year": Decimal(40000),
        "support_staff_per_100_agents": Decimal(5),
        "support_gross_salary_per_year": Decimal(20000),
        "recruiting_cost_per_hire": Decimal(1000),
        "initial_training_days": Decimal(10),
        "training_cost_per_day": Decimal(50),
        "ongoing_training_hours_per_year": Decimal(14),
        "turnover_rate_per_year": Decimal("0.3"),
        "absenteeism_rate": Decimal("0.05"),
        "replacement_premium": Decimal("0.2"),
        "peak_overtime_share": Decimal("0.04"),
        "overtime_premium": Decimal("0.25"),
        "licences_per_seat_per_month": Decimal(100),
        "equipment_per_seat_per_year": Decimal(600),
        "premises_per_seat_per_year": Decimal(2400),
        "seats_per_fte": Decimal("0.5"),
        "telecom_per_talk_minute": Decimal("0.02"),
    }
    data.update(changes)
    return InHouseCosts.model_validate(data)


def flat_inhouse(*, volume_per_month: Decimal, fixed_per_month: Decimal, flow: str = "f") -> InHouseCost:
    """An in-house cost of one month with one volume-driven and one fixed line (TCO hand cases)."""
    lines = (
        CostLine("agents_pay", volume_per_month, band="day", driver="volume"),
        CostLine("premises", fixed_per_month, driver="fixed"),
    )
    total = volume_per_month + fixed_per_month
    zero = dict.fromkeys(BANDS, Decimal(0))
    return InHouseCost(
        flow=flow,
        currency="EUR",
        months=Decimal(1),
        lines=lines,
        total=total,
        per_month=total,
        hidden_total=Decimal(0),
        volume_driven_total=volume_per_month,
        fte=Decimal(10),
        fte_by_band={**zero, "day": Decimal(10)},
        paid_hours_by_band={**zero, "day": Decimal(1600)},
        productive_hours=Decimal(1000),
        talk_minutes=Decimal(0),
        contacts=None,
        per_productive_hour=total / 1000,
        per_contact=None,
        per_fte_per_month=total / 10,
        peak_agents=None,
        model="given",
    )
