"""What the staffing commands answer, as typed models: the calculator's answer (`arbitre staff`),
the staffing plan (`arbitre plan`), the schedule (`arbitre schedule`), a simulation run
(`arbitre simulate`).

The services return these; the CLI's ``--json`` and the web app's API are their
``model_dump(mode="json")``, in the shapes docs/planning.md and docs/specs/cli.md describe. They
import nothing heavier than Pydantic, so `arbitre staff` starts as fast as before.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, field_serializer

from arbitre.domain.channels import Channel
from arbitre.domain.documents import Instant, Part
from arbitre.domain.groups import GroupRow
from arbitre.domain.targets import StaffingTargets


class StaffingAnswer(Part):
    """One interval answered: the agents needed (or given) and what they deliver.

    ``model`` ``erlang_c`` or ``erlang_a``; shares are fractions, waits seconds; ``fte`` is agents
    ÷ (1 − shrinkage), not rounded; ``load_erlangs`` the offered load (docs/specs/cli.md).
    """

    model: str
    agents: int
    service_level: float | None
    p_wait: float | None
    asa_s: float | None
    abandon_rate: float | None
    occupancy: float | None
    fte: float | None
    load_erlangs: float | None


#: The fields of `StaffingAnswer`, in the order the calculator prints them.
ANSWER_FIELDS: tuple[str, ...] = tuple(StaffingAnswer.model_fields)


class PlanWarning(Part):
    """A flow planned on no data: ``code`` ``no_contacts`` (nothing forecast in its horizon) or
    ``gap`` (its history ends well before the plan starts), with the days that say it."""

    flow: str
    code: Literal["no_contacts", "gap"]
    first: date
    last: date
    history_end: date | None
    gap_days: int | None = None


class ShiftNote(Part):
    """What the shift rules made impossible for the shift kind ``shift``, as a code with its
    figures (`arbitre.reports.planning.shift_note` writes it): ``no_break`` — its ``hours``-hour
    shifts starting at ``start`` (``HH:MM``) on ``days`` have no break placement within the
    rules; ``no_week`` — no week of ``days_per_week`` days with ``days_off`` days off has an
    allowed start on every day worked. Either way those shifts are not used."""

    shift: str
    code: Literal["no_break", "no_week"]
    hours: float | None = None
    start: str | None = None
    days: list[str] = Field(default_factory=list)
    days_per_week: list[int] = Field(default_factory=list)
    days_off: str | None = None


class FlowPlan(Part):
    """A flow's plan over the horizon: the model used, its contacts, agents and paid hours.

    ``targets`` are the staffing targets used (the ones set); ``paid_hours_by_band`` by hour band
    (``day``, ``evening``, ``night``, ``weekend``); ``paid_hours_by_week`` and ``fte_by_week`` by
    ISO week (``2025-W18``); ``late_work_s`` the backlog work left past its deadline.
    """

    flow: str
    channel: Channel
    model: str
    start: date
    end: date
    history_end: date | None
    targets: StaffingTargets
    patience_s: float | None
    patience_source: str | None
    contacts: float
    peak_agents: int
    agent_hours: float
    paid_hours: float
    paid_hours_by_band: dict[str, float]
    paid_hours_outside_opening: float
    paid_hours_by_week: dict[str, float]
    fte_by_week: dict[str, float]
    fte: float
    late_work_s: float

    @field_serializer("targets")
    def _set_targets_only(self, targets: StaffingTargets) -> dict[str, object]:
        # The targets a flow has, none of the unset ones (JSON edge).
        return targets.model_dump(mode="json", exclude_none=True)


class PlanInterval(Part):
    """One flow and interval of the plan: forecast volume and handle time, open or closed, hour
    band, agents on line and the people paid for them."""

    flow: str
    interval_start: Instant
    volume: float
    aht_s: float | None
    open: bool
    band: str
    agents: int
    fte: float


class Plan(Part):
    """The staffing plan of a workspace (`arbitre plan`, docs/planning.md)."""

    workspace: str
    timezone: str
    interval_min: int
    start: date
    end: date
    contract_hours_per_week: float
    flows: list[FlowPlan]
    warnings: list[PlanWarning]
    intervals: list[PlanInterval]


class ShiftDay(Part):
    """One day of a tour: local start and end (``HH:MM``) and the break's start (None: none)."""

    day: str
    start: str
    end: str
    break_start: str | None


