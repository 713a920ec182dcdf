"""Quality as an account sees it (the web app and its API), read from the quality services — no
figure is computed here.

The client: the grids and their versions, each month's automatic checks (`run_summary`: scores,
critical rate, each criterion's compliance), the latest calibration (kappa per criterion, the
graders, the trusted criteria), the QA disputes. A provider: each month's quality of its own
contracts — its sites and flows only (`quality_month`, the governance dashboard's figures: its
agents flagged, its scores) — and the QA disputes on its own sites' evaluations, which it opens
(`raise_dispute`, as `arbitre qa dispute`).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arbitre.quality.documents import Calibration, CheckSummary, Dispute, QualityMonth
from arbitre.services.access import NotFound, Permission, is_client, require, visible_sites
from arbitre.services.accounts import Account
from arbitre.services.audit import Actor, aware, record
from arbitre.services.contract_views import visible_contracts
from arbitre.services.quality import list_disputes, list_grids, raise_dispute
from arbitre.services.quality_checks import run_summary
from arbitre.store.appdb import QaCalibration, QaDispute, QaEvaluation, session_scope
from arbitre.store.interactions import InteractionStore, bounded_connection
from arbitre.store.quality import current_runs, load_grid, quality_month
from arbitre.store.workspace import Workspace


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GridOut(_View):
    """A stored QA grid at its latest version."""

    grid_id: str
    version: int
    title: str
    pass_score: float
    criteria: int


class QualityOverview(_View):
    """The client's view of quality: grids, each month's latest checks, the latest calibration."""

    grids: list[GridOut]
    runs: list[CheckSummary]
    calibration: Calibration | None


class ContractQuality(_View):
    """A provider's month of quality on one of its contracts (its sites and flows)."""

    contract: str
    month: str
    quality: QualityMonth


class EvaluationRow(_View):
    """A grader's evaluation of one contact: when the contact came and on which flow (from the
    store; None when the store no longer holds it), the grid and its version, the grader, the
    grid's score (0–1; None when no criterion applied), a critical criterion failed, when it was
    imported, and its QA disputes' states (``disputed``: one is open)."""

    id: str
    contact_id: str
    site: str
    day: date | None
    flow: str | None
    grid_id: str
    grid_version: int
    grader: str
    score: float | None
    critical_failed: bool
    imported_at: datetime
    disputes: list[str]
    disputed: bool


