"""`arbitre qa`: QA grids, graders' evaluations, automatic checks, calibration, sampling, disputes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from arbitre.cli.output import err, fmt_num, fmt_pct, out, print_json, print_table
from arbitre.store.workspace import Workspace

qa_app = typer.Typer(
    help="Quality monitoring: QA grids, every transcript checked, calibration against the graders.",
    no_args_is_help=True,
)
Dir = Annotated[Path, typer.Argument(help="The workspace.")]
GridOpt = Annotated[
    str | None, typer.Option("--grid", help="The grid's id (needed when several are stored).")
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Who = Annotated[str | None, typer.Option("--as", help="Who does it (default: the system user).")]


def register(app: typer.Typer) -> None:
    app.add_typer(qa_app, name="qa")


def _score(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


@qa_app.command("grid")
def grid(
    directory: Dir,
    file: Annotated[Path | None, typer.Argument(help="A grid YAML file to store (a new version).")] = None,
    who: Who = None,
    json: Json = False,
) -> None:
    """Store a QA grid (validated whole; each change a new version) or list the stored ones."""
    from arbitre.services.quality import list_grids, store_grid

    with Workspace.open(directory) as ws:
        if file is None:
            grids = list_grids(ws)
            if json:
                print_json([{"grid": g, "version": v} for g, v in grids])
            for g, v in grids if not json else []:
                out.print(f"{g} (version {v})", markup=False)
            return
        stored = store_grid(ws, file, who=who)
    if json:
        print_json(stored.model_dump(mode="json"))
        return
    state = "unchanged" if stored.unchanged else "stored"
    out.print(
        f"{stored.grid_id}: {state} as version {stored.version} — {stored.criteria} criteria, "
        f"{stored.automatic} checked automatically",
        markup=False,
    )


@qa_app.command("import")
def import_(
    directory: Dir,
    file: Annotated[
        Path,
        typer.Argument(
            help="Graders' evaluations: CSV or XLSX (contact_id, site, grader, criterion, answer, comment)."
        ),
    ],
    grid_id: GridOpt = None,
    site: Annotated[
        str | None,
        typer.Option("--site", help="The site of every contact, when the file has no site column."),
    ] = None,
    json: Json = False,
) -> None:
    """Import graders' evaluations on the latest grid version (all or nothing; every bad row named)."""
    from arbitre.services.quality import import_evaluations

    with Workspace.open(directory) as ws:
        done = import_evaluations(ws, file, grid_id=grid_id, site=site)
    if json:
        print_json(done.model_dump(mode="json"))
        return
    out.print(
        f"{done.file}: {done.evaluations} evaluations of {done.contacts} contacts by {len(done.graders)} graders "
        f"({done.inserted} new, {done.updated} replaced) on {done.grid_id} v{done.grid_version}; "
        f"mean score {_score(done.mean_score)}",
        markup=False,
    )


@qa_app.command("check")
def check(
    directory: Dir,
    month: Annotated[str, typer.Option("--month", help="The month whose transcripts to check, YYYY-MM.")],
    grid_id: GridOpt = None,
    features: Annotated[
        str,
        typer.Option(
            "--features", help="Classifier features: tfidf (fast, default) or e5 (embeddings extra)."
        ),
    ] = "tfidf",
    who: Who = None,
    json: Json = False,
) -> None:
    """Check every transcript of the month on the grid: answers with evidence, score, reason, sentiment."""
    from arbitre.errors import InputError
    from arbitre.services.quality_checks import check_month

    if features not in ("tfidf", "e5"):
        raise InputError(field="--features", expected="tfidf or e5", got=features)
    with Workspace.open(directory) as ws:
        with err.status(f"Checking the transcripts of {month}…"):
            summary = check_month(ws, month=month, grid_id=grid_id, features=features, who=who)  # type: ignore[arg-type]
    if json:
        print_json(summary.model_dump(mode="json"))
        return
    speed = f", {summary.per_second:,.0f} a second" if summary.per_second else ""
    out.print(
        f"{summary.grid_id} v{summary.grid_version} — {summary.month}: {summary.checked:,} of {summary.contacts:,} "
        f"contacts checked in {summary.seconds:.1f} s{speed}; mean score {_score(summary.mean_score)}, "
        f"critical failures {fmt_pct(summary.critical_rate)}"
        + ("" if summary.calibrated else " (not calibrated yet: every automatic criterion counts)"),
        markup=False,
    )
    print_table(
        None,
        ["criterion", "compliant", "yes", "no", "n/a", "in score"],
        [
            [
                c.criterion,
                fmt_pct(c.compliance),
                fmt_num(c.yes),
                fmt_num(c.no),
                fmt_num(c.na),
                "yes" if c.trusted else "no",
            ]
            for c in summary.criteria
        ],
    )


