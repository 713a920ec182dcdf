"""The demo company's interaction history: a year of contacts on every flow, queued for real.

For each flow of `arbitre.demo.company`, in order, with one ``np.random.Generator``:

1. demand per 15-minute interval of Europe/Paris local time (`arbitre.demo.arrivals`), and
   Poisson arrivals with their repeat contacts, callbacks and outbound retries;
2. a staffing plan per half hour sized on the expected load (`arbitre.demo.plan`);
3. handle times, patience, and the FCFS queue against the plan
   (`arbitre.staffing.queue.simulate_queue`): live contacts outside opening hours hear the
   closed message and hang up; deferred work waits for the agents; outbound attempts are dialled
   when an agent is free;
4. what came of each contact: resolution along the issue chain, surveys, QA, reasons,
   transcripts (`arbitre.demo.outcomes`, `arbitre.demo.transcripts`).

The rows follow docs/specs/interactions.md; the same seed gives byte-identical tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.demo import outcomes
from arbitre.demo.arrivals import (
    FlowArrivals,
    arrivals,
    demand_weight,
    first_contact_rate,
    open_mask,
    year_totals,
)
from arbitre.demo.calendar import season_multipliers
from arbitre.demo.company import FLOW_BY_ID, FLOWS, SITES, DemoFlow, Site, demo_settings
from arbitre.demo.grid import Grid, build_grid
from arbitre.demo.plan import (
    LOG_MISSED_S,
    PLAN_STEP_S,
    RING_ANSWERED_S,
    RING_MISSED_S,
    FlowPlan,
    headcount_cap,
    plan_flow,
    to_plan_intervals,
)
from arbitre.demo.transcripts import transcript
from arbitre.domain import Channel, WorkspaceSettings
from arbitre.staffing.queue import simulate_queue

STEP_S = 900
"""Arrival grid step, seconds (15 minutes)."""

CUSTOMERS_PER_SCALE = 650_000
INTERNATIONAL_SHARE = 0.07
ROTA_FACTOR = 1.4
"""Team size over the largest number of agents on duty at once (days off, part-time)."""

TS = pa.timestamp("us", tz="UTC")

INTERACTIONS_SCHEMA = pa.schema(
    [
        ("contact_id", pa.string()),
        ("flow", pa.string()),
        ("channel", pa.string()),
        ("site", pa.string()),
        ("arrived_at", TS),
        ("answered_at", TS),
        ("ended_at", TS),
        ("abandoned", pa.bool_()),
        ("talk_s", pa.float64()),
        ("hold_s", pa.float64()),
        ("wrap_s", pa.float64()),
        ("language", pa.string()),
        ("agent_id", pa.string()),
        ("customer_id", pa.string()),
        ("reason", pa.string()),
        ("resolved", pa.bool_()),
        ("csat", pa.int8()),
        ("nps", pa.int8()),
        ("qa_score", pa.float64()),
        ("transcript", pa.string()),
    ]
)

STAFFING_SCHEMA = pa.schema(
    [("flow", pa.string()), ("site", pa.string()), ("interval_start", TS), ("agents", pa.int32())]
)


@dataclass(frozen=True)
class DemoHistory:
    """The demo workspace's settings, its interaction history and the staffing plan behind it.

    ``interactions`` has the canonical columns of docs/specs/interactions.md, sorted by
    ``arrived_at``; ``staffing`` has one row per flow and half hour of the period (``agents`` on
    duty, 0 while closed), ``interval_start`` in UTC.
    """

    settings: WorkspaceSettings
    interactions: pa.Table
    staffing: pa.Table


@dataclass(frozen=True, slots=True)
class _Customers:
    ids: pa.Array
    domestic_p: FloatArray  # draw weights over the domestic customers
    n_domestic: int


@dataclass(slots=True)
class _Rows:
    """Columns of one flow, before assembly; times in seconds from the grid's t0."""

    arrived: FloatArray
    answered: FloatArray
    ended: FloatArray
    abandoned: BoolArray
    talk: FloatArray
    hold: FloatArray
    wrap: FloatArray
    agent: IntArray  # global agent index, -1 if none
    customer: IntArray
    reason: IntArray  # index into the global reason list
    language: IntArray  # index into the global language list
    resolved: BoolArray
    resolved_known: BoolArray
    csat: IntArray
    nps: IntArray
    surveyed: BoolArray
    qa: FloatArray
    qa_known: BoolArray
    transcript: IntArray  # index into the global transcript list, -1 if none


