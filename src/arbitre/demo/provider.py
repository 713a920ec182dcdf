"""The provider's months: Call Mada's contacts on the outsourced flows, and the invoices it sends.

From April 2026 Azalée Maison's after-sales calls and e-mails (``sav-voice-fr``,
``sav-email-fr``) are handled by Call Mada in Antananarivo (site ``callmada:tana``, contract
``examples/contracts/callmada-2026.yaml``). Governance needs what the client then receives every
month: the provider's interaction export and its invoice. Both are generated here, on the demo's
own models, so that KPIs, SLAs and the invoice check are computed on consistent data:

- demand: the customers do not change with the provider. First contacts follow the demo's demand
  model (calendar, yearly, weekly and intraday patterns, repeat contacts) for the in-house flow;
  only what the line's hours do to them changes (fewer closed-message callbacks);
- hours: calls are answered in the service hours the director asked for (``decision.yaml``)
  within the provider's hours (the offer), e-mails are worked in the provider's hours; the line is
  closed only on the days every site of the demo closes (1 January, 1 May, 25 December). Calls
  outside the service hours hear the client's closed message and never reach the provider, so its
  export holds only the contacts it queued;
- staffing, by the provider, on the expected load (its weekly shape learnt from a pilot run, with
  the demo's daily forecast error): Erlang A agents per half hour for 80 % of calls answered
  within 30 s and at most 8 % abandoned with the callers' patience, and a backlog plan that
  answers every e-mail within ``EMAIL_DEADLINE_OPEN_S`` of its open hours (well inside the
  contract's 24 hours) — both through `arbitre.staffing.requirement`; the month's staffing
  factor then scales the agents (the story of May);
- handle times 12 % longer than in-house (the offer's ``aht_factor``); every contact is queued
  against the staffing with the demo's FCFS simulation, and its outcome (resolution, surveys, QA)
  drawn by the demo's outcome model.

The invoice (`provider_invoices`) bills what the provider says its agents were logged: productive
hours (handle time of handled contacts) ÷ the contract's ``productivity_occupancy``, per flow and
hour band, priced with the band premiums, topped up to the monthly minimum — and over-bills the
calls of June 2026 (`OVERBILLING`), the discrepancy the invoice check is there to find.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TypedDict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arbitre._types import BoolArray, FloatArray, IntArray
from arbitre.demo.arrivals import arrivals, demand_weight, volume_model
from arbitre.demo.calendar import fully_closed, to_date
from arbitre.demo.company import FLOW_BY_ID, DemoFlow, HandleTime, Site, Staffing, demo_settings
from arbitre.demo.generate import (
    STEP_S,
    _assemble,
    _Demand,
    _demand,
    _population,
    _Rows,
    _staffed_rows,
    _staffing,
    _year_grids,
)
from arbitre.demo.grid import Grid, build_grid
from arbitre.demo.plan import FORECAST_ERROR, PLAN_STEP_S, FlowPlan, to_plan_intervals
from arbitre.domain import WorkspaceSettings
from arbitre.domain.contract import Contract
from arbitre.domain.costing import DecisionSettings, Offer, PricingModel
from arbitre.domain.hours import MINUTES_PER_DAY, WeeklyHours
from arbitre.domain.settings import HourBands
from arbitre.domain.targets import StaffingTargets
from arbitre.staffing.requirement import requirement
from arbitre.yamlio import load_model

WORKSPACE_INPUTS = Path(__file__).resolve().parent / "workspace"
OFFER_FILE = WORKSPACE_INPUTS / "offers" / "callmada-tana.yaml"
DECISION_FILE = WORKSPACE_INPUTS / "decision.yaml"

PROVIDER_FLOWS = ("sav-voice-fr", "sav-email-fr")

VOICE_TARGET = StaffingTargets(sl=0.80, threshold_s=30.0, max_abandon=0.08)
"""What the provider staffs each half hour of calls for: the contract's two call SLAs, 80 % answered
within 30 s and at most 8 % abandoned. With the callers' patience (exponential, 2 minutes on
average) 80 % within 30 s alone leaves about 7 % abandoned, so a quarter of the days would miss
8 %; the abandonment ceiling is what keeps nine days in ten under it."""

EMAIL_DEADLINE_OPEN_S = 8 * 3600.0
"""The provider's own deadline for e-mails, in seconds of its open hours. The contract counts
24 calendar hours; the longest closure of the week (Sunday 20:00 to Monday 07:00, 11 hours) plus
8 open hours stays inside them, so the plan meets 24 hours whenever an e-mail arrives but after
the days every site closes."""

EMAIL_OCCUPANCY = 0.85
"""Share of an e-mail agent's time the backlog plan counts as handling (the contract's
productivity occupancy)."""

MINIMUM_AGENTS = 1
"""Agents always on duty while the line or the mailbox is open."""

PILOT_SCALE = 4
"""Volumes of the pilot run the provider's forecast learns its weekly shape from, times the run's."""

STORY: Mapping[str, float] = {"2026-05/sav-voice-fr": 0.85, "2026-06-18 08:00-14:00": 0.2}
"""The demo's story, as staffing factors: April normal; in May Call Mada, short of trained
agents, runs its calls with 15 % fewer agents than its own plan, and the month's service level
falls well below the 80 % of the contract; June is normal again (the earn-back can start),
except the morning of 18 June, when a power cut in Antananarivo leaves a fifth of the agents
working for six hours — inside the force-majeure period the contract excludes."""

OVERBILLING: Mapping[str, Mapping[str, Decimal]] = {"2026-06": {"sav-voice-fr": Decimal("0.04")}}
"""The invoice's discrepancy: in June 2026 Call Mada bills 4 % more logged hours on the calls
than its agents' productive hours ÷ 0.85 — what the monthly invoice check must flag."""

