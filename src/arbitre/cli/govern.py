"""`arbitre contract` and `arbitre govern`: store the contract, referee each month."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from arbitre.cli.output import out, print_json, print_table, status
from arbitre.contract.result import MonthResult
from arbitre.errors import InputError
from arbitre.reports.governance_format import (
    actual_text,
    day_label,
    difference_item,
    invoice_figure,
    kpi_value,
    label,
    month_label,
    target_text,
    time_label,
)
from arbitre.reports.governance_text import charge_text
from arbitre.reports.html import money, num, pct
from arbitre.reports.i18n import t
from arbitre.reports.notes import say
from arbitre.services.contracts import FieldChange, contract_history, list_contracts, store_contract
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
    effective: Annotated[
        str | None,
        typer.Option(
            "--effective",
            help="The first month (YYYY-MM) refereed under this version (default: the month after the last "
            "month refereed whole, or the contract's start).",
        ),
    ] = None,
    history: Annotated[
        str | None, typer.Option("--history", help="List every version of this contract.")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the text: fr or en.")] = "en",
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Store a contract (validated whole; each change a new version, in force from its effective
    month) or list the stored ones."""
    check_lang(lang)
    ws = Workspace.open(directory)
    try:
        stored = store_contract(ws, file, who=who, effective=effective) if file is not None else None
        versions = contract_history(ws, history) if stored is None and history is not None else []
        contracts = list_contracts(ws) if stored is None and history is None else []
    finally:
        ws.close()
    if json:
        if stored is not None:
            print_json(
                {
                    "contract": stored.contract.id,
                    "version": stored.version,
                    "effective_month": stored.effective_month,
                    "unchanged": stored.unchanged,
                    "changes": [c.model_dump(mode="json") for c in stored.changes],
                }
            )
        elif history is not None:
            print_json({"contract": history, "versions": [v.model_dump(mode="json") for v in versions]})
        else:
            print_json([c.model_dump(mode="json") for c in contracts])
        return
    if stored is not None:
        key = "cli.unchanged" if stored.unchanged else "cli.stored"
        out.print(
            t(key, lang).format(
                contract=stored.contract.id,
                version=stored.version,
                effective=month_label(stored.effective_month, lang),
            ),
            markup=False,
        )
        if not stored.unchanged:
            _print_changes(stored.changes)
    elif history is not None:
        for v in versions:
            out.print(
                t("cli.version", lang).format(
                    version=v.version,
                    effective=month_label(v.effective_month, lang),
                    created=v.created_at.isoformat(timespec="seconds"),
                    who=v.who,
                    source=v.source,
                ),
                markup=False,
            )
            _print_changes(v.changes)
    else:
        for c in contracts:
            out.print(t("cli.contract", lang).format(contract=c.contract, version=c.version), markup=False)


def _print_changes(changes: list[FieldChange]) -> None:
    for c in changes:
        out.print(f"  {c.field}: {c.before} → {c.after}", markup=False)


def govern(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    month: Annotated[str, typer.Option("--month", help="The month to referee, YYYY-MM.")],
    contract_id: Annotated[str | None, typer.Option("--contract", help="Only this contract.")] = None,
    invoice: Annotated[
        Path | None, typer.Option("--invoice", help="The provider's invoice CSV for the month, to reconcile.")
    ] = None,
    who: Annotated[str | None, typer.Option("--as", help="Who runs it (default: the system user).")] = None,
    lang: Annotated[str, typer.Option(help="Language of the tables: fr or en.")] = "en",
    json: Annotated[
        bool, typer.Option("--json", help="Print the results as JSON (a list, one per contract).")
    ] = False,
) -> None:
    """SLAs on the contract's definitions, credits and bonus, invoice check, warnings; recorded."""
    check_lang(lang)
    ws = Workspace.open(directory)
    try:
        with status(f"Refereeing {month}…"):
            documents = run_govern(ws, month=month, contract_id=contract_id, invoice=invoice, who=who)
    finally:
        ws.close()
    if json:
        print_json([d.model_dump(mode="json") for d in documents])
        return
    for d in documents:
        print_month(d, lang=lang)


def check_lang(lang: str) -> None:
    if lang not in ("fr", "en"):
        raise InputError(field="--lang", expected="fr or en", got=lang)


def _days_left(n: int, lang: str) -> str:
    """``in 3 days``, ``today``, ``overdue by 54 days`` (and in French)."""
    if n == 0:
        return t("cli.today", lang)
    key = "cli.in_days" if n > 0 else "cli.overdue_by"
    return t(key + ("_1" if abs(n) == 1 else ""), lang).format(n=num(abs(n), lang))


