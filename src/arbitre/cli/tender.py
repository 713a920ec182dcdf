"""`arbitre tender …`: the tender file, the specification and bid grid, bids, grades, the score,
the report, and the standalone ranking of procurement (docs/tender.md)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from arbitre.cli.output import err, out, print_json
from arbitre.cli.output import print_table as _print_table
from arbitre.errors import InputError

tender_app = typer.Typer(
    help="The tender (step 5): specification, bid grid, bids, evaluation, scoring, report.",
    no_args_is_help=True,
)
LANGS = ("fr", "en")


def register(app: typer.Typer) -> None:
    app.add_typer(tender_app, name="tender")


Dir = Annotated[Path, typer.Argument(help="The workspace.")]
Name = Annotated[str, typer.Argument(help="The tender's id: tenders/NAME.yaml in the workspace.")]


@tender_app.command("init")
def init(
    directory: Dir,
    name: Name,
    flows: Annotated[
        str | None,
        typer.Option(
            "--flows",
            help="Flows of the scope, comma-separated (default: what the recorded decision outsources; without one, all but outbound).",
        ),
    ] = None,
) -> None:
    """Write tenders/NAME.yaml: the commented example with this workspace's flows, to edit."""
    from arbitre.services.tender import init_tender
    from arbitre.store.workspace import Workspace

    with Workspace.open(directory) as ws:
        chosen = [f.strip() for f in flows.split(",") if f.strip()] if flows else None
        result = init_tender(ws, name, flows=chosen)
    out.print(str(result.path), markup=False)
    origin = {
        "decision": f"what decision {result.decision_id} outsources",
        "flows": "--flows",
        "store": "every flow of the store but outbound calls"
        + (f" (decision {result.decision_id} keeps everything in-house)" if result.decision_id else ""),
    }[result.source]
    out.print(
        f"scope ({origin}): {', '.join(result.flows)}; bands {', '.join(result.bands)}; "
        f"languages {', '.join(result.languages)}",
        markup=False,
    )


@tender_app.command("spec")
def spec(
    directory: Dir,
    name: Name,
    lang: Annotated[str, typer.Option(help="Language of the documents: fr or en.")] = "fr",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the PDF (WeasyPrint).")] = True,
    output: Annotated[
        Path | None,
        typer.Option("--out", help="Folder to write them in (default: the workspace's reports/)."),
    ] = None,
) -> None:
    """The specification (DOCX and PDF) from the store's real volumes, and the bid grid (XLSX)."""
    from arbitre.services.tender_spec import write_spec
    from arbitre.store.workspace import Workspace

    _lang(lang)
    with Workspace.open(directory) as ws:
        with err.status("Writing the specification…"):
            paths = write_spec(ws, name, lang=lang, pdf=pdf, folder=output)
    for p in paths:
        out.print(str(p), markup=False)


