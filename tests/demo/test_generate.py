"""The demo company's interaction history: realistic, consistent with its staffing, reproducible."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import arbitre.demo
from arbitre.demo import generate_history
from arbitre.demo.company import FLOW_BY_ID, FLOWS
from arbitre.demo.generate import INTERACTIONS_SCHEMA, DemoHistory, expected_contacts
from arbitre.demo.grid import build_grid
from arbitre.demo.plan import LUNCH_MINUTES, plan_flow
from arbitre.domain.interactions import NAMES
from arbitre.staffing.erlang import evaluate

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def march() -> DemoHistory:
    """An ordinary month (no sales, no holiday) at a fifth of the real volumes."""
    return generate_history(seed=11, start=date(2025, 3, 1), end=date(2025, 4, 1), scale=0.2)


@pytest.fixture(scope="module")
def november() -> DemoHistory:
    """Two ordinary weeks, then Black Friday and Cyber Monday, at full scale: the headcount cap
    only bites once there are enough agents for the peak to need many more."""
    return generate_history(seed=5, start=date(2025, 11, 10), end=date(2025, 12, 2), scale=1.0)


@pytest.fixture(scope="module")
def year() -> DemoHistory:
    return generate_history(seed=3, scale=0.03)


def _np(table: pa.Table, name: str) -> np.ndarray:
    """A column as numpy: timestamps as float seconds (NaN for null), others with NaN/None."""
    col = table.column(name).combine_chunks()
    if pa.types.is_timestamp(col.type):
        us = pc.cast(col, pa.int64()).to_numpy(zero_copy_only=False)
        return np.where(col.is_null().to_numpy(zero_copy_only=False), np.nan, us / 1e6)
    return np.asarray(col.to_numpy(zero_copy_only=False))


def _local(table: pa.Table, name: str = "arrived_at") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(local date as datetime64[D], weekday Monday 0, minute of day) in Europe/Paris."""
    ts = table.column(name).cast(pa.timestamp("us", tz="Europe/Paris"))
    naive = pc.local_timestamp(ts)
    day = pc.cast(pc.floor_temporal(naive, unit="day"), pa.timestamp("us")).to_numpy(zero_copy_only=False)
    hour = pc.hour(naive).to_numpy(zero_copy_only=False)
    minute = pc.minute(naive).to_numpy(zero_copy_only=False)
    weekday = pc.day_of_week(naive).to_numpy(zero_copy_only=False)
    return day.astype("datetime64[D]"), weekday, hour * 60 + minute


def _flow(table: pa.Table, flow: str) -> pa.Table:
    return table.filter(pc.equal(table.column("flow"), flow))


# Determinism ---------------------------------------------------------------------------------


def test_the_same_seed_gives_byte_identical_tables() -> None:
    kwargs = {"start": date(2025, 6, 23), "end": date(2025, 6, 30), "scale": 0.05}
    a, b = generate_history(seed=1, **kwargs), generate_history(seed=1, **kwargs)  # type: ignore[arg-type]
    assert a.interactions.equals(b.interactions)
    assert a.staffing.equals(b.staffing)
    assert _ipc_bytes(a.interactions) == _ipc_bytes(b.interactions)


def test_a_different_seed_gives_a_different_history() -> None:
    kwargs = {"start": date(2025, 6, 23), "end": date(2025, 6, 30), "scale": 0.05}
    a, b = generate_history(seed=1, **kwargs), generate_history(seed=2, **kwargs)  # type: ignore[arg-type]
    assert not a.interactions.equals(b.interactions)


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


# The interaction contract -----------------------------------------------------------------------


def test_the_interactions_have_the_canonical_columns_and_types(march: DemoHistory) -> None:
    assert march.interactions.schema == INTERACTIONS_SCHEMA
    assert tuple(march.interactions.column_names) == NAMES
    assert march.staffing.schema.field("interval_start").type == pa.timestamp("us", tz="UTC")