def generate_history(
    *,
    seed: int = 7,
    start: date = date(2025, 1, 1),
    end: date = date(2026, 1, 1),
    scale: float = 1.0,
) -> DemoHistory:
    """A year (by default) of Azalée Maison's contacts, queued against its staffing plan.

    ``start`` and ``end`` are local dates in Europe/Paris (``end`` excluded); ``scale``
    multiplies every volume (1.0 is about 1.5 million contacts a year, tests use 0.02). Rates
    are those of the whole calendar year, so a month generated alone looks like the same month
    of a full run. Deterministic: the same arguments give byte-identical tables.

    >>> h = generate_history(start=date(2025, 3, 3), end=date(2025, 3, 5), scale=0.01)
    >>> h.interactions.num_rows > 0, h.staffing.column_names
    (True, ['flow', 'site', 'interval_start', 'agents'])
    """
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    if end <= start:
        raise ValueError(f"end {end} must come after start {start}")
    settings = demo_settings()
    rng = np.random.default_rng(seed)
    grid = build_grid(start, end, zone=settings.zone, step_s=STEP_S)
    year_grids = _year_grids(start, end, settings.zone)
    customers = _population(scale, rng)

    reasons = sorted({r for f in FLOWS for r, _ in f.reasons})
    langs = sorted({lang for f in FLOWS for lang, _ in f.languages})
    texts: list[str] = []
    agent_ids: list[str] = []
    next_agent = dict.fromkeys(SITES, 0)
    parts: list[tuple[DemoFlow, _Rows]] = []
    plans: list[tuple[DemoFlow, FlowPlan]] = []
    for flow in FLOWS:
        d = _demand(flow, grid, year_grids=year_grids, scale=scale)
        arr = arrivals(flow, grid, first_rate=d.first_rate, weight=d.weight, open_=d.open_, rng=rng)
        caps: dict[int, float] = {}
        for y, g in year_grids.items():  # the budget is set on the whole year, whatever the period
            yd = _demand(flow, g, year_grids=year_grids, scale=scale)
            caps[y] = headcount_cap(flow, year_grid=g, expected=yd.expected, open_=yd.open_)
        plan = plan_flow(flow, grid=grid, expected=d.expected, open_=d.open_, caps=caps, rng=rng)
        # The flow's team: its agents' ids follow the previous teams' on the same site.
        rows, team = _staffed_rows(
            flow,
            site=SITES[flow.site],
            first_person=next_agent[flow.site],
            agent_ids=agent_ids,
            grid=grid,
            arr=arr,
            plan=plan,
            customers=customers,
            reasons=reasons,
            langs=langs,
            texts=texts,
            rng=rng,
        )
        next_agent[flow.site] += team
        parts.append((flow, rows))
        plans.append((flow, plan))

    table = _assemble(
        parts,
        grid=grid,
        customers=customers,
        reasons=reasons,
        langs=langs,
        texts=texts,
        agent_ids=agent_ids,
    )
    return DemoHistory(settings=settings, interactions=table, staffing=_staffing(plans, grid))


@dataclass(frozen=True, slots=True)
class _Demand:
    weight: FloatArray  # relative demand per grid interval
    open_: BoolArray
    first_rate: FloatArray  # expected first contacts per grid interval
    expected: FloatArray  # expected contacts per grid interval for the agents (the forecast)