def print_month(d: MonthResult, *, lang: str = "en") -> None:
    """One contract's month as tables: SLAs, money, invoice, warnings, obligations — in ``lang``."""
    cur = d.currency

    def eur(value: Decimal | None) -> str:
        return money(value, lang, cur, 2)

    state = ""
    if d.coverage is not None and d.charge is not None and d.charge.status != "final":
        state = " — " + charge_text(d.charge, d.coverage, lang=lang, currency=cur)
    elif not d.complete:
        state = " — " + t("cli.month_to_date", lang).format(day=day_label(d.data_through, lang))
    rows = []
    for s in d.slas:
        basis = f"{num(s.counted, lang)} {t('basis.' + s.counted_unit, lang)}" if s.counted_unit else "—"
        rows.append(
            [
                s.name,
                t(f"kpi.{s.kpi}", lang),
                target_text(s, lang, windows=True),
                actual_text(s, lang),
                kpi_value(s.month_value, s.kpi, lang),
                basis,
                "—" if s.met is None else (t("gov.met", lang) if s.met else t("cli.missed", lang)),
                eur(s.credit),
                eur(s.bonus),
            ]
        )
    print_table(
        f"{d.contract} v{d.contract_version} — {d.provider} — {month_label(d.month, lang)}{state}",
        [
            t("gov.col.sla", lang),
            t("cli.col.kpi", lang),
            t("cli.col.target", lang),
            t("cli.col.actual", lang),
            t("cli.col.month_value", lang),
            t("cli.col.counted", lang),
            t("cli.col.result", lang),
            t("cli.col.credit", lang),
            t("cli.col.bonus", lang),
        ],
        rows,
        text=3,
    )
    out.print(
        t("cli.money", lang).format(
            fees=eur(d.fees),
            at_risk=eur(d.at_risk),
            cap=eur(d.cap),
            credits=eur(d.credits_total),
            earned_back=eur(d.earned_back_total),
            bonus=eur(d.bonus_total),
            net=eur(d.net_fees),
        ),
        markup=False,
    )
    for e in d.earn_back:
        status = label(f"earn.{e.status}", lang, e.status)
        out.print(
            "  "
            + t("cli.earn_back", lang).format(
                sla=e.sla, month=month_label(e.month, lang), amount=eur(e.amount), status=status
            ),
            markup=False,
        )
    excluded = d.exclusions.days
    if excluded:
        days = ", ".join(f"{e.flow} {day_label(e.day, lang)}" for e in excluded)
        out.print("  " + t("cli.excluded", lang).format(days=days), markup=False)
    kept = [x for x in d.exclusions.days_above_band if not x.excluded]
    if kept:
        days = ", ".join(f"{x.flow} {day_label(x.day, lang)}" for x in kept)
        out.print("  " + t("cli.above_kept", lang).format(days=days), markup=False)
    for period in d.exclusions.periods:
        out.print(
            "  "
            + t("cli.period", lang).format(
                start=time_label(period.start, lang),
                end=time_label(period.end, lang),
                reason=period.reason,
            ),
            markup=False,
        )
    inv = d.invoice
    if inv is not None:
        checked = inv.differences
        flagged = [x for x in checked if x.flag != "ok"]
        # A band line flagged as its flow is told by the flow's line (the report lists every one).
        flows = {(x.unit, x.flow): x.flag for x in checked if x.band is None}
        out.print(
            t("cli.invoice", lang).format(
                billed=eur(inv.billed_total), computed=eur(inv.computed_total), n=len(flagged)
            ),
            markup=False,
        )
        for x in flagged:
            if x.band is not None and flows.get((x.unit, x.flow)) == x.flag:
                continue
            figures = {
                k: invoice_figure(None if v is None else str(v), x.item, x.flag, lang, cur)
                for k, v in (("billed", x.billed), ("computed", x.computed))
            }
            share = "" if x.share is None else f" ({'+' if x.share > 0 else ''}{pct(x.share, lang)})"
            out.print(
                "  "
                + t("cli.difference", lang).format(
                    flag=label(f"flag.{x.flag}", lang, x.flag),
                    item=difference_item(x, lang),
                    share=share,
                    note=say(x.note, lang),
                    **figures,
                ),
                markup=False,
            )
    for w in d.warnings:
        out.print(
            "  "
            + t("cli.sla_warning", lang).format(
                status=label(f"warn.{w.status}", lang, w.status), sla=w.sla, note=say(w.note, lang)
            ),
            markup=False,
        )
    for o in d.obligations[:6]:
        out.print(
            "  "
            + t("cli.obligation", lang).format(
                date=day_label(o.date, lang), left=_days_left(o.days_left, lang), what=say(o.what, lang)
            ),
            markup=False,
        )
    bc = d.business_case
    if bc is not None and bc.actual_per_contact is not None:
        out.print(
            t("cli.business_case", lang).format(
                projected=eur(bc.projected_per_contact), actual=eur(bc.actual_per_contact)
            ),
            markup=False,
        )
