"""The make-or-buy decision of a workspace (steps 2 and 4): costs, qualification, allocation, scenarios.

Gathers what the engines need — the flows' workloads over the last twelve months, the in-house
cost model (``costs.yaml`` over the French defaults), the offers (``offers/*.yaml``), the frame
(``decision.yaml``), the activity map as evidence — prices every block of every flow in-house
and at each offer, qualifies each flow, optimises the allocation, costs the scenarios exactly over
the term, measures the sensitivity of the recommended plan, and records the decision.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np

from arbitre.costing.defaults import french_defaults, load_costs
from arbitre.costing.inhouse import HIDDEN
from arbitre.costing.portfolio import combine_inhouse
from arbitre.costing.workload import FlowWorkload
from arbitre.decision.allocate import Allocation, allocate
from arbitre.decision.blocks import INTERNAL, PricedBlock, price_blocks, problem
from arbitre.decision.check import FlowCheck, check_plan
from arbitre.decision.evidence import FlowEvidence, Qualification
from arbitre.decision.offers import best_offer, flow_offer
from arbitre.decision.plan import flow_allocation
from arbitre.decision.problem import AllocationProblem
from arbitre.decision.qualify import qualify
from arbitre.decision.reconcile import Verdict, kept_blocks, verdicts
from arbitre.decision.scenarios import ScenarioCost, all_at, block_months, evaluate
from arbitre.decision.sensitivity import Bar, tornado
from arbitre.domain.costing import DecisionSettings, InHouseCosts, Offer
from arbitre.errors import InputError
from arbitre.forecast import History, backtest
from arbitre.forecast.growth import yearly_growth
from arbitre.services.activity import activity_map
from arbitre.services.fit import planning_inputs
from arbitre.services.workloads import (
    Window,
    build_workloads,
    current_offers,
    decision_history,
    handled_by,
    window,
)
from arbitre.store.appdb import DecisionRecord, session_scope
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from arbitre.yamlio import load_model

COSTS_FILE = "costs.yaml"
DECISION_FILE = "decision.yaml"
OFFERS_DIR = "offers"
ALL_IN_HOUSE = "all-in-house"
CURRENT = "current"  # today's set-up: each block where it is handled today
OPTIMISED = "optimised"  # the cheapest plan within the frame and the flows' reasons
LOWEST_COST = "lowest-cost"  # the cheapest plan within the frame, the reasons aside


def load_inputs(ws: Workspace) -> tuple[InHouseCosts, list[Offer], DecisionSettings]:
    """The cost model, the offers and the frame of the workspace (defaults where a file is absent)."""
    costs_path = ws.root / COSTS_FILE
    costs = load_costs(costs_path) if costs_path.exists() else french_defaults()
    decision_path = ws.root / DECISION_FILE
    frame = load_model(decision_path, DecisionSettings) if decision_path.exists() else DecisionSettings()
    offers = [load_model(p, Offer) for p in sorted((ws.root / OFFERS_DIR).glob("*.yaml"))]
    ids = [o.id for o in offers]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"two offers have the id {dupes[0]!r}", file=str(ws.root / OFFERS_DIR))
    if not offers:
        raise InputError(
            f"no offer in {ws.root / OFFERS_DIR}: add a bid, or draft one from the reference rates (docs/costing.md)"
        )
    unknown = [f for f in frame.keep_in_house if f not in _flows(ws)]
    if unknown:
        raise InputError(
            f"keep_in_house names an unknown flow {unknown[0]!r}",
            file=str(decision_path),
            field="keep_in_house",
        )
    return costs, offers, frame


def decide(
    ws: Workspace, *, who: str | None = None, record: bool = True, sensitivity: bool = True
) -> dict[str, Any]:
    """The decision document (see docs/decision.md); recorded in the app database unless not ``record``."""
    costs, offers, frame = load_inputs(ws)
    tz = ws.settings.timezone
    history = decision_history(ws, frame)
    span = window(history)
    workloads = build_workloads(ws, decision=frame)
    today_sites = handled_by(ws, span)
    site_offers = current_offers(
        offers,
        {site for h in today_sites.values() for site, _, _ in h.counts},
        by_flow={f: {site for site, _, _ in h.counts} for f, h in today_sites.items()},
    )
    priced = price_blocks(
        workloads,
        costs=costs,
        offers=offers,
        frame=frame,
        timezone=tz,
        handled_by=today_sites,
        site_offers=site_offers,
    )
    if not priced:
        raise InputError(f"{ws.root}: no contact in the service hours of any flow over the reference period")
    growth, growth_source = _growth(frame, history)
    current = tuple(p.today for p in priced)
    mapping = activity_map(ws, first=span.first, last=span.last)
    qualifications = _qualify(ws, workloads, priced, offers, frame, mapping, history)
    # The reasons say which parts of each flow may go out; the allocation finds the cheapest plan
    # within them, and a second one without them prices what the reasons cost.
    free = problem(priced, offers=offers, frame=frame)
    shape = replace(free, keep_blocks=kept_blocks(qualifications, free.blocks))
    alloc = allocate(shape)
    lowest = allocate(free) if shape.keep_blocks else alloc

    def scenario(name: str, assignment: Sequence[str], baseline: ScenarioCost | None) -> ScenarioCost:
        return evaluate(
            name, priced, assignment, frame=frame, growth_per_year=growth, current=current, baseline=baseline
        )

    everything_inside = (INTERNAL,) * len(priced)
    # Savings are measured against today's set-up; "all in-house" is a scenario beside it.
    base = scenario(CURRENT if current != everything_inside else ALL_IN_HOUSE, current, None)
    scenarios = [base]
    if current != everything_inside:
        scenarios.append(scenario(ALL_IN_HOUSE, everything_inside, base))
    keep = frozenset(frame.keep_in_house)
    for offer in offers:
        assignment = all_at(offer.id, priced, keep=keep, current=current)
        if assignment != current and any(s == offer.id for s in assignment):
            scenarios.append(scenario(f"all-{offer.id}", assignment, base))
    if alloc.solved:
        scenarios.append(scenario(OPTIMISED, list(alloc.assignment), base))
    if lowest.solved and lowest.assignment != alloc.assignment:
        scenarios.append(scenario(LOWEST_COST, list(lowest.assignment), base))
    # The business case is the exact cost: recommend the cheapest scenario at present value among
    # those that keep to the frame (dependency limit, flows kept in-house) and to the reasons (the
    # optimised plan unless the exact pricing of commitments and one-offs says otherwise).
    allowed = [s for s in scenarios if _within(s, shape)]
    best = min(allowed or scenarios, key=lambda s: (s.npv, s.name != OPTIMISED))
    verdict = verdicts(
        shape,
        best.assignment,
        lowest.assignment if lowest.solved else None,
        qualifications,
        currency=costs.currency,
    )
    bars = (
        tornado(
            priced=priced,
            workloads=workloads,
            costs=costs,
            offers=offers,
            assignment=best.assignment,
            frame=frame,
            timezone=tz,
            growth_per_year=growth,
        )
        if sensitivity and best.assignment != current
        else []
    )
    checks = check_plan(priced, best.assignment, offers=offers, bands=ws.settings.hour_bands, timezone=tz)
    document = _document(
        ws,
        priced,
        alloc,
        scenarios,
        best,
        qualifications,
        bars,
        costs,
        offers,
        frame,
        workloads,
        span,
        shape=shape,
        verdict=verdict,
    )
    document["simulation"] = [_check(c) for c in checks]
    document["growth"] = {"per_year": str(growth), **growth_source}
    if record:
        _record(ws, document, who=who, fingerprint=_fingerprint(ws, costs, offers, frame))
    return document


# --- evidence and qualification ------------------------------------------------------------


def _qualify(
    ws: Workspace,
    workloads: Sequence[FlowWorkload],
    priced: Sequence[PricedBlock],
    offers: Sequence[Offer],
    frame: DecisionSettings,
    mapping: dict[str, Any],
    history: History | None,
) -> dict[str, Qualification]:
    by_flow = {f["flow"]: f for f in mapping["flows"]}
    channels = {f["channel"] for f in mapping["flows"]}
    languages = {lang["language"] for f in mapping["flows"] for lang in f["languages"] if lang["language"]}
    seven_days = any(sum(f["average_week"]["mean_contacts"][6]) > 0 for f in mapping["flows"])
    errors = _forecast_errors(history)
    evening = ws.settings.hour_bands.evening.split("-")[0]
    out = {}
    for w in workloads:
        m = by_flow.get(w.flow)
        mine = [p for p in priced if p.block.flow == w.flow]
        if m is None or not mine:
            continue
        inhouse = combine_inhouse([p.inhouse for p in mine], flow=w.flow)
        best = best_offer([flow_offer(o, mine) for o in offers])
        peaks = m["peak_to_average"]
        profile = frame.profile(w.flow)
        out[w.flow] = qualify(
            FlowEvidence(
                flow=w.flow,
                label=m.get("label") or w.flow,
                channel=w.channel,
                contacts_per_month=w.contacts / w.months,
                aht_s=float(m["handle_time"]["mean_s"] or 0.0) if m["handle_time"] else 0.0,
                outside_hours_share=float(m["outside_opening_hours"] or 0.0),
                band_shares={k: float(v or 0.0) for k, v in m["bands"].items()},
                peak_ratio_interval=max(1.0, float(peaks["interval"] or 1.0)),
                peak_ratio_day=max(1.0, float(peaks["day"] or 1.0)),
                peak_ratio_month=max(1.0, float(peaks["month"] or 1.0)),
                peak_days=tuple(d["date"] for d in m["seasonal_peaks"]["days"][:5]),
                peak_months=tuple(int(x["month"][5:]) for x in m["seasonal_peaks"]["months"]),
                languages={lang["language"] or "?": float(lang["share"]) for lang in m["languages"]},
                team_languages=frozenset(frame.inhouse_languages),
                service_level=m["kpis"].get("service_level"),
                service_level_target=w.targets.sl,
                abandon_rate=m["kpis"].get("abandon_rate"),
                inhouse_cost_per_contact=inhouse.per_contact,
                offer_cost_per_contact=best.variable_per_contact if best else None,
                best_offer=best.offer if best else None,
                offer_covers=best.covers if best else 1.0,
                offer_minimum=best.minimum_monthly if best and best.minimum_dominates else None,
                offer_standalone_per_contact=best.standalone_per_contact
                if best and best.minimum_dominates
                else None,
                outside_hours_per_month=m["outside_hours"]["per_month"],
                company_channels=len(channels),
                company_languages=len(languages),
                seven_days=seven_days,
                profile=profile,
                budget=frame.budget,
                forecast_error=errors.get(w.flow),
                evening_start=evening,
                currency=inhouse.currency,
            )
        )
    return out


def _forecast_errors(history: History | None) -> dict[str, float]:
    """Day WAPE of a 28-day backtest per flow: how uncertain each flow's volume is."""
    if history is None or history.axis.days < 120:
        return {}
    return {
        b.flow: float(b.day.wape)
        for b in backtest(history, horizon_days=28, windows=2, model="ets")
        if np.isfinite(b.day.wape)
    }


