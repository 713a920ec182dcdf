"""The quality reads of a workspace: the stored QA grids, the current automatic check runs, the
per-contact quality columns the KPI engine reads, and a month's quality as governance shows it.

Shared reads of the quality service (`arbitre.services.quality`, `arbitre.services.quality_checks`)
that the monthly run (`arbitre.services.govern`) and the KPI service need too: queries here, so
those services do not import the quality services.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import select

from arbitre.errors import InputError
from arbitre.quality.agents import flag_agents
from arbitre.quality.documents import (
    Calibration,
    CriterionMonth,
    FlaggedAgent,
    GapDoc,
    QualityMonth,
)
from arbitre.quality.grid import Grid
from arbitre.quality.rules import NO, YES
from arbitre.store.appdb import (
    QaCalibration,
    QaCheckRun,
    QaDispute,
    QaEvaluation,
    QaGridVersion,
    session_scope,
)
from arbitre.store.workspace import Workspace
from arbitre.yamlio import parse_model

QUALITY_DIR = "quality"
HUMAN_FILE = "human.parquet"


def quality_dir(ws: Workspace) -> Path:
    """The workspace's folder of quality files: the check runs' Parquet files, the graders' scores."""
    return ws.root / QUALITY_DIR


def load_grid(ws: Workspace, grid_id: str | None = None, *, version: int | None = None) -> tuple[Grid, int]:
    """A stored grid (the only one when ``grid_id`` is None) at ``version`` (default: latest)."""
    with session_scope(ws.engine) as session:
        if grid_id is None:
            ids = list(session.scalars(select(QaGridVersion.grid_id).distinct()))
            if len(ids) != 1:
                stored = ", ".join(sorted(ids)) or "none"
                raise InputError(
                    f"{len(ids)} QA grids stored ({stored}): name one with --grid"
                    if ids
                    else f"no QA grid stored in {ws.root}: store one with `arbitre qa grid {ws.root} FILE`",
                    field="--grid",
                )
            grid_id = ids[0]
        query = select(QaGridVersion).where(QaGridVersion.grid_id == grid_id)
        if version is not None:
            query = query.where(QaGridVersion.version == version)
        row = session.scalars(query.order_by(QaGridVersion.version.desc()).limit(1)).first()
        if row is None:
            raise InputError(
                f"no QA grid {grid_id!r}" + (f" version {version}" if version else ""), field="--grid"
            )
        return parse_model(row.text, Grid, file=f"{grid_id} v{row.version}"), row.version


def current_runs(ws: Workspace, grid_id: str | None = None) -> list[QaCheckRun]:
    """The latest run of each grid and month."""
    with session_scope(ws.engine) as session:
        query = select(QaCheckRun).order_by(QaCheckRun.created_at)
        if grid_id:
            query = query.where(QaCheckRun.grid_id == grid_id)
        latest: dict[tuple[str, str], QaCheckRun] = {}
        for r in session.scalars(query):
            latest[(r.grid_id, r.month)] = r
        return [latest[k] for k in sorted(latest)]


# --- what the KPI engine reads ----------------------------------------------------------------


