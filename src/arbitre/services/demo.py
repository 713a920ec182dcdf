"""The demo: a complete example workspace built the way a user would build theirs.

The demo company's history (``arbitre.demo``) is written out as the exports a client really gets —
monthly CSV files from the in-house telephony and helpdesk in the canonical format, and the
provider's call-detail export in its own shape (semicolon, Windows-1252, French headers, local
times) — and then imported through the ordinary import pipeline with the shipped mapping, so the
demo exercises validation, pseudonymisation, redaction and the store like any import.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from arbitre.contract.result import MonthResult
from arbitre.decision.document import DecisionDocument
from arbitre.demo.generate import generate_history
from arbitre.demo.provider import generate_provider_months, provider_invoices, write_invoice_csv
from arbitre.demo.quality import Planted, plant
from arbitre.demo.quality import evaluations as demo_evaluations
from arbitre.demo.tender import EVALUATORS, bid_cells, filled_grid, grades_of, lots_of
from arbitre.domain.costing import Offer
from arbitre.domain.tender import Evaluation
from arbitre.errors import WorkspaceError
from arbitre.examples import EXAMPLES, MAPPINGS
from arbitre.ingest.mapping import load_mapping
from arbitre.mapping.document import ActivityMap
from arbitre.quality.documents import Calibration, CheckSummary
from arbitre.reports.activity import write_activity_map
from arbitre.reports.business_case import write_business_case
from arbitre.services.activity import activity_map
from arbitre.services.contracts import store_contract
from arbitre.services.copil import copil, write_copil
from arbitre.services.decide import decide
from arbitre.services.govern import govern
from arbitre.services.imports import ImportSummary, import_file
from arbitre.services.quality import import_evaluations, store_grid
from arbitre.services.quality_checks import calibrate, check_month, run_summary
from arbitre.services.tender import init_tender, load_tender, questions, store_flows, tender_path
from arbitre.services.tender_award import AwardResult, award_lots
from arbitre.services.tender_awarded import record_awards
from arbitre.services.tender_bids import import_bids, list_bids
from arbitre.services.tender_grades import record_evaluation
from arbitre.services.tender_report import write_tender_report
from arbitre.services.tender_score import flow_facts, score_tender
from arbitre.services.tender_spec import write_spec
from arbitre.store.interactions import connect
from arbitre.store.quality import current_runs
from arbitre.store.workspace import Workspace
from arbitre.tender.document import TenderScore
from arbitre.yamlio import load_model

MARKER = ".arbitre-demo"
DEMO_INPUTS = Path(__file__).resolve().parent.parent / "demo" / "workspace"
CONTRACT_EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "contracts" / "callmada-2026.yaml"
# The demo's "today": early July 2026, the week before the monthly committee reviews June.
DEMO_TODAY = date(2026, 7, 6)
PROVIDER_SITE = "linguaserv:barcelona"
QA_GRID = EXAMPLES / "quality" / "grille-relation-client.yaml"
# The tender (step 5): the after-sales calls and e-mails, the flows of the contract signed after it,
# on the example tender's timetable (bids due 13 February 2026 at noon, award on 6 March).
TENDER = "sav-2026"
TENDER_FLOWS = ("sav-voice-fr", "sav-email-fr")
BIDS_RECEIVED = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
AWARDED_AT = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)


@dataclass
class DemoResult:
    workspace: Path
    seed: int
    contacts: int
    provider_contacts: int = 0  # the provider's months under the contract (2026)
    imports: list[ImportSummary] = field(default_factory=list)
    mapping: ActivityMap | None = None
    report: Path | None = None
    decision: DecisionDocument | None = None
    business_case: Path | None = None
    tender: TenderScore | None = None
    awards: list[AwardResult] = field(default_factory=list)
    governance: list[MonthResult] = field(default_factory=list)
    copil: Path | None = None
    quality: list[CheckSummary] = field(default_factory=list)  # the provider's months checked
    calibration: Calibration | None = None


def build_demo(
    directory: Path, *, seed: int = 7, scale: float = 1.0, progress: Callable[[str], None] = lambda _: None
) -> DemoResult:
    """Build the demo workspace in ``directory`` (replacing an earlier demo there, nothing else)."""
    _clear(directory)
    progress(f"Generating a year of contacts for the demo company (seed {seed})")
    history = generate_history(seed=seed, scale=scale)
    ws = Workspace.init(directory, settings=history.settings)
    (directory / MARKER).write_text(f"seed: {seed}\nscale: {scale}\n", encoding="utf-8")
    try:
        exports = directory / "exports"
        exports.mkdir()
        progress("Writing the exports a client would receive (in-house monthly files, provider CDR)")
        files = _write_exports(history.interactions, exports, tz=history.settings.timezone)
        pq.write_table(history.staffing, exports / "staffing-plan-2025.parquet")
        result = DemoResult(workspace=directory, seed=seed, contacts=history.interactions.num_rows)
        cdr = load_mapping(MAPPINGS / "telephony-cdr.yaml")
        for path, provider in files:
            progress(f"Importing {path.name}")
            result.imports.append(
                import_file(ws, path, mapping=cdr if provider else None, who="arbitre demo")
            )
        progress("Mapping the activity (step 1) and writing its report")
        result.mapping = activity_map(ws)
        result.report = write_activity_map(result.mapping, ws.reports_dir, lang="fr")
        write_activity_map(result.mapping, ws.reports_dir, lang="en")
        progress("Deciding what to keep, outsource or split (steps 2 and 4)")
        _copy_inputs(directory)
        decide(ws, who="arbitre demo")
        progress("The tender between the four providers (step 5): specification, bids, evaluation, award")
        result.tender, result.awards = _tender_demo(ws, directory)
        progress("Deciding again with the awarded bids among the offers, and writing the business case")
        result.decision = decide(ws, who="arbitre demo")
        result.business_case = write_business_case(result.decision, ws.reports_dir, fmt="html", lang="fr")
        write_business_case(result.decision, ws.reports_dir, fmt="html", lang="en")
        write_business_case(result.decision, ws.reports_dir, fmt="pdf", lang="fr")
        progress("Call Mada's first months under the contract: importing, refereeing each month (step 7)")
        result.governance = _govern_demo(ws, directory, seed=seed, scale=scale, result=result)
        progress("Writing the steering-committee report of the last month")
        result.copil = _copil_demo(ws, month=result.governance[-1].month)
        return result
    finally:
        ws.close()


def _tender_demo(ws: Workspace, directory: Path) -> tuple[TenderScore, list[AwardResult]]:
    """The tender of the after-sales calls and e-mails: the tender file and its specification,
    each provider's grid filled from its offer (`arbitre.demo.tender`), the bids imported before
    the deadline, the two evaluators' grades, the score on the DQE, and each lot awarded to the
    provider the score recommends (offers and draft contracts, docs/tender.md)."""
    init_tender(ws, TENDER, flows=TENDER_FLOWS)
    _invite(tender_path(ws, TENDER), sorted((directory / "offers").glob("*.yaml")))
    *_, grid_path = write_spec(ws, TENDER, lang="fr", pdf=False)
    tender = load_tender(ws, TENDER)
    facts = flow_facts(ws, tender)
    counts = store_flows(ws)
    blank = grid_path.read_bytes()
    answers = [n for n, _ in questions(tender)]
    files = []
    for path in sorted((directory / "offers").glob("*.yaml")):
        offer = load_model(path, Offer)
        lots = lots_of(offer, tender, {f: facts[f].channel.value for f in tender.scope.flows})
        if not lots:
            continue
        cells = bid_cells(
            offer,
            tender,
            lots=lots,
            reference_aht_s={f: x.reference_aht_s for f, x in facts.items()},
            contacts={f: float(counts[f][1]) for f in tender.scope.flows},
            answers=answers,
        )
        target = directory / "exports" / f"offre-{offer.id}-{TENDER}.xlsx"
        target.write_bytes(filled_grid(blank, cells))
        files.append(target)
    import_bids(ws, TENDER, files, who="arbitre demo", received_at=BIDS_RECEIVED, now=AWARDED_AT)
    bidders = [b.provider for b in list_bids(ws, tender)]
    for evaluator in EVALUATORS:
        grades = grades_of(evaluator, bidders, tender.criteria.graded())
        record_evaluation(
            ws, tender, Evaluation.model_validate({"evaluator": evaluator, "grades": grades}), who=evaluator
        )
    score = score_tender(ws, TENDER, now=AWARDED_AT)
    write_tender_report(ws, score, fmt="html", lang="fr")
    write_tender_report(ws, score, fmt="html", lang="en")
    winners = {lot.lot: lot.recommended for lot in score.lots if lot.recommended}
    awards = award_lots(ws, TENDER, winners, now=AWARDED_AT)
    record_awards(ws, awards, who="arbitre demo", at=AWARDED_AT)  # the web pages show them awarded
    return score, awards


def _invite(tender_file: Path, offers: list[Path]) -> None:
    """Invite the providers whose offers the demo holds: each one's bidder id is its offer's id,
    and its web accounts are those of its offer's site (the provider's portal shows it the tender)."""
    lines = ["", "# Les prestataires invités : chacun voit l'appel d'offres dans son portail.", "invited:"]
    for path in offers:
        offer = load_model(path, Offer)
        lines += [
            f"  - provider: {offer.id}",
            f"    name: {json.dumps(offer.provider, ensure_ascii=False)}",
            f"    sites: [{json.dumps(offer.site)}]",
        ]
    with tender_file.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def _govern_demo(
    ws: Workspace, directory: Path, *, seed: int, scale: float, result: DemoResult
) -> list[MonthResult]:
    """The contract signed with the offshore provider, its first three months imported from its
    exports, each month refereed with its invoice (May misses the service level: a credit)."""
    months = generate_provider_months(seed=seed, scale=scale)
    result.provider_contacts = months.interactions.num_rows
    # The calls Call Mada's speech analytics transcribed, with the demo's planted defects.
    provider_table, planted = plant(months.interactions, seed=seed)
    exports = directory / "exports"
    con = _export_connection(provider_table, tz=ws.settings.timezone)
    try:
        files = _monthly_csv(con, where="TRUE", name="callmada-tana", folder=exports)
    finally:
        con.close()
    for path in files:
        result.imports.append(import_file(ws, path, who="arbitre demo"))
    contracts = directory / "contracts"
    contracts.mkdir(exist_ok=True)
    contract_file = contracts / CONTRACT_EXAMPLE.name
    shutil.copyfile(CONTRACT_EXAMPLE, contract_file)
    contract = store_contract(ws, contract_file, who="arbitre demo").contract
    _quality_demo(ws, directory, table=provider_table, planted=planted, seed=seed, result=result)
    out = []
    for month, rows in sorted(provider_invoices(months, contract=contract).items()):
        invoice = write_invoice_csv(rows, exports / f"callmada-facture-{month}.csv")
        out.extend(govern(ws, month=month, invoice=invoice, who="arbitre demo", today=DEMO_TODAY))
    return out


def _quality_demo(
    ws: Workspace, directory: Path, *, table: pa.Table, planted: Planted, seed: int, result: DemoResult
) -> None:
    """Quality monitoring of the provider's calls: the grid stored, every transcript of each month
    checked, the graders' evaluations of a sample imported, the checks calibrated on them."""
    grid_file = directory / QA_GRID.name
    shutil.copyfile(QA_GRID, grid_file)
    store_grid(ws, grid_file, who="arbitre demo")
    months = pc_months(table)
    for month in months:
        check_month(ws, month=month, who="arbitre demo")
    rows = demo_evaluations(table, planted, seed=seed)
    target = directory / "exports" / "evaluations-qualite-callmada.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["contact_id", "site", "grader", "criterion", "answer", "comment"])
        writer.writerows(rows)
    import_evaluations(ws, target)
    result.calibration = calibrate(ws, who="arbitre demo")
    # The months as scored after the calibration (on the trusted criteria).
    result.quality = [run_summary(ws, r) for r in current_runs(ws)]