def _growth(frame: DecisionSettings, history: History | None) -> tuple[Decimal, dict[str, Any]]:
    """Volume growth a year and where it comes from: the frame's, else the forecast's (two years
    of history needed, `arbitre.forecast.growth`), else none."""
    if frame.volume_growth_per_year is not None:
        return frame.volume_growth_per_year, {"source": "decision.yaml"}
    days = 0 if history is None else history.axis.days
    found = None if history is None else yearly_growth(history.daily().sum(axis=0))
    if found is None:
        return Decimal(0), {
            "source": "none",
            "why": f"{days} days of history: a yearly trend needs two years "
            "(set volume_growth_per_year in decision.yaml)",
        }
    return Decimal(str(round(found.rate, 4))), {
        "source": "forecast",
        "model": found.model,
        "next_365_days": round(found.ahead),
        "last_365_days": round(found.last),
        "clipped": found.clipped,
    }


def _flows(ws: Workspace) -> set[str]:
    """The flows of the store."""
    con = connect(ws.settings.timezone)
    try:
        return {
            r[0] for r in con.sql(f"SELECT DISTINCT flow FROM {InteractionStore(ws).source_sql()}").fetchall()
        }
    finally:
        con.close()


# --- the document --------------------------------------------------------------------------


def _money(x: Decimal | None) -> str | None:
    return None if x is None else str(x.quantize(Decimal("0.01")))


