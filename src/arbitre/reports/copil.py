"""The steering-committee report of a contract's month (the ISO 18295-2 client/provider review),
rendered from the typed month (`arbitre.contract.result.MonthReview`).

Charts are Vega-Lite specs drawn to SVG offline; the PDF is the same HTML through WeasyPrint, so
both say the same thing. The open actions are derived from the figures (missed SLAs, flagged
invoice lines, warnings, obligations due, pending earn-back), never typed by hand, each a sentence
in French and in English written here from the month's codes and figures.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from arbitre.contract.credits import BonusRule, bonus_rule
from arbitre.contract.notes import WatchNote
from arbitre.contract.reconcile import Difference, EvidenceRequest
from arbitre.contract.result import MonthResult, MonthReview, ObligationItem, SlaMonth, SlaWarning, TrendRow
from arbitre.contract.terms import contract_terms
from arbitre.domain.contract import Contract, Sla
from arbitre.domain.month import Month
from arbitre.reports import governance_charts
from arbitre.reports.governance_format import (
    actual_text,
    channel_label,
    day_label,
    days_text,
    difference_item,
    hours_text,
    invoice_figure,
    invoice_item,
    invoice_note,
    kpi_value,
    label,
    month_label,
    share_required,
    target_text,
    time_label,
)
from arbitre.reports.governance_text import (
    BonusLine,
    audit_text,
    bonus_month_text,
    bonus_text,
    cadence_text,
    charge_text,
    coverage_lead,
    data_protection_text,
    evidence_text,
    reversibility_text,
    rule_text,
    why_text,
)
from arbitre.reports.html import duration, money, num, pct, render_page
from arbitre.reports.i18n import t
from arbitre.reports.notes import say
from arbitre.reports.render import to_svg

#: Months drawn in the trend charts (the latest ones).
TREND_MONTHS = 12

Owner = Literal["provider", "client"]


class Action(BaseModel):
    """An action the month's figures call for: its kind, the sentence in French and English, who
    owns it, when it is due (``YYYY-MM`` or ``YYYY-MM-DD``, or None)."""

    model_config = ConfigDict(frozen=True)

    kind: str
    fr: str
    en: str
    owner: Owner
    due: str | None = None

    def __call__(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class EarnBackRow(BaseModel):
    """A credit in the earn-back table: an earlier one (open or settled this month), or one of this
    month's own credits, pending until ``closes`` (``new``)."""

    model_config = ConfigDict(frozen=True)

    month: Month
    sla: str
    amount: Decimal
    status: str
    decided_in: Month | None
    closes: Month | None
    new: bool


class WarningRow(BaseModel):
    """A month-to-date warning with its SLA's KPI and window (how its figures read)."""

    model_config = ConfigDict(frozen=True)

    sla: str
    status: str
    actual: float | None
    needed: float | None
    note: WatchNote
    kpi: str
    window: str


