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

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from arbitre.quality.documents import Calibration, CheckSummary, Dispute, QualityMonth
from arbitre.services.access import NotFound, Permission, is_client, require, visible_sites
from arbitre.services.accounts import Account
from arbitre.services.audit import Actor, record
from arbitre.services.contract_views import visible_contracts
from arbitre.services.quality import list_disputes, list_grids, raise_dispute
from arbitre.services.quality_checks import run_summary
from arbitre.store.appdb import QaCalibration, session_scope
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
    "GridOut",
    "QaDisputeForm",
    "QualityOverview",
    "latest_calibration",
    "open_qa_dispute",
    "provider_quality",
    "qa_dispute",
    "qa_disputes",
    "quality_overview",
]
