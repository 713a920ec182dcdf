"""Model-fit service: a workspace's store or an interaction file → the fit of each queued flow.

Gather (the store, or a file validated as an import would; the KPI engine's values per flow and
interval; each contact's wait, handle time, agent and hour band) → the pure core
(`arbitre.fit.flows.fit_flows`) → a `FitRun`: the typed result and the intervals behind it.
docs/model-fit.md says what is estimated and how.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arbitre.domain.channels import Channel
from arbitre.domain.hours import MINUTES_PER_WEEK
from arbitre.domain.kpis import KpiRules
from arbitre.domain.settings import HourBands, WorkspaceSettings
from arbitre.domain.targets import CHANNEL_DEFAULTS
from arbitre.errors import InputError, RejectedRows
from arbitre.fit.flows import Contacts, FitOptions, FlowFits, FlowSpec, Observed, fit_flows
from arbitre.fit.planning import PlanningPatience, planning_patience
from arbitre.fit.results import FitResult, SkippedFlow
from arbitre.ingest.mapping import IDENTITY, Mapping
from arbitre.kpi.buckets import format_interval, minute_of_week_sql, seconds_between_sql
from arbitre.kpi.engine import compute_kpis_table
from arbitre.services.imports import load
from arbitre.services.kpis import check_zone
from arbitre.store.interactions import InteractionStore, bounded_connection, connect
from arbitre.store.workspace import Workspace

DEFAULT_TZ = "Europe/Paris"
DEFAULT_INTERVAL_MIN = 30
DEFAULT_SEED = 7
DEFAULT_REPLICATIONS = 5
QUEUED = (Channel.VOICE_IN, Channel.CHAT)
BANDS = ("day", "evening", "night", "weekend")


@dataclass(frozen=True, slots=True)
class FitRun:
    """A fit as the command and the report use it: the result, and per flow and interval the
    observed KPIs beside each model's predictions (``intervals``, one row per interval compared)."""

    result: FitResult
    intervals: pa.Table


def fit(
    source: Path | str,
    *,
    mapping: Mapping | None = None,
    tz: str | None = None,
    seed: int = DEFAULT_SEED,
    replications: int = DEFAULT_REPLICATIONS,
    rules: KpiRules | None = None,
    last: date | None = None,
) -> FitRun:
    """Fit the staffing models of every queued flow (voice, chat) of a workspace or a file.

    A file is read with ``mapping`` and validated as an import would (every bad row named,
    nothing fitted on a bad file). The time zone defaults to the workspace's, else the mapping's
    source time zone, else Europe/Paris; the interval to the workspace's, else 30 minutes; the
    KPI rules to the spec's defaults (the short-abandon rule decides which abandons count).
    The simulation draws from ``seed``: the same seed gives the same result; ``replications`` 0
    leaves it out. ``last`` (a workspace only) fits on the contacts arriving up to that local day:
    a decision made on a history up to a day reads the same fit whatever was imported since.
    """
    path = Path(source)
    if replications < 0:
        raise InputError(field="--replications", expected="a whole number ≥ 0", got=replications)
    if Workspace.is_workspace(path):
        ws = Workspace.open(path)
        try:
            settings = ws.settings
            zone = check_zone(tz or settings.timezone)
            con = connect(zone)
            try:
                con.execute(
                    f"CREATE TEMP VIEW fit_rows AS SELECT {_COLUMNS} "
                    f"FROM {_source(ws, zone, last)} WHERE {_WANTED}"
                )
                return _run(
                    con,
                    settings=settings,
                    label=settings.name,
                    tz=zone,
                    seed=seed,
                    replications=replications,
                    rules=rules,
                )
            finally:
                con.close()
        finally:
            ws.close()
    if not path.exists():
        raise InputError("no such file or workspace", file=str(path))
    zone = check_zone(tz or (mapping.source.timezone if mapping else None) or DEFAULT_TZ)
    # A file: only the columns the fit reads are read and checked, in bounded memory (issue 11).
    with bounded_connection(zone) as con:
        _, checked = load(path, mapping or IDENTITY, con, columns=_READ)
        if checked.errors:
            raise RejectedRows(str(path), checked.errors, rows=checked.rows_read)
        con.execute(f"CREATE TEMP VIEW fit_rows AS SELECT {_COLUMNS} FROM clean WHERE {_WANTED}")
        return _run(
            con, settings=None, label=path.name, tz=zone, seed=seed, replications=replications, rules=rules
        )


