"""A real telephony export nobody here wrote: a month of a bank's call centre (1999).

The data live beside the project (../shared/data, see its README); the tests skip when they are
absent. The reference figures are computed here from the raw file with the standard library only,
independently of the import and the KPI engine.
"""

from __future__ import annotations

import csv
import gzip

import pytest

from arbitre.domain.kpis import KpiRules
from arbitre.examples import MAPPINGS
from arbitre.ingest.mapping import load_mapping
from arbitre.kpi.engine import compute_kpis
from arbitre.services.imports import import_file
from arbitre.services.kpis import kpis
from arbitre.store.interactions import InteractionStore, connect
from arbitre.store.workspace import Workspace
from tests.conftest import SHARED_DATA

BANK = SHARED_DATA / "anonymous_bank_1999_02.txt.gz"
MAPPING = MAPPINGS / "anonymous-bank-1999.yaml"  # the shipped example mapping

pytestmark = pytest.mark.skipif(
    not BANK.exists(), reason="the bank's call records are not beside the project"
)


def raw_reference() -> dict[str, float]:
    """Figures of the regular (PS) calls straight from the file, as its README describes them."""
    served = abandoned = short = at_once = 0
    service = 0.0
    with gzip.open(BANK, "rt", encoding="ascii", newline="") as handle:
        for rec in csv.DictReader(handle, delimiter="\t"):
            if rec["type"] != "PS" or rec["outcome"] == "PHANTOM":
                continue
            queued = rec["q_start"] != "0:00:00" or int(rec["q_time"]) > 0
            is_served = rec["outcome"] == "AGENT" or int(rec["ser_time"]) > 0
            if is_served:
                served += 1
                service += int(rec["ser_time"])
                at_once += int(rec["q_time"]) == 0
            elif queued:
                abandoned += 1
                short += int(rec["q_time"]) < 5
    return {
        "offered": served + abandoned,
        "abandon_rate": (abandoned - short) / (served + abandoned - short),
        "abandon_rate_all": abandoned / (served + abandoned),
        "aht_s": service / served,
        "served_at_once": at_once / served,
    }


@pytest.fixture(scope="module")
def bank_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace.init(tmp_path_factory.mktemp("bank") / "ws", name="Anonymous Bank")
    summary = import_file(ws, BANK, mapping=load_mapping(MAPPING))
    assert summary.rejected == 0
    assert summary.rows_read == 33_344
    # Phantoms, and the README's 1,972 hang-ups "in the VRU" but for 31 of them that have a queue
    # entry time: they reached the queue and hung up at once (zero-second abandons).
    assert summary.filtered == 278 + 1_972 - 31
    return ws


def test_every_call_that_reached_the_agents_is_imported(bank_workspace: Workspace) -> None:
    (total,) = kpis([bank_workspace.root])
    assert total["offered"] == 27_162 + 3_932 + 31  # served, hung up after waiting, hung up at once


def test_regular_calls_match_the_raw_file(bank_workspace: Workspace) -> None:
    ref = raw_reference()
    # The raw file's figures count every call (the spec's definitions): --all-hours, since the
    # workspace's opening hours are the defaults, not the bank's (Sunday to Thursday, 07:00-24:00).
    regular = next(
        r for r in kpis([bank_workspace.root], by=["flow"], all_hours=True) if r["flow"] == "regular"
    )
    assert regular["offered"] == ref["offered"]
    assert regular["abandon_rate"] == pytest.approx(ref["abandon_rate"], abs=1e-12)
    assert regular["aht_s"] == pytest.approx(ref["aht_s"], abs=1e-9)
    everything = next(
        r
        for r in kpis([bank_workspace.root], by=["flow"], short_abandon_s=0, all_hours=True)
        if r["flow"] == "regular"
    )
    assert everything["abandon_rate"] == pytest.approx(ref["abandon_rate_all"], abs=1e-12)


def test_regular_calls_that_queued_match_the_published_description(bank_workspace: Workspace) -> None:
    """README: 8.1 % of PS calls reaching the queue hang up (7.9 % without waits under 5 s)."""
    con = connect("Asia/Jerusalem")
    source = f"(SELECT * FROM {InteractionStore(bank_workspace).source_sql()} WHERE flow = 'regular')"
    (pooled,) = compute_kpis(con, source, by=[], rules=KpiRules(), tz="Asia/Jerusalem")
    (all_abandons,) = compute_kpis(con, source, by=[], rules=KpiRules(short_abandon_s=0), tz="Asia/Jerusalem")
    assert round(100 * all_abandons["abandon_rate"], 1) == 8.1
    assert round(100 * pooled["abandon_rate"], 1) == 7.9
    served_at_once = raw_reference()["served_at_once"]
    assert round(100 * served_at_once, 1) == pytest.approx(47.6, abs=0.3)  # README: 47.8 %


def test_days_of_the_month_are_local_days_of_israel(bank_workspace: Workspace) -> None:
    days = [r["day"] for r in kpis([bank_workspace.root], by=["day"])]
    assert days[0] == "1999-02-01" and days[-1] in ("1999-02-28", "1999-03-01")
    assert len(days) >= 28