def _check_rules(h: DemoHistory) -> None:
    t = h.interactions
    arrived, answered, ended = _np(t, "arrived_at"), _np(t, "answered_at"), _np(t, "ended_at")
    abandoned = _np(t, "abandoned").astype(bool)
    assert t.column("abandoned").null_count == 0
    assert np.all(np.isfinite(arrived))
    assert np.all(np.diff(arrived) >= 0), "sorted by arrived_at"
    both = np.isfinite(answered)
    assert np.all(answered[both] >= arrived[both])
    done = np.isfinite(ended) & both
    assert np.all(ended[done] >= answered[done])
    assert np.all(ended[np.isfinite(ended)] >= arrived[np.isfinite(ended)])
    assert not np.any(abandoned & both), "an abandoned row has no answered_at"
    assert np.all(np.isfinite(ended[abandoned])), "an abandoned row says when the customer left"
    for name, lo, hi in (("csat", 1, 5), ("nps", 0, 10), ("qa_score", 0, 100)):
        values = t.column(name).drop_null().to_numpy()
        assert values.size == 0 or (values.min() >= lo and values.max() <= hi)
    for name in ("talk_s", "hold_s", "wrap_s"):
        v = _np(t, name).astype(float)
        assert np.all(v[np.isfinite(v)] >= 0)
        assert not np.any(np.isfinite(v) & ~both), f"{name} only on answered rows"
    resolved_known = ~t.column("resolved").is_null().to_numpy(zero_copy_only=False)
    assert not np.any(resolved_known & ~both), "resolved is null when not answered"
    outbound = _np(t, "channel") == "voice_out"
    assert not abandoned[outbound].any(), "outbound attempts do not queue"
    assert set(_np(t, "language").tolist()) <= {"fr", "en", "es", "de"}
    keys = pc.binary_join_element_wise(t.column("site"), t.column("contact_id"), "|")
    assert pc.count_distinct(keys).as_py() == t.num_rows, "contact_id unique per site"
    agent_set = ~t.column("agent_id").is_null().to_numpy(zero_copy_only=False)
    assert np.all(agent_set[both]), "every answered contact names its agent"


def test_every_row_follows_the_interaction_rules(march: DemoHistory, november: DemoHistory) -> None:
    _check_rules(march)
    _check_rules(november)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    start=st.dates(date(2025, 1, 1), date(2025, 12, 29)),
    days=st.integers(1, 3),
)
def test_any_seed_and_period_give_rows_that_follow_the_rules(seed: int, start: date, days: int) -> None:
    end = min(start + timedelta(days=days), date(2026, 1, 1))
    _check_rules(generate_history(seed=seed, start=start, end=end, scale=0.05))


def test_contact_ids_look_like_each_site_system(march: DemoHistory) -> None:
    t = march.interactions
    ids, sites = _np(t, "contact_id"), _np(t, "site")
    assert all(re.fullmatch(r"AZ-2025-\d{7}", x) for x in ids[sites == "internal"][:1000])
    assert all(re.fullmatch(r"LS-BCN-2025-\d{8}", x) for x in ids[sites != "internal"][:1000])
    assert set(sites[_np(t, "flow") == "support-intl"]) == {"linguaserv:barcelona"}
    agents = t.column("agent_id").drop_null()
    internal = t.filter(pc.equal(t.column("site"), "internal")).column("agent_id").drop_null()
    assert all(re.fullmatch(r"FR-\d{4}", x) for x in internal.to_pylist()[:1000])
    assert any(re.fullmatch(r"BCN-\d{3}", x) for x in agents.to_pylist())


# Demand patterns -----------------------------------------------------------------------------


def test_black_friday_brings_far_more_order_calls_than_an_ordinary_friday(november: DemoHistory) -> None:
    t = _flow(november.interactions, "orders-voice-fr")
    day, _, _ = _local(t)
    count = {d: int((day == np.datetime64(d)).sum()) for d in ("2025-11-14", "2025-11-21")}
    black_friday = int((day == np.datetime64("2025-11-28")).sum())
    assert black_friday > 2.3 * np.mean(list(count.values()))