BANDS = ("day", "evening", "night", "weekend")
CENT = Decimal("0.01")
_STREAM = 2026  # the provider's random stream, apart from the demo history's
_WINDOW = re.compile(r"(?P<day>\d{4}-\d{2}-\d{2}) (?P<h0>\d{2}):(?P<m0>\d{2})-(?P<h1>\d{2}):(?P<m1>\d{2})")
_MONTH_KEY = re.compile(r"\d{4}-\d{2}(/[\w-]+)?")
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def provider_site(site: str = "callmada:tana") -> Site:
    """The provider's site: its agents ``TNR-0001``… and contact ids ``CM-TNR-2026-00000001``….

    The line keeps the client's French calendar only for the days every site closes
    (`arbitre.demo.calendar.fully_closed`); on the other French holidays the provider works its
    usual hours.
    """
    return Site(site, "Call Mada, Antananarivo", "fr", "TNR", 4, "CM-TNR-{year}-{seq:08d}")


@dataclass(frozen=True)
class ProviderMonths:
    """The provider's contacts and staffing over ``[start, end)`` (local Paris dates).

    ``interactions``: canonical columns (docs/specs/interactions.md) sorted by ``arrived_at``, every
    row with the provider's ``site``; ``staffing``: agents per flow and half hour (``agents``
    after the month's staffing factor, 0 while closed); ``plans``: per flow, the forecast, the
    agents the provider's sizing asked for (``required``) and those on duty (``agents``);
    ``flows``: the flows as the provider runs them (its hours and handle times);
    ``staffing_factor``: the factors applied (see `generate_provider_months`).
    """

    settings: WorkspaceSettings
    site: str
    start: date
    end: date
    interactions: pa.Table
    staffing: pa.Table
    plans: Mapping[str, FlowPlan]
    flows: Mapping[str, DemoFlow]
    offer: Offer
    staffing_factor: Mapping[str, float]


