"""The DQE of a tender (every bid priced on the same forecast of the term) and its score.

Before the deadline the score is the technical evaluation only — prices sealed —; after it every
bid is priced on the DQE, ranked per lot, with the sensitivity and the abnormally-low flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np

from arbitre.costing.defaults import load_costs
from arbitre.costing.inhouse import InHouseCost, inhouse_cost
from arbitre.costing.money import dec
from arbitre.costing.workload import FlowWorkload
from arbitre.domain.tender import Bid, Tender
from arbitre.errors import InputError
from arbitre.forecast import Forecast, forecast
from arbitre.mapping.queries import handle_times
from arbitre.services.forecast import load_history
from arbitre.services.tender import TENDERS_DIR, language_shares, load_tender, store_flows, tender_path
from arbitre.services.tender_bids import list_bids, unsealed_bids
from arbitre.services.tender_grades import technical_board
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from arbitre.tender.document import DqeFlowOut, SourceOut, TenderScore, lot_out, sealed_lots, technical_out
from arbitre.tender.dqe import FlowFacts, mean_aht_s, term_workloads
from arbitre.tender.normalise import LotComparison, compare
from arbitre.tender.spec import monthly_forecast


@dataclass(frozen=True)
class Dqe:
    """The term's workloads per flow, the history's handle time per flow, the in-house cost of
    the same volumes (when the workspace has a cost model: ``costs.yaml``), where they come from."""

    workloads: dict[str, FlowWorkload]
    reference_aht_s: dict[str, float]
    inhouse: dict[str, InHouseCost] | None
    history_start: date
    history_end: date
    models: dict[str, str]
    monthly: dict[str, dict[str, float]]  # the forecast contacts per month (YYYY-MM) and flow


def flow_facts(ws: Workspace, tender: Tender) -> dict[str, FlowFacts]:
    """What the history says of each flow of the scope (channel, hours, targets, languages, times)."""
    settings = ws.settings
    con = connect(settings.timezone)
    try:
        source = InteractionStore(ws).source_sql()
        handles = handle_times(con, source)
        talk = dict(
            con.sql(
                f"SELECT flow, avg(talk_s) FROM {source} WHERE NOT abandoned AND answered_at IS NOT NULL GROUP BY flow"
            ).fetchall()
        )
    finally:
        con.close()
    known = store_flows(ws)
    langs = language_shares(ws)
    out = {}
    for flow in tender.scope.flows:
        configured = settings.flows[flow].channel if flow in settings.flows else None
        channel = configured or known[flow][0]
        handle = handles.get((flow, channel.value))
        reference = handle.mean_s if handle is not None and handle.mean_s else 300.0
        out[flow] = FlowFacts(
            channel=channel,
            hours=settings.hours_of(flow),
            targets=settings.targets_of(flow, channel),
            languages=langs.get(flow, {}),
            talk_s=float(talk.get(flow) or reference),
            reference_aht_s=float(reference),
        )
    return out


def term_forecast(ws: Workspace, tender: Tender) -> tuple[Forecast, date, date]:
    """The forecast of the scope's flows over the term, from the history before it.

    Returns the forecast and the first and last days of the history it used. The history is cut
    at the term's start and at its last day with contacts: days without any
    contact at the end (an export not yet imported, months a provider handled) would read as a
    service closed on every weekday. A flow forecast at no contact at all is an error, not a DQE.
    """
    history = load_history(ws)
    history = history.select([i for i, f in enumerate(history.flows) if f in tender.scope.flows])
    start = tender.term.first_day()
    history = history.head(max(0, history.axis.day_index(start)))
    active = (
        np.flatnonzero(history.daily().sum(axis=0) > 0) if history.axis.days else np.array([], dtype=np.int64)
    )
    if active.size == 0:
        raise InputError(
            f"no contact of the scope's flows before the term ({tender.term.start}): nothing to forecast from",
            field="term.start",
        )
    history = history.head(int(active[-1]) + 1)
    result = forecast(history, start=start, horizon_days=(tender.term.end_day() - start).days)
    empty = [f for f, total in zip(result.flows, result.daily.sum(axis=1), strict=True) if total <= 0]
    if empty:
        raise InputError(
            f"the forecast of {empty[0]} over the term is 0 contacts (its history before {tender.term.start} "
            "has none in its recent weeks): take it out of the scope or import its history",
            field="scope.flows",
        )
    return result, history.axis.first_day, history.last_day


def dqe(ws: Workspace, tender: Tender) -> Dqe:
    """The volumes every bid is priced on: the forecast of the term from the store's history."""
    result, first, last = term_forecast(ws, tender)
    facts = flow_facts(ws, tender)
    workloads = term_workloads(result, tender=tender, facts=facts, bands=ws.settings.hour_bands)
    costs_path = ws.root / "costs.yaml"
    inhouse = (
        {f: inhouse_cost(w, costs=load_costs(costs_path)) for f, w in workloads.items()}
        if costs_path.exists()
        else None
    )
    return Dqe(
        workloads=workloads,
        reference_aht_s={f: facts[f].reference_aht_s for f in workloads},
        inhouse=inhouse,
        history_start=first,
        history_end=last,
        models={i.flow: i.model for i in result.info},
        monthly=_by_month(result, tender),
    )