@qa_app.command("calibrate")
def calibrate(directory: Dir, grid_id: GridOpt = None, who: Who = None, json: Json = False) -> None:
    """Agreement of the automatic answers with the graders' (Cohen's kappa), grader alignment;
    the criteria trusted from now on, and the checks scored again on them."""
    from arbitre.services.quality_checks import calibrate as run_calibration

    with Workspace.open(directory) as ws:
        doc = run_calibration(ws, grid_id=grid_id, who=who)
    if json:
        print_json(doc.model_dump(mode="json"))
        return
    print_table(
        f"{doc.grid_id} v{doc.grid_version} — {doc.contacts} contacts graded both ways; trusted at κ ≥ {doc.trust_kappa} over ≥ {doc.min_pairs}",
        ["criterion", "pairs", "agreement", "kappa", "PABAK", "status"],
        [
            [
                c.criterion,
                fmt_num(c.pairs),
                fmt_pct(c.agreement),
                "—" if c.kappa is None else f"{c.kappa:.2f}",
                "—" if c.pabak is None else f"{c.pabak:.2f}" + (" (held)" if c.measure == "pabak" else ""),
                "automatic" if c.trusted else ("stays human" if c.automatic else "graders only"),
            ]
            for c in doc.criteria
        ],
    )
    print_table(
        "Graders against the others",
        ["grader", "evaluations", "mean score", "agreement", "kappa", "score gap"],
        [
            [
                g.grader,
                fmt_num(g.evaluations),
                _score(g.mean_score),
                fmt_pct(g.agreement),
                "—" if g.kappa is None else f"{g.kappa:.2f}",
                "—" if g.leniency is None else f"{g.leniency:+.1f}",
            ]
            for g in doc.graders
        ],
    )
    if doc.strictest:
        out.print(
            f"Strictest: {doc.strictest}; most lenient: {doc.most_lenient}; {doc.rescored_runs} month(s) scored again.",
            markup=False,
        )


@qa_app.command("sample")
def sample(
    directory: Dir,
    month: Annotated[str, typer.Option("--month", help="The month to sample, YYYY-MM.")],
    grid_id: GridOpt = None,
    share: Annotated[float, typer.Option(help="Share of the checked contacts to review.")] = 0.03,
    min_per_agent: Annotated[int, typer.Option(help="Contacts reviewed per agent at least.")] = 2,
    random_share: Annotated[
        float, typer.Option(help="Share of the sample drawn at random (unbiased calibration).")
    ] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the random part.")] = 0,
    output: Annotated[
        Path | None, typer.Option("--out", help="Write the evaluation template (CSV in the import's format).")
    ] = None,
    grader: Annotated[str, typer.Option(help="The grader's name in the template.")] = "",
    json: Json = False,
) -> None:
    """Risk-based selection of the contacts for human review, with the share per agent and flow."""
    from arbitre.services.quality_checks import sample as run_sample

    with Workspace.open(directory) as ws:
        doc = run_sample(
            ws,
            month=month,
            grid_id=grid_id,
            share=share,
            min_per_agent=min_per_agent,
            random_share=random_share,
            seed=seed,
            out=output,
            grader=grader,
        )
    if json:
        print_json(doc.model_dump(mode="json"))
        return
    out.print(
        f"{doc.sampled:,} of {doc.eligible:,} checked contacts of {doc.month} to review ({fmt_pct(doc.share)})",
        markup=False,
    )
    print_table(
        None,
        ["flow", "checked", "sampled", "share"],
        [[s.key, fmt_num(s.eligible), fmt_num(s.sampled), fmt_pct(s.share)] for s in doc.by_flow],
    )
    print_table(
        None,
        ["contact", "site", "flow", "score", "risk", "why", "signals"],
        [
            [c.contact_id, c.site, c.flow, _score(c.score), f"{c.risk:.2f}", c.why, ", ".join(c.signals)]
            for c in doc.contacts[:30]
        ],
    )
    if len(doc.contacts) > 30:
        out.print(f"… and {len(doc.contacts) - 30} more (--json lists them all)", markup=False)
    if doc.template:
        err.print(f"Template: {doc.template}", markup=False)