def _document(
    ws: Workspace,
    priced: Sequence[PricedBlock],
    alloc: Allocation,
    scenarios: Sequence[ScenarioCost],
    best: ScenarioCost,
    qualifications: dict[str, Qualification],
    bars: Sequence[Bar],
    costs: InHouseCosts,
    offers: Sequence[Offer],
    frame: DecisionSettings,
    workloads: Sequence[FlowWorkload],
    span: Window,
    *,
    shape: AllocationProblem,
    verdict: dict[str, Verdict],
) -> dict[str, Any]:
    site_index = {s: i for i, s in enumerate(shape.sites)}
    chosen = np.array([site_index[s] for s in best.assignment], dtype=np.int64)
    monthly = block_months(priced, best.assignment)
    today = block_months(priced, [p.today for p in priced])
    per_block = np.array([float(x) for x in monthly])
    flows = []
    for w in workloads:
        mine = [(i, p) for i, p in enumerate(priced) if p.block.flow == w.flow]
        if not mine:
            continue
        fa = flow_allocation(shape, w.flow, chosen, per_block)
        q = qualifications.get(w.flow)
        inhouse = combine_inhouse([p.inhouse for _, p in mine], flow=w.flow)
        flows.append(
            {
                "flow": w.flow,
                "label": ws.settings.flows[w.flow].label if w.flow in ws.settings.flows else None,
                "channel": w.channel.value,
                "recommendation": fa.recommendation.value,
                "summary": {"fr": fa.summary.fr, "en": fa.summary.en},
                "verdict": verdict[w.flow].model_dump(mode="json") if w.flow in verdict else None,
                "reasons": [] if q is None else [_reason(r) for r in q.reasons],
                "qualification": None
                if q is None
                else {
                    "recommendation": q.recommendation.value,
                    "scores": {k.value: v for k, v in q.scores.items()},
                    "summary": {"fr": q.summary.fr, "en": q.summary.en},
                },
                "allocation": [
                    {
                        "band": p.block.band,
                        "language": p.block.language,
                        "site": best.assignment[i],
                        "contacts_per_month": round(p.block.contacts_per_month, 1),
                        "monthly_cost": _money(monthly[i]),
                        "today": p.today,
                        "today_monthly_cost": _money(today[i]),
                    }
                    for i, p in mine
                ],
                "contacts_per_month": round(w.contacts / w.months, 1),
                "counted": _counted(w),
                "today": _today(mine, today, w),
                "inhouse": {
                    "per_month": _money(inhouse.per_month),
                    "per_contact": _money(inhouse.per_contact),
                    "fte": str(inhouse.fte.quantize(Decimal("0.01"))),
                    "hidden_per_month": _money(inhouse.hidden_total / inhouse.months),
                    "lines": {k: _money(v / inhouse.months) for k, v in inhouse.by_component().items()},
                },
                "offers": _flow_offers(mine, offers),
                "best_offer": _best(mine, offers),
                "tco": {s.name: _money(s.by_flow.get(w.flow)) for s in scenarios},
            }
        )
    return {
        "workspace": ws.settings.name,
        "currency": costs.currency,
        "baseline": scenarios[0].name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "frame": json.loads(frame.model_dump_json(exclude={"flows"})),
        "reference_period": {
            "start": span.first.isoformat(),
            "end": span.last.isoformat(),
            "months": round(span.months, 2),
        },
        "flows": flows,
        "scenarios": [
            {
                **_scenario(s),
                "within_frame": _in_frame(s, shape),
                "follows_reasons": _follows(s, shape),
                "provider_shares": {k: round(v, 4) for k, v in _shares(s, shape).items()},
            }
            for s in scenarios
        ],
        "recommended": best.name,
        "hidden_components": sorted(HIDDEN),
        "allocation": {
            "status": alloc.status,
            "gap": alloc.gap,
            "solve_s": round(alloc.solve_s, 3),
            "monthly_cost": None if alloc.cost is None else round(alloc.cost, 2),
            "reason": None if alloc.reason is None else {"fr": alloc.reason.fr, "en": alloc.reason.en},
        },
        "sensitivity": [
            {
                "assumption": b.assumption.code,
                "fr": b.assumption.fr,
                "en": b.assumption.en,
                "step": str(b.assumption.step),
                "low": _money(b.low),
                "high": _money(b.high),
                "base": _money(b.base),
            }
            for b in bars
        ],
        "inputs": {
            "costs": json.loads(costs.model_dump_json()),
            "offers": [json.loads(o.model_dump_json()) for o in offers],
            "decision": json.loads(frame.model_dump_json()),
            "workloads": [_workload(w) for w in workloads],
            "patience": {
                f: p.model_dump(mode="json") for f, p in planning_inputs(ws, last=span.last).items()
            },
        },
    }


