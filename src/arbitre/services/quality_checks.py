"""Every transcript of a month checked, the checks calibrated against the graders, the sample
for the graders, and the month's quality as governance shows it.

- `check_month`: the store's contacts of the month on the grid's flows, those with a transcript
  checked (`arbitre.quality.auto`), the results written as one Parquet file per grid and month
  (answers and evidence per criterion, score, critical failure, reason, sentiment, escalation)
  and the run recorded; the KPI engine reads them through `arbitre.store.quality.with_quality`.
- `calibrate`: the automatic answers against the graders' on the contacts both evaluated;
  the criteria trusted from then on; the months already checked scored again on them.
- `sample`: the contacts a grader should review this month (`arbitre.quality.sampling`), with
  an evaluation template in the import's format.

What the governance run shows of a month (`quality_month`) and the per-contact quality columns
the KPI engine reads (`with_quality`) are reads of the store: `arbitre.store.quality`.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import select

from arbitre.domain.month import Month, read_month
from arbitre.errors import InputError
from arbitre.quality.auto import run
from arbitre.quality.calibrate import agreement, graders
from arbitre.quality.classify import Features
from arbitre.quality.documents import (
    Calibration,
    CheckSummary,
    CriterionCalibration,
    CriterionCount,
    GraderDoc,
    SampledContact,
    SampleDoc,
    Share,
)
from arbitre.quality.grid import Grid, score
from arbitre.quality.rules import NA, NO, UNCHECKED, YES
from arbitre.quality.sampling import Signals, reasons, risk
from arbitre.quality.sampling import select as choose
from arbitre.services.quality import who_or_user
from arbitre.store.appdb import QaAnswer, QaCalibration, QaCheckRun, QaEvaluation, session_scope
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.quality import current_runs, load_grid, quality_dir, sql_list
from arbitre.store.workspace import Workspace

BATCH = 20_000
NEW_AGENT_DAYS = 30
REPEAT_DAYS = 7


def _check_month_format(month: str) -> None:
    read_month(month)


# --- checking ---------------------------------------------------------------------------------


def check_month(
    ws: Workspace,
    *,
    month: str,
    grid_id: str | None = None,
    features: Features = "tfidf",
    who: str | None = None,
) -> CheckSummary:
    """Check every transcript of ``month`` on the grid's flows; record and return the run."""
    _check_month_format(month)
    grid, version = load_grid(ws, grid_id)
    trusted, calibration_id = _trusted(ws, grid, version)
    store = InteractionStore(ws)
    con = connect(ws.settings.timezone)
    try:
        flows = f"AND flow IN ({sql_list(grid.flows)})" if grid.flows else ""
        table = con.sql(
            f"""SELECT contact_id, site, flow, agent_id, hold_s, transcript
                FROM {store.source_sql([month])} WHERE NOT abandoned {flows}
                ORDER BY arrived_at, contact_id"""
        ).to_arrow_table()
    finally:
        con.close()
    started = time.perf_counter()
    parts = [
        _check_batch(grid, table.slice(i, BATCH), trusted=trusted, features=features)
        for i in range(0, table.num_rows, BATCH)
    ]
    seconds = time.perf_counter() - started
    result = (
        pa.concat_tables(parts) if parts else _check_batch(grid, table, trusted=trusted, features=features)
    )
    checked = int(pc.sum(pc.is_valid(result.column("score"))).as_py() or 0) if result.num_rows else 0
    return _record_run(
        ws,
        grid,
        version,
        month=month,
        result=result,
        checked=checked,
        seconds=seconds,
        features=features,
        trusted=trusted,
        calibration_id=calibration_id,
        who=who,
    )


