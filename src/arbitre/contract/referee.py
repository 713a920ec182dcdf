"""The month refereed: a pure function of the month's inputs, `referee(inputs) -> MonthResult`.

The monthly run (`arbitre.services.govern`) gathers what the month needs — the contract version in
force, the contacts counted per flow and day, the provider's units, each SLA computed by the KPI
engine after the exclusions, the months already recorded, the invoice's text, the latest decision,
the month's quality — into `MonthInputs`, and records what `referee` makes of them. Nothing here
reads a database, a file or the clock: the same inputs give the same month.

The days a flow's volume puts above its band are left out of its SLAs; the run computes them
first with `excluded_days` (from the contacts per day) and hands them to the SLA queries as data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from arbitre.contract.coverage import Coverage, charge, coverage
from arbitre.contract.credits import MonthCredits, PastMonth, SlaOutcome, bonus_rule, month_credits
from arbitre.contract.notes import InvoiceNote, Meeting, MissingDays, NoRecords
from arbitre.contract.obligations import PendingCredit, obligations
from arbitre.contract.reconcile import Reconciliation, evidence_requests, parse_invoice, reconcile
from arbitre.contract.result import (
    AgreedChange,
    BusinessCase,
    EarnBackLine,
    ExcludedDay,
    ExcludedPeriod,
    Exclusions,
    FeeLine,
    FlowCase,
    FlowMonth,
    FlowVolume,
    InvoiceCheck,
    MonthResult,
    ObligationItem,
    SlaMonth,
    SlaWarning,
    SlaWindows,
    TrendRow,
    TrendSla,
    Units,
)
from arbitre.contract.sla import KPI_BASIS, SlaResult
from arbitre.contract.units import FlowUnits, ProviderMonth, priced_month, staffing
from arbitre.contract.volumes import DayAboveBand, days_above_band, days_rule, month_volumes
from arbitre.contract.watch import (
    CALLS,
    EMAILS,
    RATIO_KPIS,
    SlaValue,
    project_ratio,
    project_value,
    project_windows,
    sla_remaining,
    sla_remaining_days,
    trend,
)
from arbitre.decision.document import DecisionDocument, FlowOfferEntry
from arbitre.domain.contract import Contract
from arbitre.domain.month import Month
from arbitre.quality.documents import QualityMonth

CENT = Decimal("0.01")


@dataclass(frozen=True)
class InvoiceText:
    """The provider's invoice for the month: its file (as the user named it) and its text."""

    file: str
    text: str


@dataclass(frozen=True)
class MonthInputs:
    """What a contract's month is refereed on, gathered by the monthly run.

    ``daily``: the provider's contacts on the contract's flows per (flow, local day);
    ``units``: each flow's units counted from the records (`arbitre.contract.units.FlowUnits`);
    ``slas``: each SLA of the contract computed after the exclusions (the excluded days of
    `excluded_days` included); ``recorded``: the latest recorded result of each month of the
    contract; ``earn_back_months``: the earn-back months of each contract version they used (0:
    none); ``decision``: the latest decision (the business case), or None; ``agreed``: the changes
    of the disputes the client accepted (days left out of the SLAs or counted again — already in
    ``slas``, the run gives them to the queries through `excluded_days` — and SLA results as
    agreed, which stand for the computed ones in the credits).
    """

    contract: Contract
    version: int
    month: Month
    today: date
    daily: Mapping[tuple[str, date], int]
    units: Mapping[str, FlowUnits]
    slas: Sequence[SlaResult]
    recorded: Sequence[MonthResult] = ()
    earn_back_months: Mapping[int, int] | None = None
    invoice: InvoiceText | None = None
    decision: DecisionDocument | None = None
    quality: QualityMonth | None = None
    agreed: Sequence[AgreedChange] = ()


def month_coverage(
    contract: Contract, *, month: Month, daily: Mapping[tuple[str, date], int], today: date
) -> Coverage:
    """What the records cover of the month by ``today`` (`arbitre.contract.coverage.coverage`)."""
    return coverage(contract, month=month, daily=daily, today=today)


def days_above(
    contract: Contract, *, month: Month, daily: Mapping[tuple[str, date], int], covered: Coverage, today: date
) -> list[DayAboveBand]:
    """Every day above its band; month to date, the band is checked on the days with data so far."""
    through = None if today > month.last_day else covered.data_through
    return days_above_band(contract, month=month, daily=daily, through=through)


