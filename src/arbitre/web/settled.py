"""What a settled dispute changed in its month: the month's figures before and after the run the
dispute's acceptance made, as both parties see them on the dispute's page.

The run an accepted dispute makes names it (``who``: ``alice (dispute 1a2b3c4d)``,
`arbitre.web.refereed.referee_again`); the month before it is the run just before that one.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import select

from arbitre.contract.result import MonthResult
from arbitre.services.disputes import DisputeRecord
from arbitre.store.appdb import GovernanceRun, session_scope
from arbitre.store.workspace import Workspace


class SlaChange(BaseModel):
    """One SLA's result and credit before and after the dispute."""

    name: str
    met_before: bool | None
    met_after: bool | None
    credit_before: Decimal
    credit_after: Decimal


class Settled(BaseModel):
    """The month's credits and net fees before and after the dispute's run, and each SLA's."""

    run_before: str
    run_after: str
    credits_before: Decimal
    credits_after: Decimal
    net_before: Decimal
    net_after: Decimal
    slas: list[SlaChange]

    @property
    def credits_difference(self) -> Decimal:
        return self.credits_after - self.credits_before

    @property
    def net_difference(self) -> Decimal:
        return self.net_after - self.net_before


def settled_change(ws: Workspace, dispute: DisputeRecord) -> Settled | None:
    """The figures before and after the run ``dispute`` made, or None (not accepted, or no run
    names it). The caller has checked that the account is a party to the dispute."""
    if dispute.status != "accepted":
        return None
    with session_scope(ws.engine) as session:
        runs = session.execute(
            select(GovernanceRun.who, GovernanceRun.result)
            .where(GovernanceRun.contract_id == dispute.contract_id, GovernanceRun.month == dispute.month)
            .order_by(GovernanceRun.created_at)
        ).all()
    mark = f"(dispute {dispute.id[:8]})"
    at = next((i for i, (who, _) in enumerate(runs) if who.endswith(mark)), None)
    if at is None or at == 0:
        return None
    before = MonthResult.read(runs[at - 1][1])
    after = MonthResult.read(runs[at][1])
    assert before.run is not None and after.run is not None  # recorded runs
    return Settled(
        run_before=before.run.id,
        run_after=after.run.id,
        credits_before=before.credits_total,
        credits_after=after.credits_total,
        net_before=before.net_fees,
        net_after=after.net_fees,
        slas=[
            SlaChange(
                name=s.name,
                met_before=None if old is None else old.met,
                met_after=s.met,
                credit_before=Decimal(0) if old is None else old.credit,
                credit_after=s.credit,
            )
            for s in after.slas
            if (old := before.sla(s.name)) is None or old.met != s.met or old.credit != s.credit
        ],
    )


__all__ = ["Settled", "SlaChange", "settled_change"]
