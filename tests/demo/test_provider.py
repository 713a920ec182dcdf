"""Call Mada's months: the provider's contacts, staffed by the provider, and the invoices it sends."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from arbitre.demo.calendar import black_friday, french_holidays, mothers_day, sales_periods
from arbitre.demo.company import FLOW_BY_ID
from arbitre.demo.generate import INTERACTIONS_SCHEMA, DemoHistory, _population
from arbitre.demo.provider import (
    MINIMUM_AGENTS,
    OVERBILLING,
    STORY,
    InvoiceRow,
    ProviderMonths,
    generate_provider_months,
    provider_invoices,
    write_invoice_csv,
)
from arbitre.domain import Channel
from arbitre.domain.contract import Contract
from arbitre.domain.kpis import KpiRules
from arbitre.examples import EXAMPLES
from arbitre.ingest.mapping import IDENTITY
from arbitre.ingest.readers import Source
from arbitre.ingest.validate import validate
from arbitre.kpi.engine import compute_kpis
from arbitre.staffing.erlang import evaluate
from arbitre.store.interactions import connect
from arbitre.yamlio import load_model
from tests.demo.test_generate import _check_rules, _local, _np

TZ = "Europe/Paris"
RULES = KpiRules(thresholds_s={Channel.VOICE_IN: 30})
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def story() -> ProviderMonths:
    """April to June 2026 at the demo's scale: the story the governance pages tell."""
    return generate_provider_months()


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_model(EXAMPLES / "contracts" / "callmada-2026.yaml", Contract)


@pytest.fixture(scope="module")
def monthly(story: ProviderMonths) -> dict[tuple[str, str], dict]:
    """KPIs per (flow, month) by the engine, with the contract's 30 s threshold on calls."""
    con = connect(TZ)
    con.register("provider", story.interactions)
    rows = compute_kpis(con, "provider", by=["flow", "month"], rules=RULES, tz=TZ)
    return {(r["flow"], r["month"]): r for r in rows}


def _flow(table: pa.Table, flow: str) -> pa.Table:
    return table.filter(pc.equal(table.column("flow"), flow))


# The 2026 calendar -------------------------------------------------------------------------------


def test_the_2026_calendar_has_its_legal_sales_black_friday_and_holidays() -> None:
    # Art. D310-15-2: the second Wednesday of January 2026 is the 14th, after the 12th: the 7th.
    assert sales_periods(2026) == (
        (date(2026, 1, 7), date(2026, 2, 3)),
        (date(2026, 6, 24), date(2026, 7, 21)),
    )
    assert black_friday(2026) == date(2026, 11, 27)
    assert mothers_day(2026) == date(2026, 5, 31)
    holidays = french_holidays(2026)
    for d in (date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)):  # Easter and Whit Monday, Ascension
        assert d in holidays


# Determinism and the interaction contract --------------------------------------------------------


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def test_the_same_arguments_give_byte_identical_tables() -> None:
    kwargs = {"start": date(2026, 5, 4), "end": date(2026, 5, 11), "scale": 0.1}
    a = generate_provider_months(seed=1, **kwargs)  # type: ignore[arg-type]
    b = generate_provider_months(seed=1, **kwargs)  # type: ignore[arg-type]
    assert _ipc_bytes(a.interactions) == _ipc_bytes(b.interactions)
    assert _ipc_bytes(a.staffing) == _ipc_bytes(b.staffing)
    c = generate_provider_months(seed=2, **kwargs)  # type: ignore[arg-type]
    assert not a.interactions.equals(c.interactions)


def test_every_row_passes_the_import_validation_and_the_interaction_rules(story: ProviderMonths) -> None:
    t = story.interactions
    assert t.schema == INTERACTIONS_SCHEMA
    source = Source("callmada.parquet", "parquet", t, lambda rows: np.asarray(rows, dtype=np.int64) + 1)
    checked = validate(source, IDENTITY, connect(TZ))
    assert checked.errors == []
    assert checked.clean_rows == t.num_rows
    _check_rules(DemoHistory(settings=story.settings, interactions=t, staffing=story.staffing))


def test_every_contact_is_the_providers_with_its_own_ids(story: ProviderMonths) -> None:
    t = story.interactions
    assert set(_np(t, "site").tolist()) == {"callmada:tana"}
    assert set(_np(t, "flow").tolist()) == {"sav-voice-fr", "sav-email-fr"}
    assert all(re.fullmatch(r"CM-TNR-2026-\d{8}", x) for x in t.column("contact_id").to_pylist()[:2000])
    agents = set(t.column("agent_id").drop_null().to_pylist())
    assert all(re.fullmatch(r"TNR-\d{4}", a) for a in agents)
    assert set(_np(story.staffing, "site").tolist()) == {"callmada:tana"}
    day, _, _ = _local(t)
    assert day.min() >= np.datetime64("2026-04-01") and day.max() <= np.datetime64("2026-06-30")