def pc_months(table: pa.Table) -> list[str]:
    """The local months (YYYY-MM, Paris) of the table's arrivals."""
    local = pc.local_timestamp(table.column("arrived_at").cast(pa.timestamp("us", tz="Europe/Paris")))
    return sorted(set(pc.strftime(local, format="%Y-%m").to_pylist()))


def _copil_demo(ws: Workspace, *, month: str) -> Path:
    """The report the monthly committee discusses (French HTML and PDF, English HTML)."""
    (report,) = copil(ws, month=month, today=DEMO_TODAY)
    path = write_copil(ws, report, fmt="html", lang="fr")
    write_copil(ws, report, fmt="html", lang="en")
    write_copil(ws, report, fmt="pdf", lang="fr")
    return path


def _copy_inputs(directory: Path) -> None:
    """The company's decision inputs, as files its users edit: costs, the frame, the four offers."""
    for name in ("costs.yaml", "decision.yaml"):
        shutil.copyfile(DEMO_INPUTS / name, directory / name)
    shutil.copytree(DEMO_INPUTS / "offers", directory / "offers")


def _clear(directory: Path) -> None:
    if not directory.exists():
        return
    if (directory / MARKER).exists():
        shutil.rmtree(directory)
        return
    if any(directory.iterdir()):
        raise WorkspaceError(f"{directory} exists and is not an earlier demo: choose another --dir")


