"""`arbitre simulate`: run a contact-centre scenario and show its KPIs with confidence intervals."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from arbitre.cli.output import err, fmt_num, fmt_pct, fmt_s, print_table
from arbitre.cli.progress import progress
from arbitre.staffing.document import Estimate
from arbitre.tabular import write_json


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)


def simulate(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO.yaml", help="The scenario to simulate.")],
    replications: Annotated[
        int, typer.Option(min=1, help="Independent runs; KPIs are their mean with a 95% confidence interval.")
    ] = 10,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same results.")] = 7,
    by: Annotated[
        str,
        typer.Option(help="Group keys: any of pool (or site), flow, channel, language, and interval."),
    ] = "pool,interval",
    out: Annotated[
        Path | None, typer.Option(help="Write every simulated contact to this Parquet file.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file even if this command did not write it.")
    ] = False,
    threshold: Annotated[
        float | None, typer.Option(help="Service-level threshold in seconds for every channel.")
    ] = None,
    short_abandon: Annotated[
        float | None, typer.Option(help="Abandons under this many seconds are short (default 5).")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Simulate flows, pools and routing contact by contact; KPIs per pool and interval."""
    from arbitre.services.simulate import run_simulation  # compiles Numba kernels: load it only here

    began = time.perf_counter()
    with progress(f"Simulating {replications} replication(s)…", enabled=not json):
        document = run_simulation(
            scenario,
            replications=replications,
            seed=seed,
            by=[by] if by else [],
            out=out,
            force=force,
            threshold_s=threshold,
            short_abandon_s=short_abandon,
        )
    elapsed = time.perf_counter() - began
    err.print(f"{document.contacts:,} contacts simulated in {elapsed:.1f} s", markup=False)
    if json:
        write_json(document.model_dump(mode="json"))
        return
    keys = document.by
    rows = [
        [
            *(str(row.keys[k]) for k in keys),
            fmt_num(_mean(row.offered), 1),
            _pct_ci(row.service_level),
            _pct_ci(row.abandon_rate),
            fmt_s(_mean(row.asa_s)),
            fmt_s(_mean(row.aht_s)),
            fmt_pct(_mean(row.occupancy)),
        ]
        for row in document.kpis
    ]
    header = [*keys, "offered", "SL (95% CI)", "abandon (95% CI)", "ASA", "AHT", "occupancy"]
    if not keys:
        header = ["all", *header]
        rows = [["all", *r] for r in rows]
    title = f"{document.scenario} — {document.replications} replications, seed {document.seed}"
    print_table(title, header, rows)


def _mean(value: Estimate | None) -> float | None:
    return value.mean if value is not None else None


def _pct_ci(value: Estimate | None) -> str:
    if value is None or value.mean is None:
        return "—"
    if value.ci_low is None or value.ci_high is None:
        return fmt_pct(value.mean)
    return f"{fmt_pct(value.mean)} ({100 * value.ci_low:.1f}–{100 * value.ci_high:.1f})"