def generate_provider_months(
    *,
    seed: int = 7,
    start: date = date(2026, 4, 1),
    end: date = date(2026, 7, 1),
    scale: float = 1.0,
    flows: Sequence[str] = PROVIDER_FLOWS,
    site: str = "callmada:tana",
    staffing_factor: Mapping[str, float] | None = None,
) -> ProviderMonths:
    """Call Mada's contacts on ``flows`` from ``start`` to ``end`` (excluded), queued for real.

    ``scale`` multiplies the volumes as in `arbitre.demo.generate_history`; the customers are
    those of the demo history with the same ``seed`` and ``scale`` (the client's CRM).
    ``staffing_factor`` multiplies the provider's planned agents: a key ``"2026-05"`` applies to
    every flow in that month, ``"2026-05/sav-voice-fr"`` to one flow (it wins over the month's),
    ``"2026-06-18 08:00-14:00"`` to every flow in that local time window (times the month's);
    by default the demo's story (`STORY`). Deterministic: the same arguments give byte-identical
    tables.

    >>> m = generate_provider_months(start=date(2026, 4, 6), end=date(2026, 4, 7), scale=0.01)
    >>> sorted(set(m.interactions.column("site").to_pylist()))
    ['callmada:tana']
    """
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    if end <= start:
        raise ValueError(f"end {end} must come after start {start}")
    unknown = [f for f in flows if f not in FLOW_BY_ID]
    if unknown:
        raise ValueError(f"unknown flow {unknown[0]!r}: expected one of {', '.join(FLOW_BY_ID)}")
    factors = dict(STORY if staffing_factor is None else staffing_factor)
    bad = {k: v for k, v in factors.items() if not v > 0}
    if bad:
        raise ValueError(f"staffing factors must be > 0, got {bad}")
    odd = [k for k in factors if not (_MONTH_KEY.fullmatch(k) or _WINDOW.fullmatch(k))]
    if odd:
        raise ValueError(
            f"staffing factor key {odd[0]!r}: expected YYYY-MM, YYYY-MM/flow or YYYY-MM-DD HH:MM-HH:MM"
        )

    settings = demo_settings()
    offer = load_model(OFFER_FILE, Offer)
    frame = load_model(DECISION_FILE, DecisionSettings)
    the_site = provider_site(site)
    grid = build_grid(start, end, zone=settings.zone, step_s=STEP_S)
    year_grids = _year_grids(start, end, settings.zone)
    # The client's CRM: the same draws as the first ones of generate_history with this seed.
    customers = _population(scale, np.random.default_rng(seed))
    rng = np.random.default_rng([seed, _STREAM])

    run = [provider_flow(FLOW_BY_ID[f], offer=offer, frame=frame, site=site) for f in flows]
    reasons = sorted({r for f in run for r, _ in f.reasons})
    langs = sorted({lang for f in run for lang, _ in f.languages})
    texts: list[str] = []
    agent_ids: list[str] = []
    parts: list[tuple[DemoFlow, _Rows]] = []
    plans: list[tuple[DemoFlow, FlowPlan]] = []
    for flow in run:
        base = FLOW_BY_ID[flow.id]
        week = WeeklyHours.parse(flow.hours).minute_mask()
        open_ = open_mask(week, grid)
        # The customers' demand is the in-house flow's: first contacts do not depend on who answers.
        d = _demand(base, grid, year_grids=year_grids, scale=scale)
        arr = arrivals(flow, grid, first_rate=d.first_rate, weight=d.weight, open_=open_, rng=rng)
        expected = d.first_rate * _open_factor(flow, week, grid, year_grids) * (open_ if flow.live else 1.0)
        expected = expected * _learned_shape(flow, grid, d, open_=open_, expected=expected, rng=rng)
        factor = month_factors(factors, flow.id, grid)
        plan = provider_plan(flow, grid=grid, expected=expected, open_=open_, factor=factor, rng=rng)
        rows, _ = _staffed_rows(
            flow,
            site=the_site,
            first_person=len(agent_ids),  # one site: its agents are numbered across the flows
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
        rows = _only(rows, ~arr.closed)  # the closed message is the client's, not the provider's
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
        sites={site: the_site},
    )
    return ProviderMonths(
        settings=settings,
        site=site,
        start=start,
        end=end,
        interactions=table,
        staffing=_staffing(plans, grid),
        plans={f.id: p for f, p in plans},
        flows={f.id: f for f in run},
        offer=offer,
        staffing_factor=factors,
    )