def _export_connection(interactions: pa.Table, *, tz: str) -> duckdb.DuckDBPyConnection:
    con = connect(tz)
    con.register("history", interactions)
    # ISO 8601 with the offset written in full (+02:00), as a telephony platform exports it.
    con.execute(
        f"""CREATE MACRO iso(ts) AS strftime(ts, '%Y-%m-%dT%H:%M:%S') || CASE WHEN ts IS NULL THEN NULL ELSE
            printf('%s%02d:%02d', CASE WHEN epoch(timezone('{tz}', ts)) < epoch(ts) THEN '-' ELSE '+' END,
                   CAST(abs(epoch(timezone('{tz}', ts)) - epoch(ts)) AS INTEGER) // 3600,
                   (CAST(abs(epoch(timezone('{tz}', ts)) - epoch(ts)) AS INTEGER) % 3600) // 60) END"""
    )
    return con


def _monthly_csv(con: duckdb.DuckDBPyConnection, *, where: str, name: str, folder: Path) -> list[Path]:
    """One canonical CSV file a month of the rows of ``history`` that ``where`` keeps."""
    months = [
        m
        for (m,) in con.sql(
            f"SELECT DISTINCT strftime(arrived_at, '%Y-%m') AS m FROM history WHERE {where} ORDER BY m"
        ).fetchall()
    ]
    out = []
    for month in months:
        target = folder / f"{name}-{month}.csv"
        table = con.sql(
            f"""
            SELECT contact_id, flow, channel, site,
                   iso(arrived_at) AS arrived_at, iso(answered_at) AS answered_at, iso(ended_at) AS ended_at,
                   abandoned, round(talk_s, 1) AS talk_s, round(hold_s, 1) AS hold_s, round(wrap_s, 1) AS wrap_s,
                   language, agent_id, customer_id, reason, resolved, csat, nps, qa_score, transcript
            FROM history WHERE {where} AND strftime(arrived_at, '%Y-%m') = '{month}'
            ORDER BY arrived_at
            """
        ).to_arrow_table()
        pacsv.write_csv(table, target)
        out.append(target)
    return out


