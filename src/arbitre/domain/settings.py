"""A workspace's settings: who it is for, its clock, its money, its intervals, its opening hours.

Stored as ``arbitre.yaml`` at the top of the workspace and edited by hand or by the web app.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arbitre._types import BoolArray
from arbitre.domain.channels import Channel
from arbitre.domain.hours import ALWAYS, DAYS, MINUTES_PER_DAY, MINUTES_PER_WEEK, WeeklyHours
from arbitre.domain.kpis import KpiRules, OpeningHours
from arbitre.domain.targets import StaffingTargets, resolve

HoursSpec = dict[str, str]

DEFAULT_OPENING_HOURS: HoursSpec = {"mon-fri": "08:00-20:00", "sat": "09:00-18:00", "sun": "closed"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_hours(spec: HoursSpec | None) -> HoursSpec | None:
    if spec is not None:
        WeeklyHours.parse(spec)  # raises ValueError with the reason
    return spec


class FlowSettings(_Strict):
    """What the workspace knows of a flow beyond its interactions."""

    label: str | None = None
    channel: Channel | None = None
    opening_hours: HoursSpec | None = None
    languages: list[str] = Field(default_factory=list)
    staffing: StaffingTargets | None = None

    _hours = field_validator("opening_hours")(_check_hours)


_WEEKEND: tuple[Literal["sat", "sun"], ...] = ("sat", "sun")


class HourBands(_Strict):
    """The bands that costing prices differently and mapping reports demand in.

    Weekend days come first: a Saturday evening is weekend, not evening.
    """

    evening: str = "19:00-22:00"
    night: str = "22:00-07:00"
    weekend: list[Literal["sat", "sun"]] = Field(default_factory=lambda: list(_WEEKEND))

    @field_validator("evening", "night")
    @classmethod
    def _range(cls, v: str) -> str:
        WeeklyHours.parse(v)
        return v

    def minute_masks(self) -> dict[str, BoolArray]:
        """Disjoint masks over the minutes of the week (Monday 00:00 first): weekend first, then
        night, then evening, and the rest is weekday daytime."""
        weekend = np.zeros(MINUTES_PER_WEEK, dtype=bool)
        for day in self.weekend:
            i = DAYS.index(day)
            weekend[i * MINUTES_PER_DAY : (i + 1) * MINUTES_PER_DAY] = True
        night = WeeklyHours.parse(self.night).minute_mask() & ~weekend
        evening = WeeklyHours.parse(self.evening).minute_mask() & ~weekend & ~night
        daytime = ~(weekend | night | evening)
        return {"day": daytime, "evening": evening, "night": night, "weekend": weekend}


class ComputeSettings(_Strict):
    """Where the KPIs and SLAs of a workspace are computed (docs/scale.md).

    ``engine``: ``duckdb`` (in the process, the default) or ``spark``; ``master``: the Spark
    master URL (``local[2]``, ``spark://host:7077``, ``yarn``, ``k8s://…``).

    >>> ComputeSettings(engine="spark").master
    'local[2]'
    """

    engine: Literal["duckdb", "spark"] = "duckdb"
    master: str = Field(default="local[2]", min_length=1)


class WorkspaceSettings(_Strict):
    """The settings file of a workspace.

    >>> WorkspaceSettings(name="Demo").timezone
    'Europe/Paris'
    """

    name: str
    timezone: str = "Europe/Paris"
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "EUR"
    interval_min: Literal[15, 30, 60] = 30
    database_url: str | None = None
    opening_hours: HoursSpec = Field(default_factory=lambda: dict(DEFAULT_OPENING_HOURS))
    flows: dict[str, FlowSettings] = Field(default_factory=dict)
    hour_bands: HourBands = Field(default_factory=HourBands)
    staffing: StaffingTargets | None = None
    contract_hours_per_week: float = Field(default=35.0, gt=0, le=60)
    compute: ComputeSettings | None = None  # None: DuckDB in the process

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}: expected an IANA name such as Europe/Paris") from None
        return v

    _hours = field_validator("opening_hours")(_check_hours)

    @model_validator(mode="after")
    def _flow_ids(self) -> WorkspaceSettings:
        for flow in self.flows:
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]*", flow):
                raise ValueError(f"flow id {flow!r}: expected letters, digits, '-', '_', '.' or ':'")
        return self

    def hours_of(self, flow: str) -> WeeklyHours:
        """The opening hours of ``flow``: its own, else the workspace's."""
        spec = self.flows[flow].opening_hours if flow in self.flows else None
        return WeeklyHours.parse(spec or self.opening_hours)

    def opening(self) -> OpeningHours:
        """The opening hours of every flow, as the KPI scope reads them (`KpiRules.within`)."""
        return OpeningHours(
            default=dict(self.opening_hours),
            flows={f: dict(s.opening_hours) for f, s in self.flows.items() if s.opening_hours},
        )

    def kpi_rules(self, *, all_hours: bool = False) -> KpiRules:
        """The KPI rules of the workspace, built here only: the default definitions at the
        workspace's interval, the waiting KPIs (service level, abandonment, ASA) counting the
        contacts arriving within each flow's opening hours — unless ``all_hours``, where they count
        every contact as a bare file does.

        >>> s = WorkspaceSettings(name="x", interval_min=15)
        >>> s.kpi_rules().scope, s.kpi_rules().interval_min, s.kpi_rules(all_hours=True).scope
        ('opening_hours', 15, 'all')
        """
        base = KpiRules() if all_hours else KpiRules.within(self.opening())
        return base.model_copy(update={"interval_min": self.interval_min})

    def targets_of(self, flow: str, channel: Channel) -> StaffingTargets:
        """The staffing targets of ``flow``: its own, the workspace's, then the channel's defaults."""
        own = self.flows[flow].staffing if flow in self.flows else None
        return resolve(channel, workspace=self.staffing, flow=own)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


__all__ = ["ALWAYS", "ComputeSettings", "FlowSettings", "HourBands", "WorkspaceSettings"]
