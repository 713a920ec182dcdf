"""Shift scheduling (docs/scheduling.md): hand-solved cases, brute force, invariants, files and CLI."""

from __future__ import annotations

import doctest
import itertools
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arbitre.errors import InputError
from arbitre.examples import EXAMPLES
from arbitre.reports.planning import shift_note
from arbitre.services.schedule import load_rules, read_requirements, requirement_series, schedule_file
from arbitre.staffing.document import ShiftNote
from arbitre.staffing.shifts import Schedule, ShiftRules, Tour, grid_min, schedule
from arbitre.yamlio import parse_model
from tests.helpers import write_csv

SHIFTS = EXAMPLES / "shifts"
DOCS = Path(__file__).resolve().parents[2] / "docs"
HOURLY = 7 * 24


def rules_of(*kinds: dict[str, Any], **top: Any) -> ShiftRules:
    return ShiftRules.model_validate({"shifts": list(kinds), **top})


def need(*blocks: tuple[int, str, str, float], interval_min: int = 60, weeks: int = 1) -> np.ndarray:
    """A requirement from (weekday, "HH:MM", "HH:MM", agents) blocks."""
    req = np.zeros(weeks * 7 * 1440 // interval_min)
    for day, start, end, agents in blocks:
        a, b = (int(t[:2]) * 60 + int(t[3:]) for t in (start, end))
        req[(day * 1440 + a) // interval_min : (day * 1440 + b) // interval_min] = agents
    return req


def hour(day: int, hh: int) -> int:
    return day * 24 + hh


def objective(s: Schedule) -> float:
    return s.paid_hours + s.penalty_per_agent_h * s.under_hours


DAY_SHIFT = {
    "name": "day",
    "lengths_h": [8],
    "starts": "06:00-12:00",
    "start_step_min": 60,
    "days_off": "any",
}


# --- Small cases solved by hand -------------------------------------------------------------------


def test_three_agents_over_eight_hours_five_days_take_three_monday_to_friday_tours() -> None:
    req = need(*((d, "08:00", "16:00", 3) for d in range(5)))
    s = schedule(req, rules=rules_of(DAY_SHIFT), interval_min=60, mip_gap=0)
    assert [(t.agents, t.days, t.start_min) for t in s.tours] == [(3, (0, 1, 2, 3, 4), (480,) * 5)]
    assert (s.paid_hours, s.required_hours, s.under_hours, s.over_hours) == (120.0, 120.0, 0.0, 0.0)
    assert s.efficiency == 1.0
    assert (s.status, s.gap) == ("optimal", 0.0)
    np.testing.assert_array_equal(s.coverage, req)


def test_a_requirement_no_allowed_shift_can_cover_is_reported_as_under_coverage() -> None:
    req = need(*((d, "08:00", "16:00", 3) for d in range(5)), (1, "03:00", "04:00", 2))
    s = schedule(req, rules=rules_of(DAY_SHIFT), interval_min=60)
    assert s.under[hour(1, 3)] == 2 and not s.coverable[hour(1, 3)]
    assert s.under_hours == 2.0 and s.paid_hours == 120.0
    night_only = schedule(need((2, "01:00", "03:00", 4)), rules=rules_of(DAY_SHIFT), interval_min=60)
    assert night_only.tours == () and night_only.paid_hours == 0.0
    assert night_only.under_hours == 8.0 and night_only.status == "optimal"


def test_a_lunch_window_forces_staggered_lunches() -> None:
    # Two agents needed 09:00-18:00; everyone starts at 09:00 and lunches at 12:00 or 13:00. With
    # three agents one lunch hour would leave one on duty, so it takes four, two lunching each hour.
    rules = rules_of(
        {
            "name": "day",
            "lengths_h": [8],
            "starts": {"mon": "09:00"},
            "days_per_week": 1,
            "break": {"length_min": 60, "window": "12:00-14:00"},
        }
    )
    s = schedule(need((0, "09:00", "18:00", 2)), rules=rules, interval_min=60, mip_gap=0)
    lunches = sorted(b or 0 for t in s.tours for b in t.break_start_min * t.agents)
    assert lunches == [720, 720, 780, 780]
    assert s.coverage[hour(0, 12)] == s.coverage[hour(0, 13)] == 2
    assert (s.paid_hours, s.under_hours, s.over_hours) == (32.0, 0.0, 14.0)


def test_consecutive_days_off_cost_more_than_any_days_off_for_a_monday_and_wednesday_need() -> None:
    kind = {"name": "d", "lengths_h": [4], "starts": {"mon-wed": "08:00"}, "days_per_week": 2}
    req = need((0, "08:00", "12:00", 1), (2, "08:00", "12:00", 1))
    consecutive = schedule(req, rules=rules_of({**kind, "days_off": "consecutive"}), interval_min=60)
    any_days = schedule(req, rules=rules_of({**kind, "days_off": "any"}), interval_min=60)
    assert [t.days for t in any_days.tours] == [(0, 2)] and any_days.paid_hours == 8.0
    assert sorted(t.days for t in consecutive.tours) == [(0, 1), (1, 2)] and consecutive.paid_hours == 16.0


def test_a_head_count_cap_leaves_the_shortfall_and_a_floor_pays_for_idle_agents() -> None:
    req = need(*((d, "08:00", "16:00", 3) for d in range(5)))
    capped = schedule(req, rules=rules_of({**DAY_SHIFT, "max_agents": 2}), interval_min=60)
    assert capped.headcount() == 2 and capped.under_hours == 40.0 and capped.coverable.sum() > 0
    floor = schedule(np.zeros(HOURLY), rules=rules_of({**DAY_SHIFT, "min_agents": 1}), interval_min=60)
    assert floor.headcount() == 1 and floor.paid_hours == 40.0 and floor.over_hours == 40.0


def test_a_night_shift_on_sunday_covers_monday_morning_of_the_cyclic_week() -> None:
    rules = rules_of({"name": "night", "lengths_h": [8], "starts": {"sun": "22:00"}, "days_per_week": 1})
    s = schedule(need((6, "22:00", "24:00", 1), (0, "00:00", "06:00", 1)), rules=rules, interval_min=60)
    assert [(t.days, t.start_min) for t in s.tours] == [((6,), (1320,))]
    assert s.under_hours == 0.0 and s.over_hours == 0.0


def test_starts_may_vary_from_day_to_day_within_the_band() -> None:
    kind = {"name": "d", "lengths_h": [4], "starts": {"mon-tue": "08:00-10:00"}, "start_step_min": 60}
    kind |= {"days_per_week": 2}
    req = need((0, "08:00", "12:00", 1), (1, "10:00", "14:00", 1))
    fixed = schedule(req, rules=rules_of(kind), interval_min=60)
    banded = schedule(req, rules=rules_of({**kind, "start_band_min": 120}), interval_min=60)
    assert [t.start_min for t in banded.tours] == [(480, 600)] and banded.paid_hours == 8.0
    assert fixed.paid_hours == 16.0


def test_several_weeks_are_scheduled_week_by_week() -> None:
    week = [(d, "08:00", "16:00", 3) for d in range(5)]
    req = np.concatenate([need(*week), need(*week) * 2 / 3])
    s = schedule(req, rules=rules_of(DAY_SHIFT), interval_min=60)
    assert s.weeks == 2 and (s.headcount(0), s.headcount(1)) == (3, 2)
    assert s.under_hours == 0.0 and s.paid_hours == 200.0


def test_a_sunday_night_shift_carries_into_the_next_week_when_weeks_are_solved_together() -> None:
    rules = rules_of({"name": "night", "lengths_h": [8], "starts": {"sun": "22:00"}, "days_per_week": 1})
    req = np.concatenate([need((6, "22:00", "24:00", 1)), need((0, "00:00", "06:00", 1))])
    s = schedule(req, rules=rules, interval_min=60)
    assert [(t.week, t.days, t.agents) for t in s.tours] == [(0, (6,), 1)]
    assert s.under_hours == 0.0 and s.over_hours == 0.0
    np.testing.assert_array_equal(coverage_of(s, rules), s.coverage)


# --- The optimum against brute force -------------------------------------------------------------

# On half-hours. Kind A: Monday, 3 paid hours + 1 h unpaid break starting 1, 1.5 or 2 hours in,
# start 08:00 or 09:00. Kind B: Monday, 2 hours without break, start 10:00 or 11:00.
# Every tour written out by hand, as the half-hours it is on duty.
TINY = rules_of(
    {
        "name": "A",
        "lengths_h": [3],
        "starts": {"mon": "08:00-09:00"},
        "start_step_min": 60,
        "days_per_week": 1,
        "break": {"length_min": 60},
    },
    {
        "name": "B",
        "lengths_h": [2],
        "starts": {"mon": "10:00-11:00"},
        "start_step_min": 60,
        "days_per_week": 1,
    },
)
TINY_TOURS = [(set(range(s, s + 8)) - {s + k, s + k + 1}, 3.0) for s in (16, 18) for k in (2, 3, 4)] + [
    (set(range(s, s + 4)), 2.0) for s in (20, 22)
]

# Kind C: Monday and Tuesday, 2 hours, start 08:00 or 09:00 each day independently (band of 1 h).
# Kind D: Monday or Tuesday, 3 hours, start 08:00 or 09:00.
TWO_DAYS = rules_of(
    {
        "name": "C",
        "lengths_h": [2],
        "starts": {"mon-tue": "08:00-09:00"},
        "start_step_min": 60,
        "days_per_week": 2,
        "start_band_min": 60,
    },
    {
        "name": "D",
        "lengths_h": [3],
        "starts": {"mon-tue": "08:00-09:00"},
        "start_step_min": 60,
        "days_per_week": 1,
    },
)
TWO_DAYS_TOURS = [({a, a + 1, 24 + b, 25 + b}, 4.0) for a in (8, 9) for b in (8, 9)] + [
    ({24 * d + s, 24 * d + s + 1, 24 * d + s + 2}, 3.0) for d in (0, 1) for s in (8, 9)
]


def brute_force(
    tours: list[tuple[set[int], float]], req: np.ndarray, *, penalty_per_agent_h: float, interval_h: float
) -> float:
    """Least paid hours + penalty × shortfall over every combination of tours.

    No tour is needed more often than the largest requirement: one copy more leaves every interval
    it covers at or above that requirement without it, so dropping it only saves its hours.
    """
    cover = np.zeros((len(tours), len(req)))
    for i, (hours, _) in enumerate(tours):
        cover[i, sorted(hours)] = 1
    paid = np.array([p for _, p in tours])
    most = int(np.ceil(req.max()))
    counts = np.array(list(itertools.product(range(most + 1), repeat=len(tours))), dtype=np.float64)
    under = np.maximum(req[None, :] - counts @ cover, 0).sum(axis=1) * interval_h
    return float((counts @ paid + penalty_per_agent_h * under).min())


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0]), min_size=14, max_size=14),
    penalty=st.sampled_from([0.5, 1.5, 5.0, None]),
)
def test_the_schedule_is_optimal_against_brute_force_on_one_day(
    values: list[float], penalty: float | None
) -> None:
    req = np.zeros(2 * HOURLY)
    req[14:28] = values  # 07:00-08:00 and 13:00-14:00 are out of reach of every shift
    rules = TINY.model_copy(update={"under_penalty_per_agent_h": penalty})
    s = schedule(req, rules=rules, interval_min=30, mip_gap=0)
    assert s.status == "optimal"
    expected = brute_force(TINY_TOURS, req, penalty_per_agent_h=s.penalty_per_agent_h, interval_h=0.5)
    assert objective(s) == pytest.approx(expected, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.sampled_from([0.0, 1.0, 2.0]), min_size=8, max_size=8),
    penalty=st.sampled_from([1.0, 3.0, None]),
)
def test_the_schedule_is_optimal_against_brute_force_on_two_days_with_varying_starts(
    values: list[float], penalty: float | None
) -> None:
    req = np.zeros(HOURLY)
    req[8:12] = values[:4]
    req[32:36] = values[4:]
    rules = TWO_DAYS.model_copy(update={"under_penalty_per_agent_h": penalty})
    s = schedule(req, rules=rules, interval_min=60, mip_gap=0)
    expected = brute_force(TWO_DAYS_TOURS, req, penalty_per_agent_h=s.penalty_per_agent_h, interval_h=1.0)
    assert objective(s) == pytest.approx(expected, abs=1e-6)