def _check_batch(grid: Grid, table: pa.Table, *, trusted: list[str] | None, features: Features) -> pa.Table:
    hold = np.asarray(
        pc.fill_null(table.column("hold_s"), np.nan).to_numpy(zero_copy_only=False), dtype=float
    )
    transcripts = table.column("transcript").combine_chunks() if table.num_rows else pa.array([], pa.string())
    out = run(grid, transcripts, hold_s=hold, trusted=trusted, features=features)
    columns: dict[str, pa.Array] = {
        "contact_id": table.column("contact_id").combine_chunks()
        if table.num_rows
        else pa.array([], pa.string()),
        "site": table.column("site").combine_chunks() if table.num_rows else pa.array([], pa.string()),
        "flow": table.column("flow").combine_chunks() if table.num_rows else pa.array([], pa.string()),
        "agent_id": table.column("agent_id").combine_chunks()
        if table.num_rows
        else pa.array([], pa.string()),
        "score": pa.array(out.score, pa.float64(), mask=np.isnan(out.score)),
        "critical": pa.array(out.critical, pa.bool_()),
        "reason": out.reading.reason,
        "reason_p": pa.array(out.reading.reason_p, pa.float64(), mask=np.isnan(out.reading.reason_p)),
        "negative_p": pa.array(out.reading.negative_p, pa.float64(), mask=np.isnan(out.reading.negative_p)),
        "escalation": pa.array(out.reading.escalation, pa.bool_()),
        "escalation_evidence": out.reading.escalation_evidence,
    }
    for j, c in enumerate(out.answers.criteria):
        columns[f"a:{c}"] = pa.array(out.answers.code[:, j], pa.int8())
        columns[f"e:{c}"] = out.answers.evidence[j]
    return pa.table(columns)


def _record_run(
    ws: Workspace,
    grid: Grid,
    version: int,
    *,
    month: str,
    result: pa.Table,
    checked: int,
    seconds: float,
    features: str,
    trusted: list[str] | None,
    calibration_id: str | None,
    who: str | None,
) -> CheckSummary:
    run_id = uuid.uuid4().hex
    folder = quality_dir(ws) / grid.id
    folder.mkdir(parents=True, exist_ok=True)
    rel = f"{grid.id}/{month}-{run_id}.parquet"
    pq.write_table(result, quality_dir(ws) / rel, compression="zstd")
    scored = trusted if trusted is not None else [c.id for c in grid.automatic()]
    with session_scope(ws.engine) as session:
        older = list(
            session.scalars(
                select(QaCheckRun).where(QaCheckRun.grid_id == grid.id, QaCheckRun.month == month)
            )
        )
        session.add(
            QaCheckRun(
                id=run_id,
                grid_id=grid.id,
                grid_version=version,
                month=month,
                created_at=datetime.now(UTC),
                who=who_or_user(who),
                contacts=result.num_rows,
                checked=checked,
                file=rel,
                features=features,
                trusted=json.dumps(scored),
                calibration_id=calibration_id,
                seconds=seconds,
            )
        )
    for old in older:  # superseded: the runs stay recorded, their files go
        (quality_dir(ws) / old.file).unlink(missing_ok=True)
    return summarise(
        grid,
        version,
        result,
        run_id=run_id,
        month=month,
        seconds=seconds,
        features=features,
        trusted=scored,
        calibrated=calibration_id is not None,
        file=rel,
    )


def summarise(
    grid: Grid,
    version: int,
    result: pa.Table,
    *,
    run_id: str,
    month: str,
    seconds: float,
    features: str,
    trusted: list[str],
    calibrated: bool,
    file: str,
) -> CheckSummary:
    checked_mask = (
        np.asarray(pc.is_valid(result.column("score")), dtype=bool) if result.num_rows else np.zeros(0, bool)
    )
    checked = int(checked_mask.sum())
    scores = np.asarray(
        pc.fill_null(result.column("score"), np.nan).to_numpy(zero_copy_only=False), dtype=float
    )
    critical = np.asarray(result.column("critical").to_numpy(zero_copy_only=False), dtype=bool)
    criteria = []
    for c in grid.automatic():
        code = (
            np.asarray(result.column(f"a:{c.id}").to_numpy(zero_copy_only=False))
            if result.num_rows
            else np.zeros(0)
        )
        yes, no, na = int((code == YES).sum()), int((code == NO).sum()), int((code == NA).sum())
        criteria.append(
            CriterionCount(
                criterion=c.id,
                title=c.title,
                yes=yes,
                no=no,
                na=na,
                compliance=yes / (yes + no) if yes + no else None,
                trusted=c.id in trusted,
            )
        )
    reason_counts = (
        Counter(x for x in result.column("reason").to_pylist() if x) if result.num_rows else Counter()
    )
    return CheckSummary(
        run_id=run_id,
        grid_id=grid.id,
        grid_version=version,
        month=month,
        contacts=result.num_rows,
        checked=checked,
        seconds=round(seconds, 3),
        per_second=round(checked / seconds, 1) if seconds > 0 and checked else None,
        features=features,
        mean_score=float(np.nanmean(scores[checked_mask])) if checked else None,
        critical_rate=float(critical[checked_mask].mean()) if checked else None,
        trusted=trusted,
        calibrated=calibrated,
        criteria=criteria,
        reasons=dict(reason_counts.most_common()),
        escalations=int(np.asarray(result.column("escalation"), dtype=bool).sum()) if result.num_rows else 0,
        file=file,
    )


