"""The month refereed as a pure function of its gathered inputs (issue 10 item 2).

The monthly run gathers the month's inputs from the store and the app database, then
`referee` makes the month of them without reading anything: the same inputs give the same month,
with the workspace closed, and the month the run records is the one `referee` made. The days a
flow's volume puts above its band reach the SLA queries as data (no temporary table): a flow name
with quotes in it is a value, never SQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from arbitre.contract.referee import referee
from arbitre.contract.result import MonthResult
from arbitre.contract.sla import excluded_sql
from arbitre.domain.contract import Contract
from arbitre.domain.month import Month
from arbitre.services.contracts import load_contract
from arbitre.services.govern import gather, govern, runs
from arbitre.store.interactions import connect
from arbitre.store.workspace import Workspace
from arbitre.yamlio import parse_model
from tests.contract.test_govern import CONTRACT, small  # noqa: F401  (the fixture)


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
    (recorded,) = govern(small, month="2026-05", today=date(2026, 6, 5), who="test")
    expected = referee(inputs).model_dump(mode="json", exclude={"run", "schema_version"})
    assert {k: v for k, v in recorded.items() if k != "run"} == expected
    (stored,) = runs(small, "small")
    assert stored["run"]["who"] == "test" and stored == recorded
    assert MonthResult.SCHEMA_VERSION == 2


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