def _demand(flow: DemoFlow, grid: Grid, *, year_grids: dict[int, Grid], scale: float) -> _Demand:
    weight = demand_weight(flow, grid)
    open_ = open_mask(flow, grid)
    rate, model = first_contact_rate(flow, grid, year_totals=year_totals(flow, year_grids), scale=scale)
    # Live contacts outside opening hours never reach an agent; deferred work waits for one.
    expected = rate * model.open_factor * (open_ if flow.live else 1.0)
    return _Demand(weight=weight, open_=open_, first_rate=rate, expected=expected)


def _year_grids(start: date, end: date, zone: ZoneInfo) -> dict[int, Grid]:
    years = range(start.year, date.fromordinal(end.toordinal() - 1).year + 1)
    return {y: build_grid(date(y, 1, 1), date(y + 1, 1, 1), zone=zone) for y in years}


def expected_contacts(
    flow_id: str, *, start: date = date(2025, 1, 1), end: date = date(2026, 1, 1), scale: float = 1.0
) -> FloatArray:
    """The forecast behind the plan: contacts of ``flow_id`` expected per half hour for agents.

    Aligned with the rows of that flow in ``DemoHistory.staffing`` for the same period; the plan
    was sized on these numbers times a small daily forecast error. Live channels count only the
    contacts arriving while open (the others hear the closed message). Repeat contacts, callbacks
    and retries are included in expectation.
    """
    flow = FLOW_BY_ID[flow_id]
    zone = demo_settings().zone
    grid = build_grid(start, end, zone=zone, step_s=STEP_S)
    d = _demand(flow, grid, year_grids=_year_grids(start, end, zone), scale=scale)
    return np.asarray(to_plan_intervals(d.expected, grid), dtype=np.float64)


def _population(scale: float, rng: np.random.Generator) -> _Customers:
    """Customer ids of a CRM (increasing numbers with gaps) and how often each one contacts us:
    a lognormal activity, so a few customers call often and most once or twice a year."""
    n = max(2000, int(CUSTOMERS_PER_SCALE * scale))
    numbers = 10_000_000 + np.cumsum(rng.integers(1, 40, n))
    ids = pa.array([f"CL{x:08d}" for x in numbers.tolist()], type=pa.string())
    n_domestic = int(n * (1 - INTERNATIONAL_SHARE))
    activity = rng.lognormal(0.0, 1.1, n_domestic)
    return _Customers(ids=ids, domestic_p=activity / activity.sum(), n_domestic=n_domestic)


def _staffed_rows(
    flow: DemoFlow,
    *,
    site: Site,
    first_person: int,
    agent_ids: list[str],
    grid: Grid,
    arr: FlowArrivals,
    plan: FlowPlan,
    customers: _Customers,
    reasons: list[str],
    langs: list[str],
    texts: list[str],
    rng: np.random.Generator,
) -> tuple[_Rows, int]:
    """The flow's contacts queued against ``plan`` by a team sized on its peak, and the team's size.

    The team's agent ids (``site``'s format, numbered from ``first_person`` + 1) are appended to
    ``agent_ids``, and the rows' ``agent`` indexes that list (-1: no agent).
    """
    team = max(1, int(np.ceil(ROTA_FACTOR * plan.agents.max(initial=0))))
    first_id = len(agent_ids)
    agent_ids.extend(f"{site.agent_prefix}-{first_person + p + 1:0{site.agent_digits}d}" for p in range(team))
    rows = _simulate_flow(
        flow,
        grid=grid,
        arr=arr,
        plan=plan,
        team=team,
        customers=customers,
        reasons=reasons,
        langs=langs,
        texts=texts,
        rng=rng,
    )
    rows.agent = np.where(rows.agent >= 0, rows.agent + first_id, -1)
    return rows, team