# --- Feasibility invariants ------------------------------------------------------------------------

MIXED = rules_of(
    {
        "name": "full",
        "lengths_h": [7, 8],
        "days_per_week": [4, 5],
        "weekly_hours_min": 28,
        "weekly_hours_max": 36,
        "days_off": "consecutive",
        "starts": {"mon-sat": "07:00-12:00"},
        "start_band_min": 60,
        "break": {"length_min": 60, "window": "11:00-14:30", "max_work_stretch_min": 360},
    },
    {
        "name": "evening",
        "lengths_h": [3],
        "days_per_week": 3,
        "days_off": "any",
        "starts": {"mon-fri": "17:00-19:00"},
        "break": {"length_min": 30, "paid": True},
    },
    {
        "name": "night",
        "lengths_h": [8],
        "days_per_week": 2,
        "days_off": "any",
        "starts": {"sat-sun": "22:00"},
    },
)
MIXED_STARTS = {
    "full": {d: set(range(420, 721, 30)) for d in range(6)},
    "evening": {d: set(range(1020, 1141, 30)) for d in range(5)},
    "night": {5: {1320}, 6: {1320}},
}


def check_tour_keeps_the_rules(t: Tour, rules: ShiftRules) -> None:
    kind = next(k for k in rules.shifts if k.name == t.shift)
    brk = kind.break_
    assert len(t.days) in kind.days_per_week and t.paid_h_per_day in kind.lengths_h
    assert (kind.weekly_hours_min or 0) <= t.weekly_paid_h <= (kind.weekly_hours_max or 1e9)
    assert t.span_min == t.paid_h_per_day * 60 + (brk.length_min if brk and not brk.paid else 0)
    off = set(range(7)) - set(t.days)
    if kind.days_off == "consecutive" and off:
        assert any(off == {(f + j) % 7 for j in range(len(off))} for f in range(7))
    assert all(s in MIXED_STARTS[t.shift][d] for d, s in zip(t.days, t.start_min, strict=True))
    assert max(t.start_min) - min(t.start_min) <= kind.start_band_min
    for (d1, s1), (d2, s2) in itertools.pairwise(zip(t.days, t.start_min, strict=True)):
        if d2 == d1 + 1:
            assert 1440 + s2 - (s1 + t.span_min) >= 11 * 60
    for s, b in zip(t.start_min, t.break_start_min, strict=True):
        if brk is None:
            assert b is None
            continue
        assert b is not None
        before, after = b - s, t.span_min - brk.length_min - (b - s)
        assert before >= brk.min_work_before_min and after >= brk.min_work_after_min
        if brk.max_work_stretch_min:
            assert max(before, after) <= brk.max_work_stretch_min
        if brk.window == "11:00-14:30":
            assert 660 <= b and b + brk.length_min <= 870