def run_summary(ws: Workspace, r: QaCheckRun) -> CheckSummary:
    """The summary of a recorded check run, from its results file."""
    grid, _ = load_grid(ws, r.grid_id, version=r.grid_version)
    return summarise(
        grid,
        r.grid_version,
        pq.read_table(quality_dir(ws) / r.file),
        run_id=r.id,
        month=r.month,
        seconds=r.seconds,
        features=r.features,
        trusted=list(json.loads(r.trusted)),
        calibrated=r.calibration_id is not None,
        file=r.file,
    )


def _trusted(ws: Workspace, grid: Grid, version: int) -> tuple[list[str] | None, str | None]:
    """The criteria the latest calibration of this grid version trusts (None: not calibrated)."""
    with session_scope(ws.engine) as session:
        row = session.scalars(
            select(QaCalibration)
            .where(QaCalibration.grid_id == grid.id, QaCalibration.grid_version == version)
            .order_by(QaCalibration.created_at.desc())
            .limit(1)
        ).first()
        if row is None:
            return None, None
        return list(json.loads(row.trusted)), row.id


# --- calibration ------------------------------------------------------------------------------

_CAL = {YES: 0, NO: 1, NA: 2}
_HUMAN = {"yes": 0, "no": 1, "na": 2}


def _human_answers(
    ws: Workspace, grid_id: str
) -> tuple[list[tuple[str, str, str, str, str]], dict[tuple[str, str, str], float | None]]:
    """(contact, site, grader, criterion, answer) of every evaluation, and each evaluation's score."""
    with session_scope(ws.engine) as session:
        rows = session.execute(
            select(
                QaEvaluation.contact_id,
                QaEvaluation.site,
                QaEvaluation.grader,
                QaAnswer.criterion,
                QaAnswer.answer,
            )
            .join(QaAnswer, QaAnswer.evaluation_id == QaEvaluation.id)
            .where(QaEvaluation.grid_id == grid_id)
        ).all()
        scores = {
            (c, s, g): v
            for c, s, g, v in session.execute(
                select(
                    QaEvaluation.contact_id, QaEvaluation.site, QaEvaluation.grader, QaEvaluation.score
                ).where(QaEvaluation.grid_id == grid_id)
            ).all()
        }
    return [tuple(r) for r in rows], scores  # type: ignore[misc]


def _auto_answers(ws: Workspace, grid: Grid) -> pa.Table:
    files = [quality_dir(ws) / r.file for r in current_runs(ws, grid.id)]
    files = [f for f in files if f.exists()]
    if not files:
        raise InputError(f"no automatic check of grid {grid.id} yet: run `arbitre qa check` first")
    return pa.concat_tables([pq.read_table(f) for f in files], promote_options="permissive")