def _simulate_flow(
    flow: DemoFlow,
    *,
    grid: Grid,
    arr: FlowArrivals,
    plan: FlowPlan,
    team: int,
    customers: _Customers,
    reasons: list[str],
    langs: list[str],
    texts: list[str],
    rng: np.random.Generator,
) -> _Rows:
    n = arr.t_s.shape[0]
    outbound = flow.channel is Channel.VOICE_OUT
    queued = ~arr.closed
    nq = int(queued.sum())
    talk_q, hold_q, wrap_q = outcomes.handle_times(
        flow.handle, nq, rng, minimum_talk_s=10.0 if flow.live or outbound else 30.0
    )
    ring = np.zeros(nq)
    service = talk_q + hold_q + wrap_q
    if outbound:
        reached_q = arr.reached[queued]
        ring = np.where(
            reached_q,
            np.round(rng.uniform(*RING_ANSWERED_S, nq)),
            np.round(rng.uniform(*RING_MISSED_S, nq)),
        )
        service = np.where(reached_q, ring + service, ring + LOG_MISSED_S)
    if flow.live:
        patience = np.ceil(rng.exponential(flow.patience_mean_s, nq))
    else:
        patience = np.full(nq, np.inf)
    out = simulate_queue(
        arrival_s=arr.t_s[queued],
        service_s=service,
        patience_s=patience,
        agents=plan.agents,
        interval_s=float(PLAN_STEP_S),
        t0_s=0.0,
        slots_per_agent=flow.slots_per_agent,
    )

    nan = np.full(n, np.nan)
    arrived = arr.t_s.copy()
    answered, ended = nan.copy(), nan.copy()
    abandoned = arr.closed.copy()
    talk, hold, wrap = nan.copy(), nan.copy(), nan.copy()
    seat = np.full(n, -1, dtype=np.int64)
    served = np.isfinite(out.start_s)
    qi = np.flatnonzero(queued)
    abandoned[qi] = out.abandoned
    seat[qi] = out.agent
    ended[qi] = out.end_s
    if outbound:
        # The dialler calls when an agent is free: the attempt starts then; nobody waits.
        arrived[qi[served]] = out.start_s[served]
        reached = served & arr.reached[queued]
        answered[qi[reached]] = out.start_s[reached] + ring[reached]
        missed = served & ~arr.reached[queued]
        ended[qi[missed]] = out.start_s[missed] + ring[missed]
    else:
        reached = served
        answered[qi[served]] = out.start_s[served]
    talk[qi[reached]] = talk_q[reached]
    hold[qi[reached]] = hold_q[reached]
    wrap[qi[reached]] = wrap_q[reached]
    if flow.closed_message_s is not None:
        ci = np.flatnonzero(arr.closed)
        ended[ci] = arrived[ci] + np.round(rng.uniform(*flow.closed_message_s, ci.shape[0]))

    is_answered = np.isfinite(answered)
    if not flow.channel.realtime:
        hold = np.where(is_answered, 0.0, hold)
    drop_wrap = is_answered & (rng.random(n) < outcomes.MISSING_WRAP)
    wrap[drop_wrap] = np.nan
    if flow.channel is Channel.VOICE_IN:
        hold[is_answered & (rng.random(n) < outcomes.MISSING_HOLD)] = np.nan

    # Agents: seat k of the queue is a different person from day to day (rota).
    started = np.full(n, np.nan)
    started[qi] = out.start_s
    day = grid.day_index[grid.interval_of(np.nan_to_num(started))]
    person = np.where(seat >= 0, (seat + 7 * day) % team, -1)
    skill_of = rng.normal(0.0, 1.0, team)
    skill = np.where(person >= 0, skill_of[np.maximum(person, 0)], 0.0)

    # Chain attributes: customer, reason and language of the issue.
    first_t = np.zeros(arr.n_chains)
    first_t[arr.chain[arr.rank == 0]] = arr.t_s[arr.rank == 0]
    first_day = grid.days[grid.day_index[grid.interval_of(first_t)]]
    if outbound:  # lapsed customers picked by marketing, not by how often they contact us
        cust = rng.integers(0, customers.n_domestic, arr.n_chains)
    elif flow.languages[0][0] == "fr":
        cust = rng.choice(customers.n_domestic, size=arr.n_chains, p=customers.domestic_p)
    else:
        cust = rng.integers(customers.n_domestic, len(customers.ids), arr.n_chains)
    chain_reason = outcomes.reasons(flow, returns_lift=season_multipliers(first_day, "returns"), rng=rng)
    chain_lang = outcomes.languages(flow, arr.n_chains, rng)
    flow_reasons = np.array([reasons.index(r) for r, _ in flow.reasons])
    flow_langs = np.array([langs.index(lang) for lang, _ in flow.languages])

    if outbound:  # the conversation reached a conclusion (offer taken or declined)
        resolved = is_answered & (rng.random(n) < flow.fcr)
    else:
        resolved = outcomes.resolution(continues=arr.continues, answered=is_answered, rng=rng)
    known = is_answered.copy()
    wait = np.where(is_answered, answered - arrived, np.nan)
    csat, nps, surveyed = outcomes.surveys(
        flow, answered=is_answered, resolved=resolved, wait_s=wait, skill=skill, rng=rng
    )
    qa, qa_known = outcomes.qa_scores(flow, answered=is_answered, resolved=resolved, skill=skill, rng=rng)

    text = np.full(n, -1, dtype=np.int64)
    if flow.transcript_share > 0:
        chosen = np.flatnonzero(is_answered & (rng.random(n) < flow.transcript_share))
        for i in chosen.tolist():
            text[i] = len(texts)
            texts.append(transcript(flow.channel, flow.reasons[chain_reason[arr.chain[i]]][0], rng))

    keep = np.ones(n, dtype=bool)
    if outbound:
        keep[qi[~served]] = False  # never dialled before the end of the period
    rows = _Rows(
        arrived=arrived,
        answered=answered,
        ended=ended,
        abandoned=abandoned,
        talk=talk,
        hold=hold,
        wrap=wrap,
        agent=person,
        customer=cust[arr.chain],
        reason=flow_reasons[chain_reason[arr.chain]],
        language=flow_langs[chain_lang[arr.chain]],
        resolved=resolved,
        resolved_known=known,
        csat=csat,
        nps=nps,
        surveyed=surveyed,
        qa=qa,
        qa_known=qa_known,
        transcript=text,
    )
    if not keep.all():
        for name in rows.__slots__:
            setattr(rows, name, getattr(rows, name)[keep])
    return rows