def _source(ws: Workspace, tz: str, last: date | None) -> str:
    store = InteractionStore(ws)
    return store.source_sql() if last is None else store.window_sql(tz=tz, last=last)


# What the fit reads: when and how each contact was handled, and by whom.
_COLUMNS = "flow, channel, arrived_at, answered_at, ended_at, abandoned, talk_s, hold_s, wrap_s, agent_id"
_READ = frozenset(c.strip() for c in _COLUMNS.split(","))
# The KPI engine's other columns, absent here: the waiting KPIs do not read them.
_NOT_READ = ", ".join(
    f"CAST(NULL AS {kind}) AS {name}"
    for name, kind in (
        ("customer_id", "VARCHAR"),
        ("resolved", "BOOLEAN"),
        ("csat", "TINYINT"),
        ("nps", "TINYINT"),
        ("qa_score", "DOUBLE"),
    )
)
# Queued contacts, and every answered contact with an agent (their agents' time counts too).
_WANTED = (
    f"channel IN ({', '.join(repr(c.value) for c in QUEUED)}) "
    "OR (agent_id IS NOT NULL AND NOT abandoned AND answered_at IS NOT NULL)"
)


def _run(
    con: duckdb.DuckDBPyConnection,
    *,
    settings: WorkspaceSettings | None,
    label: str,
    tz: str,
    seed: int,
    replications: int,
    rules: KpiRules | None,
) -> FitRun:
    interval_min = settings.interval_min if settings else DEFAULT_INTERVAL_MIN
    rules = (rules or KpiRules()).model_copy(update={"interval_min": interval_min})
    bands = settings.hour_bands if settings else HourBands()
    specs = _flow_specs(con, settings, rules)
    index = {s.name: k for k, s in enumerate(specs)}
    hours = _opening_masks(specs, settings)
    contacts = _contacts(con, tz=tz, index=index, bands=bands, hours=hours)
    observed = _observed(con, tz=tz, rules=rules, index=index, hours=hours)
    options = FitOptions(
        interval_s=interval_min * 60.0,
        short_abandon_s=rules.short_abandon_s,
        exclude_short=rules.short_abandons == "exclude",
        replications=replications,
    )
    fits = fit_flows(
        contacts,
        observed,
        flows=specs,
        bands=list(BANDS),
        options=options,
        rng=np.random.default_rng(seed),
    )
    fitted = {f.flow for f in fits.flows}
    skipped = [
        SkippedFlow(flow=s.name, channel=s.channel, reason=_why_skipped(s))
        for s in specs
        if s.name not in fitted
    ]
    arrivals = contacts.arrival_s[np.isin(contacts.flow, [index[f] for f in fitted])]
    zone = ZoneInfo(tz)
    period = (
        (
            datetime.fromtimestamp(float(arrivals.min()), zone).date().isoformat(),
            datetime.fromtimestamp(float(arrivals.max()), zone).date().isoformat(),
        )
        if arrivals.size
        else (None, None)
    )
    result = FitResult(
        source=label,
        timezone=tz,
        interval_min=interval_min,
        period_start=period[0],
        period_end=period[1],
        short_abandon_s=rules.short_abandon_s,
        short_abandons=rules.short_abandons,
        confidence=options.confidence,
        gap_s=options.gap_s,
        replications=replications,
        seed=seed,
        flows=sorted(fits.flows, key=lambda f: f.flow),
        skipped=sorted(skipped, key=lambda s: s.flow),
    )
    return FitRun(result=result, intervals=_interval_table(fits, tz))


def _why_skipped(spec: FlowSpec) -> Literal["no_queue", "no_contact"]:
    return "no_contact" if spec.queued else "no_queue"