class EvaluationPage(_View):
    """A page of evaluations, newest first: ``total`` of them in all, ``page`` (from 1) of
    ``per_page``."""

    total: int
    page: int
    per_page: int
    evaluations: list[EvaluationRow]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def evaluations_page(ws: Workspace, account: Account, *, page: int = 1, per_page: int = 50) -> EvaluationPage:
    """The graders' evaluations the account sees — a provider's of its own sites only (filtered in
    the query), the client's all — newest first, ``per_page`` from ``page``."""
    require(account, Permission.READ_CONTRACTS)
    sites = visible_sites(account)
    where = [] if sites is None else [QaEvaluation.site.in_(sorted(sites))]
    with session_scope(ws.engine) as session:
        total = int(session.scalar(select(func.count(QaEvaluation.id)).where(*where)) or 0)
        rows = session.scalars(
            select(QaEvaluation)
            .where(*where)
            .order_by(QaEvaluation.imported_at.desc(), QaEvaluation.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        shown = _shown(ws, session, list(rows))
    return EvaluationPage(total=total, page=page, per_page=per_page, evaluations=shown)


def evaluation(ws: Workspace, account: Account, evaluation_id: str) -> EvaluationRow:
    """One evaluation the account sees; another provider's, or none, is *not found*."""
    require(account, Permission.READ_CONTRACTS)
    sites = visible_sites(account)
    with session_scope(ws.engine) as session:
        row = session.get(QaEvaluation, evaluation_id[:32])
        if row is None or (sites is not None and row.site not in sites):
            raise NotFound("no such evaluation")
        return _shown(ws, session, [row])[0]


def _shown(ws: Workspace, session: Session, rows: list[QaEvaluation]) -> list[EvaluationRow]:
    """The rows with their disputes' states and their contacts' day and flow."""
    states: dict[str, list[str]] = {}
    for evaluation_id, status in session.execute(
        select(QaDispute.evaluation_id, QaDispute.status).where(
            QaDispute.evaluation_id.in_([r.id for r in rows])
        )
    ):
        states.setdefault(evaluation_id, []).append(status)
    contacts = _contacts(ws, {(r.contact_id, r.site) for r in rows})
    return [
        EvaluationRow(
            id=r.id,
            contact_id=r.contact_id,
            site=r.site,
            day=contacts.get((r.contact_id, r.site), (None, None))[0],
            flow=contacts.get((r.contact_id, r.site), (None, None))[1],
            grid_id=r.grid_id,
            grid_version=r.grid_version,
            grader=r.grader,
            score=r.score,
            critical_failed=bool(r.critical_failed),
            imported_at=aware(r.imported_at),
            disputes=sorted(states.get(r.id, [])),
            disputed="open" in states.get(r.id, []),
        )
        for r in rows
    ]


def _contacts(
    ws: Workspace, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], tuple[date | None, str | None]]:
    """The local day and flow of each (contact, site) the store holds (values bound, never
    written into the SQL)."""
    if not keys:
        return {}
    ids = sorted({k[0] for k in keys})
    sites = sorted({k[1] for k in keys})
    with bounded_connection(ws.settings.timezone) as con:
        rows = con.execute(
            "SELECT contact_id, site, CAST(arrived_at AS DATE) AS day, flow"
            f" FROM {InteractionStore(ws).source_sql()}"
            " WHERE list_contains(?, contact_id) AND list_contains(?, site)",
            [ids, sites],
        ).fetchall()
    return {(cid, site): (day, flow) for cid, site, day, flow in rows if (cid, site) in keys}


def quality_overview(ws: Workspace, account: Account) -> QualityOverview:
    """The grids, the latest check of each grid and month, the latest calibration (the client's)."""
    require(account, Permission.READ_WORKSPACE)
    grids = []
    for grid_id, version in list_grids(ws):
        grid, _ = load_grid(ws, grid_id, version=version)
        grids.append(
            GridOut(
                grid_id=grid_id,
                version=version,
                title=grid.title,
                pass_score=grid.pass_score,
                criteria=len(grid.criteria),
            )
        )
    return QualityOverview(
        grids=grids,
        runs=[run_summary(ws, r) for r in current_runs(ws)],
        calibration=latest_calibration(ws),
    )


def latest_calibration(ws: Workspace) -> Calibration | None:
    """The latest calibration recorded (`arbitre qa calibrate`), of any grid."""
    with session_scope(ws.engine) as session:
        row = session.scalars(
            select(QaCalibration).order_by(QaCalibration.created_at.desc()).limit(1)
        ).first()
    return None if row is None or row.result == "{}" else Calibration.model_validate_json(row.result)


def provider_quality(ws: Workspace, account: Account) -> list[ContractQuality]:
    """Each checked month on each contract the account sees, on the contract's sites and flows."""
    months = sorted({r.month for r in current_runs(ws)})
    out = []
    for c in visible_contracts(ws, account):
        for month in months:
            found = quality_month(ws, month=month, sites=c.sites, flows=c.flows)
            if found is not None and found.contacts:
                out.append(ContractQuality(contract=c.id, month=month, quality=found))
    return out


def qa_disputes(ws: Workspace, account: Account) -> list[Dispute]:
    """The QA disputes: every one (the client), those on the provider's own sites."""
    sites = visible_sites(account)
    return [d for d in list_disputes(ws) if sites is None or d.site in sites]


def qa_dispute(ws: Workspace, account: Account, dispute_id: str) -> Dispute:
    found = next((d for d in qa_disputes(ws, account) if d.id == dispute_id), None)
    if found is None:
        raise NotFound("no such QA dispute")
    return found


class QaDisputeForm(BaseModel):
    """What a provider fills in to dispute a criterion's answer (the page's form, the API's)."""

    contact_id: str = Field(default="", max_length=200)
    site: str = Field(default="", max_length=100)
    criterion: str = Field(default="", max_length=100)
    proposed: str = Field(default="", max_length=20)
    reason: str = Field(default="", max_length=5000)
    grader: str = Field(default="", max_length=100)


def open_qa_dispute(ws: Workspace, account: Account, actor: Actor, form: QaDisputeForm) -> Dispute:
    """A provider disputes a criterion's answer in a grader's evaluation of a contact of one of
    its own sites (`arbitre qa dispute`), recorded in the audit log; another site's contact is
    refused as not found."""
    require(account, Permission.DISPUTE_OPEN)
    if is_client(account) or form.site not in account.sites:
        raise NotFound("no evaluation of that contact on your sites")
    d = raise_dispute(
        ws,
        contact_id=form.contact_id.strip(),
        site=form.site,
        criterion=form.criterion,
        proposed=form.proposed,
        reason=form.reason,
        grader=form.grader.strip() or None,
        who=account.username,
    )
    record(ws, actor, "qa_dispute", d.id, step="opened", contact=d.contact_id, criterion=d.criterion)
    return d


__all__ = [
    "ContractQuality",
    "EvaluationPage",
    "EvaluationRow",
    "GridOut",
    "QaDisputeForm",
    "QualityOverview",
    "evaluation",
    "evaluations_page",
    "latest_calibration",
    "open_qa_dispute",
    "provider_quality",
    "qa_dispute",
    "qa_disputes",
    "quality_overview",
]