def test_the_customers_are_those_of_the_clients_crm() -> None:
    """The same seed and scale as the demo history: the same customer ids (its first draws)."""
    months = generate_provider_months(seed=4, start=date(2026, 4, 6), end=date(2026, 4, 8), scale=0.02)
    crm = set(_population(0.02, np.random.default_rng(4)).ids.to_pylist())
    theirs = set(months.interactions.column("customer_id").to_pylist())
    assert theirs and theirs <= crm


# Hours and handle times --------------------------------------------------------------------------


def test_calls_are_queued_only_in_the_service_hours_the_director_asked_for(story: ProviderMonths) -> None:
    t = _flow(story.interactions, "sav-voice-fr")
    day, weekday, minute = _local(t)
    opens = np.select([weekday < 5, weekday == 5], [8 * 60 + 30, 9 * 60], 10 * 60)
    closes = np.select([weekday < 5, weekday == 5], [21 * 60, 19 * 60], 18 * 60)
    assert np.all((minute >= opens) & (minute < closes))
    assert not np.any(day == np.datetime64("2026-05-01")), "closed on Labour Day, as every site"
    assert np.any(day == np.datetime64("2026-05-14")), "open on Ascension: the provider works"
    _, _, answered = _local(t.filter(pc.is_valid(t.column("answered_at"))), "answered_at")
    assert answered.max() < 21 * 60 + 30


def test_emails_are_answered_in_the_providers_hours(story: ProviderMonths) -> None:
    t = _flow(story.interactions, "sav-email-fr")
    t = t.filter(pc.is_valid(t.column("answered_at")))
    _, weekday, minute = _local(t, "answered_at")
    sunday = weekday == 6
    assert np.all((minute[~sunday] >= 7 * 60) & (minute[~sunday] < 23 * 60))
    assert np.all((minute[sunday] >= 9 * 60) & (minute[sunday] < 20 * 60))
    _, _, arrived_minute = _local(t)
    assert np.any(arrived_minute >= 23 * 60), "e-mails arrive at night and wait for the morning"


def test_handle_times_are_twelve_percent_longer_than_in_house(monthly: dict) -> None:
    for flow in ("sav-voice-fr", "sav-email-fr"):
        in_house = FLOW_BY_ID[flow].handle.mean_s
        aht = monthly[(flow, "2026-04")]["aht_s"]
        assert aht == pytest.approx(1.12 * in_house, rel=0.04), flow


# Staffing and the story ---------------------------------------------------------------------------


def test_the_measured_service_level_is_what_erlang_predicts_for_the_providers_plan(
    story: ProviderMonths,
) -> None:
    """KPIs consistent with staffing: over April, the calls answered within 30 s are what
    Erlang A predicts for the agents on duty and the forecast, within 4 points."""
    flow = story.flows["sav-voice-fr"]
    plan = story.plans["sav-voice-fr"]
    s = _flow(story.staffing, "sav-voice-fr")
    starts = _np(s, "interval_start")
    april = starts < _np(s, "interval_start")[0] + 30 * 86_400
    on = april & (plan.agents > 0)
    m = evaluate(
        agents=plan.agents[on],
        volume=plan.forecast[on],
        interval_s=1800,
        aht_s=flow.handle.mean_s,
        threshold_s=30,
        patience_s=flow.patience_mean_s,
    )
    predicted = float(np.sum(m.service_level * plan.forecast[on]) / plan.forecast[on].sum())
    t = _flow(story.interactions, "sav-voice-fr")
    arrived, answered = _np(t, "arrived_at"), _np(t, "answered_at")
    in_april = arrived < starts[0] + 30 * 86_400
    measured = float(np.mean(answered[in_april] - arrived[in_april] <= 30))
    assert abs(measured - predicted) < 0.04
    assert in_april.sum() == pytest.approx(plan.forecast[on].sum(), rel=0.08)