def _timestamps(seconds: FloatArray, grid: Grid) -> pa.Array:
    missing = ~np.isfinite(seconds)
    micros = (np.nan_to_num(seconds).astype(np.int64) + grid.t0_epoch_s) * 1_000_000
    return pa.array(micros, type=TS, mask=missing)


def _take(values: pa.Array | list[str], idx: IntArray) -> pa.Array:
    source = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
    return source.take(pa.array(idx, type=pa.int64(), mask=idx < 0))


def _assemble(
    parts: list[tuple[DemoFlow, _Rows]],
    *,
    grid: Grid,
    customers: _Customers,
    reasons: list[str],
    langs: list[str],
    texts: list[str],
    agent_ids: list[str],
    sites: Mapping[str, Site] = SITES,
) -> pa.Table:
    """The canonical table of the flows' rows, sorted by arrival; ``sites`` holds the site of
    every flow (its contact-id format)."""

    def cat(name: str) -> Any:
        return np.concatenate([getattr(r, name) for _, r in parts])

    flow_idx = np.concatenate([np.full(r.arrived.shape[0], i) for i, (_, r) in enumerate(parts)])
    arrived = cat("arrived")
    order = np.lexsort((flow_idx, arrived))
    flow_idx = flow_idx[order]

    def col(name: str) -> Any:
        return cat(name)[order]

    flows = [f for f, _ in parts]
    site_names = sorted(sites)
    site_of_flow = np.array([site_names.index(f.site) for f in flows])
    site_idx = site_of_flow[flow_idx]
    local_year = (
        grid.local_day[grid.interval_of(arrived[order])]
        .astype("datetime64[D]")
        .astype("datetime64[Y]")
        .astype(np.int64)
        + 1970
    )
    contact_ids = _contact_ids(site_idx, local_year, site_names, sites)
    csat, nps = col("csat"), col("nps")
    surveyed = col("surveyed")
    qa_known = col("qa_known")
    columns = {
        "contact_id": pa.array(contact_ids, type=pa.string()),
        "flow": _take([f.id for f in flows], flow_idx),
        "channel": _take([f.channel.value for f in flows], flow_idx),
        "site": _take(site_names, site_idx),
        "arrived_at": _timestamps(arrived[order], grid),
        "answered_at": _timestamps(col("answered"), grid),
        "ended_at": _timestamps(col("ended"), grid),
        "abandoned": pa.array(col("abandoned"), type=pa.bool_()),
        "talk_s": _floats(col("talk")),
        "hold_s": _floats(col("hold")),
        "wrap_s": _floats(col("wrap")),
        "language": _take(langs, col("language")),
        "agent_id": _take(agent_ids, col("agent")),
        "customer_id": _take(customers.ids, col("customer")),
        "reason": _take(reasons, col("reason")),
        "resolved": pa.array(col("resolved"), type=pa.bool_(), mask=~col("resolved_known")),
        "csat": pa.array(csat.astype(np.int8), type=pa.int8(), mask=~surveyed),
        "nps": pa.array(nps.astype(np.int8), type=pa.int8(), mask=~surveyed),
        "qa_score": pa.array(col("qa"), type=pa.float64(), mask=~qa_known),
        "transcript": _take(texts, col("transcript")),
    }
    return pa.Table.from_pydict(columns, schema=INTERACTIONS_SCHEMA)