def _by_month(result: Forecast, tender: Tender) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for f in monthly_forecast(result, flows=tender.scope.flows):
        for month, contacts in f.months:
            out.setdefault(month, {})[f.flow] = contacts
    return out


# --- the score ----------------------------------------------------------------------------


def score_tender(ws: Workspace, name: str, *, now: datetime | None = None) -> TenderScore:
    """The tender's score (see `arbitre.tender.document.TenderScore`): before the deadline the
    technical evaluation only — prices sealed —, after it every bid priced on the DQE, ranked per
    lot, with the sensitivity of the ranking and the abnormally-low flags."""
    tender = load_tender(ws, name)
    now = now or datetime.now(UTC)
    board = technical_board(ws, tender)
    bidders = sorted(b.provider for b in list_bids(ws, tender))
    sealed = now < tender.timetable.bids_due
    lots = sealed_lots(tender)
    dqe_out: list[DqeFlowOut] = []
    history = None
    sources = _sources(ws, tender)
    if not sealed and bidders:
        bids = unsealed_bids(ws, tender, now=now)
        volumes, comparisons = priced(ws, tender, bids)
        lots = [lot_out(c, tender=tender, board=board) for c in comparisons]
        dqe_out = [_dqe_flow(f, w, volumes) for f, w in volumes.workloads.items()]
        history = {"start": volumes.history_start.isoformat(), "end": volumes.history_end.isoformat()}
        sources.append(
            SourceOut(
                code="dqe",
                value=f"{tender.term.start} + {tender.term.months}",
                source=f"{history['start']} → {history['end']} (arbitre.forecast)",
            )
        )
        if volumes.inhouse is not None:
            sources.append(SourceOut(code="inhouse", value="costs.yaml", source="arbitre.costing.inhouse"))
    return TenderScore(
        tender=tender.id,
        title=tender.title,
        currency=tender.currency,
        formula=tender.criteria.price.formula,
        max_score=tender.criteria.max_score,
        price_weight=tender.criteria.price.weight,
        now=now,
        bids_due=tender.timetable.bids_due,
        sealed=sealed,
        bidders=bidders,
        technical=technical_out(board),
        lots=lots,
        dqe=dqe_out,
        history=history,
        inputs=sources,
    )


def priced(ws: Workspace, tender: Tender, bids: Sequence[Bid]) -> tuple[Dqe, list[LotComparison]]:
    """The DQE, and ``bids`` priced on it lot by lot (`arbitre.tender.normalise.compare`)."""
    volumes = dqe(ws, tender)
    comparisons = compare(
        tender,
        bids,
        workloads=volumes.workloads,
        reference_aht_s=volumes.reference_aht_s,
        inhouse=volumes.inhouse,
        timezone=ws.settings.timezone,
    )
    return volumes, comparisons


def _dqe_flow(flow: str, w: FlowWorkload, volumes: Dqe) -> DqeFlowOut:
    contacts = dec(float((w.volume * w.in_scope).sum()))
    return DqeFlowOut(
        flow=flow,
        channel=w.channel.value,
        contacts_term=contacts.quantize(Decimal(1)),
        contacts_per_month=(contacts / dec(w.months)).quantize(Decimal("0.1")),
        aht_s=None if (m := mean_aht_s(w)) is None else round(m, 1),
        reference_aht_s=round(volumes.reference_aht_s[flow], 1),
        forecast_model=volumes.models.get(flow, "?"),
        targets=w.targets.model_dump(exclude_none=True),
    )


def _sources(ws: Workspace, tender: Tender) -> list[SourceOut]:
    path = tender_path(ws, tender.id)
    c = tender.criteria
    out = [
        SourceOut(code="tender_file", value=str(path.name), source=f"{TENDERS_DIR}/{path.name}"),
        SourceOut(code="price", value=f"{c.price.weight} · {c.price.formula}", source="criteria.price"),
    ]
    out += [
        SourceOut(code="criterion", label=t.label, value=str(t.weight), source=f"criteria.technical.{t.name}")
        for t in c.technical
    ]
    out.append(
        SourceOut(
            code="abnormally_low",
            value=f"{tender.abnormally_low.below_mean_of_others} · {tender.abnormally_low.below_inhouse}",
            source="abnormally_low",
        )
    )
    return out


__all__ = ["Dqe", "dqe", "flow_facts", "priced", "score_tender", "term_forecast"]