def test_may_is_under_staffed_on_calls_and_misses_the_service_level(
    story: ProviderMonths, monthly: dict
) -> None:
    sl = {m: monthly[("sav-voice-fr", m)]["service_level"] for m in ("2026-04", "2026-05", "2026-06")}
    assert sl["2026-05"] < 0.78
    assert sl["2026-04"] >= 0.80 and sl["2026-06"] >= 0.80
    plan = story.plans["sav-voice-fr"]
    month = _local(_flow(story.staffing, "sav-voice-fr"), "interval_start")[0].astype("datetime64[M]")
    may, april = month == np.datetime64("2026-05"), month == np.datetime64("2026-04")
    assert plan.agents[may].sum() / plan.required[may].sum() == pytest.approx(
        STORY["2026-05/sav-voice-fr"], abs=0.02
    )
    assert plan.agents[april].sum() >= plan.required[april].sum()


def test_the_abandon_rate_stays_under_8_percent_on_nine_days_in_ten_of_the_normal_months(
    story: ProviderMonths,
) -> None:
    con = connect(TZ)
    con.register("calls", _flow(story.interactions, "sav-voice-fr"))
    days = compute_kpis(con, "calls", by=["day"], rules=RULES, tz=TZ)
    for month in ("2026-04", "2026-06"):
        rates = [d["abandon_rate"] for d in days if d["day"].startswith(month)]
        assert np.mean(np.array(rates) <= 0.08) >= 0.9, month


def test_emails_are_answered_within_24_hours_every_month(monthly: dict) -> None:
    for month in ("2026-04", "2026-05", "2026-06"):
        assert monthly[("sav-email-fr", month)]["service_level"] >= 0.90, month


def test_satisfaction_and_resolution_meet_the_contract_in_the_normal_months(
    story: ProviderMonths, monthly: dict
) -> None:
    """The csat SLA covers both flows (top-2-box over every answer), fcr the calls."""
    con = connect(TZ)
    con.register("provider", story.interactions)
    both = {r["month"]: r for r in compute_kpis(con, "provider", by=["month"], rules=RULES, tz=TZ)}
    for month in ("2026-04", "2026-06"):
        calls = monthly[("sav-voice-fr", month)]
        assert calls["csat"] >= 0.70, month
        assert calls["fcr"] >= 0.65, month
        assert both[month]["csat"] >= 0.70, month


def test_a_month_wide_factor_scales_every_flow_and_a_flow_factor_wins() -> None:
    kwargs = {"start": date(2026, 4, 6), "end": date(2026, 4, 13), "scale": 0.1}
    m = generate_provider_months(staffing_factor={"2026-04": 2.0, "2026-04/sav-email-fr": 1.0}, **kwargs)  # type: ignore[arg-type]
    calls, mails = m.plans["sav-voice-fr"], m.plans["sav-email-fr"]
    assert calls.agents.sum() == pytest.approx(2 * calls.required.sum(), rel=0.05)
    assert np.all(mails.agents == np.where(mails.required > 0, mails.required, mails.agents))


def test_a_time_window_factor_cuts_the_agents_of_that_morning_only() -> None:
    # 8 April 2026 09:00-11:00 Paris time at a fifth: four half hours, on both flows.
    kwargs = {"start": date(2026, 4, 7), "end": date(2026, 4, 10), "scale": 0.2}
    base = generate_provider_months(staffing_factor={}, **kwargs)  # type: ignore[arg-type]
    cut = generate_provider_months(staffing_factor={"2026-04-08 09:00-11:00": 0.2}, **kwargs)  # type: ignore[arg-type]
    for flow in ("sav-voice-fr", "sav-email-fr"):
        before, after = base.plans[flow], cut.plans[flow]
        assert np.array_equal(before.required, after.required)  # the same plan, then the cut
        window = np.zeros(before.agents.shape[0], dtype=bool)
        window[48 + 18 : 48 + 22] = True  # the second day's half hours 09:00, 09:30, 10:00, 10:30
        cut_to = np.maximum(np.floor(before.required[window] * 0.2 + 0.5), MINIMUM_AGENTS)
        assert np.array_equal(after.agents[window], cut_to), flow
        if flow == "sav-voice-fr":  # (the e-mails' minimum of one agent cannot be cut)
            assert after.agents[window].sum() < before.agents[window].sum()
        assert np.array_equal(after.agents[~window], before.agents[~window])
    with pytest.raises(ValueError, match="staffing factor key"):
        generate_provider_months(staffing_factor={"2026-04-08 9h-11h": 0.2})


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="scale"):
        generate_provider_months(scale=0)
    with pytest.raises(ValueError, match="after"):
        generate_provider_months(start=date(2026, 5, 1), end=date(2026, 5, 1))
    with pytest.raises(ValueError, match="unknown flow"):
        generate_provider_months(flows=("nope",))
    with pytest.raises(ValueError, match="> 0"):
        generate_provider_months(staffing_factor={"2026-05": 0.0})


# Invoices -------------------------------------------------------------------------------------------