def _floats(x: FloatArray) -> pa.Array:
    return pa.array(x, type=pa.float64(), mask=np.isnan(x))


def _contact_ids(
    site_idx: IntArray, year: IntArray, site_names: list[str], sites: Mapping[str, Site]
) -> list[str]:
    """Sequential ids per site and year, in arrival order (``AZ-2025-0000001``)."""
    out: list[str] = [""] * site_idx.shape[0]
    for s, name in enumerate(site_names):
        fmt = sites[name].contact_format
        for y in np.unique(year[site_idx == s]).tolist():
            rows = np.flatnonzero((site_idx == s) & (year == y))
            for seq, i in enumerate(rows.tolist(), start=1):
                out[i] = fmt.format(year=y, seq=seq)
    return out


def _staffing(plans: list[tuple[DemoFlow, FlowPlan]], grid: Grid) -> pa.Table:
    n = plans[0][1].agents.shape[0] if plans else 0
    starts = (grid.t0_epoch_s + PLAN_STEP_S * np.arange(n, dtype=np.int64)) * 1_000_000
    return pa.Table.from_pydict(
        {
            "flow": pa.array(np.repeat([f.id for f, _ in plans], n).tolist(), type=pa.string()),
            "site": pa.array(np.repeat([f.site for f, _ in plans], n).tolist(), type=pa.string()),
            "interval_start": pa.array(np.tile(starts, len(plans)), type=TS),
            "agents": pa.array(
                np.concatenate([p.agents for _, p in plans]).astype(np.int32), type=pa.int32()
            ),
        },
        schema=STAFFING_SCHEMA,
    )


__all__ = [
    "INTERACTIONS_SCHEMA",
    "STAFFING_SCHEMA",
    "DemoHistory",
    "expected_contacts",
    "generate_history",
]
