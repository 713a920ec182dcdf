"""The tender's DQE (détail quantitatif estimatif): the volumes every bid is priced on.

Not a sum of unit prices times guessed quantities: the forecast of the term, interval by
interval, for each flow of the scope (`arbitre.forecast` over the store's history), with the
forecast handle time of each interval, the hour band of each interval, the tender's service
level over the workspace's targets, and the language shares of the history. Every bid is then
sized on these intervals by the staffing engine with its own productivity and priced by its own
schedule (`arbitre.tender.normalise`): two providers quoting per hour at different occupancies,
or per contact at different handle times, become comparable.

Pure: the forecast and the workspace's facts in, one `FlowWorkload` per flow out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from arbitre.costing.workload import FlowWorkload
from arbitre.domain.channels import Channel
from arbitre.domain.hours import WeeklyHours
from arbitre.domain.settings import HourBands
from arbitre.domain.targets import StaffingTargets
from arbitre.domain.tender import Tender
from arbitre.forecast import Forecast
from arbitre.staffing.workforce import BANDS, band_of_intervals


@dataclass(frozen=True, slots=True)
class FlowFacts:
    """What the history says of a flow, beside its forecast: its channel, its in-house opening
    hours, its staffing targets, its language shares, its mean talk time, the mean handle time
    of the history (the reference a provider's handle time is compared with), patience and
    contact rate."""

    channel: Channel
    hours: WeeklyHours
    targets: StaffingTargets
    languages: Mapping[str, float]
    talk_s: float
    reference_aht_s: float
    patience_s: float | None = None
    contact_rate: float | None = None


def targets_of(tender: Tender, flow: str, base: StaffingTargets) -> StaffingTargets:
    """The tender's service level for ``flow`` over the workspace's targets ``base``."""
    level = tender.service_level(flow)
    if level is None:
        return base
    return StaffingTargets(
        sl=level.sl,
        threshold_s=level.threshold_s,
        max_abandon=level.max_abandon,
        max_asa_s=level.max_asa_s,
        deadline_s=level.deadline_s,
    ).over(base)


def term_workloads(
    forecast: Forecast, *, tender: Tender, facts: Mapping[str, FlowFacts], bands: HourBands
) -> dict[str, FlowWorkload]:
    """One workload per flow of the scope over the term (``forecast`` covers the term's days).

    In scope: the intervals of the tender's hour bands. ``months`` is the term's length, so that
    a workload's totals divided by its months are the average month of the term.
    """
    axis = forecast.axis
    weekday = axis.weekday[axis.day]
    minute = axis.slot * axis.interval_min
    band = band_of_intervals(weekday, minute, bands.minute_masks())
    wanted = np.array([BANDS.index(b) for b in tender.scope.bands], dtype=np.int64)
    in_scope = np.isin(band, wanted)
    scope_languages = set(tender.scope.languages)
    out = {}
    for f, flow in enumerate(forecast.flows):
        if flow not in tender.scope.flows:
            continue
        fact = facts[flow]
        volume = np.nan_to_num(forecast.volume[f])
        aht = forecast.aht_s[f]
        aht = np.where(np.isfinite(aht), aht, fact.reference_aht_s)
        langs = {k: v for k, v in fact.languages.items() if k in scope_languages and v > 0}
        total = sum(langs.values())
        out[flow] = FlowWorkload(
            flow=flow,
            channel=fact.channel,
            interval_s=axis.interval_min * 60.0,
            start_s=axis.start_s.astype(np.int64),
            band=band,
            open_=fact.hours.contains(weekday, minute),
            in_scope=in_scope,
            volume=volume,
            aht_s=aht,
            talk_s=np.full(volume.shape, fact.talk_s),
            targets=targets_of(tender, flow, fact.targets),
            months=float(tender.term.months),
            languages={k: v / total for k, v in langs.items()} if total > 0 else {},
            patience_s=fact.patience_s,
            contact_rate=fact.contact_rate,
        )
    return out


def mean_aht_s(workload: FlowWorkload) -> float | None:
    """The handle time of the workload's contacts in scope, weighted by their volume."""
    v = workload.volume * workload.in_scope
    return float((v * workload.aht_s).sum() / v.sum()) if v.sum() > 0 else None


__all__ = ["FlowFacts", "mean_aht_s", "targets_of", "term_workloads"]
