"""The tender of a workspace (step 5): the tender file, bids, grades, the DQE and the scoring.

Files: ``tenders/<id>.yaml`` (the tender, validated with line errors). App database: the bids
received (``tender_bids``: the provider's file as sent, its technical part, its price part
apart) and the evaluators' grades (``tender_grades``).

The seal. A bid's prices, fees and productivity assumptions are stored in their own column and
are read by one function only, `unsealed_bids`, which refuses before the tender's ``bids_due``
(compared with the clock the caller passes). Everything else — the list of bids, the technical
evaluation, `score_tender` before the deadline — reads the technical part only. Each file's
SHA-256 and time of receipt are stored with it, so that a file changed after the deadline shows.
It is a procedural seal (the envelope in the safe), not a cryptographic one: whoever can read the
database directly can read the prices; docs/tender.md says so.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import json
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, func, select

from arbitre.costing.defaults import load_costs
from arbitre.costing.inhouse import InHouseCost, inhouse_cost
from arbitre.costing.money import dec
from arbitre.costing.workload import FlowWorkload
from arbitre.domain.channels import Channel
from arbitre.domain.tender import (
    Bid,
    BidCertification,
    BidSite,
    Evaluation,
    Grade,
    RampUp,
    Tender,
)
from arbitre.errors import InputError
from arbitre.forecast import Forecast, forecast
from arbitre.mapping.queries import handle_times, languages
from arbitre.services.forecast import load_history
from arbitre.store.appdb import TenderBid, TenderGrade, session_scope
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from arbitre.tender.consensus import Board, consensus
from arbitre.tender.document import DqeFlowOut, SourceOut, TenderScore, lot_out, sealed_lots, technical_out
from arbitre.tender.dqe import FlowFacts, mean_aht_s, term_workloads
from arbitre.tender.grid import read_bid
from arbitre.tender.normalise import compare
from arbitre.yamlio import parse_model

TENDERS_DIR = "tenders"
EXAMPLE = Path(__file__).parents[1] / "examples" / "tenders" / "sav-2026.yaml"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
MAX_GRADES_BYTES = 1_000_000
SCOPE_START = "# --- périmètre"
SCOPE_END = "# --- fin du périmètre ---"
REALTIME = frozenset({Channel.VOICE_IN, Channel.VOICE_OUT, Channel.CHAT})


class SealedError(InputError):
    """The prices of a tender's bids are asked for before its deadline."""


# --- the tender file ------------------------------------------------------------------------


def tender_path(ws: Workspace, name: str) -> Path:
    """``tenders/<name>.yaml``; a name that is not a plain id (a path, ``..``) is refused."""
    if not NAME.match(name) or name.endswith(".") or ".." in name:
        raise InputError(field="NAME", expected="a tender id of letters, digits, '-', '_' or '.'", got=name)
    return ws.root / TENDERS_DIR / f"{name}.yaml"


def store_flows(ws: Workspace) -> dict[str, tuple[Channel, int]]:
    """The flows of the store: each one's main channel and its number of contacts."""
    con = connect(ws.settings.timezone)
    try:
        rows = con.sql(
            f"SELECT flow, channel, count(*) AS n FROM {InteractionStore(ws).source_sql()} GROUP BY ALL ORDER BY n DESC"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, tuple[Channel, int]] = {}
    for flow, channel, n in rows:
        if flow not in out:
            out[flow] = (Channel(channel), int(n))
    return out