def _write_exports(interactions: pa.Table, folder: Path, *, tz: str) -> list[tuple[Path, bool]]:
    """Monthly canonical CSV files for the in-house site; the provider's CDR in its own shape."""
    con = _export_connection(interactions, tz=tz)
    out: list[tuple[Path, bool]] = [
        (p, False)
        for p in _monthly_csv(
            con, where=f"site <> '{PROVIDER_SITE}'", name="interactions-internal", folder=folder
        )
    ]
    cdr = con.sql(
        f"""
        SELECT contact_id AS "ID appel",
               strftime(arrived_at, '%d/%m/%Y %H:%M:%S') AS "Début",
               coalesce(strftime(answered_at, '%d/%m/%Y %H:%M:%S'), '') AS "Décroché",
               coalesce(strftime(ended_at, '%d/%m/%Y %H:%M:%S'), '') AS "Fin",
               'SUPPORT INTL' AS "File", 'Barcelone' AS "Site", 'APPEL' AS "Type",
               CAST(round(epoch(coalesce(answered_at, ended_at)) - epoch(arrived_at)) AS INTEGER) AS "Attente (s)",
               CASE WHEN talk_s IS NULL THEN '' ELSE printf('%d:%02d:%02d', CAST(talk_s AS INTEGER) // 3600,
                    (CAST(talk_s AS INTEGER) % 3600) // 60, CAST(talk_s AS INTEGER) % 60) END AS "Conversation",
               coalesce(CAST(CAST(hold_s AS INTEGER) AS VARCHAR), '') AS "Garde (s)",
               coalesce(replace(printf('%.1f', wrap_s), '.', ','), '') AS "Post-appel (s)",
               CASE WHEN abandoned THEN 'Abandonné' ELSE 'Répondu' END AS "Statut",
               coalesce(agent_id, '') AS "Agent", coalesce(customer_id, '') AS "N° client",
               CASE language WHEN 'en' THEN 'Anglais' WHEN 'es' THEN 'Espagnol' WHEN 'de' THEN 'Allemand' ELSE 'Français' END AS "Langue",
               coalesce(reason, '') AS "Motif",
               CASE WHEN resolved THEN 'Oui' WHEN NOT resolved THEN 'Non' ELSE '' END AS "Résolu",
               coalesce(CAST(csat AS VARCHAR), '') AS "Note enquête"
        FROM history WHERE site = '{PROVIDER_SITE}' ORDER BY arrived_at
        """
    ).to_arrow_table()
    con.close()
    target = folder / "linguaserv-barcelone-cdr-2025.csv"
    with open(target, "w", encoding="cp1252", newline="") as handle:
        handle.write(";".join(cdr.column_names) + "\r\n")
        for row in zip(*(cdr.column(i).to_pylist() for i in range(cdr.num_columns)), strict=True):
            handle.write(";".join("" if v is None else str(v) for v in row) + "\r\n")
    out.append((target, True))
    return out