def coverage_of(s: Schedule, rules: ShiftRules) -> np.ndarray:
    """Agents on duty per interval, recounted from the tours alone."""
    n, step = len(s.required), s.interval_min
    cov = np.zeros(n, dtype=np.int64)
    for t in s.tours:
        blen = next(k for k in rules.shifts if k.name == t.shift).break_
        for d, start, b in zip(t.days, t.start_min, t.break_start_min, strict=True):
            midnight = (t.week * 7 + d) * 1440
            for m in range(start, start + t.span_min, step):
                if b is not None and blen is not None and b <= m < b + blen.length_min:
                    continue
                cov[((midnight + m) // step) % n] += t.agents
    return cov


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks=st.lists(st.integers(0, 6), min_size=7 * 12, max_size=7 * 12))
def test_every_tour_keeps_the_rules_and_the_tours_give_the_reported_coverage(blocks: list[int]) -> None:
    req = np.repeat(np.array(blocks, dtype=np.float64), 4)  # 2-hour blocks onto 30-min intervals
    s = schedule(req, rules=MIXED, interval_min=30, time_limit_s=20)
    for t in s.tours:
        check_tour_keeps_the_rules(t, MIXED)
    cov = coverage_of(s, MIXED)
    np.testing.assert_array_equal(cov, s.coverage)
    np.testing.assert_allclose(s.over - s.under, cov - req)
    assert s.paid_hours == pytest.approx(sum(t.agents * t.weekly_paid_h for t in s.tours))
    assert s.required_hours == pytest.approx(req.sum() / 2)
    assert s.under[s.coverable].sum() == 0  # the default penalty covers whatever can be covered
    assert s.gap <= 0.005 + 1e-9 or s.status == "time_limit"


# --- Rules, grid and input errors ------------------------------------------------------------------

YAML_OK = """\
name: test
shifts:
  - name: day
    lengths_h: [7]
    starts: "08:00-10:00"
    break:
      length_min: 60
      window: "11:30-14:30"
    min_agents: 0
"""


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("lengths_h: [7]", "lengths_h: [0]", 4, "shifts.0.lengths_h"),
        ('starts: "08:00-10:00"', 'starts: "8h-10h"', 5, "shifts.0.starts"),
        ('window: "11:30-14:30"', 'window: "midi"', 8, "shifts.0.break.window"),
        ("min_agents: 0", "min_agents: 0\n    brake: 1", 10, "shifts.0.brake"),
        ("min_agents: 0", "min_agents: 3\n    max_agents: 2", 3, "shifts.0"),
        ("lengths_h: [7]", "lengths_h: [7]\n    weekly_hours_max: 20", 3, "shifts.0"),
    ],
)
def test_rules_errors_name_the_line_of_the_yaml_file(old: str, new: str, line: int, field: str) -> None:
    parse_model(YAML_OK, ShiftRules, file="rules.yaml")
    with pytest.raises(InputError) as caught:
        parse_model(YAML_OK.replace(old, new), ShiftRules, file="rules.yaml")
    assert (caught.value.file, caught.value.line, caught.value.field) == ("rules.yaml", line, field)


