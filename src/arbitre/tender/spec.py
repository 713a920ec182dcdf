"""The facts of the specification (cahier des charges): each flow's activity as the activity map
computes it, and the forecast of the term by month.

Built with the activity map's own engine (`arbitre.mapping.profile.profile` over the counts of
`arbitre.mapping.queries`), so that the specification's volumes are `arbitre map`'s to the
contact. The words are the report's (`arbitre.reports.tender_spec`); this module holds numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from arbitre.domain.hours import WeeklyHours
from arbitre.domain.settings import HourBands
from arbitre.domain.tender import Tender
from arbitre.forecast import Forecast
from arbitre.mapping.document import HandleTimes
from arbitre.mapping.profile import Counts, profile


@dataclass(frozen=True, slots=True)
class SpecFlow:
    """One flow of the scope over its history: volumes by month, weekday and interval, peaks and
    seasonality, hours, handle times, languages."""

    flow: str
    label: str
    channel: str
    contacts: int
    days: int
    months: tuple[tuple[str, int], ...]
    weekday_means: tuple[float, ...]  # mean contacts of a Monday … Sunday
    interval_means: tuple[float, ...]  # mean contacts per interval of a weekday (Monday to Friday)
    interval_min: int
    peak_to_average: dict[str, float | None]
    peak_months: tuple[tuple[str, int, float], ...]
    peak_days: tuple[tuple[str, int, float], ...]
    outside_share: float | None
    band_shares: dict[str, float | None]
    handle: HandleTimes | None
    languages: tuple[tuple[str, int, float], ...]
    hours: dict[str, str]


@dataclass(frozen=True, slots=True)
class SpecForecast:
    """The forecast contacts of a flow per month of the term (the DQE)."""

    flow: str
    months: tuple[tuple[str, float], ...]
    aht_s: float | None


@dataclass(frozen=True, slots=True)
class SpecFacts:
    tender: Tender
    start: date
    end: date
    days: int
    timezone: str
    flows: tuple[SpecFlow, ...]
    forecast: tuple[SpecForecast, ...]
    grid_file: str


def spec_flow(
    flow: str,
    *,
    label: str,
    channel: str,
    counts: Counts,
    hours: WeeklyHours,
    bands: HourBands,
    handle: HandleTimes | None,
    languages: Sequence[tuple[str | None, int]],
) -> SpecFlow:
    """A flow's facts from the mapping engine's counts (as `arbitre map` computes them)."""
    p = profile(counts, hours=hours, bands=bands)
    week = p.average_week
    total = sum(n for _, n in languages) or 1
    return SpecFlow(
        flow=flow,
        label=label,
        channel=channel,
        contacts=p.contacts,
        days=len(counts.dates),
        months=tuple(p.months),
        weekday_means=tuple(float(x) for x in week.sum(axis=1)),
        interval_means=tuple(float(x) for x in week[:5].mean(axis=0)),
        interval_min=counts.interval_min,
        peak_to_average=p.peak_to_average,
        peak_months=tuple((x.key, x.contacts, x.ratio) for x in p.peak_months),
        peak_days=tuple((x.key, x.contacts, x.ratio) for x in p.peak_days[:5]),
        outside_share=p.outside_opening_share,
        band_shares=p.band_shares,
        handle=handle,
        languages=tuple((lang or "?", n, n / total) for lang, n in languages),
        hours=hours.describe(),
    )


def monthly_forecast(result: Forecast, *, flows: Sequence[str]) -> tuple[SpecForecast, ...]:
    """The forecast contacts of each of ``flows`` per calendar month of ``result``'s days."""
    dates = result.axis.dates()
    keys = np.array([f"{d.year:04d}-{d.month:02d}" for d in dates])
    months = list(dict.fromkeys(keys.tolist()))
    out = []
    for f, flow in enumerate(result.flows):
        if flow not in flows:
            continue
        daily = result.daily[f]
        per_month = tuple((m, float(daily[keys == m].sum())) for m in months)
        volume, aht = result.volume[f], result.aht_s[f]
        known = np.isfinite(aht) & (volume > 0)
        mean = float((volume[known] * aht[known]).sum() / volume[known].sum()) if known.any() else None
        out.append(SpecForecast(flow, per_month, mean))
    return tuple(sorted(out, key=lambda x: list(flows).index(x.flow)))


__all__ = ["SpecFacts", "SpecFlow", "SpecForecast", "monthly_forecast", "spec_flow"]
