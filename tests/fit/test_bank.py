"""`arbitre fit` on real records: a month of the "Anonymous Bank" call centre (1999).

The data live beside the project (../shared/data, see its README); the tests skip when they are
absent. The reference patience is computed here from the raw file with the standard library only,
independently of the import, the KPI engine and the fit.
"""

from __future__ import annotations

import csv
import gzip

import pytest

from arbitre.examples import MAPPINGS
from arbitre.ingest.mapping import load_mapping
from arbitre.services.fit import FitRun, fit
from tests.conftest import SHARED_DATA

BANK = SHARED_DATA / "anonymous_bank_1999_02.txt.gz"
FLOWS = {"PS": "regular", "NW": "prospects", "NE": "stock-exchange"}

pytestmark = pytest.mark.skipif(
    not BANK.exists(), reason="the bank's call records are not beside the project"
)


def raw_patience() -> dict[str, float]:
    """Exposure beyond 5 s ÷ abandons after 5 s, per service type, from the raw lines: every call
    that reached the queue or an agent; short abandons (under 5 s) are not contacts."""
    exposure: dict[str, float] = dict.fromkeys(FLOWS, 0.0)
    abandons: dict[str, int] = dict.fromkeys(FLOWS, 0)
    with gzip.open(BANK, "rt", encoding="ascii", newline="") as handle:
        for rec in csv.DictReader(handle, delimiter="\t"):
            kind = rec["type"]
            if kind not in FLOWS or rec["outcome"] == "PHANTOM":
                continue
            wait = int(rec["q_time"])
            served = rec["outcome"] == "AGENT" or int(rec["ser_time"]) > 0
            queued = rec["q_start"] != "0:00:00" or wait > 0
            if not (served or queued) or (not served and wait < 5):
                continue
            exposure[kind] += max(wait - 5, 0)
            abandons[kind] += not served
    return {FLOWS[k]: exposure[k] / abandons[k] for k in FLOWS}


@pytest.fixture(scope="module")
def bank() -> FitRun:
    return fit(BANK, mapping=load_mapping(MAPPINGS / "anonymous-bank-1999.yaml"))


def test_the_bank_mapping_ships_with_arbitre_and_fits_every_queued_service(bank: FitRun) -> None:
    result = bank.result
    assert result.timezone == "Asia/Jerusalem"  # the mapping's clock
    assert (result.period_start, result.period_end) == ("1999-02-01", "1999-02-28")
    assert [f.flow for f in result.flows] == [
        "call-backs",
        "internet",
        "prospects",
        "regular",
        "regular-english",
        "stock-exchange",
    ]
    assert all(f.pool == [g.flow for g in result.flows] for f in result.flows)  # one team serves all


def test_the_patience_of_each_service_matches_the_raw_file(bank: FitRun) -> None:
    reference = raw_patience()
    for name, mean in reference.items():
        flow = bank.result.flow(name)
        assert flow is not None and flow.patience_mle_s is not None
        # The fit leaves out the few calls of intervals where the centre was not answering.
        assert flow.patience_mle_s == pytest.approx(mean, rel=0.02)


def test_for_regular_calls_erlang_a_predicts_abandonment_better_than_erlang_c(bank: FitRun) -> None:
    regular = bank.result.flow("regular")
    assert regular is not None
    c, a = regular.model("erlang_c"), regular.model("erlang_a")
    assert c is not None and a is not None
    assert a.mae_abandon_rate is not None and c.mae_abandon_rate is not None
    assert a.mae_abandon_rate < c.mae_abandon_rate
    assert abs(a.bias_abandon_rate or 0.0) < abs(c.bias_abandon_rate or 0.0)
    assert regular.best_model in ("erlang_a", "simulation")