def _expected_logged_hours(story: ProviderMonths) -> dict[tuple[str, str, str], Decimal]:
    """Productive hours ÷ 0.85 per (month, flow, band), computed apart from the generator's code:
    in SQL, bands by hand (weekend first, then 22:00–07:00, then 19:00–22:00)."""
    con = connect(TZ)
    con.register("provider", story.interactions)
    rows = con.sql(
        """
        SELECT strftime(arrived_at, '%Y-%m') AS month, flow,
               CASE WHEN isodow(arrived_at) >= 6 THEN 'weekend'
                    WHEN hour(arrived_at) >= 22 OR hour(arrived_at) < 7 THEN 'night'
                    WHEN hour(arrived_at) >= 19 THEN 'evening' ELSE 'day' END AS band,
               CAST(sum(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrap_s, 0)) AS BIGINT) AS seconds
        FROM provider WHERE answered_at IS NOT NULL AND NOT abandoned GROUP BY ALL
        """
    ).fetchall()
    return {(m, f, b): Decimal(s) / Decimal(3600) / Decimal("0.85") for m, f, b, s in rows}


def _lines(rows: list[InvoiceRow], unit: str) -> Iterator[InvoiceRow]:
    return (r for r in rows if r["unit"] == unit)


def test_the_invoices_bill_logged_hours_per_band_and_over_bill_the_calls_of_june(
    story: ProviderMonths, contract: Contract
) -> None:
    invoices = provider_invoices(story, contract=contract)
    assert sorted(invoices) == ["2026-04", "2026-05", "2026-06"]
    expected = _expected_logged_hours(story)
    premiums = {
        "day": Decimal(0),
        "evening": Decimal("0.10"),
        "night": Decimal("0.25"),
        "weekend": Decimal("0.15"),
    }
    billed_voice_june, fair_voice_june = Decimal(0), Decimal(0)
    for month, rows in invoices.items():
        lines = list(_lines(rows, "logged_hour"))
        assert {(month, r["flow"], r["band"]) for r in lines} == {k for k in expected if k[0] == month}
        for r in lines:
            fair = expected[(month, r["flow"], r["band"])].quantize(CENT, rounding=ROUND_HALF_UP)
            assert r["unit_price"] == Decimal("8.50") * (1 + premiums[r["band"]])
            assert r["amount"] == (r["quantity"] * r["unit_price"]).quantize(CENT, rounding=ROUND_HALF_UP)
            if month == "2026-06" and r["flow"] == "sav-voice-fr":
                billed_voice_june += r["quantity"]
                fair_voice_june += fair
            else:
                assert r["quantity"] == fair, (month, r["flow"], r["band"])
        assert not list(_lines(rows, "fee")), "well above the monthly minimum at full scale"
    assert OVERBILLING["2026-06"]["sav-voice-fr"] == Decimal("0.04")
    assert 1.03 < billed_voice_june / fair_voice_june < 1.05


def test_the_monthly_minimum_tops_up_a_small_month(contract: Contract) -> None:
    small = generate_provider_months(start=date(2026, 4, 1), end=date(2026, 5, 1), scale=0.05)
    (rows,) = provider_invoices(small, contract=contract).values()
    hours = sum((r["amount"] for r in _lines(rows, "logged_hour")), Decimal(0))
    assert hours < 15_000
    (fee,) = _lines(rows, "fee")
    assert (fee["flow"], fee["band"], fee["unit_price"]) == ("", "", None)
    assert fee["amount"] == Decimal(15_000) - hours
    assert sum((r["amount"] for r in rows), Decimal(0)) == Decimal("15000.00")


def test_an_invoice_is_written_as_comma_separated_utf8(
    story: ProviderMonths, contract: Contract, tmp_path: Path
) -> None:
    rows = provider_invoices(story, contract=contract)["2026-06"]
    rows = [
        *rows,
        InvoiceRow(
            flow="", unit="fee", band="", quantity=Decimal(1), unit_price=None, amount=Decimal("12.30")
        ),
    ]
    path = write_invoice_csv(rows, tmp_path / "callmada-2026-06.csv")
    with path.open(encoding="utf-8", newline="") as f:
        read = list(csv.reader(f))
    assert read[0] == ["flow", "unit", "band", "quantity", "unit_price", "amount"]
    assert read[1][:3] == ["sav-voice-fr", "logged_hour", "day"]
    assert read[1][4] == "8.50"
    assert re.fullmatch(r"\d+\.\d{2}", read[1][5])
    assert read[-1] == ["", "fee", "", "1", "", "12.30"]
    assert len(read) == len(rows) + 1
