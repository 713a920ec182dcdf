"""The steering-committee report of a contract's month (the ISO 18295-2 client/provider review).

Drawn from the monthly run (`services.govern`): the run recorded for the month — or a new one,
recorded, when there is none — with the earlier recorded months for the trends, and the contract
version the run used for the definitions. Charts are Vega-Lite specs drawn to SVG offline; the
PDF is the same HTML through WeasyPrint, so both say the same thing. The open actions are
derived from the figures (missed SLAs, flagged invoice lines, warnings, obligations due, pending
earn-back), never typed by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from arbitre.contract.coverage import Charge, Coverage
from arbitre.contract.credits import BonusRule, bonus_rule
from arbitre.contract.reconcile import Difference, EvidenceRequest, TotalSplit
from arbitre.contract.terms import contract_terms
from arbitre.contract.units import FlowStaffing
from arbitre.contract.volumes import DayAboveBand, DaysRule
from arbitre.domain.contract import Contract
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
    said,
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
from arbitre.reports.html import Format, duration, money, num, pct, render_page, write_document
from arbitre.reports.i18n import t
from arbitre.reports.render import to_svg
from arbitre.services.contracts import load_contract
from arbitre.services.govern import check_begun, check_month, contracts_in_force, govern, local_today, runs
from arbitre.store.workspace import Workspace

#: Months drawn in the trend charts (the latest ones).
TREND_MONTHS = 12
SOON_DAYS = 30  # as `contract.obligations`: due within 30 days is "soon"


def copil(
    ws: Workspace,
    *,
    month: str | Month,
    contract_id: str | None = None,
    fresh: bool = False,
    who: str | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """What the report of ``month`` shows, one per contract in force (or ``contract_id``).

    Each is ``{"document": <the month's run>, "history": [<earlier recorded months, oldest
    first>], "contract": <the contract version the run used, as JSON data>}``. The recorded run
    of the month is used unless ``fresh``; without one — or when it was a month-to-date run and
    the month has ended since — the month is refereed and recorded.
    """
    month = check_month(month)
    today = today or local_today(ws.settings.timezone)
    check_begun(month, today=today)
    ended = today > month.last_day
    reports = []
    for latest, _ in contracts_in_force(ws, month=month, contract_id=contract_id):
        cid = latest.id
        recorded = runs(ws, cid)
        document = None if fresh else next((r for r in recorded if r["month"] == month), None)
        if document is not None and ended and not document.get("complete", True):
            document = None  # a month-to-date run of a month now over: referee the whole month
        if document is None:
            (document,) = govern(ws, month=month, contract_id=cid, who=who, today=today)
        contract, _ = load_contract(ws, cid, version=document.get("contract_version"))
        reports.append(
            {
                "document": document,
                "history": [r for r in recorded if r["month"] < month],
                "contract": contract.model_dump(mode="json"),
            }
        )
    return reports


def render_copil(report: dict[str, Any], *, lang: str = "fr") -> str:
    """The report as one self-contained HTML page (charts inline)."""
    d = report["document"]
    contract = Contract.model_validate(report["contract"])
    as_of = run_date(d)
    inv = d.get("invoice") or {}
    differences = [Difference.model_validate(x) for x in inv.get("differences") or []]
    rule = DaysRule.model_validate(d["exclusions"]["rule"]) if d["exclusions"].get("rule") else None
    coverage = Coverage.model_validate(d["coverage"]) if d.get("coverage") else None
    charge = Charge.model_validate(d["charge"]) if d.get("charge") else None
    bonus = BonusRule.model_validate(d["bonus_rule"]) if d.get("bonus_rule") else bonus_rule(contract)
    months = [*report["history"], d][-TREND_MONTHS:]
    sla_svgs = [
        to_svg(
            governance_charts.sla_trend(
                [_point(m, s["name"]) for m in months],
                name=s["name"],
                kpi=s["kpi"],
                window=s["window"],
                target=s["target"] if s["window"] == "month" else s.get("min_share_of_windows"),
                lang=lang,
            ),
            lang=lang,
        )
        for s in d["slas"]
    ]
    money_spec = governance_charts.money_trend(_money_trend(d, report["history"])[-TREND_MONTHS:], lang=lang)
    cur = d["currency"]
    terms = contract_terms(contract, today=as_of)
    return render_page(
        "copil.html",
        lang=lang,
        d=d,
        contract=report["contract"],
        as_of=as_of.isoformat(),
        differences=differences,
        coverage=coverage,
        charge_text=None
        if charge is None or coverage is None
        else charge_text(charge, coverage, lang=lang, currency=cur),
        provisional=charge is not None and charge.status != "final",
        coverage_lead=None if coverage is None else coverage_lead(coverage, lang=lang),
        rule=None if rule is None else rule_text(rule, month_tolerance=contract.volumes.tolerance, lang=lang),
        above=[
            (x, why_text(x, rule, lang=lang))
            for x in (DayAboveBand.model_validate(y) for y in d["exclusions"].get("days_above_band") or [])
            if rule is not None
        ],
        staffing=[FlowStaffing.model_validate(x) for x in d.get("staffing") or []],
        aht=aht_rows(report),
        trend_months=[m["month"] for m in months],
        evidence=[EvidenceRequest.model_validate(x) for x in inv.get("evidence") or []],
        split=TotalSplit.model_validate(inv["split"]) if inv.get("split") else None,
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
            f"{num(s.get('counted'), lang)} {t('basis.' + s['counted_unit'], lang)}"
            if s.get("counted_unit")
            else "—"
        ),
        diff_item=lambda x: difference_item(x, lang),
        band=lambda b: label(f"band.word.{b}", lang, b),
        attendees=lambda xs: ", ".join(xs) or "—",
        sla_svgs=sla_svgs,
        money_svg=to_svg(money_spec, lang=lang),
        earn_back=earn_back_rows(report),
        warnings=_warnings(d),
        obligations=_obligations(d),
        actions=open_actions(report),
        definitions=[_definition(s, lang) for s in report["contract"]["slas"]],
        method=_method(report["contract"], lang),
        obligations_note=t("gov.obligations_note", lang).format(date=day_label(as_of.isoformat(), lang)),
        eur=lambda x, digits=2: money(x, lang, cur, digits),
        kpi=lambda value, k: kpi_value(value, k, lang),
        target=lambda s: target_text(s, lang),
        required=lambda s: share_required(s, lang),
        actual=lambda s: actual_text(s, lang),
        month_name=lambda m: month_label(m, lang),
        day=lambda x: day_label(x, lang),
        when=lambda x: time_label(x, lang),
        said=lambda x: said(x, lang),
        item=lambda x: invoice_item(x, lang),
        note=lambda x: invoice_note(x, lang),
        figure=lambda x, item="", flag="": invoice_figure(x, item, flag, lang, cur),
        signed=lambda x: "—" if x is None else ("+" if x > 0 else "") + pct(x, lang),
        label=lambda key, fallback: label(key, lang, fallback),
        gap=lambda a, b: str(Decimal(a) - Decimal(b)),
    )


def run_date(d: dict[str, Any]) -> date:
    """The date a run counts its days from: its ``as_of``; for a run recorded before it was
    kept, the day it was recorded."""
    if d.get("as_of"):
        return date.fromisoformat(d["as_of"])
    if d.get("run"):
        return date.fromisoformat(d["run"]["created_at"][:10])
    return Month(d["month"]).last_day


def aht_rows(report: dict[str, Any]) -> list[tuple[str, list[float | None], float | None]]:
    """Each flow's handling time over the recorded months (oldest first), and the business
    case's: (flow, [AHT per month], projected AHT)."""
    d = report["document"]
    months = [*report["history"], d][-TREND_MONTHS:]
    projected = {
        f["flow"]: f.get("projected_aht_s") for f in (d.get("business_case") or {}).get("by_flow") or []
    }
    rows = []
    for flow in d["units"]["by_flow"]:
        series = [((m.get("units") or {}).get("by_flow") or {}).get(flow, {}).get("aht_s") for m in months]
        rows.append((flow, series, projected.get(flow)))
    return rows


