"""The fit of each flow: patience, agents seen, and Erlang C, Erlang A and the simulator against
the KPIs observed, interval by interval.

`fit_flows` is the pure core of `arbitre fit`: arrays of contacts and the KPI engine's values
per flow and interval in, typed results out (docs/model-fit.md walks through it).

When a flow was open: in its opening hours when they are known (a workspace's settings), and in
an interval where its agents (those of its pool, `agents.pools`) answered at least one caller. A
caller who hangs up on the closed
message — after hours, on a public holiday, in the half hour after closing while the agents
finish their calls — says nothing of how long people wait for an agent, and takes no agent's
time.

Which contacts tell of patience: those of a queued flow that arrived while it was open and
agents were seen on its pool (when the records name agents), with a known wait, short abandons
left out when the KPI rules exclude them.

Which intervals are compared: those where the flow was open, with real contacts (offered less
short abandons) and agents seen on its pool. Each model is given the interval's real contacts, its handle time (the KPI
engine's AHT of the interval when at least `MIN_AHT_CONTACTS` contacts were answered in it, the
flow's mean otherwise), the agents seen, the flow's service-level threshold and — Erlang A and the
simulation — the patience fitted here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.fit.accuracy import best, weighted_errors
from arbitre.fit.agents import DEFAULT_GAP_S, AgentsSeen, Grid, Waiting, agents_seen, pools
from arbitre.fit.patience import ExponentialFit, SurvivalCurve, exponential_patience, kaplan_meier
from arbitre.fit.predict import ERLANG_A, ERLANG_C, MODELS, SIMULATION, Prediction, erlang_prediction
from arbitre.fit.replay import replay
from arbitre.fit.results import (
    AgentsSummary,
    BandPatience,
    FlowFit,
    KaplanMeier,
    SurvivalPoint,
)

MIN_AHT_CONTACTS = 10
"""Answered contacts an interval needs for its own AHT to be used (else the flow's mean)."""

MIN_BAND_ABANDONS = 30
"""Abandons an hour band needs for its own patience estimate (its 95 % interval is then within
about ±40 % of the estimate)."""

CURVE_POINTS = 121


@dataclass(frozen=True, slots=True)
class FlowSpec:
    """A flow as the fit needs it: ``queued`` flows (voice, chat) are fitted; the others only
    share their agents' time (`arbitre.fit.agents`)."""

    name: str
    channel: str
    queued: bool
    threshold_s: float
    concurrency: int = 1


@dataclass(frozen=True, slots=True)
class Contacts:
    """One entry per contact; ``flow`` indexes the `FlowSpec` list, ``band`` the band names.

    Times are epoch seconds; ``wait_s`` is the KPI engine's wait (to the answer, or to the
    hang-up), NaN when unknown; ``handle_s`` is talk + hold + wrap of an answered contact, NaN
    when unknown; ``agent`` is a code ≥ 0, or -1 when the export names none.
    """

    flow: IntArray
    arrival_s: FloatArray
    wait_s: FloatArray
    abandoned: BoolArray
    answered: BoolArray
    handle_s: FloatArray
    agent: IntArray
    band: IntArray
    open_: BoolArray


@dataclass(frozen=True, slots=True)
class Observed:
    """The KPI engine's values per flow and interval (NaN where the engine gives none).

    ``volume``: real contacts, offered less short abandons when the rules exclude them — the
    denominator of the service level and the abandon rate; ``answered``: answered contacts;
    ``open_``: the interval starts within the flow's opening hours (all true when not known).
    """

    flow: IntArray
    interval_start_s: IntArray
    volume: FloatArray
    answered: FloatArray
    service_level: FloatArray
    abandon_rate: FloatArray
    asa_s: FloatArray
    aht_s: FloatArray
    open_: BoolArray


@dataclass(frozen=True, slots=True)
class FitOptions:
    """The rules of the fit: the interval, the KPI rules' short abandons, the sessions' gap,
    the simulation's replications (0: no simulation) and the confidence level of the intervals."""

    interval_s: float
    short_abandon_s: float = 5.0
    exclude_short: bool = True
    gap_s: float = DEFAULT_GAP_S
    replications: int = 5
    confidence: float = 0.95


@dataclass(frozen=True, slots=True)
class IntervalTable:
    """Predicted against observed, one entry per flow and interval compared."""

    flow: list[str]
    interval_start_s: IntArray
    volume: FloatArray
    agents: FloatArray
    aht_s: FloatArray
    observed: Prediction
    predicted: dict[str, Prediction]


@dataclass(frozen=True, slots=True)
class FlowFits:
    """What `fit_flows` returns: the results per flow, and the intervals behind the errors."""

    flows: list[FlowFit]
    intervals: IntervalTable
    agents: AgentsSeen
    grid: Grid


def grid_of(contacts: Contacts, observed: Observed, *, interval_s: float) -> Grid:
    """The intervals covering every arrival and every handling, aligned on the KPI engine's."""
    if observed.interval_start_s.size == 0:
        return Grid(0.0, interval_s, 0)
    t0 = float(observed.interval_start_s.min())
    served_end = contacts.arrival_s + np.nan_to_num(contacts.wait_s) + np.nan_to_num(contacts.handle_s)
    last = max(float(observed.interval_start_s.max()) + interval_s, float(served_end.max(initial=t0)))
    return Grid(t0, interval_s, int(np.ceil((last - t0) / interval_s)) + 1)


def fit_flows(
    contacts: Contacts,
    observed: Observed,
    *,
    flows: list[FlowSpec],
    bands: list[str],
    options: FitOptions,
    rng: np.random.Generator,
) -> FlowFits:
    """Fit every queued flow of ``flows`` (module docstring); flows without a queue only lend
    their agents' busy time to the inference of who was on duty.

    Flows whose agents serve them together (`agents.pools`: same channel, threshold and
    concurrency) are modelled as one queue: the models see the pool's contacts and agents, and
    each flow is compared with its own KPIs. The simulation of the pool whose first flow is
    ``k`` draws from ``rng.spawn(len(flows))[k]``: a pool's result does not depend on the others.
    """
    grid = grid_of(contacts, observed, interval_s=options.interval_s)
    seen = _agents(contacts, grid, flows=flows, gap_s=options.gap_s)
    n = len(flows)
    present = np.bincount(contacts.flow, minlength=n) > 0
    named = np.bincount(contacts.flow, weights=contacts.agent >= 0, minlength=n) > 0
    keys: list[object | None] = [
        (spec.channel, spec.threshold_s, spec.concurrency) if spec.queued and named[k] else None
        for k, spec in enumerate(flows)
    ]
    pool_of = pools(seen.shared_s, key=keys)
    dense = _Dense.of(observed, grid, n_flows=n, answers=_answers(contacts, grid, pool_of))
    samples = [
        _sample(k, contacts, seen.agents[pool_of == pool_of[k]].sum(axis=0), dense, grid, bands, options)
        if spec.queued and present[k]
        else None
        for k, spec in enumerate(flows)
    ]
    streams = rng.spawn(len(flows))
    results: list[FlowFit] = []
    tables: list[IntervalTable] = []
    for p in sorted({int(pool_of[k]) for k, sample in enumerate(samples) if sample is not None}):
        members = [k for k, sample in enumerate(samples) if sample is not None and pool_of[k] == p]
        fitted = _fit_pool(members, flows, samples, contacts, dense, seen, grid, options, streams[p])
        for k in members:
            sample = samples[k]
            assert sample is not None
            fit, table = _flow_result(k, flows, members, sample, fitted, dense, seen, grid, bands)
            results.append(fit)
            tables.append(table)
    return FlowFits(flows=results, intervals=_stack(tables), agents=seen, grid=grid)


@dataclass(frozen=True, slots=True)
class _Dense:
    """The KPI engine's values on the grid, shape (flows, intervals), NaN (volume 0) elsewhere;
    ``open_``: the flow was open — in its opening hours, and its pool's agents answered someone
    in the interval — and ``volume`` is 0 where it was not."""

    open_: BoolArray
    volume: FloatArray
    answered: FloatArray
    service_level: FloatArray
    abandon_rate: FloatArray
    asa_s: FloatArray
    aht_s: FloatArray

    @staticmethod
    def of(observed: Observed, grid: Grid, *, n_flows: int, answers: FloatArray) -> _Dense:
        j = grid.index(observed.interval_start_s.astype(np.float64))

        def dense(values: FloatArray, fill: float) -> FloatArray:
            out = np.full((n_flows, grid.n), fill)
            out[observed.flow, j] = values
            return out

        answered = dense(observed.answered, 0.0)
        open_ = np.zeros((n_flows, grid.n), dtype=bool)
        open_[observed.flow, j] = observed.open_
        open_ &= answers > 0
        return _Dense(
            open_=open_,
            volume=np.where(open_, dense(observed.volume, 0.0), 0.0),
            answered=answered,
            service_level=dense(observed.service_level, np.nan),
            abandon_rate=dense(observed.abandon_rate, np.nan),
            asa_s=dense(observed.asa_s, np.nan),
            aht_s=dense(observed.aht_s, np.nan),
        )


@dataclass(frozen=True, slots=True)
class _Sample:
    """One queued flow's contacts (``mine``), its real ones, the patience sample and its fits."""

    mine: BoolArray
    real: BoolArray  # over mine: arrived while open, not a short abandon (when the rules exclude them)
    sample: BoolArray  # over mine: in the patience sample
    short: int
    overall: ExponentialFit
    by_band: ExponentialFit
    curve: SurvivalCurve | None
    aht_s: float | None
    has_agents: bool
    from_s: float
    top_s: float  # the 99.5th percentile of the sample's waits: where the curve is drawn to

    @property
    def patience_s(self) -> float | None:
        return _finite(self.overall.mean_s[0])


@dataclass(frozen=True, slots=True)
class _PoolFit:
    """A pool's model inputs and predictions on the grid."""

    agents: FloatArray
    aht_s: FloatArray
    patience_s: float | None
    predicted: dict[str, list[Prediction]]  # model → per member (Erlang: the pool's, shared)


def _agents(contacts: Contacts, grid: Grid, *, flows: list[FlowSpec], gap_s: float) -> AgentsSeen:
    named = (contacts.agent >= 0) & contacts.answered & np.isfinite(contacts.wait_s)
    start = contacts.arrival_s[named] + contacts.wait_s[named]
    end = start + np.nan_to_num(contacts.handle_s[named])
    queued = np.array([f.queued for f in flows], dtype=bool)[contacts.flow]
    waited = queued & np.isfinite(contacts.wait_s) & (contacts.wait_s > 0.0)
    return agents_seen(
        agent=contacts.agent[named],
        flow=contacts.flow[named],
        start_s=start,
        end_s=end,
        grid=grid,
        n_flows=len(flows),
        gap_s=gap_s,
        waiting=Waiting(
            flow=contacts.flow[waited],
            start_s=contacts.arrival_s[waited],
            end_s=contacts.arrival_s[waited] + contacts.wait_s[waited],
        ),
    )


def _answers(contacts: Contacts, grid: Grid, pool_of: IntArray) -> FloatArray:
    """Contacts whose answer fell in each interval, counted for every flow of the pool that
    answered them, shape (flows, intervals)."""
    answered = contacts.answered & np.isfinite(contacts.wait_s)
    j = grid.index(contacts.arrival_s[answered] + contacts.wait_s[answered])
    inside = (j >= 0) & (j < grid.n)
    pool = pool_of[contacts.flow[answered][inside]]
    per_pool = np.bincount(pool * grid.n + j[inside], minlength=pool_of.size * grid.n).reshape(
        pool_of.size, grid.n
    )
    return np.asarray(per_pool[pool_of], dtype=np.float64)


def _sample(
    k: int,
    contacts: Contacts,
    pool_agents: FloatArray,
    dense: _Dense,
    grid: Grid,
    bands: list[str],
    options: FitOptions,
) -> _Sample | None:
    mine = contacts.flow == k
    if not np.any(mine):
        return None
    has_agents = bool(np.any(contacts.agent[mine] >= 0))
    wait = contacts.wait_s[mine]
    abandoned = contacts.abandoned[mine]
    known = np.isfinite(wait) & (wait >= 0.0)
    short = (
        abandoned & known & (wait < options.short_abandon_s)
        if options.exclude_short
        else np.zeros(wait.shape, dtype=bool)
    )
    j = np.clip(grid.index(contacts.arrival_s[mine]), 0, grid.n - 1)
    open_ = contacts.open_[mine] & dense.open_[k][j]
    if has_agents:
        open_ &= pool_agents[j] > 0.0
    sample = known & ~short & open_
    from_s = options.short_abandon_s if options.exclude_short else 0.0
    ws, ab = wait[sample], abandoned[sample]
    handle = contacts.handle_s[mine]
    handled = contacts.answered[mine] & np.isfinite(handle)
    return _Sample(
        mine=mine,
        real=~short & open_,
        sample=sample,
        short=int((short & open_).sum()),
        overall=exponential_patience(ws, ab, from_s=from_s, confidence=options.confidence),
        by_band=exponential_patience(
            ws,
            ab,
            group=contacts.band[mine][sample],
            n_groups=len(bands),
            from_s=from_s,
            confidence=options.confidence,
        ),
        curve=kaplan_meier(ws, ab, from_s=from_s, confidence=options.confidence) if ws.size else None,
        aht_s=float(handle[handled].mean()) if np.any(handled) else None,
        has_agents=has_agents,
        from_s=from_s,
        top_s=float(np.quantile(ws, 0.995)) if ws.size else 0.0,
    )


def _fit_pool(
    members: list[int],
    flows: list[FlowSpec],
    samples: list[_Sample | None],
    contacts: Contacts,
    dense: _Dense,
    seen: AgentsSeen,
    grid: Grid,
    options: FitOptions,
    rng: np.random.Generator,
) -> _PoolFit:
    """Erlang C, Erlang A and the replay of one pool of flows, on the whole grid."""
    mine = [s for s in (samples[k] for k in members) if s is not None]
    spec = flows[members[0]]
    # A caller answered in an interval means at least one agent was on duty through some of it;
    # the sessions miss an agent's wait for the first call, which matters most at low traffic.
    answering = dense.open_[members].any(axis=0)
    agents = seen.agents[members].sum(axis=0)
    agents = np.where(answering & (agents > 0.0), np.maximum(agents, 1.0), agents)
    volume = dense.volume[members].sum(axis=0)
    answered = dense.answered[members].sum(axis=0)
    handled_mean = _pooled_aht(mine, contacts)
    with np.errstate(invalid="ignore", divide="ignore"):
        weights = np.where(np.isfinite(dense.aht_s[members]), dense.answered[members], 0.0)
        interval_aht = np.nansum(np.nan_to_num(dense.aht_s[members]) * weights, axis=0) / weights.sum(axis=0)
    aht = np.where((answered >= MIN_AHT_CONTACTS) & np.isfinite(interval_aht), interval_aht, np.nan)
    if handled_mean is not None:
        aht = np.where(np.isfinite(aht), aht, handled_mean)
    active = (volume > 0) & (agents > 0) & np.isfinite(aht)
    # Erlang A knows one patience per queue: the pool's, from every member's sample.
    waits = np.concatenate([contacts.wait_s[s.mine][s.sample] for s in mine])
    gave_up = np.concatenate([contacts.abandoned[s.mine][s.sample] for s in mine])
    pooled = _finite(exponential_patience(waits, gave_up, from_s=mine[0].from_s).mean_s[0])
    predicted: dict[str, list[Prediction]] = {}
    if np.any(active) and handled_mean is not None:
        erlang = [(ERLANG_C, None)] + ([(ERLANG_A, pooled)] if pooled is not None else [])
        for name, patience in erlang:
            p = erlang_prediction(
                volume=volume[active],
                interval_s=grid.interval_s,
                aht_s=aht[active],
                agents=agents[active],
                threshold_s=spec.threshold_s,
                patience_s=patience,
                concurrency=spec.concurrency,
            )
            full = Prediction(
                name,
                *(_on_grid(x, active, grid.n) for x in (p.service_level, p.abandon_rate, p.asa_s)),
            )
            predicted[name] = [full] * len(members)
    if np.any(active) and handled_mean is not None and options.replications > 0:
        group = np.concatenate([np.full(int(s.mine.sum()), i) for i, s in enumerate(mine)])
        keep = np.concatenate([s.real for s in mine])
        every = np.concatenate([np.flatnonzero(s.mine) for s in mine])
        predicted[SIMULATION] = replay(
            arrival_s=contacts.arrival_s[every][keep],
            group=group[keep],
            handle_s=contacts.handle_s[every][keep],
            answered=contacts.answered[every][keep],
            agents=agents,
            grid=grid,
            threshold_s=spec.threshold_s,
            patience=[s.curve for s in mine],
            tail_mean_s=[s.patience_s for s in mine],
            rng=rng,
            replications=options.replications,
            concurrency=spec.concurrency,
        )
    return _PoolFit(agents=agents, aht_s=aht, patience_s=pooled, predicted=predicted)


def _flow_result(
    k: int,
    flows: list[FlowSpec],
    members: list[int],
    sample: _Sample,
    pool: _PoolFit,
    dense: _Dense,
    seen: AgentsSeen,
    grid: Grid,
    bands: list[str],
) -> tuple[FlowFit, IntervalTable]:
    spec = flows[k]
    i = members.index(k)
    compared = dense.open_[k] & (dense.volume[k] > 0) & (pool.agents > 0) & np.isfinite(pool.aht_s)
    compared &= sample.has_agents
    j = np.flatnonzero(compared)
    volume = dense.volume[k][j]
    obs = Prediction("observed", dense.service_level[k][j], dense.abandon_rate[k][j], dense.asa_s[k][j])
    predicted = {
        name: Prediction(name, p[i].service_level[j], p[i].abandon_rate[j], p[i].asa_s[j])
        for name, p in pool.predicted.items()
    }
    errors = [
        weighted_errors(
            name,  # type: ignore[arg-type]
            weight=volume,
            predicted=(p.service_level, p.abandon_rate, p.asa_s),
            observed=(obs.service_level, obs.abandon_rate, obs.asa_s),
        )
        for name, p in predicted.items()
    ]
    winner = best(errors)
    overall, by_band = sample.overall, sample.by_band
    fit = FlowFit(
        flow=spec.name,
        channel=spec.channel,
        queued=int(sample.sample.sum()),
        abandoned=int(overall.abandons[0]),
        short_abandoned=sample.short,
        patience_mle_s=sample.patience_s,
        patience_ci_s=_pair(overall, 0),
        patience_from_s=sample.from_s,
        patience_by_band=[
            BandPatience(
                band=name,
                queued=int(by_band.contacts[b]),
                abandoned=int(by_band.abandons[b]),
                patience_mle_s=_finite(by_band.mean_s[b])
                if by_band.abandons[b] >= MIN_BAND_ABANDONS
                else None,
                patience_ci_s=_pair(by_band, b) if by_band.abandons[b] >= MIN_BAND_ABANDONS else None,
            )
            for b, name in enumerate(bands)
            if by_band.contacts[b] > 0
        ],
        kaplan_meier=_km(sample.curve, sample.top_s),
        aht_s=sample.aht_s,
        threshold_s=spec.threshold_s,
        concurrency=spec.concurrency,
        pool=[flows[m].name for m in members],
        model_patience_s=pool.patience_s,
        agents=_summary(seen, k, members, grid, spec.concurrency) if sample.has_agents else None,
        models=errors,
        best_model=None if winner is None else winner.model,
    )
    table = IntervalTable(
        flow=[spec.name] * j.size,
        interval_start_s=grid.start(j).astype(np.int64),
        volume=volume,
        agents=pool.agents[j],
        aht_s=pool.aht_s[j],
        observed=obs,
        predicted=predicted,
    )
    return fit, table


def _pooled_aht(mine: list[_Sample], contacts: Contacts) -> float | None:
    total = sum((s.aht_s or 0.0) * _handled(s, contacts) for s in mine)
    count = sum(_handled(s, contacts) for s in mine)
    return total / count if count else None


def _handled(s: _Sample, contacts: Contacts) -> int:
    return int((contacts.answered[s.mine] & np.isfinite(contacts.handle_s[s.mine])).sum())


def _on_grid(values: FloatArray, where: BoolArray, n: int) -> FloatArray:
    out = np.full(n, np.nan)
    out[where] = values
    return out


def _summary(seen: AgentsSeen, k: int, members: list[int], grid: Grid, concurrency: int) -> AgentsSummary:
    """The flow's own agents seen (its share of the pool's) and the pool's occupancy."""
    mine = seen.agents[k]
    staffed = mine > 0.0
    pool_agents = seen.agents[members].sum(axis=0)
    on_duty = float(pool_agents[staffed].sum())
    busy = float(seen.busy_s[members][:, staffed].sum())
    return AgentsSummary(
        intervals_staffed=int(staffed.sum()),
        mean_agents=float(mine[staffed].mean()) if np.any(staffed) else 0.0,
        peak_agents=float(mine.max(initial=0.0)),
        pool_mean_agents=float(pool_agents[staffed].mean()) if np.any(staffed) else 0.0,
        occupancy=busy / (on_duty * grid.interval_s * concurrency) if on_duty > 0 else None,
    )


def _km(curve: SurvivalCurve | None, top_s: float) -> KaplanMeier | None:
    if curve is None:
        return None
    top = max(min(top_s, curve.horizon_s), 1.0)
    t = np.linspace(0.0, top, CURVE_POINTS)
    s = curve.at(t)
    low, high = curve.band_at(t)
    return KaplanMeier(
        median_s=curve.median_s,
        restricted_mean_s=curve.restricted_mean_s,
        horizon_s=curve.horizon_s,
        curve=[
            SurvivalPoint(time_s=float(a), survival=float(b), ci_low=float(c), ci_high=float(d))
            for a, b, c, d in zip(t, s, low, high, strict=True)
        ],
    )


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _pair(fit: ExponentialFit, b: int) -> tuple[float, float] | None:
    if not (np.isfinite(fit.ci_low_s[b]) and np.isfinite(fit.ci_high_s[b])):
        return None
    return float(fit.ci_low_s[b]), float(fit.ci_high_s[b])


def _stack(tables: list[IntervalTable]) -> IntervalTable:
    def cat(values: list[FloatArray]) -> FloatArray:
        return np.concatenate(values) if values else np.zeros(0)

    def cat_prediction(name: str, parts: list[Prediction | None], sizes: list[int]) -> Prediction:
        filled = [
            p if p is not None else Prediction(name, *(np.full(n, np.nan) for _ in range(3)))
            for p, n in zip(parts, sizes, strict=True)
        ]
        return Prediction(
            model=name,
            service_level=cat([p.service_level for p in filled]),
            abandon_rate=cat([p.abandon_rate for p in filled]),
            asa_s=cat([p.asa_s for p in filled]),
        )

    sizes = [t.volume.size for t in tables]
    names = sorted({m for t in tables for m in t.predicted}, key=MODELS.index)
    return IntervalTable(
        flow=[f for t in tables for f in t.flow],
        interval_start_s=np.concatenate([t.interval_start_s for t in tables])
        if tables
        else np.zeros(0, dtype=np.int64),
        volume=cat([t.volume for t in tables]),
        agents=cat([t.agents for t in tables]),
        aht_s=cat([t.aht_s for t in tables]),
        observed=cat_prediction("observed", [t.observed for t in tables], sizes),
        predicted={m: cat_prediction(m, [t.predicted.get(m) for t in tables], sizes) for m in names},
    )