def _flow_specs(
    con: duckdb.DuckDBPyConnection, settings: WorkspaceSettings | None, rules: KpiRules
) -> list[FlowSpec]:
    """One spec per flow: its channel (the settings', else its most frequent), threshold and
    chat concurrency (the flow's staffing targets)."""
    rows = con.sql(
        "SELECT flow, channel, count(*) AS n FROM fit_rows GROUP BY ALL ORDER BY flow, n DESC, channel"
    ).fetchall()
    seen: dict[str, Channel] = {}
    for flow, channel, _ in rows:
        seen.setdefault(str(flow), Channel(channel))
    specs = []
    for flow, channel in seen.items():
        configured = settings.flows[flow].channel if settings and flow in settings.flows else None
        ch = configured or channel
        queued = ch in QUEUED
        concurrency = 1
        if ch is Channel.CHAT:
            targets = settings.targets_of(flow, ch) if settings else CHANNEL_DEFAULTS[ch]
            concurrency = targets.concurrency or 1
        threshold = rules.threshold(ch) if queued else None
        specs.append(
            FlowSpec(
                name=flow,
                channel=ch.value,
                queued=queued,
                threshold_s=float(threshold) if threshold is not None else math.nan,
                concurrency=concurrency,
            )
        )
    return specs


def _opening_masks(specs: list[FlowSpec], settings: WorkspaceSettings | None) -> np.ndarray:
    """Per flow, which minutes of the week it is open: its opening hours in the workspace's
    settings (every minute for a file, whose opening hours are not known)."""
    masks = np.ones((len(specs), MINUTES_PER_WEEK), dtype=bool)
    if settings is not None:
        for k, spec in enumerate(specs):
            masks[k] = settings.hours_of(spec.name).minute_mask()
    return masks


def _contacts(
    con: duckdb.DuckDBPyConnection, *, tz: str, index: dict[str, int], bands: HourBands, hours: np.ndarray
) -> Contacts:
    table = con.sql(
        f"""
        SELECT flow,
               epoch_us(arrived_at) / 1e6 AS arrival_s,
               CASE WHEN NOT abandoned AND answered_at IS NOT NULL THEN {seconds_between_sql("answered_at", "arrived_at")}
                    WHEN abandoned AND ended_at IS NOT NULL THEN {seconds_between_sql("ended_at", "arrived_at")} END AS wait_s,
               abandoned,
               NOT abandoned AND answered_at IS NOT NULL AS answered,
               CASE WHEN talk_s IS NULL AND hold_s IS NULL AND wrap_s IS NULL THEN NULL
                    ELSE coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrap_s, 0) END AS handle_s,
               agent_id,
               CAST({minute_of_week_sql("arrived_at", tz)} AS INTEGER) AS minute
        FROM fit_rows
        """
    ).to_arrow_table()
    flow = _codes(table.column("flow"), index)
    agents = pc.dictionary_encode(table.column("agent_id")).combine_chunks()
    agent = np.asarray(agents.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    masks = bands.minute_masks()
    band_of_minute = np.zeros(masks["day"].size, dtype=np.int64)
    for b, name in enumerate(BANDS):
        band_of_minute[masks[name]] = b
    minute = np.clip(_floats(table, "minute").astype(np.int64), 0, band_of_minute.size - 1)
    return Contacts(
        flow=flow,
        arrival_s=_floats(table, "arrival_s"),
        wait_s=_floats(table, "wait_s"),
        abandoned=_bools(table, "abandoned"),
        answered=_bools(table, "answered"),
        handle_s=_floats(table, "handle_s"),
        agent=agent,
        band=band_of_minute[minute],
        open_=hours[flow, minute],
    )


def _observed(
    con: duckdb.DuckDBPyConnection, *, tz: str, rules: KpiRules, index: dict[str, int], hours: np.ndarray
) -> Observed:
    channels = ", ".join(repr(c.value) for c in QUEUED)
    queued = f"(SELECT *, {_NOT_READ} FROM fit_rows WHERE channel IN ({channels}))"
    table = compute_kpis_table(con, queued, by=["flow", "interval"], rules=rules, tz=tz)
    flow = _codes(table.column("flow"), index)
    offered = _floats(table, "offered")
    short = _floats(table, "short_abandoned")
    zone = ZoneInfo(tz)
    starts = _floats(table, "interval").astype(np.int64)
    minute = np.array(
        [
            (d.weekday() * 1440 + d.hour * 60 + d.minute)
            for d in (datetime.fromtimestamp(int(t), zone) for t in starts)
        ],
        dtype=np.int64,
    )
    return Observed(
        flow=flow,
        interval_start_s=starts,
        volume=offered - short if rules.short_abandons == "exclude" else offered,
        answered=_floats(table, "answered"),
        service_level=_floats(table, "service_level"),
        abandon_rate=_floats(table, "abandon_rate"),
        asa_s=_floats(table, "asa_s"),
        aht_s=_floats(table, "aht_s"),
        open_=hours[flow, minute] if minute.size else np.zeros(0, dtype=bool),
    )


def _codes(column: pa.ChunkedArray, index: dict[str, int]) -> np.ndarray:
    """Each row's flow code, looked up once per distinct flow."""
    encoded = pc.dictionary_encode(column).combine_chunks()
    lookup = np.array([index[str(f)] for f in encoded.dictionary.to_pylist()], dtype=np.int64)
    return lookup[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)]


