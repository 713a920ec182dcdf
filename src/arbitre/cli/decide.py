"""`arbitre decide`: keep, outsource or split each flow, the scenarios side by side, the tornado."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from arbitre.cli.output import err, out, print_json, print_table
from arbitre.cli.progress import progress
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
    lang: Annotated[str, typer.Option(help="Language of the reasons in the table: fr or en.")] = "en",
) -> None:
    """Costs in-house and at each offer, qualification, optimal allocation, scenarios over the term."""
    ws = Workspace.open(directory)
    try:
        with progress("Sizing, pricing and allocating every flow…", enabled=not json):
            document = run_decide(ws, sensitivity=sensitivity)
    finally:
        ws.close()
    if json:
        print_json(document)
        return
    print_summary(document, lang="fr" if lang == "fr" else "en")


def money(value: str | None, currency: str = "EUR") -> str:
    """A decimal string as a reader sees it: 1,234,567 EUR."""
    if value is None:
        return "—"
    return f"{Decimal(value):,.0f} {currency}"


def money2(value: str | None) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f}"


def print_summary(document: dict[str, Any], *, lang: str = "en") -> None:
    """The decision as three tables (flows, scenarios, sensitivity) and the recommendation."""
    currency = document["currency"]
    frame = document["frame"]
    recommended = next(s for s in document["scenarios"] if s["name"] == document["recommended"])
    rows = []
    for f in document["flows"]:
        cheapest = min(
            (
                (Decimal(o["per_contact"]), k)
                for k, o in f["offers"].items()
                if o.get("feasible") and o.get("per_contact") is not None
            ),
            default=None,
        )
        rows.append(
            [
                f["flow"],
                f["recommendation"],
                f["summary"][lang],
                money2(f["inhouse"]["per_contact"]),
                "—" if cheapest is None else f"{cheapest[0]:,.2f} ({cheapest[1]})",
                money(f["tco"].get(document["recommended"]), currency),
            ]
        )
    print_table(
        f"{document['workspace']} — decision over {frame['term_months']} months from {frame['start_month']}",
        [
            "flow",
            "recommendation",
            "allocation",
            f"in-house {currency}/contact",
            f"cheapest offer {currency}/contact",
            f"TCO ({document['recommended']})",
        ],
        rows,
        text=3,
    )
    print_table(
        "Scenarios (TCO over the term; savings at present value against all in-house)",
        ["scenario", "TCO", "NPV", "savings (NPV)", "savings %", "warnings"],
        [
            [
                ("→ " if s["name"] == document["recommended"] else "") + s["name"],
                money(s["tco"], currency),
                money(s["npv"], currency),
                money(s["savings_npv"], currency),
                "—" if s["savings_share"] is None else f"{100 * s['savings_share']:.1f}%",
                str(len(s["warnings"])),
            ]
            for s in document["scenarios"]
        ],
    )
    if document["sensitivity"]:
        print_table(
            f"Sensitivity of the savings of {document['recommended']} (NPV, {currency})",
            ["assumption", "change", "low", "base", "high"],
            [
                [
                    b[lang],
                    f"±{100 * Decimal(b['step']):.0f}%",
                    money(b["low"], currency),
                    money(b["base"], currency),
                    money(b["high"], currency),
                ]
                for b in document["sensitivity"]
            ],
        )
    if document.get("simulation"):
        print_table(
            f"The calls of {document['recommended']} checked by simulation (an ordinary week, 95% CI)",
            ["flow", "week", "target", "service level", "abandon", "verdict"],
            [
                [
                    c["flow"],
                    c["week_start"],
                    f"{100 * c['target']['service_level']:.0f}% in {c['target']['threshold_s']:.0f} s",
                    _ci(c["service_level"]),
                    _ci(c["abandon_rate"]),
                    "met" if c["ok"] else "MISSED",
                ]
                for c in document["simulation"]
            ],
            text=2,
        )
    share = recommended["savings_share"]
    out.print(
        f"Recommended: {document['recommended']} — saves {money(recommended['savings_npv'], currency)}"
        + ("" if share is None else f" ({100 * share:.1f}%)")
        + f" at present value over {frame['term_months']} months against keeping everything in-house."
    )
    for w in recommended["warnings"]:
        out.print(f"  warning ({w['offer']}): {w['message']}", markup=False)
    if document.get("decision_id"):
        err.print(f"Decision recorded: {document['decision_id']}")


def _ci(x: dict[str, float] | None) -> str:
    if x is None:
        return "—"
    return f"{100 * x['mean']:.1f}% ({100 * x['ci_low']:.1f}–{100 * x['ci_high']:.1f})"