def test_rules_off_the_interval_grid_and_broken_requirements_are_input_errors() -> None:
    odd = rules_of({**DAY_SHIFT, "lengths_h": [7.75]})
    assert grid_min(odd) == 15
    with pytest.raises(InputError, match=r"shifts\.0\.lengths_h.*30-min interval"):
        schedule(np.zeros(336), rules=odd, interval_min=30)
    with pytest.raises(InputError, match="whole weeks"):
        schedule(np.zeros(300), rules=rules_of(DAY_SHIFT), interval_min=60)
    with pytest.raises(InputError, match=r"requirement\[3\]"):
        schedule(np.r_[0, 0, 0, -1.0, np.zeros(HOURLY - 4)], rules=rules_of(DAY_SHIFT), interval_min=60)
    with pytest.raises(InputError, match="allow no tour"):
        schedule(np.zeros(HOURLY), rules=rules_of({**DAY_SHIFT, "starts": {"mon": "08:00"}}), interval_min=60)


def test_a_start_with_no_lawful_break_is_noted_and_left_out() -> None:
    lunch = {"length_min": 60, "window": "11:30-14:30", "max_work_stretch_min": 360}
    kind = {"name": "late", "lengths_h": [7], "starts": "12:00-13:00", "break": lunch}
    s = schedule(np.zeros(336), rules=rules_of(kind), interval_min=30)
    (note,) = s.notes
    assert note == ShiftNote(
        shift="late",
        code="no_break",
        hours=7,
        start="13:00",
        days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    )
    assert shift_note(note) == (
        "late: 7-h shifts starting at 13:00 (mon-sun) have no break placement within the rules; not used"
    )
    assert shift_note(note, "fr") == (
        "late : les vacations de 7 h commençant à 13:00 (lun.-dim.) n'ont aucune pause possible dans les "
        "règles ; non utilisées"
    )


