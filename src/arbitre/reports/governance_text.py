"""The sentences of the steering-committee report that follow from the rules applied: what the
month charges, why a day was or was not excluded, how the bonus was paid, what the contract
commits the parties to — each generated from the typed result, in the report's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from arbitre.contract.coverage import MIN_EXPECTED, Charge, Coverage
from arbitre.contract.credits import BonusRule, BonusShare
from arbitre.contract.reconcile import EvidenceRequest
from arbitre.contract.terms import ContractTerms
from arbitre.contract.volumes import DayAboveBand, DaysRule
from arbitre.reports.governance_format import (
    country_label,
    day_label,
    days_text,
    kpi_value,
    label,
    listed,
    month_label,
)
from arbitre.reports.html import money, num, pct
from arbitre.reports.i18n import t


class BonusLine(BaseModel):
    """One SLA's bonus in the month: its share of the pool, what it reached, what it was paid."""

    model_config = ConfigDict(frozen=True)

    share: BonusShare
    actual: float | None  # the KPI, or for a day or interval SLA the share of windows beating the target
    month_value: float | None
    amount: Decimal


def charge_text(charge: Charge, coverage: Coverage, *, lang: str, currency: str) -> str:
    """What the month charges, and why when it charges nothing for good."""
    if charge.status == "final":
        return t("gov.charge.final", lang).format(amount=money(charge.amount, lang, currency, 2))
    if charge.status == "nothing":
        return t("gov.charge.none", lang)
    if coverage.status == "in_progress":
        through = day_label(
            None if coverage.data_through is None else coverage.data_through.isoformat(), lang
        )
        return t("gov.charge.in_progress", lang).format(day=through)
    return t("gov.charge.partial", lang).format(
        covered=coverage.covered,
        days=coverage.days,
        missing=days_text([d.isoformat() for d in coverage.missing_days], lang),
    )


def coverage_lead(coverage: Coverage, *, lang: str) -> str:
    return t("gov.coverage_lead", lang).format(
        covered=coverage.covered, elapsed=coverage.elapsed, min=num(MIN_EXPECTED, lang)
    )


def rule_text(rule: DaysRule, *, month_tolerance: Decimal, lang: str) -> str:
    """The contract's rule for days above their band, with its tolerances."""
    return t(f"gov.rule.{rule.when}", lang).format(
        tolerance=pct(rule.tolerance, lang, 0), month_tolerance=pct(month_tolerance, lang, 0)
    )


def why_text(day: DayAboveBand, rule: DaysRule, *, lang: str) -> str:
    """Why a day above its band was, or was not, excluded — with the month's figures."""
    if rule.when == "always":
        return t("gov.why.always", lang)
    if rule.when == "never":
        return t("gov.why.never", lang)
    key = "gov.why.month_above" if day.month_above else "gov.why.month_within"
    return t(key, lang).format(actual=num(day.month_actual, lang), limit=num(day.month_limit, lang))


def share_target(share: BonusShare, lang: str) -> str:
    """``≥ 88,0 %``; a day SLA's bonus target ``≤ 5,0 % / jour, ≥ 90 % des jours``."""
    side = "≥" if share.direction == "at_least" else "≤"
    text = f"{side} {kpi_value(share.bonus_target, share.kpi, lang)}"
    if share.window != "month":
        text += f" / {t('window.' + share.window, lang)}, ≥ {pct(share.min_share_of_windows, lang, 0)}"
        text += f" {t('windows.' + share.window, lang)}"
    return text


def bonus_text(rule: BonusRule, *, lang: str) -> str:
    """The bonus rule in words, from the rule the run applied: pool, cap, each SLA's fixed share
    and the target that earns it, and whether a missed SLA withholds it."""
    if rule.pool_share <= 0 or not rule.shares:
        return t("gov.bonus_none", lang)
    shares = [
        t("gov.bonus_share", lang).format(
            sla=s.sla, share=pct(s.share, lang, 0), target=share_target(s, lang)
        )
        for s in rule.shares
    ]
    cap = (
        t("gov.bonus_cap", lang).format(cap=pct(rule.cap_share, lang, 1))
        if rule.cap_share is not None
        else ""
    )
    return t("gov.bonus_rule", lang).format(
        pool=pct(rule.pool_share, lang, 1),
        cap=cap,
        shares=listed(shares, lang),
        all_met=t("gov.bonus_all_met", lang) if rule.only_if_all_met else "",
    )