def _today(
    mine: Sequence[tuple[int, PricedBlock]], today: Sequence[Decimal], w: FlowWorkload
) -> dict[str, Any]:
    """What the flow costs today, a month: its in-house part as one team (the in-house cost of the
    blocks handled in-house), and each provider's share of its invoice."""
    inside = [p.inhouse for _, p in mine if p.today == INTERNAL]
    sites: dict[str, Decimal] = {}
    if inside:
        sites[INTERNAL] = combine_inhouse(inside, flow=w.flow).per_month
    for i, p in mine:
        if p.today != INTERNAL:
            sites[p.today] = sites.get(p.today, Decimal(0)) + today[i]
    per_month = sum(sites.values(), Decimal(0))
    contacts = Decimal(str(w.contacts / w.months))
    return {
        "sites": {k: _money(v) for k, v in sites.items()},
        "per_month": _money(per_month),
        "per_contact": _money(per_month / contacts) if contacts > 0 else None,
    }


def _best(mine: Sequence[tuple[int, PricedBlock]], offers: Sequence[Offer]) -> dict[str, Any] | None:
    """The offer with the lowest price per contact at the flow's real mix (`best_offer`)."""
    best = best_offer([flow_offer(o, [p for _, p in mine]) for o in offers])
    if best is None:
        return None
    return {
        "offer": best.offer,
        "per_contact": _money(best.variable_per_contact),
        "covers": round(best.covers, 4),
        "standalone_per_contact": _money(best.standalone_per_contact),
        "minimum_monthly": _money(best.minimum_monthly),
        "minimum_dominates": best.minimum_dominates,
    }