def calibrate(ws: Workspace, *, grid_id: str | None = None, who: str | None = None) -> Calibration:
    """Agreement per criterion and per grader; record the trusted criteria; re-score the checks."""
    grid, version = load_grid(ws, grid_id)
    human, eval_scores = _human_answers(ws, grid.id)
    if not human:
        raise InputError(f"no human evaluation on grid {grid.id}: import some with `arbitre qa import`")
    auto = _auto_answers(ws, grid)
    index = {
        (c, s): i
        for i, (c, s) in enumerate(
            zip(auto.column("contact_id").to_pylist(), auto.column("site").to_pylist(), strict=True)
        )
    }
    # Per (contact, criterion): the graders' answers; the pair uses their majority (a tie: left out).
    by_item: dict[tuple[str, str, str], list[int]] = {}
    for contact, site, _grader, criterion, answer in human:
        if answer in _HUMAN:
            by_item.setdefault((contact, site, criterion), []).append(_HUMAN[answer])
    criteria_docs = []
    trusted = []
    pair_contacts: set[tuple[str, str]] = set()
    for c in grid.criteria:
        if c.check is None:
            criteria_docs.append(
                CriterionCalibration(
                    criterion=c.id,
                    title=c.title,
                    automatic=False,
                    pairs=0,
                    agreement=None,
                    kappa=None,
                    confusion=[[0] * 3 for _ in range(3)],
                    trusted=False,
                )
            )
            continue
        codes = np.asarray(auto.column(f"a:{c.id}").to_numpy(zero_copy_only=False), dtype=np.int64)
        h_list, a_list = [], []
        for (contact, site, criterion), answers in by_item.items():
            if criterion != c.id or (contact, site) not in index:
                continue
            a = int(codes[index[(contact, site)]])
            if a == UNCHECKED:
                continue
            counts = np.bincount(answers, minlength=3)
            if (counts == counts.max()).sum() > 1:
                continue
            h_list.append(int(counts.argmax()))
            a_list.append(_CAL[a])
            pair_contacts.add((contact, site))
        result = agreement(
            c.id,
            np.array(h_list, dtype=np.int64),
            np.array(a_list, dtype=np.int64),
            trust_kappa=grid.calibration.trust_kappa,
            min_pairs=grid.calibration.min_pairs,
        )
        if result.trusted:
            trusted.append(c.id)
        criteria_docs.append(
            CriterionCalibration(
                criterion=c.id,
                title=c.title,
                automatic=True,
                pairs=result.pairs,
                agreement=None if not result.pairs else result.agreement,
                kappa=None if not np.isfinite(result.kappa) else result.kappa,
                pabak=None if not np.isfinite(result.pabak) else result.pabak,
                measure=result.measure,
                confusion=result.confusion.tolist(),
                trusted=result.trusted,
            )
        )
    grader_docs = _grader_docs(human, eval_scores)
    ranked = [g for g in grader_docs if g.leniency is not None]
    strictest = min(ranked, key=lambda g: g.leniency or 0.0).grader if ranked else None
    lenient = max(ranked, key=lambda g: g.leniency or 0.0).grader if ranked else None
    calibration_id = uuid.uuid4().hex
    with session_scope(ws.engine) as session:
        session.add(
            QaCalibration(
                id=calibration_id,
                grid_id=grid.id,
                grid_version=version,
                created_at=datetime.now(UTC),
                who=who_or_user(who),
                trusted=json.dumps(trusted),
                result="{}",
            )
        )
    rescored = _rescore(ws, grid, version, trusted=trusted, calibration_id=calibration_id, who=who)
    doc = Calibration(
        id=calibration_id,
        grid_id=grid.id,
        grid_version=version,
        trust_kappa=grid.calibration.trust_kappa,
        min_pairs=grid.calibration.min_pairs,
        contacts=len(pair_contacts),
        criteria=criteria_docs,
        trusted=trusted,
        graders=grader_docs,
        strictest=strictest,
        most_lenient=lenient,
        rescored_runs=rescored,
    )
    with session_scope(ws.engine) as session:
        row = session.get(QaCalibration, calibration_id)
        assert row is not None
        row.result = doc.model_dump_json()
    return doc


def _grader_docs(
    human: list[tuple[str, str, str, str, str]], eval_scores: dict[tuple[str, str, str], float | None]
) -> list[GraderDoc]:
    names = sorted({g for _, _, g, _, _ in human})
    col = {g: i for i, g in enumerate(names)}
    per_contact: dict[tuple[str, str], set[str]] = {}
    for contact, site, grader, _, _ in human:
        per_contact.setdefault((contact, site), set()).add(grader)
    shared = [k for k, v in per_contact.items() if len(v) >= 2]
    items: dict[tuple[str, str, str], np.ndarray] = {}
    shared_set = set(shared)
    for contact, site, grader, criterion, answer in human:
        if (contact, site) in shared_set and answer in _HUMAN:
            row = items.setdefault((contact, site, criterion), np.full(len(names), -1, dtype=np.int64))
            row[col[grader]] = _HUMAN[answer]
    answers = np.stack(list(items.values())) if items else np.zeros((0, len(names)), dtype=np.int64)
    scores = np.full((len(shared), len(names)), np.nan)
    for i, (contact, site) in enumerate(shared):
        for g in per_contact[(contact, site)]:
            v = eval_scores.get((contact, site, g))
            if v is not None:
                scores[i, col[g]] = v
    aligned = {a.grader: a for a in graders(names, answers, scores)} if names else {}
    out = []
    for g in names:
        mine = [v for (c, s, who), v in eval_scores.items() if who == g and v is not None]
        a = aligned[g]
        out.append(
            GraderDoc(
                grader=g,
                evaluations=sum(1 for (_, _, who) in eval_scores if who == g),
                mean_score=float(np.mean(mine)) if mine else None,
                answers_compared=a.answers,
                agreement=None if not np.isfinite(a.agreement) else a.agreement,
                kappa=None if not np.isfinite(a.kappa) else a.kappa,
                contacts_shared=a.contacts,
                leniency=None if not np.isfinite(a.leniency) else a.leniency,
            )
        )
    return out