def bonus_month_text(lines: Sequence[BonusLine], *, withheld: bool, lang: str, currency: str) -> str:
    """What each bonus SLA reached this month and what it was paid."""
    if not lines:
        return ""
    items = []
    for line in lines:
        s = line.share
        if s.window == "month":
            actual = kpi_value(line.actual, s.kpi, lang)
        else:
            actual = (
                "—" if line.actual is None else f"{pct(line.actual, lang)} {t('windows.' + s.window, lang)}"
            )
        items.append(
            t("gov.bonus_item", lang).format(
                sla=s.sla,
                actual=actual,
                target=share_target(s, lang),
                amount=money(line.amount, lang, currency, 2),
            )
        )
    text = t("gov.bonus_month", lang).format(items=("; " if lang == "en" else " ; ").join(items))
    return text[:-1] + t("gov.bonus_withheld", lang) + "." if withheld else text


def evidence_text(e: EvidenceRequest, *, provider: str, month: str, lang: str, currency: str) -> str:
    """The request for evidence of a flow's billed logged hours."""
    bands = ""
    if e.bands:
        parts = [f"{label(f'band.word.{b.band}', lang, b.band)} {num(b.billed, lang, 2)}" for b in e.bands]
        bands = f" ({', '.join(parts)})"
    return t("act.evidence", lang).format(
        provider=provider,
        flow=e.flow or t("item.all flows", lang),
        month=month_label(month, lang),
        billed=num(e.billed, lang, 2),
        bands=bands,
        measured=num(e.measured, lang, 2),
        implied=pct(e.implied_occupancy, lang),
        assumed=pct(e.assumed_occupancy, lang),
        at_stake=money(e.at_stake, lang, currency, 2),
    )


def reversibility_text(terms: ContractTerms, *, lang: str, currency: str) -> list[str]:
    r = terms.reversibility
    out = [
        t("gov.reversibility_text", lang).format(
            notice=r.notice_months,
            transition=r.transition_months,
            assets=listed([label(f"asset.{a}", lang, a) for a in r.assets], lang) or "—",
            fee=money(r.exit_fee, lang, currency, 2),
        )
    ]
    if r.notice_by is not None and r.term_end is not None and r.notice_days_left is not None:
        out.append(
            t("gov.reversibility_deadline", lang).format(
                end=_day(r.term_end, lang), by=_day(r.notice_by, lang), days=num(r.notice_days_left, lang)
            )
        )
    return out


def data_protection_text(terms: ContractTerms, *, lang: str) -> list[str]:
    d = terms.data_protection
    country = country_label(d.country, lang)
    out = [t("gov.dp_role", lang).format(role=label(f"role.{d.role}", lang, d.role))]
    out.append(
        t("gov.dp_dpa", lang).format(date=_day(d.dpa_signed, lang))
        if d.dpa_signed is not None
        else t("gov.dp_no_dpa", lang)
    )
    if d.outside_eea:
        mechanism = label(f"mechanism.{d.transfer_mechanism or 'none'}", lang, d.transfer_mechanism or "—")
        out.append(t("gov.dp_outside", lang).format(country=country, mechanism=mechanism))
    else:
        out.append(t("gov.dp_inside", lang).format(country=country))
    return out


def audit_text(terms: ContractTerms, *, lang: str) -> list[str]:
    a = terms.audit
    scope = listed([label(f"scope.{s}", lang, s) for s in a.scope], lang) or "—"
    if a.per_year == 0:
        return [t("gov.audit_none", lang)]
    key = "gov.audit_text_1" if a.per_year == 1 else "gov.audit_text"
    out = [t(key, lang).format(per_year=a.per_year, notice=a.notice_days, scope=scope)]
    if a.year_ends is not None and a.announce_by is not None:
        out.append(
            t("gov.audit_deadline", lang).format(
                end=_day(a.year_ends, lang),
                by=_day(a.announce_by, lang),
                days=num((a.announce_by - terms.as_of).days, lang),
            )
        )
    return out


def cadence_text(cadence: str, *, day: int | None, weekday: str | None, lang: str) -> str:
    """``chaque mois, le 10`` / ``monthly, on the 10th``."""
    if cadence == "weekly":
        return t("cadence.weekly", lang).format(weekday=label(f"weekday.{weekday}", lang, weekday or ""))
    return t(f"cadence.{cadence}", lang).format(day=_ordinal(day or 1, lang))


def _ordinal(n: int, lang: str) -> str:
    if lang == "fr":
        return "1er" if n == 1 else str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _day(day: date | None, lang: str) -> str:
    return day_label(None if day is None else day.isoformat(), lang)


__all__ = [
    "BonusLine",
    "audit_text",
    "bonus_month_text",
    "bonus_text",
    "cadence_text",
    "charge_text",
    "coverage_lead",
    "data_protection_text",
    "evidence_text",
    "reversibility_text",
    "rule_text",
    "share_target",
    "why_text",
]
