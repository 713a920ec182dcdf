"""The month refereed as a pure function of its gathered inputs (issue 10 item 2).

The monthly run gathers the month's inputs from the store and the app database, then
`referee` makes the month of them without reading anything: the same inputs give the same month,
with the workspace closed, and the month the run records is the one `referee` made. The days a
flow's volume puts above its band reach the SLA queries as data (no temporary table): a flow name
with quotes in it is a value, never SQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from arbitre.contract.referee import projected_invoice, referee
from arbitre.contract.result import MonthResult
from arbitre.contract.sla import excluded_sql
from arbitre.decision.document import FlowOfferEntry
from arbitre.domain.contract import Contract
from arbitre.domain.month import Month
from arbitre.services.contracts import load_contract
from arbitre.services.govern import gather
from arbitre.store.interactions import connect
from arbitre.store.workspace import Workspace
from arbitre.yamlio import parse_model
from tests.contract.test_govern import CONTRACT, small  # noqa: F401  (the fixture)
from tests.helpers import govern_json, runs_json


def test_the_referee_makes_the_same_month_of_the_same_inputs_without_the_workspace(small: Workspace) -> None:  # noqa: F811
    contract, version = load_contract(small, "small")
    inputs = gather(small, contract, version, month=Month("2026-05"), invoice=None, today=date(2026, 6, 5))
    small.close()  # nothing below reads the workspace
    first, again = referee(inputs), referee(inputs)
    assert first == again and first.run is None
    # The excluded day (10 May, above the band) and the agreed period left 29 days of 100 calls.
    assert [(d.flow, d.day) for d in first.exclusions.days] == [("voice", date(2026, 5, 10))]
    sl = first.sla("sl")
    assert sl is not None and (sl.contacts, sl.excluded_contacts, sl.met) == (2900, 300, False)
    assert str(first.net_fees) == "6203.50"


def test_the_month_recorded_is_the_month_refereed_with_its_run(small: Workspace) -> None:  # noqa: F811
    contract, version = load_contract(small, "small")
    inputs = gather(small, contract, version, month=Month("2026-05"), invoice=None, today=date(2026, 6, 5))
    (recorded,) = govern_json(small, month="2026-05", today=date(2026, 6, 5), who="test")
    expected = referee(inputs).model_dump(mode="json", exclude={"run"})
    assert {k: v for k, v in recorded.items() if k != "run"} == expected
    (stored,) = runs_json(small, "small")
    assert stored["run"]["who"] == "test" and stored == recorded
    assert MonthResult.SCHEMA_VERSION == 3


@pytest.mark.parametrize("flow", ["voice", "vo'ice", "x') OR TRUE OR ('", "é\\'; DROP TABLE y; --"])
def test_the_excluded_days_reach_the_query_as_data(flow: str) -> None:
    stored = parse_model(CONTRACT, Contract, file="contract.yaml")
    contract = stored.model_copy(update={"exclusions": stored.exclusions.model_copy(update={"periods": []})})
    con = connect("Europe/Paris")
    try:
        con.execute("CREATE TABLE y (flow VARCHAR, arrived_at TIMESTAMPTZ)")
        con.executemany(
            "INSERT INTO y VALUES (?, ?)",
            [
                (flow, datetime(2026, 5, 10, 8, tzinfo=UTC)),  # 10 May in Paris: excluded
                (flow, datetime(2026, 5, 10, 22, 30, tzinfo=UTC)),  # 11 May in Paris: kept
                ("other", datetime(2026, 5, 10, 8, tzinfo=UTC)),  # another flow: kept
            ],
        )
        predicate = excluded_sql(contract, tz="Europe/Paris", days=[(flow, date(2026, 5, 10))])
        assert con.sql(f"SELECT count(*) FROM y WHERE {predicate}").fetchall() == [(1,)]
        assert con.sql("SELECT count(*) FROM y").fetchall() == [(3,)]
    finally:
        con.close()
    assert excluded_sql(contract, tz="Europe/Paris") == "FALSE"


def offer_entry(variable: str, *, minimum: str | None = None, fixed: str = "0") -> FlowOfferEntry:
    """A whole flow at an offer as the decision prices it alone: fixed fee, variable part, top-up."""
    subtotal = Decimal(fixed) + Decimal(variable)
    top_up = max(Decimal(0), Decimal(minimum) - subtotal) if minimum is not None else Decimal(0)
    return FlowOfferEntry(
        offer="callmada-tana",
        covers=1.0,
        contacts_per_month=1000.0,
        variable_per_month=Decimal(variable),
        variable_per_contact=None,
        standalone_per_month=subtotal + top_up,
        standalone_per_contact=None,
        fixed_monthly=Decimal(fixed),
        minimum_monthly=None if minimum is None else Decimal(minimum),
        minimum_top_up=top_up,
        fte=None,
        feasible=True,
        refusals=[],
        not_taken=[],
        minimum_dominates=top_up > 0,
        per_month=subtotal + top_up,
        per_contact=None,
    )


def test_the_contracts_flows_are_priced_as_one_invoice_with_one_minimum() -> None:
    # Call Mada's minimum of 15,000 € a month: voice adds 9,000 €, e-mail 4,000 €. Alone, each
    # would be topped up to 15,000 € (30,000 € added flow by flow); together 13,000 € are topped
    # up once, to 15,000 €.
    voice, email = offer_entry("9000", minimum="15000"), offer_entry("4000", minimum="15000")
    assert (voice.per_month, email.per_month) == (Decimal(15000), Decimal(15000))
    assert projected_invoice([voice, email]) == Decimal("15000.00")
    # Above the minimum together (9,000 + 7,500 = 16,500 €), nothing is topped up.
    assert projected_invoice([voice, offer_entry("7500", minimum="15000")]) == Decimal("16500.00")
    # A fixed fee of 2,000 € is invoiced once: 2,000 + 9,000 + 4,000 = 15,000 €, not 17,000 €.
    assert projected_invoice(
        [offer_entry("9000", fixed="2000"), offer_entry("4000", fixed="2000")]
    ) == Decimal("15000.00")
    # Fixed fee and minimum: 2,000 + 9,000 + 4,000 = 15,000 € under a minimum of 20,000 €.
    assert projected_invoice(
        [
            offer_entry("9000", fixed="2000", minimum="20000"),
            offer_entry("4000", fixed="2000", minimum="20000"),
        ]
    ) == Decimal("20000.00")
    # One flow: its standalone invoice.
    assert projected_invoice([voice]) == Decimal("15000.00")