def _rescore(
    ws: Workspace, grid: Grid, version: int, *, trusted: list[str], calibration_id: str, who: str | None
) -> int:
    """Score the current check runs of ``grid`` again over the ``trusted`` criteria."""
    n = 0
    for r in current_runs(ws, grid.id):
        path = quality_dir(ws) / r.file
        if r.grid_version != version or not path.exists():
            continue
        table = pq.read_table(path)
        codes = (
            np.stack(
                [
                    np.asarray(table.column(f"a:{c}").to_numpy(zero_copy_only=False), dtype=np.int64)
                    for c in trusted
                ],
                axis=1,
            )
            if trusted
            else np.zeros((table.num_rows, 0), dtype=np.int64)
        )
        checked = (
            np.asarray(table.column(f"a:{grid.automatic()[0].id}").to_numpy(zero_copy_only=False))
            != UNCHECKED
        )
        if trusted:
            values = np.where(codes == YES, 1.0, np.where(codes == NO, 0.0, np.nan))
            s, failed = score(grid, values, criteria=trusted)
        else:
            s, failed = np.full(table.num_rows, np.nan), np.zeros(table.num_rows, dtype=bool)
        s = np.where(checked, s, np.nan)
        table = table.set_column(
            table.schema.get_field_index("score"), "score", pa.array(s, pa.float64(), mask=np.isnan(s))
        )
        table = table.set_column(
            table.schema.get_field_index("critical"), "critical", pa.array(failed & checked, pa.bool_())
        )
        _record_run(
            ws,
            grid,
            version,
            month=r.month,
            result=table,
            checked=int(checked.sum()),
            seconds=r.seconds,
            features=r.features,
            trusted=trusted,
            calibration_id=calibration_id,
            who=who,
        )
        n += 1
    return n


# --- sampling ---------------------------------------------------------------------------------


def sample(
    ws: Workspace,
    *,
    month: str,
    grid_id: str | None = None,
    share: float = 0.03,
    min_per_agent: int = 2,
    random_share: float = 0.2,
    seed: int = 0,
    out: Path | None = None,
    grader: str = "",
) -> SampleDoc:
    """The contacts of ``month`` a grader should review, and (with ``out``) the evaluation
    template to fill in: one row per contact and criterion, answers empty."""
    _check_month_format(month)
    if not 0 < share <= 1:
        raise InputError(field="--share", expected="a share in (0, 1]", got=share)
    if not 0 <= random_share <= 1:
        raise InputError(field="--random-share", expected="a share in [0, 1]", got=random_share)
    if min_per_agent < 0:
        raise InputError(field="--min-per-agent", expected="an integer ≥ 0", got=min_per_agent)
    grid, _ = load_grid(ws, grid_id)
    run_ = next((r for r in current_runs(ws, grid.id) if r.month == month), None)
    if run_ is None:
        raise InputError(
            f"no automatic check of {month} on grid {grid.id}: run `arbitre qa check` first", field="--month"
        )
    checks = pq.read_table(quality_dir(ws) / run_.file)
    checks = checks.filter(pc.is_valid(checks.column("score")))
    signals = _context(ws, month, checks)
    r = risk(signals, pass_score=grid.pass_score)
    agents = checks.column("agent_id").to_pylist()
    codes = {a: i for i, a in enumerate(sorted({a for a in agents if a}))}
    agent_idx = np.array([codes.get(a, -1) if a else -1 for a in agents], dtype=np.int64)
    chosen = choose(
        r,
        agent_idx,
        share=share,
        min_per_agent=min_per_agent,
        random_share=random_share,
        rng=np.random.default_rng(seed),
    )
    why_signals = reasons(signals, pass_score=grid.pass_score)
    contacts = checks.column("contact_id").to_pylist()
    sites = checks.column("site").to_pylist()
    flows = checks.column("flow").to_pylist()
    scores = checks.column("score").to_pylist()
    picked = [
        SampledContact(
            contact_id=contacts[i],
            site=sites[i],
            flow=flows[i],
            agent_id=agents[i],
            score=scores[i],
            risk=round(float(r[i]), 3),
            why=w,
            signals=why_signals[i],
        )
        for i, w in zip(chosen.chosen.tolist(), chosen.why, strict=True)
    ]
    taken = np.zeros(len(contacts), dtype=bool)
    taken[chosen.chosen] = True
    template = None
    if out is not None:
        template = str(_write_template(out, grid, picked, grader=grader))
    return SampleDoc(
        month=month,
        grid_id=grid.id,
        eligible=len(contacts),
        sampled=len(picked),
        share=len(picked) / len(contacts) if contacts else 0.0,
        contacts=picked,
        by_agent=_shares([a or "—" for a in agents], taken),
        by_flow=_shares(flows, taken),
        template=template,
    )


