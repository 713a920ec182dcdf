"""The vocabulary of Arbitre: plain typed models, no I/O."""

from __future__ import annotations

from arbitre.domain.channels import CHANNELS, DEFAULT_THRESHOLD_S, Channel
from arbitre.domain.hours import WeeklyHours
from arbitre.domain.kpis import GROUP_KEYS, KPI_NAMES, KPIS, SLA_KPIS, TIME_KEYS, Kpi, KpiRules
from arbitre.domain.month import Month
from arbitre.domain.settings import FlowSettings, HourBands, WorkspaceSettings

__all__ = [
    "CHANNELS",
    "DEFAULT_THRESHOLD_S",
    "GROUP_KEYS",
    "KPIS",
    "KPI_NAMES",
    "SLA_KPIS",
    "TIME_KEYS",
    "Channel",
    "FlowSettings",
    "HourBands",
    "Kpi",
    "KpiRules",
    "Month",
    "WeeklyHours",
    "WorkspaceSettings",
]
