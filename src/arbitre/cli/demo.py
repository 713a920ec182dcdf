"""`arbitre demo`: build the example workspace, show the tour, serve it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from arbitre.cli.decide import print_summary
from arbitre.cli.output import bold, fmt_num, fmt_pct, fmt_s, out, print_json, print_table
from arbitre.cli.progress import progress
from arbitre.contract.reconcile import Difference
from arbitre.services.demo_accounts import DemoAccount, create_demo_accounts, open_demo_dispute


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    dir: Annotated[
        Path, typer.Option("--dir", help="Folder of the demo workspace (an earlier demo there is replaced).")
    ] = Path("demo-workspace"),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same company.")] = 7,
    scale: Annotated[
        float,
        typer.Option(
            help="Volume multiplier (1.0 is about 1.5 million contacts a year).", min=0.001, max=10.0
        ),
    ] = 1.0,
    serve: Annotated[
        bool,
        typer.Option("--serve/--no-serve", help="Serve the web app on 127.0.0.1 afterwards (docs/web.md)."),
    ] = True,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    json: Annotated[
        bool, typer.Option("--json", help="Print a summary as JSON (implies --no-serve).")
    ] = False,
) -> None:
    """Build a complete example workspace: a French e-commerce company and a year of its contacts."""
    from arbitre.services.demo import build_demo  # the generator compiles Numba kernels: load it only here

    with progress("Building the demo…", enabled=not json) as bar:
        result = build_demo(dir, seed=seed, scale=scale, progress=lambda m: bar.say(m + "…"))
        bar.say("Creating the accounts of the web app…")
        accounts = _accounts(result.workspace)
    assert result.mapping is not None and result.decision is not None
    flows = result.mapping.flows
    decision = result.decision
    if json:
        print_json(
            {
                "workspace": str(result.workspace),
                "seed": result.seed,
                "contacts": result.contacts,
                "provider_contacts": result.provider_contacts,
                "imports": [s.as_dict() for s in result.imports],
                "report": str(result.report),
                "business_case": str(result.business_case),
                "copil": str(result.copil),
                "quality": [
                    q.model_dump(
                        mode="json", include={"month", "contacts", "checked", "mean_score", "critical_rate"}
                    )
                    for q in result.quality
                ],
                "calibration": None
                if result.calibration is None
                else result.calibration.model_dump(
                    mode="json", include={"contacts", "trusted", "strictest", "most_lenient"}
                ),
                "governance": [
                    g.model_dump(
                        mode="json",
                        include={
                            "contract",
                            "month",
                            "fees",
                            "credits_total",
                            "earned_back_total",
                            "bonus_total",
                            "net_fees",
                        },
                    )
                    | {
                        "slas": [
                            x.model_dump(mode="json", include={"name", "actual", "met", "credit"})
                            for x in g.slas
                        ]
                    }
                    for g in result.governance
                ],
                "tender": None
                if result.tender is None
                else {
                    "tender": result.tender.tender,
                    "lots": [
                        {
                            "lot": lot.lot,
                            "recommended": lot.recommended,
                            "ranking": [r.provider for r in lot.ranking],
                        }
                        for lot in result.tender.lots
                    ],
                    "awards": [
                        {"lot": a.lot, "provider": a.provider, "offers": [p.name for p in a.offers]}
                        for a in result.awards
                    ],
                },
                "decision": {
                    "recommended": decision.recommended,
                    "scenarios": [
                        s.model_dump(
                            mode="json", include={"name", "tco", "npv", "savings_npv", "savings_share"}
                        )
                        for s in decision.scenarios
                    ],
                    "flows": [
                        f.model_dump(mode="json", include={"flow", "recommendation", "summary"})
                        for f in decision.flows
                    ],
                },
                "flows": [
                    f.model_dump(
                        mode="json", include={"flow", "channel", "contacts", "outside_opening_hours", "kpis"}
                    )
                    for f in flows
                ],
                "accounts": [a.model_dump() for a in accounts],
            }
        )
        return
    imported = sum(s.inserted for s in result.imports)
    out.print(
        Text.assemble(
            "\n", bold(result.mapping.workspace), f" — demo workspace in {result.workspace} (seed {seed})"
        )
    )
    out.print(
        f"{fmt_num(result.contacts)} contacts of 2025 and {fmt_num(result.provider_contacts)} of the provider's "
        f"months in 2026 generated, {fmt_num(imported)} imported from {len(result.imports)} export files.\n"
    )
    print_table(
        "Step 1 — the activity map",
        [
            "flow",
            "channel",
            "contacts",
            "outside hours",
            "closed/month",
            "evening",
            "weekend",
            "AHT",
            "SL",
            "abandon",
            "CSAT",
        ],
        [
            [
                f.flow,
                f.channel,
                fmt_num(f.contacts),
                fmt_pct(f.outside_opening_hours),
                fmt_num(f.outside_hours.per_month),
                fmt_pct(f.bands["evening"]),
                fmt_pct(f.bands["weekend"]),
                fmt_s(f.kpis.aht_s),
                fmt_pct(f.kpis.service_level),
                fmt_pct(f.kpis.abandon_rate),
                fmt_pct(f.kpis.csat),
            ]
            for f in flows
        ],
    )
    out.print()
    if result.tender is not None:
        print_table(
            f"Step 5 — the tender {result.tender.tender}: every bid on the same volumes, ranked per lot",
            ["lot", "provider", "term cost", "price", "technical", "total", "rank"],
            [
                [
                    lot.lot,
                    r.provider,
                    f"{r.price:,.2f} {result.tender.currency}",
                    f"{r.price_score:.2f}",
                    f"{r.technical_score:.2f}",
                    f"{r.total:.2f}",
                    str(r.rank),
                ]
                for lot in result.tender.lots
                for r in lot.ranking
            ],
        )
        for a in result.awards:
            out.print(
                f"  lot {a.lot} awarded to {a.provider}: {', '.join(p.name for p in a.offers + a.contracts)}",
                markup=False,
            )
    out.print()
    out.print(
        "Steps 2 to 4 — the decision (arbitre decide)"
        if result.tender is None
        else "Steps 2 to 4 — the decision after the tender: the awarded bids beside the offers (arbitre decide)",
        markup=False,
    )
    print_summary(decision)
    if result.governance:
        cur = result.governance[0].currency
        print_table(
            f"Step 7 — {result.governance[0].title or result.governance[0].contract}, month by month",
            ["month", "SLAs met", "missed", "fees", "credits", "earned back", "bonus", "net", "invoice"],
            [
                [
                    g.month,
                    f"{sum(1 for x in g.slas if x.met)}/{len(g.slas)}",
                    ", ".join(x.name for x in g.slas if x.met is False) or "—",
                    f"{g.fees:,.2f} {cur}",
                    f"{g.credits_total:,.2f}",
                    f"{g.earned_back_total:,.2f}",
                    f"{g.bonus_total:,.2f}",
                    f"{g.net_fees:,.2f}",
                    "—"
                    if g.invoice is None
                    else _invoice_state(g.invoice.differences, asked=len(g.invoice.evidence)),
                ]
                for g in result.governance
            ],
            text=3,
        )
    for q in result.quality:
        out.print(
            f"Quality {q.month}: {q.checked:,} calls checked, mean automatic score {q.mean_score or 0:.1f}, "
            f"critical failures {fmt_pct(q.critical_rate)}",
            markup=False,
        )
    out.print(f"\nReports: {result.report}")
    out.print(f"         {result.business_case} (and .pdf)")
    if result.copil:
        out.print(f"         {result.copil} (and .pdf, .en.html)")
    out.print(f"Try:     arbitre govern {result.workspace} --month 2026-05")
    out.print(f"         arbitre decide {result.workspace} --json")
    print_table(
        "Accounts of the web app (passwords made for this workspace; also in .secret/demo-accounts.txt)",
        ["user", "role", "password", "who"],
        [[a.username, a.role, a.password, a.name] for a in accounts],
    )
    if serve:
        from arbitre.cli.serve import run_server
        from arbitre.web.settings import build_settings

        run_server(build_settings([result.workspace], port=port))
    else:
        out.print(f"Serve:   arbitre serve {result.workspace}")


def _accounts(workspace: Path) -> list[DemoAccount]:
    from arbitre.store.workspace import Workspace

    ws = Workspace.open(workspace)
    try:
        accounts = create_demo_accounts(ws)
        open_demo_dispute(ws)  # the story's last step, left for the client to settle in the app
        return accounts
    finally:
        ws.close()


def _invoice_state(differences: list[Difference], *, asked: int) -> str:
    """``matches``, ``2 disputed``, ``evidence asked (1 flow)``: what the month's invoice check
    calls for — a gap resting on an estimate asks for evidence, it is not disputed."""
    disputed = sum(d.flag in ("over", "under", "price") for d in differences if d.item != "total")
    parts = ([f"{disputed} disputed"] if disputed else []) + (
        [f"evidence asked ({asked} flow)"] if asked else []
    )
    flagged = sum(d.flag != "ok" for d in differences)
    return ", ".join(parts) or ("matches" if flagged == 0 else f"{flagged} flagged")
