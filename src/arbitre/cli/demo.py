"""`arbitre demo`: build the example workspace, show the tour, serve it."""

from __future__ import annotations

import functools
import http.server
import threading
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from arbitre.cli.decide import print_summary
from arbitre.cli.output import fmt_num, fmt_pct, fmt_s, out, print_json, print_table
from arbitre.cli.progress import progress


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
        typer.Option("--serve/--no-serve", help="Serve the workspace's reports on 127.0.0.1 afterwards."),
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
    flows = result.mapping["flows"]
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
                "governance": [
                    {
                        k: g[k]
                        for k in (
                            "contract",
                            "month",
                            "fees",
                            "credits_total",
                            "earned_back_total",
                            "bonus_total",
                            "net_fees",
                        )
                    }
                    | {"slas": [{k: x[k] for k in ("name", "actual", "met", "credit")} for x in g["slas"]]}
                    for g in result.governance
                ],
                "decision": {
                    "recommended": result.decision["recommended"],
                    "scenarios": [
                        {k: s[k] for k in ("name", "tco", "npv", "savings_npv", "savings_share")}
                        for s in result.decision["scenarios"]
                    ],
                    "flows": [
                        {k: f[k] for k in ("flow", "recommendation", "summary")}
                        for f in result.decision["flows"]
                    ],
                },
                "flows": [
                    {k: f[k] for k in ("flow", "channel", "contacts", "outside_opening_hours", "kpis")}
                    for f in flows
                ],
            }
        )
        return
    imported = sum(s.inserted for s in result.imports)
    out.print(
        f"\n[bold]{result.mapping['workspace']}[/] — demo workspace in {result.workspace} (seed {seed})"
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
                f["flow"],
                f["channel"],
                fmt_num(f["contacts"]),
                fmt_pct(f["outside_opening_hours"]),
                fmt_num(f["outside_hours"]["per_month"]),
                fmt_pct(f["bands"]["evening"]),
                fmt_pct(f["bands"]["weekend"]),
                fmt_s(f["kpis"]["aht_s"]),
                fmt_pct(f["kpis"]["service_level"]),
                fmt_pct(f["kpis"]["abandon_rate"]),
                fmt_pct(f["kpis"]["csat"]),
            ]
            for f in flows
        ],
    )
    out.print()
    print_summary(result.decision)
    if result.governance:
        cur = result.governance[0]["currency"]
        print_table(
            f"Step 7 — {result.governance[0]['title'] or result.governance[0]['contract']}, month by month",
            ["month", "SLAs met", "missed", "fees", "credits", "earned back", "bonus", "net", "invoice"],
            [
                [
                    g["month"],
                    f"{sum(1 for x in g['slas'] if x['met'])}/{len(g['slas'])}",
                    ", ".join(x["name"] for x in g["slas"] if x["met"] is False) or "—",
                    f"{Decimal(g['fees']):,.2f} {cur}",
                    f"{Decimal(g['credits_total']):,.2f}",
                    f"{Decimal(g['earned_back_total']):,.2f}",
                    f"{Decimal(g['bonus_total']):,.2f}",
                    f"{Decimal(g['net_fees']):,.2f}",
                    "—"
                    if g["invoice"] is None
                    else (
                        "matches" if g["invoice"]["flagged"] == 0 else f"{g['invoice']['flagged']} flagged"
                    ),
                ]
                for g in result.governance
            ],
            text=3,
        )
    out.print(f"\nReports: {result.report}")
    out.print(f"         {result.business_case} (and .pdf)")
    if result.copil:
        out.print(f"         {result.copil} (and .pdf, .en.html)")
    out.print(f"Try:     arbitre govern {result.workspace} --month 2026-05")
    out.print(f"         arbitre decide {result.workspace} --json")
    if serve:
        _serve(result.workspace / "reports", port=port, page=result.report.name if result.report else "")


def _serve(folder: Path, *, port: int, page: str) -> None:
    handler = functools.partial(_QuietHandler, directory=str(folder), home=page)
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        out.print(f"\nServing the reports on http://127.0.0.1:{port}/{page}  (Ctrl-C to stop)")
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            thread.join()
        except KeyboardInterrupt:
            server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """The reports folder; ``/`` goes to the main report."""

    def __init__(self, *args: Any, home: str, **kwargs: Any) -> None:
        self.home = home
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if self.path in ("/", "/index.html") and self.home:
            self.send_response(302)
            self.send_header("Location", "/" + self.home)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: ARG002  (names of the base class)
        return
