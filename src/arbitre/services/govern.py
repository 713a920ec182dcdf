"""The monthly run of a contract (step 7 of the method): SLAs, credits, invoice, warnings, record.

For one month and each stored contract in force: the provider's units and the fees the contract
gives on them, the days excluded for volume above the band and the agreed periods, every SLA
computed by the KPI engine on the contract's definitions, met or missed, the credits (allocation,
cap, earn-back against the earlier recorded months) and the bonus, the invoice checked against
the computed units, the month-to-date warnings when the month is not over, the obligations
calendar, the trend over the recorded months and the business case against the actual cost. The
result is recorded with the fingerprint of its inputs (the contract's version, the store's
partitions, the invoice), so it can be reproduced; running a month again gives the same figures.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
from sqlalchemy import select

from arbitre.contract.coverage import Coverage, charge, coverage
from arbitre.contract.credits import (
    MonthCredits,
    PastMonth,
    SlaOutcome,
    bonus_rule,
    month_credits,
)
from arbitre.contract.obligations import PendingCredit, obligations
from arbitre.contract.reconcile import Reconciliation, evidence_requests, parse_invoice, reconcile
from arbitre.contract.sla import EXCLUDED_DAYS, KPI_BASIS, SlaResult, evaluate, scope_sql
from arbitre.contract.units import ProviderMonth, provider_month, staffing
from arbitre.contract.volumes import DayAboveBand, days_above_band, days_rule, month_volumes
from arbitre.contract.watch import (
    CALLS,
    EMAILS,
    RATIO_KPIS,
    project_ratio,
    project_value,
    project_windows,
    sla_remaining,
    sla_remaining_days,
    trend,
)
from arbitre.contract.words import Said
from arbitre.domain.contract import Contract
from arbitre.domain.month import Month, read_month
from arbitre.errors import InputError
from arbitre.services.contracts import contract_in_force, list_contracts, load_contract
from arbitre.services.quality_checks import quality_month, with_quality
from arbitre.store.appdb import GovernanceRun, session_scope
from arbitre.store.decisions import latest_decision
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace


def govern(
    ws: Workspace,
    *,
    month: str | Month,
    contract_id: str | None = None,
    invoice: Path | None = None,
    who: str | None = None,
    today: date | None = None,
    record: bool = True,
) -> list[dict[str, Any]]:
    """The month's results of every contract in force (or of ``contract_id``), recorded.

    ``today`` is the run date (by default today in the workspace's time zone): the month must have
    begun by then, the obligations count their days from it, and the month is charged as complete
    only when it is over by then and the provider's records cover it (`arbitre.contract.coverage`).
    """
    month = check_month(month)
    today = today or local_today(ws.settings.timezone)
    check_begun(month, today=today)
    in_force = contracts_in_force(ws, month=month, contract_id=contract_id)
    if invoice is not None and len(in_force) > 1:
        raise InputError("an invoice belongs to one contract: give --contract", field="--invoice")
    invoice_text = _read(invoice) if invoice is not None else None
    out = []
    for contract, version in in_force:
        # Without --invoice, the invoice given with an earlier run of the month still stands.
        given = (
            (str(invoice), invoice_text) if invoice is not None else _stored_invoice(ws, contract.id, month)
        )
        doc = _run(ws, contract, version, month=month, invoice=given, today=today)
        if record:
            _record(ws, contract, version, month, doc, who=who, invoice_text=given[1])
        out.append(doc)
    return out


def contracts_in_force(
    ws: Workspace, *, month: Month, contract_id: str | None = None
) -> list[tuple[Contract, int]]:
    """The stored contracts (or ``contract_id``) in force in ``month``, each with the version in
    force then (`arbitre.services.contracts.contract_in_force`); none is an error that says which
    contracts there are."""
    ids = [contract_id] if contract_id else [c["contract"] for c in list_contracts(ws)]
    if not ids:
        raise InputError(f"no contract stored in {ws.root}: store one with `arbitre contract {ws.root} FILE`")
    versions = [contract_in_force(ws, cid, month=month) for cid in ids]
    in_force = [found for found in versions if found is not None and month in found[0].months()]
    if not in_force:
        raise InputError(f"no contract in force in {month} ({', '.join(ids)})", field="--month")
    return in_force


def _stored_invoice(ws: Workspace, contract_id: str, month: Month) -> tuple[str | None, str | None]:
    """The invoice of the latest run of the month that had one: (its file, its text)."""
    with session_scope(ws.engine) as session:
        row = session.scalars(
            select(GovernanceRun)
            .where(
                GovernanceRun.contract_id == contract_id,
                GovernanceRun.month == month,
                GovernanceRun.invoice.is_not(None),
            )
            .order_by(GovernanceRun.created_at.desc())
            .limit(1)
        ).first()
        if row is None:
            return None, None
        stored = json.loads(row.result).get("invoice") or {}
        return str(stored.get("file") or f"invoice of run {row.id}"), row.invoice


def runs(ws: Workspace, contract_id: str) -> list[dict[str, Any]]:
    """The latest recorded result of each month of a contract, oldest month first."""
    with session_scope(ws.engine) as session:
        rows = session.scalars(
            select(GovernanceRun)
            .where(GovernanceRun.contract_id == contract_id)
            .order_by(GovernanceRun.month, GovernanceRun.created_at)
        ).all()
        latest: dict[str, str] = {}
        for r in rows:
            latest[r.month] = r.result
    return [json.loads(latest[m]) for m in sorted(latest)]


# --- one contract, one month -----------------------------------------------------------------


def _run(
    ws: Workspace,
    contract: Contract,
    version: int,
    *,
    month: Month,
    invoice: tuple[str | None, str | None],
    today: date,
) -> dict[str, Any]:
    tz = ws.settings.timezone
    store = InteractionStore(ws)
    source = with_quality(ws, store.source_sql(_around(month)))  # quality KPIs can be SLAs (issue 14)
    con = connect(tz)
    try:
        daily = _daily(con, source, contract, month=month, tz=tz)
        covered = coverage(contract, month=month, daily=daily, today=today)
        days = month.days()
        # Month to date, the month's band is checked on the days with data so far.
        through = None if today > days[-1] else covered.data_through
        above = days_above_band(contract, month=month, daily=daily, through=through)
        excluded = [d for d in above if d.excluded]
        con.register(
            "_excluded", pa.table({"flow": [e.flow for e in excluded], "day": [e.day for e in excluded]})
        )
        con.execute(
            f"CREATE TEMP TABLE {EXCLUDED_DAYS} AS SELECT flow::VARCHAR AS flow, day::DATE AS day FROM _excluded"
        )
        units = provider_month(con, source, contract, month=month, tz=tz, bands=ws.settings.hour_bands)
        results = [
            evaluate(
                con,
                source,
                contract,
                sla,
                month=month,
                tz=tz,
                interval_min=ws.settings.interval_min,
                with_excluded_days=True,
            )
            for sla in contract.slas
        ]
    finally:
        con.close()
    complete = covered.complete
    # Earlier months count once refereed whole: a provisional run charges nothing for good.
    history = [
        r
        for r in runs(ws, contract.id)
        if r["month"] < month and r.get("contract_version") is not None and r.get("complete", True)
    ]
    terms = _earn_back_terms(ws, contract.id, {int(r["contract_version"]) for r in history})
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
            parse_invoice(invoice[1], file=str(invoice[0])),
            contract=contract,
            month=units,
            missing_days=None if complete else _missing_words(covered),
        )
        if invoice[1] is not None
        else None
    )
    doc: dict[str, Any] = {
        "contract": contract.id,
        "contract_version": version,
        "title": contract.title,
        "provider": contract.provider.name,
        "month": month,
        "currency": contract.currency,
        "as_of": today.isoformat(),
        "complete": complete,
        "data_through": None if covered.data_through is None else covered.data_through.isoformat(),
        "coverage": covered.model_dump(mode="json"),
        "charge": charge(covered, net_fees=credits.net_fees).model_dump(mode="json"),
        "units": _units(units),
        "fees": _m(units.invoice.total),
        "fees_lines": [
            {"component": ln.component, "basis": ln.basis, "band": ln.band, "amount": _m(ln.amount)}
            for ln in units.invoice.lines
        ],
        "at_risk": _m(credits.at_risk),
        "cap": _m(credits.cap),
        "slas": [_sla(r, credits) for r in results],
        **_money(credits),
        "bonus_rule": bonus_rule(contract).model_dump(mode="json"),
        "volumes": [
            {
                "flow": v.flow,
                "forecast": None if v.forecast is None else float(v.forecast),
                "actual": v.actual,
                "low": None if v.low is None else float(v.low),
                "high": None if v.high is None else float(v.high),
                "within": v.within,
            }
            for v in month_volumes(contract, month=month, actual=_by_flow(daily))
        ],
        "exclusions": {
            "rule": days_rule(contract).model_dump(mode="json"),
            "days": [_excluded(e) for e in excluded],
            "days_above_band": [d.model_dump(mode="json") for d in above],
            "periods": [
                {"start": p.start.isoformat(), "end": p.end.isoformat(), "reason": p.reason}
                for p in contract.exclusions.periods
                if p.start.date() <= days[-1] and p.end.date() >= days[0]
            ],
        },
        "invoice": None
        if reconciliation is None
        else _invoice(reconciliation, invoice, occupancy=contract.productivity_occupancy),
    }
    doc["staffing"] = [
        s.model_dump(mode="json") for s in staffing(units, billed_logged_hours=_billed_hours(reconciliation))
    ]
    doc["warnings"] = (
        []
        if today > days[-1] or covered.data_through is None
        else _warnings(contract, results, month=month, through=covered.data_through)
    )
    doc["obligations"] = _obligations(contract, credits, today=today)
    doc["trend"] = [*[_trend(r) for r in history], _trend(doc)]
    doc["trend_directions"] = {t.sla: t.direction for t in trend([*history, doc])}
    doc["business_case"] = _business_case(ws, contract, units, credits)
    quality = quality_month(ws, month=month, sites=contract.provider.sites, flows=contract.flows)
    doc["quality"] = None if quality is None else quality.model_dump(mode="json")
    return doc


def _earn_back_terms(ws: Workspace, contract_id: str, versions: set[int]) -> dict[int, int]:
    """The earn-back months of each contract version (0: none), to settle each credit under the
    terms of the version that charged it."""
    out = {}
    for v in sorted(versions):
        c, _ = load_contract(ws, contract_id, version=v)
        out[v] = c.credits.earn_back.months if c.credits.earn_back is not None else 0
    return out


def _missing_words(covered: Coverage) -> Said:
    """What the records lack, for the invoice check of a month they do not cover."""
    n, total = len(covered.missing_days), covered.days
    if covered.status == "none":
        return Said(
            "aucune interaction du prestataire ce mois : demander son export",
            "no interaction of the provider this month: ask for its export",
        )
    return Said(
        f"les interactions couvrent {covered.covered} jours sur {total} ({n} manquants) : demander l'export des jours manquants",
        f"the records cover {covered.covered} days of {total} ({n} missing): ask for the missing days' export",
    )


def _warnings(
    contract: Contract, results: Sequence[SlaResult], *, month: Month, through: date
) -> list[dict[str, Any]]:
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
            {
                "sla": p.sla,
                "status": p.status,
                "actual": None if p.actual is None else round(p.actual, 6),
                "needed": None if p.needed is None else round(p.needed, 6),
                "remaining": round(p.remaining, 1),
                "target": p.target,
                "note": {"fr": p.note_fr, "en": p.note_en},
            }
        )
    return out


def _obligations(contract: Contract, credits: MonthCredits, *, today: date) -> list[dict[str, Any]]:
    pending = [
        PendingCredit(e.month, e.sla, e.amount, e.closes.last_day)
        for e in credits.earn_back
        if e.status == "pending"
    ]
    weekly = {c.name for c in contract.committees if c.cadence == "weekly"}
    seen: set[str] = set()
    out = []
    for o in obligations(contract, today=today, earn_back=pending):
        name = next(
            (n for n in weekly if o.kind == "committee" and o.what_en.partition(" (")[0] == f"meeting: {n}"),
            None,
        )
        if name is not None:
            if name in seen:
                continue  # a weekly meeting: the next one is enough for the calendar
            seen.add(name)
        out.append(
            {
                "date": o.date.isoformat(),
                "kind": o.kind,
                "what": {"fr": o.what_fr, "en": o.what_en},
                "days_left": o.days_left,
                "severity": o.severity,
            }
        )
    return out


def _around(month: Month) -> list[str]:
    """The store's partitions that may hold the month's local days (its neighbours too)."""
    return [month.shift(-1), month, month.shift(1)]


def _daily(
    con: duckdb.DuckDBPyConnection, source: str, contract: Contract, *, month: Month, tz: str
) -> dict[tuple[str, date], int]:
    scoped = scope_sql(source, contract, month=month, tz=tz)
    rows = con.sql(
        f"SELECT flow, CAST(timezone('{tz}', arrived_at) AS DATE) AS day, count(*) FROM {scoped} AS s GROUP BY ALL"
    ).fetchall()
    return {(flow, day): int(n) for flow, day, n in rows}


def _by_flow(daily: dict[tuple[str, date], int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for (flow, _), n in daily.items():
        out[flow] = out.get(flow, 0) + n
    return out


def _past(result: dict[str, Any], terms: dict[int, int]) -> PastMonth:
    return PastMonth(
        month=Month(result["month"]),
        met={s["name"]: s["met"] for s in result["slas"]},
        credits={s["name"]: Decimal(s["credit"]) for s in result["slas"]},
        earn_back_months=terms.get(int(result["contract_version"])),
    )


# --- the document ------------------------------------------------------------------------


def _m(x: Decimal) -> str:
    return str(x.quantize(Decimal("0.01")))


def _units(units: ProviderMonth) -> dict[str, Any]:
    return {
        "contacts_offered": units.offered,
        "contacts_handled": units.handled,
        "productive_hours": _m(units.productive_hours),
        "logged_hours": _m(units.logged_hours),
        "logged_hours_estimated": True,
        "by_flow": {
            flow: {
                "offered": f.offered,
                "handled": f.handled,
                "agents": f.agents,
                "aht_s": None if f.aht_s is None else round(f.aht_s, 1),
                "productive_hours": _m(f.productive_hours),
                "logged_hours": _m(units.logged_hours_of(flow)),
                "hours_by_band": {b: _m(h) for b, h in f.hours_by_band.items()},
            }
            for flow, f in units.by_flow.items()
        },
    }


def _sla(r: SlaResult, credits: MonthCredits) -> dict[str, Any]:
    s = r.sla
    c = credits.per_sla[s.name]
    return {
        "name": s.name,
        "kpi": s.kpi,
        "flows": s.flows,
        "target": s.target,
        "direction": s.better,
        "window": s.window,
        "min_share_of_windows": s.min_share_of_windows if s.window != "month" else None,
        "threshold_s": s.threshold_s,
        "actual": None if r.actual is None else round(r.actual, 6),
        "month_value": None if r.month_value is None else round(r.month_value, 6),
        "windows": None
        if r.windows is None
        else {"total": r.windows.total, "met": r.windows.met, "excluded": r.windows.excluded},
        "contacts": r.contacts,
        "excluded_contacts": r.excluded_contacts,
        "counted": r.counted,
        "counted_unit": KPI_BASIS[s.kpi],
        "met": r.met,
        "weight": str(s.weight),
        "credit_before_cap": _m(c.credit_before_cap),
        "credit": _m(c.credit),
        "bonus_target": s.bonus_target,
        "bonus": _m(c.bonus),
    }


def _money(c: MonthCredits) -> dict[str, Any]:
    return {
        "credits_before_cap": _m(c.credits_before_cap),
        "credits_total": _m(c.credits_total),
        "earn_back": [
            {
                "month": e.month,
                "sla": e.sla,
                "amount": _m(e.amount),
                "status": e.status,
                "decided_in": e.decided_in,
                "closes": e.closes,
            }
            for e in c.earn_back
        ],
        "earned_back_total": _m(c.earned_back_total),
        "bonus_pool": _m(c.bonus_pool),
        "bonus_total": _m(c.bonus_total),
        "net_fees": _m(c.net_fees),
    }


def _excluded(e: DayAboveBand) -> dict[str, Any]:
    return {
        "flow": e.flow,
        "day": e.day.isoformat(),
        "forecast": round(float(e.forecast), 1),
        "limit": round(float(e.limit), 1),
        "actual": e.actual,
        "reason": "volume above the forecast band",
    }


def _billed_hours(reconciliation: Reconciliation | None) -> dict[str, Decimal]:
    """The logged hours billed per flow (none without an invoice)."""
    billed: dict[str, Decimal] = {}
    for ln in reconciliation.billed if reconciliation is not None else ():
        if ln.unit == "logged_hour" and ln.flow is not None and ln.quantity is not None:
            billed[ln.flow] = billed.get(ln.flow, Decimal(0)) + ln.quantity
    return billed


def _invoice(
    r: Reconciliation, invoice: tuple[str | None, str | None], *, occupancy: Decimal
) -> dict[str, Any]:
    path, text = invoice
    return {
        "file": path,
        "sha256": hashlib.sha256((text or "").encode("utf-8")).hexdigest(),
        "billed": [
            {
                "line": b.line,
                "flow": b.flow,
                "unit": b.unit,
                "band": b.band,
                "quantity": None if b.quantity is None else str(b.quantity),
                "unit_price": None if b.unit_price is None else str(b.unit_price),
                "amount": _m(b.amount),
            }
            for b in r.billed
        ],
        "billed_total": _m(r.billed_total),
        # The units the interactions give for each billed unit and flow; their price is `fees_lines`.
        "computed": [c.model_dump(mode="json") for c in r.computed],
        "computed_total": _m(r.computed_total),
        "split": None if r.split is None else r.split.model_dump(mode="json"),
        "differences": [d.model_dump(mode="json") for d in r.differences],
        "flagged": sum(1 for d in r.differences if d.flag != "ok"),
        "evidence": [e.model_dump(mode="json") for e in evidence_requests(r, occupancy=occupancy)],
    }


def _trend(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "month": doc["month"],
        "slas": {s["name"]: {"actual": s["actual"], "met": s["met"]} for s in doc["slas"]},
        "fees": doc["fees"],
        "credits_total": doc["credits_total"],
        "bonus_total": doc["bonus_total"],
        "net_fees": doc["net_fees"],
        "contacts_handled": doc["units"]["contacts_handled"],
        "aht_s": {flow: f.get("aht_s") for flow, f in doc["units"]["by_flow"].items()},
    }


def _business_case(
    ws: Workspace, contract: Contract, units: ProviderMonth, credits: MonthCredits
) -> dict[str, Any] | None:
    """The decision's projection for the contract's flows at its offer against the month's cost."""
    decision = latest_decision(ws)
    offer = contract.provider.offer
    if decision is None or offer is None:
        return None
    flows = [f for f in decision.flows if f.flow in contract.flows]
    priced = [f.offers.get(offer) for f in flows]
    if not flows or any(p is None or p.per_month is None for p in priced):
        return None
    projected = sum((p.per_month for p in priced if p is not None and p.per_month is not None), Decimal(0))
    contacts = sum(f.contacts_per_month for f in flows)
    by_flow = [
        {
            "flow": f.flow,
            "projected_contacts": round(f.contacts_per_month),
            "actual_contacts": units.by_flow[f.flow].handled,
            "projected_aht_s": None if (w := decision.workload(f.flow)) is None else w.aht_s,
            "actual_aht_s": None
            if units.by_flow[f.flow].aht_s is None
            else round(units.by_flow[f.flow].aht_s or 0.0, 1),
        }
        for f in flows
    ]
    inhouse = sum((f.inhouse.per_month for f in flows), Decimal(0))
    actual = credits.net_fees
    handled = units.handled
    per_contact_projected = projected / Decimal(str(contacts)) if contacts else None
    per_contact_actual = actual / handled if handled else None
    return {
        "decision_id": decision.decision_id,
        "offer": offer,
        "projected_monthly": _m(projected),
        "actual_monthly": _m(actual),
        "projected_contacts": round(contacts),
        "actual_contacts": handled,
        "projected_per_contact": None if per_contact_projected is None else _m(per_contact_projected),
        "actual_per_contact": None if per_contact_actual is None else _m(per_contact_actual),
        "inhouse_monthly": _m(inhouse),
        "projected_savings_share": float(round(1 - projected / inhouse, 4)) if inhouse > 0 else None,
        "actual_savings_share": float(round(1 - actual / inhouse, 4)) if inhouse > 0 else None,
        "difference_share": None
        if per_contact_projected is None or per_contact_actual is None or per_contact_projected == 0
        else float(round(per_contact_actual / per_contact_projected - 1, 4)),
        "reference_period": decision.reference_period.model_dump(mode="json"),
        "by_flow": by_flow,
    }


# --- the record ----------------------------------------------------------------------------


def _fingerprint(
    ws: Workspace, contract: Contract, version: int, month: Month, invoice_text: str | None
) -> str:
    digest = hashlib.sha256()
    digest.update(f"{contract.id}:{version}:{month}".encode())
    parts = InteractionStore(ws).partitions()
    digest.update(json.dumps(sorted((m, parts[m]) for m in _around(month) if m in parts)).encode())
    digest.update((invoice_text or "").encode("utf-8"))
    return digest.hexdigest()


def _record(
    ws: Workspace,
    contract: Contract,
    version: int,
    month: Month,
    doc: dict[str, Any],
    *,
    who: str | None,
    invoice_text: str | None,
) -> None:
    run_id = uuid.uuid4().hex
    created = datetime.now(UTC)
    author = who or os.environ.get("ARBITRE_USER") or getpass.getuser()
    fingerprint = _fingerprint(ws, contract, version, month, invoice_text)
    doc["run"] = {
        "id": run_id,
        "created_at": created.isoformat(timespec="seconds"),
        "who": author,
        "inputs_sha256": fingerprint,
    }
    with session_scope(ws.engine) as session:
        session.add(
            GovernanceRun(
                id=run_id,
                contract_id=contract.id,
                contract_version=version,
                month=month,
                created_at=created,
                who=author,
                inputs_sha256=fingerprint,
                invoice=invoice_text,
                result=json.dumps(doc, ensure_ascii=False),
            )
        )


def local_today(tz: str, *, now: datetime | None = None) -> date:
    """The date in the workspace's time zone ``tz`` (at ``now``, by default the clock's): the
    run date, so that a run at 00:30 in Paris on 1 July counts June as over.

    >>> local_today("Europe/Paris", now=datetime(2026, 6, 30, 22, 30, tzinfo=UTC))
    datetime.date(2026, 7, 1)
    """
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()


def check_begun(month: Month, *, today: date) -> None:
    """Refuse a month that has not begun by the run date ``today``: nothing can be refereed."""
    if month > Month.of(today):
        raise InputError(
            f"{month} has not begun (the run date is {today.isoformat()}): a month is refereed once it has begun",
            field="--month",
        )


def check_month(month: str | Month) -> Month:
    """The month of the `--month` of the commands; anything but ``YYYY-MM`` refused."""
    return read_month(month)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except UnicodeDecodeError:
        try:
            return path.read_text(encoding="cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 or Windows-1252 text ({exc.reason})", file=str(path)) from None


__all__ = ["check_begun", "check_month", "contracts_in_force", "govern", "local_today", "runs"]