def bonus_lines(d: dict[str, Any], rule: BonusRule) -> list[BonusLine]:
    """What each bonus SLA reached and was paid this month."""
    slas = {s["name"]: s for s in d["slas"]}
    return [
        BonusLine(
            share=share,
            actual=slas[share.sla]["actual"],
            month_value=slas[share.sla].get("month_value"),
            amount=Decimal(slas[share.sla]["bonus"]),
        )
        for share in rule.shares
        if share.sla in slas
    ]


def _withheld(d: dict[str, Any], rule: BonusRule) -> bool:
    return rule.only_if_all_met and any(s["met"] is False for s in d["slas"])


def write_copil(
    ws: Workspace,
    report: dict[str, Any],
    *,
    fmt: Format = "html",
    lang: str = "fr",
    path: Path | None = None,
) -> Path:
    """Write the report (atomically: a reader never sees half a file) and return its path.

    Default: ``reports/copil-<contract>-<month>.<fmt>`` in the workspace, ``….en.<fmt>`` in
    English.
    """
    html = render_copil(report, lang=lang)
    d = report["document"]
    suffix = "" if lang == "fr" else f".{lang}"
    target = path or ws.reports_dir / f"copil-{d['contract']}-{d['month']}{suffix}.{fmt}"
    return write_document(html, target, fmt=fmt)