class TourPlan(Part):
    """``agents`` agents working the same tour: a shift pattern on ``days`` of the week starting
    ``week_start``, paid ``paid_h_per_day`` hours a day."""

    shift: str
    agents: int
    week_start: date
    days: list[str]
    paid_h_per_day: float
    weekly_paid_h: float
    shifts: list[ShiftDay]


class ScheduleInterval(Part):
    """One interval of a flow's schedule: agents required, scheduled, and the gap either way.
    ``interval_start`` is the wall-clock time with the offset of the file's row before it."""

    flow: str | None
    interval_start: str
    required: float
    scheduled: int
    under: float
    over: float


class FlowSchedule(Part):
    """A flow's schedule (None: the file names no flow; ``total`` with ``--total``): the weeks
    scheduled, the solver's status, gap and time, hours paid, required, under- and over-covered
    (and under-covered hours no shift could reach), agents per week, the engine's notes, the tours
    and every interval."""

    flow: str | None
    first_monday: date
    weeks: int
    interval_min: int
    status: str
    gap: float
    solve_s: float
    paid_hours: float
    required_hours: float
    under_hours: float
    over_hours: float
    efficiency: float
    uncoverable_hours: float
    agents_per_week: list[int]
    penalty_per_agent_h: float
    notes: list[ShiftNote]
    tours: list[TourPlan]
    intervals: list[ScheduleInterval]


class ScheduleDocument(Part):
    """The schedule of a requirement file under shift rules (`arbitre schedule`,
    docs/scheduling.md)."""

    requirements: str
    rules: str | None  # the rules' name (the file's, when they have none; None: unnamed rules given)
    flows: list[FlowSchedule]


class Estimate(Part):
    """A KPI over the replications of a simulation: its mean and 95 % confidence interval (None
    with fewer than two replications where it is defined), and ``n``, those replications."""

    mean: float | None
    ci_low: float | None
    ci_high: float | None
    n: int


class SimulatedGroup(GroupRow):
    """The simulated KPIs of one group (``pool`` or ``site``, ``interval``, ``flow``…): the KPIs a
    simulation produces, and ``occupancy`` when grouped by pool and/or interval only; a KPI the
    run did not compute is None, and left out of the JSON."""

    OMIT_NONE: ClassVar[bool] = True

    offered: Estimate | None = None
    answered: Estimate | None = None
    abandoned: Estimate | None = None
    short_abandoned: Estimate | None = None
    service_level: Estimate | None = None
    abandon_rate: Estimate | None = None
    asa_s: Estimate | None = None
    aht_s: Estimate | None = None
    occupancy: Estimate | None = None


class SimulationDocument(Part):
    """A simulation run (`arbitre simulate`, docs/simulation.md): the scenario, its start and
    intervals, the replications and seed, the contacts simulated, the group keys as written, the
    records file (None: not written), and the KPIs of each group."""

    scenario: str
    file: str
    start: Instant
    interval_min: int
    intervals: int
    replications: int
    seed: int
    contacts: int
    by: list[str]
    records: str | None
    kpis: list[SimulatedGroup]


__all__ = [
    "ANSWER_FIELDS",
    "Estimate",
    "FlowPlan",
    "FlowSchedule",
    "Plan",
    "PlanInterval",
    "PlanWarning",
    "ScheduleDocument",
    "ScheduleInterval",
    "ShiftDay",
    "SimulatedGroup",
    "SimulationDocument",
    "StaffingAnswer",
    "TourPlan",
]