def provider_flow(flow: DemoFlow, *, offer: Offer, frame: DecisionSettings, site: str) -> DemoFlow:
    """``flow`` as the provider runs it: its site, its hours, handle times × the offer's
    ``aht_factor``, staffed for the contract's targets; patience, resolution, surveys as in-house.

    Live flows open in the service hours the client asked for (the decision's ``service_hours``,
    else the in-house hours) inside the provider's; deferred work is done in the provider's hours.
    """
    provider_hours = WeeklyHours.parse(offer.hours or "24h").minute_mask()
    if flow.live:
        wanted = frame.profile(flow.id).service_hours or flow.hours
        provider_hours &= WeeklyHours.parse(wanted).minute_mask()
    k = float(offer.productivity.aht_factor)
    h = flow.handle
    handle = HandleTime(
        h.talk_mean_s * k, h.talk_cv, h.wrap_mean_s * k, h.wrap_cv, h.hold_share, h.hold_mean_s * k
    )
    staffing = (
        Staffing(threshold_s=VOICE_TARGET.threshold_s or 0.0, sl=VOICE_TARGET.sl or 0.0)
        if flow.live
        else Staffing(threshold_s=EMAIL_DEADLINE_OPEN_S, sl=1.0, occupancy=EMAIL_OCCUPANCY)
    )
    hours = tuple(WeeklyHours.from_mask(provider_hours).describe().items())
    return dataclasses.replace(flow, site=site, opening_hours=hours, handle=handle, staffing=staffing)


def open_mask(week: BoolArray, grid: Grid) -> BoolArray:
    """Whether the provider works each grid interval: its weekly hours (a mask over the minutes
    of the week), except on the days every site of the demo closes."""
    closed_day = np.array([fully_closed(to_date(int(d))) for d in grid.days], dtype=bool)
    mask: BoolArray = week[grid.weekday * MINUTES_PER_DAY + grid.minute] & ~closed_day[grid.day_index]
    return mask


def _open_factor(flow: DemoFlow, week: BoolArray, grid: Grid, year_grids: dict[int, Grid]) -> FloatArray:
    """Expected rows while open per first contact arriving while open, per grid interval: the
    chain model of `arbitre.demo.arrivals.volume_model` with the closed share of each year's
    demand under the provider's hours (its repeats and callbacks)."""
    base = FLOW_BY_ID[flow.id]
    years = grid.local_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    out = np.ones(grid.n)
    for y, g in year_grids.items():
        weight = demand_weight(base, g)
        closed = float(weight[~open_mask(week, g)].sum() / weight.sum())
        out[years == y] = volume_model(flow, closed).open_factor
    return out


