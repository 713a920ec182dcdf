"""`arbitre fit`: each queued flow's staffing model checked against the history (docs/model-fit.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from arbitre.cli.output import err, fmt_num, fmt_s, print_table
from arbitre.cli.progress import progress
from arbitre.errors import InputError
from arbitre.fit.results import FitResult, ModelFit

LANGS = ("fr", "en")


def register(app: typer.Typer) -> None:
    app.command("fit")(fit)


def fit(
    source: Annotated[
        Path, typer.Argument(metavar="FILE_OR_WORKSPACE", help="A workspace, or an interaction file.")
    ],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="Column mapping for a file in another shape.")
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(
            help="Time zone of the intervals (default: the workspace's, the mapping's, else Europe/Paris)."
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Random seed of the simulation: the same seed, the same result.")
    ] = 7,
    replications: Annotated[
        int, typer.Option(min=1, help="Replications of the simulation (more: steadier, slower).")
    ] = 5,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write the HTML report here (default for a workspace: its reports/)."),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the HTML report: fr or en.")] = "fr",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write predicted against observed per interval to a .csv or .parquet file."
        ),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print a list of JSON objects, one per flow.")] = False,
) -> None:
    """Patience, agents seen, and Erlang C, Erlang A and the simulator against the observed KPIs."""
    if lang not in LANGS:
        raise InputError(field="--lang", expected="fr or en", got=lang)
    from arbitre.ingest.mapping import load_mapping
    from arbitre.services.fit import fit as run_fit
    from arbitre.services.fit import record_fit, report_path, write_fit_report
    from arbitre.store.workspace import Workspace
    from arbitre.tabular import write_json, write_table

    with progress("Fitting the models…", enabled=not json):
        run = run_fit(
            source,
            mapping=load_mapping(mapping) if mapping else None,
            tz=tz,
            seed=seed,
            replications=replications,
        )
        target = report
        if Workspace.is_workspace(source):
            ws = Workspace.open(source)
            try:
                target = target or report_path(ws, lang)
                if tz is None or tz == ws.settings.timezone:
                    record_fit(ws, run.result)  # the plan and the decision read it (docs/model-fit.md)
            finally:
                ws.close()
        if target is not None:
            write_fit_report(run, target, lang=lang)
    if target is not None:
        err.print(f"HTML report: {target}", markup=False)
    if out is not None:
        write_table(run.intervals, out)
        err.print(f"Intervals written to {out}", markup=False)
    if json:
        write_json([f.model_dump(mode="json") for f in run.result.flows])
        return
    _print(run.result)


def _print(result: FitResult) -> None:
    from arbitre.reports.words_fit import verdict, w

    rows = []
    for f in result.flows:
        ci = f"({fmt_s(f.patience_ci_s[0])}–{fmt_s(f.patience_ci_s[1])})" if f.patience_ci_s else ""
        rows.append(
            [
                f.flow,
                fmt_num(f.queued),
                fmt_num(f.abandoned),
                f"{fmt_s(f.patience_mle_s)} {ci}".strip(),
                fmt_s(f.kaplan_meier.median_s if f.kaplan_meier else None),
                fmt_num(f.agents.pool_mean_agents, 1) if f.agents else "—",
                *(_errors(f.model(name)) for name in ("erlang_c", "erlang_a", "simulation")),
                f.best_model or "—",
            ]
        )
    period = f" — {result.period_start} to {result.period_end}" if result.period_start else ""
    print_table(
        f"{result.source}{period} (error per interval, root mean square, points: service level / abandon rate)",
        [
            "flow",
            "queued",
            "abandoned",
            "patience (95% CI)",
            "KM median",
            "agents seen",
            "Erlang C",
            "Erlang A",
            "simulation",
            "best",
        ],
        rows,
    )
    for f in result.flows:
        err.print(f"{f.flow}: {verdict(f, 'en')}", markup=False)
    for s in result.skipped:
        err.print(f"not fitted: {s.flow} ({s.channel}) — {w('skip.' + s.reason, 'en')}", markup=False)


def _errors(m: ModelFit | None) -> str:
    if m is None:
        return "—"
    return f"{_pts(m.rmse_service_level)} / {_pts(m.rmse_abandon_rate)}"


def _pts(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.1f}"
