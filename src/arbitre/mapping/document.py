"""The activity map (step 1 of the method) as a typed document, and how a flow's entry is built.

`ActivityMap` is what `arbitre map` answers (``--json`` is its ``model_dump(mode="json")``) and what
the decision reads as evidence: per flow and channel the volumes, the average week, the peaks,
the demand outside opening hours, the hour bands, handling times, languages and current service.
`flow_activity` builds one flow's entry from the profile (`arbitre.mapping.profile`) and the
aggregates of the queries (`arbitre.mapping.queries`): pure, no store. See docs/mapping.md.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from arbitre.domain.channels import Channel
from arbitre.domain.documents import Part
from arbitre.domain.settings import HourBands
from arbitre.mapping.profile import OutsideHours, Profile

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: The KPIs of the map, from the KPI engine (`arbitre.domain.kpis.KPIS`).
MAP_KPIS = (
    "offered",
    "answered",
    "abandoned",
    "outside_hours",
    "service_level",
    "abandon_rate",
    "asa_s",
    "aht_s",
    "fcr",
    "csat",
    "nps",
)


class Period(Part):
    start: date
    end: date
    days: int


class MonthCount(Part):
    month: str
    contacts: int


class AverageWeek(Part):
    """Mean contacts per interval of each weekday (Monday first): 7 rows of intervals."""

    interval_min: int
    weekdays: list[str]
    mean_contacts: list[list[float]]


class PeakRatios(Part):
    """The busiest interval, day, week and month over the average one (None: not measured)."""

    interval: float | None
    day: float | None
    week: float | None
    month: float | None


class PeakMonth(Part):
    month: str
    contacts: int
    ratio: float


class PeakWeek(Part):
    week: str
    contacts: int
    ratio: float


class PeakDay(Part):
    date: str
    contacts: int
    ratio: float


class SeasonalPeaks(Part):
    months: list[PeakMonth]
    weeks: list[PeakWeek]
    days: list[PeakDay]


class Outside(OutsideHours):
    """The demand arriving while the flow is closed (`OutsideHours`) and what becomes of it:
    ``unserved`` (a call or a chat nobody can answer), ``deferred`` (work handled at the next
    opening), None (outbound calls are made while open)."""

    treatment: Literal["unserved", "deferred"] | None


class HandleTimes(Part):
    """Handle time (talk + hold + wrap) of a flow's answered contacts: their count, mean and
    percentiles in seconds (`arbitre.mapping.queries.handle_times`)."""

    contacts: int
    mean_s: float | None
    p50_s: float | None
    p80_s: float | None
    p90_s: float | None
    p95_s: float | None


class LanguageShare(Part):
    language: str | None
    contacts: int
    share: float


class MapKpis(Part):
    """The flow's KPIs over the period (waiting KPIs within opening hours: the map's ``kpi_scope``)."""

    offered: int | None = None
    answered: int | None = None
    abandoned: int | None = None
    outside_hours: int | None = None
    service_level: float | None = None
    abandon_rate: float | None = None
    asa_s: float | None = None
    aht_s: float | None = None
    fcr: float | None = None
    csat: float | None = None
    nps: float | None = None


class FlowActivity(Part):
    """One flow and channel of the map."""

    flow: str
    channel: str
    label: str | None
    contacts: int
    days: int
    contacts_per_day: float | None
    months: list[MonthCount]
    average_week: AverageWeek
    peak_to_average: PeakRatios
    seasonal_peaks: SeasonalPeaks
    opening_hours: dict[str, str]
    outside_opening_hours: float | None
    outside_hours: Outside
    bands: dict[str, float | None]
    handle_time: HandleTimes | None
    languages: list[LanguageShare]
    kpis: MapKpis


class ActivityMap(Part):
    """The map of a workspace's activity, one entry per flow and channel, busiest first."""

    workspace: str
    timezone: str
    interval_min: int
    period: Period | None
    bands: HourBands
    kpi_scope: str
    flows: list[FlowActivity]

    def flow(self, name: str) -> FlowActivity | None:
        return next((f for f in self.flows if f.flow == name), None)


def treatment(channel: str) -> Literal["unserved", "deferred"] | None:
    """What happens to a contact arriving while the flow is closed (see `Outside`)."""
    c = Channel(channel)
    if c is Channel.VOICE_OUT:
        return None
    return "unserved" if c.realtime else "deferred"


def flow_activity(
    flow: str,
    channel: str,
    label: str | None,
    p: Profile,
    *,
    hours: dict[str, str],
    handle: HandleTimes | None,
    langs: list[tuple[str | None, int]],
    kpis: dict[str, object],
    interval_min: int,
    days: int,
) -> FlowActivity:
    """One flow's entry of the map from its profile and the queries' aggregates."""
    total = sum(n for _, n in langs) or 1
    return FlowActivity(
        flow=flow,
        channel=channel,
        label=label,
        contacts=p.contacts,
        days=days,
        contacts_per_day=p.contacts / days if days else None,
        months=[MonthCount(month=m, contacts=n) for m, n in p.months],
        average_week=AverageWeek(
            interval_min=interval_min,
            weekdays=list(WEEKDAYS),
            mean_contacts=[[round(float(x), 3) for x in row] for row in p.average_week],
        ),
        peak_to_average=PeakRatios.model_validate(p.peak_to_average),
        seasonal_peaks=SeasonalPeaks(
            months=[PeakMonth(month=x.key, contacts=x.contacts, ratio=x.ratio) for x in p.peak_months],
            weeks=[PeakWeek(week=x.key, contacts=x.contacts, ratio=x.ratio) for x in p.peak_weeks],
            days=[PeakDay(date=x.key, contacts=x.contacts, ratio=x.ratio) for x in p.peak_days],
        ),
        opening_hours=hours,
        outside_opening_hours=p.outside_opening_share,
        outside_hours=Outside(**dict(p.outside), treatment=treatment(channel)),
        bands=p.band_shares,
        handle_time=handle,
        languages=[LanguageShare(language=lang, contacts=n, share=n / total) for lang, n in langs],
        kpis=MapKpis.model_validate({k: kpis.get(k) for k in MAP_KPIS}),
    )


__all__ = [
    "ActivityMap",
    "AverageWeek",
    "FlowActivity",
    "HandleTimes",
    "LanguageShare",
    "MapKpis",
    "MonthCount",
    "Outside",
    "PeakDay",
    "PeakMonth",
    "PeakRatios",
    "PeakWeek",
    "Period",
    "SeasonalPeaks",
    "flow_activity",
    "treatment",
]