def init_tender(ws: Workspace, name: str, *, flows: Sequence[str] | None = None) -> Path:
    """Write ``tenders/<name>.yaml``: the commented French example with this workspace's scope.

    ``flows`` (default: every flow of the store but outbound calls) become the scope, their
    service levels come from the workspace's staffing targets, and they are put in two lots: calls
    and chats, written work. Refuses to overwrite an existing file.
    """
    path = tender_path(ws, name)
    if path.exists():
        raise InputError("already exists: edit it, or choose another name", file=str(path))
    known = store_flows(ws)
    if not known:
        raise InputError(f"{ws.root}: no interactions in the store; import some first (arbitre import)")
    chosen = list(flows) if flows else [f for f, (c, _) in known.items() if c is not Channel.VOICE_OUT]
    unknown = [f for f in chosen if f not in known]
    if unknown:
        raise InputError(
            field="--flows", expected=f"flows of the store ({', '.join(sorted(known))})", got=unknown[0]
        )
    text = EXAMPLE.read_text(encoding="utf-8")
    text = re.sub(r"^id: \S+", f"id: {name}", text, count=1, flags=re.MULTILINE)
    head, rest = text.split(SCOPE_START, 1)
    _, tail = rest.split(SCOPE_END, 1)
    text = head + _scope_block(ws, chosen, known) + SCOPE_END + tail
    parse_model(text, Tender, file=str(path))  # what init writes is valid
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def _scope_block(ws: Workspace, flows: Sequence[str], known: dict[str, tuple[Channel, int]]) -> str:
    langs = _language_shares(ws)
    spoken = sorted(
        {lang for f in flows for lang, share in langs.get(f, {}).items() if share >= 0.01 and lang != "?"}
    )
    lines = [
        SCOPE_START + " : flux, plages horaires, langues, niveaux de service, lots ---",
        "# Écrit par `arbitre tender init` à partir des flux de l'espace de travail ; à revoir.",
        "scope:",
        f"  flows: [{', '.join(flows)}]",
        "  bands: [day, evening, night, weekend]   # plages de arbitre.yaml (hour_bands) confiées au prestataire",
        f"  languages: [{', '.join(spoken or ['fr'])}]",
        "service_levels:                   # les cibles de l'espace de travail ; à ajuster",
    ]
    for f in flows:
        channel = known[f][0]
        t = ws.settings.targets_of(f, channel)
        lines.append(f"  - flow: {f}")
        if channel in (Channel.VOICE_IN, Channel.CHAT) and t.sl is not None and t.threshold_s is not None:
            lines += [f"    sl: {t.sl}", f"    threshold_s: {t.threshold_s:g}"]
            if t.max_abandon is not None:
                lines.append(f"    max_abandon: {t.max_abandon}")
        elif t.deadline_s is not None:
            lines.append(f"    deadline_s: {t.deadline_s:g}")
    live = [f for f in flows if known[f][0] in REALTIME]
    written = [f for f in flows if known[f][0] not in REALTIME]
    lines.append("lots:")
    for lot_id, title, members in (
        ("voix", "Appels et chats", live),
        ("ecrit", "Écrit et back-office", written),
    ):
        if members:
            lines += [f"  - id: {lot_id}", f"    title: {title}", f"    flows: [{', '.join(members)}]"]
    return "\n".join(lines) + "\n"