def _flow_offers(mine: Sequence[tuple[int, PricedBlock]], offers: Sequence[Offer]) -> dict[str, Any]:
    """The flow at each offer (`arbitre.decision.offers.FlowOffer`); ``per_month`` and
    ``per_contact`` are what it would invoice for the whole flow alone (None when it takes only
    part of it)."""
    blocks = [p for _, p in mine]
    out: dict[str, Any] = {}
    for offer in offers:
        fo = flow_offer(offer, blocks)
        whole = fo.covers >= 1.0 - 1e-9
        out[offer.id] = {
            **fo.model_dump(mode="json"),
            "minimum_dominates": fo.minimum_dominates,
            "per_month": _money(fo.standalone_per_month) if whole else None,
            "per_contact": _money(fo.standalone_per_contact) if whole else None,
        }
    return out


def _scenario(s: ScenarioCost) -> dict[str, Any]:
    warnings = []
    for t in s.tcos:
        if t.warning is not None:
            warnings.append(
                {
                    "offer": t.offer_id,
                    "fr": t.warning.text.fr,
                    "en": t.warning.text.en,
                    "reasons": [
                        {"code": r.code, "fr": r.text.fr, "en": r.text.en} for r in t.warning.reasons
                    ],
                }
            )
    providers = []
    for t in s.tcos:
        lines: dict[str, Decimal] = {}
        for m in t.months:
            for k, v in m.outsourced_lines.items():
                lines[k] = lines.get(k, Decimal(0)) + v
        providers.append(
            {
                "offer": t.offer_id,
                "tco": _money(t.outsourced_total),
                "npv": _money(t.outsourced_npv),
                "inhouse_tco": _money(t.inhouse_total),
                "lines": {k: _money(v) for k, v in lines.items()},
                "one_off": _money(t.one_off_total),
                "governance_fte": str(t.governance_fte.quantize(Decimal("0.01"))),
                "payback_months": None if t.payback_months is None else str(t.payback_months),
            }
        )
    return {
        "name": s.name,
        "tco": _money(s.total),
        "internal_tco": _money(s.by_site.get(INTERNAL, Decimal(0))),
        "providers": providers,
        "npv": _money(s.npv),
        "baseline_tco": _money(s.baseline_total),
        "savings": _money(s.savings),
        "savings_npv": _money(s.savings_npv),
        "savings_share": None if s.savings_share is None else float(round(s.savings_share, 4)),
        "sites": {k: _money(v) for k, v in s.by_site.items()},
        "flows": [{"flow": f, "tco": _money(v)} for f, v in sorted(s.by_flow.items())],
        "monthly": [_money(m) for m in s.monthly],
        "warnings": warnings,
    }