def excluded_days(
    contract: Contract,
    *,
    month: Month,
    daily: Mapping[tuple[str, date], int],
    today: date,
    agreed: Sequence[AgreedChange] = (),
) -> list[tuple[str, date]]:
    """The (flow, day) pairs left out of the SLAs this month: those the contract's rule leaves
    out, then the changes agreed in settled disputes, in the order they were agreed (a day left
    out, or counted again).
    """
    covered = month_coverage(contract, month=month, daily=daily, today=today)
    out = [
        (d.flow, d.day)
        for d in days_above(contract, month=month, daily=daily, covered=covered, today=today)
        if d.excluded
    ]
    for change in agreed:
        if change.flow is None or change.day is None:
            continue
        pair = (change.flow, change.day)
        if change.kind == "exclude_day" and pair not in out:
            out.append(pair)
        elif change.kind == "include_day" and pair in out:
            out.remove(pair)
    return sorted(out)


def referee(inputs: MonthInputs) -> MonthResult:
    """The month of ``inputs.contract``: SLAs, credits and bonus, invoice check, warnings,
    obligations, trend, business case (module docstring). Not yet recorded: ``run`` is None."""
    contract, month, today = inputs.contract, inputs.month, inputs.today
    covered = month_coverage(contract, month=month, daily=inputs.daily, today=today)
    above = days_above(contract, month=month, daily=inputs.daily, covered=covered, today=today)
    units = priced_month(contract, {flow: inputs.units[flow] for flow in contract.flows})
    results = list(inputs.slas)
    complete = covered.complete
    # Earlier months count once refereed whole: a provisional run charges nothing for good.
    history = [
        r for r in inputs.recorded if r.month < month and r.contract_version is not None and r.complete
    ]
    terms = inputs.earn_back_months or {}
    results = [_as_agreed(r, inputs.agreed) for r in results]
    credits = month_credits(
        contract,
        month=month,
        fees=units.invoice.total,
        outcomes={r.sla.name: SlaOutcome(r.met, r.beat_bonus) for r in results},
        history=[_past(r, terms) for r in history],
        complete=complete,
    )
    reconciliation = (
        reconcile(
            parse_invoice(inputs.invoice.text, file=inputs.invoice.file),
            contract=contract,
            month=units,
            missing_days=None if complete else _missing_words(covered),
        )
        if inputs.invoice is not None
        else None
    )
    days = month.days()
    slas = [_sla(r, credits) for r in results]
    result = MonthResult(
        contract=contract.id,
        contract_version=inputs.version,
        title=contract.title,
        provider=contract.provider.name,
        month=month,
        currency=contract.currency,
        as_of=today,
        complete=complete,
        data_through=covered.data_through,
        coverage=covered,
        charge=charge(covered, net_fees=credits.net_fees),
        units=_units(units),
        fees=units.invoice.total.quantize(CENT),
        fees_lines=[
            FeeLine(component=ln.component, basis=ln.basis, band=ln.band, amount=ln.amount.quantize(CENT))
            for ln in units.invoice.lines
        ],
        at_risk=credits.at_risk.quantize(CENT),
        cap=credits.cap.quantize(CENT),
        slas=slas,
        credits_before_cap=credits.credits_before_cap.quantize(CENT),
        credits_total=credits.credits_total.quantize(CENT),
        earn_back=[
            EarnBackLine(
                month=e.month,
                sla=e.sla,
                amount=e.amount.quantize(CENT),
                status=e.status,
                decided_in=e.decided_in,
                closes=e.closes,
            )
            for e in credits.earn_back
        ],
        earned_back_total=credits.earned_back_total.quantize(CENT),
        bonus_pool=credits.bonus_pool.quantize(CENT),
        bonus_total=credits.bonus_total.quantize(CENT),
        net_fees=credits.net_fees.quantize(CENT),
        bonus_rule=bonus_rule(contract),
        volumes=[
            FlowVolume(
                flow=v.flow,
                forecast=None if v.forecast is None else float(v.forecast),
                actual=v.actual,
                low=None if v.low is None else float(v.low),
                high=None if v.high is None else float(v.high),
                within=v.within,
            )
            for v in month_volumes(contract, month=month, actual=_by_flow(inputs.daily))
        ],
        exclusions=Exclusions(
            rule=days_rule(contract),
            days=[_excluded(e) for e in above if e.excluded],
            days_above_band=above,
            periods=[
                ExcludedPeriod(start=p.start, end=p.end, reason=p.reason)
                for p in contract.exclusions.periods
                if p.start.date() <= days[-1] and p.end.date() >= days[0]
            ],
        ),
        invoice=None
        if reconciliation is None or inputs.invoice is None
        else _invoice(reconciliation, inputs.invoice, occupancy=contract.productivity_occupancy),
        staffing=staffing(units, billed_logged_hours=_billed_hours(reconciliation)),
        warnings=[]
        if today > days[-1] or covered.data_through is None
        else _warnings(contract, results, month=month, through=covered.data_through),
        obligations=_obligations(contract, credits, today=today),
        business_case=_business_case(inputs.decision, contract, units, credits),
        quality=inputs.quality,
        agreed=list(inputs.agreed),
    )
    months = [*history, result]
    return result.model_copy(
        update={
            "trend": [_trend(r) for r in months],
            "trend_directions": {t.sla: t.direction for t in trend((r.month, _values(r)) for r in months)},
        }
    )