def with_quality(ws: Workspace, source: str) -> str:
    """``source`` with the per-contact quality columns the KPI engine reads (`QUALITY_COLUMNS`):
    the automatic score and critical failure of the current check runs, the mean of the graders'
    scores and their share of critical failures. Null where a contact has none."""
    files = [quality_dir(ws) / r.file for r in current_runs(ws)]
    files = [f for f in files if f.exists()]
    auto = (
        "(SELECT contact_id, site, avg(score) AS qa_auto_score, avg(CAST(critical AS DOUBLE)) AS qa_auto_critical"
        f" FROM read_parquet([{sql_list([str(f) for f in files])}]) WHERE score IS NOT NULL GROUP BY contact_id, site)"
        if files
        else "(SELECT NULL::VARCHAR AS contact_id, NULL::VARCHAR AS site, NULL::DOUBLE AS qa_auto_score,"
        " NULL::DOUBLE AS qa_auto_critical WHERE FALSE)"
    )
    human_file = quality_dir(ws) / HUMAN_FILE
    human = (
        "(SELECT contact_id, site, avg(score) AS qa_human_score, avg(CAST(critical AS DOUBLE)) AS qa_human_critical"
        f" FROM read_parquet({sql_list([str(human_file)])}) WHERE score IS NOT NULL GROUP BY contact_id, site)"
        if human_file.exists()
        else "(SELECT NULL::VARCHAR AS contact_id, NULL::VARCHAR AS site, NULL::DOUBLE AS qa_human_score,"
        " NULL::DOUBLE AS qa_human_critical WHERE FALSE)"
    )
    return (
        f"(SELECT s.*, q.qa_auto_score, q.qa_auto_critical, h.qa_human_score, h.qa_human_critical"
        f" FROM {source} s LEFT JOIN {auto} q ON q.contact_id = s.contact_id AND q.site = s.site"
        f" LEFT JOIN {human} h ON h.contact_id = s.contact_id AND h.site = s.site)"
    )


# --- the month, as governance shows it --------------------------------------------------------


def quality_month(
    ws: Workspace, *, month: str, sites: Sequence[str], flows: Sequence[str]
) -> QualityMonth | None:
    """The month's quality on ``sites`` and ``flows`` (a contract's), or None without any check."""
    runs = [r for r in current_runs(ws) if r.month == month]
    if not runs:
        return None
    r = runs[0]
    grid, version = load_grid(ws, r.grid_id, version=r.grid_version)
    table = pq.read_table(quality_dir(ws) / r.file)
    keep = pc.and_(
        pc.is_in(table.column("site"), pa.array(list(sites))),
        pc.is_in(table.column("flow"), pa.array(list(flows))),
    )
    table = table.filter(keep)
    contacts = table.num_rows
    table_checked = table.filter(pc.is_valid(table.column("score")))
    checked = table_checked.num_rows
    scores = np.asarray(
        pc.fill_null(table_checked.column("score"), np.nan).to_numpy(zero_copy_only=False), dtype=float
    )
    critical = np.asarray(table_checked.column("critical").to_numpy(zero_copy_only=False), dtype=bool)
    trusted = set(json.loads(r.trusted))
    calibration = latest_calibration(ws, grid.id, version)
    by_criterion = {c.criterion: c for c in calibration.criteria} if calibration else {}
    criteria = []
    for c in grid.criteria:
        code = (
            np.asarray(table_checked.column(f"a:{c.id}").to_numpy(zero_copy_only=False))
            if c.check is not None and checked
            else np.zeros(0)
        )
        yes, no = int((code == YES).sum()), int((code == NO).sum())
        cal = by_criterion.get(c.id)
        criteria.append(
            CriterionMonth(
                criterion=c.id,
                title=c.title,
                critical=c.critical,
                automatic=c.check is not None,
                compliance=yes / (yes + no) if yes + no else None,
                answered=yes + no,
                kappa=None if cal is None else cal.kappa,
                pairs=0 if cal is None else cal.pairs,
                status="not_automatic" if c.check is None else ("trusted" if c.id in trusted else "human"),
            )
        )
    auto_ids = [c.id for c in grid.automatic()]
    code_matrix = (
        np.stack(
            [
                np.asarray(table_checked.column(f"a:{c}").to_numpy(zero_copy_only=False), dtype=np.int64)
                for c in auto_ids
            ],
            axis=1,
        )
        if checked and auto_ids
        else np.zeros((checked, len(auto_ids)), dtype=np.int64)
    )
    titles = {c.id: c.title for c in grid.criteria}
    flags = flag_agents(
        table_checked.column("agent_id").to_pylist(),
        table_checked.column("site").to_pylist(),
        code_matrix,
        auto_ids,
        scores,
        pass_score=grid.pass_score,
    )
    human = _human_month(ws, grid.id, table.select(["contact_id", "site"]))
    disputes = _dispute_counts(ws, grid.id, table.select(["contact_id", "site"]))
    return QualityMonth(
        grid_id=grid.id,
        grid_version=version,
        grid_title=grid.title,
        month=month,
        pass_score=grid.pass_score,
        trust_kappa=grid.calibration.trust_kappa,
        contacts=contacts,
        checked=checked,
        auto_score=float(np.nanmean(scores)) if checked else None,
        auto_critical_rate=float(critical.mean()) if checked else None,
        evaluated=human[0],
        human_score=human[1],
        human_critical_rate=human[2],
        criteria=criteria,
        flagged_agents=[
            FlaggedAgent(
                agent_id=f.agent,
                site=f.site,
                contacts=f.contacts,
                score=f.score,
                below_pass=f.below_pass,
                gaps=[
                    GapDoc(
                        criterion=g.criterion,
                        title=titles[g.criterion],
                        contacts=g.contacts,
                        failures=g.failures,
                        rate=g.rate,
                        others_rate=g.others_rate,
                        p_value=g.p_value,
                    )
                    for g in f.gaps
                ],
            )
            for f in flags
        ],
        graders=[] if calibration is None else calibration.graders,
        strictest=None if calibration is None else calibration.strictest,
        most_lenient=None if calibration is None else calibration.most_lenient,
        disputes=disputes,
        reasons=dict(Counter(x for x in table_checked.column("reason").to_pylist() if x).most_common()),
    )


