"""A dispute of the demo's month accepted with an agreed SLA result referees the month again: the
credits pinned to the contract's arithmetic on the small demo's May (15 000 € of fees, every SLA
met, no credit, a 225 € bonus on answer-30s, forfeited once an SLA is missed)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

from arbitre.services.accounts import get_user
from arbitre.services.audit import Actor
from arbitre.services.contract_views import visible_contract
from arbitre.services.disputes import add_step, open_dispute, read_agreed
from arbitre.services.govern import govern
from arbitre.store.governance import recorded_months
from arbitre.store.workspace import Workspace
from tests.demo.conftest import BuiltDemo


def test_the_demos_may_refereed_again_with_the_abandon_sla_agreed_missed(
    small_demo: BuiltDemo, tmp_path: Path
) -> None:
    root = tmp_path / "demo"
    shutil.copytree(small_demo.folder, root)
    with Workspace.open(root) as ws:
        (may,) = [m for m in recorded_months(ws, "callmada-2026") if str(m.month) == "2026-05"]
        assert (may.fees, may.at_risk, may.credits_total, may.bonus_total, may.net_fees) == (
            Decimal("15000.00"),
            Decimal("1500.00"),
            Decimal("0.00"),
            Decimal("225.00"),
            Decimal("15225.00"),
        )
        provider, client = get_user(ws, "callmada"), get_user(ws, "direction")
        dispute = open_dispute(
            ws,
            account=provider,
            actor=Actor("callmada", "provider"),
            contract_id="callmada-2026",
            month="2026-05",
            subject_kind="sla",
            subject="abandon",
            comment="Our export missed the abandoned calls of the 12th.",
        )
        agreed = read_agreed(dispute, visible_contract(ws, client, "callmada-2026"), met="missed")
        add_step(
            ws,
            dispute.id,
            account=client,
            actor=Actor("direction", "admin"),
            kind="accepted",
            comment="Agreed: missed.",
            agreed=agreed,
        )
        (again,) = govern(ws, month="2026-05", contract_id="callmada-2026", who="direction", today=may.as_of)
    abandon = again.sla("abandon")
    assert abandon is not None and abandon.met is False and abandon.actual == may.sla("abandon").actual  # type: ignore[union-attr]
    # 1 500 € at risk × the abandon SLA's weight 0.15 = 225.00, under the cap (8 % of 15 000 = 1 200);
    # a missed SLA forfeits the bonus (bonus_only_if_all_met): net 15 000 − 225 = 14 775.00.
    assert (again.credits_total, again.bonus_total, again.net_fees) == (
        Decimal("225.00"),
        Decimal("0.00"),
        Decimal("14775.00"),
    )
    assert [(c.dispute, c.kind, c.sla, c.met) for c in again.agreed] == [
        (dispute.id, "sla_result", "abandon", False)
    ]