def projected_invoice(entries: Sequence[FlowOfferEntry]) -> Decimal:
    """The offer's monthly invoice for the flows of ``entries`` together (each the whole flow at
    one offer, as the decision priced it): the fixed fee once, each flow's variable part, topped up
    to the monthly minimum once — never one minimum per flow (issue 18).

    The fixed fee is what a flow's standalone invoice holds besides its variable part and its
    top-up; progressive volume bands stay priced per flow, as the decision priced its blocks.

    >>> from types import SimpleNamespace as Flow
    >>> def entry(variable):
    ...     top_up = max(Decimal(0), Decimal(15000) - variable)
    ...     return Flow(variable_per_month=variable, per_month=variable + top_up, minimum_top_up=top_up,
    ...                 minimum_monthly=Decimal(15000))
    >>> projected_invoice([entry(Decimal(9000)), entry(Decimal(4000))])  # not 30,000
    Decimal('15000.00')
    """
    if not entries:
        raise ValueError("no flow to price")
    variable = sum((e.variable_per_month or Decimal(0) for e in entries), Decimal(0))
    first = entries[0]
    fixed = (first.per_month or Decimal(0)) - (first.variable_per_month or Decimal(0)) - first.minimum_top_up
    total = fixed + variable
    minimum = first.minimum_monthly
    if minimum is not None and total < minimum:
        total = minimum
    return total.quantize(CENT)