def _within(s: ScenarioCost, shape: AllocationProblem) -> bool:
    """Whether a scenario keeps to the frame and to the flows' reasons."""
    return _in_frame(s, shape) and _follows(s, shape)


def _in_frame(s: ScenarioCost, shape: AllocationProblem) -> bool:
    """No provider above its share of the contacts; the flows the frame keeps, kept."""
    if any(
        site != INTERNAL
        for b, site in zip(shape.blocks, s.assignment, strict=True)
        if b.flow in shape.keep_in_house
    ):
        return False
    return max(_shares(s, shape).values(), default=0.0) <= shape.max_share + 1e-9


def _follows(s: ScenarioCost, shape: AllocationProblem) -> bool:
    """The blocks the reasons keep in-house, kept."""
    return all(s.assignment[i] == INTERNAL for i in shape.keep_blocks)


def _shares(s: ScenarioCost, shape: AllocationProblem) -> dict[str, float]:
    """Each provider's share of all the contacts in a scenario."""
    total = sum(b.contacts_per_month for b in shape.blocks)
    out: dict[str, float] = {}
    for b, site in zip(shape.blocks, s.assignment, strict=True):
        if site != INTERNAL:
            out[site] = out.get(site, 0.0) + b.contacts_per_month / total
    return out


def _check(c: FlowCheck) -> dict[str, Any]:
    def triple(x: tuple[float, float, float] | None) -> dict[str, float] | None:
        return (
            None
            if x is None
            else {"mean": round(x[0], 4), "ci_low": round(x[1], 4), "ci_high": round(x[2], 4)}
        )

    return {
        "flow": c.flow,
        "week_start": c.week_start,
        "replications": c.replications,
        "contacts": c.contacts,
        "target": {"service_level": c.target_sl, "threshold_s": c.threshold_s},
        "service_level": triple(c.service_level),
        "abandon_rate": triple(c.abandon_rate),
        "ok": c.ok,
        "sites": [
            {
                "site": r.site,
                "band": r.band,
                "language": r.language,
                "offered_per_week": round(r.offered, 1),
                "service_level": triple(r.service_level),
                "abandon_rate": triple(r.abandon_rate),
            }
            for r in c.sites
        ],
    }


def _reason(r: Any) -> dict[str, Any]:
    return {
        "code": r.code,
        "criterion": r.criterion,
        "logic": str(r.logic.value if hasattr(r.logic, "value") else r.logic),
        "direction": str(r.direction.value if hasattr(r.direction, "value") else r.direction),
        "weight": r.weight,
        "fr": r.fr,
        "en": r.en,
    }