def render_copil(report: MonthReview, *, lang: str = "fr") -> str:
    """The report as one self-contained HTML page (charts inline)."""
    d, contract = report.document, report.contract
    as_of = d.run_date()
    inv = d.invoice
    rule = d.exclusions.rule
    coverage, charge = d.coverage, d.charge
    bonus = d.bonus_rule or bonus_rule(contract)
    months = [*report.history, d][-TREND_MONTHS:]
    sla_svgs = [
        to_svg(
            governance_charts.sla_trend(
                [_point(m, s.name) for m in months],
                name=s.name,
                kpi=s.kpi,
                window=s.window,
                target=s.target if s.window == "month" else s.min_share_of_windows,
                lang=lang,
            ),
            lang=lang,
        )
        for s in d.slas
    ]
    money_spec = governance_charts.money_trend(
        [row.model_dump(mode="json") for row in money_rows(report)[-TREND_MONTHS:]], lang=lang
    )
    cur = d.currency
    terms = contract_terms(contract, today=as_of)
    return render_page(
        "copil.html",
        lang=lang,
        d=d,
        contract=contract,
        as_of=as_of.isoformat(),
        differences=[] if inv is None else inv.differences,
        coverage=coverage,
        charge_text=None
        if charge is None or coverage is None
        else charge_text(charge, coverage, lang=lang, currency=cur),
        provisional=charge is not None and charge.status != "final",
        coverage_lead=None if coverage is None else coverage_lead(coverage, lang=lang),
        rule=None if rule is None else rule_text(rule, month_tolerance=contract.volumes.tolerance, lang=lang),
        above=[(x, why_text(x, rule, lang=lang)) for x in d.exclusions.days_above_band if rule is not None],
        staffing=d.staffing,
        aht=aht_rows(report),
        trend_months=[m.month for m in months],
        evidence=[] if inv is None else inv.evidence,
        split=None if inv is None else inv.split,
        bonus_rule=bonus_text(bonus, lang=lang),
        bonus_month=bonus_month_text(
            bonus_lines(d, bonus), withheld=_withheld(d, bonus), lang=lang, currency=cur
        ),
        terms=terms,
        reversibility=reversibility_text(terms, lang=lang, currency=cur),
        data_protection=data_protection_text(terms, lang=lang),
        audit=audit_text(terms, lang=lang),
        cadence=lambda c: cadence_text(c.cadence, day=c.day, weekday=c.weekday, lang=lang),
        basis=lambda s: (
            f"{num(s.counted, lang)} {t('basis.' + s.counted_unit, lang)}" if s.counted_unit else "—"
        ),
        diff_item=lambda x: difference_item(x, lang),
        band=lambda b: label(f"band.word.{b}", lang, b),
        attendees=lambda xs: ", ".join(xs) or "—",
        sla_svgs=sla_svgs,
        money_svg=to_svg(money_spec, lang=lang),
        earn_back=earn_back_rows(report),
        warnings=warning_rows(d),
        obligations=d.obligations,
        actions=open_actions(report),
        definitions=[definition(s, lang) for s in contract.slas],
        method=method(contract, lang),
        obligations_note=t("gov.obligations_note", lang).format(date=day_label(as_of, lang)),
        eur=lambda x, digits=2: money(x, lang, cur, digits),
        kpi=lambda value, k: kpi_value(value, k, lang),
        target=lambda s: target_text(s, lang),
        required=lambda s: share_required(s, lang),
        actual=lambda s: actual_text(s, lang),
        month_name=lambda m: month_label(m, lang),
        day=lambda x: day_label(x, lang),
        when=lambda x: time_label(x, lang),
        said=lambda x: say(x, lang),
        item=lambda x: invoice_item(x, lang),
        note=lambda x: invoice_note(x, lang),
        figure=lambda x, item="", flag="": invoice_figure(x, item, flag, lang, cur),
        signed=lambda x: "—" if x is None else ("+" if x > 0 else "") + pct(x, lang),
        label=lambda key, fallback: label(key, lang, fallback),
        gap=lambda a, b: str(Decimal(a) - Decimal(b)),
    )


# --- what the report shows -------------------------------------------------------------------


def aht_rows(report: MonthReview) -> list[tuple[str, list[float | None], float | None]]:
    """Each flow's handling time over the recorded months (oldest first), and the business
    case's: (flow, [AHT per month], projected AHT)."""
    d = report.document
    months = [*report.history, d][-TREND_MONTHS:]
    projected = {f.flow: f.projected_aht_s for f in d.business_case.by_flow} if d.business_case else {}
    rows = []
    for flow in d.units.by_flow:
        series = [None if (f := m.units.by_flow.get(flow)) is None else f.aht_s for m in months]
        rows.append((flow, series, projected.get(flow)))
    return rows


def bonus_lines(d: MonthResult, rule: BonusRule) -> list[BonusLine]:
    """What each bonus SLA reached and was paid this month."""
    slas = {s.name: s for s in d.slas}
    return [
        BonusLine(
            share=share,
            actual=slas[share.sla].actual,
            month_value=slas[share.sla].month_value,
            amount=slas[share.sla].bonus,
        )
        for share in rule.shares
        if share.sla in slas
    ]


def _withheld(d: MonthResult, rule: BonusRule) -> bool:
    return rule.only_if_all_met and any(s.met is False for s in d.slas)