def _shares(keys: list[str], taken: np.ndarray) -> list[Share]:
    total = Counter(keys)
    got = Counter(k for k, t in zip(keys, taken, strict=True) if t)
    return [Share(key=k, eligible=n, sampled=got[k], share=got[k] / n) for k, n in sorted(total.items())]


def _write_template(path: Path, grid: Grid, picked: list[SampledContact], *, grader: str) -> Path:
    import csv

    try:
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["contact_id", "site", "grader", "criterion", "answer", "comment"])
            for p in picked:
                for c in grid.criteria:
                    w.writerow([p.contact_id, p.site, grader, c.id, "", ""])
    except OSError as exc:
        raise InputError(f"cannot write the template ({exc.strerror})", file=str(path)) from None
    return path


def _context(ws: Workspace, month: str, checks: pa.Table) -> Signals:
    """The signals of each checked contact: from its check, and from the store (repeat, new agent)."""
    con = connect(ws.settings.timezone)
    try:
        con.register("checked", checks.select(["contact_id", "site"]))
        store = InteractionStore(ws)
        before = Month.parse(month).shift(-1)
        source = store.source_sql([before, month])
        rows = con.sql(
            f"""
            WITH s AS (SELECT contact_id, site, flow, agent_id, customer_id, arrived_at FROM {source}),
            prev AS (
              SELECT contact_id, site,
                     lag(arrived_at) OVER (PARTITION BY customer_id, flow ORDER BY arrived_at) AS previous
              FROM s WHERE customer_id IS NOT NULL),
            firsts AS (SELECT agent_id, flow, min(arrived_at) AS first_seen FROM s WHERE agent_id IS NOT NULL GROUP BY ALL)
            SELECT c.contact_id, c.site,
                   coalesce(p.previous >= s.arrived_at - INTERVAL {REPEAT_DAYS} DAY, FALSE) AS repeat,
                   coalesce(f.first_seen >= s.arrived_at - INTERVAL {NEW_AGENT_DAYS} DAY, FALSE) AS new_agent
            FROM checked c JOIN s USING (contact_id, site)
            LEFT JOIN prev p USING (contact_id, site)
            LEFT JOIN firsts f ON f.agent_id = s.agent_id AND f.flow = s.flow
            """
        ).fetchall()
    finally:
        con.close()
    found = {(c, s): (bool(r), bool(n)) for c, s, r, n in rows}
    keys = list(zip(checks.column("contact_id").to_pylist(), checks.column("site").to_pylist(), strict=True))
    flags = [found.get(k, (False, False)) for k in keys]
    return Signals(
        score=np.asarray(
            pc.fill_null(checks.column("score"), np.nan).to_numpy(zero_copy_only=False), dtype=float
        ),
        critical=np.asarray(checks.column("critical").to_numpy(zero_copy_only=False), dtype=bool),
        negative_p=np.asarray(
            pc.fill_null(checks.column("negative_p"), np.nan).to_numpy(zero_copy_only=False), dtype=float
        ),
        escalation=np.asarray(checks.column("escalation").to_numpy(zero_copy_only=False), dtype=bool),
        repeat=np.array([f[0] for f in flags], dtype=bool),
        new_agent=np.array([f[1] for f in flags], dtype=bool),
    )
