"""`arbitre decide`: keep, outsource or split each flow, the scenarios side by side, the tornado."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from arbitre.cli.output import err, out, print_json, print_table
from arbitre.cli.progress import progress
from arbitre.decision.document import DecisionDocument, Estimate
from arbitre.reports import decision_format as fmt
from arbitre.reports import html
from arbitre.reports.i18n import t
from arbitre.services.decide import decide as run_decide
from arbitre.store.workspace import Workspace


def register(app: typer.Typer) -> None:
    app.command("decide")(decide)


def decide(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    json: Annotated[bool, typer.Option("--json", help="Print the decision document as JSON.")] = False,
    sensitivity: Annotated[
        bool, typer.Option("--sensitivity/--no-sensitivity", help="Measure the tornado of the savings.")
    ] = True,
    lang: Annotated[str, typer.Option(help="Language of the tables and messages: fr or en.")] = "en",
) -> None:
    """Costs in-house and at each offer, qualification, optimal allocation, scenarios over the term."""
    ws = Workspace.open(directory)
    try:
        with progress("Sizing, pricing and allocating every flow…", enabled=not json):
            document = run_decide(ws, sensitivity=sensitivity)
    finally:
        ws.close()
    if json:
        print_json(document.model_dump(mode="json"))
        return
    print_summary(document, lang="fr" if lang == "fr" else "en")


def money(value: Decimal | None, currency: str = "EUR", lang: str = "en") -> str:
    """An amount as a reader sees it: 1,234,567 EUR (en), 1 234 567 € (fr)."""
    if value is None:
        return "—"
    if lang == "fr":
        return html.money(value, "fr", currency)
    return f"{Decimal(value):,.0f} {currency}"


def money2(value: Decimal | None, lang: str = "en") -> str:
    if value is None:
        return "—"
    return html.num(value, "fr", 2) if lang == "fr" else f"{Decimal(value):,.2f}"


def print_summary(document: DecisionDocument, *, lang: str = "en") -> None:
    """The decision as tables (flows, scenarios, sensitivity, simulation), the recommendation, the
    warnings and why each flow departs from its reasons — every word in ``lang`` (fr or en)."""

    def w(key: str, **values: Any) -> str:
        return t(f"cli.{key}", lang).format(**values)

    def pct(x: float | None) -> str:
        return "—" if x is None else html.pct(x, lang)

    currency = document.currency
    frame = document.frame
    recommended = document.recommended_scenario
    name = fmt.scenario_label(document.recommended, lang)
    rows = []
    for f in document.flows:
        best = f.best_offer
        offer = "—"
        if best:
            offer = f"{money2(best.per_contact, lang)} ({best.offer}"
            if best.covers < 0.995:
                offer += f", {pct(best.covers)} {w('of_contacts')}"
            if best.minimum_dominates:
                offer += f"; {w('minimum')} {money(best.minimum_monthly, currency, lang)}"
            offer += ")"
        rows.append(
            [
                f.flow,
                t(f"rec.{f.recommendation}", lang),
                f.summary(lang),
                money2(f.today.per_contact, lang),
                money2(f.inhouse.per_contact, lang),
                offer,
                money(f.tco.get(document.recommended), currency, lang),
            ]
        )
    start = fmt.month_text(frame.start_month, lang) if frame.start_month else "—"
    print_table(
        f"{document.workspace} — {w('decision_title', months=frame.term_months, start=start)}",
        [
            w("flow"),
            w("recommendation"),
            w("allocation"),
            w("today_contact"),
            w("inhouse_contact"),
            w("best_offer"),
            w("tco", scenario=name),
        ],
        rows,
        text=3,
    )
    share_limit = html.pct(frame.max_share_per_provider, lang, 0)
    print_table(
        w("scenarios"),
        [
            w("scenario"),
            w("tco_short"),
            w("npv"),
            w("savings"),
            w("savings_share"),
            w("remark"),
            w("warnings"),
        ],
        [
            [
                ("→ " if s.name == document.recommended else "") + fmt.scenario_label(s.name, lang),
                money(s.tco, currency, lang),
                money(s.npv, currency, lang),
                money(s.savings_npv, currency, lang),
                pct(s.savings_share),
                ", ".join(
                    ([] if s.within_frame else [w("beyond", share=share_limit)])
                    + ([] if s.follows_reasons else [w("against")])
                ),
                str(len(s.warnings)),
            ]
            for s in document.scenarios
        ],
        text=2,
    )
    if document.sensitivity:
        print_table(
            w("sensitivity", scenario=name),
            [w("assumption"), w("change"), w("low"), w("base"), w("high")],
            [
                [
                    b.fr if lang == "fr" else b.en,
                    f"±{html.pct(b.step, lang, 0)}",
                    money(b.low, currency, lang),
                    money(b.base, currency, lang),
                    money(b.high, currency, lang),
                ]
                for b in document.sensitivity
            ],
        )
    if document.simulation:
        print_table(
            w("simulation", scenario=name),
            [w("flow"), w("week"), w("target"), w("service_level"), w("abandon"), w("verdict")],
            [
                [
                    c.flow,
                    c.week_start,
                    f"{html.pct(c.target.service_level, lang, 0)} {w('in')} {c.target.threshold_s:.0f} s",
                    _ci(c.service_level, lang),
                    _ci(c.abandon_rate, lang),
                    w("met") if c.ok else w("missed"),
                ]
                for c in document.simulation
            ],
            text=2,
        )
    share = recommended.savings_share
    out.print(
        w(
            "recommended",
            scenario=name,
            savings=money(recommended.savings_npv, currency, lang),
            share="" if share is None else f" ({pct(share)})",
            months=frame.term_months,
        ),
        markup=False,
    )
    inside = next((s for s in document.scenarios if s.name == "all-in-house"), None)
    base = document.scenarios[0]
    if inside is not None and inside.name != base.name:
        out.print(
            w(
                "inhouse_scenario",
                npv=money(inside.npv, currency, lang),
                today=money(base.npv, currency, lang),
            ),
            markup=False,
        )
    for x in recommended.warnings:
        said = x.fr if lang == "fr" else x.en
        out.print(
            f"  {w('warning')} ({x.offer}) : {said}"
            if lang == "fr"
            else f"  {w('warning')} ({x.offer}): {said}",
            markup=False,
        )
    for f in document.flows:
        why = None if f.verdict is None else (f.verdict.why_fr if lang == "fr" else f.verdict.why_en)
        if why:
            out.print(f"  {f.flow} — {why}", markup=False)
    if document.decision_id:
        err.print(w("recorded", id=document.decision_id))


def _ci(x: Estimate | None, lang: str = "en") -> str:
    if x is None:
        return "—"
    return f"{html.pct(x.mean, lang)} ({html.pct(x.ci_low, lang)}–{html.pct(x.ci_high, lang)})"