def _counted(w: FlowWorkload) -> dict[str, Any]:
    """What the decision counts of the flow, per month, rounded for the document."""
    c = w.count()
    return {
        "contacts_per_month": round(c.contacts_per_month, 1),
        "arriving_open_per_month": round(c.arriving_open_per_month, 1),
        "arriving_closed_per_month": round(c.arriving_closed_per_month, 1),
        "treatment": c.treatment,
        "waiting_at_opening": None if c.waiting_at_opening is None else round(c.waiting_at_opening, 1),
        "unserved_per_month": round(c.unserved_per_month, 1),
        "unserved_by_band": {k: round(v, 1) for k, v in c.unserved_by_band.items()},
        "service_hours": w.hours,
    }


def _workload(w: FlowWorkload) -> dict[str, Any]:
    handled = w.volume * w.in_scope
    return {
        "flow": w.flow,
        "channel": w.channel.value,
        "contacts_in_scope": round(float(handled.sum())),
        "contacts_outside_scope": round(float((w.volume * ~w.in_scope).sum())),
        "contacts_arriving_closed": round(float((w.volume * ~w.open_).sum())),
        "aht_s": round(float((w.aht_s * handled).sum() / handled.sum()), 1) if handled.sum() > 0 else None,
        "languages": {k: round(v, 4) for k, v in w.languages.items()},
        "patience_s": None if w.patience_s is None else round(w.patience_s, 1),
        "contact_rate": None if w.contact_rate is None else round(w.contact_rate, 4),
        "targets": w.targets.model_dump(exclude_none=True),
    }


# --- the record ----------------------------------------------------------------------------


def _fingerprint(ws: Workspace, costs: InHouseCosts, offers: Sequence[Offer], frame: DecisionSettings) -> str:
    digest = hashlib.sha256()
    digest.update(costs.model_dump_json().encode())
    for o in offers:
        digest.update(o.model_dump_json().encode())
    digest.update(frame.model_dump_json().encode())
    # The months the decision reads (up to history_until): later imports leave it standing.
    store = InteractionStore(ws)
    parts = store.partitions()
    months = store.months_until(frame.history_until)
    digest.update(json.dumps([(m, parts[m]) for m in months]).encode())
    return digest.hexdigest()


def _record(ws: Workspace, document: dict[str, Any], *, who: str | None, fingerprint: str) -> None:
    decision_id = uuid.uuid4().hex
    document["decision_id"] = decision_id
    with session_scope(ws.engine) as session:
        session.add(
            DecisionRecord(
                id=decision_id,
                created_at=datetime.now(UTC),
                who=who or os.environ.get("ARBITRE_USER") or getpass.getuser(),
                inputs_sha256=fingerprint,
                recommended=document["recommended"],
                document=json.dumps(document, ensure_ascii=False),
            )
        )


def current_decision(ws: Workspace) -> dict[str, Any] | None:
    """The last decision recorded on the workspace's present inputs, or None if they changed since."""
    from sqlalchemy import select

    costs, offers, frame = load_inputs(ws)
    fingerprint = _fingerprint(ws, costs, offers, frame)
    with session_scope(ws.engine) as session:
        row = session.scalars(
            select(DecisionRecord)
            .where(DecisionRecord.inputs_sha256 == fingerprint)
            .order_by(DecisionRecord.created_at.desc())
            .limit(1)
        ).first()
        return None if row is None else dict(json.loads(row.document))


def latest_decision(ws: Workspace) -> dict[str, Any] | None:
    """The last decision recorded in the workspace, as its document."""
    from sqlalchemy import select

    with session_scope(ws.engine) as session:
        row = session.scalars(
            select(DecisionRecord).order_by(DecisionRecord.created_at.desc()).limit(1)
        ).first()
        return None if row is None else dict(json.loads(row.document))


__all__ = ["current_decision", "decide", "latest_decision", "load_inputs"]