def latest_calibration(ws: Workspace, grid_id: str, version: int) -> Calibration | None:
    """The latest calibration of the grid's ``version`` (None: never calibrated, or nothing to compare)."""
    with session_scope(ws.engine) as session:
        row = session.scalars(
            select(QaCalibration)
            .where(QaCalibration.grid_id == grid_id, QaCalibration.grid_version == version)
            .order_by(QaCalibration.created_at.desc())
            .limit(1)
        ).first()
        return None if row is None or row.result == "{}" else Calibration.model_validate_json(row.result)


def _human_month(ws: Workspace, grid_id: str, keys: pa.Table) -> tuple[int, float | None, float | None]:
    wanted = set(zip(keys.column("contact_id").to_pylist(), keys.column("site").to_pylist(), strict=True))
    with session_scope(ws.engine) as session:
        rows = session.execute(
            select(
                QaEvaluation.contact_id, QaEvaluation.site, QaEvaluation.score, QaEvaluation.critical_failed
            ).where(QaEvaluation.grid_id == grid_id)
        ).all()
    mine = [(s, c) for cid, site, s, c in rows if (cid, site) in wanted and s is not None]
    if not mine:
        return 0, None, None
    return (
        len({(cid, site) for cid, site, s, _ in rows if (cid, site) in wanted}),
        float(np.mean([s for s, _ in mine])),
        float(np.mean([bool(c) for _, c in mine])),
    )


def _dispute_counts(ws: Workspace, grid_id: str, keys: pa.Table) -> dict[str, int]:
    wanted = set(zip(keys.column("contact_id").to_pylist(), keys.column("site").to_pylist(), strict=True))
    with session_scope(ws.engine) as session:
        rows = session.execute(
            select(QaEvaluation.contact_id, QaEvaluation.site, QaDispute.status)
            .join(QaEvaluation, QaEvaluation.id == QaDispute.evaluation_id)
            .where(QaEvaluation.grid_id == grid_id)
        ).all()
    counts = Counter(status for cid, site, status in rows if (cid, site) in wanted)
    return {k: counts.get(k, 0) for k in ("open", "accepted", "rejected")}


def sql_list(values: Sequence[str]) -> str:
    """``'a', 'b'``: strings as SQL literals (quotes doubled), for an IN list or read_parquet."""
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


__all__ = [
    "HUMAN_FILE",
    "QUALITY_DIR",
    "current_runs",
    "latest_calibration",
    "load_grid",
    "quality_dir",
    "quality_month",
    "sql_list",
    "with_quality",
]