def money_rows(report: MonthReview) -> list[TrendRow]:
    """The run's ``trend`` when it has the fees, else the same rows from the recorded months."""
    d = report.document
    if d.trend and all(row.fees is not None for row in d.trend):
        return list(d.trend)
    return [
        TrendRow(month=r.month, slas={}, fees=r.fees, credits_total=r.credits_total, net_fees=r.net_fees)
        for r in [*report.history, d]
    ]


def earn_back_rows(report: MonthReview) -> list[EarnBackRow]:
    """The earn-back of the run (earlier credits open or settled this month), then this month's
    own credits, pending until ``earn_back.months`` later (``new``)."""
    d = report.document
    rows = [EarnBackRow(**e.model_dump(), new=False) for e in d.earn_back]
    earn_back = report.contract.credits.earn_back
    if earn_back is not None and earn_back.months:
        rows += [
            EarnBackRow(
                month=d.month,
                sla=s.name,
                amount=s.credit,
                status="pending",
                decided_in=None,
                closes=d.month.shift(earn_back.months),
                new=True,
            )
            for s in d.slas
            if s.credit > 0
        ]
    return rows


def warning_rows(d: MonthResult) -> list[WarningRow]:
    """The run's month-to-date warnings, each with its SLA's KPI and window."""
    slas = {s.name: s for s in d.slas}
    return [
        WarningRow(
            sla=w.sla,
            status=w.status,
            actual=w.actual,
            needed=w.needed,
            note=w.note,
            kpi=s.kpi if (s := slas.get(w.sla)) is not None else "service_level",
            window=s.window if s is not None else "month",
        )
        for w in d.warnings
    ]


def open_actions(report: MonthReview) -> list[Action]:
    """The actions the month's figures call for, in French and English: a remediation plan for
    each missed SLA, a dispute of each flagged invoice line, each warning at risk or missed, each
    certification or notice due soon or overdue, and a follow-up of each credit that can still be
    earned back."""
    d = report.document
    return [
        *_coverage_actions(d),
        *_sla_actions(d),
        *_invoice_actions(d),
        *_warning_actions(d),
        *_obligation_actions(d),
        *_earn_back_actions(report),
    ]


def _action(kind: str, text: dict[str, str], owner: Owner, *, due: str | None = None) -> Action:
    return Action(kind=kind, fr=text["fr"], en=text["en"], owner=owner, due=due)


def _both(key: str, words: Callable[[str], dict[str, str]]) -> dict[str, str]:
    """The sentence ``key`` in French and English, its words written each language's way."""
    return {lang: t(key, lang).format(**words(lang)) for lang in ("fr", "en")}


def _sla_actions(d: MonthResult) -> list[Action]:
    out = []
    for s in d.slas:
        if s.met is False:
            out.append(_action("remediation", _remediation(s, d.currency), "provider"))
        elif s.met is None:
            out.append(_action("unmeasured", _unmeasured(s), "client"))
    return out


def _unmeasured(s: SlaMonth) -> dict[str, str]:
    return _both("act.unmeasured", lambda lang: {"sla": s.name, "kpi": t(f"kpi.{s.kpi}", lang)})


def _remediation(s: SlaMonth, currency: str) -> dict[str, str]:
    def words(lang: str) -> dict[str, str]:
        return {
            "sla": s.name,
            "kpi": t(f"kpi.{s.kpi}", lang),
            "actual": actual_text(s, lang),
            "target": target_text(s, lang, windows=True),
            "credit": money(s.credit, lang, currency, 2),
        }

    return _both("act.remediation", words)