def _floats(table: pa.Table, name: str) -> np.ndarray:
    column = table.column(name).cast(pa.float64())
    return np.asarray(column.fill_null(math.nan).to_numpy(), dtype=np.float64)


def _bools(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table.column(name).fill_null(False).to_numpy(), dtype=bool)


def _interval_table(fits: FlowFits, tz: str) -> pa.Table:
    t = fits.intervals
    starts = [format_interval(int(s), tz) for s in t.interval_start_s.tolist()]
    columns: dict[str, object] = {
        "flow": t.flow,
        "interval_start": starts,
        "volume": t.volume,
        "aht_s": t.aht_s,
        "load_erlangs": t.volume * t.aht_s / fits.grid.interval_s,
        "agents_seen": t.agents,
        "observed_service_level": t.observed.service_level,
        "observed_abandon_rate": t.observed.abandon_rate,
        "observed_asa_s": t.observed.asa_s,
    }
    for name, p in t.predicted.items():
        columns[f"{name}_service_level"] = p.service_level
        columns[f"{name}_abandon_rate"] = p.abandon_rate
        columns[f"{name}_asa_s"] = np.where(np.isfinite(p.asa_s), p.asa_s, np.nan)
    return pa.table(columns)


def write_fit_report(run: FitRun, path: Path, *, lang: str = "fr") -> Path:
    """The HTML report of a fit, charts inline (SVG): one file that opens anywhere, offline.

    The charts are drawn in a few threads (vl-convert draws outside Python's lock): a dozen
    charts take about the time of four.
    """
    from arbitre.reports import fit_charts
    from arbitre.reports.charts import Spec
    from arbitre.reports.html import render_page, write_document
    from arbitre.reports.render import to_svg
    from arbitre.reports.words_fit import points, verdict, w

    table = run.intervals
    flows = np.asarray(table.column("flow").to_pylist(), dtype=object)
    specs: dict[tuple[str, str], Spec] = {}
    for f in run.result.flows:
        mine = flows == f.flow
        if f.kaplan_meier is not None:
            specs[f.flow, "survival"] = fit_charts.survival(
                f.kaplan_meier,
                mean_s=f.patience_mle_s,
                from_s=f.patience_from_s,
                title=f"{w('survival_title', lang)} — {f.flow}",
                lang=lang,
            )
        if f.models and np.any(mine):
            volume = table.column("volume").to_numpy()[mine]
            for kpi in ("service_level", "abandon_rate"):
                specs[f.flow, kpi] = fit_charts.predicted_vs_observed(
                    table.column(f"observed_{kpi}").to_numpy(zero_copy_only=False)[mine],
                    {
                        m.model: table.column(f"{m.model}_{kpi}").to_numpy(zero_copy_only=False)[mine]
                        for m in f.models
                    },
                    volume,
                    kpi=kpi,
                    title=f"{w('scatter_title', lang)} — {w(kpi, lang)}",
                    lang=lang,
                )
    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = dict(zip(specs, pool.map(lambda spec: to_svg(spec, lang=lang), specs.values()), strict=True))
    charts = {
        f.flow: {k: drawn.get((f.flow, k)) for k in ("survival", "service_level", "abandon_rate")}
        for f in run.result.flows
    }
    html = render_page(
        "fit.html",
        lang=lang,
        result=run.result,
        verdicts={f.flow: verdict(f, lang) for f in run.result.flows},
        charts=charts,
        w=lambda key: w(key, lang),
        pts=points,
    )
    return write_document(html, path)