# --- what the report shows -------------------------------------------------------------------


def earn_back_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The earn-back of the run (earlier credits open or settled this month), then this month's
    own credits, pending until ``earn_back.months`` later (``new``: True)."""
    d = report["document"]
    rows = [{**e, "new": False} for e in d.get("earn_back") or []]
    n = _earn_back_months(report["contract"])
    if n:
        rows += [
            {
                "month": d["month"],
                "sla": s["name"],
                "amount": s["credit"],
                "status": "pending",
                "decided_in": None,
                "closes": Month(d["month"]).shift(n),
                "new": True,
            }
            for s in d["slas"]
            if Decimal(s["credit"]) > 0
        ]
    return rows


def open_actions(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The actions the month's figures call for, in French and English.

    Each is ``{"kind", "fr", "en", "owner": "provider" | "client", "due": "YYYY-MM[-DD]" | None}``:
    a remediation plan for each missed SLA, a dispute of each flagged invoice line, each warning
    at risk or missed, each certification or notice due soon or overdue, and a follow-up of each
    credit that can still be earned back.
    """
    d = report["document"]
    return [
        *_coverage_actions(d),
        *_sla_actions(d),
        *_invoice_actions(d),
        *_warning_actions(d),
        *_obligation_actions(d),
        *_earn_back_actions(report),
    ]


