"""A practitioner's acceptance test: the demo's headline figures rebuilt from the raw data.

A head of customer service checking the business case would not trust the engine: they would open
the workspace's Parquet store with DuckDB, count with the field's conventions, and compare with
what the reports say. This module does exactly that on the demo at a twentieth of its volumes,
with its own SQL and its own reading of the hours (nothing of Arbitre's hours, KPI or workload
code is used to compute the expected values):

- the monthly workload of each flow: every e-mail, case and social message (what arrives while
  closed is handled at the next opening), the calls and chats arriving within the service hours;
  a year's total ÷ 12;
- the calls arriving outside the service hours, reported as unserved demand;
- the baseline cost of each flow: today's set-up — a flow its provider handled in the history is
  costed at that provider's offer, not in-house;
- service level, abandonment and average wait within opening hours (short abandons under 5 s out
  of both denominators, as specs/interactions.md says);
- the business case against the provider's actual month: the same counts on both sides.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from arbitre.cli.app import app
from arbitre.reports.html import num, pct
from tests.demo.conftest import BuiltDemo

THRESHOLD_S = {"voice_in": 20, "chat": 60, "social": 3600, "email": 86400, "backoffice": 86400}
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
YEAR = (
    "arrived_at >= TIMESTAMPTZ '2025-01-01 00:00:00+01' AND arrived_at < TIMESTAMPTZ '2026-01-01 00:00:00+01'"
)


@pytest.fixture(scope="module")
def demo(small_demo: BuiltDemo) -> Path:
    return small_demo.folder


@pytest.fixture(scope="module")
def con(demo: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    c.execute("SET TimeZone = 'Europe/Paris'")
    c.execute(
        f"CREATE VIEW contacts AS SELECT *, timezone('Europe/Paris', arrived_at) AS local "
        f"FROM read_parquet('{demo}/interactions/*/*.parquet')"
    )
    yield c
    c.close()


@pytest.fixture(scope="module")
def decision(demo: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["decide", str(demo), "--json", "--no-sensitivity"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


@pytest.fixture(scope="module")
def activity(demo: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["map", str(demo), "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def settings(demo: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        yaml.safe_load((demo / "arbitre.yaml").read_text(encoding="utf-8")),
        yaml.safe_load((demo / "decision.yaml").read_text(encoding="utf-8")),
    )


def within(hours: dict[str, str]) -> str:
    """SQL: the local arrival falls within ``hours`` (settings form, ranges within a day)."""
    parts = []
    for days, ranges in hours.items():
        if ranges.strip() == "closed":
            continue
        if "-" in days:
            a, b = days.split("-")
            wanted = DAYS[DAYS.index(a) : DAYS.index(b) + 1]
        else:
            wanted = [d.strip() for d in days.split(",")]
        for r in ranges.split(","):
            start, end = r.strip().split("-")
            lo = int(start[:2]) * 60 + int(start[3:])
            hi = int(end[:2]) * 60 + int(end[3:])
            for d in wanted:
                parts.append(
                    f"(isodow(local) = {DAYS.index(d) + 1} AND hour(local) * 60 + minute(local) >= {lo} "
                    f"AND hour(local) * 60 + minute(local) < {hi})"
                )
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


def one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    return con.sql(sql).fetchall()[0][0]


def test_each_flows_monthly_workload_is_its_years_work_over_twelve(
    demo: Path, con: duckdb.DuckDBPyConnection, decision: dict[str, Any]
) -> None:
    ws, frame = settings(demo)
    flows = {f["flow"]: f for f in decision["flows"]}
    for flow, conf in ws["flows"].items():
        service = (frame["flows"].get(flow) or {}).get("service_hours") or conf["opening_hours"]
        every = one(con, f"SELECT count(*) FROM contacts WHERE flow = '{flow}' AND {YEAR}")
        served = one(
            con, f"SELECT count(*) FROM contacts WHERE flow = '{flow}' AND {YEAR} AND {within(service)}"
        )
        deferred = conf["channel"] in ("email", "backoffice", "social")
        expected = (every if deferred or conf["channel"] == "voice_out" else served) / 12
        assert flows[flow]["contacts_per_month"] == pytest.approx(expected, abs=0.051), flow
        # What arrives outside the service hours: workload for deferred work, unserved demand for calls.
        counted = flows[flow]["counted"]
        assert counted["arriving_closed_per_month"] == pytest.approx((every - served) / 12, abs=0.051), flow
        unserved = 0 if deferred or conf["channel"] == "voice_out" else (every - served) / 12
        assert counted["unserved_per_month"] == pytest.approx(unserved, abs=0.051), flow
    # The e-mails: every one of them, about twice what arrives while the team is open.
    email = flows["sav-email-fr"]
    assert email["contacts_per_month"] > 1.8 * email["counted"]["arriving_open_per_month"]


def test_a_flow_its_provider_handles_today_is_costed_at_that_provider(
    con: duckdb.DuckDBPyConnection, decision: dict[str, Any]
) -> None:
    sites = {
        flow: set(s.split(","))
        for flow, s in con.sql(
            f"SELECT flow, string_agg(DISTINCT site, ',') FROM contacts WHERE {YEAR} GROUP BY flow"
        ).fetchall()
    }
    assert sites["support-intl"] == {"linguaserv:barcelona"}
    offers = {o["site"]: o["id"] for o in decision["inputs"]["offers"]}
    for f in decision["flows"]:
        if sites[f["flow"]] == {"internal"}:
            assert f["today"]["sites"] == {"internal": f["inhouse"]["per_month"]}
            assert f["today"]["per_month"] == f["inhouse"]["per_month"]
        else:
            (site,) = sites[f["flow"]]
            offer = offers[site]
            assert set(f["today"]["sites"]) == {offer}
            assert f["today"]["per_month"] == f["offers"][offer]["standalone_per_month"]
            assert Decimal(f["today"]["per_month"]) < Decimal(f["inhouse"]["per_month"])
    # Savings are measured against that set-up; all in-house is a scenario beside it.
    scenarios = {s["name"]: s for s in decision["scenarios"]}
    assert decision["baseline"] == "current"
    today = Decimal(scenarios["current"]["npv"])
    for s in decision["scenarios"]:
        assert Decimal(s["savings_npv"]) == today - Decimal(s["npv"])
    assert Decimal(scenarios["all-in-house"]["npv"]) > today


def test_service_level_abandonment_and_wait_count_the_contacts_arriving_while_open(
    demo: Path, con: duckdb.DuckDBPyConnection, activity: dict[str, Any]
) -> None:
    ws, _ = settings(demo)
    mapped = {f["flow"]: f for f in activity["flows"]}
    for flow, conf in ws["flows"].items():
        if conf["channel"] == "voice_out":
            continue
        t = THRESHOLD_S[conf["channel"]]
        sl, abandon, asa, closed = con.sql(
            f"""
            WITH c AS (
              SELECT {within(conf["opening_hours"])} AS open, abandoned,
                     NOT abandoned AND answered_at IS NOT NULL AS answered,
                     CASE WHEN NOT abandoned AND answered_at IS NOT NULL THEN epoch(answered_at) - epoch(arrived_at)
                          WHEN abandoned THEN epoch(ended_at) - epoch(arrived_at) END AS wait
              FROM contacts WHERE flow = '{flow}')
            SELECT count(*) FILTER (WHERE open AND answered AND wait <= {t})
                     / count(*) FILTER (WHERE open AND NOT (abandoned AND coalesce(wait < 5, FALSE))),
                   count(*) FILTER (WHERE open AND abandoned AND NOT coalesce(wait < 5, FALSE))
                     / count(*) FILTER (WHERE open AND NOT (abandoned AND coalesce(wait < 5, FALSE))),
                   avg(wait) FILTER (WHERE open AND answered),
                   count(*) FILTER (WHERE NOT open)
            FROM c
            """
        ).fetchall()[0]
        kpis = mapped[flow]["kpis"]
        assert kpis["service_level"] == pytest.approx(sl, rel=1e-9), flow
        assert kpis["abandon_rate"] == pytest.approx(abandon, rel=1e-9, abs=1e-12), flow
        assert kpis["asa_s"] == pytest.approx(asa, rel=1e-6), flow
        assert kpis["outside_hours"] == closed == mapped[flow]["outside_hours"]["contacts"], flow
    # Closed hours are not abandons: within the hours the calls' abandon rate is far below the
    # rate over every call, which counts the hang-ups on the closed message.
    every = one(
        con,
        "SELECT count(*) FILTER (WHERE abandoned AND NOT coalesce(epoch(ended_at) - epoch(arrived_at) < 5, FALSE)) "
        "/ count(*) FILTER (WHERE NOT (abandoned AND coalesce(epoch(ended_at) - epoch(arrived_at) < 5, FALSE))) "
        "FROM contacts WHERE flow = 'sav-voice-fr'",
    )
    assert mapped["sav-voice-fr"]["kpis"]["abandon_rate"] < every / 2


def test_the_business_case_and_the_actual_month_count_the_same_contacts(
    demo: Path, con: duckdb.DuckDBPyConnection
) -> None:
    _, frame = settings(demo)
    voice = frame["flows"]["sav-voice-fr"]["service_hours"]
    projected = (
        one(con, f"SELECT count(*) FROM contacts WHERE flow = 'sav-email-fr' AND {YEAR}")
        + one(
            con, f"SELECT count(*) FROM contacts WHERE flow = 'sav-voice-fr' AND {YEAR} AND {within(voice)}"
        )
    ) / 12
    june = one(
        con,
        "SELECT count(*) FROM contacts WHERE site = 'callmada:tana' AND flow IN ('sav-voice-fr', 'sav-email-fr') "
        "AND NOT abandoned AND answered_at IS NOT NULL AND strftime(local, '%Y-%m') = '2026-06'",
    )
    result = CliRunner().invoke(app, ["govern", str(demo), "--month", "2026-06", "--json"])
    assert result.exit_code == 0, result.output
    (month,) = json.loads(result.stdout)
    case = month["business_case"]
    assert case["projected_contacts"] == round(projected)
    assert case["actual_contacts"] == june
    # The same counts on both sides: all the e-mails, the calls of the service hours — the
    # projection is within a fifth of the actual month, not half of it.
    assert 0.8 < case["actual_contacts"] / case["projected_contacts"] < 1.25


def test_the_reports_say_what_the_raw_data_says(
    demo: Path, con: duckdb.DuckDBPyConnection, decision: dict[str, Any], activity: dict[str, Any]
) -> None:
    dossier = (demo / "reports" / "dossier-de-decision.html").read_text(encoding="utf-8")
    emails = one(con, f"SELECT count(*) FROM contacts WHERE flow = 'sav-email-fr' AND {YEAR}") / 12
    assert f"<td>{num(emails, 'fr')}</td>" in dossier
    recommended = next(s for s in decision["scenarios"] if s["name"] == decision["recommended"])
    assert pct(recommended["savings_share"], "fr") in dossier
    carto = (demo / "reports" / "cartographie.html").read_text(encoding="utf-8")
    voice = next(f for f in activity["flows"] if f["flow"] == "sav-voice-fr")
    assert f"<td>{pct(voice['kpis']['service_level'], 'fr')}</td>" in carto
