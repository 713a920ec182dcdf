"""The make-or-buy decision of a workspace (steps 2 and 4): costs, qualification, allocation, scenarios.

Gather → engines → record. Gathers what the engines need, reading the store's history once — the
flows' workloads over the last twelve months, the in-house cost model (``costs.yaml`` over the
French defaults), the offers (``offers/*.yaml``), the frame (``decision.yaml``), the activity map
as evidence —; the engines price every block of every flow in-house and at each offer, qualify
each flow, optimise the allocation, cost the scenarios exactly over the term and measure the
sensitivity of the recommended plan; `arbitre.decision.assemble` writes the `DecisionDocument`,
and the decision is recorded (`arbitre.store.decisions`).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from arbitre.costing.defaults import french_defaults, load_costs
from arbitre.costing.portfolio import combine_inhouse
from arbitre.costing.workload import FlowWorkload
from arbitre.decision.allocate import allocate
from arbitre.decision.assemble import Computed, decision_document, within
from arbitre.decision.blocks import INTERNAL, PricedBlock, price_blocks, problem
from arbitre.decision.check import check_plan
from arbitre.decision.document import DecisionDocument, Growth
from arbitre.decision.evidence import FlowEvidence, Qualification
from arbitre.decision.offers import best_offer, flow_offer
from arbitre.decision.qualify import qualify
from arbitre.decision.reconcile import kept_blocks, verdicts
from arbitre.decision.scenarios import ScenarioCost, all_at, evaluate
from arbitre.decision.sensitivity import tornado
from arbitre.domain.costing import DecisionSettings, InHouseCosts, Offer
from arbitre.domain.month import Month
from arbitre.errors import InputError
from arbitre.forecast import History, backtest
from arbitre.forecast.growth import yearly_growth
from arbitre.mapping.document import ActivityMap
from arbitre.services.activity import activity_map
from arbitre.services.fit import planning_inputs
from arbitre.services.workloads import (
    build_workloads,
    current_offers,
    decision_history,
    reference_facts,
    window,
)
from arbitre.store import decisions as records
from arbitre.store.interactions import InteractionStore
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
    return costs, offers, frame


def _check_kept(ws: Workspace, frame: DecisionSettings, history: History) -> None:
    """Every flow the frame keeps in-house is a flow of the history the decision reads."""
    unknown = [f for f in frame.keep_in_house if f not in history.flows]
    if unknown:
        raise InputError(
            f"keep_in_house names an unknown flow {unknown[0]!r}",
            file=str(ws.root / DECISION_FILE),
            field="keep_in_house",
        )


def _quiet(_share: float, _step: str) -> None:
    """No one to tell how the decision goes."""


class DecisionChanges(BaseModel):
    """The inputs a manager changes before deciding again (the web app's form, the API): the
    frame's figures as ``decision.yaml`` writes them, the flows kept in-house, the offers included
    (ids of ``offers/``). Each ``None`` keeps the workspace's own; the files are never rewritten."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    term_months: int | None = None
    discount_rate: Decimal | None = None
    max_share_per_provider: Decimal | None = None
    volume_growth_per_year: Decimal | None = None
    budget: Literal["constrained", "comfortable"] | None = None
    keep_in_house: list[str] | None = None
    offers: list[str] | None = None

    def audited(self) -> dict[str, str]:
        """The changes as the audit log keeps them: each given input as text (lists joined)."""
        return {
            k: ", ".join(v) if isinstance(v, list) else str(v)
            for k, v in self.model_dump(exclude_none=True).items()
        }


def with_changes(
    offers: Sequence[Offer], frame: DecisionSettings, changes: DecisionChanges
) -> tuple[list[Offer], DecisionSettings]:
    """The offers and the frame with ``changes`` applied, checked as ``decision.yaml`` is (a bad
    value refused by its field, with what was expected)."""
    updates = changes.model_dump(exclude_none=True, exclude={"offers"})
    try:
        changed = DecisionSettings.model_validate({**frame.model_dump(), **updates})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "decision"
        raise InputError(field=field, expected=first["msg"], got=str(updates.get(field, ""))[:80]) from None
    if changes.offers is None:
        return list(offers), changed
    known = [o.id for o in offers]
    unknown = [i for i in changes.offers if i not in known]
    if unknown:
        raise InputError(
            field="offers", expected="offers of the workspace: " + ", ".join(known), got=unknown[0][:80]
        )
    if not changes.offers:
        raise InputError(field="offers", expected="at least one offer", got="none")
    return [o for o in offers if o.id in changes.offers], changed


def decide(
    ws: Workspace,
    *,
    who: str | None = None,
    record: bool = True,
    sensitivity: bool = True,
    now: datetime | None = None,
    changes: DecisionChanges | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> DecisionDocument:
    """The decision document (see docs/decision.md); recorded in the app database unless not
    ``record``. ``now`` is when it is made (the clock's by default). ``changes``: inputs changed
    for this decision only (the document's ``inputs`` holds them, its fingerprint too).
    ``progress`` is told the share done and the step as the decision goes (a background job's)."""
    step = progress or _quiet
    step(0.02, "reading the inputs and the history")
    costs, offers, frame = load_inputs(ws)
    if changes is not None:
        offers, frame = with_changes(offers, frame, changes)
    tz = ws.settings.timezone
    history = decision_history(ws, frame)  # the one read of the store's volumes
    _check_kept(ws, frame, history)
    span = window(history)
    facts = reference_facts(ws, span)
    workloads = build_workloads(ws, decision=frame, history=history, facts=facts)
    today_sites = facts.handled_by
    site_offers = current_offers(
        offers,
        {site for h in today_sites.values() for site, _, _ in h.counts},
        by_flow={f: {site for site, _, _ in h.counts} for f, h in today_sites.items()},
    )
    step(0.3, "pricing every block in-house and at each offer")
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
    step(0.45, "qualifying the flows and allocating the blocks")
    growth = _growth(frame, history)
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
            name,
            priced,
            assignment,
            frame=frame,
            growth_per_year=growth.per_year,
            current=current,
            baseline=baseline,
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
    allowed = [s for s in scenarios if within(s, shape)]
    best = min(allowed or scenarios, key=lambda s: (s.npv, s.name != OPTIMISED))
    verdict = verdicts(
        shape,
        best.assignment,
        lowest.assignment if lowest.solved else None,
        qualifications,
        currency=costs.currency,
    )
    step(0.65, "measuring the sensitivity")
    bars = (
        tornado(
            priced=priced,
            workloads=workloads,
            costs=costs,
            offers=offers,
            assignment=best.assignment,
            frame=frame,
            timezone=tz,
            growth_per_year=growth.per_year,
        )
        if sensitivity and best.assignment != current
        else []
    )
    step(0.85, "checking the plan by simulation")
    checks = check_plan(priced, best.assignment, offers=offers, bands=ws.settings.hour_bands, timezone=tz)
    document = decision_document(
        Computed(
            priced=priced,
            allocation=alloc,
            scenarios=scenarios,
            best=best,
            qualifications=qualifications,
            bars=bars,
            checks=checks,
            shape=shape,
            verdict=verdict,
            growth=growth,
        ),
        workspace=ws.settings.name,
        labels={
            w.flow: ws.settings.flows[w.flow].label if w.flow in ws.settings.flows else None
            for w in workloads
        },
        costs=costs,
        offers=offers,
        frame=frame,
        workloads=workloads,
        first=span.first,
        last=span.last,
        months=span.months,
        patience=planning_inputs(ws, last=span.last),
        created_at=now or datetime.now(UTC),
    )
    if not record:
        return document
    return records.record_decision(
        ws,
        document,
        decision_id=uuid.uuid4().hex,
        who=who or os.environ.get("ARBITRE_USER") or getpass.getuser(),
        inputs_sha256=_fingerprint(ws, costs, offers, frame),
        at=datetime.now(UTC),
    )


# --- evidence and qualification ------------------------------------------------------------


def _qualify(
    ws: Workspace,
    workloads: Sequence[FlowWorkload],
    priced: Sequence[PricedBlock],
    offers: Sequence[Offer],
    frame: DecisionSettings,
    mapping: ActivityMap,
    history: History | None,
) -> dict[str, Qualification]:
    by_flow = {f.flow: f for f in mapping.flows}
    channels = {f.channel for f in mapping.flows}
    languages = {lang.language for f in mapping.flows for lang in f.languages if lang.language}
    seven_days = any(sum(f.average_week.mean_contacts[6]) > 0 for f in mapping.flows)
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
        peaks = m.peak_to_average
        profile = frame.profile(w.flow)
        out[w.flow] = qualify(
            FlowEvidence(
                flow=w.flow,
                label=m.label or w.flow,
                channel=w.channel,
                contacts_per_month=w.contacts / w.months,
                aht_s=float(m.handle_time.mean_s or 0.0) if m.handle_time else 0.0,
                outside_hours_share=float(m.outside_opening_hours or 0.0),
                band_shares={k: float(v or 0.0) for k, v in m.bands.items()},
                peak_ratio_interval=max(1.0, float(peaks.interval or 1.0)),
                peak_ratio_day=max(1.0, float(peaks.day or 1.0)),
                peak_ratio_month=max(1.0, float(peaks.month or 1.0)),
                peak_days=tuple(d.date for d in m.seasonal_peaks.days[:5]),
                peak_months=tuple(Month.parse(x.month).number for x in m.seasonal_peaks.months),
                languages={lang.language or "?": float(lang.share) for lang in m.languages},
                team_languages=frozenset(frame.inhouse_languages),
                service_level=m.kpis.service_level,
                service_level_target=w.targets.sl,
                abandon_rate=m.kpis.abandon_rate,
                inhouse_cost_per_contact=inhouse.per_contact,
                offer_cost_per_contact=best.variable_per_contact if best else None,
                best_offer=best.offer if best else None,
                offer_covers=best.covers if best else 1.0,
                offer_minimum=best.minimum_monthly if best and best.minimum_dominates else None,
                offer_standalone_per_contact=best.standalone_per_contact
                if best and best.minimum_dominates
                else None,
                outside_hours_per_month=m.outside_hours.per_month,
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


def _growth(frame: DecisionSettings, history: History | None) -> Growth:
    """Volume growth a year and where it comes from: the frame's, else the forecast's (two years
    of history needed, `arbitre.forecast.growth`), else none."""
    if frame.volume_growth_per_year is not None:
        return Growth(per_year=frame.volume_growth_per_year, source="decision.yaml")
    days = 0 if history is None else history.axis.days
    found = None if history is None else yearly_growth(history.daily().sum(axis=0))
    if found is None:
        return Growth(
            per_year=Decimal(0),
            source="none",
            why=f"{days} days of history: a yearly trend needs two years "
            "(set volume_growth_per_year in decision.yaml)",
        )
    return Growth(
        per_year=Decimal(str(round(found.rate, 4))),
        source="forecast",
        model=found.model,
        next_365_days=round(found.ahead),
        last_365_days=round(found.last),
        clipped=found.clipped,
    )


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


def current_decision(ws: Workspace) -> DecisionDocument | None:
    """The last decision recorded on the workspace's present inputs, or None if they changed since."""
    costs, offers, frame = load_inputs(ws)
    return records.latest_decision(ws, inputs_sha256=_fingerprint(ws, costs, offers, frame))


def business_case(ws: Workspace, *, fresh: bool = False) -> DecisionDocument:
    """The decision a business case shows: the recorded one if its inputs are unchanged (unless
    ``fresh``), else a new one, recorded."""
    if not fresh:
        document = current_decision(ws)
        if document is not None:
            return document
    return decide(ws)


__all__ = ["DecisionChanges", "business_case", "current_decision", "decide", "load_inputs", "with_changes"]