def _sla_actions(d: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for s in d["slas"]:
        if s["met"] is False:
            out.append(_action("remediation", _remediation(s, d["currency"]), "provider"))
        elif s["met"] is None:
            out.append(_action("unmeasured", _unmeasured(s), "client"))
    return out


def _unmeasured(s: dict[str, Any]) -> dict[str, str]:
    return _both("act.unmeasured", lambda lang: {"sla": s["name"], "kpi": t(f"kpi.{s['kpi']}", lang)})


def _remediation(s: dict[str, Any], currency: str) -> dict[str, str]:
    def words(lang: str) -> dict[str, str]:
        return {
            "sla": s["name"],
            "kpi": t(f"kpi.{s['kpi']}", lang),
            "actual": actual_text(s, lang),
            "target": target_text(s, lang, windows=True),
            "credit": money(s["credit"], lang, currency, 2),
        }

    return _both("act.remediation", words)


def _invoice_actions(d: dict[str, Any]) -> list[dict[str, Any]]:
    """A dispute of each line the records contradict, a request for the ACD log-in export of each
    flow whose logged hours rest on the estimate, a request for the missing records of each line
    a partial month cannot check, a request to support each unverifiable line."""
    invoice = d.get("invoice")
    if not invoice:
        return []
    flagged = [x for x in invoice["differences"] if x["flag"] != "ok"]
    # The total restates the lines: dispute it only when no line explains it.
    lines = [x for x in flagged if x["item"] != "total"] or flagged
    out = [_action("invoice", _dispute(x, d["currency"]), "client") for x in lines if x["flag"] != "evidence"]
    for e in invoice.get("evidence") or []:
        request = EvidenceRequest.model_validate(e)
        if request.unit == "logged_hour" and request.measured is not None and d.get("complete", True):
            out.append(_action("evidence", _evidence(request, d), "provider"))
    if not d.get("complete", True):
        out += [
            _action("evidence", _records(x, d), "provider")
            for x in lines
            if x["flag"] == "evidence" and x["item"] != "total"
        ]
    return out


def _evidence(e: EvidenceRequest, d: dict[str, Any]) -> dict[str, str]:
    return {
        lang: evidence_text(e, provider=d["provider"], month=d["month"], lang=lang, currency=d["currency"])
        for lang in ("fr", "en")
    }


def _records(x: dict[str, Any], d: dict[str, Any]) -> dict[str, str]:
    difference = Difference.model_validate(x)

    def words(lang: str) -> dict[str, str]:
        return {
            "provider": d["provider"],
            "item": difference_item(difference, lang),
            "billed": invoice_figure(x["billed"], x["item"], x["flag"], lang, d["currency"]),
            "computed": invoice_figure(x["computed"], x["item"], x["flag"], lang, d["currency"]),
            "note": difference.note(lang),
        }

    return _both("act.evidence_records", words)


def _coverage_actions(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Ask for the missing records of a month over but not covered, or of a month without any."""
    if not d.get("coverage"):
        return []
    covered = Coverage.model_validate(d["coverage"])
    if covered.status == "none":
        return [
            _action(
                "coverage",
                _both(
                    "act.no_data",
                    lambda lang: {"provider": d["provider"], "month": month_label(d["month"], lang)},
                ),
                "provider",
            )
        ]
    if covered.status != "partial":
        return []

    def words(lang: str) -> dict[str, str]:
        return {
            "provider": d["provider"],
            "missing": days_text([x.isoformat() for x in covered.missing_days], lang),
            "month": month_label(d["month"], lang),
        }

    return [_action("coverage", _both("act.coverage", words), "provider")]


def _dispute(x: dict[str, Any], currency: str) -> dict[str, str]:
    difference = Difference.model_validate(x)

    def words(lang: str) -> dict[str, str]:
        figure = {
            k: invoice_figure(x[k], x["item"], x["flag"], lang, currency)
            for k in ("billed", "computed", "difference")
        }
        return {
            "item": difference_item(difference, lang),
            "flag": label(f"flag.{x['flag']}", lang, x["flag"]),
            "note": invoice_note(difference.note(lang), lang),
            **figure,
        }

    return _both("act.justify" if x["flag"] == "unverifiable" else "act.dispute", words)


def _warning_actions(d: dict[str, Any]) -> list[dict[str, Any]]:
    # An SLA the month already missed has its remediation plan: its warning adds nothing.
    missed = {s["name"] for s in d["slas"] if s["met"] is False}
    return [
        _action("warning", _warning_text(w), "provider")
        for w in _warnings(d)
        if w["status"] in ("at_risk", "missed") and w["sla"] not in missed
    ]


def _warning_text(w: dict[str, Any]) -> dict[str, str]:
    def words(lang: str) -> dict[str, str]:
        return {
            "status": label(f"warn.{w['status']}", lang, w["status"]),
            "sla": w["sla"],
            "note": said(w["note"], lang),
        }

    return _both("act.warning", words)


def _obligation_actions(d: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        _action("obligation", _obligation_text(o), "client", due=o.get("date"))
        for o in _obligations(d)
        if o.get("kind") in ("certification", "notice") and o["severity"] in ("soon", "overdue")
    ]


def _obligation_text(o: dict[str, Any]) -> dict[str, str]:
    def words(lang: str) -> dict[str, str]:
        return {
            "kind": label(f"kind.{o['kind']}", lang, o["kind"]).capitalize(),
            "severity": label(f"severity.{o['severity']}", lang, o["severity"]),
            "what": said(o["what"], lang),
        }

    return _both("act.obligation", words)


def _earn_back_actions(report: dict[str, Any]) -> list[dict[str, Any]]:
    d = report["document"]
    pending = [
        _action(
            "earn_back", _follow_up(e, month=d["month"], currency=d["currency"]), "provider", due=e["closes"]
        )
        for e in earn_back_rows(report)
        if e["status"] == "pending" and e.get("closes")
    ]
    to_settle = [
        _action("to_settle", _settle(e, currency=d["currency"]), "client")
        for e in earn_back_rows(report)
        if e["status"] == "to_settle"
    ]
    return pending + to_settle


def _settle(e: dict[str, Any], *, currency: str) -> dict[str, str]:
    return _both(
        "act.to_settle",
        lambda lang: {
            "credit_month": month_label(e["month"], lang),
            "sla": e["sla"],
            "amount": money(e["amount"], lang, currency, 2),
        },
    )


def _follow_up(e: dict[str, Any], *, month: str, currency: str) -> dict[str, str]:
    """A pending credit: the SLA must be met in every month after ``month`` until it closes."""
    first, last = Month(month).shift(1), e["closes"]

    def words(lang: str) -> dict[str, str]:
        when = (
            t("act.in", lang).format(month=month_label(last, lang))
            if first >= last
            else t("act.from_to", lang).format(first=month_label(first, lang), last=month_label(last, lang))
        )
        return {
            "sla": e["sla"],
            "when": when,
            "credit_month": month_label(e["month"], lang),
            "amount": money(e["amount"], lang, currency, 2),
        }

    return _both("act.earn_back", words)


def _action(kind: str, text: dict[str, str], owner: str, *, due: str | None = None) -> dict[str, Any]:
    return {"kind": kind, **text, "owner": owner, "due": due}


def _both(key: str, words: Callable[[str], dict[str, str]]) -> dict[str, str]:
    """The sentence ``key`` in French and English, its words written each language's way."""
    return {lang: t(key, lang).format(**words(lang)) for lang in ("fr", "en")}


def _warnings(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The run's month-to-date warnings (none when absent), each with its SLA's KPI and window."""
    slas = {s["name"]: s for s in d["slas"]}
    out = []
    for w in d.get("warnings") or []:
        s = slas.get(w.get("sla"), {})
        out.append(
            {
                **w,
                "sla": w.get("sla") or "",
                "status": w.get("status") or "on_track",
                "note": _bilingual(w, "note"),
                "kpi": s.get("kpi", "service_level"),
                "window": s.get("window", "month"),
            }
        )
    return out


def _obligations(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The run's obligations calendar (none when absent), each with its severity."""
    out = []
    for o in d.get("obligations") or []:
        left = o.get("days_left")
        severity = o.get("severity") or (
            "info" if left is None else "overdue" if left < 0 else "soon" if left <= SOON_DAYS else "info"
        )
        out.append(
            {
                **o,
                "date": o.get("date"),
                "kind": o.get("kind") or "",
                "what": _bilingual(o, "what"),
                "days_left": left,
                "severity": severity,
            }
        )
    return out


def _bilingual(item: dict[str, Any], key: str) -> dict[str, str] | str:
    """``item[key]`` as given ({"fr", "en"} or a string), or from ``key_fr`` / ``key_en``."""
    if item.get(key) is not None:
        value: dict[str, str] | str = item[key]
        return value
    if f"{key}_fr" in item or f"{key}_en" in item:
        return {"fr": item.get(f"{key}_fr") or item.get(f"{key}_en", ""), "en": item.get(f"{key}_en") or ""}
    return ""


def _point(document: dict[str, Any], sla: str) -> dict[str, Any]:
    s = next((x for x in document["slas"] if x["name"] == sla), None)
    return {
        "month": document["month"],
        "actual": None if s is None else s["actual"],
        "met": None if s is None else s["met"],
    }


def _money_trend(d: dict[str, Any], history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run's ``trend`` when it has the fees, else the same rows from the recorded months."""
    trend = d.get("trend") or []
    if trend and all("fees" in row for row in trend):
        return list(trend)
    return [{k: r.get(k) for k in ("month", "fees", "credits_total", "net_fees")} for r in [*history, d]]


def _definition(s: dict[str, Any], lang: str) -> str:
    """How an SLA of the contract is computed: its KPI's definition, scope and window."""
    kpi = s["kpi"]
    threshold = duration(s["threshold_s"], lang) if s.get("threshold_s") else t("kpidef.any", lang)
    parts = [t(f"kpidef.{kpi}", lang).format(threshold=threshold)]
    flows = s.get("flows")
    parts.append(f"{t('def.flows', lang)} {', '.join(flows)}" if flows else t("def.all_flows", lang))
    if s.get("channels"):
        parts.append(f"{t('def.channels', lang)} {', '.join(channel_label(c, lang) for c in s['channels'])}")
    if s.get("hours"):
        parts.append(f"{t('def.hours', lang)} {hours_text(s['hours'], lang)}")
    if s.get("short_abandon_s") is not None:
        how = t(f"def.short.{s.get('short_abandons') or 'exclude'}", lang)
        parts.append(t("def.short_abandons", lang).format(s=num(s["short_abandon_s"], lang), how=how))
    if s.get("aggregation") == "interval_mean":
        parts.append(t("def.interval_mean", lang))
    if s.get("window", "month") == "month":
        parts.append(t("def.per_month", lang))
    else:
        w = s["window"]
        parts.append(
            t("def.per_window", lang).format(
                window=t(f"window.{w}", lang),
                share=pct(s.get("min_share_of_windows", 1), lang, 0),
                windows=t(f"windows.{w}", lang),
            )
        )
    colon = " : " if lang == "fr" else ": "
    sep = " ; " if lang == "fr" else "; "
    return f"{s['name']} — {t(f'kpi.{kpi}', lang)}{colon}{sep.join(parts)}."


def _method(contract: dict[str, Any], lang: str) -> list[str]:
    """The money rules of the contract, in words."""
    c = contract["credits"]
    out = [
        t("gov.method_credits", lang).format(
            at_risk_share=pct(c["at_risk_share"], lang, 0), cap_share=pct(c["cap_share"], lang, 0)
        )
    ]
    n = _earn_back_months(contract)
    if n:
        out.append(t("gov.earn_back_rule_1" if n == 1 else "gov.earn_back_rule", lang).format(n=n))
    if Decimal(str(c.get("bonus_pool_share") or 0)) > 0:
        out.append(bonus_text(bonus_rule(Contract.model_validate(contract)), lang=lang))
    return out


def _earn_back_months(contract: dict[str, Any]) -> int | None:
    earn_back = contract["credits"].get("earn_back")
    return None if not earn_back else int(earn_back["months"])


__all__ = ["copil", "open_actions", "render_copil", "write_copil"]