def test_a_time_limit_too_short_still_returns_a_schedule_and_says_so() -> None:
    rules = load_rules(SHIFTS / "contact-centre-fr.yaml")
    (series,) = requirement_series(
        read_requirements(SHIFTS / "requirement-week.csv"), interval_min=30, total=False
    )
    s = schedule(series.agents, rules=rules, interval_min=30, time_limit_s=0.001)
    assert s.status == "time_limit" and not s.gap <= 0.005
    np.testing.assert_array_equal(coverage_of(s, rules), s.coverage)
    np.testing.assert_allclose(s.over - s.under, s.coverage - series.agents)


def test_the_examples_of_the_docstrings_and_of_the_docs_run() -> None:
    from arbitre.services import schedule as service
    from arbitre.staffing import shifts

    assert doctest.testmod(shifts).failed == 0 and doctest.testmod(service).failed == 0
    docs = doctest.testfile(str(DOCS / "scheduling.md"), module_relative=False)
    assert docs.attempted >= 5 and docs.failed == 0


# --- The example files and the service --------------------------------------------------------------


def test_the_example_week_is_scheduled_to_the_gap_in_seconds_with_nothing_left_uncovered() -> None:
    document = schedule_file(SHIFTS / "requirement-week.csv", rules=SHIFTS / "contact-centre-fr.yaml")
    (flow,) = document.model_dump(mode="json")["flows"]
    assert flow["flow"] == "sav-voice-fr" and flow["weeks"] == 1 and flow["interval_min"] == 30
    assert flow["status"] == "optimal" and flow["gap"] <= 0.005 and flow["solve_s"] < 10
    assert flow["under_hours"] == 0 and flow["notes"] == []
    assert flow["efficiency"] == pytest.approx(flow["required_hours"] / flow["paid_hours"])
    assert sum(t["agents"] * t["weekly_paid_h"] for t in flow["tours"]) == flow["paid_hours"]
    assert {t["weekly_paid_h"] for t in flow["tours"]} <= {35.0, 17.5}
    assert (
        len(flow["intervals"]) == 336
        and flow["intervals"][16]["interval_start"] == "2026-03-09T08:00:00+01:00"
    )