def _invoice_actions(d: MonthResult) -> list[Action]:
    """A dispute of each line the records contradict, a request for the ACD log-in export of each
    flow whose logged hours rest on the estimate, a request for the missing records of each line
    a partial month cannot check, a request to support each unverifiable line."""
    invoice = d.invoice
    if invoice is None:
        return []
    flagged = [x for x in invoice.differences if x.flag != "ok"]
    # The total restates the lines: dispute it only when no line explains it.
    lines = [x for x in flagged if x.item != "total"] or flagged
    out = [_action("invoice", _dispute(x, d.currency), "client") for x in lines if x.flag != "evidence"]
    for e in invoice.evidence:
        if e.unit == "logged_hour" and e.measured is not None and d.complete:
            out.append(_action("evidence", _evidence(e, d), "provider"))
    if not d.complete:
        out += [
            _action("evidence", _records(x, d), "provider")
            for x in lines
            if x.flag == "evidence" and x.item != "total"
        ]
    return out


def _evidence(e: EvidenceRequest, d: MonthResult) -> dict[str, str]:
    return {
        lang: evidence_text(e, provider=d.provider, month=d.month, lang=lang, currency=d.currency)
        for lang in ("fr", "en")
    }


def _figure(value: Decimal | None, x: Difference, lang: str, currency: str) -> str:
    return invoice_figure(None if value is None else str(value), x.item, x.flag, lang, currency)


def _records(x: Difference, d: MonthResult) -> dict[str, str]:
    def words(lang: str) -> dict[str, str]:
        return {
            "provider": d.provider,
            "item": difference_item(x, lang),
            "billed": _figure(x.billed, x, lang, d.currency),
            "computed": _figure(x.computed, x, lang, d.currency),
            "note": say(x.note, lang),
        }

    return _both("act.evidence_records", words)


def _coverage_actions(d: MonthResult) -> list[Action]:
    """Ask for the missing records of a month over but not covered, or of a month without any."""
    covered = d.coverage
    if covered is None:
        return []
    if covered.status == "none":
        words = _both(
            "act.no_data", lambda lang: {"provider": d.provider, "month": month_label(d.month, lang)}
        )
        return [_action("coverage", words, "provider")]
    if covered.status != "partial":
        return []

    def missing(lang: str) -> dict[str, str]:
        return {
            "provider": d.provider,
            "missing": days_text([x.isoformat() for x in covered.missing_days], lang),
            "month": month_label(d.month, lang),
        }

    return [_action("coverage", _both("act.coverage", missing), "provider")]


def _dispute(x: Difference, currency: str) -> dict[str, str]:
    def words(lang: str) -> dict[str, str]:
        return {
            "item": difference_item(x, lang),
            "flag": label(f"flag.{x.flag}", lang, x.flag),
            "note": invoice_note(say(x.note, lang), lang),
            "billed": _figure(x.billed, x, lang, currency),
            "computed": _figure(x.computed, x, lang, currency),
            "difference": _figure(x.difference, x, lang, currency),
        }

    return _both("act.justify" if x.flag == "unverifiable" else "act.dispute", words)


def _warning_actions(d: MonthResult) -> list[Action]:
    # An SLA the month already missed has its remediation plan: its warning adds nothing.
    missed = {s.name for s in d.slas if s.met is False}
    return [
        _action("warning", _warning_text(w), "provider")
        for w in d.warnings
        if w.status in ("at_risk", "missed") and w.sla not in missed
    ]


def _warning_text(w: SlaWarning) -> dict[str, str]:
    def words(lang: str) -> dict[str, str]:
        return {"status": label(f"warn.{w.status}", lang, w.status), "sla": w.sla, "note": say(w.note, lang)}

    return _both("act.warning", words)


def _obligation_actions(d: MonthResult) -> list[Action]:
    return [
        _action("obligation", _obligation_text(o), "client", due=o.date.isoformat())
        for o in d.obligations
        if o.kind in ("certification", "notice") and o.severity in ("soon", "overdue")
    ]


def _obligation_text(o: ObligationItem) -> dict[str, str]:
    def words(lang: str) -> dict[str, str]:
        return {
            "kind": label(f"kind.{o.kind}", lang, o.kind).capitalize(),
            "severity": label(f"severity.{o.severity}", lang, o.severity),
            "what": say(o.what, lang),
        }

    return _both("act.obligation", words)


