"""`arbitre contract` and `arbitre govern`: store the contract, referee each month."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from arbitre.cli.output import out, print_json, print_table, status
from arbitre.services.contracts import contract_history, list_contracts, store_contract
from arbitre.services.govern import govern as run_govern
from arbitre.store.workspace import Workspace


def register(app: typer.Typer) -> None:
    app.command("contract")(contract)
    app.command("govern")(govern)


def contract(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    file: Annotated[
        Path | None, typer.Argument(help="A contract YAML file to store (a new version).")
    ] = None,
    who: Annotated[str | None, typer.Option("--as", help="Who stores it (default: the system user).")] = None,
    history: Annotated[
        str | None, typer.Option("--history", help="List every version of this contract.")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Store a contract (validated whole; each change a new version) or list the stored ones."""
    ws = Workspace.open(directory)
    try:
        if file is not None:
            stored = store_contract(ws, file, who=who)
            document: Any = {
                "contract": stored.contract.id,
                "version": stored.version,
                "unchanged": stored.unchanged,
                "changes": stored.changes,
            }
        elif history is not None:
            document = {"contract": history, "versions": contract_history(ws, history)}
        else:
            document = list_contracts(ws)
    finally:
        ws.close()
    if json:
        print_json(document)
        return
    if file is not None:
        if document["unchanged"]:
            out.print(f"{document['contract']}: unchanged (version {document['version']})")
        else:
            out.print(f"{document['contract']}: stored as version {document['version']}")
            for c in document["changes"]:
                out.print(f"  {c['field']}: {c['before']} → {c['after']}", markup=False)
    elif history is not None:
        for v in document["versions"]:
            out.print(
                f"version {v['version']} — {v['created_at']} by {v['who']} from {v['source']}", markup=False
            )
            for c in v["changes"]:
                out.print(f"  {c['field']}: {c['before']} → {c['after']}", markup=False)
    else:
        for c in document:
            out.print(f"{c['contract']} (version {c['version']})")


def govern(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    month: Annotated[str, typer.Option("--month", help="The month to referee, YYYY-MM.")],
    contract_id: Annotated[str | None, typer.Option("--contract", help="Only this contract.")] = None,
    invoice: Annotated[
        Path | None, typer.Option("--invoice", help="The provider's invoice CSV for the month, to reconcile.")
    ] = None,
    who: Annotated[str | None, typer.Option("--as", help="Who runs it (default: the system user).")] = None,
    json: Annotated[
        bool, typer.Option("--json", help="Print the results as JSON (a list, one per contract).")
    ] = False,
) -> None:
    """SLAs on the contract's definitions, credits and bonus, invoice check, warnings; recorded."""
    ws = Workspace.open(directory)
    try:
        with status(f"Refereeing {month}…"):
            documents = run_govern(ws, month=month, contract_id=contract_id, invoice=invoice, who=who)
    finally:
        ws.close()
    if json:
        print_json(documents)
        return
    for d in documents:
        print_month(d)


def _fmt(value: float | None, kpi: str) -> str:
    if value is None:
        return "—"
    if kpi in ("asa_s", "aht_s"):
        return f"{value:,.0f} s"
    if kpi in ("nps", "qa_score", "csat_mean"):
        return f"{value:,.1f}"
    return f"{100 * value:.1f}%"


def _eur(value: str | None, currency: str) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f} {currency}"


def _days_left(n: int) -> str:
    """``in 3 days``, ``today``, ``overdue by 54 days``."""
    if n == 0:
        return "today"
    days = f"{abs(n)} day{'s' if abs(n) != 1 else ''}"
    return f"in {days}" if n > 0 else f"overdue by {days}"


def print_month(d: dict[str, Any]) -> None:
    """One contract's month as tables: SLAs, money, invoice, warnings, obligations."""
    cur = d["currency"]
    state = "" if d["complete"] else f" — month to date, data through {d['data_through']}"
    rows = []
    for s in d["slas"]:
        target = ("≥ " if s["direction"] == "at_least" else "≤ ") + _fmt(s["target"], s["kpi"])
        if s["window"] == "month":
            shown = _fmt(s["actual"], s["kpi"])
        else:  # a day or interval SLA: the share of its windows within the target
            needed = s.get("min_share_of_windows") or 1
            target += f" a {s['window']}, on {100 * needed:.0f}% of {s['window']}s"
            shown = "—" if s["actual"] is None else f"{100 * s['actual']:.0f}% of {s['window']}s"
        rows.append(
            [
                s["name"],
                s["kpi"],
                target,
                shown,
                _fmt(s["month_value"], s["kpi"]),
                "—" if s["met"] is None else ("met" if s["met"] else "MISSED"),
                _eur(s["credit"], cur),
                _eur(s["bonus"], cur),
            ]
        )
    print_table(
        f"{d['contract']} v{d['contract_version']} — {d['provider']} — {d['month']}{state}",
        ["SLA", "KPI", "target", "actual", "month value", "result", "credit", "bonus"],
        rows,
        text=2,
    )
    out.print(
        f"Fees {_eur(d['fees'], cur)} · at risk {_eur(d['at_risk'], cur)} · cap {_eur(d['cap'], cur)} · "
        f"credits {_eur(d['credits_total'], cur)} · earned back {_eur(d['earned_back_total'], cur)} · "
        f"bonus {_eur(d['bonus_total'], cur)} · net {_eur(d['net_fees'], cur)}"
    )
    for e in d["earn_back"]:
        out.print(
            f"  earn-back: {e['sla']} credit of {e['month']} ({_eur(e['amount'], cur)}) {e['status']}",
            markup=False,
        )
    excluded = d["exclusions"]["days"]
    if excluded:
        days = ", ".join(f"{e['flow']} {e['day']}" for e in excluded)
        out.print(f"  excluded for volume above the band: {days}")
    for p in d["exclusions"].get("periods") or []:
        out.print(f"  excluded period: {p['start']} to {p['end']} — {p['reason']}", markup=False)
    inv = d.get("invoice")
    if inv is not None:
        flagged = [x for x in inv["differences"] if x["flag"] != "ok"]
        out.print(
            f"Invoice: billed {_eur(inv['billed_total'], cur)}, computed {_eur(inv['computed_total'], cur)}; "
            f"{len(flagged)} difference(s) flagged"
        )
        for x in flagged:
            share = "" if x["share"] is None else f" ({100 * x['share']:+.1f}%)"
            out.print(
                f"  {x['flag']}: {x['item']}: billed {x['billed']}, computed {x['computed']}{share} — {x['note']}",
                markup=False,
            )
    for w in d.get("warnings") or []:
        out.print(
            f"  {w['status']}: {w['sla']} — {w['note']['en'] if isinstance(w['note'], dict) else w['note']}",
            markup=False,
        )
    for o in (d.get("obligations") or [])[:6]:
        what = o["what"]["en"] if isinstance(o["what"], dict) else o["what"]
        out.print(f"  {o['date']} ({_days_left(o['days_left'])}): {what}", markup=False)
    bc = d.get("business_case")
    if bc is not None and bc.get("actual_per_contact") is not None:
        out.print(
            f"Business case: {bc['projected_per_contact']} {cur} a contact projected, {bc['actual_per_contact']} actual"
        )