def test_flows_are_scheduled_separately_or_as_their_total(tmp_path: Path) -> None:
    rows = [
        f"2026-03-0{9 + d // 10}T{8 + d % 10:02d}:00:00+01:00,{flow},{n}"
        for d in range(10)
        for flow, n in (("a", 1), ("b", 2))
    ]
    path = write_csv(tmp_path / "need.csv", "interval_start,flow,agents", rows)
    rules = rules_of({**DAY_SHIFT, "days_per_week": [1, 2]})
    separate = schedule_file(path, rules=rules).model_dump(mode="json")
    total = schedule_file(path, rules=rules, total=True).model_dump(mode="json")
    assert [f["flow"] for f in separate["flows"]] == ["a", "b"]
    assert [f["required_hours"] for f in separate["flows"]] == [10.0, 20.0]
    assert [f["flow"] for f in total["flows"]] == ["total"] and total["flows"][0]["required_hours"] == 30.0


def test_an_hourly_file_is_spread_onto_the_half_hours_the_rules_need(tmp_path: Path) -> None:
    rows = [f"2026-03-10T{h:02d}:00:00+01:00,{2}" for h in range(8, 16)]
    path = write_csv(tmp_path / "need.csv", "interval_start,agents", rows)
    rules = rules_of({**DAY_SHIFT, "start_step_min": 30, "days_per_week": 1})
    (flow,) = schedule_file(path, rules=rules).model_dump(mode="json")["flows"]
    assert flow["interval_min"] == 30 and flow["flow"] is None
    assert flow["required_hours"] == 16.0 and flow["under_hours"] == 0.0
    assert [r["required"] for r in flow["intervals"][48 + 16 : 48 + 18]] == [2.0, 2.0]


def test_the_hour_repeated_in_october_keeps_the_larger_need_and_parquet_reads_as_csv(tmp_path: Path) -> None:
    stamps = ["2026-10-25T01:00:00+02:00", "2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00"]
    path = tmp_path / "need.parquet"
    pq.write_table(pa.table({"interval_start": stamps, "agents": [1.0, 3.0, 5.0]}), path)
    (series,) = requirement_series(read_requirements(path), interval_min=60, total=False)
    assert series.first_monday.isoformat() == "2026-10-19"
    assert series.agents[hour(6, 1)] == 1 and series.agents[hour(6, 2)] == 5 and series.agents.sum() == 6