def report_path(ws: Workspace, lang: str) -> Path:
    """Where a workspace's fit report goes: its reports folder, named in the report's language."""
    return ws.reports_dir / ("ajustement-des-modeles.html" if lang == "fr" else "model-fit.html")


# --- the fit the plan and the decision use -------------------------------------------------

RECORD_FILE = "model-fit.json"


def _record_path(ws: Workspace, last: date | None) -> Path:
    """``model-fit.json`` for the whole store; ``model-fit-until-2025-12-31.json`` for a history
    cut at a day (the decision's ``history_until``)."""
    return ws.root / (RECORD_FILE if last is None else f"model-fit-until-{last.isoformat()}.json")


def record_fit(ws: Workspace, result: FitResult, *, last: date | None = None) -> Path:
    """Keep ``result`` in the workspace with the fingerprint of the store and settings it was
    fitted on (`recorded_fit` returns it while they have not changed); written atomically.
    ``last``: the day the fitted history was cut at, if it was."""
    path = _record_path(ws, last)
    document = {"fingerprint": _fingerprint(ws, last), "result": result.model_dump(mode="json")}
    fd, tmp = tempfile.mkstemp(dir=ws.root, prefix=f".{RECORD_FILE}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def recorded_fit(ws: Workspace, *, last: date | None = None) -> FitResult | None:
    """The fit recorded for the store and settings as they are now (up to the day ``last`` when
    given); None if there is none, if they changed since (an import, new opening hours), or if
    the record cannot be read."""
    path = _record_path(ws, last)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("fingerprint") != _fingerprint(ws, last):
            return None
        return FitResult.model_validate(document["result"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def planning_inputs(ws: Workspace, *, last: date | None = None) -> dict[str, PlanningPatience]:
    """Each queued flow's patience and model for the plan, the costing and the decision.

    From the fit recorded for the store as it is (`arbitre fit` records one); otherwise the fit is
    run now without its simulation (the plan sizes with Erlang C or A: `arbitre.fit.planning`)
    and recorded, so that the next plan or decision on the same store reads it. ``last``: fit on
    the history up to that local day only (a decision's ``history_until``).
    """
    result = recorded_fit(ws, last=last)
    if result is None:
        result = fit(ws.root, replications=0, last=last).result
        try:
            record_fit(ws, result, last=last)
        except OSError:
            pass  # a workspace we may not write to: fitted again next time, the same figures
    return {f.flow: planning_patience(f) for f in result.flows}


def _fingerprint(ws: Workspace, last: date | None = None) -> str:
    store = InteractionStore(ws)
    parts = store.partitions()
    if last is not None:  # the months a window up to ``last`` reads (`InteractionStore.window_sql`)
        read = set(store.months_until(last + timedelta(days=31)))
        parts = {m: v for m, v in parts.items() if m in read}
    digest = hashlib.sha256()
    digest.update(json.dumps(sorted(parts.items())).encode())
    digest.update(str(last).encode())
    digest.update(ws.settings.model_dump_json(include=_SETTINGS_READ).encode())
    return digest.hexdigest()


# The settings a fit reads: its clock, intervals, opening hours, hour bands and targets.
_SETTINGS_READ = {"timezone", "interval_min", "opening_hours", "flows", "hour_bands", "staffing"}