@qa_app.command("dispute")
def dispute(
    directory: Dir,
    contact: Annotated[str, typer.Option("--contact", help="The contact's id.")],
    site: Annotated[str, typer.Option("--site", help="The contact's site.")],
    criterion: Annotated[str, typer.Option("--criterion", help="The criterion disputed.")],
    answer: Annotated[str, typer.Option("--answer", help="The answer the provider asks for.")],
    reason: Annotated[str, typer.Option("--reason", help="Why.")],
    grader: Annotated[str | None, typer.Option("--grader", help="Whose evaluation (when several).")] = None,
    grid_id: GridOpt = None,
    who: Who = None,
    json: Json = False,
) -> None:
    """The provider disputes a criterion of a grader's evaluation."""
    from arbitre.services.quality import raise_dispute

    with Workspace.open(directory) as ws:
        d = raise_dispute(
            ws,
            contact_id=contact,
            site=site,
            criterion=criterion,
            proposed=answer,
            reason=reason,
            grader=grader,
            grid_id=grid_id,
            who=who,
        )
    if json:
        print_json(d.model_dump(mode="json"))
        return
    out.print(
        f"dispute {d.id}: {d.criterion} of {d.contact_id} ({d.grader}) {d.previous} → {d.proposed}, open",
        markup=False,
    )


@qa_app.command("decide")
def decide(
    directory: Dir,
    dispute_id: Annotated[str, typer.Argument(metavar="DISPUTE", help="The dispute's id.")],
    accept: Annotated[
        bool, typer.Option("--accept/--reject", help="Accept the provider's answer or reject it.")
    ],
    note: Annotated[str | None, typer.Option("--note", help="The decision's note.")] = None,
    who: Who = None,
    json: Json = False,
) -> None:
    """The client's decision on a dispute (accepted: the answer changes, the score is recomputed)."""
    from arbitre.services.quality import decide_dispute

    with Workspace.open(directory) as ws:
        d = decide_dispute(ws, dispute_id, accept=accept, note=note, who=who)
    if json:
        print_json(d.model_dump(mode="json"))
        return
    out.print(
        f"dispute {d.id}: {d.status}; score {_score(d.score_before)} → {_score(d.score_after)}", markup=False
    )


@qa_app.command("disputes")
def disputes(
    directory: Dir,
    status: Annotated[str | None, typer.Option("--status", help="open, accepted or rejected.")] = None,
    json: Json = False,
) -> None:
    """The disputes, oldest first."""
    from arbitre.services.quality import list_disputes

    with Workspace.open(directory) as ws:
        rows = list_disputes(ws, status=status)
    if json:
        print_json([d.model_dump(mode="json") for d in rows])
        return
    print_table(
        None,
        ["dispute", "contact", "criterion", "asked", "status", "reason"],
        [
            [d.id[:12], d.contact_id, d.criterion, f"{d.previous} → {d.proposed}", d.status, d.reason]
            for d in rows
        ],
    )