def invoice_sha256(text: str | None) -> str:
    """The fingerprint of an invoice's text (an empty text without one)."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


# --- the parts ---------------------------------------------------------------------------------


def _past(result: MonthResult, terms: Mapping[int, int]) -> PastMonth:
    return PastMonth(
        month=result.month,
        met={s.name: s.met for s in result.slas},
        credits={s.name: s.credit for s in result.slas},
        earn_back_months=None if result.contract_version is None else terms.get(result.contract_version),
    )


def _as_agreed(r: SlaResult, agreed: Sequence[AgreedChange]) -> SlaResult:
    """The SLA's result as the parties last agreed it (met or missed: a bonus only if met and
    earned on the figures), else as computed."""
    met = next((c.met for c in reversed(agreed) if c.kind == "sla_result" and c.sla == r.sla.name), None)
    if met is None or met == r.met:
        return r
    return replace(r, met=met, beat_bonus=r.beat_bonus and met)


def _missing_words(covered: Coverage) -> InvoiceNote:
    """What the records lack, for the invoice check of a month they do not cover."""
    if covered.status == "none":
        return NoRecords()
    return MissingDays(covered=covered.covered, days=covered.days, missing=len(covered.missing_days))


def _by_flow(daily: Mapping[tuple[str, date], int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for (flow, _), n in daily.items():
        out[flow] = out.get(flow, 0) + n
    return out


def _units(units: ProviderMonth) -> Units:
    return Units(
        contacts_offered=units.offered,
        contacts_handled=units.handled,
        productive_hours=units.productive_hours.quantize(CENT),
        logged_hours=units.logged_hours.quantize(CENT),
        logged_hours_estimated=True,
        by_flow={
            flow: FlowMonth(
                offered=f.offered,
                handled=f.handled,
                agents=f.agents,
                aht_s=None if f.aht_s is None else round(f.aht_s, 1),
                productive_hours=f.productive_hours.quantize(CENT),
                logged_hours=units.logged_hours_of(flow).quantize(CENT),
                hours_by_band={b: h.quantize(CENT) for b, h in f.hours_by_band.items()},
            )
            for flow, f in units.by_flow.items()
        },
    )


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def _sla(r: SlaResult, credits: MonthCredits) -> SlaMonth:
    s = r.sla
    c = credits.per_sla[s.name]
    return SlaMonth(
        name=s.name,
        kpi=s.kpi,
        flows=s.flows,
        target=s.target,
        direction=s.better,
        window=s.window,
        min_share_of_windows=s.min_share_of_windows if s.window != "month" else None,
        threshold_s=s.threshold_s,
        actual=_round(r.actual),
        month_value=_round(r.month_value),
        windows=None
        if r.windows is None
        else SlaWindows(total=r.windows.total, met=r.windows.met, excluded=r.windows.excluded),
        contacts=r.contacts,
        excluded_contacts=r.excluded_contacts,
        counted=r.counted,
        counted_unit=KPI_BASIS[s.kpi],
        met=r.met,
        weight=s.weight,
        credit_before_cap=c.credit_before_cap.quantize(CENT),
        credit=c.credit.quantize(CENT),
        bonus_target=s.bonus_target,
        bonus=c.bonus.quantize(CENT),
    )


def _excluded(e: DayAboveBand) -> ExcludedDay:
    return ExcludedDay(
        flow=e.flow,
        day=e.day,
        forecast=round(float(e.forecast), 1),
        limit=round(float(e.limit), 1),
        actual=e.actual,
    )


def _billed_hours(reconciliation: Reconciliation | None) -> dict[str, Decimal]:
    """The logged hours billed per flow (none without an invoice)."""
    billed: dict[str, Decimal] = {}
    for ln in reconciliation.billed if reconciliation is not None else ():
        if ln.unit == "logged_hour" and ln.flow is not None and ln.quantity is not None:
            billed[ln.flow] = billed.get(ln.flow, Decimal(0)) + ln.quantity
    return billed


def _invoice(r: Reconciliation, invoice: InvoiceText, *, occupancy: Decimal) -> InvoiceCheck:
    return InvoiceCheck(
        file=invoice.file,
        sha256=invoice_sha256(invoice.text),
        billed=[b.model_copy(update={"amount": b.amount.quantize(CENT)}) for b in r.billed],
        billed_total=r.billed_total.quantize(CENT),
        computed=list(r.computed),
        computed_total=r.computed_total.quantize(CENT),
        split=r.split,
        differences=list(r.differences),
        flagged=sum(1 for d in r.differences if d.flag != "ok"),
        evidence=evidence_requests(r, occupancy=occupancy),
    )


def _warnings(
    contract: Contract, results: Sequence[SlaResult], *, month: Month, through: date
) -> list[SlaWarning]:
    """Month to date: each SLA on track, at risk or already missed, from the forecast of the rest."""
    out = []
    for r in results:
        sla = r.sla
        if sla.window != "month" and r.windows is not None:
            p = project_windows(
                sla,
                met=r.windows.met,
                total=r.windows.total,
                remaining=sla_remaining_days(contract, sla, month=month, through=through),
            )
        elif sla.kpi in RATIO_KPIS and sla.aggregation == "pooled" and r.actual is not None:
            remaining = sla_remaining(contract, sla, month=month, through=through) or 0.0
            p = project_ratio(
                sla,
                numerator=r.actual * r.contacts,
                denominator=float(r.contacts),
                remaining=remaining,
                contacts=float(r.contacts),
                noun=EMAILS if sla.flows and all("mail" in f for f in sla.flows) else CALLS,
            )
        else:
            p = project_value(
                sla,
                value=r.actual,
                remaining=sla_remaining(contract, sla, month=month, through=through) or 0.0,
            )
        out.append(
            SlaWarning(
                sla=p.sla,
                status=p.status,
                actual=_round(p.actual),
                needed=_round(p.needed),
                remaining=round(p.remaining, 1),
                target=p.target,
                note=p.note,
            )
        )
    return out


def _obligations(contract: Contract, credits: MonthCredits, *, today: date) -> list[ObligationItem]:
    pending = [
        PendingCredit(e.month, e.sla, e.amount, e.closes.last_day)
        for e in credits.earn_back
        if e.status == "pending"
    ]
    weekly = {c.name for c in contract.committees if c.cadence == "weekly"}
    seen: set[str] = set()
    out = []
    for o in obligations(contract, today=today, earn_back=pending):
        name = o.what.committee if isinstance(o.what, Meeting) and o.what.committee in weekly else None
        if name is not None:
            if name in seen:
                continue  # a weekly meeting: the next one is enough for the calendar
            seen.add(name)
        out.append(
            ObligationItem(
                date=o.date,
                kind=o.kind,
                what=o.what,
                days_left=o.days_left,
                severity=o.severity,
            )
        )
    return out


def _trend(r: MonthResult) -> TrendRow:
    return TrendRow(
        month=r.month,
        slas={s.name: TrendSla(actual=s.actual, met=s.met) for s in r.slas},
        fees=r.fees,
        credits_total=r.credits_total,
        bonus_total=r.bonus_total,
        net_fees=r.net_fees,
        contacts_handled=r.units.contacts_handled,
        aht_s={flow: f.aht_s for flow, f in r.units.by_flow.items()},
    )


def _values(r: MonthResult) -> list[SlaValue]:
    return [SlaValue(s.name, s.kpi, s.window, s.direction, s.target, s.actual, s.met) for s in r.slas]


def _business_case(
    decision: DecisionDocument | None, contract: Contract, units: ProviderMonth, credits: MonthCredits
) -> BusinessCase | None:
    """The decision's projection for the contract's flows at its offer against the month's cost."""
    offer = contract.provider.offer
    if decision is None or offer is None:
        return None
    flows = [f for f in decision.flows if f.flow in contract.flows]
    priced = [
        entry for f in flows if (entry := f.offers.get(offer)) is not None and entry.per_month is not None
    ]
    if not flows or len(priced) < len(flows):
        return None
    projected = projected_invoice(priced)
    contacts = sum(f.contacts_per_month for f in flows)
    inhouse = sum((f.inhouse.per_month for f in flows), Decimal(0))
    actual = credits.net_fees
    handled = units.handled
    per_contact_projected = projected / Decimal(str(contacts)) if contacts else None
    per_contact_actual = actual / handled if handled else None
    return BusinessCase(
        decision_id=decision.decision_id,
        offer=offer,
        projected_monthly=projected.quantize(CENT),
        actual_monthly=actual.quantize(CENT),
        projected_contacts=round(contacts),
        actual_contacts=handled,
        projected_per_contact=None if per_contact_projected is None else per_contact_projected.quantize(CENT),
        actual_per_contact=None if per_contact_actual is None else per_contact_actual.quantize(CENT),
        inhouse_monthly=inhouse.quantize(CENT),
        projected_savings_share=float(round(1 - projected / inhouse, 4)) if inhouse > 0 else None,
        actual_savings_share=float(round(1 - actual / inhouse, 4)) if inhouse > 0 else None,
        difference_share=None
        if per_contact_projected is None or per_contact_actual is None or per_contact_projected == 0
        else float(round(per_contact_actual / per_contact_projected - 1, 4)),
        reference_period=decision.reference_period,
        by_flow=[
            FlowCase(
                flow=f.flow,
                projected_contacts=round(f.contacts_per_month),
                actual_contacts=units.by_flow[f.flow].handled,
                projected_aht_s=None if (w := decision.workload(f.flow)) is None else w.aht_s,
                actual_aht_s=None
                if units.by_flow[f.flow].aht_s is None
                else round(units.by_flow[f.flow].aht_s or 0.0, 1),
            )
            for f in flows
        ],
    )


__all__ = [
    "InvoiceText",
    "MonthInputs",
    "days_above",
    "excluded_days",
    "invoice_sha256",
    "month_coverage",
    "projected_invoice",
    "referee",
]