def _earn_back_actions(report: MonthReview) -> list[Action]:
    d = report.document
    rows = earn_back_rows(report)
    pending = [
        _action("earn_back", _follow_up(e, month=d.month, currency=d.currency), "provider", due=e.closes)
        for e in rows
        if e.status == "pending" and e.closes
    ]
    to_settle = [
        _action("to_settle", _settle(e, currency=d.currency), "client")
        for e in rows
        if e.status == "to_settle"
    ]
    return pending + to_settle


def _settle(e: EarnBackRow, *, currency: str) -> dict[str, str]:
    return _both(
        "act.to_settle",
        lambda lang: {
            "credit_month": month_label(e.month, lang),
            "sla": e.sla,
            "amount": money(e.amount, lang, currency, 2),
        },
    )


def _follow_up(e: EarnBackRow, *, month: Month, currency: str) -> dict[str, str]:
    """A pending credit: the SLA must be met in every month after ``month`` until it closes."""
    first, last = month.shift(1), e.closes

    def words(lang: str) -> dict[str, str]:
        when = (
            t("act.in", lang).format(month=month_label(last, lang))
            if last is None or first >= last
            else t("act.from_to", lang).format(first=month_label(first, lang), last=month_label(last, lang))
        )
        return {
            "sla": e.sla,
            "when": when,
            "credit_month": month_label(e.month, lang),
            "amount": money(e.amount, lang, currency, 2),
        }

    return _both("act.earn_back", words)


def _point(document: MonthResult, sla: str) -> dict[str, object]:
    """One month of an SLA's trend chart (the chart's data)."""
    s = document.sla(sla)
    return {
        "month": document.month,
        "actual": None if s is None else s.actual,
        "met": None if s is None else s.met,
    }


def definition(s: Sla, lang: str) -> str:
    """How an SLA of the contract is computed: its KPI's definition, scope and window."""
    kpi = s.kpi
    threshold = duration(s.threshold_s, lang) if s.threshold_s else t("kpidef.any", lang)
    parts = [t(f"kpidef.{kpi}", lang).format(threshold=threshold)]
    parts.append(f"{t('def.flows', lang)} {', '.join(s.flows)}" if s.flows else t("def.all_flows", lang))
    if s.channels:
        parts.append(
            f"{t('def.channels', lang)} {', '.join(channel_label(c.value, lang) for c in s.channels)}"
        )
    if s.hours:
        parts.append(f"{t('def.hours', lang)} {hours_text(s.hours, lang)}")
    if s.short_abandon_s is not None:
        how = t(f"def.short.{s.short_abandons or 'exclude'}", lang)
        parts.append(t("def.short_abandons", lang).format(s=num(s.short_abandon_s, lang), how=how))
    if s.aggregation == "interval_mean":
        parts.append(t("def.interval_mean", lang))
    if s.window == "month":
        parts.append(t("def.per_month", lang))
    else:
        parts.append(
            t("def.per_window", lang).format(
                window=t(f"window.{s.window}", lang),
                share=pct(s.min_share_of_windows, lang, 0),
                windows=t(f"windows.{s.window}", lang),
            )
        )
    colon = " : " if lang == "fr" else ": "
    sep = " ; " if lang == "fr" else "; "
    return f"{s.name} — {t(f'kpi.{kpi}', lang)}{colon}{sep.join(parts)}."


def method(contract: Contract, lang: str) -> list[str]:
    """The money rules of the contract, in words."""
    c = contract.credits
    out = [
        t("gov.method_credits", lang).format(
            at_risk_share=pct(c.at_risk_share, lang, 0), cap_share=pct(c.cap_share, lang, 0)
        )
    ]
    n = c.earn_back.months if c.earn_back is not None else 0
    if n:
        out.append(t("gov.earn_back_rule_1" if n == 1 else "gov.earn_back_rule", lang).format(n=n))
    if c.bonus_pool_share > 0:
        out.append(bonus_text(bonus_rule(contract), lang=lang))
    return out


__all__ = [
    "Action",
    "EarnBackRow",
    "WarningRow",
    "aht_rows",
    "bonus_lines",
    "definition",
    "earn_back_rows",
    "method",
    "money_rows",
    "open_actions",
    "render_copil",
    "warning_rows",
]
