"""The recommended plan's calls checked by simulation: does each arrangement keep its service level?

The allocation sizes every block with the analytic models, interval by interval, as if each
interval were in steady state. The simulator (`arbitre.staffing.simulation`) replays one ordinary
week of each call flow the plan sends, at least in part, to a provider: every block routed to its
site by the hour band and language of the contact (the rules of the plan), each site staffed
interval by interval with the agents its sizing gives (the provider's handle time included), real
queues carried over from one interval to the next and across the hand-over between sites at the
band boundaries. It reports the service level and abandonment per site with confidence intervals
over replications, and says whether the flow keeps its target.

Calls only (inbound voice): the simulator models neither chat concurrency nor deferred work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from arbitre.costing.pricing import minute_of_week
from arbitre.costing.workload import FlowWorkload
from arbitre.decision.blocks import PricedBlock, inhouse_agents, offer_agents
from arbitre.domain.channels import Channel
from arbitre.domain.costing import Offer
from arbitre.domain.kpis import KpiRules
from arbitre.domain.settings import HourBands
from arbitre.domain.targets import CHANNEL_DEFAULTS
from arbitre.staffing.simulation import (
    Exponential,
    Flow,
    NoPatience,
    Pool,
    Rule,
    Scenario,
    Step,
    When,
    simulate,
)

INTERNAL = "internal"
CHECKED = frozenset({Channel.VOICE_IN})
# The simulated week's service level may fall this far below the target before the check fails:
# the sizing meets the target interval by interval, the simulation adds the randomness of one
# week and the queues carried across intervals and hand-overs.
TOLERANCE = 0.03
WEEK_S = 7 * 86400


@dataclass(frozen=True)
class SiteResult:
    """One block of the flow at its site over the simulated week (means and 95 % intervals)."""

    site: str
    band: str
    language: str | None
    offered: float
    service_level: tuple[float, float, float] | None  # mean, low, high
    abandon_rate: tuple[float, float, float] | None


@dataclass(frozen=True)
class FlowCheck:
    """The simulated week of one flow under the plan, against its target."""

    flow: str
    week_start: str  # ISO date of the Monday
    replications: int
    contacts: int
    target_sl: float
    threshold_s: float
    service_level: tuple[float, float, float] | None
    abandon_rate: tuple[float, float, float] | None
    sites: tuple[SiteResult, ...]

    @property
    def ok(self) -> bool:
        return self.service_level is None or self.service_level[0] >= self.target_sl - TOLERANCE


def ordinary_week(workloads: Sequence[FlowWorkload], *, timezone: str) -> slice | None:
    """The full local week (Monday to Sunday) whose volume is the median of the reference period's."""
    if not workloads:
        return None
    w = workloads[0]
    per_week = WEEK_S // int(w.interval_s)
    mondays = np.flatnonzero(minute_of_week(w.start_s, timezone=timezone) == 0)
    starts = [int(i) for i in mondays if i + per_week <= w.start_s.size]
    if not starts:
        return None
    volume = sum((x.volume * x.in_scope for x in workloads), np.zeros(w.start_s.size))
    totals = np.array([volume[i : i + per_week].sum() for i in starts])
    median = starts[int(np.argsort(totals)[len(totals) // 2])]
    return slice(median, median + per_week)


def check_plan(
    priced: Sequence[PricedBlock],
    assignment: Sequence[str],
    *,
    offers: Sequence[Offer],
    bands: HourBands,
    timezone: str,
    replications: int = 5,
    seed: int = 20260401,
) -> list[FlowCheck]:
    """Simulate the ordinary week of every call flow the plan sends, at least in part, to a provider."""
    by_id = {o.id: o for o in offers}
    flows: dict[str, list[tuple[PricedBlock, str]]] = {}
    for p, site in zip(priced, assignment, strict=True):
        if p.workload.channel in CHECKED:
            flows.setdefault(p.block.flow, []).append((p, site))
    flows = {f: parts for f, parts in flows.items() if any(site != INTERNAL for _, site in parts)}
    week = ordinary_week([parts[0][0].workload for parts in flows.values()], timezone=timezone)
    if week is None:
        return []
    out = []
    for i, (flow, parts) in enumerate(sorted(flows.items())):
        scenario = _scenario(flow, parts, week=week, by_id=by_id, bands=bands, timezone=timezone)
        if scenario is None:
            continue
        out.append(_run(flow, parts, scenario, replications=replications, seed=seed + i))
    return out


def _pool_id(p: PricedBlock, site: str) -> str:
    return " · ".join(x for x in (site, p.block.band, p.block.language) if x)


def _scenario(
    flow: str,
    parts: Sequence[tuple[PricedBlock, str]],
    *,
    week: slice,
    by_id: dict[str, Offer],
    bands: HourBands,
    timezone: str,
) -> Scenario | None:
    first = parts[0][0].workload
    interval_min = int(first.interval_s // 60)
    arrivals = np.zeros(week.stop - week.start)
    handled = 0.0
    handle_s = 0.0
    pools = []
    rules = []
    languages: dict[str, float] = {}
    # Bands in the order of `HourBands.minute_masks`: weekend first, then night, then evening;
    # what is left is weekday daytime, routed by the last rules (no hours condition).
    order = {"weekend": 0, "night": 1, "evening": 2, "day": 3}
    for p, site in sorted(parts, key=lambda x: order.get(x[0].block.band, 4)):
        w = p.workload
        volume = (w.volume * w.in_scope)[week]
        arrivals += volume
        factor = 1.0 if site == INTERNAL else float(by_id[site].productivity.aht_factor)
        handled += float(volume.sum())
        handle_s += float((volume * w.aht_s[week]).sum()) * factor
        agents = inhouse_agents(w) if site == INTERNAL else offer_agents(by_id[site], w, timezone=timezone)
        pool = _pool_id(p, site)
        spoken = [p.block.language] if p.block.language else [k for k, v in w.languages.items() if v > 0]
        for lang in spoken:
            languages[lang] = languages.get(lang, 0.0) + float(volume.sum()) * (
                1.0 if p.block.language else w.languages[lang]
            )
        pools.append(Pool(id=pool, skills=[flow], languages=spoken, agents=[int(a) for a in agents[week]]))
        rules.append(
            Rule(
                when=When(
                    languages=[p.block.language] if p.block.language else None,
                    hours=_band_hours(p.block.band, bands),
                ),
                to=[Step(pool=pool)],
            )
        )
    if handled <= 0:
        return None
    total = sum(languages.values())
    start = datetime.fromtimestamp(int(first.start_s[week.start]), UTC)
    return Scenario(
        name=f"{flow}: the recommended plan",
        start=start,
        timezone=timezone,
        interval_min=interval_min,  # type: ignore[arg-type]  # the workspace's 15, 30 or 60
        flows=[
            Flow(
                id=flow,
                channel=first.channel,
                languages={k: v / total for k, v in languages.items()},
                arrivals=[float(a) for a in arrivals],
                handle=Exponential(distribution="exponential", mean_s=handle_s / handled),
                patience=Exponential(distribution="exponential", mean_s=first.patience_s)
                if first.patience_s
                else NoPatience(distribution="none"),
                routing=rules,
            )
        ],
        pools=pools,
    )


def _band_hours(band: str, bands: HourBands) -> str | dict[str, str] | None:
    """The weekly hours of a band for a routing rule (None: the rest, weekday daytime)."""
    if band == "weekend":
        return {",".join(bands.weekend): "00:00-24:00"} if bands.weekend else None
    if band == "night":
        return bands.night
    if band == "evening":
        return bands.evening
    return None


def _run(
    flow: str, parts: Sequence[tuple[PricedBlock, str]], scenario: Scenario, *, replications: int, seed: int
) -> FlowCheck:
    w = parts[0][0].workload
    targets = w.targets.over(CHANNEL_DEFAULTS[w.channel])
    threshold = float(targets.threshold_s or 20.0)
    rules = KpiRules(thresholds_s={w.channel: threshold}, short_abandons="count")
    overall = simulate(
        scenario,
        replications=replications,
        rng=np.random.default_rng(seed),
        by=("flow",),
        rules=rules,
        keep_records=False,
    )
    per_pool = simulate(
        scenario,
        replications=replications,
        rng=np.random.default_rng(seed),
        by=("site",),
        rules=rules,
        keep_records=False,
    )
    pools = {row["site"]: row for row in per_pool.kpis}
    sites = []
    for p, site in parts:
        row = pools.get(_pool_id(p, site))
        sites.append(
            SiteResult(
                site=site,
                band=p.block.band,
                language=p.block.language,
                offered=float(row["offered"]["mean"]) if row else 0.0,
                service_level=_triple(row, "service_level"),
                abandon_rate=_triple(row, "abandon_rate"),
            )
        )
    row = overall.kpis[0] if overall.kpis else None
    return FlowCheck(
        flow=flow,
        week_start=scenario.local_start().date().isoformat(),
        replications=replications,
        contacts=overall.contacts,
        target_sl=float(targets.sl or 0.8),
        threshold_s=threshold,
        service_level=_triple(row, "service_level"),
        abandon_rate=_triple(row, "abandon_rate"),
        sites=tuple(sites),
    )


def _triple(row: dict[str, object] | None, kpi: str) -> tuple[float, float, float] | None:
    value = None if row is None else row.get(kpi)
    if not isinstance(value, dict) or value.get("mean") is None:
        return None
    low = value.get("ci_low")
    high = value.get("ci_high")
    mean = float(value["mean"])
    return (mean, float(low) if low is not None else mean, float(high) if high is not None else mean)
