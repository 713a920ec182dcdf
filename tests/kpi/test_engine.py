"""The KPI engine against values computed by hand on edge cases (specs/interactions.md).

The file below holds, on purpose: a wait across the spring-forward change, two contacts at the
same wall-clock time of the repeated October hour, a UTC timestamp that falls on the next local
day, a short abandon, a missing handling component, outbound calls (no queue), e-mails around the
24-hour threshold, and survey answers. Each expected value says how it was counted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.domain.kpis import KpiRules
from arbitre.services.kpis import kpis
from tests.helpers import write_csv

HEADER = "contact_id,flow,channel,site,arrived_at,answered_at,ended_at,abandoned,talk_s,hold_s,wrap_s,customer_id,resolved,csat,nps"
ROWS = [
    # 1: spring forward: 01:59:50+01:00 → 03:00:05+02:00 is a 15 s wait
    "1,sav,voice_in,internal,2026-03-29T01:59:50+01:00,2026-03-29T03:00:05+02:00,2026-03-29T03:02:15+02:00,false,100,10,20,X,true,5,10",
    # 2: 30 s wait; wrap missing, so not in AHT
    "2,sav,voice_in,internal,2026-03-29T10:00:00+02:00,2026-03-29T10:00:30+02:00,2026-03-29T10:05:00+02:00,false,200,0,,Y,false,4,9",
    # 3: abandoned after 3 s: a short abandon
    "3,sav,voice_in,internal,2026-03-29T11:00:00+02:00,,2026-03-29T11:00:03+02:00,true,,,,Z,,,",
    # 4: abandoned after 60 s
    "4,sav,voice_in,internal,2026-03-29T12:00:00+02:00,,2026-03-29T12:01:00+02:00,true,,,,X,,,",
    # 5: UTC, 00:30 local on the 29th; 20 s wait is within 20 s
    "5,sav,voice_in,internal,2026-03-28T23:30:00Z,2026-03-28T23:30:20Z,2026-03-28T23:35:20Z,false,240,30,30,X,,3,7",
    # 6 and 7: the repeated hour of 25 October, first at +02:00 then at +01:00
    "6,sav,voice_in,internal,2026-10-25T02:30:00+02:00,2026-10-25T02:30:05+02:00,2026-10-25T02:34:05+02:00,false,200,20,20,W,true,1,3",
    "7,sav,voice_in,internal,2026-10-25T02:30:00+01:00,,2026-10-25T02:30:40+01:00,true,,,,W,,,",
    # 8: e-mail answered after 23 h (within 24 h); 9: after 30 h
    "8,mail,email,internal,2026-03-29T08:00:00+02:00,2026-03-30T07:00:00+02:00,2026-03-30T07:10:00+02:00,false,600,0,0,Y,,,",
    "9,mail,email,internal,2026-03-29T09:00:00+02:00,2026-03-30T15:00:00+02:00,2026-03-30T15:05:00+02:00,false,300,0,0,V,,,",
    # 10: outbound call reached; 11: not reached (no queue: no waiting KPIs)
    "10,out,voice_out,internal,2026-03-29T10:00:00+02:00,2026-03-29T10:00:12+02:00,2026-03-29T10:03:12+02:00,false,180,0,0,X,,,",
    "11,out,voice_out,internal,2026-03-29T10:05:00+02:00,,2026-03-29T10:05:30+02:00,false,,,,Y,,,",
]


@pytest.fixture
def edge_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "edge.csv", HEADER, ROWS)


def by(rows: list[dict], **keys: str) -> dict:
    (row,) = [r for r in rows if all(r[k] == v for k, v in keys.items())]
    return row


def test_all_kpis_over_the_whole_file_match_the_hand_count(edge_file: Path) -> None:
    (row,) = kpis([edge_file])
    assert row["offered"] == 11
    assert row["answered"] == 7  # 1, 2, 5, 6, 8, 9, 10
    assert row["abandoned"] == 3  # 3, 4, 7
    assert row["short_abandoned"] == 1  # 3
    # queued: 9 (not 10, 11); within threshold: 1, 5, 6, 8; base: 9 - 1 short
    assert row["service_level"] == pytest.approx(4 / 8)
    assert row["abandon_rate"] == pytest.approx(2 / 8)
    assert row["asa_s"] == pytest.approx((15 + 30 + 20 + 5 + 82800 + 108000) / 6)
    assert row["aht_s"] == pytest.approx((130 + 300 + 240 + 600 + 300 + 180) / 6)
    assert row["fcr"] == pytest.approx(2 / 3)  # 1 true, 2 false, 6 true
    # repeats: 5 → 1 → 4 for X on sav, 6 → 7 for W; answered with a customer: 7
    assert row["repeat_rate_7d"] == pytest.approx(3 / 7)
    assert row["csat"] == pytest.approx(2 / 4)  # 5, 4, 3, 1
    assert row["csat_mean"] == pytest.approx(13 / 4)
    assert row["nps"] == pytest.approx(25.0)  # 10, 9 promoters; 3 detractor; of 4
    assert row["qa_score"] is None


def test_kpis_by_flow_keep_outbound_calls_out_of_waiting_kpis(edge_file: Path) -> None:
    rows = kpis([edge_file], by=["flow"])
    sav, mail, out = by(rows, flow="sav"), by(rows, flow="mail"), by(rows, flow="out")
    assert (sav["offered"], sav["answered"], sav["abandoned"], sav["short_abandoned"]) == (7, 4, 3, 1)
    assert sav["service_level"] == pytest.approx(3 / 6)
    assert sav["abandon_rate"] == pytest.approx(2 / 6)
    assert sav["asa_s"] == pytest.approx(70 / 4)
    assert sav["aht_s"] == pytest.approx(670 / 3)
    assert sav["repeat_rate_7d"] == pytest.approx(3 / 4)
    assert mail["service_level"] == pytest.approx(0.5)
    assert mail["abandon_rate"] == 0.0
    assert mail["asa_s"] == pytest.approx(95400)
    assert mail["fcr"] is None
    assert out["offered"] == 2 and out["answered"] == 1
    assert out["service_level"] is None and out["abandon_rate"] is None and out["asa_s"] is None
    assert out["aht_s"] == pytest.approx(180)


def test_days_of_23_and_25_hours_hold_their_own_contacts(edge_file: Path) -> None:
    rows = kpis([edge_file], by=["day"])
    assert [r["day"] for r in rows] == ["2026-03-29", "2026-10-25"]
    spring, autumn = rows
    assert spring["offered"] == 9  # 5 arrived at 23:30 UTC on the 28th: the 29th in Paris
    assert spring["service_level"] == pytest.approx(3 / 6)
    assert spring["abandon_rate"] == pytest.approx(1 / 6)
    assert autumn["offered"] == 2
    assert autumn["service_level"] == pytest.approx(1 / 2)


def test_the_repeated_october_hour_gives_two_intervals_with_their_offsets(edge_file: Path) -> None:
    rows = kpis([edge_file], by=["interval"])
    keys = [r["interval"] for r in rows]
    assert "2026-10-25T02:30:00+02:00" in keys and "2026-10-25T02:30:00+01:00" in keys
    assert "2026-03-29T01:30:00+01:00" in keys  # contact 1, before the change
    assert "2026-03-29T00:30:00+01:00" in keys  # contact 5, given in UTC
    assert by(rows, interval="2026-10-25T02:30:00+02:00")["answered"] == 1
    assert by(rows, interval="2026-10-25T02:30:00+01:00")["abandoned"] == 1


def test_weeks_are_iso_weeks_and_months_are_local(edge_file: Path) -> None:
    assert [r["week"] for r in kpis([edge_file], by=["week"])] == ["2026-W13", "2026-W43"]
    assert [r["month"] for r in kpis([edge_file], by=["month"])] == ["2026-03", "2026-10"]
    # In UTC, contact 5 is still on the 28th.
    assert [r["day"] for r in kpis([edge_file], by=["day"], tz="UTC")][:1] == ["2026-03-28"]


def test_one_threshold_for_every_channel_replaces_the_defaults(edge_file: Path) -> None:
    rows = kpis([edge_file], by=["flow"], threshold_s=30)
    assert by(rows, flow="sav")["service_level"] == pytest.approx(4 / 6)  # contact 2 now counts
    assert by(rows, flow="mail")["service_level"] == 0.0


def test_without_short_abandons_every_abandon_counts(edge_file: Path) -> None:
    sav = by(kpis([edge_file], by=["flow"], short_abandon_s=0), flow="sav")
    assert sav["short_abandoned"] == 0
    assert sav["service_level"] == pytest.approx(3 / 7)
    assert sav["abandon_rate"] == pytest.approx(3 / 7)


def test_a_contract_can_keep_short_abandons_in_the_denominator(edge_file: Path) -> None:
    rules = KpiRules(short_abandons="count")
    sav = by(kpis([edge_file], by=["flow"], rules=rules), flow="sav")
    assert sav["short_abandoned"] == 1  # still reported
    assert sav["abandon_rate"] == pytest.approx(3 / 7)


def test_interval_mean_averages_the_intervals_instead_of_pooling_contacts(tmp_path: Path) -> None:
    rows = [
        # 10:00 interval: 2 of 3 within 20 s; 10:30 interval: 1 of 1.
        "a,f,voice_in,s,2026-05-04T10:01:00+02:00,2026-05-04T10:01:05+02:00,2026-05-04T10:03:00+02:00,false,100,0,10,,,,",
        "b,f,voice_in,s,2026-05-04T10:02:00+02:00,2026-05-04T10:02:10+02:00,2026-05-04T10:04:00+02:00,false,100,0,10,,,,",
        "c,f,voice_in,s,2026-05-04T10:03:00+02:00,2026-05-04T10:04:00+02:00,2026-05-04T10:06:00+02:00,false,100,0,10,,,,",
        "d,f,voice_in,s,2026-05-04T10:40:00+02:00,2026-05-04T10:40:01+02:00,2026-05-04T10:43:00+02:00,false,100,0,10,,,,",
    ]
    path = write_csv(tmp_path / "im.csv", HEADER, rows)
    (pooled,) = kpis([path])
    (averaged,) = kpis([path], rules=KpiRules(aggregation="interval_mean"))
    assert pooled["service_level"] == pytest.approx(3 / 4)
    assert averaged["service_level"] == pytest.approx((2 / 3 + 1) / 2)
    assert averaged["offered"] == 4  # counts are summed, not averaged
    (hourly,) = kpis([path], rules=KpiRules(aggregation="interval_mean"), interval_min=60)
    assert hourly["service_level"] == pytest.approx(3 / 4)  # one interval of an hour


def test_the_kpi_command_prints_one_json_object_per_group(edge_file: Path) -> None:
    result = CliRunner().invoke(app, ["kpi", str(edge_file), "--by", "flow,day", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {(r["flow"], r["day"]) for r in rows} == {
        ("sav", "2026-03-29"),
        ("sav", "2026-10-25"),
        ("mail", "2026-03-29"),
        ("out", "2026-03-29"),
    }
    assert set(rows[0]) >= {"offered", "service_level", "nps", "repeat_rate_7d"}


def test_a_workspace_and_its_source_file_give_the_same_kpis(edge_file: Path, workspace) -> None:  # type: ignore[no-untyped-def]
    from arbitre.services.imports import import_file

    import_file(workspace, edge_file)
    from_file = kpis([edge_file], by=["flow", "month"])
    # A workspace's default counts the waiting KPIs within its opening hours (tests/kpi/test_scope.py);
    # over every contact, its store and its source file agree to the last field.
    from_store = kpis([workspace.root], by=["flow", "month"], all_hours=True)
    assert from_store == from_file


def test_the_query_is_standard_enough_to_transpile_to_spark_sql() -> None:
    import sqlglot
    from sqlglot.errors import ErrorLevel

    from arbitre.kpi.engine import kpi_sql

    for rules in (KpiRules(), KpiRules(aggregation="interval_mean")):
        query = kpi_sql("interactions", by=["flow", "site", "month"], rules=rules, tz="Europe/Paris")
        (spark,) = sqlglot.transpile(query, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE)
        assert (
            "OVER (PARTITION BY customer_id, flow ORDER BY arrived_us NULLS LAST RANGE BETWEEN CURRENT ROW"
            in spark
        )
        assert "FILTER(WHERE queued AND answered AND wait_s <= threshold_s)" in spark


def test_an_abandon_without_its_end_is_a_real_abandon_not_a_short_one(tmp_path: Path) -> None:
    rows = [
        "a,f,voice_in,s,2026-05-04T10:01:00+02:00,2026-05-04T10:01:05+02:00,2026-05-04T10:03:00+02:00,false,100,0,10,,,,",
        "b,f,voice_in,s,2026-05-04T10:02:00+02:00,,,true,,,,,,,",  # the export lost when the caller hung up
    ]
    (row,) = kpis([write_csv(tmp_path / "lost.csv", HEADER, rows)])
    assert (row["abandoned"], row["short_abandoned"]) == (1, 0)
    assert row["service_level"] == pytest.approx(1 / 2)
    assert row["abandon_rate"] == pytest.approx(1 / 2)


def test_two_contacts_at_the_same_instant_are_repeats_of_each_other(tmp_path: Path) -> None:
    rows = [
        "a,f,voice_in,s,2026-05-04T10:00:00+02:00,2026-05-04T10:00:05+02:00,2026-05-04T10:03:00+02:00,false,100,0,10,K,,,",
        "b,f,voice_in,s,2026-05-04T10:00:00+02:00,2026-05-04T10:00:09+02:00,2026-05-04T10:04:00+02:00,false,100,0,10,K,,,",
        "c,f,voice_in,s,2026-05-20T10:00:00+02:00,2026-05-20T10:00:05+02:00,2026-05-20T10:03:00+02:00,false,100,0,10,K,,,",
    ]
    (row,) = kpis([write_csv(tmp_path / "tie.csv", HEADER, rows)])
    assert row["repeat_rate_7d"] == pytest.approx(2 / 3)  # a and b follow each other; c is 16 days on