def _learned_shape(
    flow: DemoFlow,
    grid: Grid,
    d: _Demand,
    *,
    open_: BoolArray,
    expected: FloatArray,
    rng: np.random.Generator,
) -> FloatArray:
    """Correction of ``expected`` per grid interval for where in the week contacts really come.

    The chain model spreads repeats and callbacks like first contacts, but a same-day repeat
    comes at least an hour later, so the end of the day gets more than it says (a sixth more
    after 19:00) and the morning less. A provider forecasts from the flow's history:
    here a pilot run of the arrivals (``PILOT_SCALE`` times the volumes, its own draws) gives,
    per 15 minutes of the week, the ratio of contacts reaching the agents to the model's
    expectation.
    """
    pilot = arrivals(flow, grid, first_rate=d.first_rate * PILOT_SCALE, weight=d.weight, open_=open_, rng=rng)
    reached = np.bincount(grid.interval_of(pilot.t_s[~pilot.closed]), minlength=grid.n) / PILOT_SCALE
    cell = grid.weekday * (86_400 // grid.step_s) + grid.minute * 60 // grid.step_s
    cells = 7 * 86_400 // grid.step_s
    got = np.bincount(cell, weights=reached, minlength=cells)
    want = np.bincount(cell, weights=expected, minlength=cells)
    ratio = np.divide(got, want, out=np.ones(cells), where=want > 0)
    out: FloatArray = ratio[cell]
    return out


def month_factors(factors: Mapping[str, float], flow_id: str, grid: Grid) -> FloatArray:
    """The staffing factor of each plan interval: ``"YYYY-MM/flow"`` if given, else
    ``"YYYY-MM"``, else 1, by the local month of the interval; times the factor of any local
    time window ``"YYYY-MM-DD HH:MM-HH:MM"`` (every flow) the interval starts in."""
    first = np.arange(0, grid.n, PLAN_STEP_S // grid.step_s)
    day = grid.local_day[first]
    minute = grid.minute[first]
    month = day.astype("datetime64[D]").astype("datetime64[M]")
    out = np.ones(first.shape[0])
    for m in np.unique(month):
        key = str(m)
        out[month == m] = factors.get(f"{key}/{flow_id}", factors.get(key, 1.0))
    for key, value in factors.items():
        window = _WINDOW.fullmatch(key)
        if window is None:
            continue
        on = date.fromisoformat(window["day"]).toordinal() - _EPOCH_ORDINAL
        lo = int(window["h0"]) * 60 + int(window["m0"])
        hi = int(window["h1"]) * 60 + int(window["m1"])
        out[(day == on) & (minute >= lo) & (minute < hi)] *= value
    return out


def provider_plan(
    flow: DemoFlow,
    *,
    grid: Grid,
    expected: FloatArray,
    open_: BoolArray,
    factor: FloatArray,
    rng: np.random.Generator,
) -> FlowPlan:
    """The provider's agents per half hour, sized on ``expected`` contacts per grid interval.

    The forecast carries the demo's daily forecast error; calls get the Erlang A agents of
    `VOICE_TARGET` with the flow's patience, e-mails the backlog plan of `EMAIL_DEADLINE_OPEN_S`.
    No headcount cap and no lunch dip: the provider staffs its own plan, times ``factor`` (per
    plan interval, rounded to whole agents), with `MINIMUM_AGENTS` while open.
    """
    noise = np.exp(rng.normal(0.0, FORECAST_ERROR, grid.days.shape[0]))
    volume = to_plan_intervals(expected * noise[grid.day_index], grid).astype(np.float64)
    is_open = to_plan_intervals(open_, grid, how="any")
    if flow.live:
        targets = VOICE_TARGET
    else:
        targets = StaffingTargets(deadline_s=EMAIL_DEADLINE_OPEN_S, max_occupancy=EMAIL_OCCUPANCY)
    need = requirement(
        channel=flow.channel,
        volume=volume,
        aht_s=flow.handle.mean_s,
        interval_s=float(PLAN_STEP_S),
        targets=targets,
        open_=is_open,
        patience_s=flow.patience_mean_s if flow.live else None,
    ).agents
    scaled = np.floor(need * factor + 0.5).astype(np.int64)
    agents = np.where(is_open, np.maximum(scaled, MINIMUM_AGENTS), 0).astype(np.int64)
    return FlowPlan(forecast=volume, required=np.where(is_open, need, 0).astype(np.int64), agents=agents)


def _only(rows: _Rows, keep: BoolArray) -> _Rows:
    """The rows of ``keep`` (a mask aligned with the flow's arrivals)."""
    return _Rows(**{name: getattr(rows, name)[keep] for name in _Rows.__slots__})


# The invoice -----------------------------------------------------------------------------------


class InvoiceRow(TypedDict):
    """One line of a provider invoice, as written to CSV: ``flow`` and ``band`` empty on fees,
    ``unit_price`` empty on fees, ``quantity`` in the unit's measure, ``amount`` to the cent."""

    flow: str
    unit: str
    band: str
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal


INVOICE_COLUMNS = ("flow", "unit", "band", "quantity", "unit_price", "amount")


@dataclass(frozen=True, slots=True)
class Handled:
    """Per local month, flow and hour band of arrival: handled contacts and their productive
    seconds (talk + hold + wrap, a missing component counting 0)."""

    contacts: dict[tuple[str, str, str], int]
    productive_s: dict[tuple[str, str, str], int]


def handled_by_band(table: pa.Table, *, tz: str, bands: HourBands) -> Handled:
    """What the provider handled, grouped by (``YYYY-MM``, flow, band) of each contact's arrival
    in local time ``tz``: the base of an invoice by the hour or by the contact."""
    answered = pc.and_(pc.is_valid(table.column("answered_at")), pc.invert(table.column("abandoned")))
    t = table.filter(answered)
    local = pc.local_timestamp(t.column("arrived_at").cast(pa.timestamp("us", tz=tz)))
    minute = (
        _ints(pc.day_of_week(local)) * MINUTES_PER_DAY + _ints(pc.hour(local)) * 60 + _ints(pc.minute(local))
    )
    handle = pc.add(
        pc.add(pc.fill_null(t.column("talk_s"), 0.0), pc.fill_null(t.column("hold_s"), 0.0)),
        pc.fill_null(t.column("wrap_s"), 0.0),
    )
    keyed = pa.table(
        {
            "month": pc.strftime(local, format="%Y-%m"),
            "flow": t.column("flow"),
            "band": pa.array(np.asarray(BANDS)[band_of(minute, bands)]),
            "handle": handle,
        }
    )
    grouped = keyed.group_by(["month", "flow", "band"]).aggregate([("handle", "count"), ("handle", "sum")])
    contacts: dict[tuple[str, str, str], int] = {}
    productive: dict[tuple[str, str, str], int] = {}
    for row in grouped.to_pylist():
        key = (row["month"], row["flow"], row["band"])
        contacts[key] = int(row["handle_count"])
        productive[key] = round(row["handle_sum"])  # handle times are whole seconds
    return Handled(contacts=contacts, productive_s=productive)


def _ints(values: pa.Array | pa.ChunkedArray) -> IntArray:
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.int64)


def band_of(minute_of_week: IntArray, bands: HourBands) -> IntArray:
    """Index into `BANDS` of each minute of the week (Monday 00:00 is 0)."""
    masks = bands.minute_masks()
    table = np.select([masks[b] for b in BANDS], list(range(len(BANDS))), default=0)
    return np.asarray(table[minute_of_week], dtype=np.int64)


def provider_invoices(
    months: ProviderMonths,
    *,
    contract: Contract,
    bands: HourBands | None = None,
    overbilling: Mapping[str, Mapping[str, Decimal]] = OVERBILLING,
) -> dict[str, list[InvoiceRow]]:
    """Each month's invoice (``"YYYY-MM"`` → lines) as the provider bills the contract's flows.

    Hourly models bill logged hours (productive hours ÷ the contract's
    ``productivity_occupancy``) or productive hours, per-contact models handled contacts; one
    line per flow and hour band of arrival (``bands``: the workspace's by default), at the rate
    times 1 + the band's premium. Quantities are rounded to 2 decimals, amounts to the cent. A
    fixed monthly fee and the top-up to ``minimum_monthly`` come as ``fee`` lines. ``overbilling``
    (month → flow → share) inflates the billed quantity: the invoice's discrepancy.
    """
    pricing = contract.pricing
    if pricing.bands or pricing.outcome_share is not None or pricing.language_premiums:
        raise ValueError("the demo's invoices price a flat rate with band premiums only")
    unit = _billed_unit(pricing.model, pricing.variable_unit)
    handled = handled_by_band(
        months.interactions, tz=months.settings.timezone, bands=bands or months.settings.hour_bands
    )
    out: dict[str, list[InvoiceRow]] = {}
    for month in sorted({m for m, _, _ in handled.contacts}):
        lines: list[InvoiceRow] = []
        if unit is not None:
            lines += _unit_lines(handled, month=month, unit=unit, contract=contract, overbilling=overbilling)
        if pricing.fixed_monthly is not None:
            lines.append(_fee(Decimal(pricing.fixed_monthly)))
        total = sum((line["amount"] for line in lines), Decimal(0))
        if pricing.minimum_monthly is not None and total < pricing.minimum_monthly:
            lines.append(_fee(Decimal(pricing.minimum_monthly) - total))
        out[month] = lines
    return out


def _billed_unit(model: PricingModel, variable_unit: str) -> str | None:
    units = {
        PricingModel.PER_LOGGED_HOUR: "logged_hour",
        PricingModel.PER_PRODUCTIVE_HOUR: "productive_hour",
        PricingModel.PER_CONTACT: "contact",
        PricingModel.FIXED_MONTHLY: None,
    }
    if model is PricingModel.FIXED_PLUS_VARIABLE and variable_unit != "outcome":
        return variable_unit
    if model not in units:
        raise ValueError(f"the demo's invoices do not bill pricing model {model.value}")
    return units[model]


def _unit_lines(
    handled: Handled,
    *,
    month: str,
    unit: str,
    contract: Contract,
    overbilling: Mapping[str, Mapping[str, Decimal]],
) -> list[InvoiceRow]:
    pricing = contract.pricing
    rate = Decimal(pricing.rate or 0)
    occupancy = Decimal(contract.productivity_occupancy)
    lines: list[InvoiceRow] = []
    for flow in contract.flows:
        extra = Decimal(1) + overbilling.get(month, {}).get(flow, Decimal(0))
        for band in BANDS:
            key = (month, flow, band)
            if key not in handled.contacts:
                continue
            if unit == "contact":
                exact = Decimal(handled.contacts[key])
            else:
                exact = Decimal(handled.productive_s[key]) / Decimal(3600)
                if unit == "logged_hour":
                    exact /= occupancy
            quantity = (exact * extra).quantize(CENT, rounding=ROUND_HALF_UP)
            price = _at_least_cents(rate * (Decimal(1) + pricing.band_premiums.of(band)))
            amount = (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)
            lines.append(
                InvoiceRow(
                    flow=flow, unit=unit, band=band, quantity=quantity, unit_price=price, amount=amount
                )
            )
    return lines


def _at_least_cents(price: Decimal) -> Decimal:
    """8.5 as 8.50, as invoices print prices; finer prices (9.775) stay exact."""
    cents = price.quantize(CENT)
    return cents if cents == price else price


def _fee(amount: Decimal) -> InvoiceRow:
    return InvoiceRow(
        flow="", unit="fee", band="", quantity=Decimal(1), unit_price=None, amount=amount.quantize(CENT)
    )


def write_invoice_csv(rows: Iterable[InvoiceRow], path: Path | str) -> Path:
    """Write invoice lines as CSV (comma, UTF-8, header ``flow,unit,band,quantity,unit_price,amount``);
    decimals in plain notation, empty cells for missing values. Returns the path."""
    target = Path(path)
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(INVOICE_COLUMNS)
        for row in rows:
            writer.writerow([_cell(row[c]) for c in INVOICE_COLUMNS])  # type: ignore[literal-required]
    return target


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


__all__ = [
    "EMAIL_DEADLINE_OPEN_S",
    "OVERBILLING",
    "PROVIDER_FLOWS",
    "STORY",
    "VOICE_TARGET",
    "Handled",
    "InvoiceRow",
    "ProviderMonths",
    "band_of",
    "generate_provider_months",
    "handled_by_band",
    "month_factors",
    "open_mask",
    "provider_flow",
    "provider_invoices",
    "provider_site",
    "write_invoice_csv",
]