def test_sales_months_are_above_the_yearly_mean(year: DemoHistory) -> None:
    for flow in ("orders-voice-fr", "sav-voice-fr"):
        day, _, _ = _local(_flow(year.interactions, flow))
        month = day.astype("datetime64[M]").astype(int) % 12
        per_month = np.bincount(month, minlength=12)
        assert per_month[0] > per_month.mean(), flow  # winter sales
        assert per_month[6] > per_month.mean(), flow  # summer sales
        assert per_month[7] < per_month.mean(), flow  # August holidays


def test_mondays_are_the_busiest_weekday_for_voice(march: DemoHistory) -> None:
    _, weekday, _ = _local(_flow(march.interactions, "sav-voice-fr"))
    per_day = np.bincount(weekday, minlength=7)
    assert int(np.argmax(per_day)) == 0
    assert per_day[6] < per_day[5] < per_day[4]


def test_chat_demand_peaks_in_the_evening_when_the_chat_is_closed(march: DemoHistory) -> None:
    t = _flow(march.interactions, "sav-chat-fr")
    _, weekday, minute = _local(t)
    weekday_rows = weekday < 5
    per_hour = np.bincount(minute[weekday_rows] // 60, minlength=24)
    assert 19 <= int(np.argmax(per_hour)) <= 21
    late = weekday_rows & (minute >= 20 * 60)
    assert late.sum() > 0
    assert _np(t, "abandoned")[late].all()
    assert np.isnan(_np(t, "answered_at")[late]).all()


def test_calls_outside_opening_hours_are_offered_and_abandoned_after_the_closed_message(
    march: DemoHistory,
) -> None:
    t = _flow(march.interactions, "sav-voice-fr")
    _, weekday, minute = _local(t)
    closed = (weekday == 6) | ((weekday < 5) & ((minute >= 19 * 60) | (minute < 8 * 60 + 30)))
    assert closed.mean() > 0.05, "real demand outside opening hours"
    assert _np(t, "abandoned")[closed].all()
    assert np.isnan(_np(t, "answered_at")[closed]).all()
    assert t.column("agent_id").filter(pa.array(closed)).null_count == int(closed.sum())
    message = _np(t, "ended_at")[closed] - _np(t, "arrived_at")[closed]
    assert message.min() >= 15 and message.max() <= 40


def test_emails_received_at_night_wait_for_the_morning_team(march: DemoHistory) -> None:
    t = _flow(march.interactions, "sav-email-fr")
    day, weekday, minute = _local(t)
    # Monday to Thursday nights, before the last days (whose backlog outlives the period).
    night = (weekday < 4) & (minute >= 22 * 60) & (day < np.datetime64("2025-03-28"))
    assert night.sum() > 0
    assert not _np(t, "abandoned")[night].any()
    assert not np.isnan(_np(t, "answered_at")[night]).any()
    _, _, answer_minute = _local(t.filter(pa.array(night)), "answered_at")
    assert np.all((answer_minute >= 8 * 60) & (answer_minute < 18 * 60))


def test_the_daylight_saving_night_of_march_has_no_two_o_clock_contacts(march: DemoHistory) -> None:
    day, _, minute = _local(march.interactions)
    on_dst = day == np.datetime64("2025-03-30")
    assert on_dst.sum() > 0
    assert not np.any(on_dst & (minute >= 120) & (minute < 180))


# Handle times and outcomes ---------------------------------------------------------------------


def test_handle_times_are_skewed_with_realistic_means(march: DemoHistory) -> None:
    expected = {
        "sav-voice-fr": (300, 480),
        "sav-chat-fr": (480, 720),
        "sav-email-fr": (300, 420),
        "claims-backoffice": (600, 900),
    }
    for flow, (lo, hi) in expected.items():
        t = _flow(march.interactions, flow)
        handle = _np(t, "talk_s") + _np(t, "hold_s") + _np(t, "wrap_s")
        handle = handle[np.isfinite(handle)]
        assert lo < handle.mean() < hi, flow
        assert np.median(handle) < handle.mean(), f"{flow}: right-skewed"


def test_some_rows_miss_a_handling_component_as_real_exports_do(march: DemoHistory) -> None:
    t = march.interactions
    answered = ~np.isnan(_np(t, "answered_at"))
    missing_wrap = np.isnan(_np(t, "wrap_s").astype(float)) & answered
    assert 0.001 < missing_wrap.sum() / answered.sum() < 0.02


def test_outbound_reaches_about_a_third_of_the_customers_it_calls(march: DemoHistory) -> None:
    t = _flow(march.interactions, "winback-outbound")
    reached = ~np.isnan(_np(t, "answered_at"))
    assert 0.3 < reached.mean() < 0.42
    _, weekday, minute = _local(t)
    assert weekday.max() <= 4
    assert minute.min() >= 10 * 60 and minute.max() < 20 * 60
    assert not np.any((minute >= 13 * 60) & (minute < 14 * 60))


def test_first_contact_resolution_is_between_70_and_85_percent_on_every_inbound_flow(
    march: DemoHistory,
) -> None:
    for flow in FLOWS:
        if flow.reach_rate is not None:
            continue
        resolved = _flow(march.interactions, flow.id).column("resolved").drop_null().to_numpy()
        assert 0.68 < resolved.mean() < 0.88, flow.id


def _followed_within_7_days(t: pa.Table) -> np.ndarray:
    """Per row: another contact of the same customer on the same flow within 7 days after."""
    arrived = _np(t, "arrived_at")
    key = pc.binary_join_element_wise(t.column("flow"), t.column("customer_id"), "|")
    codes = pc.dictionary_encode(key).combine_chunks().indices.to_numpy()
    order = np.lexsort((arrived, codes))
    nxt = np.zeros(t.num_rows, dtype=bool)
    same = codes[order][1:] == codes[order][:-1]
    soon = arrived[order][1:] - arrived[order][:-1] <= 7 * 86_400
    nxt[order[:-1]] = same & soon
    return nxt


def test_unresolved_issues_come_back_from_the_same_customer_within_days(march: DemoHistory) -> None:
    t = _flow(march.interactions, "sav-voice-fr")
    resolved = t.column("resolved")
    followed = _followed_within_7_days(t)
    known = ~resolved.is_null().to_numpy(zero_copy_only=False)
    r = resolved.fill_null(False).to_numpy(zero_copy_only=False)
    unresolved_rate = followed[known & ~r].mean()
    resolved_rate = followed[known & r].mean()
    assert unresolved_rate > 0.6
    assert resolved_rate < 0.2
    repeat_rate_7d = followed[known].mean()
    assert 0.15 < repeat_rate_7d < 0.4


def test_surveys_are_worse_after_a_long_wait_or_an_unresolved_issue(march: DemoHistory) -> None:
    t = _flow(march.interactions, "sav-voice-fr")
    csat = t.column("csat")
    answered = t.filter(pc.invert(csat.is_null()))
    share = answered.num_rows / (~np.isnan(_np(t, "answered_at"))).sum()
    assert 0.08 < share < 0.25
    score = _np(answered, "csat").astype(float)
    nps = _np(answered, "nps").astype(float)
    wait = _np(answered, "answered_at") - _np(answered, "arrived_at")
    resolved = _np(answered, "resolved").astype(bool)
    assert score[resolved].mean() > score[~resolved].mean() + 0.5
    assert score[wait <= 20].mean() > score[wait > 180].mean() + 0.3
    promoters, detractors = (nps >= 9).mean(), (nps <= 6).mean()
    assert -30 < 100 * (promoters - detractors) < 60


def test_reasons_are_french_contact_reasons_of_the_flow(march: DemoHistory) -> None:
    t = march.interactions
    for flow in FLOWS:
        got = set(_np(_flow(t, flow.id), "reason").tolist())
        assert got <= {r for r, _ in flow.reasons}
    assert "suivi de commande" in set(_np(t, "reason").tolist())


def _luhn(number: str) -> bool:
    digits = [int(c) for c in number][::-1]
    total = sum(d if i % 2 == 0 else (2 * d - 9 if 2 * d > 9 else 2 * d) for i, d in enumerate(digits))
    return total % 10 == 0


def _iban_ok(iban: str) -> bool:
    s = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


def test_transcripts_carry_personal_data_for_the_import_to_redact(march: DemoHistory) -> None:
    t = march.interactions
    texts = t.column("transcript").drop_null().to_pylist()
    channels = set(_np(t.filter(pc.invert(t.column("transcript").is_null())), "channel").tolist())
    assert channels == {"chat", "email", "social"}
    blob = "\n".join(texts)
    assert re.search(r"[\w.]+@[\w-]+\.(fr|com|net)", blob)
    assert re.search(r"(\+33 [67]|\b0[1-9])( ?\d{2}){4}", blob)
    iban_pattern = r"FR\d{2}(?: ?[0-9]{4}){5} ?[0-9]{3}"
    ibans = [m.replace(" ", "") for m in re.findall(iban_pattern, blob)]
    rest = re.sub(iban_pattern, "", blob)
    cards = [m.replace(" ", "") for m in re.findall(r"\b(?:\d{4} ){3}\d{4}\b", rest)]
    assert ibans or cards
    assert all(_iban_ok(i) for i in ibans)
    assert all(_luhn(c) for c in cards)


# Staffing and service level ------------------------------------------------------------------


def test_agents_are_on_duty_only_during_opening_hours(march: DemoHistory) -> None:
    s = march.staffing
    for flow in ("sav-voice-fr", "claims-backoffice"):
        f = s.filter(pc.equal(s.column("flow"), flow))
        _, weekday, minute = _local(f, "interval_start")
        agents = _np(f, "agents")
        assert agents[weekday == 6].sum() == 0
        assert agents[(weekday < 5) & (minute < 8 * 60)].sum() == 0
        assert agents[(weekday < 5) & (minute == 10 * 60)].min() >= 1


def test_the_plan_puts_fewer_agents_than_required_at_lunch() -> None:
    flow = FLOW_BY_ID["sav-voice-fr"]
    grid = build_grid(date(2025, 3, 3), date(2025, 3, 8), zone=PARIS)
    expected = np.full(grid.n, 20.0)
    plan = plan_flow(
        flow,
        grid=grid,
        expected=expected,
        open_=np.ones(grid.n, dtype=bool),
        caps={},
        rng=np.random.default_rng(0),
    )
    minute = grid.minute[::2]
    lunch = (minute >= LUNCH_MINUTES[0]) & (minute < LUNCH_MINUTES[1])
    assert np.all(plan.agents[lunch] < plan.required[lunch])
    assert np.all(plan.agents[~lunch] <= plan.required[~lunch])


def _service_level(t: pa.Table, threshold_s: float) -> float:
    arrived, answered = _np(t, "arrived_at"), _np(t, "answered_at")
    return float(np.mean((answered - arrived) <= threshold_s))  # NaN compares False


def test_black_friday_is_under_staffed_and_its_service_level_drops(november: DemoHistory) -> None:
    t = _flow(november.interactions, "orders-voice-fr")
    day, _, minute = _local(t)
    t = t.filter(pa.array((minute >= 9 * 60) & (minute < 19 * 60)))  # while the line is open
    day = day[(minute >= 9 * 60) & (minute < 19 * 60)]
    ordinary = np.isin(day, np.array(["2025-11-14", "2025-11-21"], dtype="datetime64[D]"))
    black_friday = day == np.datetime64("2025-11-28")
    sl_ordinary = _service_level(t.filter(pa.array(ordinary)), 20)
    sl_black_friday = _service_level(t.filter(pa.array(black_friday)), 20)
    assert sl_black_friday < 0.6  # far below the 80 % target the plan is sized for
    assert sl_ordinary > sl_black_friday + 0.15
    # The plan had more agents than on an ordinary Friday, just not enough.
    s = november.staffing.filter(pc.equal(november.staffing.column("flow"), "orders-voice-fr"))
    when, _, _ = _local(s, "interval_start")
    agents = _np(s, "agents")
    assert (
        agents[when == np.datetime64("2025-11-28")].max() > agents[when == np.datetime64("2025-11-21")].max()
    )


@pytest.mark.parametrize("flow_id", ["sav-voice-fr", "orders-voice-fr", "sav-chat-fr"])
def test_the_measured_service_level_matches_what_erlang_predicts_for_the_plan(
    march: DemoHistory, flow_id: str
) -> None:
    """KPIs consistent with staffing: over an ordinary month, the share of contacts answered
    within the threshold among those offered while open is what Erlang A predicts for the
    planned agents and the expected volumes, within 5 points; abandonment likewise."""
    flow = FLOW_BY_ID[flow_id]
    t = _flow(march.interactions, flow_id)
    s = march.staffing.filter(pc.equal(march.staffing.column("flow"), flow_id))
    agents, starts = _np(s, "agents"), _np(s, "interval_start")
    arrived, answered = _np(t, "arrived_at"), _np(t, "answered_at")
    j = np.searchsorted(starts, arrived, side="right") - 1
    offered = agents[j] > 0  # arrived while agents were on duty
    measured_sl = np.mean(answered[offered] - arrived[offered] <= flow.staffing.threshold_s)
    measured_abandon = np.mean(_np(t, "abandoned")[offered])

    expected = expected_contacts(flow_id, start=date(2025, 3, 1), end=date(2025, 4, 1), scale=0.2)
    on = agents > 0
    m = evaluate(
        agents=agents[on] * flow.slots_per_agent,
        volume=expected[on],
        interval_s=1800,
        aht_s=flow.handle.mean_s,
        threshold_s=flow.staffing.threshold_s,
        patience_s=flow.patience_mean_s,
    )
    weight = expected[on] / expected[on].sum()
    predicted_sl = float(np.sum(m.service_level * weight))
    predicted_abandon = float(np.sum(m.abandon_rate * weight))
    assert abs(measured_sl - predicted_sl) < 0.05
    assert abs(measured_abandon - predicted_abandon) < 0.04
    assert offered.sum() == pytest.approx(expected.sum(), rel=0.1)


# Scale, performance and API ------------------------------------------------------------------


def test_scale_multiplies_the_volumes() -> None:
    kwargs = {"seed": 4, "start": date(2025, 3, 3), "end": date(2025, 3, 10)}
    small = generate_history(scale=0.02, **kwargs).interactions.num_rows  # type: ignore[arg-type]
    large = generate_history(scale=0.1, **kwargs).interactions.num_rows  # type: ignore[arg-type]
    assert 4.0 < large / small < 6.0


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="scale"):
        generate_history(scale=0)
    with pytest.raises(ValueError, match="after"):
        generate_history(start=date(2025, 2, 1), end=date(2025, 2, 1))


def test_the_public_api_is_exported() -> None:
    for name in arbitre.demo.__all__:
        assert hasattr(arbitre.demo, name)


@pytest.mark.slow
def test_a_full_year_at_scale_one_has_about_one_and_a_half_million_contacts() -> None:
    began = time.perf_counter()
    h = generate_history()
    elapsed = time.perf_counter() - began
    assert 1_400_000 < h.interactions.num_rows < 1_600_000
    assert elapsed < 60
    first, last = _np(h.interactions, "arrived_at")[[0, -1]]
    assert datetime.fromtimestamp(first, PARIS).year == 2025
    assert datetime.fromtimestamp(last, PARIS).year == 2025
    assert 2_000 < h.interactions.column("transcript").drop_null().length() < 10_000