def test_parquet_time_stamps_with_a_time_zone_are_placed_by_their_local_time(tmp_path: Path) -> None:
    utc = [datetime(2026, 3, 10, 7, 0, tzinfo=UTC), datetime(2026, 3, 10, 7, 30, tzinfo=UTC)]
    stamps = pa.array(utc, type=pa.timestamp("us", tz="Europe/Paris"))
    path = tmp_path / "need.parquet"
    pq.write_table(pa.table({"interval_start": stamps, "agents": [2.0, 4.0], "flow": ["x", "x"]}), path)
    (series,) = requirement_series(read_requirements(path), interval_min=30, total=False)
    assert series.flow == "x" and series.agents[48 + 16] == 2 and series.agents[48 + 17] == 4
    assert series.labels[48 + 16] == "2026-03-10T08:00:00+01:00"


@pytest.mark.parametrize(
    ("row", "field", "expected"),
    [
        ("2026-03-09T08:00:00+01:00,-1", "agents", "a number of agents ≥ 0"),
        ("2026-03-09T08:00:00+01:00,", "agents", "a number of agents ≥ 0"),
        ("2026-03-09T08:00:00,2", "interval_start", "with its offset"),
        ("2026-03-09T07:00:00+01:00,2", "interval_start", "twice"),
    ],
)
def test_a_bad_requirement_row_names_its_line(tmp_path: Path, row: str, field: str, expected: str) -> None:
    path = write_csv(tmp_path / "need.csv", "interval_start,agents", ["2026-03-09T07:00:00+01:00,1", row])
    with pytest.raises(InputError, match=expected) as caught:
        read_requirements(path)
    assert (caught.value.line, caught.value.field) == (3, field)


# --- The command line ----------------------------------------------------------------------------

# Once app.py registers the command this is `python -m arbitre.cli.app`; until then the test
# registers it on the same app, wrapped the way app.py wraps every command it registers.
RUN = """
from arbitre.cli import app as a, schedule as s
if not any(c.name == "schedule" for c in a.app.registered_commands):
    s.register(a.app)
    info = a.app.registered_commands[-1]
    info.callback = a._guarded(info.callback) if hasattr(a, "_guarded") else info.callback
a.main()
"""


def arbitre(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, check=False)


def test_the_command_prints_one_json_document_and_writes_the_coverage(tmp_path: Path) -> None:
    out = tmp_path / "coverage.csv"
    result = arbitre("schedule", str(SHIFTS / "requirement-week.csv"), "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["rules"] == "Centre de contacts — 35 heures"
    (flow,) = document["flows"]
    assert flow["under_hours"] == 0 and flow["tours"] and flow["efficiency"] > 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "flow,interval_start,required,scheduled,under,over" and len(lines) == 337
    readable = arbitre("schedule", str(SHIFTS / "requirement-week.csv"), "--time-limit", "10")
    assert readable.returncode == 0 and "efficiency" in readable.stdout and "temps plein" in readable.stdout


def test_the_readable_summary_lists_the_under_covered_intervals(tmp_path: Path) -> None:
    rows = ["2026-03-10T03:00:00+01:00,sav,2", "2026-03-10T10:00:00+01:00,sav,1"]
    path = write_csv(tmp_path / "need.csv", "interval_start,flow,agents", rows)
    result = arbitre("schedule", str(path))
    assert result.returncode == 0, result.stderr
    assert "Under-covered intervals (2)" in result.stdout
    assert "2026-03-10T03:00:00+01:00" in result.stdout and "2026-03-10T03:30:00+01:00" in result.stdout


def test_bad_rules_exit_1_with_one_line_and_usage_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text(YAML_OK.replace("lengths_h: [7]", "lengths_h: [-7]"), encoding="utf-8")
    result = arbitre("schedule", str(SHIFTS / "requirement-week.csv"), "--rules", str(bad), "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert (
        result.stderr.strip().count("\n") == 0
        and "rules.yaml, line 4, field shifts.0.lengths_h" in result.stderr
    )
    missing = arbitre("schedule", str(tmp_path / "none.csv"), "--json")
    assert missing.returncode == 1 and "file not found" in missing.stderr and missing.stdout == ""
    assert arbitre("schedule", str(SHIFTS / "requirement-week.csv"), "--mip-gap", "lots").returncode == 2
    assert arbitre("schedule").returncode == 2