def load_tender(ws: Workspace, name: str) -> Tender:
    """The tender file, validated; a flow of the scope absent from the store is an error."""
    path = tender_path(ws, name)
    if not path.exists():
        raise InputError(
            f"no tender {name!r}: create it with `arbitre tender init {ws.root} {name}`", file=str(path)
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    tender = parse_model(text, Tender, file=str(path))
    if tender.id != name:
        raise InputError(file=str(path), field="id", expected=f"the file's name, {name}", got=tender.id)
    known = store_flows(ws)
    missing = [f for f in tender.scope.flows if f not in known]
    if missing:
        raise InputError(
            file=str(path),
            field="scope.flows",
            expected=f"flows of the store ({', '.join(sorted(known))})",
            got=missing[0],
        )
    return tender


def questions(tender: Tender) -> list[tuple[str, str]]:
    """The graded names and their labels, in the order of the criteria (the grid's answers)."""
    out = []
    for c in tender.criteria.technical:
        out += [(s.name, s.label) for s in c.sub] if c.sub else [(c.name, c.label)]
    return out


# --- bids -----------------------------------------------------------------------------------


class BidTechnical(BaseModel):
    """A bid without its price part: what anyone may see before the deadline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tender: str
    provider: str
    provider_name: str
    contact: str | None = None
    lots: list[str]
    ramp_up: RampUp
    sites: list[BidSite]
    certifications: list[BidCertification]
    answers: dict[str, str]


SEALED_FIELDS = {"prices", "fees", "productivity"}


@dataclass(frozen=True)
class StoredBid:
    provider: str
    version: int
    file_name: str
    file_sha256: str
    received_at: datetime
    technical: BidTechnical


def import_bids(
    ws: Workspace,
    name: str,
    files: Sequence[Path],
    *,
    who: str | None = None,
    received_at: datetime | None = None,
    now: datetime | None = None,
) -> list[StoredBid]:
    """Read every grid of ``files``, then store them all in one transaction — or none.

    A file received after the deadline is refused; two files of the same provider in one import
    are refused; a provider's new file before the deadline is a new version.
    """
    tender = load_tender(ws, name)
    now = now or datetime.now(UTC)
    received = received_at or now
    if received.tzinfo is None:
        raise InputError(
            field="--received-at", expected="a time with its UTC offset", got=received.isoformat()
        )
    if received > now + timedelta(minutes=5):
        raise InputError(
            field="--received-at",
            expected=f"a time before now ({now.isoformat(timespec='seconds')})",
            got=received.isoformat(),
        )
    if received > tender.timetable.bids_due:
        raise InputError(
            f"received after the deadline {tender.timetable.bids_due.isoformat()}: a late bid is not admitted",
            field="--received-at",
        )
    asked = [n for n, _ in questions(tender)]
    read: list[tuple[Path, bytes, Bid]] = []
    for path in files:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError("file not found", file=str(path)) from None
        except IsADirectoryError:
            raise InputError("a folder, not a file", file=str(path)) from None
        read.append((path, data, read_bid(data, tender=tender, questions=asked, file=str(path))))
    providers = [b.provider for _, _, b in read]
    dupes = sorted({p for p in providers if providers.count(p) > 1})
    if dupes:
        raise InputError(f"two files are bids of {dupes[0]!r}: import one")
    stored = []
    imported = datetime.now(UTC)
    with session_scope(ws.engine) as session:
        for path, data, bid in read:
            last = session.scalar(
                select(func.max(TenderBid.version)).where(
                    TenderBid.tender_id == tender.id, TenderBid.provider == bid.provider
                )
            )
            version = (last or 0) + 1
            technical = BidTechnical.model_validate(bid.model_dump(mode="json", exclude=SEALED_FIELDS))
            digest = hashlib.sha256(data).hexdigest()
            session.add(
                TenderBid(
                    id=uuid.uuid4().hex,
                    tender_id=tender.id,
                    provider=bid.provider,
                    version=version,
                    received_at=received,
                    imported_at=imported,
                    who=_who(who),
                    file_name=path.name,
                    file_sha256=digest,
                    file=data,
                    technical=technical.model_dump_json(),
                    sealed=json.dumps(bid.model_dump(mode="json", include=SEALED_FIELDS)),
                )
            )
            stored.append(StoredBid(bid.provider, version, path.name, digest, received, technical))
    return stored


def _who(who: str | None) -> str:
    return (who or os.environ.get("ARBITRE_USER") or getpass.getuser())[:200]


def _latest(ws: Workspace, tender_id: str) -> list[TenderBid]:
    with session_scope(ws.engine) as session:
        rows = session.scalars(
            select(TenderBid)
            .where(TenderBid.tender_id == tender_id)
            .order_by(TenderBid.provider, TenderBid.version)
        ).all()
        latest: dict[str, TenderBid] = {}
        for r in rows:
            latest[r.provider] = r
        for r in latest.values():
            session.expunge(r)
    return list(latest.values())


def list_bids(ws: Workspace, tender: Tender) -> list[StoredBid]:
    """The latest bid of each provider, technical part only (safe before the deadline)."""
    return [
        StoredBid(
            r.provider,
            r.version,
            r.file_name,
            r.file_sha256,
            _aware(r.received_at),
            BidTechnical.model_validate_json(r.technical),
        )
        for r in _latest(ws, tender.id)
    ]


def unsealed_bids(ws: Workspace, tender: Tender, *, now: datetime) -> list[Bid]:
    """The latest bid of each provider with its prices — the only read of the price part.

    Raises `SealedError` before the tender's deadline.
    """
    due = tender.timetable.bids_due
    if now < due:
        raise SealedError(
            f"the bids of {tender.id} are sealed until {due.isoformat()}: prices are neither shown nor scored before"
        )
    out = []
    for r in _latest(ws, tender.id):
        if hashlib.sha256(r.file).hexdigest() != r.file_sha256:
            raise InputError(
                f"the stored file of {r.provider}'s bid does not match its fingerprint: tampered with?"
            )
        out.append(Bid.model_validate({**json.loads(r.technical), **json.loads(r.sealed)}))
    return out


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)  # SQLite gives naive UTC back


# --- grades ---------------------------------------------------------------------------------


def record_evaluation(
    ws: Workspace, tender: Tender, evaluation: Evaluation, *, who: str | None = None
) -> int:
    """Store one evaluator's grades (each replaces that evaluator's earlier grade of the same
    provider and criterion); the providers must have bid and the criteria must be graded."""
    bidders = {b.provider for b in list_bids(ws, tender)}
    graded = tender.criteria.graded()
    for g in evaluation.grades:
        if g.provider not in bidders:
            raise InputError(
                field="provider",
                expected=f"a provider who bid ({', '.join(sorted(bidders)) or 'none yet'})",
                got=g.provider,
            )
        if g.criterion not in graded:
            raise InputError(
                field="criterion", expected=f"a graded criterion ({', '.join(graded)})", got=g.criterion
            )
        if g.score > tender.criteria.max_score:
            raise InputError(
                field="score", expected=f"a grade from 0 to {tender.criteria.max_score}", got=str(g.score)
            )
    now = datetime.now(UTC)
    with session_scope(ws.engine) as session:
        for g in evaluation.grades:
            session.execute(
                delete(TenderGrade).where(
                    TenderGrade.tender_id == tender.id,
                    TenderGrade.evaluator == evaluation.evaluator,
                    TenderGrade.consensus == evaluation.consensus,
                    TenderGrade.provider == g.provider,
                    TenderGrade.criterion == g.criterion,
                )
            )
            session.add(
                TenderGrade(
                    tender_id=tender.id,
                    evaluator=evaluation.evaluator,
                    consensus=evaluation.consensus,
                    provider=g.provider,
                    criterion=g.criterion,
                    score=str(g.score),
                    comment=g.comment,
                    entered_at=now,
                    who=_who(who),
                )
            )
    return len(evaluation.grades)


def read_grades(path: Path, *, evaluator: str, consensus_meeting: bool = False) -> Evaluation:
    """An evaluator's grades from a CSV file ``provider,criterion,score[,comment]`` (UTF-8,
    comma or semicolon, decimal point or comma); errors name the line and the column."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    if len(raw) > MAX_GRADES_BYTES:
        raise InputError(
            f"{len(raw):,} bytes",
            file=str(path),
            expected=f"a grades file of at most {MAX_GRADES_BYTES:,} bytes",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    sample = text.splitlines()[0] if text else ""
    reader = csv.DictReader(
        io.StringIO(text), delimiter=";" if sample.count(";") > sample.count(",") else ","
    )
    header = [h.strip() for h in reader.fieldnames or []]
    if any(c not in header for c in ("provider", "criterion", "score")):
        raise InputError(
            file=str(path),
            line=1,
            expected="columns provider, criterion, score[, comment]",
            got=",".join(header),
        )
    grades = []
    for row in reader:
        line = reader.line_num
        values = {(k or "").strip(): (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()}
        try:
            score = Decimal(values["score"].replace(",", "."))
        except InvalidOperation:
            raise InputError(
                file=str(path), line=line, field="score", expected="a number", got=values["score"]
            ) from None
        if not score.is_finite() or score < 0:
            raise InputError(
                file=str(path), line=line, field="score", expected="a number ≥ 0", got=values["score"]
            )
        for column in ("provider", "criterion"):
            if not values[column] or len(values[column]) > 100:
                raise InputError(
                    file=str(path),
                    line=line,
                    field=column,
                    expected="a name of 1 to 100 characters",
                    got=values[column],
                )
        comment = values.get("comment") or None
        if comment is not None and len(comment) > 2000:
            raise InputError(
                file=str(path), line=line, field="comment", expected="at most 2,000 characters", got=comment
            )
        grades.append(
            Grade(provider=values["provider"], criterion=values["criterion"], score=score, comment=comment)
        )
    if not grades:
        raise InputError("no grade in the file", file=str(path))
    return Evaluation(evaluator=evaluator, consensus=consensus_meeting, grades=grades)


def technical_board(ws: Workspace, tender: Tender) -> Board:
    """The consensus board of every bidder (needs no price: safe before the deadline)."""
    with session_scope(ws.engine) as session:
        rows = session.scalars(
            select(TenderGrade)
            .where(TenderGrade.tender_id == tender.id)
            .order_by(TenderGrade.evaluator, TenderGrade.id)
        ).all()
        by: dict[tuple[str, bool], list[Grade]] = {}
        for r in rows:
            by.setdefault((r.evaluator, r.consensus), []).append(
                Grade(provider=r.provider, criterion=r.criterion, score=Decimal(r.score), comment=r.comment)
            )
    evaluations = [Evaluation(evaluator=e, consensus=c, grades=g) for (e, c), g in by.items()]
    providers = [b.provider for b in list_bids(ws, tender)]
    try:
        return consensus(evaluations, criteria=tender.criteria, providers=providers)
    except ValueError as exc:  # the tender file changed since the grades were entered
        raise InputError(str(exc), file=str(tender_path(ws, tender.id))) from None


# --- the DQE ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dqe:
    """The term's workloads per flow, the history's handle time per flow, the in-house cost of
    the same volumes (when the workspace has a cost model: ``costs.yaml``), where they come from."""

    workloads: dict[str, FlowWorkload]
    reference_aht_s: dict[str, float]
    inhouse: dict[str, InHouseCost] | None
    history_start: date
    history_end: date
    models: dict[str, str]


def _language_shares(ws: Workspace) -> dict[str, dict[str, float]]:
    """Each flow's share of contacts per language ("?" when unknown), from the mapping engine's query."""
    con = connect(ws.settings.timezone)
    try:
        found = languages(con, InteractionStore(ws).source_sql())
    finally:
        con.close()
    counts: dict[str, dict[str, int]] = {}
    for (flow, _), items in found.items():
        mine = counts.setdefault(flow, {})
        for lang, n in items:
            mine[lang or "?"] = mine.get(lang or "?", 0) + n
    return {f: {k: n / sum(c.values()) for k, n in c.items()} for f, c in counts.items()}


def flow_facts(ws: Workspace, tender: Tender) -> dict[str, FlowFacts]:
    """What the history says of each flow of the scope (channel, hours, targets, languages, times)."""
    settings = ws.settings
    con = connect(settings.timezone)
    try:
        source = InteractionStore(ws).source_sql()
        handles = handle_times(con, source)
        talk = dict(
            con.sql(
                f"SELECT flow, avg(talk_s) FROM {source} WHERE NOT abandoned AND answered_at IS NOT NULL GROUP BY flow"
            ).fetchall()
        )
    finally:
        con.close()
    known = store_flows(ws)
    langs = _language_shares(ws)
    out = {}
    for flow in tender.scope.flows:
        configured = settings.flows[flow].channel if flow in settings.flows else None
        channel = configured or known[flow][0]
        handle = handles.get((flow, channel.value))
        reference = handle.mean_s if handle is not None and handle.mean_s else 300.0
        out[flow] = FlowFacts(
            channel=channel,
            hours=settings.hours_of(flow),
            targets=settings.targets_of(flow, channel),
            languages=langs.get(flow, {}),
            talk_s=float(talk.get(flow) or reference),
            reference_aht_s=float(reference),
        )
    return out


def term_forecast(ws: Workspace, tender: Tender) -> tuple[Forecast, date, date]:
    """The forecast of the scope's flows over the term, from the history before it.

    Returns the forecast and the first and last days of the history it used. The history is cut
    at the term's start and at its last day with contacts: days without any
    contact at the end (an export not yet imported, months a provider handled) would read as a
    service closed on every weekday. A flow forecast at no contact at all is an error, not a DQE.
    """
    history = load_history(ws)
    history = history.select([i for i, f in enumerate(history.flows) if f in tender.scope.flows])
    start = tender.term.first_day()
    history = history.head(max(0, history.axis.day_index(start)))
    active = (
        np.flatnonzero(history.daily().sum(axis=0) > 0) if history.axis.days else np.array([], dtype=np.int64)
    )
    if active.size == 0:
        raise InputError(
            f"no contact of the scope's flows before the term ({tender.term.start}): nothing to forecast from",
            field="term.start",
        )
    history = history.head(int(active[-1]) + 1)
    result = forecast(history, start=start, horizon_days=(tender.term.end_day() - start).days)
    empty = [f for f, total in zip(result.flows, result.daily.sum(axis=1), strict=True) if total <= 0]
    if empty:
        raise InputError(
            f"the forecast of {empty[0]} over the term is 0 contacts (its history before {tender.term.start} "
            "has none in its recent weeks): take it out of the scope or import its history",
            field="scope.flows",
        )
    return result, history.axis.first_day, history.last_day


def dqe(ws: Workspace, tender: Tender) -> Dqe:
    """The volumes every bid is priced on: the forecast of the term from the store's history."""
    result, first, last = term_forecast(ws, tender)
    facts = flow_facts(ws, tender)
    workloads = term_workloads(result, tender=tender, facts=facts, bands=ws.settings.hour_bands)
    costs_path = ws.root / "costs.yaml"
    inhouse = (
        {f: inhouse_cost(w, costs=load_costs(costs_path)) for f, w in workloads.items()}
        if costs_path.exists()
        else None
    )
    return Dqe(
        workloads=workloads,
        reference_aht_s={f: facts[f].reference_aht_s for f in workloads},
        inhouse=inhouse,
        history_start=first,
        history_end=last,
        models={i.flow: i.model for i in result.info},
    )


# --- the score ----------------------------------------------------------------------------


def score_tender(ws: Workspace, name: str, *, now: datetime | None = None) -> TenderScore:
    """The tender's score (see `arbitre.tender.document.TenderScore`): before the deadline the
    technical evaluation only — prices sealed —, after it every bid priced on the DQE, ranked per
    lot, with the sensitivity of the ranking and the abnormally-low flags."""
    tender = load_tender(ws, name)
    now = now or datetime.now(UTC)
    board = technical_board(ws, tender)
    bidders = sorted(b.provider for b in list_bids(ws, tender))
    sealed = now < tender.timetable.bids_due
    lots = sealed_lots(tender)
    dqe_out: list[DqeFlowOut] = []
    history = None
    sources = _sources(ws, tender)
    if not sealed and bidders:
        bids = unsealed_bids(ws, tender, now=now)
        volumes = dqe(ws, tender)
        comparisons = compare(
            tender,
            bids,
            workloads=volumes.workloads,
            reference_aht_s=volumes.reference_aht_s,
            inhouse=volumes.inhouse,
            timezone=ws.settings.timezone,
        )
        lots = [lot_out(c, tender=tender, board=board) for c in comparisons]
        dqe_out = [_dqe_flow(f, w, volumes) for f, w in volumes.workloads.items()]
        history = {"start": volumes.history_start.isoformat(), "end": volumes.history_end.isoformat()}
        sources.append(
            SourceOut(
                code="dqe",
                value=f"{tender.term.start} + {tender.term.months}",
                source=f"{history['start']} → {history['end']} (arbitre.forecast)",
            )
        )
        if volumes.inhouse is not None:
            sources.append(SourceOut(code="inhouse", value="costs.yaml", source="arbitre.costing.inhouse"))
    return TenderScore(
        tender=tender.id,
        title=tender.title,
        currency=tender.currency,
        formula=tender.criteria.price.formula,
        max_score=tender.criteria.max_score,
        price_weight=tender.criteria.price.weight,
        now=now,
        bids_due=tender.timetable.bids_due,
        sealed=sealed,
        bidders=bidders,
        technical=technical_out(board),
        lots=lots,
        dqe=dqe_out,
        history=history,
        inputs=sources,
    )


def _dqe_flow(flow: str, w: FlowWorkload, volumes: Dqe) -> DqeFlowOut:
    contacts = dec(float((w.volume * w.in_scope).sum()))
    return DqeFlowOut(
        flow=flow,
        channel=w.channel.value,
        contacts_term=contacts.quantize(Decimal(1)),
        contacts_per_month=(contacts / dec(w.months)).quantize(Decimal("0.1")),
        aht_s=None if (m := mean_aht_s(w)) is None else round(m, 1),
        reference_aht_s=round(volumes.reference_aht_s[flow], 1),
        forecast_model=volumes.models.get(flow, "?"),
        targets=w.targets.model_dump(exclude_none=True),
    )


def _sources(ws: Workspace, tender: Tender) -> list[SourceOut]:
    path = tender_path(ws, tender.id)
    c = tender.criteria
    out = [
        SourceOut(code="tender_file", value=str(path.name), source=f"{TENDERS_DIR}/{path.name}"),
        SourceOut(code="price", value=f"{c.price.weight} · {c.price.formula}", source="criteria.price"),
    ]
    out += [
        SourceOut(code="criterion", label=t.label, value=str(t.weight), source=f"criteria.technical.{t.name}")
        for t in c.technical
    ]
    out.append(
        SourceOut(
            code="abnormally_low",
            value=f"{tender.abnormally_low.below_mean_of_others} · {tender.abnormally_low.below_inhouse}",
            source="abnormally_low",
        )
    )
    return out


__all__ = [
    "BidTechnical",
    "Dqe",
    "SealedError",
    "StoredBid",
    "dqe",
    "flow_facts",
    "import_bids",
    "init_tender",
    "list_bids",
    "load_tender",
    "questions",
    "read_grades",
    "record_evaluation",
    "score_tender",
    "technical_board",
    "tender_path",
    "unsealed_bids",
]