@tender_app.command("bids")
def bids(
    directory: Dir,
    name: Name,
    files: Annotated[list[Path] | None, typer.Argument(help="Filled bid grids (XLSX) to import.")] = None,
    received_at: Annotated[
        str | None,
        typer.Option("--received-at", help="When the bids were received, with the offset (default: now)."),
    ] = None,
    who: Annotated[
        str | None, typer.Option("--as", help="Who imports them (default: the system user).")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import filled grids (all or none; prices sealed until the deadline), or list the bids."""
    from arbitre.services.tender import load_tender
    from arbitre.services.tender_bids import import_bids, list_bids
    from arbitre.store.workspace import Workspace

    when = _time(received_at, "--received-at") if received_at else None
    with Workspace.open(directory) as ws:
        if files:
            stored = import_bids(ws, name, files, who=who, received_at=when)
        else:
            stored = list_bids(ws, load_tender(ws, name))
    document: list[dict[str, Any]] = [
        {
            "provider": s.provider,
            "provider_name": s.technical.provider_name,
            "version": s.version,
            "file": s.file_name,
            "sha256": s.file_sha256,
            "received_at": s.received_at.isoformat(),
            "lots": s.technical.lots,
        }
        for s in stored
    ]
    if json:
        print_json(document)
        return
    print_table(
        f"{name} — {'imported' if files else 'bids received'} (prices sealed until the deadline)",
        ["provider", "name", "version", "lots", "received", "file", "sha256"],
        [
            [
                d["provider"],
                d["provider_name"],
                str(d["version"]),
                ", ".join(d["lots"]),
                d["received_at"],
                d["file"],
                d["sha256"][:12],
            ]
            for d in document
        ],
        text=7,
    )


@tender_app.command("evaluate")
def evaluate(
    directory: Dir,
    name: Name,
    evaluator: Annotated[str, typer.Option("--evaluator", help="Who grades (their name).")],
    file: Annotated[
        Path | None, typer.Option("--file", help="A CSV of grades: provider,criterion,score[,comment].")
    ] = None,
    provider: Annotated[str | None, typer.Option("--provider", help="Grade one provider…")] = None,
    criterion: Annotated[str | None, typer.Option("--criterion", help="… on one criterion…")] = None,
    score: Annotated[str | None, typer.Option("--score", help="… with this grade.")] = None,
    comment: Annotated[str | None, typer.Option("--comment", help="Why.")] = None,
    consensus: Annotated[
        bool, typer.Option("--consensus", help="These are the grades agreed in the consensus meeting.")
    ] = False,
    who: Annotated[
        str | None, typer.Option("--as", help="Who enters them (default: the system user).")
    ] = None,
) -> None:
    """Enter an evaluator's grades of the technical answers (no price is shown or needed)."""
    from arbitre.domain.tender import Evaluation, Grade
    from arbitre.services.tender import load_tender
    from arbitre.services.tender_grades import read_grades, record_evaluation
    from arbitre.store.workspace import Workspace

    if (file is None) == (provider is None):
        raise InputError("give --file, or --provider with --criterion and --score")
    if file is not None:
        evaluation = read_grades(file, evaluator=evaluator, consensus_meeting=consensus)
    else:
        if criterion is None or score is None:
            raise InputError("--provider needs --criterion and --score")
        evaluation = Evaluation(
            evaluator=evaluator,
            consensus=consensus,
            grades=[
                Grade(
                    provider=provider or "",
                    criterion=criterion,
                    score=_decimal(score, "--score"),
                    comment=comment,
                )
            ],
        )
    with Workspace.open(directory) as ws:
        n = record_evaluation(ws, load_tender(ws, name), evaluation, who=who)
    out.print(
        f"{n} grade{'s' if n != 1 else ''} of {evaluator}{' (consensus)' if consensus else ''} recorded",
        markup=False,
    )


@tender_app.command("score")
def score(
    directory: Dir,
    name: Name,
    json: Annotated[bool, typer.Option("--json", help="Print the whole score as JSON.")] = False,
) -> None:
    """The technical evaluation and, once the deadline is past, every bid priced on the same
    volumes, ranked per lot with the sensitivity of the ranking and the flags."""
    from arbitre.services.tender_score import score_tender
    from arbitre.store.workspace import Workspace

    with Workspace.open(directory) as ws:
        with err.status("Pricing the bids on the DQE…"):
            document = score_tender(ws, name)
    if json:
        print_json(document.model_dump(mode="json"))
        return
    from arbitre.reports.words_tender import flag_text, warning_text

    if document.sealed:
        out.print(
            f"{name}: bids sealed until {document.bids_due.isoformat()} — technical evaluation only",
            markup=False,
        )
    tech = document.technical
    print_table(
        f"{name} — technical scores (consensus, 0–{document.max_score})",
        ["provider", *sorted({c for s in tech.scores.values() for c in s})],
        [[p, *(str(v) for _, v in sorted(s.items()))] for p, s in sorted(tech.scores.items())],
    )
    for p, c in tech.missing:
        out.print(f"  missing grade: {p} on {c}", markup=False)
    for lot in document.lots:
        if document.sealed:
            continue
        rows = []
        ranks = {r.provider: r for r in lot.ranking}
        for q in lot.quotes:
            r = ranks.get(q.provider)
            rows.append(
                [
                    q.provider,
                    f"{q.term_total:,.2f}",
                    f"{q.annual:,.2f}",
                    "—" if q.per_contact is None else f"{q.per_contact:,.4f}",
                    "—" if r is None else f"{r.price_score:.2f}",
                    "—" if r is None else f"{r.technical_score:.2f}",
                    "—" if r is None else f"{r.total:.2f}",
                    "—" if r is None else str(r.rank),
                ]
            )
        rows.sort(key=lambda x: (x[-1] == "—", x[-1]))
        print_table(
            f"Lot {lot.lot} — {lot.title} ({document.currency}, {document.formula})",
            ["provider", "term cost", "annual", "per contact", "price", "technical", "total", "rank"],
            rows,
        )
        if lot.inhouse_total is not None:
            out.print(
                f"  in-house cost of the same volumes: {lot.inhouse_total:,.2f} {document.currency}",
                markup=False,
            )
        for q in lot.quotes:
            for f in q.flags:
                out.print(
                    f"  {q.provider}: "
                    + flag_text(
                        f.code, share=f"{100 * f.share_below:.1f} %", reference=f"{f.reference:,.2f}"
                    ),
                    markup=False,
                )
        for w in lot.warnings:
            out.print(f"  warning: {warning_text(w.code, w.params)}", markup=False)
        for u in lot.unranked:
            out.print(f"  not ranked: {u.provider} ({u.reason})", markup=False)
        if lot.recommended:
            out.print(f"  recommended: {lot.recommended}", markup=False)


@tender_app.command("rank")
def rank(
    file: Annotated[
        Path, typer.Argument(help="YAML: max_score, price_weight, price_formula, criteria, bids.")
    ],
    lang: Annotated[str, typer.Option(help="Language of the warnings: fr or en.")] = "en",
    json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Rank bids from a file of prices and grades (no workspace): the ranking, the ranking under
    each price formula, and warnings (rank reversal, a winner that depends on the formula)."""
    from arbitre.domain.tender import RankRequest
    from arbitre.reports.words_tender import warning_text
    from arbitre.tender.rank import ranking
    from arbitre.yamlio import load_model

    _lang(lang)
    result = ranking(load_model(file, RankRequest))
    document = {
        "ranking": [r.model_dump(mode="json") for r in result.ranking],
        "by_formula": result.by_formula,
        "warnings": [warning_text(w.code, w.params, lang) for w in result.warnings],
    }
    if json:
        print_json(document)
        return
    print_table(
        None,
        ["rank", "provider", "price score", "technical score", "total"],
        [
            [str(r.rank), r.provider, f"{r.price_score:.4f}", f"{r.technical_score:.4f}", f"{r.total:.4f}"]
            for r in result.ranking
        ],
        text=2,
    )
    for f, order in result.by_formula.items():
        out.print(f"{f}: {' > '.join(order)}", markup=False)
    for w in document["warnings"]:
        out.print(f"warning: {w}", markup=False)


@tender_app.command("award")
def award_cmd(
    directory: Dir,
    name: Name,
    lot: Annotated[
        str, typer.Option("--lot", help="The lot awarded (the tender's lot id; `all` without lots).")
    ],
    provider: Annotated[
        str, typer.Option("--provider", help="The provider it is awarded to (its bidder id).")
    ],
    who: Annotated[
        str | None,
        typer.Option("--as", help="Who awards it (default: the system user), recorded as cli:WHO."),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")] = False,
) -> None:
    """Award a lot: the bid as offers (offers/) for `arbitre decide`, a draft contract (contracts/)
    for `arbitre contract`; draft offers set aside in offers/drafts/. Recorded as the web app
    records its awards: a lot awarded already (here or in the web app) is refused."""
    from arbitre.services.audit import Actor
    from arbitre.services.tender import load_tender
    from arbitre.services.tender_awarded import award_once
    from arbitre.services.tender_bids import who_of
    from arbitre.services.tender_views import awards_of
    from arbitre.store.workspace import Workspace

    with Workspace.open(directory) as ws:
        tender = load_tender(ws, name)
        with err.status("Pricing the bids on the DQE…"):
            result = award_once(ws, tender, lot, provider, actor=Actor(name=f"cli:{who_of(who)}", role="cli"))
        recorded = next(a for a in awards_of(ws, tender.id) if a.lot == lot)
        root = ws.root
    if json:
        print_json(
            {
                "tender": result.tender,
                "lot": result.lot,
                "provider": result.provider,
                "recommended": result.recommended,
                "offers": [str(root / p) for p in result.offers],
                "set_aside": [str(root / p) for p in result.set_aside],
                "contracts": [str(root / p) for p in result.contracts],
                "awarded_at": recorded.awarded_at.isoformat(),
                "awarded_by": recorded.awarded_by,
            }
        )
        return
    if result.recommended != result.provider:
        err.print(
            f"note: the score recommends {result.recommended or 'no provider'} for lot {lot}, not {provider}",
            markup=False,
        )
    for label, paths in (
        ("offer", result.offers),
        ("set aside", result.set_aside),
        ("draft contract", result.contracts),
    ):
        for path in paths:
            out.print(f"{label}: {root / path}", markup=False)
    out.print(
        f"lot {lot} of {name} awarded to {provider} on {recorded.awarded_at.isoformat(timespec='minutes')} by {recorded.awarded_by}",
        markup=False,
    )
    out.print(
        f"next: arbitre decide {directory} (on the bid); arbitre contract {directory} CONTRACT.yaml (the draft, once negotiated)",
        markup=False,
    )


@tender_app.command("report")
def report(
    directory: Dir,
    name: Name,
    format: Annotated[str, typer.Option("--format", help="html or pdf.")] = "html",
    lang: Annotated[str, typer.Option(help="Language of the report: fr or en.")] = "fr",
    output: Annotated[
        Path | None, typer.Option("--out", help="Where to write it (default: the workspace's reports/).")
    ] = None,
) -> None:
    """The tender report: comparison, scores, sensitivity, flags, recommendation, inputs and sources."""
    from arbitre.services.tender_report import write_tender_report
    from arbitre.services.tender_score import score_tender
    from arbitre.store.workspace import Workspace

    _lang(lang)
    if format not in ("html", "pdf"):
        raise InputError(field="--format", expected="html or pdf", got=format)
    with Workspace.open(directory) as ws:
        with err.status("Preparing the tender report…"):
            document = score_tender(ws, name)
            path = write_tender_report(
                ws, document, fmt="pdf" if format == "pdf" else "html", lang=lang, path=output
            )
    out.print(str(path), markup=False)


def print_table(title: str | None, columns: list[str], rows: list[list[str]], *, text: int = 1) -> None:
    """A table whose cells may hold what a provider wrote: printed as text, never as Rich markup."""
    _print_table(
        None if title is None else escape(title),
        [escape(c) for c in columns],
        [[escape(x) for x in r] for r in rows],
        text=text,
    )


def _lang(lang: str) -> None:
    if lang not in LANGS:
        raise InputError(field="--lang", expected="fr or en", got=lang)


def _time(text: str, flag: str) -> datetime:
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(field=flag, expected="a time such as 2026-02-13T11:20:00+01:00", got=text) from None
    if t.tzinfo is None:
        raise InputError(
            field=flag, expected="a time with its UTC offset (2026-02-13T11:20:00+01:00)", got=text
        )
    return t


def _decimal(text: str, flag: str) -> Decimal:
    try:
        d = Decimal(text.replace(",", "."))
    except ArithmeticError:
        raise InputError(field=flag, expected="a number", got=text) from None
    if not d.is_finite() or d < 0:
        raise InputError(field=flag, expected="a number ≥ 0", got=text)
    return d
